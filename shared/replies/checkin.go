package replies

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// All patterns here run on folded text: lower case, no accents.

const (
	yesWords = `yes|yep|yeah|yea|yup|ya|y|sure|indeed|definitely|absolutely|affirmative|ja|jep|jawohl|jo|oui|ouais|si|sim|claro`
	noWords  = `no|nope|nah|n|nein|ne|non|nao|nee|neen|neh`
)

var (
	// A yes or no that answers the question: at the start of a line,
	// followed by punctuation, a number or the end of the line, or opening
	// a short line.
	explicitAnswer = mustPattern(`(?m)(^|[.!?;][ \t]+)[^\pL\pN\n]*(?:\d{1,2}[.)][ \t]*)?(` + yesWords + `|` + noWords + `)\b`)
	// "No problem", "no idea": not an answer.
	notAnAnswer = mustPattern(`^(no|nah|ne|non)\s+(problem|problemo|worries|worry|idea|doubt|matter|rush|clue|probleme|problema)\b`)

	// Phrases saying the pair met. A negation just before one turns it
	// into a "no".
	metPhrases = []*pattern{
		mustPattern(`\b(met|meet up|met up|caught up|got together|spoke|talked|chatted|catched up|saw each other|connected)\b`),
		mustPattern(`\b(had|grabbed|got|did|enjoyed)\s+(a\s+|an\s+|our\s+|the\s+|some\s+|two\s+|2\s+|first\s+|great\s+|good\s+|nice\s+|quick\s+|long\s+)*(coffee|coffees|lunch|breakfast|dinner|call|chat|video call|zoom|teams call|catch[- ]?up|session|meeting|walk|conversation|1:1|one[- ]on[- ]one|1-on-1)\b`),
		// DE
		mustPattern(`\b(getroffen|gesehen|trafen uns|treffen hat stattgefunden|telefoniert|ausgetauscht|unterhalten|kaffee getrunken|mittag gegessen|gesprochen)\b`),
		// FR
		mustPattern(`\b(on s'est (vus|vues|vu|rencontres|rencontre|retrouves|parle|appeles)|nous nous sommes (vus|vues|rencontres|retrouves|parle|reunis)|on a (pris un cafe|dejeune|discute|echange)|nous avons (pris un cafe|dejeune|discute|echange)|(rencontre|reunion) a eu lieu)\b`),
		// ES
		mustPattern(`\b(nos (vimos|reunimos|juntamos|encontramos|hemos visto|hemos reunido|hemos encontrado)|(tomamos|tomamos un) cafe|comimos juntos|hablamos|charlamos|quedamos)\b`),
		// IT
		mustPattern(`\b(ci siamo (visti|viste|incontrati|incontrate|sentiti|parlati|trovati)|abbiamo (preso un caffe|pranzato|parlato|chiacchierato))\b`),
		// PT
		mustPattern(`\b(nos (encontramos|reunimos|vimos|falamos)|encontramo-nos|reunimo-nos|tomamos (um )?cafe|almocamos|conversamos)\b`),
		// NL
		mustPattern(`\b(elkaar (gezien|gesproken|ontmoet|getroffen)|koffie gedronken|geluncht|bijgepraat)\b`),
	}
	// Phrases saying they did not.
	notMetPhrases = []*pattern{
		mustPattern(`\b(not yet|not this time|not since|no meeting|no chance|no time|too busy|nothing yet|haven't yet|have not yet|still waiting)\b`),
		mustPattern(`\b(didn't|did not|didnt|haven't|have not|havent|hasn't|has not|couldn't|could not|weren't able to|were not able to|wasn't able to|unable to|never|failed to|won't|cannot|can't)\s+(\w+\s+){0,2}(meet|met|manage|managed|connect|get together|catch up|find (a )?time|make it|happen)\b`),
		mustPattern(`\b(reschedul\w*|postpon\w*|cancel+ed|cancel+ing|called off|call(ed)? it off|fell through|pushed (it )?back|keep missing each other|kept missing each other|missing each other|missed each other)\b`),
		// DE
		mustPattern(`\b(noch nicht|nicht getroffen|nicht gesehen|nicht geschafft|keine zeit|verschoben|abgesagt|ausgefallen|verpassen uns|verpasst)\b`),
		// FR
		mustPattern(`\b(pas encore|pas (eu|trouve) le temps|pas pu (nous|se) (voir|rencontrer)|on ne s'est pas|nous ne nous sommes pas|reporte|reportee|annule|annulee|decale|decalee)\b`),
		// ES
		mustPattern(`\b(todavia no|aun no|no nos (hemos )?(visto|vimos|reunido|reunimos|encontrado|encontramos)|no (hemos )?(podido|tenido tiempo)|cancelad[oa]|pospuest[oa]|aplazad[oa]|reprogramad[oa]|reprogramar)\b`),
		// IT
		mustPattern(`\b(non ancora|ancora no|non ci siamo|non (abbiamo )?(avuto tempo|potuto)|rinviat[oa]|rimandat[oa]|annullat[oa]|spostat[oa]|cancellat[oa])\b`),
		// PT
		mustPattern(`\b(ainda nao|nao nos (encontramos|reunimos|vimos)|nao (tivemos tempo|conseguimos)|adiad[oa]|cancelad[oa]|remarcad[oa]|desmarcad[oa])\b`),
		// NL
		mustPattern(`\b(nog niet|(niet|geen) (\w+ ){0,2}(gezien|gesproken|ontmoet|getroffen)|verzet|afgezegd|geannuleerd|uitgesteld|verplaatst|geen tijd|missen elkaar)\b`),
	}
	// Saying both at once.
	ambiguousMet = mustPattern(`\b(yes and no|yes or no|yes/no|ja und nein|jein|oui et non|si y no|si e no|sim e nao|ja en nee)\b`)
	// A negation close before a "met" phrase, in the same clause.
	negatedBefore = mustPattern(`(n't|\b(not|never|no|nicht|nie|kein\w*|pas|ne|nunca|non|mai|nao|niet|geen|nooit|didn|haven|hasn|couldn|wasn|weren|won|cannot|yet to))\b[^.!?,;\n]{0,24}$`)
)

