package schedule

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// ApproveStore is what approving pairs needs from the table.
type ApproveStore interface {
	// CreatePairCounted stores a pair, its running totals counted by c
	// (nil: at once).
	CreatePairCounted(ctx context.Context, p programme.Pair, c *store.Counter) error
	PutDue(ctx context.Context, d store.DueItem) error
	GetParticipant(ctx context.Context, programmeID, id string) (programme.Participant, error)
	// RecordPair remembers the pair by both emails, so no later programme
	// pairs the same two people again.
	RecordPair(ctx context.Context, programmeID, pairID, a, b string, now time.Time) error
	AddToDayPlan(ctx context.Context, day string, hour int, planned, sent, moved store.DayCounts) error
	// ListAssistants: seniors' assistants get the scheduling part of the
	// introduction.
	ListAssistants(ctx context.Context, programmeID string) (map[string]store.Assistant, error)
}

// Approve starts approved pairs: it stores each pair, schedules both
// people's first check-in, and queues the introduction. Every step is
// idempotent (pair ids derive from the proposal, writes are conditional,
// the introduction has one ledger key per pair, history is a set), so
// approving twice starts each pair once and introduces it once.
func Approve(ctx context.Context, s ApproveStore, q sendqueue.Queue, prog programme.Programme, pairs []programme.Pair, now time.Time) ([]programme.Pair, error) {
	return ApproveKnown(ctx, s, q, prog, pairs, nil, nil, now)
}

// ApproveKnown is Approve for a caller that has already read the
// programme's participants (people, by id): nobody is read again. Each
// pair's writes — the pair, both schedules, both histories — go side by
// side, since none depends on another. With a counter, the pairs' running
// totals are counted by it, many to a write (the caller closes it).
func ApproveKnown(ctx context.Context, s ApproveStore, q sendqueue.Queue, prog programme.Programme, pairs []programme.Pair, people map[string]programme.Participant, counter *store.Counter, now time.Time) ([]programme.Pair, error) {
	today := now.UTC().Format(programme.DateLayout)
	var started []programme.Pair
	var jobs []sendqueue.Job
	assistants, err := s.ListAssistants(ctx, prog.ID)
	if err != nil {
		return nil, err
	}
	planned := map[string]store.DayCounts{}
	person := func(id string) (programme.Participant, error) {
		if p, ok := people[id]; ok {
			return p, nil
		}
		return s.GetParticipant(ctx, prog.ID, id)
	}
	for _, p := range pairs {
		if p.SeniorID == "" || p.JuniorID == "" {
			return nil, fmt.Errorf("approve: pair without both people")
		}
		p.ProgrammeID = prog.ID
		if p.ID == "" {
			p.ID = programme.PairID(prog.ID, p.Round, p.SeniorID, p.JuniorID)
		}
		p.State = programme.PairActive
		p.ApprovedAt, p.UpdatedAt = now, now
		p.StartDate = max(today, prog.StartDate)
		senior, err := person(p.SeniorID)
		if err != nil {
			return nil, fmt.Errorf("approve pair %s: %w", p.ID, err)
		}
		junior, err := person(p.JuniorID)
		if err != nil {
			return nil, fmt.Errorf("approve pair %s: %w", p.ID, err)
		}
		plan := NewPlan(prog, p)
		writes := []func() error{
			func() error {
				if err := s.CreatePairCounted(ctx, p, counter); err != nil && !errors.Is(err, store.ErrConflict) {
					return err
				}
				return nil
			},
			func() error { return s.RecordPair(ctx, prog.ID, p.ID, senior.Email, junior.Email, now) },
		}
		for _, who := range []struct {
			person programme.Participant
			role   programme.Role
		}{{senior, programme.Senior}, {junior, programme.Junior}} {
			d := store.DueItem{ProgrammeID: prog.ID, PairID: p.ID, ParticipantID: who.person.ID, Role: who.role, Cycle: 1,
				Due: plan.Delivery(1, who.person.Loc()), TimeZone: who.person.TimeZone}
			day := d.Due.UTC().Format(dayLayout)
			c := planned[day]
			count(&c, plan.Kind(1))
			planned[day] = c
			writes = append(writes, func() error { return s.PutDue(ctx, d) })
		}
		errs := make([]error, len(writes))
		var wg sync.WaitGroup
		for i, w := range writes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = w()
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, fmt.Errorf("approve pair %s: %w", p.ID, err)
		}
		// The senior's preparation goes before their first introduction
		// (the ledger sends it once per programme), then the introduction,
		// one job per person (shared/mail decides one email or two).
		jobs = append(jobs, sendqueue.Prepare{ProgrammeID: prog.ID, ParticipantID: p.SeniorID},
			sendqueue.Intro{ProgrammeID: prog.ID, PairID: p.ID, ParticipantID: p.SeniorID},
			sendqueue.Intro{ProgrammeID: prog.ID, PairID: p.ID, ParticipantID: p.JuniorID})
		if a, ok := assistants[p.SeniorID]; ok {
			jobs = append(jobs, sendqueue.AssistantCopy{ProgrammeID: prog.ID, PairID: p.ID, SeniorID: p.SeniorID, Assistant: a.Rev})
		}
		started = append(started, p)
	}
	if err := q.Enqueue(ctx, jobs...); err != nil {
		return nil, fmt.Errorf("queue introductions: %w", err)
	}
	// The first check-ins count in their day's quota plan. A repeated
	// approval counts them again: the plan errs towards moving a few
	// check-ins a day early, never towards sending over the quota.
	for day, c := range planned {
		// Planned only: nothing is sent, so no hour is counted.
		if err := s.AddToDayPlan(ctx, day, 0, c, store.DayCounts{}, store.DayCounts{}); err != nil {
			return nil, err
		}
	}
	return started, nil
}
