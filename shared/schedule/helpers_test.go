package schedule_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func sqsEvent(t *testing.T, jobs []sendqueue.Job) events.SQSEvent {
	t.Helper()
	var ev events.SQSEvent
	for i, j := range jobs {
		body, err := j.Encode()
		if err != nil {
			t.Fatal(err)
		}
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: "m" + strconv.Itoa(i), Body: body})
	}
	return ev
}

func setState(s programme.PairState) expression.UpdateBuilder {
	return expression.Set(expression.Name("state"), expression.Value(s))
}

func pausePair(ctx context.Context, s *store.Store, p programme.Pair, until time.Time) error {
	upd := setState(programme.PairPaused)
	if !until.IsZero() {
		upd = upd.Set(expression.Name("paused_until"), expression.Value(until))
	}
	_, err := s.UpdatePair(ctx, p.ProgrammeID, p.ID, upd, time.Now())
	return err
}
