package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/totals"
)

// TestRepairTotalsFindsAndMendsACorruptCounter: a programme's counters
// agree with its records; a counter is then raised by hand and a person's
// summary lost. repair-totals reports both and changes nothing; with
// --write it repairs them, and a second run finds nothing to do.
func TestRepairTotalsFindsAndMendsACorruptCounter(t *testing.T) {
	st, db := stacktest.Store(t)
	ctx := context.Background()
	before := repairStore
	repairStore = func(context.Context, string, string) (*store.Store, error) { return st, nil }
	t.Cleanup(func() { repairStore = before })

	start := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	prog := programme.New(start)
	prog.ID, prog.Name, prog.CheckInCadence = ids.New(), "Repair", programme.Biweekly
	prog.StartDate, prog.EndDate = "2027-01-04", "2027-06-25"
	if err := st.CreateProgramme(ctx, prog); err != nil {
		t.Fatal(err)
	}
	var enrol []programme.Participant
	for i := 0; i < 3; i++ {
		enrol = append(enrol,
			programme.Participant{Email: fmt.Sprintf("s%d-%s@example.org", i, prog.ID), Name: fmt.Sprintf("S%d", i), Role: programme.Senior},
			programme.Participant{Email: fmt.Sprintf("j%d-%s@example.org", i, prog.ID), Name: fmt.Sprintf("J%d", i), Role: programme.Junior})
	}
	res, err := st.Enrol(ctx, prog.ID, enrol, start)
	if err != nil {
		t.Fatal(err)
	}
	var seniors, juniors []programme.Participant
	for _, p := range res.Created {
		if p.Role == programme.Senior {
			seniors = append(seniors, p)
		} else {
			juniors = append(juniors, p)
		}
	}
	for i, sen := range seniors {
		jun := juniors[i]
		pair := programme.Pair{ID: ids.New(), ProgrammeID: prog.ID, SeniorID: sen.ID, JuniorID: jun.ID, State: programme.PairActive, StartDate: "2027-01-04"}
		if err := st.CreatePair(ctx, pair); err != nil {
			t.Fatal(err)
		}
		// Asked when the plan says, as the tick asks.
		plan := schedule.NewPlan(prog, pair)
		plan.Offset = schedule.Spread(pair.ID)
		at := plan.Delivery(1, time.UTC)
		for _, side := range []programme.Participant{sen, jun} {
			if err := st.RecordAsked(ctx, store.Asked{ProgrammeID: prog.ID, PairID: pair.ID, ParticipantID: side.ID, Role: side.Role, Cycle: 1, At: at}); err != nil {
				t.Fatal(err)
			}
		}
		met, rating := true, 4
		if err := st.PutAnswer(ctx, store.Answer{ProgrammeID: prog.ID, PairID: pair.ID, ParticipantID: sen.ID, Role: programme.Senior, Cycle: 1,
			Kind: "checkin", Met: &met, Rating: &rating, At: at.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	good, err := st.ReadTotals(ctx, prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"repair-totals", "--table", st.Table(), "--programme", prog.ID, "--now", "2027-01-20T12:00:00Z"}
	if code, out, errs := runCLI(t, args...); code != 0 || !strings.Contains(out, "0 differ from the records; 0 counter(s) differ") {
		t.Fatalf("on sound totals: %d\n%s%s", code, out, errs)
	}

	// Corruption: a shard's count of check-ins sent raised by 3, and a
	// person's summary gone (as if restored from an older backup).
	raiseCounter(t, db, st.Table(), prog.ID, totals.RespDen, 3)
	lost := juniors[0].ID
	if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(st.Table()), Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "TSUM#" + prog.ID + "#" + lost}, "sk": &types.AttributeValueMemberS{Value: "PERSON"}}}); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, args...)
	t.Logf("the report:\n%s%s", out, errs)
	want := fmt.Sprintf("resp.den: %d, want %d", good.N[totals.RespDen]+3, good.N[totals.RespDen])
	if code != 1 || !strings.Contains(out, "1 differ from the records") || !strings.Contains(out, want) || !strings.Contains(errs, "--write") {
		t.Fatalf("report = %d, want 1 with %q\n%s%s", code, want, out, errs)
	}
	if got, _ := st.ReadTotals(ctx, prog.ID); got.N[totals.RespDen] != good.N[totals.RespDen]+3 {
		t.Fatalf("a report changed the totals")
	}

	// Repaired, and repairing again changes nothing.
	for run := 1; run <= 2; run++ {
		code, out, errs := runCLI(t, append(args, "--write")...)
		if code != 0 {
			t.Fatalf("repair %d = %d\n%s%s", run, code, out, errs)
		}
		if run == 1 && !strings.Contains(out, "repaired") {
			t.Errorf("repair 1 does not say it repaired:\n%s", out)
		}
		if run == 2 && !strings.Contains(out, "0 differ from the records; 0 counter(s) differ") {
			t.Errorf("repair 2 found more to do:\n%s", out)
		}
		got, err := st.ReadTotals(ctx, prog.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := totals.Diff(got, good); len(d) > 0 {
			t.Errorf("after repair %d: %v", run, d)
		}
	}
	in := loadInput(t, st, prog)
	if got, _ := st.ReadTotals(ctx, prog.ID); len(totals.Diff(got, health.Recount(in))) > 0 {
		t.Errorf("repaired totals differ from the recount: %v", totals.Diff(got, health.Recount(in)))
	}
}

