package schedule_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// countedWrites counts the moves of due items, so the test can spend the
// tick's time budget at a chosen point instead of racing a real deadline.
type countedWrites struct {
	*store.Store
	n atomic.Int64
}

func (s *countedWrites) AdvanceDue(ctx context.Context, old, next store.DueItem) error {
	defer s.n.Add(1)
	return s.Store.AdvanceDue(ctx, old, next)
}

func TestATickThatRunsLongStopsCleanlyAndTheNextContinues(t *testing.T) {
	t.Parallel()
	e := setup(t, 30)
	e.clock.Set(firstCheckIn.Add(3 * time.Hour))
	writes := &countedWrites{Store: e.store}
	// The wall clock stands still until the first item has been moved on,
	// then jumps past the budget (the deadline less the 30 s reserve): the
	// first shard with items is handled whole, every later one is left.
	// One worker reads the shards one after another, so where it stops
	// never depends on the machine's speed.
	start := time.Now()
	wall := func() time.Time {
		if writes.n.Load() == 0 {
			return start
		}
		return start.Add(2 * time.Hour)
	}
	ticker := &schedule.Ticker{Store: writes, Queue: e.queue, Clock: e.clock, Log: e.sys.Log, Workers: 1, InFlight: 1, Wall: wall}
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(time.Hour))
	defer cancel()
	first, err := ticker.Tick(ctx)
	if err != nil {
		t.Fatalf("a tick out of time returned %v, want a clean stop", err)
	}
	if !first.Stopped || first.Queued == 0 || first.Queued >= 60 {
		t.Fatalf("first tick: %+v, want it stopped on its budget part-way", first)
	}
	if ctx.Err() != nil {
		t.Error("the tick ran into its deadline instead of stopping before it")
	}
	jobs := e.queue.take()
	// What the first run did not reach is still due, untouched.
	left := 0
	for _, p := range e.pairs {
		for _, role := range []programme.Role{programme.Senior, programme.Junior} {
			d, err := e.store.GetDue(context.Background(), e.prog.ID, p.ID, role)
			if err != nil {
				t.Fatal(err)
			}
			if d.Cycle == 1 {
				left++
			}
		}
	}
	if left != 60-first.Queued {
		t.Errorf("%d items still due after queuing %d of 60, want %d", left, first.Queued, 60-first.Queued)
	}
	// The next invocation continues.
	ticker.Wall = nil
	second, err := ticker.Tick(context.Background())
	if err != nil || second.Stopped {
		t.Fatalf("second tick: %+v, %v", second, err)
	}
	jobs = append(jobs, e.queue.take()...)
	seen := map[string]int{}
	for _, j := range jobs {
		seen[sendqueue.Key(j)]++
	}
	if len(jobs) != 60 || len(seen) != 60 {
		t.Errorf("the two ticks queued %d jobs, %d distinct; want each of the 60 check-ins once", len(jobs), len(seen))
	}
	d := e.deliverer(t, stacktest.SES(t))
	for _, j := range jobs {
		if err := d.Handle(context.Background(), j); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range e.people[:8] {
		if n := len(stacktest.Emails(t, p.Email)); n != 1 {
			t.Errorf("%s received %d check-ins, want 1", p.Email, n)
		}
	}
}

// throttlingDB refuses every third write as a hot partition does, after
// the SDK's own retries.
type throttlingDB struct {
	store.DynamoDB
	n, throttled atomic.Int64
}

func (db *throttlingDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if db.n.Add(1)%3 == 0 {
		db.throttled.Add(1)
		return nil, &types.ProvisionedThroughputExceededException{Message: new(string)}
	}
	return db.DynamoDB.PutItem(ctx, in, o...)
}

func (db *throttlingDB) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	if db.n.Add(1)%3 == 0 {
		db.throttled.Add(1)
		return nil, &types.ThrottlingException{Message: new(string)}
	}
	return db.DynamoDB.Query(ctx, in, o...)
}

