package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
)

// guardBudget bounds the reorganisation check a page runs before it
// answers (the web function has 30 s in all); what it leaves unfinished
// the hourly tick finishes, because the change is recorded as due.
const guardBudget = 15 * time.Second

// guardAfterEnrolment checks a programme's live pairs after an enrolment
// that may have changed a manager, and says in a sentence what it found
// ("" when nothing).
func (s *Server) guardAfterEnrolment(r *http.Request, p programme.Programme) string {
	ctx, cancel := context.WithTimeout(r.Context(), guardBudget)
	defer cancel()
	rep, err := s.guard.Check(ctx, p)
	if err != nil {
		s.Log.Warn("reorganisation check after an enrolment left to the tick", "programme", p.ID, "err", err)
		return " Running pairs are being checked against the new reporting lines; any now inside one will be on the attention list within the hour."
	}
	return guardNotice(len(rep.Flagged))
}

// guardAfterUpload checks every programme's live pairs against a new org
// chart.
func (s *Server) guardAfterUpload(r *http.Request) string {
	ctx, cancel := context.WithTimeout(r.Context(), guardBudget)
	defer cancel()
	reports, err := s.guard.CheckAll(ctx)
	flagged := 0
	for _, rep := range reports {
		flagged += len(rep.Flagged)
	}
	if err != nil {
		s.Log.Warn("reorganisation check after an org chart upload left to the tick", "err", err, "flagged_so_far", flagged)
		return fmt.Sprintf("%s Running pairs are still being checked against it; any now inside one reporting line will be on their programme's attention list within the hour.", guardNotice(flagged))
	}
	return guardNotice(flagged)
}

func guardNotice(flagged int) string {
	if flagged == 0 {
		return ""
	}
	return fmt.Sprintf(" %d running %s now inside one reporting line: %s at the top of the attention list, to be ended with no-fault wording.",
		flagged, plural(flagged, "pair is", "pairs are"), plural(flagged, "it is", "they are"))
}
