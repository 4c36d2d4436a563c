package programme

import (
	"fmt"
	"unicode"
)

// oneLineProblem says what keeps a coordinator-entered value from being
// used on one line (an email's Subject or From name, a calendar property,
// a CSV cell), or "" when nothing does. A line break there would start a
// line of the writer's choosing; other control characters, and the
// invisible marks that reverse text direction, hide what a reader sees.
// label starts the message ("The name", "title").
func oneLineProblem(label, s string) string {
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n' || r == '\v' || r == '\f' || r == '\u0085' || r == '\u2028' || r == '\u2029':
			return label + " must be on one line: remove the line break."
		case r == '\t':
			return label + " contains a tab: use a space."
		case unicode.IsControl(r) || directionMark(r):
			return fmt.Sprintf("%s contains an invisible control character (%U): remove it.", label, r)
		}
	}
	return ""
}

// directionMark reports the Unicode characters that change the direction
// text is shown in without being seen themselves.
func directionMark(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}
