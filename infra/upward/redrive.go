package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func init() {
	register(command{
		name:    "redrive",
		summary: "replay the events a dead-letter queue holds into the function that failed them",
		usage:   "--queue URL [--function NAME] [--dry-run] [--max N]",
		setup: func(fs *flag.FlagSet) func(ctx context.Context, env *Env) error {
			queue := fs.String("queue", "", "the dead-letter queue's `URL` (a stack output, e.g. InboundDeadLetterQueueUrl)")
			function := fs.String("function", "", "the function to replay into: `NAME` or ARN. Needed for events EventBridge or the scheduler could not deliver; for Lambda's on-failure records, which name their function, it must match if given")
			dryRun := fs.Bool("dry-run", false, "list what would be replayed, change nothing")
			max := fs.Int("max", 0, "replay at most `N` events (0: until the queue is empty)")
			return func(ctx context.Context, env *Env) error {
				if *queue == "" {
					return errors.New("--queue is required")
				}
				q, fn, err := redriveClients(ctx)
				if err != nil {
					return err
				}
				r := &redriver{Queue: q, QueueURL: *queue, Lambda: fn, Function: *function, DryRun: *dryRun, Max: *max, Out: env.Stdout}
				sum, err := r.Run(ctx)
				fmt.Fprintln(env.Stdout, sum)
				if err == nil && sum.Kept > 0 {
					err = fmt.Errorf("%d event(s) could not be replayed and are still in the queue", sum.Kept)
				}
				return err
			}
		},
	})
}

// redriveClients builds the SQS and Lambda clients from the usual AWS
// configuration (environment, profile); tests replace it.
var redriveClients = func(ctx context.Context) (deadLetterQueue, invoker, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("AWS configuration: %w", err)
	}
	return sqs.NewFromConfig(cfg), lambda.NewFromConfig(cfg), nil
}

// deadLetterQueue is the part of the SQS client redrive uses.
type deadLetterQueue interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// invoker is the part of the Lambda client redrive uses.
type invoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

var (
	_ deadLetterQueue = (*sqs.Client)(nil)
	_ invoker         = (*lambda.Client)(nil)
)

// redriver replays a dead-letter queue. Each event is invoked synchronously
// and its message deleted only once the function has returned without
// error, so an event is never lost: at worst it is replayed twice, which
// every Upward handler is safe against.
type redriver struct {
	Queue    deadLetterQueue
	QueueURL string
	Lambda   invoker
	Function string
	DryRun   bool
	Max      int
	Out      io.Writer
}

// redriveSummary counts what a run did.
type redriveSummary struct {
	Replayed, Kept int
	DryRun         bool
}

func (s redriveSummary) String() string {
	if s.DryRun {
		return fmt.Sprintf("dry run: %d event(s) would be replayed, %d could not be", s.Replayed, s.Kept)
	}
	return fmt.Sprintf("%d event(s) replayed and removed from the queue, %d kept", s.Replayed, s.Kept)
}

// holdFor hides a message from other readers while it is replayed: longer
// than the longest function timeout (300 s) with room for throttling.
const holdFor = 900

