package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/token"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

const inboundARN = "arn:aws:lambda:eu-west-1:123456789012:function:upward-InboundFunction-Q2w8Zr1xYt3u"

// TestRedriveRecordsAReplyThatFailedEveryTry is the scenario end to
// end: SES hands a reply to the inbound function, which fails three times
// (the first try and Lambda's two retries) because S3 cannot be read; Lambda
// sends its failure record to the on-failure queue; once S3 is back,
// `upward redrive` replays it and the reply is recorded once, with one
// acknowledgement, however often the record is replayed.
func TestRedriveRecordsAReplyThatFailedEveryTry(t *testing.T) {
	e := newInboundStack(t)
	raw := e.reply(t, "JOIN 1, 2")
	e.bucket.put(t, "msg-"+ids.New()[:8], raw)

	e.lambda.invokeAsync(t, inboundARN, e.sesEvent(t))
	if got := e.s3.calls(); got != 3 {
		t.Fatalf("GetObject called %d times, want 3 (a try and Lambda's two retries)", got)
	}
	e.assertRecorded(t, 0, 0)
	if n := e.queue.len(); n != 1 {
		t.Fatalf("on-failure queue holds %d messages, want Lambda's one record", n)
	}

	// The operator reads the alarm, fixes S3 and replays.
	e.s3.heal()
	code, out, errs := e.redrive(t, "--queue", e.queue.url)
	if code != 0 || !strings.Contains(out, "1 event(s) replayed") {
		t.Fatalf("redrive = %d\n%s%s", code, out, errs)
	}
	e.assertRecorded(t, 1, 1)
	if n := e.queue.len(); n != 0 {
		t.Errorf("queue holds %d messages after the replay, want none", n)
	}

	// SQS delivers at least once and an operator may replay an old copy:
	// the same record again changes nothing.
	e.queue.send(e.queue.lastBody)
	if code, out, errs := e.redrive(t, "--queue", e.queue.url); code != 0 {
		t.Fatalf("second redrive = %d\n%s%s", code, out, errs)
	}
	e.assertRecorded(t, 1, 1)

	// And with nothing left, nothing happens.
	if code, out, _ := e.redrive(t, "--queue", e.queue.url); code != 0 || !strings.Contains(out, "0 event(s) replayed") {
		t.Errorf("redrive of an empty queue = %d\n%s", code, out)
	}
}

func TestRedriveKeepsWhatFailsAgain(t *testing.T) {
	e := newInboundStack(t)
	e.bucket.put(t, "msg-"+ids.New()[:8], e.reply(t, "JOIN 1"))
	e.lambda.invokeAsync(t, inboundARN, e.sesEvent(t))

	// Not fixed yet: the replay fails, the record stays and is visible at
	// once for the next run.
	code, out, errs := e.redrive(t, "--queue", e.queue.url)
	if code != 1 || !strings.Contains(out, "kept") || !strings.Contains(errs, "still in the queue") {
		t.Fatalf("redrive = %d\n%s%s", code, out, errs)
	}
	if n := e.queue.visible(); n != 1 {
		t.Fatalf("%d visible messages after a failed replay, want the record back", n)
	}
	e.assertRecorded(t, 0, 0)

	// A record of another function is refused when --function names one.
	code, out, _ = e.redrive(t, "--queue", e.queue.url, "--function", "upward-FeedbackFunction-X")
	if code != 1 || !strings.Contains(out, "not of --function") {
		t.Errorf("redrive into the wrong function = %d\n%s", code, out)
	}
	// A dry run lists and changes nothing.
	e.s3.heal()
	code, out, _ = e.redrive(t, "--queue", e.queue.url, "--dry-run")
	if code != 0 || !strings.Contains(out, "would replay") || e.queue.visible() != 1 {
		t.Errorf("dry run = %d, %d visible\n%s", code, e.queue.visible(), out)
	}
	e.assertRecorded(t, 0, 0)
	if code, out, errs := e.redrive(t, "--queue", e.queue.url, "--function", "upward-InboundFunction-Q2w8Zr1xYt3u"); code != 0 {
		t.Fatalf("redrive = %d\n%s%s", code, out, errs)
	}
	e.assertRecorded(t, 1, 1)
}

