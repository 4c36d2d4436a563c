package sendqueue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

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

// SQSHandler adapts a Handler to an SQS event source with
// ReportBatchItemFailures: only the messages that failed are retried.
func SQSHandler(h Handler, log *slog.Logger) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
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
			if err := h.Handle(ctx, j); err != nil {
				log.Warn("send job failed; SQS will redeliver it", "message_id", m.MessageId, "key", Key(j), "err", err)
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			}
		}
		if len(ev.Records) > 0 && len(resp.BatchItemFailures) == len(ev.Records) {
			return resp, errors.New("every job in the batch failed")
		}
		return resp, nil
	}
}
