package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"sync"

	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/totals"
)

// AttentionPageSize is how many pairs, people and kept replies one page of
// the attention list shows: a page costs the same whatever the programme's
// size.
const AttentionPageSize = 50

// attentionLoads bounds the reads of one page that run at once.
const attentionLoads = 16

// attentionEntries is what the index named for one page, as sets.
type attentionEntries struct {
	pairs, people, kept map[string]bool
}

// keep reports whether a concern belongs to the page: its pairs' own
// concerns, its people's concerns of their own (not those of a pair on
// another page), and its kept replies.
func (e attentionEntries) keep(c health.Concern) bool {
	switch {
	case c.Kind == health.ConcernQuarantine:
		return c.Quarantined != nil && e.kept[c.Quarantined.ID()]
	case c.PairID != "":
		return e.pairs[c.PairID]
	}
	return e.people[c.ParticipantID]
}

// loadAttention reads the records behind one page of the attention index:
// each pair with its two people and its answers, each person, each kept
// reply with whom it concerns, and the suppression entries of their
// addresses. The concerns are then worded from these records as they
// always were (health.Concerns), a page at a time.
func (s *Server) loadAttention(ctx context.Context, p programme.Programme, page store.AttentionPage) (health.Input, health.Extras, attentionEntries, error) {
	in := health.Input{Programme: p, Now: s.Clock.Now()}
	var ex health.Extras
	e := attentionEntries{pairs: map[string]bool{}, people: map[string]bool{}, kept: map[string]bool{}}
	for _, x := range page.Entries {
		switch {
		case x.PairID != "":
			e.pairs[x.PairID] = true
		case x.ParticipantID != "":
			e.people[x.ParticipantID] = true
		case x.QuarantineID != "":
			e.kept[x.QuarantineID] = true
		}
	}
	var mu sync.Mutex
	var errs []error
	slots := make(chan struct{}, attentionLoads)
	var wg sync.WaitGroup
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			if err := f(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	// Pairs (one batch read), their answers (a query each) and kept
	// replies first: they name the people to read.
	people := map[string]bool{}
	var byEmail []string
	var pairIDs []string
	for id := range e.pairs {
		pairIDs = append(pairIDs, id)
		run(func() error {
			answers, err := s.Store.ListPairAnswers(ctx, p.ID, id)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			in.Answers = append(in.Answers, answers...)
			return nil
		})
	}
	run(func() error {
		pairs, err := s.Store.GetPairs(ctx, p.ID, pairIDs)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, pair := range pairs { // a pair gone since the index was read is left out
			in.Pairs = append(in.Pairs, pair)
			people[pair.SeniorID], people[pair.JuniorID] = true, true
		}
		return nil
	})
	for id := range e.kept {
		run(func() error {
			q, err := s.Store.GetQuarantined(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return nil // expired since
			}
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			ex.Quarantined = append(ex.Quarantined, q)
			if q.SenderUnknown && q.ParticipantID != "" {
				people[q.ParticipantID] = true
			} else {
				byEmail = append(byEmail, q.From)
			}
			return nil
		})
	}
	wg.Wait()
	for id := range e.people {
		people[id] = true
	}
	var participants []programme.Participant
	add := func(x programme.Participant) {
		mu.Lock()
		defer mu.Unlock()
		participants = append(participants, x)
	}
	var personIDs []string
	for id := range people {
		personIDs = append(personIDs, id)
	}
	run(func() error {
		found, err := s.Store.GetParticipants(ctx, p.ID, personIDs)
		for _, x := range found { // the erased are told as such
			add(x)
		}
		return err
	})
	for _, addr := range byEmail {
		run(func() error {
			x, err := s.Store.FindParticipantByEmail(ctx, p.ID, addr)
			if errors.Is(err, store.ErrNotFound) {
				return nil // a sender the programme does not know
			}
			if err == nil {
				add(x)
			}
			return err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return in, ex, e, fmt.Errorf("load the attention list: %w", err)
	}
	seen := map[string]bool{}
	for _, x := range participants {
		if !seen[x.ID] {
			seen[x.ID] = true
			in.Participants = append(in.Participants, x)
		}
	}
	var emails []string
	for _, x := range in.Participants {
		if x.Status.Mailable() && x.MailProblem == "" {
			emails = append(emails, x.Email)
		}
	}
	// In the index's order: concerns alike in kind, urgency and age are
	// listed in the order they were read in, and the index breaks such
	// ties (by id) the same way on every page, forwards or back.
	rank := map[string]int{}
	for i, x := range page.Entries {
		rank[x.PairID+x.ParticipantID+x.QuarantineID] = i
	}
	byRank := func(id string) int {
		if r, ok := rank[id]; ok {
			return r
		}
		return len(rank) // a pair's people, after those listed themselves
	}
	sort.SliceStable(in.Pairs, func(i, j int) bool { return byRank(in.Pairs[i].ID) < byRank(in.Pairs[j].ID) })
	sort.SliceStable(in.Participants, func(i, j int) bool {
		a, b := byRank(in.Participants[i].ID), byRank(in.Participants[j].ID)
		return a < b || (a == b && in.Participants[i].ID < in.Participants[j].ID)
	})
	sort.SliceStable(ex.Quarantined, func(i, j int) bool { return byRank(ex.Quarantined[i].ID()) < byRank(ex.Quarantined[j].ID()) })
	sup, err := s.Store.Suppressions(ctx, emails)
	if err != nil {
		return in, ex, e, fmt.Errorf("load the attention list: %w", err)
	}
	ex.Suppressed = sup
	return in, ex, e, nil
}

// attentionTotal is how many pairs and people need attention, from the
// running totals (kept replies are counted on their page).
func attentionTotal(v totals.Vector) int {
	n := 0
	for k := range totals.AttnKinds {
		n += int(v.N[totals.Attention(k)])
	}
	return n
}

// pageLink is the address of a neighbouring page of the attention list.
func pageLink(programmeID, param, cursor string) string {
	if cursor == "" {
		return ""
	}
	return "/programmes/" + programmeID + "/attention?" + url.Values{param: {cursor}}.Encode()
}