// Events EventBridge or the scheduler could not deliver are the bare event:
// they need --function.
func TestRedriveOfUndeliveredEventsNeedsTheFunction(t *testing.T) {
	q := newMemQueue()
	var got []string
	sim := &lambdaSim{functions: map[string]func(context.Context, []byte) error{
		"upward-FeedbackFunction-X": func(_ context.Context, p []byte) error { got = append(got, string(p)); return nil },
	}}
	useClients(t, q, sim)
	bounce := `{"version":"0","detail-type":"Email Bounced","source":"aws.ses","detail":{"eventType":"Bounce"}}`
	q.send(bounce)
	code, out, _ := runCLI(t, "redrive", "--queue", q.url)
	if code != 1 || !strings.Contains(out, "give --function") || len(got) != 0 {
		t.Fatalf("redrive without --function = %d\n%s", code, out)
	}
	code, out, errs := runCLI(t, "redrive", "--queue", q.url, "--function", "upward-FeedbackFunction-X")
	if code != 0 || len(got) != 1 || got[0] != bounce || q.len() != 0 {
		t.Fatalf("redrive --function = %d, invoked with %q\n%s%s", code, got, out, errs)
	}
}

func TestFailureRecordFromLambda(t *testing.T) {
	b, err := os.ReadFile("testdata/lambda-failure-record.json")
	if err != nil {
		t.Fatal(err)
	}
	fn, payload, err := (&redriver{}).target(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if functionName(fn) != "upward-InboundFunction-Q2w8Zr1xYt3u" {
		t.Errorf("function = %s", fn)
	}
	var ev events.SimpleEmailEvent
	if err := json.Unmarshal(payload, &ev); err != nil || len(ev.Records) != 1 || ev.Records[0].SES.Mail.MessageID != "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1" {
		t.Errorf("payload is not the original SES event: %v\n%s", err, payload)
	}
	if _, _, err := (&redriver{Function: "other"}).target(string(b)); err == nil {
		t.Error("a record of InboundFunction replayed into --function other")
	}
}

// inboundStack is the inbound function as Lambda runs it, on dynalite and
// aws-ses-v2-local, reading mail through the real S3 client from a folder
// served over HTTP, with S3 failing until healed.
type inboundStack struct {
	prog   programme.Programme
	senior programme.Participant
	signer *token.Signer
	store  interface {
		GetParticipant(ctx context.Context, programmeID, id string) (programme.Participant, error)
	}
	listReplies func() int
	bucket      *emulatedBucket
	s3          *failingS3
	queue       *memQueue
	lambda      *lambdaSim
	sent        stacktest.Queue
	msgID       string
}

var t0 = time.Date(2027, 1, 18, 10, 0, 0, 0, time.UTC)

const domain = "upward.test"

func newInboundStack(t *testing.T) *inboundStack {
	t.Helper()
	ctx := context.Background()
	sys := stacktest.NewSystem(t, stacktest.Options{Start: t0})
	s := sys.Store
	e := &inboundStack{store: s, signer: sys.Signer, sent: sys.Queue}
	h, err := inbound.New(s, e.sent, e.signer, sys.Clock, sys.Log, inbound.Settings{MailDomain: domain})
	if err != nil {
		t.Fatal(err)
	}
	e.prog = programme.New(t0)
	e.prog.ID, e.prog.Name, e.prog.StartDate, e.prog.EndDate = ids.New(), "Bridges", "2027-01-04", "2027-06-30"
	if err := s.CreateProgramme(ctx, e.prog); err != nil {
		t.Fatal(err)
	}
	res, err := s.Enrol(ctx, e.prog.ID, []programme.Participant{{Email: "sen-" + ids.New()[:6] + "@example.org", Name: "Sen", Role: programme.Senior}}, t0)
	if err != nil || len(res.Created) != 1 {
		t.Fatalf("enrol: %v", err)
	}
	e.senior = res.Created[0]
	e.listReplies = func() int {
		r, err := s.ListReplies(ctx, e.prog.ID, e.senior.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(r)
	}

	// The bucket is on the S3 emulator; failingS3 injects the outage in
	// front of it.
	real, name := stacktest.Bucket(t)
	e.bucket = &emulatedBucket{client: real, name: name}
	e.s3 = &failingS3{real: real}
	handler := inbound.SESHandler(h, inbound.Bucket{Client: e.s3, Name: name, Prefix: "incoming/"})

	e.queue = newMemQueue()
	e.lambda = &lambdaSim{onFailure: e.queue, functions: map[string]func(context.Context, []byte) error{
		functionName(inboundARN): func(ctx context.Context, payload []byte) error {
			var ev events.SimpleEmailEvent
			if err := json.Unmarshal(payload, &ev); err != nil {
				return err
			}
			err := handler(ctx, ev)
			e.sent.Drain()
			return err
		},
	}}
	useClients(t, e.queue, e.lambda)
	return e
}

// reply is the senior's reply to their welcome email.
func (e *inboundStack) reply(t *testing.T, body string) []byte {
	t.Helper()
	addr, err := e.signer.ReplyAddress(token.Ref{ProgrammeID: e.prog.ID, ParticipantID: e.senior.ID, Kind: token.KindWelcome}, domain)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(fmt.Sprintf("From: Sen <%s>\r\nTo: %s\r\nSubject: Re: Welcome\r\nMessage-ID: <%s@mail.example.org>\r\nDate: Mon, 18 Jan 2027 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		e.senior.Email, addr, ids.New(), body))
}

// sesEvent is the receipt SES's Lambda action sends for the stored message.
func (e *inboundStack) sesEvent(t *testing.T) []byte {
	t.Helper()
	addr, _ := e.signer.ReplyAddress(token.Ref{ProgrammeID: e.prog.ID, ParticipantID: e.senior.ID, Kind: token.KindWelcome}, domain)
	var rec events.SimpleEmailRecord
	rec.EventSource, rec.EventVersion = "aws:ses", "1.0"
	rec.SES.Mail.MessageID = e.bucket.last
	rec.SES.Mail.Timestamp = t0
	rec.SES.Mail.Destination = []string{addr}
	r := &rec.SES.Receipt
	r.Timestamp, r.Recipients = t0, []string{addr}
	for _, v := range []*events.SimpleEmailVerdict{&r.SpamVerdict, &r.VirusVerdict, &r.SPFVerdict, &r.DKIMVerdict, &r.DMARCVerdict} {
		v.Status = "PASS"
	}
	r.Action.Type, r.Action.FunctionARN, r.Action.InvocationType = "Lambda", inboundARN, "Event"
	b, err := json.Marshal(events.SimpleEmailEvent{Records: []events.SimpleEmailRecord{rec}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *inboundStack) redrive(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, append([]string{"redrive"}, args...)...)
}

// assertRecorded checks the reply is stored `replies` times and the senior
// was acknowledged `acks` times.
func (e *inboundStack) assertRecorded(t *testing.T, replies, acks int) {
	t.Helper()
	if n := e.listReplies(); n != replies {
		t.Errorf("replies recorded = %d, want %d", n, replies)
	}
	p, err := e.store.GetParticipant(context.Background(), e.prog.ID, e.senior.ID)
	if err != nil {
		t.Fatal(err)
	}
	if optedIn := p.Status == programme.OptedIn; optedIn != (replies > 0) {
		t.Errorf("senior is %s after %d recorded replies", p.Status, replies)
	}
	if got := stacktest.Emails(t, e.senior.Email); len(got) != acks {
		t.Errorf("acknowledgements = %d, want %d", len(got), acks)
	}
}

func useClients(t *testing.T, q deadLetterQueue, l invoker) {
	t.Helper()
	old := redriveClients
	redriveClients = func(context.Context) (deadLetterQueue, invoker, error) { return q, l, nil }
	t.Cleanup(func() { redriveClients = old })
}

// emulatedBucket is the inbound bucket: SES's S3 action stores each
// message under incoming/<SES message id>.
type emulatedBucket struct {
	client *s3.Client
	name   string
	last   string
}

func (b *emulatedBucket) put(t *testing.T, id string, raw []byte) {
	t.Helper()
	if _, err := b.client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(b.name), Key: aws.String("incoming/" + id),
		Body: bytes.NewReader(raw), ContentLength: aws.Int64(int64(len(raw)))}); err != nil {
		t.Fatal(err)
	}
	b.last = id
}

// failingS3 fails every read until healed: the fault this test injects.
type failingS3 struct {
	real   inbound.S3API
	mu     sync.Mutex
	n      int
	healed bool
}

func (f *failingS3) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	f.n++
	healed := f.healed
	f.mu.Unlock()
	if !healed {
		return nil, errors.New("operation error S3: GetObject, exceeded maximum number of attempts, 3, StatusCode: 503, SlowDown")
	}
	return f.real.GetObject(ctx, in, opts...)
}

func (f *failingS3) calls() int { f.mu.Lock(); defer f.mu.Unlock(); return f.n }
func (f *failingS3) heal()      { f.mu.Lock(); f.healed = true; f.mu.Unlock() }

// lambdaSim stands in for the Lambda service: it runs the handlers in
// process as the runtime would (payload in, error out), retries an
// asynchronous invocation twice and then sends its on-failure destination
// the record Lambda documents.
type lambdaSim struct {
	functions map[string]func(context.Context, []byte) error
	onFailure *memQueue
}

func (l *lambdaSim) Invoke(ctx context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	fn, ok := l.functions[functionName(aws.ToString(in.FunctionName))]
	if !ok {
		return nil, fmt.Errorf("ResourceNotFoundException: Function not found: %s", aws.ToString(in.FunctionName))
	}
	if err := fn(ctx, in.Payload); err != nil {
		b, _ := json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "errorString"})
		return &lambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"), Payload: b}, nil
	}
	return &lambda.InvokeOutput{StatusCode: 200, Payload: []byte("null")}, nil
}