// raiseCounter adds n to a counter on the first shard that holds it.
func raiseCounter(t *testing.T, db *dynamodb.Client, table, programmeID, name string, n int64) {
	t.Helper()
	ctx := context.Background()
	for shard := 0; shard < store.TotalShards; shard++ {
		k := map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: fmt.Sprintf("TOTALS#%s#%02d", programmeID, shard)},
			"sk": &types.AttributeValueMemberS{Value: "META"},
		}
		out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: k, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		var item struct {
			Totals totals.Vector `dynamodbav:"totals"`
		}
		if out.Item == nil {
			continue
		}
		if err := attributevalue.UnmarshalMap(out.Item, &item); err != nil {
			t.Fatal(err)
		}
		cur, ok := item.Totals.N[name]
		if !ok {
			continue
		}
		v, _ := attributevalue.Marshal(cur + n)
		_, err = db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: k,
			UpdateExpression:          aws.String("SET #t.#n.#c = :v"),
			ExpressionAttributeNames:  map[string]string{"#t": "totals", "#n": "n", "#c": name},
			ExpressionAttributeValues: map[string]types.AttributeValue{":v": v}})
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("no shard holds %s", name)
}

func loadInput(t *testing.T, st *store.Store, p programme.Programme) health.Input {
	t.Helper()
	ctx := context.Background()
	in := health.Input{Programme: p, Now: time.Date(2027, 1, 20, 12, 0, 0, 0, time.UTC)}
	var err error
	if in.Participants, err = st.ListParticipants(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if in.Pairs, err = st.ListPairs(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if in.Answers, err = st.ListAnswers(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	return in
}

// A reply quarantined before the attention list was an index is missing
// from it: the repair reports it, lists it with --write, and then finds
// nothing to do. A released one stays off the list.
func TestRepairTotalsListsQuarantineKeptBeforeTheIndex(t *testing.T) {
	st, db := stacktest.Store(t)
	ctx := context.Background()
	before := repairStore
	repairStore = func(context.Context, string, string) (*store.Store, error) { return st, nil }
	t.Cleanup(func() { repairStore = before })
	prog := programme.New(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC))
	prog.ID, prog.Name, prog.StartDate, prog.EndDate = ids.New(), "Upgraded", "2027-01-04", "2027-06-25"
	if err := st.CreateProgramme(ctx, prog); err != nil {
		t.Fatal(err)
	}
	// As the store kept them before: no attention keys.
	old := func(key string, released bool) store.Quarantined {
		q := store.Quarantined{Key: key, ReceivedAt: time.Date(2027, 1, 6, 9, 0, 0, 0, time.UTC), Reason: "not from the participant", ProgrammeID: prog.ID}
		if released {
			q.ReleasedAt, q.ReleasedBy = q.ReceivedAt.Add(time.Hour), "coord@example.org"
		}
		item, err := attributevalue.MarshalMap(q)
		if err != nil {
			t.Fatal(err)
		}
		item["pk"] = &types.AttributeValueMemberS{Value: "QUARANTINE"}
		item["sk"] = &types.AttributeValueMemberS{Value: q.ID()}
		item["type"] = &types.AttributeValueMemberS{Value: "quarantine"}
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(st.Table()), Item: item}); err != nil {
			t.Fatal(err)
		}
		return q
	}
	waiting := old("kept-"+ids.New(), false)
	old("released-"+ids.New(), true)
	listed := func() []string {
		page, err := st.Attention(ctx, prog.ID, "", "", 50)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range page.Entries {
			out = append(out, e.QuarantineID)
		}
		return out
	}
	if got := listed(); len(got) != 0 {
		t.Fatalf("listed before the repair: %v", got)
	}
	args := []string{"repair-totals", "--table", st.Table(), "--programme", prog.ID}
	code, out, errs := runCLI(t, args...)
	if code == 0 || !strings.Contains(out, "1 quarantined reply missing from the attention list") || len(listed()) != 0 {
		t.Fatalf("the report: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs = runCLI(t, append(args, "--write")...); code != 0 || !strings.Contains(out, "repaired") {
		t.Fatalf("the repair: exit %d\n%s%s", code, out, errs)
	}
	if got := listed(); len(got) != 1 || got[0] != waiting.ID() {
		t.Errorf("listed after the repair: %v, want only %s", got, waiting.ID())
	}
	if code, out, errs = runCLI(t, args...); code != 0 || strings.Contains(out, "quarantined") {
		t.Errorf("run again: exit %d\n%s%s", code, out, errs)
	}
}
