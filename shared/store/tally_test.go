package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/totals"
)

// totalsProgramme is five pairs four check-ins in, every email asked as the
// tick asks it, with answers that exercise each figure: a junior who
// mentors two seniors (one person, two pairs), a NO, a rating-only answer.
type totalsProgramme struct {
	prog    programme.Programme
	people  []programme.Participant
	pairs   []programme.Pair
	answers []store.Answer
	asks    []store.Asked
	now     time.Time
}

// newTotalsProgramme enrols the people (the store names them) and works
// out the rest from their ids.
func newTotalsProgramme(t *testing.T, s *store.Store) totalsProgramme {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	var tp totalsProgramme
	tp.prog = programme.New(start)
	tp.prog.ID, tp.prog.Name = "0000000000000t01", "Totals"
	tp.prog.StartDate, tp.prog.EndDate = "2027-01-04", "2027-06-25"
	tp.prog.CheckInCadence = programme.Biweekly
	tp.now = time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := s.CreateProgramme(ctx, tp.prog); err != nil {
		t.Fatal(err)
	}
	var enrol []programme.Participant
	for _, name := range []string{"j0", "s0", "s1", "s2", "j2", "s3", "j3", "s4", "j4"} {
		role := programme.Senior
		if name[0] == 'j' {
			role = programme.Junior
		}
		enrol = append(enrol, programme.Participant{Email: name + "@example.org", Name: name, Role: role})
	}
	res, err := s.Enrol(ctx, tp.prog.ID, enrol, start)
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]string{}
	for _, p := range res.Created {
		p, err := s.SetStatus(ctx, tp.prog.ID, p.ID, programme.OptedIn, "joined", start)
		if err != nil {
			t.Fatal(err)
		}
		tp.people = append(tp.people, p)
		id[p.Name] = p.ID
	}
	// j0 mentors s0 and s1.
	juniors := []string{"j0", "j0", "j2", "j3", "j4"}
	for i := 0; i < 5; i++ {
		tp.pairs = append(tp.pairs, programme.Pair{ID: fmt.Sprintf("000000000000p00%d", i), ProgrammeID: tp.prog.ID,
			SeniorID: id[fmt.Sprintf("s%d", i)], JuniorID: id[juniors[i]], State: programme.PairActive, StartDate: "2027-01-04"})
	}
	for i, p := range tp.pairs {
		plan := schedule.NewPlan(tp.prog, p)
		plan.Offset = schedule.Spread(p.ID)
		for k := 1; k <= plan.Closing(); k++ {
			at := plan.Delivery(k, time.UTC)
			if at.After(tp.now) {
				break
			}
			for j, side := range []struct {
				id   string
				role programme.Role
			}{{p.SeniorID, programme.Senior}, {p.JuniorID, programme.Junior}} {
				tp.asks = append(tp.asks, store.Asked{ProgrammeID: tp.prog.ID, PairID: p.ID, ParticipantID: side.id, Role: side.role, Cycle: k, At: at, Closing: k == plan.Closing()})
				if (k+i+j)%3 == 0 && i != 4 {
					continue // unanswered
				}
				met := k%2 == 1 || side.role == programme.Junior
				rating := 1 + (k+i)%5
				a := store.Answer{ProgrammeID: tp.prog.ID, PairID: p.ID, ParticipantID: side.id, Role: side.role, Cycle: k, Kind: "checkin",
					Met: &met, Rating: &rating, At: at.Add(time.Hour)}
				if i == 3 && k == 2 {
					a.Met = nil // a rating alone
				}
				tp.answers = append(tp.answers, a)
			}
		}
	}
	return tp
}

