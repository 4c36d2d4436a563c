package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// Store is what applying changes needs from the table.
type Store interface {
	GetPair(ctx context.Context, programmeID, id string) (programme.Pair, error)
	PairsOf(ctx context.Context, programmeID, participantID string) ([]programme.Pair, error)
	ChangePair(ctx context.Context, before, after programme.Pair, now time.Time) (programme.Pair, error)
	GetParticipant(ctx context.Context, programmeID, id string) (programme.Participant, error)
	AddNeverPair(ctx context.Context, programmeID string, n store.NeverPair) error
}

var _ Store = (*store.Store)(nil)

// Service applies changes to pairs: the table first, then what the change
// causes (emails, the never-pair list). Each step is safe to repeat, and a
// repeated change finishes what an interrupted one began.
type Service struct {
	Store Store
	// Queue takes the emails changes cause; it may be nil where only
	// changes that cause none are made (flags).
	Queue sendqueue.Queue
}

// Result is a change as it came out.
type Result struct {
	Pair    programme.Pair
	Outcome Outcome
}

// conflictRetries bounds how often a change is judged again after someone
// else changed the pair between our read and our write.
const conflictRetries = 3

// Apply changes pair (as the caller read it) as c asks.
func (s *Service) Apply(ctx context.Context, prog programme.Programme, pair programme.Pair, c Change) (Result, error) {
	for attempt := 0; ; attempt++ {
		next, eff, outcome, err := Decide(prog, pair, c)
		if err != nil {
			return Result{Pair: pair, Outcome: outcome}, fmt.Errorf("%s pair %s: %w", c.Transition, pair.ID, err)
		}
		if outcome == Refused {
			return Result{Pair: pair, Outcome: Refused}, nil
		}
		if outcome == Changed {
			written, err := s.Store.ChangePair(ctx, pair, next, c.At)
			if errors.Is(err, store.ErrConflict) && attempt < conflictRetries {
				// Changed meanwhile (another coordinator, the tick, a
				// reply): read it again and judge afresh.
				if pair, err = s.Store.GetPair(ctx, prog.ID, pair.ID); err != nil {
					return Result{}, fmt.Errorf("%s pair %s: %w", c.Transition, pair.ID, err)
				}
				continue
			}
			if err != nil {
				return Result{}, fmt.Errorf("%s pair %s: %w", c.Transition, pair.ID, err)
			}
			next = written
		}
		if err := s.effects(ctx, prog, next, eff); err != nil {
			// The pair is changed: say so, so nobody is told that nothing
			// happened; repeating the change queues what is missing.
			return Result{Pair: next, Outcome: outcome}, fmt.Errorf("%s pair %s: changed, but %w", c.Transition, pair.ID, err)
		}
		return Result{Pair: next, Outcome: outcome}, nil
	}
}

// ApplyByID reads the pair first.
func (s *Service) ApplyByID(ctx context.Context, prog programme.Programme, pairID string, c Change) (Result, error) {
	pair, err := s.Store.GetPair(ctx, prog.ID, pairID)
	if err != nil {
		return Result{}, fmt.Errorf("%s pair %s: %w", c.Transition, pairID, err)
	}
	return s.Apply(ctx, prog, pair, c)
}

// ApplyToPairsOf applies c to every live pair participant id is in (STOP,
// an erasure, a bounce) and to ended ones the same change may have left
// unfinished. It reports how many were changed.
func (s *Service) ApplyToPairsOf(ctx context.Context, prog programme.Programme, id string, c Change) (int, error) {
	pairs, err := s.Store.PairsOf(ctx, prog.ID, id)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, p := range pairs {
		res, err := s.Apply(ctx, prog, p, c)
		if err != nil {
			errs = append(errs, err)
		}
		if res.Outcome == Changed {
			n++
		}
	}
	return n, errors.Join(errs...)
}

func (s *Service) effects(ctx context.Context, prog programme.Programme, p programme.Pair, e Effects) error {
	if e.NeverPair {
		senior, err := s.Store.GetParticipant(ctx, prog.ID, p.SeniorID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		junior, err2 := s.Store.GetParticipant(ctx, prog.ID, p.JuniorID)
		if err2 != nil && !errors.Is(err2, store.ErrNotFound) {
			return err2
		}
		// An erased person has no address left to remember.
		if err == nil && err2 == nil {
			source := e.NeverPairSource
			if source == "" {
				source = "rematch"
			}
			if err := s.Store.AddNeverPair(ctx, prog.ID, store.NeverPair{
				EmailPair: store.NewEmailPair(senior.Email, junior.Email), AddedBy: p.EndReason, AddedAt: p.EndedAt, Source: source,
			}); err != nil {
				return err
			}
		}
	}
	if len(e.Emails) > 0 {
		if s.Queue == nil {
			return fmt.Errorf("%d emails to queue and no queue", len(e.Emails))
		}
		if err := s.Queue.Enqueue(ctx, e.Emails...); err != nil {
			return fmt.Errorf("queue %d emails: %w", len(e.Emails), err)
		}
	}
	return nil
}
