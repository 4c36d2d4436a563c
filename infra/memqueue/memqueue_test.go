package memqueue

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// flaky fails each job a set number of times, then succeeds; a job whose
// Cycle is below follow enqueues the next cycle when it succeeds, as a
// handler that decides to send another email would.
type flaky struct {
	mu     sync.Mutex
	q      *Queue
	seen   map[string]int
	fails  map[string]int // key -> failures left
	follow int
}

func (f *flaky) Handle(ctx context.Context, j sendqueue.Job) error {
	f.mu.Lock()
	f.seen[j.Key()]++
	if f.fails[j.Key()] > 0 {
		f.fails[j.Key()]--
		f.mu.Unlock()
		return errors.New("SES throttled")
	}
	f.mu.Unlock()
	if j.Cycle < f.follow {
		next := j
		next.Cycle++
		return f.q.Enqueue(ctx, next)
	}
	return nil
}

func (f *flaky) count(j sendqueue.Job) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[j.Key()]
}

func start(t *testing.T, h *flaky, o Options) *Queue {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	q := New(ctx, h, o)
	h.q = q
	t.Cleanup(func() { cancel(); q.Wait() })
	return q
}

func job(who string, cycle int) sendqueue.Job {
	return sendqueue.Job{Kind: sendqueue.KindWelcome, ProgrammeID: "p", ParticipantID: who, Cycle: cycle}
}

func TestDrainWaitsForRetriesDeadLettersAndFollowUps(t *testing.T) {
	retried, dead, chained := job("retried", 0), job("dead", 0), job("chained", 0)
	tests := []struct {
		name     string
		enqueue  sendqueue.Job
		fails    int
		follow   int
		handled  map[sendqueue.Job]int
		deadJobs []sendqueue.Job
	}{
		{name: "two failures, then success", enqueue: retried, fails: 2, handled: map[sendqueue.Job]int{retried: 3}},
		{name: "fails on every attempt", enqueue: dead, fails: 100, handled: map[sendqueue.Job]int{dead: 3}, deadJobs: []sendqueue.Job{dead}},
		{name: "each job enqueues the next", enqueue: chained, follow: 3, handled: map[sendqueue.Job]int{
			chained: 1, job("chained", 1): 1, job("chained", 2): 1, job("chained", 3): 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := &flaky{seen: map[string]int{}, fails: map[string]int{tt.enqueue.Key(): tt.fails}, follow: tt.follow}
			q := start(t, h, Options{Workers: 2, MaxAttempts: 3})
			if err := q.Enqueue(context.Background(), tt.enqueue); err != nil {
				t.Fatal(err)
			}
			q.Drain()
			for j, want := range tt.handled {
				if got := h.count(j); got != want {
					t.Errorf("job of cycle %d handled %d times, want %d", j.Cycle, got, want)
				}
			}
			if diff := cmp.Diff(tt.deadJobs, q.DeadLettered()); diff != "" {
				t.Errorf("dead letters (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDrainReturnsOnceTheQueueStops(t *testing.T) {
	h := &flaky{seen: map[string]int{}, fails: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q := New(ctx, h, Options{})
	h.q = q
	q.Wait() // the workers have stopped: nobody will handle what follows
	if err := q.Enqueue(context.Background(), job("late", 0)); err != nil {
		t.Fatal(err)
	}
	q.Drain() // returns rather than waiting for ever
	if n := h.count(job("late", 0)); n != 0 {
		t.Errorf("a stopped queue handled a job %d times", n)
	}
}