func (l *lambdaSim) invokeAsync(t *testing.T, arn string, payload []byte) {
	t.Helper()
	fn := l.functions[functionName(arn)]
	var err error
	for try := 0; try < 3; try++ {
		if err = fn(context.Background(), payload); err == nil {
			return
		}
	}
	rec := map[string]any{
		"version":   "1.0",
		"timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"requestContext": map[string]any{
			"requestId": ids.New(), "functionArn": arn + ":$LATEST", "condition": "RetriesExhausted", "approximateInvokeCount": 3,
		},
		"requestPayload":  json.RawMessage(payload),
		"responseContext": map[string]any{"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
		"responsePayload": map[string]string{"errorMessage": err.Error(), "errorType": "errorString"},
	}
	b, _ := json.Marshal(rec)
	l.onFailure.send(string(b))
}

// memQueue is an SQS standard queue's receive, delete and visibility, in
// memory: enough to show redrive never deletes what it did not replay.
type memQueue struct {
	url      string
	mu       sync.Mutex
	msgs     []*memMessage
	lastBody string
	handles  int
}

type memMessage struct {
	id, body, handle string
	hiddenUntil      time.Time
}

func newMemQueue() *memQueue {
	return &memQueue{url: "https://sqs.eu-west-1.amazonaws.com/123456789012/upward-InboundDeadLetterQueue-" + ids.New()[:6]}
}

