package localqueue_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/localqueue"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/samtemplate"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

var (
	emulator *localstack.Service
	client   *sqs.Client
	queues   atomic.Int64
)

func TestMain(m *testing.M) {
	ctx := context.Background()
	svc, err := localstack.StartSQS(ctx, localstack.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg, err := localstack.AWSConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	emulator, client = svc, localstack.SQS(cfg, svc.URL)
	code := m.Run()
	svc.Stop()
	os.Exit(code)
}

// recorder is a send function's handler that records what it sent and
// fails the jobs fail says to.
type recorder struct {
	mu   sync.Mutex
	sent []string
	// fail says whether this attempt at a job fails (attempt counts from 1).
	fail     func(j sendqueue.Job, attempt int) bool
	attempts map[string]int
}

func (r *recorder) Handle(_ context.Context, j sendqueue.Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.attempts == nil {
		r.attempts = map[string]int{}
	}
	k := sendqueue.Key(j)
	r.attempts[k]++
	if r.fail != nil && r.fail(j, r.attempts[k]) {
		return errors.New("injected failure")
	}
	r.sent = append(r.sent, j.(sendqueue.Welcome).ParticipantID)
	return nil
}

func (r *recorder) Sent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]string(nil), r.sent...)
	sort.Strings(out)
	return out
}

func newQueue(t *testing.T, o localqueue.Options, h localqueue.Handler) *localqueue.Queue {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	q, err := localqueue.Create(ctx, client, fmt.Sprintf("q%d", queues.Add(1)), o)
	if err != nil {
		t.Fatal(err)
	}
	q.Start(ctx, h)
	t.Cleanup(func() { cancel(); q.Wait() })
	return q
}

func welcomes(n int) []sendqueue.Job {
	var jobs []sendqueue.Job
	for i := range n {
		jobs = append(jobs, sendqueue.Welcome{ProgrammeID: "p", ParticipantID: fmt.Sprintf("person-%02d", i)})
	}
	return jobs
}

func ids(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("person-%02d", i))
	}
	return out
}

var log = slog.New(slog.DiscardHandler)

// Jobs go through the production enqueuer and SQSHandler and leave the
// queue once sent.
func TestJobsAreSentOnceAndDeleted(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	q := newQueue(t, localqueue.Options{}, sendqueue.SQSHandler(rec, log))
	if err := q.Enqueue(context.Background(), welcomes(25)...); err != nil {
		t.Fatal(err)
	}
	q.Drain()
	if diff := cmp.Diff(ids(25), rec.Sent()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if c, err := q.Counts(context.Background()); err != nil || c != (localqueue.Counts{}) {
		t.Errorf("queue after drain: %+v, %v; want empty", c, err)
	}
}

// A job that fails is reported as a batch item failure; the rest of its
// batch is deleted, and it comes back after the visibility timeout with a
// higher receive count, until it is sent.
func TestBatchItemFailuresAreRedelivered(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var receives []string
	rec := &recorder{fail: func(j sendqueue.Job, attempt int) bool {
		return j.(sendqueue.Welcome).ParticipantID == "person-03" && attempt < 3
	}}
	inner := sendqueue.SQSHandler(rec, log)
	h := func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		for _, m := range ev.Records {
			if j, err := sendqueue.Decode(m.Body); err == nil && j.(sendqueue.Welcome).ParticipantID == "person-03" {
				mu.Lock()
				receives = append(receives, m.Attributes["ApproximateReceiveCount"])
				mu.Unlock()
			}
		}
		return inner(ctx, ev)
	}
	q := newQueue(t, localqueue.Options{VisibilityTimeout: time.Second}, h)
	if err := q.Enqueue(context.Background(), welcomes(8)...); err != nil {
		t.Fatal(err)
	}
	q.Drain()
	if diff := cmp.Diff(ids(8), rec.Sent()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"1", "2", "3"}, receives); diff != "" {
		t.Errorf("receive counts of the failing job (-want +got):\n%s", diff)
	}
	if dead, err := q.DeadLetters(context.Background()); err != nil || len(dead) != 0 {
		t.Errorf("dead letters: %q, %v; want none", dead, err)
	}
}

