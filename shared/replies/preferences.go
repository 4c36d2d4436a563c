package replies

import (
	"regexp"
	"strings"
)

// Private preferences by reply:
//
//   - NOT WITH <name or address>: never pair me with them. Two words in
//     every language (NICHT MIT, PAS AVEC, NO CON, NON CON, NÃO COM, NIET
//     MET); NOT WITH REMOVE <name or address> takes one back, NOT WITH
//     REMOVE alone all of them.
//   - ASSISTANT <address> (ASSISTENZ, ASISTENTE, ASSISTENTE, ASSISTENT): a
//     senior's assistant receives the scheduling part of introductions;
//     ASSISTANT REMOVE stops it.
//
// Both are everyday words ("Not with me, sorry", "Assistant professor"),
// so they count only in capitals or followed by a colon, or, on the first
// line, when an address follows at once ("not with sam@example.org").
// Their words are the rest of the line.

const (
	// CommandNotWith sets (or, with REMOVE, takes back) a private "must
	// not be paired with" preference; Instruction.Text is the rest of the
	// line: a name or an address, after REMOVE when taking one back.
	CommandNotWith Command = "not_with"
	// CommandAssistant names a senior's assistant (Text: their address) or,
	// with REMOVE, stops the copies.
	CommandAssistant Command = "assistant"
)

// notWithWords are the two-word NOT WITH of each language, by first word
// (folded: lower case, accents gone).
var notWithWords = map[string][]string{
	"not": {"with"}, "nicht": {"mit"}, "pas": {"avec"}, "no": {"con"}, "non": {"con"}, "nao": {"com"}, "niet": {"met"},
}

var assistantWords = map[string]bool{
	"assistant": true, "assistants": true, "assistante": true, "assistenz": true, "assistentin": true,
	"asistente": true, "assistente": true, "assistent": true,
}

// removeWord opens the words of a NOT WITH or ASSISTANT that takes
// something back.
var removeWord = regexp.MustCompile(`^(?:remove|delete|off|entfernen|loschen|retirer|supprimer|quitar|eliminar|borrar|rimuovi|rimuovere|elimina|remover|apagar|verwijder|verwijderen)\b`)

// startsWithAddress is an email address at the start of a command's words.
var startsWithAddress = regexp.MustCompile(`^[ \t:]*<?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+`)

// privateCommand reads NOT WITH or ASSISTANT whose first word is folded
// text s[ws:we] on a line ending at le. It returns the command and where
// its words end. firstLine: the first line, where an address right after
// the words makes lower case unmistakable.
func privateCommand(f folded, orig string, ws, we, le int, firstLine bool) (Command, int, bool) {
	s := f.s
	word := s[ws:we]
	cmd, end := Command(""), we
	if seconds, ok := notWithWords[word]; ok {
		rest := s[we:le]
		trimmed := strings.TrimLeft(rest, " \t")
		for _, second := range seconds {
			if strings.HasPrefix(trimmed, second) && (len(trimmed) == len(second) || !isWordByte(trimmed[len(second)])) {
				cmd, end = CommandNotWith, we+len(rest)-len(trimmed)+len(second)
				break
			}
		}
	} else if assistantWords[word] {
		cmd = CommandAssistant
	}
	if cmd == "" {
		return "", 0, false
	}
	rest := s[end:le]
	switch {
	case shouted(orig, f, ws, end):
	case strings.HasPrefix(strings.TrimLeft(rest, " \t"), ":"):
	case firstLine && startsWithAddress.MatchString(rest):
	default:
		return "", 0, false
	}
	return cmd, end, true
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}

// Removal reports whether a NOT WITH's or ASSISTANT's words take something
// back (NOT WITH REMOVE sam@example.org, ASSISTANT REMOVE, and the other
// languages' words for remove), and what follows the remove word.
func Removal(text string) (bool, string) {
	f := fold(strings.TrimSpace(text))
	m := removeWord.FindStringIndex(f.s)
	if m == nil {
		return false, strings.TrimSpace(text)
	}
	_, e := f.span(0, m[1])
	rest := strings.TrimSpace(strings.TrimSpace(text)[e:])
	return true, strings.TrimLeft(rest, ":,;- ")
}
