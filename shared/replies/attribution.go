package replies

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// An attribution is the line a client writes above the message it quotes:
// "On <date>, <name> wrote:" and its translations, the same with the date
// or the name first, or only a date and an address. Clients wrap long ones
// over up to four lines, and plain-text conversions of Outlook's HTML add
// "<mailto:…>" after each address. The rules below look at the shape (a
// verb of writing at the end, or a date and an address before a colon)
// rather than at one example per client.

const attributionVerbs = `wrote|writes|has written|sent|schrieb|schreibt|hat geschrieben|schreef|geschreven|het volgende geschreven|a écrit|a ecrit|écrit|escribió|escribio|ha escrito|ha scritto|scrisse|escreveu|skrev|skriver|napisał|napisała|napisał\(a\)|napsal|napsala|napsal\(a\)|napísal|napisao|napisala|kirjoitti|yazdı|írta|έγραψε|написал|написала|написал\(а\)|написав|a scris|rašė|rakstīja|kirjutas|写道|寫道|のメッセージ|님이 작성`

var (
	// A verb of writing ends the attribution, before a colon, or before
	// the dashes Zoho frames it with ("---- On … wrote ----").
	attributionVerb = mustPattern(`(?i)(` + attributionVerbs + `)(\s.*)?\s*[:：]\s*$`)
	framedVerb      = mustPattern(`(?i)^[-=_~]{2,}\s*.*[\d@].*\s(` + attributionVerbs + `)(\s.*)?\s*[-=_~]{2,}$`)
	// It is strong enough to end a reply without a ">" quote after it when
	// it starts the way clients start one, or names an address. The start
	// word may stand alone on its line: Claws Mail's auto-wrap re-flows a
	// two-line attribution when the person types above it.
	attributionStart = mustPattern(`(?i)^[*_\s]{0,3}(on|am|le|el|il|em|op|den|dne|w dniu|på|kl\.|quoting|zitat von|citando|citation de|cytat)(\s|$)`)
	// The same start words inside a line, capitalised as clients write
	// them, where a person typed their answer on the attribution's line
	// ("Works for me On Thu, … wrote:").
	innerAttributionStart = mustPattern(`\s(On|Am|Le|El|Il|Em|Op|Den|På|W dniu)\s`)
	// Horde and webmail: "Quoting Ann <a@b>:".
	attributionQuoting = mustPattern(`(?i)^(quoting|zitat von|citando|citation de|cytat|citeren)\s.+@.+[:：]\s*$`)
	// A date or time and an address before a colon, as Gmail writes in
	// languages where the verb is not at the end ("2026年3月3日(火) 9:14 Ann
	// <a@b>:", "пт, 12 мар. 2027 г. в 08:41, Ivan <i@b>:", "05.02.2027,
	// 09:15, "Jo" <jo@b>:").
	attributionDated = mustPattern(`(?i)(\d{1,2}[:.]\d{2}|\b(19|20)\d{2}\b|\d{4}年|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}).*(<[^<>\s@]+@[^<>\s]+>|\S+@\S+\.\pL{2,}).{0,40}[:：]\s*$`)
	// Old Gmail, in some languages: only a date and the author, no colon
	// ("2027/1/21 Kenji <k@example.jp>"). Taken only above a ">" quote.
	dateAuthorLine   = mustPattern(`^\(?\d{2,4}[./年-]\d{1,2}[./月-]\d{1,4}日?\)?[,\s]\s*[^<>]{0,60}<[^<>\s@]+@[^<>\s]+>\s*$`)
	hasDateOrAddress = mustPattern(`\d|@`)
	addressLine      = mustPattern(`\S+@\S+\.\pL{2,}.{0,80}[:：]\s*$`)
	// "<mailto:a@b>" added after an address by Outlook's plain text.
	mailtoPart = mustPattern(`(?i)<mailto:[^<>]*>?`)
	// A line whose last colon belongs to a link, not to the attribution.
	linkColonEnd = mustPattern(`(?i)(mailto|https?|tel|sip)[:：]$`)
)

// maxAttributionLines: clients wrap an attribution over at most four lines.
const maxAttributionLines = 4

