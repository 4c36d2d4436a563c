package devstack_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
)

// received is one email as a person saw it: what kind, and the local time
// on the dev clock when the tick that sent it ran.
type received struct {
	Kind  string
	Local string // "Mon 2006-01-02 15h", or "Mon 2006-01-02 morning" inside the morning window (08:30-11:00, sent by 11:15)
}

func kindOf(subject string) string {
	switch {
	case strings.HasPrefix(subject, "You're invited"):
		return "welcome"
	case strings.HasPrefix(subject, "Meet your reverse mentoring partner"):
		return "intro"
	case strings.HasPrefix(subject, "Before you meet your mentor"):
		return "prepare"
	case strings.HasPrefix(subject, "What do you want from your pairing"):
		return "goal"
	case strings.HasPrefix(subject, "Check-in:"):
		return "checkin"
	case strings.HasPrefix(subject, "Halfway"):
		return "midpoint"
	case strings.HasPrefix(subject, "Time to catch up"):
		return "nudge"
	case strings.Contains(subject, "ends today"):
		return "closing"
	case strings.HasPrefix(subject, "May this story"):
		return "story_consent"
	}
	return "?" + subject
}

type world struct {
	st     *devstack.Stack
	prog   programme.Programme
	people map[string]programme.Participant // by email
	zones  map[string]*time.Location
	seen   map[string]bool // SES message ids already attributed
	got    map[string][]received
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := startStack(t)
	ctx := context.Background()
	// The story starts on Wednesday 30 December 2026, 12:00 UTC.
	start := time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC)
	if err := st.Clock.Advance(start.Sub(st.Now())); err != nil {
		t.Fatal(err)
	}
	p := programme.New(start)
	p.ID, p.Name, p.CreatedAt = ids.New(), "Bridges 2027", start
	// Monday 4 January to Friday 26 March 2027: twelve weeks, biweekly.
	p.StartDate, p.EndDate = "2027-01-04", "2027-03-26"
	if err := st.Store.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	w := &world{st: st, prog: p, people: map[string]programme.Participant{}, zones: map[string]*time.Location{}, seen: map[string]bool{}, got: map[string][]received{}}
	enrol := []programme.Participant{
		{Email: "joao@example.org", Name: "João", Role: programme.Senior, TimeZone: "Europe/Lisbon"},
		{Email: "ana@example.org", Name: "Ana", Role: programme.Junior, TimeZone: "Europe/Lisbon"},
		{Email: "tom@example.org", Name: "Tom", Role: programme.Senior, TimeZone: "Asia/Tokyo"},
		{Email: "kim@example.org", Name: "Kim", Role: programme.Junior, TimeZone: "America/New_York"},
		{Email: "sam@example.org", Name: "Sam", Role: programme.Senior, TimeZone: "Europe/London"},
		{Email: "lee@example.org", Name: "Lee", Role: programme.Junior, TimeZone: "Europe/London"},
	}
	res, err := st.Store.Enrol(ctx, p.ID, enrol, start)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res.Created {
		if _, err := st.Store.SetStatus(ctx, p.ID, x.ID, programme.OptedIn, "test", start); err != nil {
			t.Fatal(err)
		}
		x.Status = programme.OptedIn
		w.people[x.Email] = x
		w.zones[x.Email] = x.Loc()
	}
	return w
}

func (w *world) approve(t *testing.T, pairs ...[2]string) []programme.Pair {
	t.Helper()
	var ps []programme.Pair
	for _, pr := range pairs {
		ps = append(ps, programme.Pair{SeniorID: w.people[pr[0]].ID, JuniorID: w.people[pr[1]].ID, Reasons: []string{"Different departments"}})
	}
	started, err := schedule.Approve(context.Background(), w.st.Store, w.st.Queue, w.prog, ps, w.st.Now())
	if err != nil {
		t.Fatal(err)
	}
	w.st.Queue.Drain()
	w.collect(t)
	return started
}

// collect attributes the emails sent since the last call to the dev clock's
// current time.
func (w *world) collect(t *testing.T) {
	t.Helper()
	all, err := localstack.Emails(context.Background(), w.st.SESURL)
	if err != nil {
		t.Fatal(err)
	}
	now := w.st.Now()
	for _, e := range all {
		if w.seen[e.MessageID] {
			continue
		}
		w.seen[e.MessageID] = true
		for _, to := range e.Destination.To {
			loc := w.zones[to]
			if loc == nil {
				t.Fatalf("email to an unknown address %q", to)
			}
			w.got[to] = append(w.got[to], received{Kind: kindOf(e.Subject), Local: localTime(now.In(loc))})
		}
	}
}

// liveUntil ticks through the programme as the hourly schedule would.
func (w *world) liveUntil(t *testing.T, until time.Time, after func(at time.Time)) {
	t.Helper()
	ctx := context.Background()
	for {
		at, ok, err := w.st.Step(ctx, until)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return
		}
		w.collect(t)
		if after != nil {
			after(at)
		}
	}
}

