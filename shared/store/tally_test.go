package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

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