// understandCheckIn reads whether the pair met and how they rate it.
func understandCheckIn(s string, a *Answer, used *spans) {
	yes, no := 0, 0
	explicitYes, explicitNo := false, false
	for _, m := range explicitAnswer.FindAllStringSubmatchIndex(s, 20) {
		word := s[m[4]:m[5]]
		rest := s[m[5]:]
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			rest = rest[:i]
		}
		atLineStart := m[3] == m[2] // not after a sentence end
		if notAnAnswer.MatchString(lookahead(s[m[4]:])) || strings.HasPrefix(rest, "'") || strings.HasPrefix(rest, "-") && !strings.HasPrefix(rest, "- ") {
			continue // "y'all", "no-one"
		}
		// A long line that merely starts with "no" is not an answer; one
		// where punctuation or a number follows the word is. Within a line,
		// only a word standing alone as a sentence ("Yes. No.") counts.
		alone := strings.TrimSpace(rest) == "" || startsWithPunct(rest) || startsWithDigit(rest)
		if !alone && (!atLineStart || len(strings.Fields(rest)) > 5) {
			continue
		}
		if isWord(word, yesWords) {
			yes += 2
			explicitYes = true
		} else {
			no += 2
			explicitNo = true
		}
		used.add(m[4], m[5])
	}
	for _, re := range metPhrases {
		for _, m := range re.FindAllStringIndex(s, 20) {
			if negatedBefore.MatchString(s[max(0, m[0]-40):m[0]]) {
				no++
			} else {
				yes++
			}
		}
	}
	for _, re := range notMetPhrases {
		no += len(re.FindAllStringIndex(s, 20))
	}
	switch {
	case explicitYes && explicitNo, ambiguousMet.MatchString(s):
	case yes > 0 && no == 0, explicitYes && yes >= no+2 && !explicitNo:
		a.Met = ptr(true)
	case no > 0 && yes == 0, explicitNo && no >= yes+2 && !explicitYes:
		a.Met = ptr(false)
	}
	a.Rating = findRating(s, used)
}