func (q *memQueue) send(body string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.msgs = append(q.msgs, &memMessage{id: ids.New(), body: body})
	q.lastBody = body
}

func (q *memQueue) len() int { q.mu.Lock(); defer q.mu.Unlock(); return len(q.msgs) }

func (q *memQueue) visible() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, m := range q.msgs {
		if !time.Now().Before(m.hiddenUntil) {
			n++
		}
	}
	return n
}

func (q *memQueue) ReceiveMessage(_ context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if aws.ToString(in.QueueUrl) != q.url {
		return nil, errors.New("AWS.SimpleQueueService.NonExistentQueue")
	}
	out := &sqs.ReceiveMessageOutput{}
	for _, m := range q.msgs {
		if len(out.Messages) == int(in.MaxNumberOfMessages) || time.Now().Before(m.hiddenUntil) {
			continue
		}
		q.handles++
		m.handle = fmt.Sprintf("%s#%d", m.id, q.handles) // a new handle per receive, as SQS gives
		m.hiddenUntil = time.Now().Add(time.Duration(in.VisibilityTimeout) * time.Second)
		out.Messages = append(out.Messages, sqstypes.Message{MessageId: aws.String(m.id), Body: aws.String(m.body), ReceiptHandle: aws.String(m.handle)})
	}
	return out, nil
}

func (q *memQueue) find(handle string) (int, error) {
	for i, m := range q.msgs {
		if m.handle == handle {
			return i, nil
		}
	}
	return 0, errors.New("ReceiptHandleIsInvalid")
}

func (q *memQueue) DeleteMessage(_ context.Context, in *sqs.DeleteMessageInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	i, err := q.find(aws.ToString(in.ReceiptHandle))
	if err != nil {
		return nil, err
	}
	q.msgs = append(q.msgs[:i], q.msgs[i+1:]...)
	return &sqs.DeleteMessageOutput{}, nil
}

func (q *memQueue) ChangeMessageVisibility(_ context.Context, in *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	i, err := q.find(aws.ToString(in.ReceiptHandle))
	if err != nil {
		return nil, err
	}
	q.msgs[i].hiddenUntil = time.Now().Add(time.Duration(in.VisibilityTimeout) * time.Second)
	return &sqs.ChangeMessageVisibilityOutput{}, nil
}
