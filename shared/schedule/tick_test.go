package schedule_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/smithy-go"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

// collector is a queue that hands jobs to the real deliverer in the order
// the test chooses, so faults can be placed exactly.
type collector struct {
	mu   sync.Mutex
	jobs []sendqueue.Job
}

func (c *collector) Enqueue(_ context.Context, jobs ...sendqueue.Job) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.jobs = append(c.jobs, jobs...)
	return nil
}

func (c *collector) take() []sendqueue.Job {
	c.mu.Lock()
	defer c.mu.Unlock()
	j := c.jobs
	c.jobs = nil
	return j
}

type env struct {
	sys    *stacktest.System
	store  *store.Store
	clock  *stacktest.Clock
	queue  *collector
	ticker *schedule.Ticker
	prog   programme.Programme
	people []programme.Participant
	pairs  []programme.Pair
}

// setup enrols n pairs in a Lisbon programme starting Monday 4 January 2027
// and approves them on Wednesday 30 December 2026.
func setup(t *testing.T, n int) *env {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC)
	sys := stacktest.NewSystem(t, stacktest.Options{Start: start})
	s := sys.Store
	// The system's own queue is not used: the collector hands jobs to the
	// deliverer when the test says.
	e := &env{sys: sys, store: s, clock: sys.Clock, queue: &collector{}}
	e.ticker = &schedule.Ticker{Store: s, Queue: e.queue, Clock: e.clock, Log: sys.Log}
	e.prog = programme.New(start)
	e.prog.ID, e.prog.Name, e.prog.StartDate, e.prog.EndDate = ids.New(), "P", "2027-01-04", "2027-03-26"
	if err := s.CreateProgramme(ctx, e.prog); err != nil {
		t.Fatal(err)
	}
	tag := ids.New()[:6]
	var people []programme.Participant
	for i := 0; i < n; i++ {
		people = append(people,
			programme.Participant{Email: "s" + string(rune('a'+i)) + "-" + tag + "@example.org", Name: "Senior", Role: programme.Senior, TimeZone: "Europe/Lisbon"},
			programme.Participant{Email: "j" + string(rune('a'+i)) + "-" + tag + "@example.org", Name: "Junior", Role: programme.Junior, TimeZone: "Europe/Lisbon"})
	}
	res, err := s.Enrol(ctx, e.prog.ID, people, start)
	if err != nil {
		t.Fatal(err)
	}
	byEmail := map[string]programme.Participant{}
	for _, p := range res.Created {
		byEmail[p.Email] = p
	}
	var pairs []programme.Pair
	for i := 0; i < n; i++ {
		sen, jun := byEmail[people[2*i].Email], byEmail[people[2*i+1].Email]
		e.people = append(e.people, sen, jun)
		pairs = append(pairs, programme.Pair{SeniorID: sen.ID, JuniorID: jun.ID})
	}
	if e.pairs, err = schedule.Approve(ctx, s, e.queue, e.prog, pairs, start); err != nil {
		t.Fatal(err)
	}
	e.queue.take() // introductions are tested elsewhere
	return e
}

// deliverer is the system's deliverer sending through api.
func (e *env) deliverer(t *testing.T, api mail.SESAPI) *mail.Deliverer {
	t.Helper()
	return e.sys.DelivererWith(t, &mail.SES{Client: api})
}

// firstCheckIn is Monday 18 January 2027 at 11:00 in Lisbon (UTC+0), the
// end of the morning window: every pair's first check-in is due by then.
var firstCheckIn = time.Date(2027, 1, 18, 11, 0, 0, 0, time.UTC)

