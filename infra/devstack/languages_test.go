package devstack_test

import (
	"context"
	"encoding/base64"
	"regexp"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
)

// A programme lived through with people who read four languages in five
// time zones: every email reaches each person in their own language, in
// their own morning; each pair's introduction goes to each in their own
// language and proposes a first meeting inside both working days.
func TestAProgrammeInFourLanguagesAndFiveTimeZones(t *testing.T) {
	st := startStack(t)
	ctx := context.Background()
	start := time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC)
	if err := st.Clock.Advance(start.Sub(st.Now())); err != nil {
		t.Fatal(err)
	}
	p := programme.New(start)
	p.ID, p.Name, p.CreatedAt = ids.New(), "Brücken", start
	p.StartDate, p.EndDate = "2027-01-04", "2027-03-26"
	if err := st.Store.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	people := []programme.Participant{
		{Email: "klaus@example.org", Name: "Klaus Weber", Role: programme.Senior, TimeZone: "America/New_York", Language: lang.DE},
		{Email: "camille@example.org", Name: "Camille Martin", Role: programme.Junior, TimeZone: "Europe/Paris", Languages: []string{"français", "english"}},
		{Email: "lucia@example.org", Name: "Lucía Gómez", Role: programme.Senior, TimeZone: "Asia/Kolkata", Language: lang.ES},
		{Email: "tiago@example.org", Name: "Tiago Costa", Role: programme.Junior, TimeZone: "Australia/Sydney", Language: lang.PT},
		{Email: "hanna@example.org", Name: "Hanna Schulz", Role: programme.Senior, TimeZone: "Asia/Tokyo", Language: lang.DE},
		{Email: "jordi@example.org", Name: "Jordi Puig", Role: programme.Junior, TimeZone: "Europe/Paris", Language: lang.ES},
	}
	res, err := st.Store.Enrol(ctx, p.ID, people, start)
	if err != nil {
		t.Fatal(err)
	}
	byEmail := map[string]programme.Participant{}
	for _, x := range res.Created {
		if _, err := st.Store.SetStatus(ctx, p.ID, x.ID, programme.OptedIn, "test", start); err != nil {
			t.Fatal(err)
		}
		byEmail[x.Email] = x
	}
	want := map[string]lang.Tag{"klaus@example.org": lang.DE, "camille@example.org": lang.FR, "lucia@example.org": lang.ES,
		"tiago@example.org": lang.PT, "hanna@example.org": lang.DE, "jordi@example.org": lang.ES}
	var pairs []programme.Pair
	for _, pr := range [][2]string{{"klaus@example.org", "camille@example.org"}, {"lucia@example.org", "tiago@example.org"}, {"hanna@example.org", "jordi@example.org"}} {
		pairs = append(pairs, programme.Pair{SeniorID: byEmail[pr[0]].ID, JuniorID: byEmail[pr[1]].ID})
	}
	if _, err := schedule.Approve(ctx, st.Store, st.Queue, p, pairs, st.Now()); err != nil {
		t.Fatal(err)
	}
	st.Queue.Drain()

	seen := map[string]bool{}
	type got struct {
		email localstack.Email
		at    time.Time // the dev clock when it was sent
	}
	received := map[string][]got{}
	collect := func() {
		all, err := localstack.Emails(ctx, st.SESURL)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range all {
			if seen[e.MessageID] {
				continue
			}
			seen[e.MessageID] = true
			for _, to := range e.Destination.To {
				received[to] = append(received[to], got{e, st.Now()})
			}
		}
	}
	collect()
	for {
		_, ok, err := st.Step(ctx, time.Date(2027, 3, 27, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		collect()
	}

	english := regexp.MustCompile(`(?m)^(Hi |A quick check-in|Did you meet since|You're halfway)`)
	for addr, l := range want {
		x := byEmail[addr]
		loc := x.Loc()
		mail := received[addr]
		if len(mail) < 6 {
			t.Fatalf("%s received %d emails, want the introduction, check-ins and the closing", addr, len(mail))
		}
		intros := 0
		for _, g := range mail {
			e := g.email
			if e.Header("Content-Language") != string(l) {
				t.Errorf("%s (%s): %q is in %q", addr, l, e.Subject, e.Header("Content-Language"))
			}
			if english.MatchString(e.Body.Text) {
				t.Errorf("%s (%s): %q has English in it:\n%s", addr, l, e.Subject, e.Body.Text)
			}
			if len(e.Attachments) > 0 {
				intros++
				if len(e.Destination.To) != 1 || len(e.ReplyTo) != 2 {
					t.Errorf("%s: the introduction copy goes to %v, replies to %v; want to them alone, replies to both", addr, e.Destination.To, e.ReplyTo)
				}
				checkInvite(t, addr, e, pairs, byEmail)
				continue
			}
			if g.at.Before(start.Add(time.Hour)) {
				continue // the preparation, sent at approval
			}
			local := g.at.In(loc)
			morning := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
			// Each pair has its minute in the morning window; the tick that
			// sends it runs every TickInterval, so the last minute's email
			// leaves at the tick after it.
			from, to := morning.Add(schedule.MorningStart), morning.Add(schedule.MorningStart+schedule.MorningWindow+devstack.TickInterval)
			if local.Before(from) || !local.Before(to) || local.Weekday() == time.Saturday || local.Weekday() == time.Sunday {
				t.Errorf("%s: %q went out at %s local time, want a weekday morning (08:30-11:15)", addr, e.Subject, local.Format("Mon 15:04"))
			}
		}
		if intros != 1 {
			t.Errorf("%s received %d introductions, want their own copy", addr, intros)
		}
	}
}

var dtstart = regexp.MustCompile(`DTSTART:(\d{8}T\d{6}Z)`)

// checkInvite asserts the calendar file proposes a time inside both
// people's working day (these pairs' days overlap).
func checkInvite(t *testing.T, addr string, e localstack.Email, pairs []programme.Pair, byEmail map[string]programme.Participant) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(e.Attachments[0].Content)
	if err != nil {
		t.Fatalf("%s: calendar file: %v", addr, err)
	}
	m := dtstart.FindStringSubmatch(string(raw))
	if m == nil {
		t.Fatalf("%s: no DTSTART in\n%s", addr, raw)
	}
	at, err := time.Parse("20060102T150405Z", m[1])
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range e.ReplyTo {
		x := byEmail[who]
		local := at.In(x.Loc())
		mins := local.Hour()*60 + local.Minute()
		if local.Weekday() == time.Saturday || local.Weekday() == time.Sunday || mins < 9*60 || mins+45 > 18*60 {
			t.Errorf("%s's invite: the first meeting is at %s for %s, outside their working day", addr, local.Format("Mon 15:04 MST"), who)
		}
	}
}
