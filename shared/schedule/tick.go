package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// Store is what the tick needs from the table.
type Store interface {
	DueBefore(ctx context.Context, shard int, now time.Time, fn func(store.DueItem) error) error
	GetProgramme(ctx context.Context, id string) (programme.Programme, error)
	GetPairs(ctx context.Context, programmeID string, ids []string) (map[string]programme.Pair, error)
	AdvanceDue(ctx context.Context, old, next store.DueItem) error
	RemoveDue(ctx context.Context, old store.DueItem) error
	GetDue(ctx context.Context, programmeID, pairID string, role programme.Role) (store.DueItem, error)
	// Pairs change only through their lifecycle.
	lifecycle.Store
}

var _ Store = (*store.Store)(nil)

// Ticker finds the scheduled emails that are due and queues them.
type Ticker struct {
	Store Store
	Queue sendqueue.Queue
	Clock clock.Clock
	Log   *slog.Logger
	// Workers is how many shards are read at once.
	Workers int
}

// Stats counts what one tick did.
type Stats struct {
	Due       int // items found due
	Queued    int // emails queued
	Held      int // due but not sent: the pair is paused
	Finished  int // schedules ended (closing sent, or the pair ended)
	Conflicts int // items another tick moved first
}

func (s *Stats) add(o Stats) {
	s.Due += o.Due
	s.Queued += o.Queued
	s.Held += o.Held
	s.Finished += o.Finished
	s.Conflicts += o.Conflicts
}

// batchSize matches SQS's batch, so one SendMessageBatch covers a batch.
const batchSize = 10

// Tick handles everything due now. Running it twice for the same hour is
// safe: each item is moved on with a conditional write, and each email has
// a ledger key, so a job queued twice is sent once.
func (t *Ticker) Tick(ctx context.Context) (Stats, error) {
	now := t.Clock.Now()
	workers := t.Workers
	if workers <= 0 {
		workers = 4
	}
	c := &tickCache{progs: map[string]programme.Programme{}, pairs: map[string]programme.Pair{}}
	shards := make(chan int)
	var mu sync.Mutex
	var total Stats
	var errs []error
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for shard := range shards {
				st, err := t.tickShard(ctx, shard, now, c)
				mu.Lock()
				total.add(st)
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		}()
	}
	for s := 0; s < store.DueShards; s++ {
		shards <- s
	}
	close(shards)
	wg.Wait()
	level := slog.LevelDebug // an idle hour is not news
	if total.Due > 0 {
		level = slog.LevelInfo
	}
	t.Log.Log(ctx, level, "tick", "now", now, "due", total.Due, "queued", total.Queued, "held", total.Held, "finished", total.Finished, "conflicts", total.Conflicts)
	return total, errors.Join(errs...)
}