func TestThrottlingIsWaitedOutWithoutAbandoningTheShard(t *testing.T) {
	t.Parallel()
	e := setup(t, 12)
	e.clock.Set(firstCheckIn.Add(3 * time.Hour))
	db := &throttlingDB{DynamoDB: e.sys.DB}
	ticker := &schedule.Ticker{Store: store.New(db, e.store.Table()), Queue: e.queue, Clock: e.clock, Log: e.sys.Log, Workers: 4}
	st, err := ticker.Tick(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Queued != 24 || st.Failed != 0 || db.throttled.Load() == 0 {
		t.Errorf("tick under throttling: %+v after %d throttles; want all 24 queued, none failed", st, db.throttled.Load())
	}
	for _, p := range e.pairs {
		d, err := e.store.GetDue(context.Background(), e.prog.ID, p.ID, programme.Senior)
		if err != nil || d.Cycle != 2 {
			t.Errorf("pair %s: cycle %d, %v; want moved on to 2", p.ID, d.Cycle, err)
		}
	}
}

// failingQueue refuses every other batch of jobs, as SQS does in an outage.
type failingQueue struct {
	mu    sync.Mutex
	n     int
	inner sendqueue.Queue
}

func (q *failingQueue) Enqueue(ctx context.Context, jobs ...sendqueue.Job) error {
	q.mu.Lock()
	q.n++
	fail := q.n%2 == 0
	q.mu.Unlock()
	if fail {
		return errors.New("SQS unavailable")
	}
	return q.inner.Enqueue(ctx, jobs...)
}

func TestAnItemWhoseEmailCouldNotBeQueuedStaysDue(t *testing.T) {
	t.Parallel()
	e := setup(t, 20)
	e.clock.Set(firstCheckIn.Add(3 * time.Hour))
	ticker := &schedule.Ticker{Store: e.store, Queue: &failingQueue{inner: e.queue}, Clock: e.clock, Log: e.sys.Log, Workers: 1}
	st, err := ticker.Tick(context.Background())
	if err == nil || st.Failed == 0 || st.Queued+st.Failed != 40 {
		t.Fatalf("tick: %+v, %v; want some failed and reported, the rest queued", st, err)
	}
	// The next tick queues exactly what was not queued.
	ticker.Queue = e.queue
	st2, err := ticker.Tick(context.Background())
	if err != nil || st2.Queued != st.Failed {
		t.Fatalf("second tick: %+v, %v; want the %d left queued", st2, err, st.Failed)
	}
	seen := map[string]bool{}
	for _, j := range e.queue.take() {
		seen[sendqueue.Key(j)] = true
	}
	if len(seen) != 40 {
		t.Errorf("%d distinct check-ins queued, want 40", len(seen))
	}
}

// fixedQuota is an account's daily sending quota.
type fixedQuota int

func (q fixedQuota) DailyQuota(context.Context) (int, int, error) { return int(q), 0, nil }

func TestADayOverItsQuotaMovesTheRestToEachPersonsNextMorning(t *testing.T) {
	t.Parallel()
	e := setup(t, 12)
	ctx := context.Background()
	// 24 check-ins fall due on Monday; the account sends 20 a day, of
	// which the schedule plans 18 (10 % is kept for welcomes and
	// introductions).
	e.ticker.Quota = fixedQuota(20)
	e.clock.Set(firstCheckIn)
	st, err := e.ticker.Tick(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Queued != 18 || st.Moved != 6 {
		t.Fatalf("Monday: %+v, want 18 queued and 6 moved", st)
	}
	plan, err := e.store.GetDayPlan(ctx, "2027-01-18")
	if err != nil || plan.Sent.CheckIn != 18 || plan.Moved.CheckIn != 6 {
		t.Errorf("Monday's plan: %+v, %v", plan, err)
	}
	monday := e.queue.take()
	got := map[string]bool{}
	for _, j := range monday {
		got[sendqueue.Recipient(j)] = true
	}
	// Each moved item waits for its person's next morning, same cycle.
	for _, p := range e.pairs {
		for _, role := range []programme.Role{programme.Senior, programme.Junior} {
			d, err := e.store.GetDue(ctx, e.prog.ID, p.ID, role)
			if err != nil {
				t.Fatal(err)
			}
			if got[d.ParticipantID] {
				if d.Cycle != 2 {
					t.Errorf("%s: sent, but the schedule is at cycle %d", d.ParticipantID, d.Cycle)
				}
				continue
			}
			want := schedule.MorningAt(time.Date(2027, 1, 19, 0, 0, 0, 0, time.UTC), time.UTC, schedule.Spread(p.ID))
			if d.Cycle != 1 || !d.Due.Equal(want) || d.Deferred != 1 {
				t.Errorf("%s: moved to cycle %d at %s (deferred %d), want cycle 1 at %s", d.ParticipantID, d.Cycle, d.Due, d.Deferred, want)
			}
		}
	}
	// Tuesday: the moved ones go, within Tuesday's quota.
	e.clock.Set(firstCheckIn.AddDate(0, 0, 1))
	st, err = e.ticker.Tick(ctx)
	if err != nil || st.Queued != 6 || st.Moved != 0 {
		t.Fatalf("Tuesday: %+v, %v; want the 6 moved queued", st, err)
	}
	all := append(monday, e.queue.take()...)
	seen := map[string]bool{}
	for _, j := range all {
		if s, ok := j.(sendqueue.Scheduled); !ok || s.Cycle != 1 || s.Email != sendqueue.KindCheckIn {
			t.Errorf("queued %+v, want the first check-in", j)
		}
		seen[sendqueue.Recipient(j)] = true
	}
	if len(all) != 24 || len(seen) != 24 {
		t.Errorf("%d check-ins to %d people over two days, want one each for 24", len(all), len(seen))
	}
}