func TestAProgrammeLivedThroughOnTheDevClock(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pairs := w.approve(t, [2]string{"joao@example.org", "ana@example.org"}, [2]string{"tom@example.org", "kim@example.org"}, [2]string{"sam@example.org", "lee@example.org"})
	joaoAna, tomKim, samLee := pairs[0], pairs[1], pairs[2]

	// Tom and Kim report a meeting after every check-in (what the inbound
	// handler records); João and Ana never do; Sam pauses after check-in 1.
	paused := false
	w.liveUntil(t, time.Date(2027, 4, 30, 0, 0, 0, 0, time.UTC), func(at time.Time) {
		cycle := schedule.NewPlan(w.prog, tomKim).LatestDue(w.zones["kim@example.org"], at)
		if cycle > 0 {
			if err := w.st.Store.RecordContact(ctx, w.prog.ID, tomKim.ID, cycle, true, at); err != nil {
				t.Fatal(err)
			}
		}
		if !paused && count(w.got["sam@example.org"], "checkin") == 1 {
			paused = true
			pause := lifecycle.Change{Transition: lifecycle.Pause, By: lifecycle.Participant(samLee.SeniorID), At: at, Until: at.AddDate(0, 0, 30)}
			if _, err := (&lifecycle.Service{Store: w.st.Store, Queue: w.st.Queue}).Apply(ctx, w.prog, samLee, pause); err != nil {
				t.Fatal(err)
			}
		}
	})

	want := map[string][]received{
		// Seniors are prepared for being mentored before the introduction.
		// Lisbon is UTC+0 in winter: approval on Wednesday, then every
		// other Monday morning, the senior nudged at cycle 3 (which was the
		// midpoint), the junior at cycle 4, and the closing on Friday 26 March.
		"joao@example.org": {
			{"prepare", "Wed 2026-12-30 12h"}, {"intro", "Wed 2026-12-30 12h"}, {"goal", "Wed 2026-12-30 12h"},
			{"checkin", "Mon 2027-01-18 morning"}, {"checkin", "Mon 2027-02-01 morning"}, {"nudge", "Mon 2027-02-15 morning"},
			{"checkin", "Mon 2027-03-01 morning"}, {"checkin", "Mon 2027-03-15 morning"}, {"closing", "Fri 2027-03-26 morning"},
		},
		"ana@example.org": {
			{"intro", "Wed 2026-12-30 12h"}, {"goal", "Wed 2026-12-30 12h"},
			{"checkin", "Mon 2027-01-18 morning"}, {"checkin", "Mon 2027-02-01 morning"}, {"midpoint", "Mon 2027-02-15 morning"},
			{"nudge", "Mon 2027-03-01 morning"}, {"checkin", "Mon 2027-03-15 morning"}, {"closing", "Fri 2027-03-26 morning"},
		},
		// Tokyo and New York: the same days, each in their own morning.
		"tom@example.org": {
			{"prepare", "Wed 2026-12-30 21h"}, {"intro", "Wed 2026-12-30 21h"}, {"goal", "Wed 2026-12-30 21h"},
			{"checkin", "Mon 2027-01-18 morning"}, {"checkin", "Mon 2027-02-01 morning"}, {"midpoint", "Mon 2027-02-15 morning"},
			{"checkin", "Mon 2027-03-01 morning"}, {"checkin", "Mon 2027-03-15 morning"}, {"closing", "Fri 2027-03-26 morning"},
		},
		"kim@example.org": {
			{"intro", "Wed 2026-12-30 07h"}, {"goal", "Wed 2026-12-30 07h"},
			{"checkin", "Mon 2027-01-18 morning"}, {"checkin", "Mon 2027-02-01 morning"}, {"midpoint", "Mon 2027-02-15 morning"},
			{"checkin", "Mon 2027-03-01 morning"}, {"checkin", "Mon 2027-03-15 morning"}, {"closing", "Fri 2027-03-26 morning"},
		},
		// Sam paused for 30 days after the first check-in: the check-ins of
		// 1 and 15 February are held, the schedule resumes on 1 March, and the
		// pause does not count towards stalling.
		"sam@example.org": {
			{"prepare", "Wed 2026-12-30 12h"}, {"intro", "Wed 2026-12-30 12h"}, {"goal", "Wed 2026-12-30 12h"},
			{"checkin", "Mon 2027-01-18 morning"}, {"checkin", "Mon 2027-03-01 morning"}, {"checkin", "Mon 2027-03-15 morning"}, {"closing", "Fri 2027-03-26 morning"},
		},
		"lee@example.org": {
			{"intro", "Wed 2026-12-30 12h"}, {"goal", "Wed 2026-12-30 12h"},
			{"checkin", "Mon 2027-01-18 morning"}, {"checkin", "Mon 2027-03-01 morning"}, {"checkin", "Mon 2027-03-15 morning"}, {"closing", "Fri 2027-03-26 morning"},
		},
	}
	// Emails due in the same hour are sent in parallel, in any order: each
	// person's emails compare by hour, then kind.
	byTime := cmpopts.SortSlices(func(a, b received) bool {
		return a.Local < b.Local || a.Local == b.Local && a.Kind < b.Kind
	})
	for addr, seq := range want {
		if diff := cmp.Diff(seq, w.got[addr], byTime); diff != "" {
			t.Errorf("emails to %s (-want +got):\n%s", addr, diff)
		}
	}

	// Status only on the attention list: João and Ana, flagged at cycle 4.
	got, _ := w.st.Store.GetPair(ctx, w.prog.ID, joaoAna.ID)
	if !got.Attention || got.AttentionReason != "No replies to the last three check-ins" {
		t.Errorf("stalled pair: attention %v %q", got.Attention, got.AttentionReason)
	}
	for _, p := range []programme.Pair{tomKim, samLee} {
		got, _ := w.st.Store.GetPair(ctx, w.prog.ID, p.ID)
		if got.Attention {
			t.Errorf("pair %s is on the attention list: %q", p.ID, got.AttentionReason)
		}
	}
	for _, p := range pairs {
		got, _ := w.st.Store.GetPair(ctx, w.prog.ID, p.ID)
		if got.State != programme.PairEnded {
			t.Errorf("after the closing, pair %s is %s, want ended", p.ID, got.State)
		}
	}
	if got, _ := w.st.Store.GetPair(ctx, w.prog.ID, samLee.ID); !got.ResumedAt.After(got.PausedAt) {
		t.Errorf("Sam's pause: paused at %v, resumed at %v; want the tick to record the resumption", got.PausedAt, got.ResumedAt)
	}

	// The dashboard's "check-ins asked" is worked out from the plan; it must
	// match what the tick really sent, held check-ins and time zones included.
	sent := 0
	for _, seq := range w.got {
		for _, r := range seq {
			if r.Kind != "intro" && r.Kind != "prepare" && r.Kind != "goal" {
				sent++
			}
		}
	}
	in := health.Input{Programme: w.prog, Now: w.st.Now()}
	in.Participants, _ = w.st.Store.ListParticipants(ctx, w.prog.ID)
	in.Pairs, _ = w.st.Store.ListPairs(ctx, w.prog.ID)
	if asked := health.Compute(in).Response.Den; asked != sent {
		t.Errorf("figures count %d check-ins asked; the tick sent %d", asked, sent)
	}
}

