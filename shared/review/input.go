package review

import (
	"context"
	"fmt"

	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// pool is who a new proposal may pair: opted in, and not already in a
// live pair of the programme.
type pool struct {
	people           []programme.Participant
	seniors, juniors int
	// lines are the reporting lines the enrolment gives of everyone else
	// (paired, paused, invited): a chain through a manager who is taking
	// part elsewhere in the programme still counts, as the reorganisation
	// guard counts it.
	lines []matching.ReportsTo
}

func (s *Service) pool(ctx context.Context, programmeID string) (pool, error) {
	everyone, err := s.Store.ListParticipants(ctx, programmeID)
	if err != nil {
		return pool{}, err
	}
	pairs, err := s.Store.ListPairs(ctx, programmeID)
	if err != nil {
		return pool{}, err
	}
	paired := map[string]bool{}
	for _, p := range pairs {
		if p.State.Live() {
			paired[p.SeniorID], paired[p.JuniorID] = true, true
		}
	}
	var out pool
	for _, x := range everyone {
		if x.Status != programme.OptedIn || paired[x.ID] {
			if x.ManagerEmail != "" {
				out.lines = append(out.lines, matching.ReportsTo{Employee: x.Email, Manager: x.ManagerEmail})
			}
			continue
		}
		out.people = append(out.people, x)
		if x.Role == programme.Senior {
			out.seniors++
		} else {
			out.juniors++
		}
	}
	return out, nil
}

// input loads everything one matching run of prog needs. Locks that name
// someone no longer in the pool are dropped, with a warning saying so.
func (s *Service) input(ctx context.Context, prog programme.Programme, locks []store.EmailPair) (matching.Input, []string, error) {
	in := matching.Input{Programme: prog, At: s.Clock.Now()}
	pl, err := s.pool(ctx, prog.ID)
	if err != nil {
		return in, nil, fmt.Errorf("load participants: %w", err)
	}
	in.People = pl.people
	byEmail := map[string]programme.Participant{}
	var seniors, juniors []string
	for _, p := range pl.people {
		byEmail[p.Email] = p
		if p.Role == programme.Senior {
			seniors = append(seniors, p.Email)
		} else {
			juniors = append(juniors, p.Email)
		}
	}

	org, _, err := s.Store.OrgChartLines(ctx)
	if err != nil {
		return in, nil, fmt.Errorf("load the org chart: %w", err)
	}
	in.Org = make([]matching.ReportsTo, len(org), len(org)+len(pl.lines))
	for i, l := range org {
		in.Org[i] = matching.ReportsTo{Employee: l.Employee, Manager: l.Manager}
	}
	in.Org = append(in.Org, pl.lines...)

	never, err := s.Store.ListNeverPairs(ctx, prog.ID)
	if err != nil {
		return in, nil, fmt.Errorf("load the never-pair list: %w", err)
	}
	for _, n := range never {
		in.NeverPair = append(in.NeverPair, matching.Pairing{Senior: n.Senior, Junior: n.Junior})
	}

	if in.NotWith, err = s.notWith(ctx, prog.ID); err != nil {
		return in, nil, err
	}

	// Every earlier pair has one person on each side, so reading the
	// smaller side's histories finds them all.
	side := seniors
	if len(juniors) < len(seniors) {
		side = juniors
	}
	hist, err := s.Store.Histories(ctx, side)
	if err != nil {
		return in, nil, fmt.Errorf("load earlier pairs: %w", err)
	}
	for _, email := range side {
		for _, partner := range hist[email].Partners {
			if p := byEmail[email]; p.Role == programme.Senior {
				in.History = append(in.History, matching.Pairing{Senior: email, Junior: partner})
			} else {
				in.History = append(in.History, matching.Pairing{Senior: partner, Junior: email})
			}
		}
	}

	var warnings []string
	for _, l := range locks {
		s, okS := byEmail[l.Senior]
		j, okJ := byEmail[l.Junior]
		if !okS || !okJ || s.Role != programme.Senior || j.Role != programme.Junior {
			warnings = append(warnings, fmt.Sprintf("The locked pair %s and %s was let go: one of them is no longer opted in or is already paired.", l.Senior, l.Junior))
			continue
		}
		in.Locked = append(in.Locked, matching.Pairing{Senior: l.Senior, Junior: l.Junior})
	}
	return in, warnings, nil
}
