package sendqueue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// SQSAPI is the part of the SQS client the queue uses.
type SQSAPI interface {
	SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error)
}

var _ SQSAPI = (*sqs.Client)(nil)

// SQS puts jobs on an SQS queue, ten to a request.
type SQS struct {
	Client SQSAPI
	URL    string
}

// Enqueue sends every job; entries SQS refuses in a batch are retried a few
// times and then reported, never dropped silently.
func (q *SQS) Enqueue(ctx context.Context, jobs ...Job) error {
	for start := 0; start < len(jobs); start += 10 {
		batch := jobs[start:min(start+10, len(jobs))]
		pending := map[string]Job{}
		for i, j := range batch {
			pending[strconv.Itoa(i)] = j
		}
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt == 3 {
				return fmt.Errorf("enqueue: %d jobs refused by SQS after 3 attempts", len(pending))
			}
			in := &sqs.SendMessageBatchInput{QueueUrl: aws.String(q.URL)}
			for id, j := range pending {
				body, err := Encode(j)
				if err != nil {
					return err
				}
				in.Entries = append(in.Entries, types.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: aws.String(body)})
			}
			out, err := q.Client.SendMessageBatch(ctx, in)
			if err != nil {
				return fmt.Errorf("enqueue: %w", err)
			}
			for _, ok := range out.Successful {
				delete(pending, aws.ToString(ok.Id))
			}
			for _, f := range out.Failed {
				if f.SenderFault {
					return fmt.Errorf("enqueue: SQS refused a job: %s %s", aws.ToString(f.Code), aws.ToString(f.Message))
				}
			}
		}
	}
	return nil
}

// DeferralsAttribute is the message attribute that counts how many times a
// job has been put back for later (back-pressure, not failure).
const DeferralsAttribute = "upward-deferrals"

// Deferred is a message to put back on the queue, held back for Delay.
type Deferred struct {
	Body      string
	Deferrals int
	Delay     time.Duration
}

// Requeuer puts deferred messages back on the queue.
type Requeuer interface {
	Requeue(ctx context.Context, msgs ...Deferred) error
}

var _ Requeuer = (*SQS)(nil)

// Requeue sends each message again as a new message, held back by its
// delay (at most MaxDelay) and carrying its deferral count. A new message
// starts with a receive count of zero: this is what keeps waiting for the
// mail service from ever counting towards the dead-letter queue's
// maxReceiveCount, which ChangeMessageVisibility would not do.
func (q *SQS) Requeue(ctx context.Context, msgs ...Deferred) error {
	for start := 0; start < len(msgs); start += 10 {
		batch := msgs[start:min(start+10, len(msgs))]
		pending := map[string]Deferred{}
		for i, m := range batch {
			pending[strconv.Itoa(i)] = m
		}
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt == 3 {
				return fmt.Errorf("requeue: %d messages refused by SQS after 3 attempts", len(pending))
			}
			in := &sqs.SendMessageBatchInput{QueueUrl: aws.String(q.URL)}
			for id, m := range pending {
				delay := min(max(m.Delay, 0), MaxDelay)
				in.Entries = append(in.Entries, types.SendMessageBatchRequestEntry{
					Id: aws.String(id), MessageBody: aws.String(m.Body),
					DelaySeconds: int32((delay + time.Second - 1) / time.Second),
					MessageAttributes: map[string]types.MessageAttributeValue{
						DeferralsAttribute: {DataType: aws.String("Number"), StringValue: aws.String(strconv.Itoa(m.Deferrals))},
					},
				})
			}
			out, err := q.Client.SendMessageBatch(ctx, in)
			if err != nil {
				return fmt.Errorf("requeue: %w", err)
			}
			for _, ok := range out.Successful {
				delete(pending, aws.ToString(ok.Id))
			}
			for _, f := range out.Failed {
				if f.SenderFault {
					return fmt.Errorf("requeue: SQS refused a message: %s %s", aws.ToString(f.Code), aws.ToString(f.Message))
				}
			}
		}
	}
	return nil
}

// HandlerOption adjusts SQSHandler.
type HandlerOption func(*handlerOptions)

type handlerOptions struct{ requeue Requeuer }

// WithRequeue lets the handler put jobs that meet back-pressure (Later)
// back on the queue as new, delayed messages and report the originals
// done. Without it such a job is reported failed, as any error.
func WithRequeue(r Requeuer) HandlerOption {
	return func(o *handlerOptions) { o.requeue = r }
}

// SQSHandler adapts a Handler to an SQS event source with
// ReportBatchItemFailures: only the messages that failed are retried.
//
// Back-pressure is not failure. When a job answers Later (SES throttles,
// or the day's quota is spent), the handler stops calling the handler for
// the rest of the batch — the mail service asked everyone to slow down —
// and, with WithRequeue, puts that job and the untried rest back as new
// messages delayed by a growing backoff. The originals are then reported
// done (Lambda deletes them). If the function dies between the two, the
// original comes back as well: the job is then on the queue twice, and the
// send ledger sends its email once.
func SQSHandler(h Handler, log *slog.Logger, opts ...HandlerOption) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	var o handlerOptions
	for _, fn := range opts {
		fn(&o)
	}
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		var later *Later
		var deferred []Deferred
		var deferredIDs []string
		for _, m := range ev.Records {
			j, err := Decode(m.Body)
			if err != nil {
				// Never dropped: an unreadable job is a bug or a deploy
				// mismatch, and an email someone expects. SQS retries it
				// and then moves it to the dead-letter queue, whose alarm
				// tells the operator.
				log.Error("unreadable send job; SQS will retry it, then dead-letter it", "message_id", m.MessageId, "err", err)
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
				continue
			}
			if later == nil {
				err = h.Handle(ctx, j)
				if l, ok := AsLater(err); ok {
					later = l
				} else if err != nil {
					log.Warn("send job failed; SQS will redeliver it", "message_id", m.MessageId, "key", Key(j), "err", err)
					resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
					continue
				} else {
					continue
				}
			}
			n := deferrals(m)
			deferred = append(deferred, Deferred{Body: m.Body, Deferrals: n + 1, Delay: Backoff(later.After, n, m.MessageId)})
			deferredIDs = append(deferredIDs, m.MessageId)
		}
		if len(deferred) > 0 {
			err := errors.New("no requeue configured")
			if o.requeue != nil {
				err = o.requeue.Requeue(ctx, deferred...)
			}
			if err != nil {
				// Could not put them back: let SQS redeliver them instead,
				// which spends a receive but loses nothing.
				log.Warn("send jobs meet back-pressure; SQS will redeliver them", "jobs", len(deferred), "reason", later.Reason, "err", err)
				for _, id := range deferredIDs {
					resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
				}
			} else {
				log.Info("send jobs deferred", "jobs", len(deferred), "reason", later.Reason, "first_delay", deferred[0].Delay)
			}
		}
		if len(ev.Records) > 0 && len(resp.BatchItemFailures) == len(ev.Records) && len(deferred) == 0 {
			return resp, errors.New("every job in the batch failed")
		}
		return resp, nil
	}
}

func deferrals(m events.SQSMessage) int {
	a, ok := m.MessageAttributes[DeferralsAttribute]
	if !ok || a.StringValue == nil {
		return 0
	}
	n, err := strconv.Atoi(*a.StringValue)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
