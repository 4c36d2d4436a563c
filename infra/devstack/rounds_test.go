package devstack_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/rounds"
)

// roundsWorld is a stack with one programme whose rounds the test controls.
type roundsWorld struct {
	st   *devstack.Stack
	prog programme.Programme
}

func newRoundsWorld(t *testing.T, mode programme.MatchingMode, auto bool, change func(*programme.Programme)) *roundsWorld {
	t.Helper()
	st := startStack(t)
	// Sunday 3 January 2027, noon: the programme starts the next morning.
	now := time.Date(2027, 1, 3, 12, 0, 0, 0, time.UTC)
	if err := st.Clock.Advance(now.Sub(st.Now())); err != nil {
		t.Fatal(err)
	}
	p := programme.New(now)
	p.ID, p.Name, p.CreatedAt = ids.New(), "Rounds "+string(mode), now
	p.StartDate, p.EndDate = "2027-01-04", "2027-06-25"
	p.MatchingMode, p.AutoApprove = mode, auto
	if change != nil {
		change(&p)
	}
	if errs := p.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	if err := st.Store.CreateProgramme(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return &roundsWorld{st: st, prog: p}
}

// optIn enrols people as opted in (as if they had replied JOIN).
func (w *roundsWorld) optIn(t *testing.T, people ...string) map[string]programme.Participant {
	t.Helper()
	ctx := context.Background()
	var in []programme.Participant
	for _, p := range people {
		role, name, _ := strings.Cut(p, ":")
		r, _ := programme.ParseRole(role)
		in = append(in, programme.Participant{Email: strings.ToLower(name) + "@example.org", Name: name, Role: r, Department: name, TimeZone: "Europe/Lisbon"})
	}
	res, err := w.st.Store.Enrol(ctx, w.prog.ID, in, w.st.Now())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]programme.Participant{}
	for _, x := range res.Created {
		if _, err := w.st.Store.SetStatus(ctx, w.prog.ID, x.ID, programme.OptedIn, "test", w.st.Now()); err != nil {
			t.Fatal(err)
		}
		out[x.Name] = x
	}
	w.st.Queue.Drain()
	return out
}