// endsAttribution reports whether a line can be the last of an attribution:
// it ends with a colon that is not a link's, or a framed verb.
func endsAttribution(t string) bool {
	if framedLine(t) && framedVerb.MatchString(t) {
		return true
	}
	if !strings.HasSuffix(t, ":") && !strings.HasSuffix(t, "：") {
		return false
	}
	return !linkColonEnd.MatchString(t)
}

// startsLikeAttribution: the first of several wrapped lines must look
// like an attribution's start (a start word, a date, a long line wrapped
// by the client), so that a short reply written right above a short
// attribution ("Yes 4" above "Sam wrote:") is never taken into it.
func startsLikeAttribution(t string) bool {
	return attributionStart.MatchString(t) || len(t) >= 40 || startsWithDate(t) || strings.HasPrefix(t, "--")
}

// attributionAt looks for an attribution starting at line i, joining up to
// four wrapped lines. It returns the line after it, or i when there is
// none, and whether it is strong enough to end the reply when no ">" quote
// follows.
func attributionAt(lines []line, i int) (end int, strong bool) {
	last := -1
	for j := i; j < len(lines) && j < i+maxAttributionLines; j++ {
		if lines[j].kind != lineText || len(lines[j].t) > 500 {
			break
		}
		if j > i && endsSentence(lines[j-1].t) {
			break // a sentence ended: not a wrapped header
		}
		if endsAttribution(lines[j].t) {
			last = j
			break
		}
	}
	if last < 0 {
		if lines[i].kind == lineText && len(lines[i].t) <= 200 && startsWithDigit(lines[i].t) && dateAuthorLine.MatchString(lines[i].t) {
			return i + 1, false
		}
		return i, false
	}
	if last > i && !startsLikeAttribution(lines[i].t) {
		return i, false
	}
	// If a later line starts a strong attribution on its own, line i is
	// the person's ("Thanks" written right above "On … wrote:").
	for k := i + 1; k <= last; k++ {
		if !attributionStart.MatchString(lines[k].t) && !startsWithDate(lines[k].t) {
			continue
		}
		if ok, strong := isAttribution(joinLines(lines, k, last), k == last); ok && strong {
			return i, false
		}
	}
	if ok, strong := isAttribution(joinLines(lines, i, last), i == last); ok {
		return last + 1, strong
	}
	return i, false
}

func endsSentence(t string) bool {
	return strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!") || strings.HasSuffix(t, "?")
}

var leadingDate = mustPattern(`^\(?\d{1,4}[./年-]\d{1,2}`)

func startsWithDate(t string) bool { return startsWithDigit(t) && leadingDate.MatchString(t) }

// framedLine: a line that starts with a run of dashes, as separators and
// Zoho's attribution do; a cheap test before the patterns that need one.
func framedLine(t string) bool {
	return len(t) > 4 && strings.IndexByte("-=_~*", t[0]) >= 0
}