func TestTickTwiceForTheSameHourQueuesEachEmailOnceAndSendsOnce(t *testing.T) {
	t.Parallel()
	e := setup(t, 3)
	e.clock.Set(firstCheckIn.Add(5 * time.Minute))
	ctx := context.Background()
	var wg sync.WaitGroup
	stats := make([]schedule.Stats, 2)
	for i := range stats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := e.ticker.Tick(ctx)
			if err != nil {
				t.Error(err)
			}
			stats[i] = st
		}()
	}
	wg.Wait()
	// A third, later run in the same hour finds nothing left.
	again, err := e.ticker.Tick(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.Due != 0 {
		t.Errorf("a tick after both found %d items still due", again.Due)
	}
	jobs := e.queue.take()
	d := e.deliverer(t, stacktest.SES(t))
	for _, j := range jobs {
		if err := d.Handle(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range e.people {
		got := stacktest.Emails(t, p.Email)
		if len(got) != 1 || !strings.HasPrefix(got[0].Subject, "Check-in:") {
			t.Errorf("%s received %d emails, want exactly one check-in", p.Email, len(got))
		}
	}
	if moved := stats[0].Queued + stats[1].Queued; moved < 6 {
		t.Errorf("the two ticks queued %d jobs, want at least one per person", moved)
	}
}

// throttlingSES fails the sends to some recipients the first time.
type throttlingSES struct {
	real  mail.SESAPI
	mu    sync.Mutex
	fail  map[string]bool
	calls atomic.Int32
}

func (f *throttlingSES) SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	f.calls.Add(1)
	f.mu.Lock()
	to := in.Destination.ToAddresses[0]
	failing := f.fail[to]
	delete(f.fail, to)
	f.mu.Unlock()
	if failing {
		return nil, &smithy.GenericAPIError{Code: "InternalFailure", Message: "service unavailable", Fault: smithy.FaultServer}
	}
	return f.real.SendEmail(ctx, in, opts...)
}

func TestABatchWhereSESFailsForSomeIsRetriedWithoutDuplicates(t *testing.T) {
	t.Parallel()
	e := setup(t, 3)
	e.clock.Set(firstCheckIn.Add(time.Minute))
	ctx := context.Background()
	if _, err := e.ticker.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	jobs := e.queue.take()
	faulty := &throttlingSES{real: stacktest.SES(t), fail: map[string]bool{e.people[1].Email: true, e.people[4].Email: true}}
	handler := sendqueue.SQSHandler(e.deliverer(t, faulty), slog.New(slog.DiscardHandler))
	batch := sqsEvent(t, jobs)
	resp, err := handler(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 2 {
		t.Fatalf("batch failures = %d, want the 2 that SES refused", len(resp.BatchItemFailures))
	}
	// SQS redelivers the whole batch (the worst case), not only the failures.
	resp, err = handler(ctx, batch)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivery: %v, %d failures", err, len(resp.BatchItemFailures))
	}
	for _, p := range e.people {
		if n := len(stacktest.Emails(t, p.Email)); n != 1 {
			t.Errorf("%s received %d check-ins, want 1", p.Email, n)
		}
	}
	if c := faulty.calls.Load(); c != 8 {
		t.Errorf("SES called %d times, want 8 (6 first, 2 retried, none for the 4 already sent)", c)
	}
}

func TestStoppedPausedAndSuppressedGetNothing(t *testing.T) {
	t.Parallel()
	e := setup(t, 3)
	ctx := context.Background()
	stopped, suppressed := e.people[0], e.people[3]
	if _, err := e.store.SetStatus(ctx, e.prog.ID, stopped.ID, programme.Stopped, "unsubscribed", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Suppress(ctx, store.Suppression{Email: suppressed.Email, Reason: "hard bounce", At: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	paused := e.pairs[2]
	if err := pausePair(ctx, e.store, e.queue, e.prog, paused, time.Time{}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(firstCheckIn.Add(time.Minute))
	st, err := e.ticker.Tick(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Held != 2 {
		t.Errorf("held = %d, want the paused pair's 2", st.Held)
	}
	d := e.deliverer(t, stacktest.SES(t))
	for _, j := range e.queue.take() {
		if err := d.Handle(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{
		e.people[0].Email: 0, e.people[1].Email: 1, // stopped senior; the junior still hears
		e.people[2].Email: 1, e.people[3].Email: 0, // suppressed junior
		e.people[4].Email: 0, e.people[5].Email: 0, // paused pair
	}
	for addr, n := range want {
		if got := len(stacktest.Emails(t, addr)); got != n {
			t.Errorf("%s received %d emails, want %d", addr, got, n)
		}
	}
}

func TestEndedPairsLeaveTheSchedule(t *testing.T) {
	t.Parallel()
	e := setup(t, 1)
	ctx := context.Background()
	p := e.pairs[0]
	rematch := lifecycle.Change{Transition: lifecycle.Rematch, By: lifecycle.Participant(p.JuniorID), At: e.clock.Now()}
	if _, err := (&lifecycle.Service{Store: e.store, Queue: e.queue}).Apply(ctx, e.prog, p, rematch); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(firstCheckIn.Add(time.Minute))
	st, err := e.ticker.Tick(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Queued != 0 || st.Finished != 2 {
		t.Errorf("tick on a rematched pair: %+v, want nothing queued and both schedules finished", st)
	}
	if _, err := e.store.GetDue(ctx, e.prog.ID, p.ID, programme.Senior); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the senior's schedule is still there: %v", err)
	}
}
