package replies

import "strings"

// Shared says what a SHARE reply lets the partner read: the goal (SHARE
// GOAL), or what the senior applied; Manager asks for the junior's
// manager to hear of it too (SHARE MANAGER).
type Shared struct{ Goal, Manager bool }

// Words that follow SHARE, in the seven languages.
var (
	goalWords    = map[string]bool{"goal": true, "ziel": true, "objectif": true, "objetivo": true, "obiettivo": true, "doel": true}
	managerWords = map[string]bool{"manager": true, "vorgesetzte": true, "vorgesetzten": true, "fuhrungskraft": true, "responsable": true,
		"responsabile": true, "gestor": true, "gestora": true, "chefia": true, "leidinggevende": true, "jefe": true, "jefa": true, "chef": true}
)

// ShareWhat reads the words after a SHARE command.
func ShareWhat(text string) Shared {
	var s Shared
	for i, w := range strings.Fields(fold(text).s) {
		w = strings.Trim(w, ".,;:!?")
		if i == 0 && goalWords[w] {
			s.Goal = true
		}
		if i < 3 && managerWords[w] {
			s.Manager = true
		}
	}
	return s
}

// shareWords are the SHARE command's words, for GOAL SHARE in the
// languages that put the verb last ("ZIEL TEILEN", "DOEL DELEN").
var shareWords = map[string]bool{"share": true, "teilen": true, "partager": true, "compartir": true, "condividi": true,
	"partilhar": true, "compartilhar": true, "delen": true}

// Goal is what a GOAL command says: a new goal in the person's words, how
// far they have come towards it (1 to 5), or that they share it.
type Goal struct {
	Text     string
	Progress int
	Share    bool
}

// GoalWhat reads the words after a GOAL command. A first line that is one
// number (optionally "/5") is progress; the share word alone shares the
// goal; anything else is the goal itself, as written.
func GoalWhat(text string) Goal {
	text = strings.TrimSpace(text)
	first, _, _ := strings.Cut(text, "\n")
	f := strings.Fields(strings.Trim(fold(first).s, ".!"))
	switch {
	case len(f) == 1 && shareWords[f[0]]:
		return Goal{Share: true}
	case len(f) >= 1 && len(f) <= 3:
		n := strings.Join(f, "")
		n = strings.TrimSuffix(strings.TrimSuffix(n, "/5"), "/ 5")
		if len(n) == 1 && n[0] >= '0' && n[0] <= '9' {
			return Goal{Progress: int(n[0] - '0')}
		}
	}
	return Goal{Text: text}
}
