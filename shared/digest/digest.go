// Package digest queues the weekly digest: on Monday mornings, one email
// to each coordinator account that has not switched it off, with their
// programmes' figures and how many items wait on each attention list. It
// names no participant and holds nothing anyone wrote; the email is
// rendered when sent (shared/mail), from the data as it is then.
package digest

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// Hour is the hour (UTC) on Mondays from which the digest goes out.
const Hour = 7

// Store is what queuing the digest needs: the accounts.
type Store interface {
	ListAccounts(ctx context.Context) ([]store.Account, error)
}

// Runner queues the week's digests.
type Runner struct {
	Store Store
	Queue sendqueue.Queue
	Clock clock.Clock
	Log   *slog.Logger
}

// Week is the Monday of t's week, as the digest job names it.
func Week(t time.Time) string {
	t = t.UTC()
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return t.AddDate(0, 0, -back).Format(programme.DateLayout)
}

// Tick queues this week's digests when it is Monday from Hour on. The
// tick calls it every 15 minutes: the job's week makes it one email per
// account and week (the send ledger), so running it again is harmless.
func (r *Runner) Tick(ctx context.Context) (int, error) {
	now := r.Clock.Now().UTC()
	if now.Weekday() != time.Monday || now.Hour() < Hour {
		return 0, nil
	}
	accounts, err := r.Store.ListAccounts(ctx)
	if err != nil {
		return 0, fmt.Errorf("weekly digest: %w", err)
	}
	week := Week(now)
	var jobs []sendqueue.Job
	for _, a := range accounts {
		if !a.DigestOff {
			jobs = append(jobs, sendqueue.Digest{Account: a.Email, Week: week})
		}
	}
	if err := r.Queue.Enqueue(ctx, jobs...); err != nil {
		return 0, fmt.Errorf("weekly digest: %w", err)
	}
	if len(jobs) > 0 {
		r.Log.Info("weekly digests queued", "week", week, "accounts", len(jobs))
	}
	return len(jobs), nil
}
