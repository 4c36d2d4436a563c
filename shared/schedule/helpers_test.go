package schedule_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func sqsEvent(t *testing.T, jobs []sendqueue.Job) events.SQSEvent {
	t.Helper()
	var ev events.SQSEvent
	for i, j := range jobs {
		body, err := sendqueue.Encode(j)
		if err != nil {
			t.Fatal(err)
		}
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: "m" + strconv.Itoa(i), Body: body})
	}
	return ev
}

// pausePair pauses a pair as its lifecycle does: until a date (a PAUSE
// reply) or until resumed (a coordinator).
func pausePair(ctx context.Context, s *store.Store, q sendqueue.Queue, prog programme.Programme, p programme.Pair, until time.Time) error {
	by := lifecycle.Coordinator("c@example.org")
	if !until.IsZero() {
		by = lifecycle.Participant(p.SeniorID)
	}
	_, err := (&lifecycle.Service{Store: s, Queue: q}).Apply(ctx, prog, p, lifecycle.Change{Transition: lifecycle.Pause, By: by, At: time.Now(), Until: until})
	return err
}
