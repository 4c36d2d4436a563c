package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

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
	// RecordAsks records delivered check-ins in the programme's running
	// totals (the response rate's denominator), once however often, and
	// leaves their counting to the tick's Counter, which counts many on
	// each counter shard at once.
	RecordAsks(ctx context.Context, asks []store.Asked) ([]store.Pending, error)
	NewCounter(ctx context.Context) *store.Counter
	PlanStore
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
	// Workers is how many shards are read at once (default: one worker
	// per shard, store.DueShards).
	Workers int
	// Reserve is how long before its context's deadline (a Lambda
	// function's timeout) the tick stops taking new items (default 30 s):
	// what it queued is recorded, and whatever it did not reach stays due
	// for the next run, which continues where this one stopped.
	Reserve time.Duration
	// Wall is the real time the budget is measured against (default
	// time.Now): the logical Clock may be a dev or test clock, while a
	// Lambda deadline is wall-clock time. Tests step it to run out of time
	// at a chosen point whatever the machine's speed.
	Wall func() time.Time
	// WritesPerKey bounds the writes per second to one partition key
	// (default 500, half of what a DynamoDB partition takes): each shard's
	// due items share a gsi2 partition, each programme's pairs one
	// partition.
	WritesPerKey float64
	// InFlight is how many writes each shard has in flight (default 32).
	InFlight int
	// Quota, when set, plans each day's scheduled email against the
	// account's daily sending quota, less QuotaReserve (default
	// DefaultQuotaReserve) for the email that goes first.
	Quota        Quota
	QuotaReserve float64
}

// Stats counts what one tick did.
type Stats struct {
	Due       int // items found due
	Queued    int // emails queued
	Held      int // due but not sent: the pair is paused
	Finished  int // schedules ended (closing sent, or the pair ended)
	Conflicts int // items another tick moved first
	Failed    int // items left due after an error, for the next tick
	Moved     int // due today, moved to the next morning: the day's quota is planned full
	// Stopped: the time budget ran out before every shard was read; the
	// next run continues (nothing it did not reach was changed).
	Stopped bool
}

func (s *Stats) add(o Stats) {
	s.Due += o.Due
	s.Queued += o.Queued
	s.Held += o.Held
	s.Finished += o.Finished
	s.Conflicts += o.Conflicts
	s.Failed += o.Failed
	s.Moved += o.Moved
	s.Stopped = s.Stopped || o.Stopped
}

// readBatch is how many due items are decided together: one BatchGetItem
// of their pairs, ten SendMessageBatch calls side by side.
const readBatch = 100

// batchSize matches SQS's batch, so one SendMessageBatch covers a batch.
const batchSize = 10

// errBudget ends a shard's read when the time budget is spent.
var errBudget = errors.New("tick time budget spent")

// budget is when the tick stops taking new items (zero: never), read
// against now.
type budget struct {
	stopAt time.Time
	now    func() time.Time
}

func (b budget) over() bool { return !b.stopAt.IsZero() && b.now().After(b.stopAt) }

