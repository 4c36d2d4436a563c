// Package localqueue is the send queue on the local SQS emulator, worked the
// way Lambda's SQS event source mapping works it in AWS: pollers receive up
// to a batch of messages, hand it to the send function's handler as an
// events.SQSEvent, delete the messages that succeeded and leave the ones
// reported as batch item failures to reappear after the visibility
// timeout; a message received more often than the redrive policy allows
// moves to the dead-letter queue. Jobs are put on the queue by the
// production sendqueue.SQS and read by the production sendqueue.SQSHandler,
// so what `upward dev` and the end-to-end tests send has been through the
// same code and the same SQS API as in AWS.
package localqueue

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// Handler is what Lambda invokes with a batch: the send function's
// sendqueue.SQSHandler in process, or an invocation of the send binary.
type Handler func(context.Context, events.SQSEvent) (events.SQSEventResponse, error)

// Options are the queue's and the event source mapping's settings; the
// zero value takes template.yaml's (Defaults).
type Options struct {
	// Pollers hand batches to the handler side by side (the mapping's
	// MaximumConcurrency).
	Pollers int
	// BatchSize is the most messages in one event.
	BatchSize int
	// VisibilityTimeout is how long a received message stays hidden; a
	// failed one reappears after it.
	VisibilityTimeout time.Duration
	// MaxReceiveCount is the redrive policy's: a message received this
	// many times without being deleted moves to the dead-letter queue.
	MaxReceiveCount int
	// Wait is how long one receive long-polls an empty queue.
	Wait time.Duration
	Log  *slog.Logger
}

// Defaults are template.yaml's settings for the send queue and its event
// source mapping (a test in this package holds them to the template).
var Defaults = Options{Pollers: 2, BatchSize: 10, VisibilityTimeout: 180 * time.Second, MaxReceiveCount: 8, Wait: time.Second}

func (o *Options) defaults() {
	if o.Pollers <= 0 {
		o.Pollers = Defaults.Pollers
	}
	if o.BatchSize <= 0 {
		o.BatchSize = Defaults.BatchSize
	}
	if o.VisibilityTimeout <= 0 {
		o.VisibilityTimeout = Defaults.VisibilityTimeout
	}
	if o.MaxReceiveCount <= 0 {
		o.MaxReceiveCount = Defaults.MaxReceiveCount
	}
	if o.Wait <= 0 {
		o.Wait = Defaults.Wait
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
}

// Queue is a send queue and its dead-letter queue on the emulator.
type Queue struct {
	// SQS is the production enqueuer on this queue.
	*sendqueue.SQS
	DeadLetterURL string
	ARN           string

	client *sqs.Client
	o      Options

	running sync.WaitGroup
	mu      sync.Mutex
	// changed is broadcast whenever a poller finishes a receive (with or
	// without messages) or the queue stops; Drain waits on it.
	changed  *sync.Cond
	polls    uint64
	inflight int
	stopped  bool
}

var _ sendqueue.Queue = (*Queue)(nil)

// Create makes the queue and its dead-letter queue (name-dead) with the
// redrive policy. The queue takes jobs at once; nothing works them until
// Start.
func Create(ctx context.Context, client *sqs.Client, name string, o Options) (*Queue, error) {
	o.defaults()
	dlq, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-dead"),
		Attributes: map[string]string{"MessageRetentionPeriod": "1209600"}})
	if err != nil {
		return nil, fmt.Errorf("create dead-letter queue: %w", err)
	}
	dlqARN, err := queueARN(ctx, client, aws.ToString(dlq.QueueUrl))
	if err != nil {
		return nil, err
	}
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{
		"VisibilityTimeout": strconv.Itoa(int(o.VisibilityTimeout / time.Second)),
		"RedrivePolicy":     fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, dlqARN, o.MaxReceiveCount),
	}})
	if err != nil {
		return nil, fmt.Errorf("create send queue: %w", err)
	}
	url := aws.ToString(q.QueueUrl)
	arn, err := queueARN(ctx, client, url)
	if err != nil {
		return nil, err
	}
	lq := &Queue{SQS: &sendqueue.SQS{Client: client, URL: url}, DeadLetterURL: aws.ToString(dlq.QueueUrl), ARN: arn, client: client, o: o}
	lq.changed = sync.NewCond(&lq.mu)
	return lq, nil
}

