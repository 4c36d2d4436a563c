package sendqueue

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

type recorder struct {
	mu    sync.Mutex
	seen  map[string]int
	fails map[string]int // key -> failures left
}

func (r *recorder) Handle(_ context.Context, j Job) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[j.Key()]++
	if r.fails[j.Key()] > 0 {
		r.fails[j.Key()]--
		return errors.New("SES throttled")
	}
	return nil
}

func TestSQSHandlerReportsOnlyFailedMessages(t *testing.T) {
	ok := Job{Kind: KindWelcome, ProgrammeID: "p", ParticipantID: "a"}
	bad := Job{Kind: KindWelcome, ProgrammeID: "p", ParticipantID: "b"}
	rec := &recorder{seen: map[string]int{}, fails: map[string]int{bad.Key(): 1}}
	okBody, _ := ok.Encode()
	badBody, _ := bad.Encode()
	ev := events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "m1", Body: okBody},
		{MessageId: "m2", Body: badBody},
		{MessageId: "m3", Body: `{"kind":""}`}, // malformed: logged, not retried forever
	}}
	resp, err := SQSHandler(rec, slog.New(slog.DiscardHandler))(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	want := []events.SQSBatchItemFailure{{ItemIdentifier: "m2"}}
	if diff := cmp.Diff(want, resp.BatchItemFailures); diff != "" {
		t.Errorf("batch failures (-want +got):\n%s", diff)
	}
}

func TestJobKeysDistinguishCycles(t *testing.T) {
	a := Job{Kind: KindWelcome, ProgrammeID: "p", ParticipantID: "x", Cycle: 0}
	b := a
	b.Cycle = 1
	if a.Key() == b.Key() {
		t.Error("two welcome rounds share a ledger key")
	}
	if _, err := Decode("not json"); err == nil {
		t.Error("Decode accepted garbage")
	}
}
