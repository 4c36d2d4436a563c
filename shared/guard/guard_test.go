package guard_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/guard"
	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

var t0 = time.Date(2027, 1, 18, 10, 0, 0, 0, time.UTC)

// What a page did not finish, the tick does: each change (an enrolment, a
// chart stored by any path) leaves the programme due until a check has
// seen it; a check finds the chain, clears it when the line is gone, and
// repeated finds nothing new.
func TestTheTickChecksWhatChangedSinceTheLastCheck(t *testing.T) {
	t.Parallel()
	sys := stacktest.NewSystem(t, stacktest.Options{Start: t0})
	ctx := context.Background()
	prog := programme.New(t0)
	prog.ID, prog.Name, prog.StartDate, prog.EndDate = ids.New(), "Bridges", "2027-01-04", "2027-06-30"
	if err := sys.Store.CreateProgramme(ctx, prog); err != nil {
		t.Fatal(err)
	}
	tag := ids.New()[:6]
	sen := programme.Participant{Email: "sen-" + tag + "@example.org", Name: "Sen", Role: programme.Senior}
	jun := programme.Participant{Email: "jun-" + tag + "@example.org", Name: "Jun", Role: programme.Junior}
	res, err := sys.Store.Enrol(ctx, prog.ID, []programme.Participant{sen, jun}, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res.Created {
		if x.Role == programme.Senior {
			sen = x
		} else {
			jun = x
		}
	}
	pairs, err := schedule.Approve(ctx, sys.Store, sys.Queue, prog, []programme.Pair{{SeniorID: sen.ID, JuniorID: jun.ID}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	g := &guard.Guard{Store: sys.Store, Clock: sys.Clock, Log: sys.Log}
	due := func(wantFlagged, wantInside int) []guard.Report {
		t.Helper()
		reps, err := g.CheckDue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		flagged, inside := 0, 0
		for _, r := range reps {
			flagged, inside = flagged+len(r.Flagged), inside+r.Inside
		}
		if flagged != wantFlagged || inside != wantInside {
			t.Errorf("check: %d flagged, %d inside; want %d, %d", flagged, inside, wantFlagged, wantInside)
		}
		return reps
	}
	chain := func() []string {
		p, _ := sys.Store.GetPair(ctx, prog.ID, pairs[0].ID)
		return p.ReorgChain
	}
	if reps := due(0, 0); len(reps) != 1 {
		t.Fatalf("the first tick checks the new programme once: %+v", reps)
	}
	if reps := due(0, 0); len(reps) != 0 {
		t.Errorf("nothing changed, yet %d programmes were checked again", len(reps))
	}

	// A CSV re-upload makes the junior report to the senior.
	jun.ManagerEmail = sen.Email
	if _, err := sys.Store.Enrol(ctx, prog.ID, []programme.Participant{jun}, t0); err != nil {
		t.Fatal(err)
	}
	due(1, 1)
	if got := strings.Join(chain(), " → "); got != jun.Email+" → "+sen.Email {
		t.Errorf("chain = %q", got)
	}
	in := health.Input{Programme: prog, Participants: []programme.Participant{sen, jun}}
	in.Pairs, _ = sys.Store.ListPairs(ctx, prog.ID)
	concerns := health.Concerns(in, health.Extras{})
	if len(concerns) == 0 || concerns[0].Kind != health.ConcernReorg || !strings.Contains(concerns[0].Status, jun.Email+" → "+sen.Email) {
		t.Errorf("attention list: %+v", concerns)
	}
	due(0, 0)

	// The manager goes again: the flag goes with it.
	jun.ManagerEmail = ""
	if _, err := sys.Store.Enrol(ctx, prog.ID, []programme.Participant{jun}, t0); err != nil {
		t.Fatal(err)
	}
	due(0, 0)
	if c := chain(); len(c) != 0 {
		t.Errorf("chain after the manager went: %v", c)
	}

	// A chart stored whose check never ran (the page timed out): the next
	// tick finds the line through someone outside the programme.
	mid := "mid-" + tag + "@example.org"
	if _, err := sys.Store.ReplaceOrgChart(ctx, []store.OrgLine{{Employee: jun.Email, Manager: mid}, {Employee: mid, Manager: sen.Email}}, store.OrgChart{Filename: "org.csv"}); err != nil {
		t.Fatal(err)
	}
	due(1, 1)
	if got := strings.Join(chain(), " → "); got != jun.Email+" → "+mid+" → "+sen.Email {
		t.Errorf("chain = %q", got)
	}
}
