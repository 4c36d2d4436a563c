package schedule_test

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// This file is a discrete-event simulation of the sending path in virtual
// time: a day at 14 emails a second would take hours of real time. Every
// actor (the tick, each send function) is a goroutine, but only one runs at
// a time: an actor runs until it sleeps on the virtual clock, then hands
// the baton back, and the clock jumps to the earliest wake-up. So SES sees
// sends in time order, and nothing depends on the machine's speed.

// errStopped ends an actor's sleep once the simulation is over.
var errStopped = errors.New("simulation stopped")

type wakeup struct {
	at  time.Time
	seq int
	ch  chan struct{}
}

type wakeups []wakeup

func (w wakeups) Len() int { return len(w) }
func (w wakeups) Less(i, j int) bool {
	if !w[i].at.Equal(w[j].at) {
		return w[i].at.Before(w[j].at)
	}
	return w[i].seq < w[j].seq
}
func (w wakeups) Swap(i, j int) { w[i], w[j] = w[j], w[i] }
func (w *wakeups) Push(x any)   { *w = append(*w, x.(wakeup)) }
func (w *wakeups) Pop() any {
	old := *w
	x := old[len(old)-1]
	*w = old[:len(old)-1]
	return x
}

// vclock is virtual time and the baton: it is the clock of the tick and
// the deliverer (clock.Clock) and every send function's pace
// (mail.PaceClock).
type vclock struct {
	mu    sync.Mutex
	now   time.Time
	wake  wakeups
	seq   int
	yield chan struct{}
	quit  chan struct{}
	wg    sync.WaitGroup
}

var _ mail.PaceClock = (*vclock)(nil)

func newVClock(start time.Time) *vclock {
	return &vclock{now: start, yield: make(chan struct{}), quit: make(chan struct{})}
}

func (c *vclock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep hands the baton back and waits until the clock reaches now+d.
func (c *vclock) Sleep(_ context.Context, d time.Duration) error {
	select {
	case <-c.quit:
		return errStopped
	default:
	}
	ch := c.schedule(max(d, 0))
	select {
	case c.yield <- struct{}{}:
	case <-c.quit:
		return errStopped
	}
	select {
	case <-ch:
		return nil
	case <-c.quit:
		return errStopped
	}
}

func (c *vclock) schedule(d time.Duration) chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan struct{}, 1)
	heap.Push(&c.wake, wakeup{at: c.now.Add(d), seq: c.seq, ch: ch})
	c.seq++
	return ch
}

// Go starts an actor; it first runs when the clock hands it the baton.
func (c *vclock) Go(fn func()) {
	ch := c.schedule(0)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		select {
		case <-ch:
		case <-c.quit:
			return
		}
		fn()
		select {
		case c.yield <- struct{}{}:
		case <-c.quit:
		}
	}()
}

// Run moves the clock from wake-up to wake-up, one actor at a time, until
// done says so (checked between actors' turns, so it reads a quiet state)
// or the clock would pass until; then it stops every actor.
func (c *vclock) Run(until time.Time, done func() bool) error {
	defer func() {
		close(c.quit)
		c.wg.Wait()
	}()
	for !done() {
		c.mu.Lock()
		if c.wake.Len() == 0 {
			c.mu.Unlock()
			return errors.New("every actor has stopped")
		}
		w := heap.Pop(&c.wake).(wakeup)
		if w.at.After(until) {
			c.mu.Unlock()
			return fmt.Errorf("not done by %s", until)
		}
		c.now = w.at
		c.mu.Unlock()
		w.ch <- struct{}{}
		<-c.yield
	}
	return nil
}

// sesStandIn is SES v2 as an account with a sending quota meets it: at
// most perSecond emails in any second and perDay in any rolling 24 hours,
// refused beyond with the API errors the SDK returns (a fault injector
// the SES emulator cannot be). It records each accepted email.
type sesStandIn struct {
	clock             *vclock
	perSecond, perDay int
	sent              []sesSend
	lo1, lo24         int // first accepted send within the last second, the last 24 h
	throttled, quota  int // refusals
	// outside is email the account sends beside the schedule (a cohort's
	// welcomes), counted by SES from the first call at or after its time,
	// at most as many as its window has room for.
	outside outsideSends
}

type outsideSends struct {
	at time.Time
	n  int
	// withSend: the email goes out just before the first check-in SES is
	// asked to send at or after at, so no tick can have seen it in
	// GetAccount (whatever the tick queued, and when).
	withSend bool
	done     bool
}

