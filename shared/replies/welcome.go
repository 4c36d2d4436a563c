package replies

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// Joining, at the start ("JOIN", "Yes please") or in so many words.
	joinStart   = mustPattern(`(?m)^[^\pL\pN\n]*(join|joining|` + yesWords + `|count me in|i'm in|im in|i am in|ich bin dabei|je participe|me apunto|ci sto|eu participo|ik doe mee)\b`)
	joinPhrases = mustPattern(`\b(count me in|i'm in|i am in|sign me up|happy to (join|participate|take part|be part)|(i'd|i would|would) (love|like) to (join|participate|take part|be part)|i accept|i agree|i('ll| will) join|(want|wish|like|love) to (join|participate|take part)|i('d| would) be happy to|ich bin dabei|ich mache mit|mache gerne mit|gerne dabei|ich nehme (gerne )?teil|je participe|avec plaisir|je m'inscris|je suis partant|je suis partante|me apunto|cuenten conmigo|cuenta conmigo|acepto|me gustaria participar|ci sto|partecipo|volentieri|aderisco|aceito|conte comigo|eu participo|quero participar|ik doe mee|doe mee|ik wil graag meedoen|meedoen|(ravie?|heureux|heureuse|content|contente|enchante|enchantee) de participer|je (souhaite|veux|voudrais) participer|j'aimerais participer|gerne teilnehmen|(mochte|wurde) (gerne |gern )?teilnehmen|bin gerne dabei|ja,? gerne|me (encantaria|gustaria|encanta) participar|quiero participar|con mucho gusto|mi piacerebbe partecipare|partecipo (volentieri|con piacere)|voglio partecipare|(gostaria|quero) de participar|adoraria participar|com prazer|ik doe graag mee|ik wil graag deelnemen|graag deelnemen|glad to (join|take part|participate))\b`)
	// Declining: "no thanks", "not for me", "I decline", and translations.
	declinePhrases = mustPattern(`\b(no,? thank you|no,? thanks?|not for me|i decline|i'll decline|i will decline|i must decline|i have to decline|not interested|i('ll| will) pass|i('ll| will) sit (this|it) out|count me out|i'm out|i am out|nein,? danke|kein interesse|nicht fur mich|ich verzichte|ich lehne ab|non,? merci|pas pour moi|pas interess(e|ee)|je decline|je refuse|je ne (souhaite|veux) pas|no,? gracias|no me interesa|no es para mi|paso|no,? grazie|non mi interessa|non fa per me|rinuncio|nao,? obrigad[oa]|nao tenho interesse|nao e para mim|nee,? (bedankt|dank je|dank u)|geen interesse|niets voor mij|niet voor mij)\b`)
	declineStart   = mustPattern(`(?m)^[^\pL\pN\n]*(decline|` + noWords + `)\b`)
)

// understandWelcome reads whether a person joins and which topics they
// name, by number ("1, 3") or by name from the vocabulary.
func understandWelcome(s string, vocabulary []string, a *Answer, used *spans) {
	join, decline := false, false
	for _, m := range declinePhrases.FindAllStringIndex(s, 10) {
		decline = true
		used.add(m[0], m[1])
	}
	if m := declineStart.FindStringSubmatchIndex(s); m != nil && m[2] == firstWordAt(s) && !notAnAnswer.MatchString(lookahead(s[m[2]:])) {
		decline = true
		used.add(m[2], m[3])
	}
	for _, m := range joinPhrases.FindAllStringIndex(s, 10) {
		if negatedBefore.MatchString(s[max(0, m[0]-40):m[0]]) {
			decline = true // "I don't want to join": kept whole in the free text
			continue
		}
		join = true
		used.add(m[0], m[1])
	}
	if m := joinStart.FindStringSubmatchIndex(s); m != nil && m[2] == firstWordAt(s) {
		join = true
		used.add(m[2], m[3])
	}
	switch {
	case join && !decline:
		a.Join = ptr(true)
	case decline && !join:
		a.Join = ptr(false)
	}
	a.Topics = matchTopics(s, vocabulary, used)
}

