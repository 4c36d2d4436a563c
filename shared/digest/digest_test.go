package digest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/digest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

// A Monday morning, the programme running.
var monday = time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)

func TestTheWeeklyDigestHasFiguresAndNoOnesWords(t *testing.T) {
	t.Parallel()
	sys := stacktest.NewSystem(t, stacktest.Options{Start: monday.AddDate(0, 0, -40)})
	ctx := context.Background()
	p := programme.New(sys.Clock.Now())
	p.ID, p.Name, p.StartDate, p.EndDate = ids.New(), "Bridges 2027", "2027-01-04", "2027-06-30"
	if err := sys.Store.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	other := programme.New(sys.Clock.Now())
	other.ID, other.Name = ids.New(), "Not theirs"
	if err := sys.Store.CreateProgramme(ctx, other); err != nil {
		t.Fatal(err)
	}
	tag := ids.New()[:6]
	people := []programme.Participant{
		{Email: "sen-" + tag + "@example.org", Name: "Zebedee Senior", Role: programme.Senior, Status: programme.OptedIn},
		{Email: "jun-" + tag + "@example.org", Name: "Quentin Junior", Role: programme.Junior, Status: programme.OptedIn},
	}
	res, err := sys.Store.Enrol(ctx, p.ID, people, sys.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := schedule.Approve(ctx, sys.Store, sys.Queue, p, []programme.Pair{{SeniorID: res.Created[0].ID, JuniorID: res.Created[1].ID}}, sys.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	sys.Queue.Drain()
	coord := "coord-" + tag + "@example.org"
	off := "off-" + tag + "@example.org"
	for _, a := range []store.Account{{Email: coord, Role: store.RoleCoordinator, Programmes: []string{p.ID}}, {Email: off, Role: store.RoleAdministrator, DigestOff: true}} {
		if err := sys.Store.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	r := &digest.Runner{Store: sys.Store, Queue: sys.Queue, Clock: sys.Clock, Log: sys.Log}

	sys.Clock.Set(monday.Add(-2 * time.Hour)) // before seven: nothing yet
	if n, err := r.Tick(ctx); err != nil || n != 0 {
		t.Fatalf("Tick before seven queued %d (%v)", n, err)
	}
	sys.Clock.Set(monday)
	for i := 0; i < 3; i++ { // the hourly tick, three times that morning
		if _, err := r.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		sys.Clock.Add(time.Hour)
	}
	sys.Queue.Drain()
	mails := stacktest.Emails(t, coord)
	if len(mails) != 1 {
		t.Fatalf("digests = %d, want 1 for the week", len(mails))
	}
	body := mails[0].Body.Text
	for _, want := range []string{"Bridges 2027", "1 pairs, 2 people enrolled", "Attention list:", "/programmes/" + p.ID + "/attention", "/digest/off?account="} {
		if !strings.Contains(body, want) {
			t.Errorf("the digest lacks %q:\n%s", want, body)
		}
	}
	for _, never := range []string{"Zebedee", "Quentin", people[0].Email, "Not theirs"} {
		if strings.Contains(body, never) || strings.Contains(mails[0].Body.HTML, never) {
			t.Errorf("the digest names %q", never)
		}
	}
	if n := len(stacktest.Emails(t, off)); n != 0 {
		t.Errorf("an account with the digest off got %d", n)
	}
	// Next week, once more.
	sys.Clock.Set(monday.AddDate(0, 0, 7))
	if _, err := r.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	sys.Queue.Drain()
	if n := len(stacktest.Emails(t, coord)); n != 2 {
		t.Errorf("after a second Monday: %d digests, want 2", n)
	}
}

func TestWeekIsItsMonday(t *testing.T) {
	for in, want := range map[string]string{"2027-02-01": "2027-02-01", "2027-02-07": "2027-02-01", "2027-02-03": "2027-02-01", "2027-02-08": "2027-02-08"} {
		d, _ := time.Parse("2006-01-02", in)
		if got := digest.Week(d.Add(10 * time.Hour)); got != want {
			t.Errorf("Week(%s) = %s, want %s", in, got, want)
		}
	}
}
