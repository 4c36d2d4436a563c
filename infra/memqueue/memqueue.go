// Package memqueue is an in-memory stand-in for the SQS send queue, used by
// benchmarks through stacktest.NewSystem, so that a figure of sending
// measures Upward's code and not the SQS emulator: a queue in memory worked
// by a few goroutines, with redelivery after a failure the way SQS
// redelivers after the visibility timeout, and a dead letter after the last
// attempt. Tests, `upward dev` and the function binaries' tests use the SQS
// emulator (infra/localqueue), which proves the SQS path itself.
//
// It lives in infra/ because nothing in AWS uses it: the Lambda functions
// carry only sendqueue.SQS.
package memqueue

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// Options say how the queue works its jobs.
type Options struct {
	// Workers handle jobs side by side (default 1).
	Workers int
	// MaxAttempts before a job is dead-lettered (default 5).
	MaxAttempts int
	// Backoff is how long the n-th redelivery waits, times n (0: at once,
	// which tests use so that a retry costs no wall-clock time).
	Backoff time.Duration
	// MaxDefer caps how long a job that meets back-pressure
	// (sendqueue.Later: SES throttling, a spent quota) waits before it is
	// tried again (default 30 s; SQS waits up to 15 minutes). Such a wait
	// is not an attempt: like the send function's requeue, it never
	// dead-letters a job.
	MaxDefer time.Duration
	// Log receives retries and dead letters (nil: discarded).
	Log *slog.Logger
}

// Queue is a sendqueue.Queue in memory.
type Queue struct {
	handler sendqueue.Handler
	o       Options
	jobs    chan delivery
	running sync.WaitGroup

	mu sync.Mutex
	// settled is broadcast whenever pending reaches zero or the queue stops,
	// which is what Drain waits for.
	settled *sync.Cond
	pending int
	stopped bool
	dead    []string
}

var _ sendqueue.Queue = (*Queue)(nil)

// delivery carries a job encoded, as SQS does, so the local queue reads
// jobs through the same Decode as the send function: a job that could not
// be read in AWS cannot be read here either.
type delivery struct {
	body    string
	attempt int
}

// New starts workers that hand jobs to h until ctx ends.
func New(ctx context.Context, h sendqueue.Handler, o Options) *Queue {
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.MaxDefer <= 0 {
		o.MaxDefer = 30 * time.Second
	}
	q := &Queue{handler: h, o: o, jobs: make(chan delivery, 100000)}
	q.settled = sync.NewCond(&q.mu)
	for i := 0; i < o.Workers; i++ {
		q.running.Add(1)
		go q.work(ctx)
	}
	q.running.Add(1)
	go func() {
		defer q.running.Done()
		<-ctx.Done()
		q.mu.Lock()
		q.stopped = true
		q.settled.Broadcast()
		q.mu.Unlock()
	}()
	return q
}

// Enqueue adds jobs. Each is counted as pending before Enqueue returns, so
// a Drain that follows waits for it.
func (q *Queue) Enqueue(ctx context.Context, jobs ...sendqueue.Job) error {
	for _, j := range jobs {
		body, err := sendqueue.Encode(j)
		if err != nil {
			return err
		}
		if err := q.EnqueueBody(ctx, body); err != nil {
			return err
		}
	}
	return nil
}

// EnqueueBody adds a raw message body, as anything with access to an SQS
// queue could: tests use it to send what Encode would refuse.
func (q *Queue) EnqueueBody(ctx context.Context, body string) error {
	q.add()
	select {
	case q.jobs <- delivery{body: body}:
		return nil
	case <-ctx.Done():
		q.finish()
		return ctx.Err()
	}
}

// Drain waits until every job enqueued so far has been handled or
// dead-lettered, including the jobs those jobs enqueued in turn, or until
// the queue has stopped. It waits on a count, never on the clock, so a
// test that drains sees the same result on a loaded machine as on an idle
// one.
func (q *Queue) Drain() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.pending > 0 && !q.stopped {
		q.settled.Wait()
	}
}

// DeadLetters are the message bodies that failed on every attempt, oldest
// first.
func (q *Queue) DeadLetters() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.dead...)
}

// Wait waits for the workers to stop after ctx ends.
func (q *Queue) Wait() { q.running.Wait() }

func (q *Queue) add() {
	q.mu.Lock()
	q.pending++
	q.mu.Unlock()
}

func (q *Queue) finish() {
	q.mu.Lock()
	q.pending--
	if q.pending == 0 {
		q.settled.Broadcast()
	}
	q.mu.Unlock()
}

func (q *Queue) work(ctx context.Context) {
	defer q.running.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-q.jobs:
			q.handle(ctx, d)
		}
	}
}

func (q *Queue) handle(ctx context.Context, d delivery) {
	j, err := sendqueue.Decode(d.body)
	key := ""
	if err == nil {
		key = sendqueue.Key(j)
		err = q.handler.Handle(ctx, j)
	}
	later, deferred := sendqueue.AsLater(err)
	switch {
	case err == nil:
		q.finish()
	case deferred:
		q.o.Log.Info("send job deferred", "key", key, "reason", later.Reason, "after", later.After)
		q.redeliver(ctx, d, min(later.After, q.o.MaxDefer))
	case d.attempt+1 >= q.o.MaxAttempts:
		q.o.Log.Error("send job dead-lettered", "key", key, "attempts", d.attempt+1, "err", err)
		q.mu.Lock()
		q.dead = append(q.dead, d.body)
		q.mu.Unlock()
		q.finish()
	default:
		q.o.Log.Warn("send job failed; retrying", "key", key, "attempt", d.attempt+1, "err", err)
		d.attempt++
		q.redeliver(ctx, d, q.o.Backoff*time.Duration(d.attempt))
	}
}

// redeliver hands d back to the workers after wait. The job stays pending
// while it waits: Drain does not return between a failure and its retry.
func (q *Queue) redeliver(ctx context.Context, d delivery, wait time.Duration) {
	q.running.Add(1)
	go func() {
		defer q.running.Done()
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
			q.finish()
			return
		}
		select {
		case q.jobs <- d:
		case <-ctx.Done():
			q.finish()
		}
	}()
}
