package sendqueue

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Memory is the local stand-in for SQS used by `upward dev`: a buffered
// queue worked by a few goroutines, with redelivery after a failure the way
// SQS redelivers after the visibility timeout.
type Memory struct {
	handler  Handler
	log      *slog.Logger
	jobs     chan delivery
	wg       sync.WaitGroup
	inflight sync.WaitGroup
	mu       sync.Mutex
	dead     []string
	// MaxAttempts before a job is logged as dead-lettered.
	MaxAttempts int
	// Backoff before a failed job is delivered again.
	Backoff time.Duration
}

// delivery carries a job encoded, as SQS does, so the local queue reads
// jobs through the same Decode as the send function.
type delivery struct {
	body    string
	attempt int
}

// NewMemory starts workers that hand jobs to h until ctx ends.
func NewMemory(ctx context.Context, h Handler, workers int, log *slog.Logger) *Memory {
	m := &Memory{handler: h, log: log, jobs: make(chan delivery, 100000), MaxAttempts: 5, Backoff: 500 * time.Millisecond}
	for i := 0; i < workers; i++ {
		m.wg.Add(1)
		go m.work(ctx)
	}
	return m
}

// Enqueue adds jobs.
func (m *Memory) Enqueue(ctx context.Context, jobs ...Job) error {
	for _, j := range jobs {
		body, err := Encode(j)
		if err != nil {
			return err
		}
		if err := m.EnqueueBody(ctx, body); err != nil {
			return err
		}
	}
	return nil
}

// EnqueueBody adds a raw message body, as anything with access to an SQS
// queue could.
func (m *Memory) EnqueueBody(ctx context.Context, body string) error {
	m.inflight.Add(1)
	select {
	case m.jobs <- delivery{body: body}:
		return nil
	case <-ctx.Done():
		m.inflight.Done()
		return ctx.Err()
	}
}

// Drain waits until every job enqueued so far is done or dead-lettered.
func (m *Memory) Drain() { m.inflight.Wait() }

func (m *Memory) work(ctx context.Context) {
	defer m.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-m.jobs:
			j, err := Decode(d.body)
			key := ""
			if err == nil {
				key = Key(j)
				err = m.handler.Handle(ctx, j)
			}
			switch {
			case err == nil:
				m.inflight.Done()
			case d.attempt+1 >= m.MaxAttempts:
				m.log.Error("send job dead-lettered", "key", key, "attempts", d.attempt+1, "err", err)
				m.mu.Lock()
				m.dead = append(m.dead, d.body)
				m.mu.Unlock()
				m.inflight.Done()
			default:
				m.log.Warn("send job failed; retrying", "key", key, "attempt", d.attempt+1, "err", err)
				d.attempt++
				go func() {
					select {
					case <-time.After(m.Backoff * time.Duration(d.attempt)):
						m.jobs <- d
					case <-ctx.Done():
						m.inflight.Done()
					}
				}()
			}
		}
	}
}

// Wait waits for the workers to stop after ctx ends.
func (m *Memory) Wait() { m.wg.Wait() }

// DeadLetters are the message bodies that failed MaxAttempts times.
func (m *Memory) DeadLetters() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.dead...)
}
