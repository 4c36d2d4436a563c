package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
)

// Now is the dev clock's time.
func (s *Stack) Now() time.Time { return s.Clock.Now() }

// Tick runs the schedule once at the dev clock's time and waits until every
// email it queued has been sent.
func (s *Stack) Tick(ctx context.Context) (schedule.Stats, error) {
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	// Rounds first, as in the tick function: a rotation's new pairs are
	// then in place before the hour's check-ins are decided.
	rerr := s.Rounds.Tick(ctx)
	s.Queue.Drain()
	// Then the reorganisation guard finishes any check an upload or an
	// enrolment left unfinished, and checks the round's new pairs.
	_, gerr := s.Guard.CheckDue(ctx)
	st, err := s.Ticker.Tick(ctx)
	_, derr := s.Digest.Tick(ctx)
	_, recErr := s.Recognition.Tick(ctx)
	s.Queue.Drain()
	return st, errors.Join(rerr, gerr, err, derr, recErr)
}

func (s *Stack) tickLoop(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Tick(ctx); err != nil && ctx.Err() == nil {
				log.Error("tick failed", "err", err)
			}
		}
	}
}

// nextDue is the earliest due time of any scheduled email.
func (s *Stack) nextDue(ctx context.Context) (time.Time, bool, error) {
	var best time.Time
	found := false
	for shard := 0; shard < store.DueShards; shard++ {
		t, ok, err := s.Store.NextDue(ctx, shard)
		if err != nil {
			return time.Time{}, false, err
		}
		if ok && (!found || t.Before(best)) {
			best, found = t, true
		}
	}
	// A note to a junior's manager, once its two days have passed.
	if t, ok, err := s.Store.NextRecognitionDue(ctx); err != nil {
		return time.Time{}, false, err
	} else if ok && (!found || t.Before(best)) {
		best, found = t, true
	}
	if t, ok, err := s.Rounds.NextRound(ctx); err != nil {
		return time.Time{}, false, err
	} else if ok && (!found || t.Before(best)) {
		best, found = t, true
	}
	return best, found, nil
}

// TickInterval is how often the EventBridge schedule runs the tick.
const TickInterval = 15 * time.Minute

// Step moves the clock to the next quarter hour at which the schedule would
// find something due, if that is no later than until, and ticks there. It
// reports the time it ticked at, or false when nothing is due by until.
func (s *Stack) Step(ctx context.Context, until time.Time) (time.Time, bool, error) {
	next, ok, err := s.nextDue(ctx)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	at := next.Truncate(TickInterval)
	if at.Before(next) {
		at = at.Add(TickInterval)
	}
	now := s.Clock.Now()
	if at.Before(now) {
		at = now
	}
	if at.After(until) {
		return time.Time{}, false, nil
	}
	if err := s.Clock.Advance(at.Sub(now)); err != nil {
		return time.Time{}, false, err
	}
	if _, err := s.Tick(ctx); err != nil {
		return at, true, err
	}
	return at, true, nil
}

// Advance lives through d of programme time: it ticks at every hour where
// something falls due, as the EventBridge schedule would, then
// leaves the clock at now+d.
func (s *Stack) Advance(ctx context.Context, d time.Duration) error {
	if d < 0 {
		return errors.New("the dev clock only moves forward")
	}
	until := s.Clock.Now().Add(d)
	var last time.Time
	for steps := 0; ; steps++ {
		at, ok, err := s.Step(ctx, until)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if at.Equal(last) {
			return fmt.Errorf("the schedule is stuck at %s: a due item did not move on", at)
		}
		last = at
	}
	// The steps take real time, and the clock runs on meanwhile: after a
	// step at until itself it may already be past it, which is where it
	// was asked to go.
	if rest := until.Sub(s.Clock.Now()); rest > 0 {
		return s.Clock.Advance(rest)
	}
	return nil
}