// unitFollows reports whether a unit, a time or a date follows a number
// in folded text. Every unitAfter alternative starts with a letter, "%",
// "." or a non-ASCII character, which rules out most of what follows a
// rating ("/5", ",", a line end) without running the pattern.
func unitFollows(s string) bool {
	t := strings.TrimLeft(s, " \t\n\r\f")
	if t == "" {
		return false
	}
	if c := t[0]; c < utf8.RuneSelf && c != '%' && c != '.' && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') {
		return false
	}
	return unitAfter.MatchString(lookahead(s))
}

// lookahead bounds the text after a match that an anchored pattern looks
// at ("hours", "no problem"): those patterns need a few words, and the
// expression's cost grows with the length of what it is given. The cut is
// moved to the end of a word.
func lookahead(s string) string {
	const n = 64
	if len(s) <= n {
		return s
	}
	i := n
	for i < len(s) && i < 2*n && (s[i] >= utf8.RuneSelf || s[i] == '\'' || unicode.IsLetter(rune(s[i])) || unicode.IsDigit(rune(s[i]))) {
		i++
	}
	return s[:i]
}

func startsWithPunct(s string) bool {
	s = strings.TrimLeft(s, " \t")
	return s != "" && strings.ContainsRune(",.;:!-–—", rune(s[0]))
}

