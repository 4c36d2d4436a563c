package replies

import (
	"strings"
)

// Greetings and sign-offs are courtesy: "Bonjour," above an answer or
// "Viele Grüße\nKlaus" under it must never change what is understood, so
// Understand sets them aside before reading. Both patterns run on folded
// text (lower case, no accents).

// greetingWord opens a reply in the seven languages (and a few more).
var greetingWord = mustPattern(`^[^\pL\pN\n]*(hi there|hi|hello|hey|hiya|dear|good morning|good afternoon|good evening|good day|greetings|morning|afternoon|hallo|liebe|lieber|liebes|sehr geehrte|sehr geehrter|guten morgen|guten tag|guten abend|moin|servus|gruezi|gruss gott|bonjour|bonsoir|salut|coucou|cher|chere|chers|cheres|madame|monsieur|hola|buenos dias|buenas tardes|buenas noches|buenas|estimado|estimada|estimados|estimadas|querido|querida|queridos|queridas|ciao|buongiorno|buonasera|salve|gentile|gentili|caro|cara|cari|care|egregio|gentilissima|gentilissimo|ola|oi|bom dia|boa tarde|boa noite|prezado|prezada|prezados|prezadas|caros|beste|hoi|hallo allemaal|goedemorgen|goedemiddag|goedenavond|geachte|lieve|hej|hei)\b`)

// greetingAfter is what may follow the greeting word on its line: a few
// names or "team", "all", "zusammen", "à tous"…, then punctuation or the
// end of the line.
var greetingName = mustPattern(`^[ \t]+([\pL][\pL'.\-]*)`)

// maxGreetingNames bounds the names after a greeting word ("Dear Anna
// Maria de Souza,").
const maxGreetingNames = 4

// greetingEnd returns the offset just past a greeting that opens s (folded
// text), or 0 when s does not open with one. A greeting alone on its line
// ends at the line's end; one followed by the answer on the same line
// must end with punctuation ("Hi Sam, yes we met").
func greetingEnd(s string) int {
	m := greetingWord.FindStringIndex(s)
	if m == nil {
		return 0
	}
	pos := m[1]
	for n := 0; n < maxGreetingNames; n++ {
		w := greetingName.FindStringSubmatchIndex(s[pos:])
		if w == nil {
			break
		}
		word := s[pos+w[2] : pos+w[3]]
		if isWord(word, yesWords) || isWord(word, noWords) || commandWords[strings.ReplaceAll(word, "-", "")] != "" {
			break // "Hola, sí", "Hi no": the answer, not a name
		}
		pos += w[1]
	}
	rest := s[pos:]
	i := 0
	for i < len(rest) && (rest[i] == ' ' || rest[i] == '\t') {
		i++
	}
	if i == len(rest) || rest[i] == '\n' {
		return pos + i
	}
	// Punctuation closes a greeting that shares its line with the answer.
	j := i
	for j < len(rest) && strings.IndexByte(",!:;.", rest[j]) >= 0 {
		j++
	}
	if j == i {
		return 0
	}
	for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t') {
		j++
	}
	return pos + j
}

// signOffLine matches a sign-off alone on its line, or with the name after
// it ("Cheers, Ann"), in folded text.
var signOffLine = mustPattern(`^[ \t]*(best|best wishes|best regards|kind regards|kindest regards|warm regards|warmest regards|regards|many thanks|thanks|thank you|thanks again|thanks so much|thx|cheers|all the best|sincerely|yours|yours sincerely|take care|talk soon|speak soon|viele grusse|beste grusse|liebe grusse|herzliche grusse|mit freundlichen grussen|freundliche grusse|schone grusse|grusse|gruss|lg|vg|mfg|danke|vielen dank|danke schon|bis bald|cordialement|bien cordialement|bien a vous|amities|amicalement|bonne journee|bonne soiree|a bientot|merci|merci beaucoup|salutations|bises|saludos|un saludo|saludos cordiales|atentamente|un abrazo|abrazos|gracias|muchas gracias|hasta pronto|cordiali saluti|saluti|un saluto|distinti saluti|grazie|grazie mille|a presto|buona giornata|ciao|atenciosamente|abracos|abraco|cumprimentos|melhores cumprimentos|obrigado|obrigada|muito obrigado|muito obrigada|ate logo|ate breve|beijos|met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|vriendelijke groeten|hartelijke groet|hartelijke groeten|groet|groeten|groetjes|mvg|dank je|dank je wel|dank u|dank u wel|bedankt|tot snel)[ \t]*[,.!]*([ \t]+[\pL][\pL'.\-]*){0,3}[ \t]*[,.!]*[ \t]*$`)

// signOffStart returns the offset where a closing sign-off block starts
// in s (folded text): the sign-off line and up to two short lines under it
// (a name, initials), at the end of s. It returns len(s) when there is
// none. orig is the original text, whose capitals tell a THANKS command
// from a "Thanks" sign-off; its lines match s's line for line.
func signOffStart(f folded, orig string, from int) int {
	s := f.s
	end := len(s)
	lines := 0
	for end > from && lines <= 3 {
		// The last line of s[:end].
		e := strings.TrimRight(s[:end], " \t\n")
		if e == "" {
			return len(s)
		}
		start := max(strings.LastIndexByte(e, '\n')+1, from)
		l := e[start:]
		if signOffLine.MatchString(l) && !shoutedWord(orig, f, start) {
			return start
		}
		// Only a name or initials may stand under a sign-off.
		if so, eo := f.span(start, len(e)); !nameLine(strings.TrimSpace(orig[so:eo])) {
			return len(s)
		}
		end = start
		lines++
	}
	return len(s)
}

// shoutedWord reports whether the first word at or after the folded
// offset start is written in capitals ("THANKS Sam", a command, not a
// "Thanks, Sam" sign-off).
func shoutedWord(orig string, f folded, start int) bool {
	s := f.s
	for start < len(s) && (s[start] == ' ' || s[start] == '\t') {
		start++
	}
	end := start
	for end < len(s) && s[end] != ' ' && s[end] != '\t' && s[end] != '\n' && s[end] != ',' && s[end] != '!' && s[end] != '.' {
		end++
	}
	return shouted(orig, f, start, end)
}

// shouted reports whether the letters of the original text behind the
// folded range [start, end) are all capitals.
func shouted(orig string, f folded, start, end int) bool {
	if start < 0 || end > len(f.s) || start >= end {
		return false
	}
	s, e := f.span(start, end)
	t := orig[s:e]
	return strings.ToUpper(t) == t && strings.ToLower(t) != t
}