// A message of a kind the send function does not know is never dropped:
// SQSHandler fails it, SQS redelivers it until the redrive policy moves it
// to the dead-letter queue, where the operator's alarm sees it. The job
// beside it in the queue is sent.
func TestUnknownKindIsRetriedThenDeadLettered(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	var deliveries atomic.Int64
	inner := sendqueue.SQSHandler(rec, log)
	h := func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		for _, m := range ev.Records {
			if m.Body == unknown {
				deliveries.Add(1)
			}
		}
		return inner(ctx, ev)
	}
	q := newQueue(t, localqueue.Options{VisibilityTimeout: time.Second, MaxReceiveCount: 3}, h)
	ctx := context.Background()
	if err := q.EnqueueBody(ctx, unknown); err != nil {
		t.Fatal(err)
	}
	if err := q.Enqueue(ctx, welcomes(1)...); err != nil {
		t.Fatal(err)
	}
	q.Drain()
	dead, err := q.DeadLetters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{unknown}, dead); diff != "" {
		t.Errorf("dead letters (-want +got):\n%s", diff)
	}
	if got := deliveries.Load(); got != 3 {
		t.Errorf("the unknown job was handed to the send function %d times, want 3 (maxReceiveCount)", got)
	}
	if diff := cmp.Diff(ids(1), rec.Sent()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

const unknown = `{"kind":"postcard","job":{"programme_id":"p"}}`

// A handler error fails the whole batch, as in Lambda: nothing is deleted.
func TestAFailedInvocationLeavesTheWholeBatch(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	rec := &recorder{}
	inner := sendqueue.SQSHandler(rec, log)
	h := func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		if calls.Add(1) == 1 {
			return events.SQSEventResponse{}, errors.New("function crashed")
		}
		return inner(ctx, ev)
	}
	q := newQueue(t, localqueue.Options{VisibilityTimeout: time.Second, Pollers: 1}, h)
	if err := q.Enqueue(context.Background(), welcomes(5)...); err != nil {
		t.Fatal(err)
	}
	q.Drain()
	if diff := cmp.Diff(ids(5), rec.Sent()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// The local queue is set as template.yaml sets the send queue and its event
// source mapping, so what is proven here holds for the deployed queue.
func TestDefaultsAreTheTemplates(t *testing.T) {
	root, err := localstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Load(root + "/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	queue := tpl.Resources["SendQueue"].Properties
	redrive, _ := queue["RedrivePolicy"].(map[string]any)
	ev, _ := tpl.Resources["SendFunction"].Properties["Events"].(map[string]any)
	src, _ := ev["Queue"].(map[string]any)
	props, _ := src["Properties"].(map[string]any)
	scaling, _ := props["ScalingConfig"].(map[string]any)
	concurrency, err := tpl.ParameterDefault(scaling["MaximumConcurrency"])
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{
		"VisibilityTimeout":  fmt.Sprint(queue["VisibilityTimeout"]),
		"maxReceiveCount":    fmt.Sprint(redrive["maxReceiveCount"]),
		"BatchSize":          fmt.Sprint(props["BatchSize"]),
		"MaximumConcurrency": concurrency,
	}
	d := localqueue.Defaults
	want := map[string]string{
		"VisibilityTimeout":  fmt.Sprint(int(d.VisibilityTimeout / time.Second)),
		"maxReceiveCount":    fmt.Sprint(d.MaxReceiveCount),
		"BatchSize":          fmt.Sprint(d.BatchSize),
		"MaximumConcurrency": fmt.Sprint(d.Pollers),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("localqueue.Defaults (-want) and template.yaml (+got) disagree:\n%s", diff)
	}
}
