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
