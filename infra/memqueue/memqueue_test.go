package memqueue

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// flaky fails each job a set number of times, then succeeds; a welcome
// whose round is below follow enqueues the next round when it succeeds, as
// a handler that decides to send another email would.
type flaky struct {
	mu     sync.Mutex
	q      *Queue
	seen   map[string]int
	fails  map[string]int // key -> failures left
	follow int
}

func (f *flaky) Handle(ctx context.Context, j sendqueue.Job) error {
	key := sendqueue.Key(j)
	f.mu.Lock()
	f.seen[key]++
	if f.fails[key] > 0 {
		f.fails[key]--
		f.mu.Unlock()
		return errors.New("SES throttled")
	}
	f.mu.Unlock()
	if w, ok := j.(sendqueue.Welcome); ok && w.Round < f.follow {
		w.Round++
		return f.q.Enqueue(ctx, w)
	}
	return nil
}

func (f *flaky) count(j sendqueue.Job) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[sendqueue.Key(j)]
}

func (f *flaky) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.seen {
		n += c
	}
	return n
}

func start(t *testing.T, h *flaky, o Options) *Queue {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	q := New(ctx, h, o)
	h.q = q
	t.Cleanup(func() { cancel(); q.Wait() })
	return q
}

func welcome(who string, round int) sendqueue.Welcome {
	return sendqueue.Welcome{ProgrammeID: "p", ParticipantID: who, Round: round}
}

func body(t *testing.T, j sendqueue.Job) string {
	t.Helper()
	b, err := sendqueue.Encode(j)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDrainWaitsForRetriesDeadLettersAndFollowUps(t *testing.T) {
	retried, dead, chained := welcome("retried", 0), welcome("dead", 0), welcome("chained", 0)
	tests := []struct {
		name    string
		enqueue sendqueue.Welcome
		fails   int
		follow  int
		handled map[sendqueue.Welcome]int
		dead    []sendqueue.Job
	}{
		{name: "two failures, then success", enqueue: retried, fails: 2, handled: map[sendqueue.Welcome]int{retried: 3}},
		{name: "fails on every attempt", enqueue: dead, fails: 100, handled: map[sendqueue.Welcome]int{dead: 3}, dead: []sendqueue.Job{dead}},
		{name: "each job enqueues the next", enqueue: chained, follow: 3, handled: map[sendqueue.Welcome]int{
			chained: 1, welcome("chained", 1): 1, welcome("chained", 2): 1, welcome("chained", 3): 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &flaky{seen: map[string]int{}, fails: map[string]int{sendqueue.Key(tt.enqueue): tt.fails}, follow: tt.follow}
			q := start(t, h, Options{Workers: 2, MaxAttempts: 3})
			if err := q.Enqueue(context.Background(), tt.enqueue); err != nil {
				t.Fatal(err)
			}
			q.Drain()
			for j, want := range tt.handled {
				if got := h.count(j); got != want {
					t.Errorf("round %d handled %d times, want %d", j.Round, got, want)
				}
			}
			var want []string
			for _, j := range tt.dead {
				want = append(want, body(t, j))
			}
			if diff := cmp.Diff(want, q.DeadLetters()); diff != "" {
				t.Errorf("dead letters (-want +got):\n%s", diff)
			}
		})
	}
}

// An unreadable job is retried like any failure and then dead-lettered,
// never dropped, and never reaches the handler.
func TestAnUnknownKindIsRetriedThenDeadLettered(t *testing.T) {
	h := &flaky{seen: map[string]int{}, fails: map[string]int{}}
	q := start(t, h, Options{MaxAttempts: 3})
	unknown := `{"kind":"chekin","job":{"programme_id":"p"}}`
	if err := q.EnqueueBody(context.Background(), unknown); err != nil {
		t.Fatal(err)
	}
	q.Drain()
	if diff := cmp.Diff([]string{unknown}, q.DeadLetters()); diff != "" {
		t.Errorf("dead letters (-want +got):\n%s", diff)
	}
	if n := h.total(); n != 0 {
		t.Errorf("the handler was given an unreadable job %d times", n)
	}
}

func TestEnqueueRefusesAJobEncodeRefuses(t *testing.T) {
	h := &flaky{seen: map[string]int{}, fails: map[string]int{}}
	q := start(t, h, Options{})
	if err := q.Enqueue(context.Background(), sendqueue.Welcome{ProgrammeID: "p"}); err == nil {
		t.Error("a welcome without its participant was queued")
	}
	q.Drain()
	if n := h.total(); n != 0 {
		t.Errorf("a refused job was handled %d times", n)
	}
}

func TestDrainReturnsOnceTheQueueStops(t *testing.T) {
	h := &flaky{seen: map[string]int{}, fails: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q := New(ctx, h, Options{})
	h.q = q
	q.Wait() // the workers have stopped: nobody will handle what follows
	if err := q.Enqueue(context.Background(), welcome("late", 0)); err != nil {
		t.Fatal(err)
	}
	q.Drain() // returns rather than waiting for ever
	if n := h.count(welcome("late", 0)); n != 0 {
		t.Errorf("a stopped queue handled a job %d times", n)
	}
}

// waiting answers Later (SES pushing back) a set number of times.
type waiting struct {
	mu    sync.Mutex
	left  int
	calls int
}

func (w *waiting) Handle(context.Context, sendqueue.Job) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls++
	if w.left > 0 {
		w.left--
		return &sendqueue.Later{After: time.Hour, Reason: "daily quota"}
	}
	return nil
}

func TestBackPressureIsNotAnAttempt(t *testing.T) {
	h := &waiting{left: 20}
	ctx, cancel := context.WithCancel(context.Background())
	q := New(ctx, h, Options{MaxAttempts: 3, MaxDefer: time.Millisecond})
	t.Cleanup(func() { cancel(); q.Wait() })
	if err := q.Enqueue(ctx, welcome("patient", 0)); err != nil {
		t.Fatal(err)
	}
	q.Drain()
	if h.calls != 21 || len(q.DeadLetters()) != 0 {
		t.Errorf("handled %d times with %d dead letters; want 21 and none: waiting is not failing", h.calls, len(q.DeadLetters()))
	}
}