func startsWithDigit(s string) bool {
	s = strings.TrimLeft(s, " \t")
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

func isWord(w, alternatives string) bool {
	for _, a := range strings.Split(alternatives, "|") {
		if w == a {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }

const numberWords = `one|two|three|four|five|eins|zwei|drei|vier|funf|un|une|deux|trois|quatre|cinq|uno|una|dos|tres|cuatro|cinco|due|tre|quattro|um|uma|dois|quatro|een|twee|drie|vijf`

var numberWordValue = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
	"eins": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5,
	"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
	"uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
	"due": 2, "tre": 3, "quattro": 4,
	"um": 1, "uma": 1, "dois": 2, "quatro": 4,
	"een": 1, "twee": 2, "drie": 3, "vijf": 5,
}

var (
	// "4/5", "4 out of 5", "4 von 5", "4 sur 5", "4 de 5", "4 su 5",
	// "4 van de 5", "four out of five".
	ratingOutOf = mustPattern(`(?:^|[^\pL\pN/.,])([1-5]|` + numberWords + `)\s*(?:/|out of|of|von|sur|de|su|van de|van|op|em|di|из)\s*(?:5|five|funf|cinq|cinco|cinque|vijf)(?:$|[^\pN/.,:]|[.,](?:\s|$))`)
	// "rating: 3", "I'd rate it a 4", "score 5", "Bewertung: 4", "note : 4".
	ratingLabel = mustPattern(`\b(?:rating|rate|rated|rates|score|scored|grade|graded|valuable|value|bewertung|bewerte|bewertet|bewerten|note|notation|je note|noter|puntuacion|puntaje|calificacion|califico|valoracion|valoro|nota|voto|valutazione|valuto|punteggio|avaliacao|avalio|cijfer|beoordeling|waardering)\b[^\pN\n.!?]{0,20}?([1-5])(?:$|[^\pN/.:,]|[.,](?:\s|$))`)
	// "I'd give it a 5", "ich gebe eine 4", "je lui donne 4", "le doy un 4",
	// "gli do 4"… (no bare "do": English "do 2 things").
	ratingGive = mustPattern(`\b(?:give|gave|giving|say|rate it|gebe|gebe ihm|gebe|geben|gab|donne|donnerais|doy|daria|darei|dou|daria|geef|gaf|gli do|le do)\s+(?:(?:it|this|that|them|him|her|the session|the meeting|es|ihm|ihr|dem treffen|lui|le|la|lo|gli|het|er|hem|haar|ele|ela|isso)\s+)?(?:(?:a|an|un|une|una|uno|um|uma|een|eine|einen|ein|solid|solide|strong|clear|full)\s+)*([1-5]|` + numberWords + `)(?:$|[^\pL\pN/.:,]|[.,](?:\s|$))`)
	// "Un 4.", "een 4", "eine 5": a grade with its article, opening a
	// sentence or a clause.
	ratingArticle = mustPattern(`(?:^|[.!?,;:]\s*)(?:un|una|uno|une|um|uma|een|eine|ein)\s+([1-5])(?:$|[^\pL\pN/.:,]|[.,](?:\s|$))`)
	// "4 stars", "4 Sterne", "4 étoiles", "4 estrellas", "4 stelle", "4 sterren".
	ratingStars = mustPattern(`(?:^|[^\pN])([1-5])\s*(?:stars?|sterne?|etoiles?|estrellas?|stelle|estrelas?|sterren)\b`)
	// ★★★★☆ and ⭐⭐⭐⭐.
	starRun = mustPattern(`((?:★|⭐|🌟)\x{FE0F}?){1,10}`)
	// A range ("3-4", "4 or 5") is not one rating.
	ratingRange = mustPattern(`(?:^|[^\pN/.:])[1-5]\s*(?:-|to|or|oder|ou|o|tot)\s*[1-5](?:$|[^\pN/.:])`)

	// Bare numbers, accepted only in answer positions:
	// a line that is just the number…
	bareLine = mustPattern(`(?m)^[^\pL\pN\n]*([1-5])[^\pL\pN\n]*$`)
	// …after a leading yes/no ("Yes, 4")…
	afterAnswer = mustPattern(`(?m)^[^\pL\pN\n]*(?:` + yesWords + `|` + noWords + `|met|we met|met up)\b[\s,.;:!/\-]*([1-5])\b`)
	// …opening a line before punctuation ("4 - really useful", "5!")…
	lineOpening = mustPattern(`(?m)^[^\pL\pN\n]{0,2}([1-5])[ \t]*(?:[-:!)]|[.,](?:[ \t]|$))`)
	// …after a list number when answers are numbered ("2. 4")…
	listAnswer = mustPattern(`(?m)^[ \t]*\d{1,2}[.)][ \t]+(?:(?:` + yesWords + `|` + noWords + `)\b[\s,.;:!/\-]*)?([1-5])[^\pL\pN\n]*$`)
	// …or closing one after punctuation ("great chat, 4").
	lineClosing = mustPattern(`(?m)(?:[,;:\-]|[.!][ \t])[ \t]*([1-5])[ \t.!)]*$`)
	// What makes a number a quantity, a time or a date rather than a
	// rating when it follows it.
	unitAfter = mustPattern(`^\s*(hours?|hrs?|h\b|mins?|minutes?|times?|x\b|weeks?|days?|months?|years?|people|persons?|sessions?|meetings?|calls?|coffees?|pm\b|am\b|o'clock|%|st\b|nd\b|rd\b|th\b|stunden?|std|mal\b|minuten|tage?n?|wochen?|monate?n?|heures?|fois|jours?|semaines?|mois\b|horas?|veces|dias?|semanas?|meses|ore\b|volte|giorni|settimane|mesi|vezes|uur|keer|dagen|weken|maanden|er\b|eme\b|e\b|º|ª|\.\s*(jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|oct|nov|dez|dec)|(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|marz|mai|juni|juli|oktober|dezember|janvier|fevrier|mars|avril|juin|juillet|aout|septembre|octobre|novembre|decembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|marco|maio|junho|julho|setembro|outubro|novembro|dezembro|januari|februari|maart|mei|augustus)\b)`)
	// …or precedes it.
	dateBefore = mustPattern(`(\b(on|the|at|um|am|le|el|il|em|op|since|seit|depuis|desde|dal|da|sinds|until|till|bis|jusqu'au|hasta|fino al|ate|tot|in|about|around|ungefahr|environ|unos|circa|cerca de|ongeveer|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|week|weeks|woche|semaine|semana|settimana|week|session|meeting|nr|no|number|nummer|numero)|[#])\s*$`)
)

// findRating returns the 1–5 rating a reply gives, or nil when it gives
// none or several. Explicit forms ("4/5", "rating: 4", "I'd give it a 4",
// "★★★★") win over bare numbers, which count only where an answer stands
// and never as a quantity, time or date ("2 hours", "on the 3rd").
func findRating(s string, used *spans) *int {
	var strong []int
	var strongSpans [][2]int
	take := func(m []int, value int) {
		strong = append(strong, value)
		strongSpans = append(strongSpans, [2]int{m[0], m[1]})
	}
	for _, re := range []*pattern{ratingOutOf, ratingLabel, ratingGive, ratingStars, ratingArticle} {
		for _, m := range re.FindAllStringSubmatchIndex(s, 10) {
			v := ratingValue(s[m[2]:m[3]])
			if v == 0 || unitFollows(s[m[3]:]) && re != ratingOutOf && re != ratingStars {
				continue
			}
			take(m, v)
		}
	}
	for _, m := range starRun.FindAllStringIndex(s, 10) {
		n := 0
		for _, r := range s[m[0]:m[1]] {
			if r != '\uFE0F' {
				n++
			}
		}
		if n <= 5 {
			take(m, n)
		}
	}
	if len(strong) == 0 && ratingRange.MatchString(s) {
		return nil
	}
	var weak []int
	var weakSpans [][2]int
	lines := numberedList(s)
	for _, re := range []*pattern{bareLine, afterAnswer, lineOpening, lineClosing, listAnswer} {
		for _, m := range re.FindAllStringSubmatchIndex(s, 20) {
			d0, d1 := m[2], m[3]
			if re == listAnswer && !lines[lineIndex(s, d0)] {
				continue
			}
			if unitFollows(s[d1:]) || dateBefore.MatchString(s[max(0, d0-24):d0]) && re != afterAnswer {
				continue
			}
			if re == lineOpening && lines[lineIndex(s, d0)] {
				continue // "2. …" numbers a list
			}
			weak = append(weak, int(s[d0]-'0'))
			weakSpans = append(weakSpans, [2]int{d0, d1})
		}
	}
	// A bare number that disagrees with an explicit rating makes both
	// doubtful.
	v, ok := single(append(strong, weak...))
	if !ok {
		return nil
	}
	for _, sp := range append(strongSpans, weakSpans...) {
		used.add(trimSpan(s, sp[0], sp[1]))
	}
	return &v
}

func ratingValue(w string) int {
	if len(w) == 1 && w[0] >= '1' && w[0] <= '5' {
		return int(w[0] - '0')
	}
	return numberWordValue[w]
}

// single returns the one value in vs, or false when there is none or
// more than one.
func single(vs []int) (int, bool) {
	if len(vs) == 0 {
		return 0, false
	}
	for _, v := range vs[1:] {
		if v != vs[0] {
			return 0, false
		}
	}
	return vs[0], true
}

// trimSpan drops the separators a pattern matched around a rating, which
// belong to the sentence.
func trimSpan(s string, start, end int) (int, int) {
	const seps = " \t\n,;:()!?.-"
	for start < end && strings.IndexByte(seps, s[start]) >= 0 {
		start++
	}
	for end > start && strings.IndexByte(seps, s[end-1]) >= 0 {
		end--
	}
	return start, end
}

var listItem = mustPattern(`(?m)^\s*\d{1,2}[.)]\s`)

// numberedList reports, per line, whether it is an item of a numbered
// list ("1. yes", "2. 4"), which takes two such lines.
func numberedList(s string) map[int]bool {
	out := map[int]bool{}
	idx := listItem.FindAllStringIndex(s, 50)
	if len(idx) < 2 {
		return out
	}
	for _, m := range idx {
		out[lineIndex(s, m[0])] = true
	}
	return out
}

func lineIndex(s string, pos int) int { return strings.Count(s[:pos], "\n") }