// firstWordAt returns the offset of the first letter or digit in s.
func firstWordAt(s string) int {
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return i
		}
	}
	return -1
}

// token is one word of folded text.
type token struct {
	word       string // singular form
	start, end int
}

// words calls f with the start and end of each word in s, at most limit:
// a run of letters and digits, with an apostrophe and the letters after it
// ("l'equipe", "don't"). It stops when f returns false.
func words(s string, limit int, f func(start, end int) bool) {
	isWordRune := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }
	for i, n := 0, 0; i < len(s) && n < limit; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || !isWordRune(r) {
			i += size
			continue
		}
		start := i
		for i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || !isWordRune(r) {
				break
			}
			i += size
		}
		if i < len(s) && s[i] == '\'' {
			j := i + 1
			for j < len(s) {
				r, size = utf8.DecodeRuneInString(s[j:])
				if r == utf8.RuneError || !unicode.IsLetter(r) {
					break
				}
				j += size
			}
			if j > i+1 {
				i = j
			}
		}
		n++
		if !f(start, i) {
			return
		}
	}
}

func tokenize(s string) []token {
	var out []token
	words(s, 4000, func(start, end int) bool {
		out = append(out, token{word: singular(s[start:end]), start: start, end: end})
		return true
	})
	return out
}

// singular strips common plural endings so "tools" meets "tool".
func singular(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us"):
		return w[:len(w)-1]
	}
	return w
}

var topicConnectors = map[string]bool{
	"and": true, "und": true, "et": true, "y": true, "e": true, "en": true, "or": true, "oder": true,
	"ou": true, "o": true, "of": false,
}

var politeAfter = mustPattern(`^[\s.!,;)]*((please|pls|thanks|thank you|bitte|danke|merci|svp|gracias|por favor|grazie|obrigad[oa]|bedankt|graag)\b)?[\s.!,;)]*$`)

// matchTopics finds vocabulary entries in s: by name, tolerating case,
// spacing, plurals and one typo per word (two in long words), and by their
// 1-based number when a run of numbers ends its line ("1, 3", "2 and 4").
func matchTopics(s string, vocabulary []string, used *spans) []string {
	if len(vocabulary) == 0 {
		return nil
	}
	toks := tokenize(s)
	taken := make([]bool, len(toks))
	found := make([]bool, len(vocabulary))

	type entry struct {
		index int
		words []string
	}
	var entries []entry
	for i, v := range vocabulary {
		var ws []string
		for _, t := range tokenize(fold(v).s) {
			ws = append(ws, t.word)
		}
		if len(ws) > 0 {
			entries = append(entries, entry{i, ws})
		}
	}
	// Longer entries first, so "Social media marketing" wins over "Social media".
	sort.SliceStable(entries, func(i, j int) bool { return len(entries[i].words) > len(entries[j].words) })
	for _, e := range entries {
		k := len(e.words)
		joined := strings.Join(e.words, "")
		for i := range toks {
			if taken[i] {
				continue
			}
			n := 0
			switch {
			case i+k <= len(toks) && wordsMatch(toks[i:i+k], e.words, taken[i:i+k]):
				n = k
			case k > 1 && similar(toks[i].word, joined): // "socialmedia"
				n = 1
			}
			if n == 0 {
				continue
			}
			for j := i; j < i+n; j++ {
				taken[j] = true
			}
			found[e.index] = true
			used.add(toks[i].start, toks[i+n-1].end)
		}
	}
	matchTopicNumbers(s, toks, taken, len(vocabulary), found, used)
	var out []string
	for i, ok := range found {
		if ok {
			out = append(out, vocabulary[i])
		}
	}
	return out
}

func wordsMatch(toks []token, words []string, taken []bool) bool {
	for i, w := range words {
		if taken[i] || !similar(toks[i].word, w) {
			return false
		}
	}
	return true
}