func queueARN(ctx context.Context, client *sqs.Client, url string) (string, error) {
	out, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err != nil {
		return "", fmt.Errorf("queue arn of %s: %w", url, err)
	}
	return out.Attributes[string(types.QueueAttributeNameQueueArn)], nil
}

// Start runs the pollers, handing batches to h, until ctx ends.
func (q *Queue) Start(ctx context.Context, h Handler) {
	for i := 0; i < q.o.Pollers; i++ {
		q.running.Add(1)
		go q.poll(ctx, h)
	}
	q.running.Add(1)
	go func() {
		defer q.running.Done()
		<-ctx.Done()
		q.mu.Lock()
		q.stopped = true
		q.changed.Broadcast()
		q.mu.Unlock()
	}()
}

// Wait waits for the pollers to stop after Start's ctx ends.
func (q *Queue) Wait() { q.running.Wait() }

// EnqueueBody puts a raw message body on the queue, as anything allowed to
// send to the queue could: tests use it for what Encode would refuse.
func (q *Queue) EnqueueBody(ctx context.Context, body string) error {
	_, err := q.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.URL), MessageBody: aws.String(body)})
	if err != nil {
		return fmt.Errorf("send message: %w", err)
	}
	return nil
}

func (q *Queue) poll(ctx context.Context, h Handler) {
	defer q.running.Done()
	for ctx.Err() == nil {
		err := q.receive(ctx, h)
		q.mu.Lock()
		q.polls++
		q.changed.Broadcast()
		q.mu.Unlock()
		if err != nil && ctx.Err() == nil {
			q.o.Log.Error("send queue: receive failed", "err", err)
			// The emulator is unreachable: try again, but not in a
			// busy loop.
			select {
			case <-ctx.Done():
			case <-time.After(q.o.Wait):
			}
		}
	}
}

// receive takes one batch and works it as Lambda does.
func (q *Queue) receive(ctx context.Context, h Handler) error {
	out, err := q.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(q.URL),
		MaxNumberOfMessages:         int32(q.o.BatchSize),
		WaitTimeSeconds:             int32(q.o.Wait / time.Second),
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil || len(out.Messages) == 0 {
		return err
	}
	q.mu.Lock()
	q.inflight++
	q.mu.Unlock()
	defer func() {
		q.mu.Lock()
		q.inflight--
		q.mu.Unlock()
	}()
	ev := q.event(out.Messages)
	resp, herr := h(ctx, ev)
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	if herr != nil || !known(failed, out.Messages) {
		// Lambda: an error, or a failure naming no message of the batch,
		// fails the whole batch.
		q.o.Log.Warn("send batch failed; every message will reappear", "messages", len(out.Messages), "err", herr)
		return nil
	}
	var del []types.DeleteMessageBatchRequestEntry
	for i, m := range out.Messages {
		if !failed[aws.ToString(m.MessageId)] {
			del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
		}
	}
	if len(del) == 0 {
		return nil
	}
	// Deleting after the handler, as Lambda does: the jobs a handler
	// enqueues are on the queue before the message that made them leaves.
	d, err := q.client.DeleteMessageBatch(context.WithoutCancel(ctx), &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(q.URL), Entries: del})
	if err != nil {
		return fmt.Errorf("delete handled messages: %w", err)
	}
	if len(d.Failed) > 0 {
		return fmt.Errorf("delete handled messages: %d refused (%s)", len(d.Failed), aws.ToString(d.Failed[0].Message))
	}
	return nil
}

func known(failed map[string]bool, msgs []types.Message) bool {
	ids := map[string]bool{}
	for _, m := range msgs {
		ids[aws.ToString(m.MessageId)] = true
	}
	for id := range failed {
		if !ids[id] {
			return false
		}
	}
	return true
}

