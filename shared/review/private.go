package review

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
)

// notWith loads the programme's private preferences for the matcher.
func (s *Service) notWith(ctx context.Context, programmeID string) ([]matching.NotWith, error) {
	prefs, err := s.Store.ListNotWith(ctx, programmeID)
	if err != nil {
		return nil, fmt.Errorf("load private preferences: %w", err)
	}
	people, err := s.Store.ListParticipants(ctx, programmeID)
	if err != nil {
		return nil, fmt.Errorf("load private preferences: %w", err)
	}
	email := make(map[string]string, len(people))
	for _, x := range people {
		email[x.ID] = x.Email
	}
	out := make([]matching.NotWith, 0, len(prefs))
	for _, n := range prefs {
		if who := email[n.ParticipantID]; who != "" {
			out = append(out, matching.NotWith{Person: who, Email: n.Email, Name: n.Name, EmailHash: n.EmailHash})
		}
	}
	return out, nil
}

// checkStillAllowed refuses a proposal some of whose pairs a change since
// it was made rules out: an org chart or a manager that put two partners
// in one reporting line (named, with the chain, as the review page names
// it), or a private preference (counted only: nobody is told whose, or
// about whom).
func (s *Service) checkStillAllowed(ctx context.Context, prog programme.Programme, pl pool, res *matching.Result) error {
	if len(res.Pairs) == 0 {
		return nil
	}
	org, _, err := s.Store.OrgChartLines(ctx)
	if err != nil {
		return fmt.Errorf("load the org chart: %w", err)
	}
	in := matching.Input{Programme: prog, People: pl.people, At: s.Clock.Now()}
	in.Programme.RequireSharedLanguage, in.Programme.MaxTimezoneDiffHours = false, 0 // only what may have changed
	for _, l := range org {
		in.Org = append(in.Org, matching.ReportsTo{Employee: l.Employee, Manager: l.Manager})
	}
	in.Org = append(in.Org, pl.lines...)
	if in.NotWith, err = s.notWith(ctx, prog.ID); err != nil {
		return err
	}
	m, err := matching.New(in)
	if err != nil {
		return err
	}
	var lines []string
	private := 0
	for _, p := range res.Pairs {
		err := m.Check(p.Senior, p.Junior)
		var re *matching.RuleError
		for _, e := range unjoin(err) {
			switch {
			case errors.As(e, &re) && errors.Is(e, matching.ErrReportingLine):
				lines = append(lines, re.Detail)
			case errors.Is(e, matching.ErrPrivate):
				private++
			}
		}
	}
	var msgs []string
	if len(lines) > 0 {
		msgs = append(msgs, fmt.Sprintf("Since this proposal was made, %s came inside one reporting line: %s.", count(len(lines), "pair", "pairs"), strings.Join(lines, "; ")))
	}
	if private > 0 {
		msgs = append(msgs, fmt.Sprintf("Since this proposal was made, a private preference rules out %s (who set it, and whom it names, stays private).", count(private, "pair", "pairs")))
	}
	if len(msgs) > 0 {
		return problem(ErrNowRuledOut, "approve", strings.Join(msgs, " ")+" Re-solve first, then approve.")
	}
	return nil
}

// unjoin lists the errors inside an errors.Join (or the one error).
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, unjoin(e)...)
		}
		return out
	}
	return []error{err}
}