func (t *Ticker) tickShard(ctx context.Context, shard int, now time.Time, c *tickCache) (Stats, error) {
	var st Stats
	var batch []store.DueItem
	flush := func() error {
		s, err := t.handle(ctx, batch, now, c)
		st.add(s)
		batch = batch[:0]
		return err
	}
	err := t.Store.DueBefore(ctx, shard, now, func(d store.DueItem) error {
		batch = append(batch, d)
		if len(batch) == batchSize {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	return st, err
}

// decision is what to do with one due item.
type decision struct {
	item store.DueItem
	prog programme.Programme
	// pair is the pair as read, before this decision.
	pair    programme.Pair
	job     sendqueue.Job
	next    *store.DueItem // nil: the schedule is finished
	flag    string         // reason to put the pair on the attention list
	end     bool           // the closing went out: the pair has ended
	resume  bool           // a timed pause is over: resume at cycle resumed
	resumed int
	// resumedAt is when the cycle that goes out again was due: check-ins
	// from then on are sent.
	resumedAt time.Time
	held      bool
}

// handle decides a batch, queues its emails, and only then moves the items
// on: a crash in between leaves the items due, and the next tick queues the
// same jobs again, which the send ledger turns into no second email.
func (t *Ticker) handle(ctx context.Context, items []store.DueItem, now time.Time, c *tickCache) (Stats, error) {
	var st Stats
	var jobs []sendqueue.Job
	var ds []decision
	if err := c.prefetch(ctx, t.Store, items); err != nil {
		return st, err
	}
	for _, d := range items {
		st.Due++
		dec, err := t.decide(ctx, d, now, c)
		if err != nil {
			return st, err
		}
		if dec.job != nil {
			jobs = append(jobs, dec.job)
		}
		if dec.held {
			st.Held++
		}
		ds = append(ds, dec)
	}
	if err := t.Queue.Enqueue(ctx, jobs...); err != nil {
		return st, fmt.Errorf("queue %d emails: %w", len(jobs), err)
	}
	st.Queued += len(jobs)
	// The writes of a batch are independent: run them together, since in
	// DynamoDB each one is a network round trip.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, dec := range ds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			finished, conflict, err := t.apply(ctx, dec, now)
			mu.Lock()
			defer mu.Unlock()
			if finished {
				st.Finished++
			}
			if conflict {
				st.Conflicts++
			}
			if err != nil {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	return st, errors.Join(errs...)
}

// apply records one decision: resumption, flags, and moving the item on.
func (t *Ticker) apply(ctx context.Context, dec decision, now time.Time) (finished, conflict bool, err error) {
	d := dec.item
	pairs := &lifecycle.Service{Store: t.Store, Queue: t.Queue}
	pair := dec.pair
	if dec.resume {
		res, err := pairs.Apply(ctx, dec.prog, pair, lifecycle.Change{Transition: lifecycle.Resume, By: lifecycle.Schedule, At: now,
			Cycle: dec.resumed, ResumedAt: dec.resumedAt})
		if err != nil {
			return false, false, err
		}
		pair = res.Pair
	}
	if dec.flag != "" {
		if _, err := pairs.Apply(ctx, dec.prog, pair, lifecycle.Change{Transition: lifecycle.Stall, By: lifecycle.Schedule, At: now, Reason: dec.flag}); err != nil {
			return false, false, err
		}
	}
	if dec.next != nil {
		err = t.Store.AdvanceDue(ctx, d, *dec.next)
	} else {
		err = t.Store.RemoveDue(ctx, d)
		if err == nil {
			finished = true
			if dec.end {
				err = t.endIfDone(ctx, dec.prog, d, now)
			}
		}
	}
	if errors.Is(err, store.ErrConflict) {
		return false, true, nil
	}
	return finished, false, err
}

func (t *Ticker) decide(ctx context.Context, d store.DueItem, now time.Time, c *tickCache) (decision, error) {
	dec := decision{item: d}
	prog, err := c.programme(ctx, t.Store, d.ProgrammeID)
	dec.prog = prog
	if errors.Is(err, store.ErrNotFound) {
		return dec, nil // programme erased: drop the schedule
	}
	if err != nil {
		return dec, err
	}
	pair, err := c.pair(ctx, t.Store, d.ProgrammeID, d.PairID)
	if errors.Is(err, store.ErrNotFound) {
		return dec, nil
	}
	if err != nil {
		return dec, err
	}
	if !pair.State.Live() {
		return dec, nil
	}
	dec.pair = pair
	loc := time.UTC
	if d.TimeZone != "" {
		if l, err := time.LoadLocation(d.TimeZone); err == nil {
			loc = l
		}
	}
	plan := NewPlan(prog, pair)
	k := plan.LatestDue(loc, now)
	if k < d.Cycle {
		// Not due by the plan (the programme's dates moved): reschedule.
		next := d
		next.Due = plan.Delivery(d.Cycle, loc)
		dec.next = &next
		return dec, nil
	}
	if k < plan.Closing() {
		next := d
		next.Cycle, next.Due = k+1, plan.Delivery(k+1, loc)
		dec.next = &next
	}
	paused := pair.State == programme.PairPaused && (pair.PausedUntil.IsZero() || now.Before(pair.PausedUntil))
	if pair.State == programme.PairPaused && !paused {
		// The pause is over: the stall count starts again from here, for
		// both people, whichever of them this tick reaches first.
		dec.resume, dec.resumed, dec.resumedAt = true, k-1, plan.Delivery(k, loc)
		pair.State, pair.ResumedCycle = programme.PairActive, k-1
		c.put(pair)
	}
	kind := KindFor(plan, pair, d.Role, k)
	if paused && kind != sendqueue.KindClosing {
		dec.held = true
		return dec, nil
	}
	dec.job = sendqueue.Scheduled{Email: kind, ProgrammeID: d.ProgrammeID, ParticipantID: d.ParticipantID, PairID: d.PairID, Cycle: k}
	if stalled, n := Stall(pair, k); stalled && n >= 1 && kind != sendqueue.KindClosing {
		dec.flag = "No meeting reported for three check-ins"
		if pair.LastReplyCycle < k-2 {
			dec.flag = "No replies to the last three check-ins"
		}
	}
	if kind == sendqueue.KindClosing {
		dec.end = true
	}
	return dec, nil
}

// endIfDone ends the pair once both people's closing surveys are queued
// (their schedules finish at different hours in different zones).
func (t *Ticker) endIfDone(ctx context.Context, prog programme.Programme, d store.DueItem, now time.Time) error {
	other := programme.Senior
	if d.Role == programme.Senior {
		other = programme.Junior
	}
	_, err := t.Store.GetDue(ctx, d.ProgrammeID, d.PairID, other)
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	pairs := &lifecycle.Service{Store: t.Store, Queue: t.Queue}
	_, err = pairs.ApplyByID(ctx, prog, d.PairID, lifecycle.Change{Transition: lifecycle.Finish, By: lifecycle.Schedule, At: now})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// tickCache reads each programme and pair once per tick.
type tickCache struct {
	mu    sync.Mutex
	progs map[string]programme.Programme
	pairs map[string]programme.Pair
}

func (c *tickCache) programme(ctx context.Context, s Store, id string) (programme.Programme, error) {
	c.mu.Lock()
	p, ok := c.progs[id]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := s.GetProgramme(ctx, id)
	if err != nil {
		return p, err
	}
	c.mu.Lock()
	c.progs[id] = p
	c.mu.Unlock()
	return p, nil
}

// prefetch reads the batch's pairs in one request instead of one each.
func (c *tickCache) prefetch(ctx context.Context, s Store, items []store.DueItem) error {
	missing := map[string][]string{}
	c.mu.Lock()
	for _, d := range items {
		if _, ok := c.pairs[d.PairID]; !ok {
			missing[d.ProgrammeID] = append(missing[d.ProgrammeID], d.PairID)
		}
	}
	c.mu.Unlock()
	for prog, ids := range missing {
		got, err := s.GetPairs(ctx, prog, ids)
		if err != nil {
			return err
		}
		c.mu.Lock()
		for id, p := range got {
			c.pairs[id] = p
		}
		c.mu.Unlock()
	}
	return nil
}

func (c *tickCache) put(p programme.Pair) {
	c.mu.Lock()
	c.pairs[p.ID] = p
	c.mu.Unlock()
}

func (c *tickCache) pair(ctx context.Context, s Store, programmeID, id string) (programme.Pair, error) {
	c.mu.Lock()
	p, ok := c.pairs[id]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := s.GetPair(ctx, programmeID, id)
	if err != nil {
		return p, err
	}
	c.mu.Lock()
	c.pairs[id] = p
	c.mu.Unlock()
	return p, nil
}
