package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// ApproveStore is what approving pairs needs from the table.
type ApproveStore interface {
	CreatePair(ctx context.Context, p programme.Pair) error
	PutDue(ctx context.Context, d store.DueItem) error
	GetParticipant(ctx context.Context, programmeID, id string) (programme.Participant, error)
	// RecordPair remembers the pair by both emails, so no later programme
	// pairs the same two people again.
	RecordPair(ctx context.Context, programmeID, pairID, a, b string, now time.Time) error
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
	today := now.UTC().Format(programme.DateLayout)
	var started []programme.Pair
	var jobs []sendqueue.Job
	assistants, err := s.ListAssistants(ctx, prog.ID)
	if err != nil {
		return nil, err
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
		if err := s.CreatePair(ctx, p); err != nil && !errors.Is(err, store.ErrConflict) {
			return nil, err
		}
		plan := NewPlan(prog, p)
		var emails []string
		for _, who := range []struct {
			id   string
			role programme.Role
		}{{p.SeniorID, programme.Senior}, {p.JuniorID, programme.Junior}} {
			person, err := s.GetParticipant(ctx, prog.ID, who.id)
			if err != nil {
				return nil, fmt.Errorf("approve pair %s: %w", p.ID, err)
			}
			d := store.DueItem{ProgrammeID: prog.ID, PairID: p.ID, ParticipantID: who.id, Role: who.role, Cycle: 1,
				Due: plan.Delivery(1, person.Loc()), TimeZone: person.TimeZone}
			if err := s.PutDue(ctx, d); err != nil {
				return nil, err
			}
			emails = append(emails, person.Email)
		}
		if err := s.RecordPair(ctx, prog.ID, p.ID, emails[0], emails[1], now); err != nil {
			return nil, err
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
	return started, nil
}
