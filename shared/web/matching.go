package web

import (
	"context"
	"sort"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// matchingSection is the programme page's part about matching: the
// reviews in progress and the approved pairs.
type matchingSection struct {
	NewID     string
	Proposals []store.Proposal // the current proposal of each review, newest first
	Pairs     []pairListRow
}

type pairListRow struct {
	Senior, Junior personView
	State          programme.PairState
	StartDate      string
	Round          int
}

// maxListedProposals keeps the programme page short; older reviews stay
// reachable from their links.
const maxListedProposals = 5

func (s *Server) matchingSection(ctx context.Context, p programme.Programme, people []programme.Participant) (matchingSection, error) {
	m := matchingSection{NewID: ids.New()}
	props, err := s.Store.ListProposals(ctx, p.ID)
	if err != nil {
		return m, err
	}
	for _, x := range props {
		if !x.Superseded() && len(m.Proposals) < maxListedProposals {
			m.Proposals = append(m.Proposals, x)
		}
	}
	pairs, err := s.Store.ListPairs(ctx, p.ID)
	if err != nil {
		return m, err
	}
	byID := make(map[string]personView, len(people))
	for _, x := range people {
		byID[x.ID] = personView{Email: x.Email, Name: x.Name, Title: x.Title, Department: x.Department}
	}
	for _, x := range pairs {
		m.Pairs = append(m.Pairs, pairListRow{Senior: byID[x.SeniorID], Junior: byID[x.JuniorID], State: x.State, StartDate: x.StartDate, Round: x.Round})
	}
	sort.SliceStable(m.Pairs, func(i, j int) bool {
		if m.Pairs[i].Round != m.Pairs[j].Round {
			return m.Pairs[i].Round > m.Pairs[j].Round
		}
		return m.Pairs[i].Senior.Label() < m.Pairs[j].Senior.Label()
	})
	return m, nil
}