// joinLines joins wrapped lines with single spaces; an address wrapped
// right after "<" is joined without one, and "<mailto:…>" parts go.
func joinLines(lines []line, from, to int) string {
	var b strings.Builder
	for j := from; j <= to; j++ {
		t := lines[j].t
		if j > from && !strings.HasSuffix(b.String(), "<") && !strings.HasSuffix(b.String(), "mailto:") {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	s := b.String()
	if strings.Contains(s, "<mailto:") || strings.Contains(s, "<MAILTO:") {
		s = mailtoPart.ReplaceAllString(s, "")
	}
	return s
}

// isAttribution tests one candidate; single says it is one line, which
// the weak forms require.
func isAttribution(s string, single bool) (ok, strong bool) {
	if framedLine(s) && framedVerb.MatchString(s) {
		return true, true
	}
	switch {
	case attributionVerb.MatchString(s):
		strong := hasDateOrAddress.MatchString(s) && (attributionStart.MatchString(s) || strings.Contains(s, "@") || startsWithDate(s))
		if strong || (single && len(s) <= 200) {
			return true, strong
		}
	case attributionQuoting.MatchString(s):
		return true, true
	case attributionDated.MatchString(s) && !isField(headerField, s) && !isField(fromField, s):
		return true, true
	case single && len(s) <= 200 && strings.Contains(s, "@") && addressLine.MatchString(s):
		// mutt's "* Ann <a@b> [2026-03-03 09:14]:" and other forms that
		// only name the author; taken only above a ">" quote.
		return true, false
	}
	return false, false
}

// splitInnerAttribution finds an attribution that starts inside line i,
// after words the person typed on the same line, and returns the byte
// offset in the line's raw text where it starts, or -1.
func splitInnerAttribution(lines []line, i int) int {
	l := lines[i]
	if l.kind != lineText || len(l.t) > maxPatternLine || !strings.ContainsAny(l.t, "0123456789@") {
		return -1
	}
	// The attribution ends on this line or on one of the next three.
	last := -1
	for j := i; j < len(lines) && j < i+maxAttributionLines; j++ {
		if j > i && (lines[j].kind != lineText || endsSentence(lines[j-1].t)) {
			break
		}
		if endsAttribution(lines[j].t) {
			last = j
			break
		}
	}
	if last < 0 {
		return -1
	}
	for n, m := range innerAttributionStart.FindAllStringIndex(l.raw, 3) {
		_ = n
		start := m[0] + 1
		head := strings.TrimSpace(l.raw[:start])
		if head == "" {
			continue
		}
		cand := strings.TrimSpace(l.raw[start:])
		for j := i + 1; j <= last; j++ {
			cand += " " + lines[j].t
		}
		if strings.Contains(cand, "<mailto:") {
			cand = mailtoPart.ReplaceAllString(cand, "")
		}
		if ok, strong := isAttribution(cand, i == last); ok && strong {
			return start
		}
	}
	return -1
}

// attributionVerbWord finds the verbs of writing as words, to tell where
// an attribution that names its author first begins.
var attributionVerbWord = mustPattern(`(?i)(?:^|[\s,])(` + attributionVerbs + `)(?:\s|[:：]|$)`)

// maxNameWords bounds the words of an author's display name.
const maxNameWords = 4

// wordsBeforeAuthor is the last resort against losing a reply whose words
// were all typed on the line of an attribution that names its author
// first ("Yes, 4 Upward schrieb am 03.03.26 um 09:14:", "Works for me Sam
// Smith <sam@example.com> wrote:"), which the rules above take whole as
// the attribution. It returns the words before the author's name or
// address on the first attribution line, or "" when there are none.
func wordsBeforeAuthor(lines []line) string {
	for _, l := range lines {
		switch l.kind {
		case lineBlank, lineQuoted:
			continue
		case lineAttribution:
		default:
			return ""
		}
		t := l.t
		if len(t) > maxPatternLine || attributionStart.MatchString(t) || startsWithDate(t) {
			return "" // the attribution opens its line: nothing typed before it
		}
		verbs := attributionVerbWord.FindAllStringSubmatchIndex(t, 20)
		if verbs == nil {
			return ""
		}
		head := withoutAuthor(t[:verbs[len(verbs)-1][2]])
		if !strings.ContainsFunc(head, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			return ""
		}
		return head
	}
	return ""
}

// withoutAuthor cuts the author from the end of what comes before the
// verb: an address in angle brackets or bare, then a quoted display name
// or its capitalised words ("Sam Smith", not "YES" or "4").
func withoutAuthor(head string) string {
	head = strings.TrimSpace(head)
	if strings.HasSuffix(head, ">") {
		if i := strings.LastIndexByte(head, '<'); i >= 0 {
			head = strings.TrimSpace(head[:i])
		}
	} else if i := strings.LastIndexAny(head, " \t") + 1; strings.Contains(head[i:], "@") {
		return strings.TrimSpace(head[:i])
	}
	if strings.HasSuffix(head, `"`) {
		if i := strings.LastIndexByte(head[:len(head)-1], '"'); i >= 0 {
			return strings.TrimSpace(head[:i])
		}
	}
	for n := 0; n < maxNameWords; n++ {
		head = strings.TrimRight(head, " \t")
		i := strings.LastIndexAny(head, " \t") + 1
		if !nameWord(head[i:]) {
			break
		}
		head = head[:i]
	}
	return strings.TrimSpace(head)
}

// nameWord: a word of a name, capitalised with lower-case letters after
// ("Upward", "Smith"), not a shouted answer ("YES") or a number.
func nameWord(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	return size > 0 && unicode.IsUpper(r) && strings.ContainsFunc(w[size:], unicode.IsLower)
}