func TestIntroductionGoesToBothWithAnInvite(t *testing.T) {
	w := newWorld(t)
	w.approve(t, [2]string{"joao@example.org", "ana@example.org"})
	all, err := localstack.Emails(context.Background(), w.st.SESURL)
	if err != nil {
		t.Fatal(err)
	}
	var intros []localstack.Email
	for _, e := range all {
		if kindOf(e.Subject) == "intro" {
			intros = append(intros, e)
		}
	}
	if len(intros) != 1 {
		t.Fatalf("introductions = %d, want one email to both", len(intros))
	}
	e := intros[0]
	to := append([]string(nil), e.Destination.To...)
	sort.Strings(to)
	if fmt.Sprint(to) != "[ana@example.org joao@example.org]" || fmt.Sprint(e.ReplyTo) != fmt.Sprint([]string{"joao@example.org", "ana@example.org"}) {
		t.Errorf("intro to %v reply-to %v: want both, replying to each other", e.Destination.To, e.ReplyTo)
	}
	for _, want := range []string{"João", "Ana", "WHY YOU WERE MATCHED", w.prog.PurposeStatement, "Share your goals", "confidentiality", "both drive this relationship"} {
		if !strings.Contains(e.Body.Text, want) {
			t.Errorf("intro lacks %q", want)
		}
	}
	// The coordinator's reasons (grades, scores) are for the review page:
	// the two are told what they can give each other.
	if strings.Contains(e.Body.Text, "Different departments") {
		t.Errorf("intro shows the coordinator's reasons:\n%s", e.Body.Text)
	}
	if len(e.Attachments) != 1 || !strings.Contains(e.Attachments[0].ContentType, "text/calendar") {
		t.Fatalf("attachments = %+v, want one calendar file", e.Attachments)
	}
}

// count is how many emails of kind someone received.
func count(rs []received, kind string) int {
	n := 0
	for _, r := range rs {
		if r.Kind == kind {
			n++
		}
	}
	return n
}

type localEmail = localstack.Email

func allEmails(w *world) ([]localEmail, error) {
	return localstack.Emails(context.Background(), w.st.SESURL)
}

// localTime is how a test names when an email arrived: the day and hour,
// or the day's morning for scheduled email, which each pair receives at
// its own minute between 08:30 and 11:00.
func localTime(t time.Time) string {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	// Each pair's minute is in the morning window, and the tick that sends
	// it runs every TickInterval: the last minutes' email leaves at the
	// tick after the window.
	if !t.Before(day.Add(schedule.MorningStart)) && t.Before(day.Add(schedule.MorningStart+schedule.MorningWindow+devstack.TickInterval)) {
		return t.Format("Mon 2006-01-02") + " morning"
	}
	return t.Format("Mon 2006-01-02 15h")
}
