package sendqueue

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// quotaDay answers Later ("the day's quota is spent") until open, as SES
// does on a day whose quota is used up.
type quotaDay struct {
	mu   sync.Mutex
	open bool
	sent map[string]int
}

func (q *quotaDay) Handle(_ context.Context, j Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.open {
		return &Later{After: MaxDelay, Reason: "daily quota"}
	}
	q.sent[Key(j)]++
	return nil
}

// fakeSQS is SQS as the send function meets it: a message received more
// than maxReceiveCount times goes to the dead-letter queue; a message sent
// anew starts at zero receives.
type fakeSQS struct {
	mu       sync.Mutex
	queue    []fakeMessage
	dead     []string
	next     int
	requeues int
}

type fakeMessage struct {
	id        string
	body      string
	receives  int
	deferrals int
	delay     time.Duration
}

func (f *fakeSQS) send(body string, deferrals int, delay time.Duration) {
	f.next++
	f.queue = append(f.queue, fakeMessage{id: "m" + strconv.Itoa(f.next), body: body, deferrals: deferrals, delay: delay})
}

func (f *fakeSQS) Requeue(_ context.Context, msgs ...Deferred) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range msgs {
		f.requeues++
		f.send(m.Body, m.Deferrals, m.Delay)
	}
	return nil
}

// poll hands up to 10 messages to h as Lambda's event source mapping does:
// each receive counts; successes are deleted, failures come back.
func (f *fakeSQS) poll(t *testing.T, h func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)) {
	t.Helper()
	f.mu.Lock()
	n := min(10, len(f.queue))
	batch := append([]fakeMessage(nil), f.queue[:n]...)
	f.queue = f.queue[n:]
	var ev events.SQSEvent
	for i := range batch {
		batch[i].receives++
		m := events.SQSMessage{MessageId: batch[i].id, Body: batch[i].body}
		if batch[i].deferrals > 0 {
			v := strconv.Itoa(batch[i].deferrals)
			m.MessageAttributes = map[string]events.SQSMessageAttribute{DeferralsAttribute: {StringValue: &v, DataType: "Number"}}
		}
		ev.Records = append(ev.Records, m)
	}
	f.mu.Unlock()
	resp, err := h(context.Background(), ev)
	failed := map[string]bool{}
	for _, x := range resp.BatchItemFailures {
		failed[x.ItemIdentifier] = true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range batch {
		if err == nil && !failed[m.id] {
			continue // deleted
		}
		if m.receives >= 8 {
			f.dead = append(f.dead, m.body)
			continue
		}
		f.queue = append(f.queue, m)
	}
}

func TestAQuotaDayNeverDeadLetters(t *testing.T) {
	sqs := &fakeSQS{}
	var keys []string
	for i := 0; i < 25; i++ {
		j := Welcome{ProgrammeID: "p", ParticipantID: "a" + strconv.Itoa(i)}
		body, err := Encode(j)
		if err != nil {
			t.Fatal(err)
		}
		sqs.send(body, 0, 0)
		keys = append(keys, Key(j))
	}
	h := &quotaDay{sent: map[string]int{}}
	handler := SQSHandler(h, slog.New(slog.DiscardHandler), WithRequeue(sqs))
	// A whole day of refusals: every message is received far more often
	// than the dead-letter queue's maxReceiveCount of 8.
	for round := 0; round < 40; round++ {
		for range 3 {
			sqs.poll(t, handler)
		}
	}
	if len(sqs.dead) != 0 {
		t.Fatalf("%d messages dead-lettered while the quota was spent", len(sqs.dead))
	}
	for _, m := range sqs.queue {
		if m.delay < time.Second || m.delay > MaxDelay {
			t.Errorf("message held back %s, want between 1 s and %s", m.delay, MaxDelay)
		}
	}
	h.mu.Lock()
	h.open = true
	h.mu.Unlock()
	for len(sqs.queue) > 0 {
		sqs.poll(t, handler)
	}
	for _, k := range keys {
		if h.sent[k] != 1 {
			t.Errorf("job %s sent %d times, want 1", k, h.sent[k])
		}
	}
	if len(sqs.dead) != 0 {
		t.Errorf("%d dead letters", len(sqs.dead))
	}
}

// once answers Later for the job at index later, then succeeds.
type once struct {
	mu    sync.Mutex
	calls []string
	later string
}

func (o *once) Handle(_ context.Context, j Job) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, Key(j))
	if Key(j) == o.later {
		return &Later{After: 2 * time.Second, Reason: "throttled", Err: errors.New("TooManyRequestsException")}
	}
	return nil
}

func TestThrottlingHoldsBackTheRestOfTheBatch(t *testing.T) {
	var ev events.SQSEvent
	var jobs []Job
	for i := 0; i < 5; i++ {
		j := Welcome{ProgrammeID: "p", ParticipantID: "b" + strconv.Itoa(i)}
		body, _ := Encode(j)
		jobs = append(jobs, j)
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: "m" + strconv.Itoa(i), Body: body})
	}
	h := &once{later: Key(jobs[1])}
	sqs := &fakeSQS{}
	resp, err := SQSHandler(h, slog.New(slog.DiscardHandler), WithRequeue(sqs))(context.Background(), ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("handler: %v, %d failures; want the deferred jobs reported done", err, len(resp.BatchItemFailures))
	}
	if len(h.calls) != 2 {
		t.Errorf("the handler was called %d times, want 2: the rest of the batch waits once SES pushes back", len(h.calls))
	}
	if sqs.requeues != 4 {
		t.Fatalf("requeued %d, want the throttled job and the 3 untried ones", sqs.requeues)
	}
	for _, m := range sqs.queue {
		if m.deferrals != 1 || m.delay < 2*time.Second || m.delay > 3*time.Second {
			t.Errorf("requeued with %d deferrals, %s delay; want 1 and 2–2.5 s", m.deferrals, m.delay)
		}
	}
	// Without a way to requeue, back-pressure falls back to SQS's redelivery.
	resp, err = SQSHandler(&once{later: Key(jobs[0])}, slog.New(slog.DiscardHandler))(context.Background(), ev)
	if err != nil || len(resp.BatchItemFailures) != 5 {
		t.Errorf("without requeue: %v, %d failures; want all 5 redelivered", err, len(resp.BatchItemFailures))
	}
}

func TestBackoffGrowsAndStaysWithinSQSLimits(t *testing.T) {
	prev := time.Duration(0)
	for n := 0; n < 15; n++ {
		d := Backoff(0, n, "m")
		if d < prev || d > MaxDelay {
			t.Errorf("Backoff(0, %d) = %s after %s", n, d, prev)
		}
		prev = d
	}
	if d := Backoff(MaxDelay, 0, "m"); d != MaxDelay {
		t.Errorf("Backoff(asked 15 min) = %s", d)
	}
	if Backoff(0, 3, "a") == Backoff(0, 3, "b") && Backoff(0, 3, "c") == Backoff(0, 3, "d") {
		t.Error("Backoff does not spread messages")
	}
}