// Tick handles everything due now. Running it twice for the same hour is
// safe: each item is moved on with a conditional write, and each email has
// a ledger key, so a job queued twice is sent once.
//
// Each shard is a pipeline: its Query pages are read ahead while the items
// already read are decided a hundred at a time, their emails queued, and
// their items moved on by writes kept in flight side by side (an item is
// moved only after its email is queued). Throttling is waited out, an item
// that still fails stays due for the next tick without stopping its shard,
// and the tick stops taking new items Reserve before its deadline.
func (t *Ticker) Tick(ctx context.Context) (Stats, error) {
	now := t.Clock.Now()
	workers := t.Workers
	if workers <= 0 {
		workers = store.DueShards
	}
	reserve := t.Reserve
	if reserve <= 0 {
		reserve = 30 * time.Second
	}
	b := budget{now: t.Wall}
	if b.now == nil {
		b.now = time.Now
	}
	if dl, ok := ctx.Deadline(); ok {
		b.stopAt = dl.Add(-reserve)
	}
	perKey := t.WritesPerKey
	if perKey <= 0 {
		perKey = 500
	}
	limits := &keyLimits{perSecond: perKey, byKey: map[string]*rate.Limiter{}}
	c := &tickCache{progs: map[string]programme.Programme{}, pairs: map[string]programme.Pair{}, counter: t.Store.NewCounter(ctx)}
	if t.Quota != nil {
		reserve := t.QuotaReserve
		if reserve <= 0 {
			reserve = DefaultQuotaReserve
		}
		p, err := newPlanner(ctx, t.Quota, reserve, t.Store, now)
		if err != nil {
			// Unplanned is better than unsent: the sender still waits out
			// a spent quota.
			t.Log.Warn("tick without a quota plan", "err", err)
		}
		c.plan = p
	}
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
				st, err := t.tickShard(ctx, shard, now, c, b, limits)
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
	if err := c.plan.flush(ctx, t.Store); err != nil {
		errs = append(errs, err)
	}
	// What the counter could not count stays pending on its summaries,
	// for the next event on them (or upward repair-totals) to count: the
	// asks themselves are recorded.
	counted, countWrites, err := c.counter.Close()
	if err != nil {
		t.Log.Warn("tick: some asks are recorded but not yet counted in the totals", "err", err)
	}
	level := slog.LevelDebug // an idle hour is not news
	if total.Due > 0 || total.Stopped {
		level = slog.LevelInfo
	}
	t.Log.Log(ctx, level, "tick", "now", now, "due", total.Due, "queued", total.Queued, "held", total.Held, "finished", total.Finished,
		"conflicts", total.Conflicts, "failed", total.Failed, "moved_to_next_morning", total.Moved, "stopped_on_budget", total.Stopped,
		"asks_counted", counted, "count_writes", countWrites)
	if len(errs) > 5 {
		errs = append(errs[:5], fmt.Errorf("and %d more errors", len(errs)-5))
	}
	return total, errors.Join(errs...)
}

// keyLimits keeps the writes to each partition key under perSecond.
type keyLimits struct {
	mu        sync.Mutex
	perSecond float64
	byKey     map[string]*rate.Limiter
}

func (k *keyLimits) wait(ctx context.Context, key string) error {
	k.mu.Lock()
	l, ok := k.byKey[key]
	if !ok {
		l = rate.NewLimiter(rate.Limit(k.perSecond), max(int(k.perSecond/10), 1))
		k.byKey[key] = l
	}
	k.mu.Unlock()
	return l.Wait(ctx)
}

// shardRun is one shard's pipeline.
type shardRun struct {
	t      *Ticker
	ctx    context.Context
	shard  int
	now    time.Time
	c      *tickCache
	limits *keyLimits
	budget budget

	mu     sync.Mutex
	st     Stats
	errs   []error
	writes sync.WaitGroup
	slots  chan struct{}
}

func (r *shardRun) fail(n int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.st.Failed += n
	r.errs = append(r.errs, err)
}

