// Package rounds runs the matching rounds that rolling and rotation
// programmes hold on a schedule: on each round day the tick matches the
// people waiting (new opt-ins, people whose pair ended) with the same
// matcher and review the coordinator uses, keeps the pairs that stand,
// stores the proposal, and tells the coordinators — or, when the programme
// auto-approves, approves it and tells them after the fact. Rotation
// programmes first end every pair kindly.
package rounds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// By is who proposes and approves scheduled rounds.
const By = "the round schedule"

// Store is what rounds need from the table.
type Store interface {
	ListProgrammes(ctx context.Context) ([]programme.Programme, error)
	ListPairs(ctx context.Context, programmeID string) ([]programme.Pair, error)
	LastRoundSlot(ctx context.Context, programmeID string) (int, error)
	CompleteRoundSlot(ctx context.Context, programmeID string, slot int, now time.Time) error
	GetProposal(ctx context.Context, programmeID, id string) (store.Proposal, error)
	// Pairs change only through their lifecycle.
	lifecycle.Store
}

var _ Store = (*store.Store)(nil)

// Runner holds the rounds that are due.
type Runner struct {
	Store        Store
	Review       *review.Service
	Queue        sendqueue.Queue
	Clock        clock.Clock
	Log          *slog.Logger
	Coordinators []string // who hears about each round
}

// ProposalID names the proposal of round slot k, so a second tick for the
// same round finds the first one's proposal instead of starting another.
func ProposalID(slot int) string { return fmt.Sprintf("round-%d", slot) }

// Tick holds every scheduled round that is due. Like the pairs' tick it is
// safe to run twice: each step is idempotent and the slot is marked done
// only after them.
func (r *Runner) Tick(ctx context.Context) error {
	progs, err := r.Store.ListProgrammes(ctx)
	if err != nil {
		return err
	}
	now := r.Clock.Now()
	var errs []error
	for _, p := range progs {
		slot := p.LatestRound(now)
		if slot < 0 {
			continue
		}
		last, err := r.Store.LastRoundSlot(ctx, p.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if slot <= last {
			continue
		}
		if err := r.hold(ctx, p, slot); err != nil {
			errs = append(errs, fmt.Errorf("programme %s round %d: %w", p.ID, slot, err))
			continue
		}
		if err := r.Store.CompleteRoundSlot(ctx, p.ID, slot, now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// NextRound is when the next scheduled round of any programme runs, for the
// dev clock to stop there.
func (r *Runner) NextRound(ctx context.Context) (time.Time, bool, error) {
	progs, err := r.Store.ListProgrammes(ctx)
	if err != nil {
		return time.Time{}, false, err
	}
	var best time.Time
	found := false
	for _, p := range progs {
		last, err := r.Store.LastRoundSlot(ctx, p.ID)
		if err != nil {
			return time.Time{}, false, err
		}
		at, ok := p.RoundSlot(last + 1)
		if ok && (!found || at.Before(best)) {
			best, found = at, true
		}
	}
	return best, found, nil
}

func (r *Runner) hold(ctx context.Context, p programme.Programme, slot int) error {
	now := r.Clock.Now()
	log := r.Log.With("programme", p.ID, "round_slot", slot)
	if p.MatchingMode == programme.ModeRotation && slot > 0 {
		if err := r.endRound(ctx, p, slot, now); err != nil {
			return err
		}
	}
	id := ProposalID(slot)
	prop, created, err := r.Review.Propose(ctx, p.ID, id, By)
	var prob *review.Problem
	if errors.As(err, &prob) && errors.Is(err, review.ErrNobody) {
		log.Info("round: nobody waiting to be matched")
		return nil
	}
	if err != nil {
		return err
	}
	if created || prop.Status == store.ProposalRunning {
		if err := r.Review.Run(ctx, review.Job{ProgrammeID: p.ID, ProposalID: id}); err != nil {
			return err
		}
	}
	if prop, err = r.Store.GetProposal(ctx, p.ID, id); err != nil {
		return err
	}
	if p.AutoApprove && (prop.Status == store.ProposalReady || prop.Status == store.ProposalApproving) {
		if _, err := r.Review.Approve(ctx, p.ID, id, By+" (approved automatically)"); err != nil {
			return err
		}
	}
	var jobs []sendqueue.Job
	for _, c := range r.Coordinators {
		jobs = append(jobs, sendqueue.RoundSummary{ProgrammeID: p.ID, ProposalID: id, Round: slot, Coordinator: c})
	}
	log.Info("round held", "proposal", id, "status", prop.Status, "pairs", prop.Pairs, "unmatched", prop.Unmatched, "auto_approve", p.AutoApprove)
	return r.Queue.Enqueue(ctx, jobs...)
}

// endRound ends every pair of a rotation programme kindly (shared/lifecycle:
// a closing email to each person, what did you learn, would you thank your
// partner); the next round's introductions follow. Pairs that an earlier
// attempt at this round ended get their emails queued again, which the
// ledger sends once.
func (r *Runner) endRound(ctx context.Context, p programme.Programme, slot int, now time.Time) error {
	pairs, err := r.Store.ListPairs(ctx, p.ID)
	if err != nil {
		return err
	}
	lc := &lifecycle.Service{Store: r.Store, Queue: r.Queue}
	c := lifecycle.Change{Transition: lifecycle.EndRound, By: lifecycle.Schedule, At: now, Cycle: slot}
	var errs []error
	for _, pr := range pairs {
		if !pr.State.Live() && pr.State != programme.PairEnded {
			continue
		}
		if _, err := lc.Apply(ctx, p, pr, c); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
