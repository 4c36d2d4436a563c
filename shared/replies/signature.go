package replies

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Signatures without a "-- " line: most mail clients insert the person's
// contact card (name, title, company, phone, web address) under their
// sign-off, and mailing lists append a footer under a line of dashes or
// underscores. Upward keeps the sign-off and the name the person wrote
// under it ("Thanks,\nBob"), and drops the card: the card says nothing
// they wrote for this reply.

// signOff matches a sign-off alone on its line, in the seven languages
// and a few more, with its punctuation.
var signOff = mustPattern(`(?i)^(best|best wishes|best regards|kind regards|kindest regards|warm regards|warmest regards|regards|many thanks|thanks|thank you|thanks again|thx|cheers|all the best|sincerely|yours|yours sincerely|yours truly|take care|talk soon|speak soon|see you|viele grüße|viele grüsse|beste grüße|beste grüsse|liebe grüße|liebe grüsse|herzliche grüße|mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|schöne grüße|grüße|grüsse|gruß|gruss|lg|vg|mfg|danke|vielen dank|bis bald|cordialement|bien cordialement|bien à vous|amitiés|amicalement|bonne journée|bonne soirée|à bientôt|merci|merci beaucoup|salutations|bises|saludos|un saludo|saludos cordiales|atentamente|un abrazo|abrazos|gracias|muchas gracias|hasta pronto|cordiali saluti|saluti|un saluto|distinti saluti|grazie|grazie mille|a presto|buona giornata|ciao|atenciosamente|abraços|abraço|cumprimentos|melhores cumprimentos|obrigado|obrigada|até logo|até breve|beijos|met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|vriendelijke groeten|hartelijke groet|hartelijke groeten|groet|groeten|groetjes|mvg|dank je|dank u|bedankt|tot snel)[\s,.!]*$`)

var (
	// Lines that only a contact card has: a phone number (seven digits or
	// more, with the separators people use), a web or mail address, or
	// fields set apart with "|".
	phoneNumber  = mustPattern(`(?:^|[\s:.(])\+?\(?\d[\d\s()./-]{6,}\d`)
	webAddress   = mustPattern(`(?i)(https?://|www\.)\S+|\b\S+\.(com|org|net|de|fr|es|it|pt|nl|be|ch|at|co\.uk|io|eu)\b`)
	listFooter   = mustPattern(`(?i)(mailing list|listinfo|unsubscribe|abmelden|désinscri|darse de baja|cancellarti|descadastr|afmelden|you received this message because|sie erhalten diese nachricht)`)
	sentenceLike = mustPattern(`[.!?]["')\]]*$`)
)

// cardLine: short, and not a sentence the person wrote.
func cardLine(t string) bool {
	if len(t) > 90 || utf8.RuneCountInString(t) > 80 {
		return false
	}
	words := strings.Fields(t)
	if len(words) > 12 {
		return false
	}
	if sentenceLike.MatchString(t) && len(words) >= 5 && !contactLine(t) {
		return false
	}
	return true
}

// contactLine: a line that only a card or a footer has.
func contactLine(t string) bool {
	return phoneNumber.MatchString(t) || webAddress.MatchString(t) || addrSpec.MatchString(t) ||
		strings.Count(t, "|") >= 1 && len(strings.Fields(t)) >= 3 || listFooter.MatchString(t)
}

// nameLine: one to five words, no digits, the first and the last starting
// with a capital ("Ann", "Pieter de Vries").
func nameLine(t string) bool {
	words := strings.Fields(t)
	if len(words) == 0 || len(words) > 5 {
		return false
	}
	for i, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if strings.ContainsAny(w, "0123456789@:;!?") {
			return false
		}
		if (i == 0 || i == len(words)-1) && !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// fullName: a name of two words or more, which a card opens with.
func fullName(t string) bool {
	return nameLine(t) && len(strings.Fields(t)) >= 2
}

// cardStart returns the index in r (one run of the person's lines) where a
// contact card or list footer starts, or len(r) when there is none.
func cardStart(r []string) int {
	// The card is at the end of the run: find the longest tail of card
	// lines (blank lines allowed) holding at least one contact line.
	start := len(r)
	contact := false
	for i := len(r) - 1; i >= 0; i-- {
		t := strings.TrimSpace(r[i])
		if t == "" {
			continue
		}
		if !cardLine(t) {
			break
		}
		if contactLine(t) {
			contact = true
		}
		start = i
		if start < len(r)-12 {
			break
		}
	}
	if !contact || start >= len(r) {
		return len(r)
	}
	// A mailing list's footer is nobody's words, even alone in its run.
	if start == 0 && separatorOnly.MatchString(strings.TrimSpace(r[0])) && len(r) > 1 && listFooter.MatchString(strings.Join(r[1:min(len(r), 4)], " ")) {
		return 0
	}
	// Something written must stay above a card: a run that is all card
	// is kept, so a reply is never emptied by this rule.
	start = max(start, 1)
	// Within that tail, cut at a separator line, or after a sign-off and
	// the name under it, or at the name that opens the card.
	for i := start; i < len(r); i++ {
		t := strings.TrimSpace(r[i])
		if separatorOnly.MatchString(t) {
			if !tailHasContact(r[i+1:]) {
				return len(r)
			}
			return i
		}
	}
	for i := start; i < len(r); i++ {
		t := strings.TrimSpace(r[i])
		if t == "" || !signOff.MatchString(t) {
			continue
		}
		j := nextNonBlankString(r, i+1)
		if j < len(r) && nameLine(strings.TrimSpace(r[j])) && !contactLine(r[j]) {
			j++
		}
		if !tailHasContact(r[j:]) {
			return len(r)
		}
		return j
	}
	// No sign-off inside the tail: a sign-off just above it keeps the
	// name line under it.
	if p := prevNonBlankString(r, start); p >= 0 && signOff.MatchString(strings.TrimSpace(r[p])) {
		j := start
		if nameLine(strings.TrimSpace(r[j])) {
			j++
		}
		if !tailHasContact(r[j:]) {
			return len(r)
		}
		return j
	}
	// A card on its own is a paragraph that opens with the person's
	// name, or is made only of contact lines.
	for q := max(start, 1); q < len(r); q++ {
		t := strings.TrimSpace(r[q])
		if t == "" || (q > 0 && strings.TrimSpace(r[q-1]) != "") {
			continue
		}
		if cardLines(r[q:]) < 2 {
			break
		}
		if (fullName(t) && tailHasContact(r[q+1:])) || onlyContact(r[q:]) || listFooter.MatchString(t) {
			return q
		}
	}
	return len(r)
}

func onlyContact(r []string) bool {
	for _, s := range r {
		if t := strings.TrimSpace(s); t != "" && !contactLine(t) {
			return false
		}
	}
	return true
}

func tailHasContact(r []string) bool {
	for _, s := range r {
		if t := strings.TrimSpace(s); t != "" && contactLine(t) {
			return true
		}
	}
	return false
}

func cardLines(r []string) int {
	n := 0
	for _, s := range r {
		if strings.TrimSpace(s) != "" {
			n++
		}
	}
	return n
}

func nextNonBlankString(r []string, i int) int {
	for i < len(r) && strings.TrimSpace(r[i]) == "" {
		i++
	}
	return i
}

func prevNonBlankString(r []string, i int) int {
	for i--; i >= 0 && strings.TrimSpace(r[i]) == ""; i-- {
	}
	return i
}