// event is the batch as Lambda's event source mapping delivers it.
func (q *Queue) event(msgs []types.Message) events.SQSEvent {
	var ev events.SQSEvent
	for _, m := range msgs {
		attrs := map[string]string{}
		for k, v := range m.Attributes {
			attrs[k] = v
		}
		ev.Records = append(ev.Records, events.SQSMessage{
			MessageId:      aws.ToString(m.MessageId),
			ReceiptHandle:  aws.ToString(m.ReceiptHandle),
			Body:           aws.ToString(m.Body),
			Md5OfBody:      aws.ToString(m.MD5OfBody),
			Attributes:     attrs,
			EventSource:    "aws:sqs",
			EventSourceARN: q.ARN,
			AWSRegion:      "us-east-1",
		})
	}
	return ev
}

// Counts are the queue's messages as SQS reports them.
type Counts struct{ Visible, InFlight, Delayed int }

// Counts reads the queue's message counts.
func (q *Queue) Counts(ctx context.Context) (Counts, error) { return counts(ctx, q.client, q.URL) }

func counts(ctx context.Context, client *sqs.Client, url string) (Counts, error) {
	out, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{
		types.QueueAttributeNameApproximateNumberOfMessages,
		types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		types.QueueAttributeNameApproximateNumberOfMessagesDelayed,
	}})
	if err != nil {
		return Counts{}, fmt.Errorf("queue counts: %w", err)
	}
	n := func(a types.QueueAttributeName) int { v, _ := strconv.Atoi(out.Attributes[string(a)]); return v }
	return Counts{
		Visible:  n(types.QueueAttributeNameApproximateNumberOfMessages),
		InFlight: n(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible),
		Delayed:  n(types.QueueAttributeNameApproximateNumberOfMessagesDelayed),
	}, nil
}

// Drain waits until every job enqueued so far, and every job those jobs
// enqueued in turn, has been sent or dead-lettered, or until the queue has
// stopped. It waits on the queue's own counts and on the pollers, never on
// the clock: the jobs a handler enqueues are on the queue before the
// message that made them is deleted, so an empty queue with no batch in
// hand means nothing is left. A failed message keeps it waiting until it
// is redelivered and sent, or moved to the dead-letter queue. The queue
// must have been started.
func (q *Queue) Drain() {
	ctx := context.Background()
	for {
		q.mu.Lock()
		polls, idle, stopped := q.polls, q.inflight == 0, q.stopped
		q.mu.Unlock()
		if stopped {
			return
		}
		if idle {
			c, err := q.Counts(ctx)
			if err == nil && c == (Counts{}) {
				return
			}
		}
		q.mu.Lock()
		for q.polls == polls && !q.stopped {
			q.changed.Wait()
		}
		q.mu.Unlock()
	}
}

// DeadLetters returns the bodies of the messages in the dead-letter queue,
// leaving them there.
func (q *Queue) DeadLetters(ctx context.Context) ([]string, error) {
	var bodies []string
	var handles []types.ChangeMessageVisibilityBatchRequestEntry
	defer func() {
		// Visible again at once for whoever reads them next (redrive).
		for start := 0; start < len(handles); start += 10 {
			_, _ = q.client.ChangeMessageVisibilityBatch(context.WithoutCancel(ctx), &sqs.ChangeMessageVisibilityBatchInput{
				QueueUrl: aws.String(q.DeadLetterURL), Entries: handles[start:min(start+10, len(handles))]})
		}
	}()
	for {
		out, err := q.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q.DeadLetterURL),
			MaxNumberOfMessages: 10, VisibilityTimeout: 60})
		if err != nil {
			return nil, fmt.Errorf("read dead letters: %w", err)
		}
		if len(out.Messages) == 0 {
			return bodies, nil
		}
		for _, m := range out.Messages {
			bodies = append(bodies, aws.ToString(m.Body))
			handles = append(handles, types.ChangeMessageVisibilityBatchRequestEntry{
				Id: aws.String(strconv.Itoa(len(handles))), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0})
		}
	}
}
