// Package recognition sends the notes that tell a junior's manager what
// their reverse mentoring changed, once both people's consents have stood
// for store.RecognitionDelay (either could still withdraw until then).
package recognition

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// Store is what the runner needs.
type Store interface {
	RecognitionsDue(ctx context.Context, now time.Time, fn func(store.Applied) error) error
	MarkRecognitionSent(ctx context.Context, programmeID, pairID string, at time.Time) error
}

// Runner queues the due notes; the tick calls it.
type Runner struct {
	Store Store
	Queue sendqueue.Queue
	Clock clock.Clock
	Log   *slog.Logger
}

// Tick queues every note due now and takes it off the schedule. Queued
// first, marked after: a run that dies between the two queues it again
// next time, and the send ledger sends it once. The consents are read
// again when the email is written, so a withdrawal that arrives after this
// still stops it.
func (r *Runner) Tick(ctx context.Context) (int, error) {
	now := r.Clock.Now()
	n := 0
	err := r.Store.RecognitionsDue(ctx, now, func(a store.Applied) error {
		if !a.ManagerMayHear() {
			return nil
		}
		job := sendqueue.Recognition{ProgrammeID: a.ProgrammeID, PairID: a.PairID, JuniorID: a.JuniorID, SeniorID: a.SeniorID}
		if err := r.Queue.Enqueue(ctx, job); err != nil {
			return fmt.Errorf("queue the note to %s's manager: %w", a.JuniorID, err)
		}
		if err := r.Store.MarkRecognitionSent(ctx, a.ProgrammeID, a.PairID, now); err != nil {
			return err
		}
		n++
		return nil
	})
	if n > 0 {
		r.Log.Info("recognition notes queued", "notes", n)
	}
	return n, err
}