// similar allows one edit in words of four letters or more and two in
// words of eight or more; short words ("AI", "Gen", "Z") must be exact.
func similar(a, b string) bool {
	if a == b {
		return true
	}
	la, lb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	n := min(la, lb)
	limit := 0
	switch {
	case n >= 8:
		limit = 2
	case n >= 4:
		limit = 1
	}
	if limit == 0 || la-lb > limit || lb-la > limit {
		return false
	}
	return editDistance(a, b, limit) <= limit
}

// editDistance is the optimal string alignment distance (a transposition
// counts as one edit), giving up past limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// matchTopicNumbers takes runs of numbers joined by commas or "and" as
// topic numbers when nothing but punctuation or a please/thanks follows
// them on their line: "1, 3", "Topics 2 and 4 please". "I have 2 kids"
// is not a topic.
func matchTopicNumbers(s string, toks []token, taken []bool, n int, found []bool, used *spans) {
	for i := 0; i < len(toks); {
		if taken[i] || !isNumber(toks[i].word) {
			i++
			continue
		}
		j := i
		last := i
		for j < len(toks) && !taken[j] && (isNumber(toks[j].word) || topicConnectors[toks[j].word]) &&
			(j == i || !strings.Contains(s[toks[j-1].end:toks[j].start], "\n")) {
			if isNumber(toks[j].word) {
				last = j
			}
			j++
		}
		lineEnd := strings.IndexByte(s[toks[last].end:], '\n')
		rest := s[toks[last].end:]
		if lineEnd >= 0 {
			rest = rest[:lineEnd]
		}
		if politeAfter.MatchString(rest) || listNumberBefore(s, toks[i].start, toks[last].end) || topicWordBefore.MatchString(s[max(0, toks[i].start-24):toks[i].start]) ||
			afterJoinWord(s, toks[i].start) || onlyTopicsFollow(s, toks, taken, last) {
			for k := i; k <= last; k++ {
				if v := atoi(toks[k].word); v >= 1 && v <= n {
					found[v-1] = true
					used.add(toks[k].start, toks[k].end)
				}
			}
		}
		i = last + 1
	}
}

// topicWordBefore: "topics 2 and 4", "les thèmes 1 et 3 m'intéressent",
// "Themen 1 und 5".
var topicWordBefore = mustPattern(`\b(topics?|themes?|themen|thema|sujets?|temas?|argomenti|argomento|temi|tema|assuntos?|onderwerpen|onderwerp|numbers?|nummern|numeros?|numeri|nummers?|nos?|nrs?)[\s.:#]*$`)

// joinThenNumbers: "JOIN 1, 3" — numbers right after a leading join word,
// the form the welcome email suggests.
var joinThenNumbers = mustPattern(`^[^\pL\pN\n]*(join|joining|` + yesWords + `)[^\pL\pN\n]*$`)

func afterJoinWord(s string, start int) bool {
	lineStart := strings.LastIndexByte(s[:start], '\n') + 1
	return joinThenNumbers.MatchString(s[lineStart:start])
}

// onlyTopicsFollow: "1, 3, hybrid work" — the rest of the line is topic
// names already matched, joined by commas or "and".
func onlyTopicsFollow(s string, toks []token, taken []bool, last int) bool {
	found := false
	for k := last + 1; k < len(toks); k++ {
		if strings.Contains(s[toks[k-1].end:toks[k].start], "\n") {
			break
		}
		switch {
		case taken[k]:
			found = true
		case topicConnectors[toks[k].word]:
		default:
			return false
		}
	}
	return found
}

// listNumberBefore: "1. AI tools" copies the welcome email's list.
func listNumberBefore(s string, start, end int) bool {
	lineStart := strings.LastIndexByte(s[:start], '\n') + 1
	return strings.TrimSpace(s[lineStart:start]) == "" && end < len(s) && (s[end] == '.' || s[end] == ')')
}

func isNumber(w string) bool {
	if w == "" || len(w) > 2 {
		return false
	}
	for _, c := range w {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func atoi(w string) int {
	n := 0
	for _, c := range w {
		n = n*10 + int(c-'0')
	}
	return n
}