// livePairs names the programme's live pairs as "Senior/Junior".
func (w *roundsWorld) pairs(t *testing.T, live bool) []string {
	t.Helper()
	ctx := context.Background()
	people, _ := w.st.Store.ListParticipants(ctx, w.prog.ID)
	names := map[string]string{}
	for _, p := range people {
		names[p.ID] = p.Name
	}
	prs, err := w.st.Store.ListPairs(ctx, w.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range prs {
		if !live || p.State.Live() {
			out = append(out, names[p.SeniorID]+"/"+names[p.JuniorID])
		}
	}
	sort.Strings(out)
	return out
}

func (w *roundsWorld) advanceTo(t *testing.T, at time.Time) {
	t.Helper()
	if err := w.st.Advance(context.Background(), at.Sub(w.st.Now())); err != nil {
		t.Fatal(err)
	}
}

func (w *roundsWorld) emails(t *testing.T, to, subjectHas string) []localstack.Email {
	return emailsAbout(t, w.st, to, subjectHas)
}

// emailsAbout lists the emails sent so far to an address whose subject
// contains has.
func emailsAbout(t *testing.T, st *devstack.Stack, to, has string) []localstack.Email {
	t.Helper()
	var out []localstack.Email
	for _, e := range emailsTo(t, st, to) {
		if strings.Contains(e.Subject, has) {
			out = append(out, e)
		}
	}
	return out
}

func TestRollingRoundMatchesLateJoinersOnTheNextRoundDay(t *testing.T) {
	w := newRoundsWorld(t, programme.ModeRolling, false, nil)
	ctx := context.Background()
	w.optIn(t, "senior:Ada", "junior:Ben", "senior:Cyd", "junior:Dee")

	// Monday 4 January, 06:00 UTC: round 0 proposes; nobody is told until
	// the coordinator approves from the link in the summary email.
	w.advanceTo(t, time.Date(2027, 1, 4, 7, 0, 0, 0, time.UTC))
	summaries := w.emails(t, coordinator, "new pairs to review")
	if len(summaries) != 1 {
		t.Fatalf("round summaries = %d, want 1", len(summaries))
	}
	link := "/programmes/" + w.prog.ID + "/proposals/" + rounds.ProposalID(0)
	if !strings.Contains(summaries[0].Body.Text, w.st.WebURL+link) {
		t.Errorf("summary does not link to the review page %s:\n%s", link, summaries[0].Body.Text)
	}
	if got := w.pairs(t, true); len(got) != 0 {
		t.Fatalf("pairs before approval: %v", got)
	}
	if _, err := w.st.Review.Approve(ctx, w.prog.ID, rounds.ProposalID(0), coordinator); err != nil {
		t.Fatal(err)
	}
	w.st.Queue.Drain()
	first := w.pairs(t, true)
	if len(first) != 2 {
		t.Fatalf("after approving round 0: %v", first)
	}

	// Three people opt in on Wednesday; the next round day is Monday 11th.
	w.advanceTo(t, time.Date(2027, 1, 6, 10, 0, 0, 0, time.UTC))
	w.optIn(t, "senior:Eve", "junior:Fox", "senior:Gus")
	w.advanceTo(t, time.Date(2027, 1, 11, 5, 59, 0, 0, time.UTC))
	if n := len(w.emails(t, coordinator, "new pairs to review")); n != 1 {
		t.Fatalf("a round ran before its day: %d summaries", n)
	}
	w.advanceTo(t, time.Date(2027, 1, 11, 7, 0, 0, 0, time.UTC))
	summaries = w.emails(t, coordinator, "new pairs to review")
	if len(summaries) != 2 {
		t.Fatalf("round summaries = %d, want 2", len(summaries))
	}
	body := summaries[1].Body.Text
	if !strings.Contains(body, "It proposes 1 new pair") || !strings.Contains(body, "Not matched this round (1)") {
		t.Errorf("round 1 summary:\n%s", body)
	}
	if _, err := w.st.Review.Approve(ctx, w.prog.ID, rounds.ProposalID(1), coordinator); err != nil {
		t.Fatal(err)
	}
	w.st.Queue.Drain()
	all := w.pairs(t, true)
	if len(all) != 3 {
		t.Fatalf("pairs after round 1 = %v", all)
	}
	// The first round's pairs stand.
	for _, p := range first {
		if !contains(all, p) {
			t.Errorf("pair %s of round 0 is gone after round 1: %v", p, all)
		}
	}
	// Fox is the only new junior: introduced once, with one of the two
	// new seniors; the other waits for the next round.
	if n := len(w.emails(t, "fox@example.org", "Meet your reverse mentoring partner")); n != 1 {
		t.Errorf("Fox got %d introductions, want 1", n)
	}
	introduced := len(w.emails(t, "eve@example.org", "Meet your reverse mentoring partner")) + len(w.emails(t, "gus@example.org", "Meet your reverse mentoring partner"))
	if introduced != 1 {
		t.Errorf("Eve and Gus got %d introductions between them, want 1", introduced)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestRematchLeadsToANewPairAtTheNextRoundAndNeverTheOldOne(t *testing.T) {
	w := newRoundsWorld(t, programme.ModeRolling, true, func(p *programme.Programme) {
		p.RoundCadence = programme.Biweekly
		p.CheckInCadence = programme.Weekly
	})
	ctx := context.Background()
	w.optIn(t, "senior:Ada", "junior:Ben", "senior:Cyd", "junior:Dee", "junior:Eli")
	w.advanceTo(t, time.Date(2027, 1, 4, 7, 0, 0, 0, time.UTC))
	round0 := w.pairs(t, true)
	if len(round0) != 2 {
		t.Fatalf("round 0 = %v", round0)
	}
	// Ada's partner in round 0.
	var adaPartner string
	for _, p := range round0 {
		if strings.HasPrefix(p, "Ada/") {
			adaPartner = strings.TrimPrefix(p, "Ada/")
		}
	}
	// Monday 11th: the first check-in; Ada replies REMATCH to it.
	w.advanceTo(t, time.Date(2027, 1, 11, 11, 0, 0, 0, time.UTC))
	checkins := w.emails(t, "ada@example.org", "Check-in:")
	if len(checkins) != 1 {
		t.Fatalf("Ada's check-ins = %d", len(checkins))
	}
	raw := fmt.Sprintf("From: Ada <ada@example.org>\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <ada-rematch@example.org>\r\n\r\nREMATCH please\r\n", checkins[0].ReplyTo[0], checkins[0].Subject)
	if _, err := w.st.Inbox.Receive(ctx, checkins[0].ReplyTo, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	w.st.Queue.Drain()
	partnerEmail := strings.ToLower(adaPartner) + "@example.org"
	if got := w.emails(t, partnerEmail, "has ended"); len(got) != 1 || !strings.Contains(got[0].Body.Text, "nobody's fault") || !strings.Contains(got[0].Body.Text, "next round, on Monday 18 January") {
		t.Errorf("the partner's no-fault email = %+v", got)
	}
	// Monday 18th, 06:00: the next round pairs Ada with someone new.
	w.advanceTo(t, time.Date(2027, 1, 18, 7, 0, 0, 0, time.UTC))
	live := w.pairs(t, true)
	var adaNew string
	for _, p := range live {
		if strings.HasPrefix(p, "Ada/") {
			adaNew = strings.TrimPrefix(p, "Ada/")
		}
	}
	if adaNew == "" || adaNew == adaPartner {
		t.Errorf("after the rematch Ada is paired with %q (old partner %s); live pairs %v", adaNew, adaPartner, live)
	}
	// Later rounds never propose the old pair again.
	w.advanceTo(t, time.Date(2027, 3, 1, 7, 0, 0, 0, time.UTC))
	everything := w.pairs(t, false)
	if n := countOf(everything, "Ada/"+adaPartner); n != 1 {
		t.Errorf("Ada/%s was paired %d times: %v", adaPartner, n, everything)
	}
}

func countOf(xs []string, x string) int {
	n := 0
	for _, y := range xs {
		if y == x {
			n++
		}
	}
	return n
}

func TestRotationThroughTwoRoundsNeverRepeatsAPair(t *testing.T) {
	w := newRoundsWorld(t, programme.ModeRotation, true, func(p *programme.Programme) { p.RotationMonths = 1 })
	w.optIn(t, "senior:Ada", "junior:Ben", "senior:Cyd", "junior:Dee", "senior:Eve", "junior:Fox")
	var rounds [][]string
	for _, at := range []time.Time{
		time.Date(2027, 1, 4, 7, 0, 0, 0, time.UTC), // round 0
		time.Date(2027, 2, 4, 7, 0, 0, 0, time.UTC), // round 1
		time.Date(2027, 3, 4, 7, 0, 0, 0, time.UTC), // round 2
	} {
		w.advanceTo(t, at)
		live := w.pairs(t, true)
		if len(live) != 3 {
			t.Fatalf("live pairs at %s = %v, want 3", at, live)
		}
		rounds = append(rounds, live)
	}
	seen := map[string]int{}
	for i, r := range rounds {
		for _, p := range r {
			if prev, ok := seen[p]; ok {
				t.Errorf("pair %s repeated in round %d (first in round %d)", p, i, prev)
			}
			seen[p] = i
		}
	}
	// Each round's end was a kind goodbye to everyone, with a chance to
	// thank their partner.
	for _, who := range []string{"ada@example.org", "fox@example.org"} {
		if got := w.emails(t, who, "ends today: thank you"); len(got) != 2 {
			t.Errorf("%s got %d round-end emails, want 2", who, len(got))
		}
		if got := w.emails(t, who, "Meet your reverse mentoring partner"); len(got) != 3 {
			t.Errorf("%s got %d introductions, want 3", who, len(got))
		}
	}
}

func TestTwoTicksAndTwoApprovalsMakeOneRound(t *testing.T) {
	w := newRoundsWorld(t, programme.ModeRolling, false, nil)
	ctx := context.Background()
	w.optIn(t, "senior:Ada", "junior:Ben", "senior:Cyd", "junior:Dee")
	if err := w.st.Clock.Advance(time.Date(2027, 1, 4, 6, 30, 0, 0, time.UTC).Sub(w.st.Now())); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.st.Rounds.Tick(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if err := w.st.Rounds.Tick(ctx); err != nil { // and a late third
		t.Fatal(err)
	}
	props, err := w.st.Store.ListProposals(ctx, w.prog.ID)
	if err != nil || len(props) != 1 {
		t.Fatalf("proposals = %d (%v), want one round", len(props), err)
	}
	for i := 0; i < 2; i++ {
		if _, err := w.st.Review.Approve(ctx, w.prog.ID, rounds.ProposalID(0), coordinator); err != nil {
			t.Fatal(err)
		}
	}
	w.st.Queue.Drain()
	if got := w.pairs(t, false); len(got) != 2 {
		t.Errorf("pairs = %v, want 2", got)
	}
	for _, who := range []string{"ada@example.org", "ben@example.org", "cyd@example.org", "dee@example.org"} {
		if n := len(w.emails(t, who, "Meet your reverse mentoring partner")); n != 1 {
			t.Errorf("%s got %d introductions, want 1", who, n)
		}
	}
	if n := len(w.emails(t, coordinator, "new pairs to review")); n != 1 {
		t.Errorf("coordinator summaries = %d, want 1", n)
	}
}
