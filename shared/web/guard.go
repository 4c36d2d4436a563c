package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
)

// guardBudget bounds the reorganisation check a page runs before it
// answers (the web function has 30 s in all); what it leaves unfinished
// the tick (every 15 minutes) finishes, because the change is recorded as due.
const guardBudget = 15 * time.Second

// guardOutcome is what a check after a change found: how many pairs it
// flagged, and whether it ran out of time (the tick finishes it).
type guardOutcome struct {
	Flagged int
	Pending bool
}

// param is the outcome as a notice's "g" parameter: numbers only, like
// every notice argument ("" when there is nothing to say).
func (g guardOutcome) param() string {
	switch {
	case g.Pending:
		return strconv.Itoa(g.Flagged) + "+"
	case g.Flagged > 0:
		return strconv.Itoa(g.Flagged)
	}
	return ""
}

// guardText is what a notice adds for its "g" parameter.
func guardText(param string) (string, bool) {
	if param == "" {
		return "", true
	}
	pending := strings.HasSuffix(param, "+")
	n, err := strconv.Atoi(strings.TrimSuffix(param, "+"))
	if err != nil || n < 0 {
		return "", false
	}
	text := ""
	if n > 0 {
		text = fmt.Sprintf(" %d running %s now inside one reporting line: %s at the top of the attention list, to be ended with no-fault wording.",
			n, plural(n, "pair is", "pairs are"), plural(n, "it is", "they are"))
	}
	if pending {
		text += " Running pairs are still being checked against the new reporting lines; any now inside one will be on the attention list within the hour."
	}
	return text, true
}

// guardAfterEnrolment checks a programme's live pairs after an enrolment
// (which can change a manager).
func (s *Server) guardAfterEnrolment(r *http.Request, p programme.Programme) guardOutcome {
	ctx, cancel := context.WithTimeout(r.Context(), guardBudget)
	defer cancel()
	rep, err := s.reorg.Check(ctx, p)
	if err != nil {
		s.Log.Warn("reorganisation check after an enrolment left to the tick", "programme", p.ID, "err", err)
		return guardOutcome{Pending: true}
	}
	return guardOutcome{Flagged: len(rep.Flagged)}
}