// record stores the pairs, asks and answers through the store's own calls,
// each twice (an approval run again, a redelivered tick, a replayed reply).
func (tp totalsProgramme) record(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	for round := 0; round < 2; round++ {
		for _, p := range tp.pairs {
			if err := s.CreatePair(ctx, p); err != nil && !(round == 1 && errors.Is(err, store.ErrConflict)) {
				t.Fatal(err)
			}
		}
		for _, a := range tp.asks {
			if err := s.RecordAsked(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		for _, a := range tp.answers {
			if err := s.PutAnswer(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func (tp totalsProgramme) input() health.Input {
	return health.Input{Programme: tp.prog, Participants: tp.people, Pairs: tp.pairs, Answers: tp.answers, Now: tp.now}
}

// TestFiguresFromTotalsAreFiguresFromRecords: the dashboard's figures, read
// off the stored counters after every event was recorded twice, are the
// figures computed from every record.
func TestFiguresFromTotalsAreFiguresFromRecords(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	tp := newTotalsProgramme(t, s)
	tp.record(t, s)
	got, err := s.ReadTotals(context.Background(), tp.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := health.Recount(tp.input())
	if d := totals.Diff(got, want); len(d) > 0 {
		t.Errorf("stored totals differ from the records' (after every event twice):\n%v", d)
	}
	if diff := cmp.Diff(health.Compute(tp.input()), health.FromTotals(got, tp.now)); diff != "" {
		t.Errorf("figures (-from records +from totals):\n%s", diff)
	}
	// The junior in two pairs is one person behind each figure.
	if n := got.N[totals.Paired]; n != 9 {
		t.Errorf("paired = %d, want 9 people in 5 pairs", n)
	}
}

// crashing is the table as seen by a process that dies at its n-th write:
// before the write reaches DynamoDB, or after (the write happened, the
// answer never came back). DynamoDB cannot be made to do this, so it is a
// fault-injecting wrapper around the emulator's client.
type crashing struct {
	store.DynamoDB
	at     int64 // the write that fails (1-based); 0: none
	after  bool
	writes atomic.Int64
}

var errCrash = errors.New("injected crash")

func (c *crashing) write(do func() error) error {
	n := c.writes.Add(1)
	if n != c.at {
		return do()
	}
	if c.after {
		_ = do() // whatever it did, the process died before hearing of it
	}
	return errCrash
}

func (c *crashing) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	var out *dynamodb.PutItemOutput
	err := c.write(func() (err error) { out, err = c.DynamoDB.PutItem(ctx, in, o...); return err })
	return out, err
}

func (c *crashing) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	var out *dynamodb.UpdateItemOutput
	err := c.write(func() (err error) { out, err = c.DynamoDB.UpdateItem(ctx, in, o...); return err })
	return out, err
}

func (c *crashing) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	var out *dynamodb.DeleteItemOutput
	err := c.write(func() (err error) { out, err = c.DynamoDB.DeleteItem(ctx, in, o...); return err })
	return out, err
}

// onePair is a programme of one pair asked check-in 1, and the senior's
// answer to it, not yet recorded.
func onePair(t *testing.T, s *store.Store, id string) (totalsProgramme, store.Answer) {
	t.Helper()
	ctx := context.Background()
	tp := totalsProgramme{now: time.Date(2027, 1, 20, 12, 0, 0, 0, time.UTC)}
	tp.prog = programme.New(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC))
	tp.prog.ID, tp.prog.Name, tp.prog.CheckInCadence = id, "One pair", programme.Biweekly
	tp.prog.StartDate, tp.prog.EndDate = "2027-01-04", "2027-06-25"
	if err := s.CreateProgramme(ctx, tp.prog); err != nil {
		t.Fatal(err)
	}
	res, err := s.Enrol(ctx, id, []programme.Participant{{Email: "s@example.org", Name: "S", Role: programme.Senior}, {Email: "j@example.org", Name: "J", Role: programme.Junior}}, tp.now)
	if err != nil || len(res.Created) != 2 {
		t.Fatalf("enrol: %+v, %v", res, err)
	}
	tp.people = res.Created
	sen, jun := tp.people[0], tp.people[1]
	if sen.Role != programme.Senior {
		sen, jun = jun, sen
	}
	p := programme.Pair{ID: "00000000000000p1", ProgrammeID: id, SeniorID: sen.ID, JuniorID: jun.ID, State: programme.PairActive, StartDate: "2027-01-04"}
	tp.pairs = []programme.Pair{p}
	plan := schedule.NewPlan(tp.prog, p)
	plan.Offset = schedule.Spread(p.ID)
	at := plan.Delivery(1, time.UTC)
	tp.asks = []store.Asked{
		{ProgrammeID: id, PairID: p.ID, ParticipantID: sen.ID, Role: programme.Senior, Cycle: 1, At: at},
		{ProgrammeID: id, PairID: p.ID, ParticipantID: jun.ID, Role: programme.Junior, Cycle: 1, At: at},
	}
	tp.record(t, s)
	met, rating := true, 4
	return tp, store.Answer{ProgrammeID: id, PairID: p.ID, ParticipantID: sen.ID, Role: programme.Senior, Cycle: 1, Kind: "checkin", Met: &met, Rating: &rating, At: at.Add(time.Hour)}
}

// TestAnAnswerCountsOnceWhereverTheHandlerDies records one answer with the
// process dying at each of its writes in turn, before or after the write,
// then records it again as the redelivered event would: the totals count
// it exactly once every time.
func TestAnAnswerCountsOnceWhereverTheHandlerDies(t *testing.T) {
	t.Parallel()
	clean, db := stacktest.Store(t)
	ctx := context.Background()

	// How many writes a clean recording makes.
	tp, answer := onePair(t, clean, "000000000000c000")
	counting := &crashing{DynamoDB: db}
	if err := store.New(counting, clean.Table()).PutAnswer(ctx, answer); err != nil {
		t.Fatal(err)
	}
	n := counting.writes.Load()
	if n < 5 {
		t.Fatalf("a recording made %d writes", n)
	}
	tp.answers = []store.Answer{answer}
	if got, _ := clean.ReadTotals(ctx, tp.prog.ID); len(totals.Diff(got, health.Recount(tp.input()))) > 0 {
		t.Fatalf("a clean recording: %v", totals.Diff(got, health.Recount(tp.input())))
	}

	for at := int64(1); at <= n; at++ {
		for _, after := range []bool{false, true} {
			t.Run(fmt.Sprintf("write %d, after it %v", at, after), func(t *testing.T) {
				t.Parallel()
				tp, answer := onePair(t, clean, fmt.Sprintf("000000000000c%d%02d", map[bool]int{false: 0, true: 1}[after], at))
				tp.answers = []store.Answer{answer}
				want := health.Recount(tp.input())
				dying := &crashing{DynamoDB: db, at: at, after: after}
				// Its summaries lie on other shards than the counted
				// recording's, which can take a write or two fewer: then
				// it finishes, and must still count once when replayed.
				if err := store.New(dying, clean.Table()).PutAnswer(ctx, answer); err != nil && !errors.Is(err, errCrash) {
					t.Fatalf("the recording failed otherwise: %v", err)
				}
				// Meanwhile other events move the same counter shards on
				// (someone paired in another programme's words: one more
				// person paired each).
				for i, id := range []string{answer.PairID, answer.ParticipantID} {
					other := sameShard(tp.prog.ID, id, i)
					err := clean.TallyPerson(ctx, tp.prog.ID, other, false, func(p *totals.Person) { p.AddPair("00000000000000zz", programme.Junior) })
					if err != nil {
						t.Fatal(err)
					}
					want.Add(totals.Vector{N: totals.Counts{totals.Paired: 1}})
				}
				// The redelivered event, twice for good measure.
				for i := 0; i < 2; i++ {
					if err := clean.PutAnswer(ctx, answer); err != nil {
						t.Fatalf("replay: %v", err)
					}
				}
				got, err := clean.ReadTotals(ctx, tp.prog.ID)
				if err != nil {
					t.Fatal(err)
				}
				if d := totals.Diff(got, want); len(d) > 0 {
					t.Errorf("counted wrong: %v", d)
				}
			})
		}
	}
}

// sameShard is a participant id whose summary shares id's counter shard
// (the nth such id, so that two calls can give two people).
func sameShard(programmeID, id string, nth int) string {
	for i := nth << 32; ; i++ {
		other := fmt.Sprintf("%016x", i)
		if other != id && store.ShardOfSummary(programmeID, other) == store.ShardOfSummary(programmeID, id) {
			return other
		}
	}
}

// TestConcurrentRecordingsCountOnce: the same answers recorded by several
// handlers at once (a reply and its redelivery, racing), with other
// answers on the same counter shards, count once each.
func TestConcurrentRecordingsCountOnce(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	tp := newTotalsProgramme(t, s)
	answers := tp.answers
	tp.answers = nil
	tp.record(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(answers))
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range answers {
				// Each worker goes through them from a different place.
				if err := s.PutAnswer(context.Background(), answers[(i+w*len(answers)/4)%len(answers)]); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	tp.answers = answers
	got, err := s.ReadTotals(context.Background(), tp.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := totals.Diff(got, health.Recount(tp.input())); len(d) > 0 {
		t.Errorf("counted wrong: %v", d)
	}
}

// The tick's way of counting — asks recorded a batch at a time, their ops
// counted by a Counter many to a shard write — gives the records' figures
// too: with answers counted one by one at the same moment on the same
// shards, with every batch recorded twice, and with one batch whose ops
// were never handed to a counter (a tick that died after writing its
// summaries), which the next event on those summaries counts.
func TestAsksCountedInBatchesGiveTheRecordsFigures(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	tp := newTotalsProgramme(t, s)
	for _, p := range tp.pairs {
		if err := s.CreatePair(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// The first batch's ops are lost, as if the tick died.
	lost, err := s.RecordAsks(ctx, tp.asks[:7])
	if err != nil || len(lost) == 0 {
		t.Fatalf("the lost batch: %d pending, %v", len(lost), err)
	}
	for round := 0; round < 2; round++ {
		c := s.NewCounter(ctx)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for start := 0; start < len(tp.asks); start += 5 {
			batch := tp.asks[start:min(start+5, len(tp.asks))]
			wg.Add(1)
			go func() {
				defer wg.Done()
				pending, err := s.RecordAsks(ctx, batch)
				if err != nil {
					errs <- err
					return
				}
				c.Add(pending...)
			}()
		}
		for _, a := range tp.answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.PutAnswer(ctx, a); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		ops, writes, err := c.Close()
		if err != nil {
			t.Fatal(err)
		}
		if round == 0 && (ops == 0 || writes > ops) {
			t.Errorf("the first round counted %d ops in %d writes", ops, writes)
		}
		if round == 1 && ops != 0 {
			t.Errorf("recording the same asks again counted %d ops, want none", ops)
		}
	}
	got, err := s.ReadTotals(ctx, tp.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := totals.Diff(got, health.Recount(tp.input())); len(d) > 0 {
		t.Errorf("totals counted in batches differ from the records':\n%v", d)
	}
}