func (t *Ticker) tickShard(ctx context.Context, shard int, now time.Time, c *tickCache, b budget, limits *keyLimits) (Stats, error) {
	inFlight := t.InFlight
	if inFlight <= 0 {
		inFlight = 32
	}
	r := &shardRun{t: t, ctx: ctx, shard: shard, now: now, c: c, limits: limits, budget: b, slots: make(chan struct{}, inFlight)}
	// The reader runs ahead of the decisions by up to a few batches.
	items := make(chan store.DueItem, 4*readBatch)
	readErr := make(chan error, 1)
	go func() {
		defer close(items)
		readErr <- t.Store.DueBefore(ctx, shard, now, func(d store.DueItem) error {
			if b.over() {
				return errBudget
			}
			select {
			case items <- d:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	batch := make([]store.DueItem, 0, readBatch)
	stopped := false
	for d := range items {
		if stopped || b.over() {
			stopped = true
			continue // left due: the next run takes it
		}
		batch = append(batch, d)
		if len(batch) == readBatch || len(items) == 0 {
			r.handle(batch)
			batch = batch[:0]
		}
	}
	if len(batch) > 0 && !stopped {
		r.handle(batch)
	}
	r.writes.Wait()
	err := <-readErr
	if errors.Is(err, errBudget) {
		stopped, err = true, nil
	}
	r.st.Stopped = r.st.Stopped || stopped
	if err != nil {
		r.errs = append(r.errs, err)
	}
	return r.st, errors.Join(r.errs...)
}

// handle decides a batch, queues its emails, and only then moves the items
// on: a crash in between leaves the items due, and the next tick queues the
// same jobs again, which the send ledger turns into no second email. The
// writes are left in flight while the next batch is read and decided.
func (r *shardRun) handle(items []store.DueItem) {
	ctx, t := r.ctx, r.t
	if err := store.RetryThrottled(ctx, func() error { return r.c.prefetch(ctx, t.Store, items) }); err != nil {
		r.fail(len(items), err)
		return
	}
	var ds []decision
	for _, d := range items {
		var dec decision
		err := store.RetryThrottled(ctx, func() error {
			var err error
			dec, err = t.decide(ctx, d, r.now, r.c)
			return err
		})
		if err != nil {
			r.fail(1, err)
			continue
		}
		ds = append(ds, dec)
	}
	r.mu.Lock()
	r.st.Due += len(items)
	r.mu.Unlock()
	// Queue the emails ten to a request, the requests side by side; once
	// they are queued, the batch's asks are recorded (a pair's two people
	// together) and its items moved on.
	var queued sync.WaitGroup
	var ready []decision
	for start := 0; start < len(ds); start += batchSize {
		chunk := ds[start:min(start+batchSize, len(ds))]
		if r.budget.over() {
			// Out of time: these stay due, untouched, for the next run.
			r.mu.Lock()
			r.st.Due -= len(chunk)
			r.st.Stopped = true
			r.mu.Unlock()
			continue
		}
		queued.Add(1)
		go func() {
			defer queued.Done()
			var jobs []sendqueue.Job
			held, moved := 0, 0
			for _, dec := range chunk {
				if dec.job != nil {
					jobs = append(jobs, dec.job)
				}
				if dec.held {
					held++
				}
				if dec.moved {
					moved++
				}
			}
			if len(jobs) > 0 {
				if err := t.Queue.Enqueue(ctx, jobs...); err != nil {
					r.fail(len(chunk), fmt.Errorf("queue %d emails: %w", len(jobs), err))
					return
				}
			}
			r.mu.Lock()
			r.st.Queued += len(jobs)
			r.st.Held += held
			r.st.Moved += moved
			ready = append(ready, chunk...)
			r.mu.Unlock()
		}()
	}
	queued.Wait()
	// Counted before the items move on: a crash in between records the
	// same asks again when the items are handled again, which changes
	// nothing.
	var asks []store.Asked
	for _, dec := range ready {
		if dec.job == nil {
			continue
		}
		d, job := dec.item, dec.job.(sendqueue.Scheduled)
		asks = append(asks, store.Asked{ProgrammeID: d.ProgrammeID, PairID: d.PairID, ParticipantID: d.ParticipantID,
			Role: d.Role, Cycle: job.Cycle, At: dec.askedAt, Closing: job.Email == sendqueue.KindClosing})
	}
	if len(asks) > 0 {
		var pending []store.Pending
		err := store.RetryThrottled(ctx, func() error {
			var err error
			pending, err = t.Store.RecordAsks(ctx, asks)
			return err
		})
		if err != nil {
			r.fail(len(ready), err)
			return
		}
		r.c.counter.Add(pending...)
	}
	for _, dec := range ready {
		r.write(dec)
	}
}

// write moves one item on, in the background, within the shard's writes
// in flight and each partition key's rate.
func (r *shardRun) write(dec decision) {
	r.slots <- struct{}{}
	r.writes.Add(1)
	go func() {
		defer r.writes.Done()
		defer func() { <-r.slots }()
		finished, conflict, err := r.t.apply(r.ctx, dec, r.now, r.shard, r.limits)
		r.mu.Lock()
		defer r.mu.Unlock()
		if finished {
			r.st.Finished++
		}
		if conflict {
			r.st.Conflicts++
		}
		if err != nil {
			r.st.Failed++
			r.errs = append(r.errs, err)
		}
	}()
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
	// asked is the planned delivery of the email queued, counted as asked
	// before the item moves on (zero: nothing queued).
	askedAt time.Time
	// moved: the day's quota is planned full; the item goes to the
	// person's next morning, same cycle.
	moved bool
}

// apply records one decision: resumption, flags, and moving the item on.
// Each write waits for its partition key's share and is retried while
// DynamoDB throttles.
func (t *Ticker) apply(ctx context.Context, dec decision, now time.Time, shard int, limits *keyLimits) (finished, conflict bool, err error) {
	d := dec.item
	pairs := &lifecycle.Service{Store: t.Store, Queue: t.Queue}
	pair := dec.pair
	inProgramme := func(fn func() error) error {
		if err := limits.wait(ctx, "PROG#"+d.ProgrammeID); err != nil {
			return err
		}
		return store.RetryThrottled(ctx, fn)
	}
	if dec.resume {
		err := inProgramme(func() error {
			res, err := pairs.Apply(ctx, dec.prog, pair, lifecycle.Change{Transition: lifecycle.Resume, By: lifecycle.Schedule, At: now,
				Cycle: dec.resumed, ResumedAt: dec.resumedAt})
			if err == nil {
				pair = res.Pair
			}
			return err
		})
		if err != nil {
			return false, false, err
		}
	}
	if dec.flag != "" {
		err := inProgramme(func() error {
			_, err := pairs.Apply(ctx, dec.prog, pair, lifecycle.Change{Transition: lifecycle.Stall, By: lifecycle.Schedule, At: now, Reason: dec.flag})
			return err
		})
		if err != nil {
			return false, false, err
		}
	}
	// Every item of a shard shares its gsi2 partition.
	if err := limits.wait(ctx, "DUE#"+strconv.Itoa(shard)); err != nil {
		return false, false, err
	}
	if dec.next != nil {
		err = store.RetryThrottled(ctx, func() error { return t.Store.AdvanceDue(ctx, d, *dec.next) })
	} else {
		err = store.RetryThrottled(ctx, func() error { return t.Store.RemoveDue(ctx, d) })
		if err == nil {
			finished = true
			if dec.end {
				err = inProgramme(func() error { return t.endIfDone(ctx, dec.prog, d, now) })
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
		c.plan.plan(next.Due, KindFor(plan, pair, d.Role, d.Cycle))
		dec.next = &next
		return dec, nil
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
	held := paused && kind != sendqueue.KindClosing
	if !held && !c.plan.admit(kind) {
		// Today's quota is planned full for this kind: the same email goes
		// on the person's next weekday morning.
		next := d
		next.Cycle, next.Due, next.Deferred = k, plan.NextMorning(now, loc), d.Deferred+1
		c.plan.plan(next.Due, kind)
		dec.next, dec.moved = &next, true
		return dec, nil
	}
	if k < plan.Closing() {
		next := d
		next.Cycle, next.Due, next.Deferred = k+1, plan.Delivery(k+1, loc), 0
		c.plan.plan(next.Due, KindFor(plan, pair, d.Role, k+1))
		dec.next = &next
	}
	if held {
		dec.held = true
		return dec, nil
	}
	dec.job = sendqueue.Scheduled{Email: kind, ProgrammeID: d.ProgrammeID, ParticipantID: d.ParticipantID, PairID: d.PairID, Cycle: k}
	dec.askedAt = plan.Delivery(k, loc)
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

// tickCache reads each programme and pair once per tick, and carries the
// day's quota plan (nil: none).
type tickCache struct {
	// counter counts the asks recorded in this tick, one writer per
	// counter shard.
	counter *store.Counter

	mu    sync.Mutex
	progs map[string]programme.Programme
	pairs map[string]programme.Pair
	plan  *planner
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