const outsideAddress = "outside@example.org"

type sesSend struct {
	to string
	at time.Time
}

func (s *sesStandIn) SendEmail(_ context.Context, in *sesv2.SendEmailInput, _ ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	// Only the actor holding the baton runs, at the clock's time, so sends
	// arrive in time order and the windows only move forward.
	now := s.clock.Now()
	s.addOutside(now, true)
	for s.lo1 < len(s.sent) && !s.sent[s.lo1].at.After(now.Add(-time.Second)) {
		s.lo1++
	}
	for s.lo24 < len(s.sent) && !s.sent[s.lo24].at.After(now.Add(-24*time.Hour)) {
		s.lo24++
	}
	if len(s.sent)-s.lo24 >= s.perDay {
		s.quota++
		return nil, apiError(http.StatusBadRequest, &sestypes.LimitExceededException{Message: aws.String("Daily message quota exceeded.")})
	}
	if len(s.sent)-s.lo1 >= s.perSecond {
		s.throttled++
		return nil, apiError(http.StatusTooManyRequests, &sestypes.TooManyRequestsException{Message: aws.String("Maximum sending rate exceeded.")})
	}
	s.sent = append(s.sent, sesSend{to: in.Destination.ToAddresses[0], at: now})
	return &sesv2.SendEmailOutput{MessageId: aws.String("sim-" + strconv.Itoa(len(s.sent)))}, nil
}

func (s *sesStandIn) addOutside(now time.Time, sending bool) {
	if s.outside.n == 0 || s.outside.done || now.Before(s.outside.at) || (s.outside.withSend && !sending) {
		return
	}
	s.outside.done = true
	for s.lo24 < len(s.sent) && !s.sent[s.lo24].at.After(now.Add(-24*time.Hour)) {
		s.lo24++
	}
	// At most what SES's window still has room for.
	s.outside.n = min(s.outside.n, s.perDay-(len(s.sent)-s.lo24))
	for range s.outside.n {
		s.sent = append(s.sent, sesSend{to: outsideAddress, at: now})
	}
}

// scheduled is how many of the schedule's emails SES accepted.
func (s *sesStandIn) scheduled() int {
	if s.outside.done {
		return len(s.sent) - s.outside.n
	}
	return len(s.sent)
}

// GetAccount reports the quota as SES does (the tick plans with it).
func (s *sesStandIn) GetAccount(context.Context, *sesv2.GetAccountInput, ...func(*sesv2.Options)) (*sesv2.GetAccountOutput, error) {
	now := s.clock.Now()
	s.addOutside(now, false)
	for s.lo24 < len(s.sent) && !s.sent[s.lo24].at.After(now.Add(-24*time.Hour)) {
		s.lo24++
	}
	return &sesv2.GetAccountOutput{SendQuota: &sestypes.SendQuota{
		Max24HourSend: float64(s.perDay), MaxSendRate: float64(s.perSecond), SentLast24Hours: float64(len(s.sent) - s.lo24),
	}}, nil
}

// apiError wraps err as the SDK's client returns a service error.
func apiError(status int, err smithy.APIError) error {
	return &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail", Err: &awshttp.ResponseError{
		RequestID:     "sim",
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
	}}
}

// simSQS is the send queue as Lambda's event source mapping works it: a
// message is handed out once its delay or visibility timeout has passed,
// each receive counts, and one that fails maxReceives times goes to the
// dead-letter queue (the template's redrive policy).
type simSQS struct {
	clock       *vclock
	visibility  time.Duration
	maxReceives int

	mu         sync.Mutex // the tick enqueues from several goroutines
	pending    messages
	inflight   int
	seq        int
	dead       []string
	admitted   map[string]time.Time // participant id → when the tick queued their email
	duplicates int                  // emails the tick queued again
	maxSeen    int                  // most receives of any message
	deferred   int                  // messages requeued by back-pressure
}

type simMessage struct {
	id                  string
	body                string
	visibleAt           time.Time
	seq                 int
	receives, deferrals int
}

type messages []*simMessage

func (m messages) Len() int { return len(m) }
func (m messages) Less(i, j int) bool {
	if !m[i].visibleAt.Equal(m[j].visibleAt) {
		return m[i].visibleAt.Before(m[j].visibleAt)
	}
	return m[i].seq < m[j].seq
}
func (m messages) Swap(i, j int) { m[i], m[j] = m[j], m[i] }
func (m *messages) Push(x any)   { *m = append(*m, x.(*simMessage)) }
func (m *messages) Pop() any {
	old := *m
	x := old[len(old)-1]
	*m = old[:len(old)-1]
	return x
}