func (r *redriver) Run(ctx context.Context) (redriveSummary, error) {
	sum := redriveSummary{DryRun: r.DryRun}
	var kept []string // receipt handles to make visible again at the end
	defer func() {
		// A kept event is back in the queue for the next run at once, not
		// after holdFor; releasing it earlier would make this run see it again.
		for _, h := range kept {
			_, _ = r.Queue.ChangeMessageVisibility(context.WithoutCancel(ctx), &sqs.ChangeMessageVisibilityInput{
				QueueUrl: aws.String(r.QueueURL), ReceiptHandle: aws.String(h), VisibilityTimeout: 0,
			})
		}
	}()
	for r.Max == 0 || sum.Replayed+sum.Kept < r.Max {
		want := int32(10)
		if r.Max > 0 {
			want = int32(min(10, r.Max-sum.Replayed-sum.Kept))
		}
		out, err := r.Queue.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:            aws.String(r.QueueURL),
			MaxNumberOfMessages: want,
			VisibilityTimeout:   holdFor,
			// Long polling asks every SQS server, so an empty answer means
			// an empty queue rather than an unlucky sample.
			WaitTimeSeconds:             2,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameApproximateReceiveCount},
		})
		if err != nil {
			return sum, fmt.Errorf("read %s: %w", r.QueueURL, err)
		}
		if len(out.Messages) == 0 {
			return sum, nil
		}
		for _, m := range out.Messages {
			id := aws.ToString(m.MessageId)
			fn, payload, err := r.target(aws.ToString(m.Body))
			if err == nil && r.DryRun {
				fmt.Fprintf(r.Out, "would replay %s into %s (%d bytes)\n", id, fn, len(payload))
				sum.Replayed++
				kept = append(kept, aws.ToString(m.ReceiptHandle))
				continue
			}
			if err == nil {
				err = r.invoke(ctx, fn, payload)
			}
			if err != nil {
				fmt.Fprintf(r.Out, "kept %s: %v\n", id, err)
				sum.Kept++
				kept = append(kept, aws.ToString(m.ReceiptHandle))
				continue
			}
			if _, err := r.Queue.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(r.QueueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
				// Replayed but still queued: a later run replays it again,
				// which the handlers are safe against.
				return sum, fmt.Errorf("replayed %s but could not delete it: %w", id, err)
			}
			fmt.Fprintf(r.Out, "replayed %s into %s\n", id, fn)
			sum.Replayed++
		}
	}
	return sum, nil
}

// failureRecord is what Lambda sends an on-failure destination after the
// last retry of an asynchronous invocation.
type failureRecord struct {
	RequestContext struct {
		FunctionArn            string `json:"functionArn"`
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	RequestPayload  json.RawMessage `json:"requestPayload"`
	ResponsePayload json.RawMessage `json:"responsePayload"`
}

// target works out what to invoke with what: a Lambda failure record names
// its function and carries the original event; any other message is an
// event EventBridge or the scheduler could not deliver, which names no
// function and is itself the payload.
func (r *redriver) target(body string) (function string, payload []byte, err error) {
	var rec failureRecord
	if json.Unmarshal([]byte(body), &rec) == nil && rec.RequestContext.FunctionArn != "" {
		fn := rec.RequestContext.FunctionArn
		if r.Function != "" && functionName(r.Function) != functionName(fn) {
			return "", nil, fmt.Errorf("a failure of %s, not of --function %s", functionName(fn), r.Function)
		}
		if len(rec.RequestPayload) == 0 || string(rec.RequestPayload) == "null" {
			// Lambda leaves the event out of records too large for the destination.
			return "", nil, fmt.Errorf("the record of %s's failure (%s) carries no event to replay", functionName(fn), rec.RequestContext.Condition)
		}
		return fn, rec.RequestPayload, nil
	}
	if r.Function == "" {
		return "", nil, errors.New("not a Lambda failure record, so it names no function: give --function")
	}
	if !json.Valid([]byte(body)) {
		return "", nil, errors.New("the message is not a JSON event")
	}
	return r.Function, []byte(body), nil
}

func (r *redriver) invoke(ctx context.Context, fn string, payload []byte) error {
	out, err := r.Lambda.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(fn),
		InvocationType: lambdatypes.InvocationTypeRequestResponse,
		Payload:        payload,
	})
	if err != nil {
		return fmt.Errorf("invoke %s: %w", functionName(fn), err)
	}
	if out.FunctionError != nil {
		return fmt.Errorf("%s failed again (%s): %s", functionName(fn), aws.ToString(out.FunctionError), strings.TrimSpace(string(out.Payload)))
	}
	return nil
}

// functionName is the name in a function ARN (with or without a version
// qualifier), or the name itself.
func functionName(s string) string {
	if i := strings.Index(s, ":function:"); i >= 0 {
		s = s[i+len(":function:"):]
		if j := strings.IndexByte(s, ':'); j >= 0 {
			s = s[:j]
		}
	}
	return s
}
