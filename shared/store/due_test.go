package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// dueItems counts the due items under a partition key.
func dueItems(t *testing.T, db *dynamodb.Client, table, pk string) int {
	t.Helper()
	out, err := db.Query(context.Background(), &dynamodb.QueryInput{
		TableName: aws.String(table), KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]dynamodbAttr{":pk": str(pk)},
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range out.Items {
		if v, ok := it["type"].(*stringAttr); ok && v.Value == "due" {
			n++
		}
	}
	return n
}

func TestDueItemsLiveApartFromTheirProgramme(t *testing.T) {
	t.Parallel()
	s, db := stacktest.Store(t)
	ctx := context.Background()
	prog, pair := ids.New(), ids.New()
	due := time.Date(2027, 1, 18, 9, 0, 0, 0, time.UTC)
	d := store.DueItem{ProgrammeID: prog, PairID: pair, ParticipantID: "p1", Role: programme.Senior, Cycle: 1, Due: due}
	if err := s.PutDue(ctx, d); err != nil {
		t.Fatal(err)
	}
	// Nothing of the schedule lands on the programme's partition, where
	// every write of a tick used to go.
	if n := dueItems(t, db, s.Table(), "PROG#"+prog); n != 0 {
		t.Errorf("%d due items under the programme's partition key", n)
	}
	if n := dueItems(t, db, s.Table(), "DUE#"+prog+"#"+pair); n != 1 {
		t.Errorf("%d due items under the pair's own key, want 1", n)
	}
	got, err := s.GetDue(ctx, prog, pair, programme.Senior)
	if err != nil || got.Cycle != 1 {
		t.Fatalf("GetDue = %+v, %v", got, err)
	}
}

func TestDueItemsScheduledBeforeTheKeysWereSpreadKeepTheirKey(t *testing.T) {
	t.Parallel()
	s, db := stacktest.Store(t)
	ctx := context.Background()
	prog, pair := ids.New(), ids.New()
	due := time.Date(2027, 1, 18, 9, 0, 0, 0, time.UTC)
	// As an earlier version wrote it.
	old := store.DueItem{ProgrammeID: prog, PairID: pair, ParticipantID: "p1", Role: programme.Junior, Cycle: 1, Due: due, TimeZone: "Europe/Lisbon"}
	item, err := attributevalue.MarshalMap(old)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"pk": "PROG#" + prog, "sk": "DUE#" + pair + "#junior", "type": "due",
		"gsi2pk": "DUE#" + strconv.Itoa(store.DueShard(pair)), "gsi2sk": due.Format("2006-01-02T15:04:05Z") + "#" + pair + "#junior",
	} {
		item[k] = str(v)
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table()), Item: item}); err != nil {
		t.Fatal(err)
	}
	var read []store.DueItem
	if err := s.DueBefore(ctx, store.DueShard(pair), due, func(d store.DueItem) error { read = append(read, d); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(read) != 1 {
		t.Fatalf("read %d items, want the legacy one", len(read))
	}
	next := read[0]
	next.Cycle, next.Due = 2, due.AddDate(0, 0, 14)
	if err := s.AdvanceDue(ctx, read[0], next); err != nil {
		t.Fatal(err)
	}
	// Moved in place: still one item, under the programme's key.
	if n := dueItems(t, db, s.Table(), "PROG#"+prog); n != 1 {
		t.Errorf("%d legacy items after advancing, want 1 (moved in place)", n)
	}
	if n := dueItems(t, db, s.Table(), "DUE#"+prog+"#"+pair); n != 0 {
		t.Errorf("%d items under the new key: the schedule was duplicated", n)
	}
	got, err := s.GetDue(ctx, prog, pair, programme.Junior)
	if err != nil || got.Cycle != 2 {
		t.Fatalf("GetDue = %+v, %v; want the legacy item at cycle 2", got, err)
	}
	if err := s.RemoveDue(ctx, got); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetDue(ctx, prog, pair, programme.Junior); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after RemoveDue: %v", err)
	}
}

type (
	dynamodbAttr = types.AttributeValue
	stringAttr   = types.AttributeValueMemberS
)

func str(s string) dynamodbAttr { return &types.AttributeValueMemberS{Value: s} }