var _ sendqueue.SQSAPI = (*simSQS)(nil)

// SendMessageBatch takes both the tick's jobs and the send function's
// requeued ones (sendqueue.SQS is the real client of both).
func (q *simSQS) SendMessageBatch(_ context.Context, in *sqs.SendMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	now := q.clock.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	out := &sqs.SendMessageBatchOutput{}
	for _, e := range in.Entries {
		m := &simMessage{body: aws.ToString(e.MessageBody), visibleAt: now.Add(time.Duration(e.DelaySeconds) * time.Second)}
		if a, ok := e.MessageAttributes[sendqueue.DeferralsAttribute]; ok {
			m.deferrals, _ = strconv.Atoi(aws.ToString(a.StringValue))
		}
		if m.deferrals == 0 {
			j, err := sendqueue.Decode(m.body)
			if err != nil {
				return nil, fmt.Errorf("sim sqs: %w", err)
			}
			// The first queuing is the one whose morning counts: a job
			// queued again (an item whose move failed after its email was
			// queued) finds the ledger says sent.
			who := sendqueue.Recipient(j)
			if _, ok := q.admitted[who]; ok {
				q.duplicates++
			} else {
				q.admitted[who] = now
			}
		} else {
			q.deferred++
		}
		q.seq++
		m.seq, m.id = q.seq, "msg-"+strconv.Itoa(q.seq)
		heap.Push(&q.pending, m)
		out.Successful = append(out.Successful, sqstypes.SendMessageBatchResultEntry{Id: e.Id, MessageId: aws.String(m.id)})
	}
	return out, nil
}

// receive hands out up to ten visible messages, counting the receive.
func (q *simSQS) receive() ([]*simMessage, events.SQSEvent) {
	now := q.clock.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	var batch []*simMessage
	var ev events.SQSEvent
	for len(batch) < 10 && q.pending.Len() > 0 && !q.pending[0].visibleAt.After(now) {
		m := heap.Pop(&q.pending).(*simMessage)
		m.receives++
		q.maxSeen = max(q.maxSeen, m.receives)
		batch = append(batch, m)
		rec := events.SQSMessage{MessageId: m.id, Body: m.body}
		if m.deferrals > 0 {
			v := strconv.Itoa(m.deferrals)
			rec.MessageAttributes = map[string]events.SQSMessageAttribute{sendqueue.DeferralsAttribute: {StringValue: &v, DataType: "Number"}}
		}
		ev.Records = append(ev.Records, rec)
	}
	q.inflight += len(batch)
	return batch, ev
}

// settle deletes what the handler reports done; the rest become visible
// again after the visibility timeout, or are dead-lettered.
func (q *simSQS) settle(batch []*simMessage, resp events.SQSEventResponse, err error) {
	now := q.clock.Now()
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.inflight -= len(batch)
	for _, m := range batch {
		if err == nil && !failed[m.id] {
			continue
		}
		if m.receives >= q.maxReceives {
			q.dead = append(q.dead, m.body)
			continue
		}
		m.visibleAt = now.Add(q.visibility)
		heap.Push(&q.pending, m)
	}
}

// next is when the next message becomes visible (zero: none waiting).
func (q *simSQS) next() time.Time {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending.Len() == 0 {
		return time.Time{}
	}
	return q.pending[0].visibleAt
}

func (q *simSQS) empty() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.pending.Len() == 0 && q.inflight == 0
}

// sendFunction is one send function instance: it polls while there is
// work and otherwise sleeps until a message becomes visible or the next
// tick may queue some.
func sendFunction(c *vclock, q *simSQS, handler func(context.Context, events.SQSEvent) (events.SQSEventResponse, error), nextTick func() time.Time) {
	ctx := context.Background()
	for {
		batch, ev := q.receive()
		if len(batch) > 0 {
			resp, err := handler(ctx, ev)
			q.settle(batch, resp, err)
			// Lambda hands the next batch at once; yielding here lets the
			// other instance and the tick take their turns.
			if c.Sleep(ctx, 0) != nil {
				return
			}
			continue
		}
		wake := nextTick()
		if n := q.next(); !n.IsZero() && n.Before(wake) {
			wake = n
		}
		if c.Sleep(ctx, wake.Sub(c.Now())) != nil {
			return
		}
	}
}
