package devstack_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upward-mentoring/upward/infra/browsertest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// The emails a French junior and a German senior receive, as a mail client
// shows them: each in its reader's language (the page says so to screen
// readers too). `make screenshots` keeps them for the README.
func TestEmailsInTwoLanguagesInTheBrowser(t *testing.T) {
	st := startStack(t)
	ctx := context.Background()
	start := time.Date(2027, 1, 6, 9, 0, 0, 0, time.UTC)
	if err := st.Clock.Advance(start.Sub(st.Now())); err != nil {
		t.Fatal(err)
	}
	p := programme.New(start)
	p.ID, p.Name, p.CreatedAt = ids.New(), "Bridges 2027", start
	p.StartDate, p.EndDate = "2027-01-18", "2027-07-16"
	if err := st.Store.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	res, err := st.Store.Enrol(ctx, p.ID, []programme.Participant{
		{Email: "camille@example.org", Name: "Camille Martin", Role: programme.Junior, TimeZone: "Europe/Paris", Language: lang.FR,
			Department: "Digital", Location: "Paris", Topics: []string{p.Topics[0], p.Topics[3]}},
		{Email: "klaus@example.org", Name: "Klaus Weber", Role: programme.Senior, TimeZone: "Europe/Berlin", Language: lang.DE,
			Title: "Finanzvorstand", Department: "Finance", Location: "Frankfurt", Topics: []string{p.Topics[0]}},
	}, start)
	if err != nil {
		t.Fatal(err)
	}
	var jobs []sendqueue.Job
	byEmail := map[string]programme.Participant{}
	for _, x := range res.Created {
		byEmail[x.Email] = x
		jobs = append(jobs, sendqueue.Welcome{ProgrammeID: p.ID, ParticipantID: x.ID})
	}
	if err := st.Queue.Enqueue(ctx, jobs...); err != nil {
		t.Fatal(err)
	}
	if _, err := schedule.Approve(ctx, st.Store, st.Queue, p, []programme.Pair{{SeniorID: byEmail["klaus@example.org"].ID, JuniorID: byEmail["camille@example.org"].ID}}, st.Now()); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{}
	for _, c := range []struct{ addr, l string }{{"camille@example.org", "fr"}, {"klaus@example.org", "de"}} {
		for _, e := range emailsTo(t, st, c.addr) {
			kind := "welcome"
			if len(e.Attachments) > 0 {
				kind = "intro"
			} else if !strings.Contains(e.Body.Text, "1. ") || strings.Count(e.Body.Text, "\n") < 20 {
				continue // the senior's preparation
			}
			pages["/email-"+kind+"-"+c.l] = e.Body.HTML
		}
	}
	if len(pages) != 4 {
		t.Fatalf("emails found: %v, want a welcome and an introduction for each", keys(pages))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, pages[r.URL.Path])
	}))
	defer srv.Close()
	b := browsertest.New(t)
	for _, name := range []string{"email-welcome-fr", "email-intro-de", "email-welcome-de", "email-intro-fr"} {
		l := name[len(name)-2:]
		browsertest.Step(t, b, "open "+name, chromedp.Navigate(srv.URL+"/"+name), chromedp.WaitVisible(chromedp.CSS("h2")))
		got := browsertest.Get(t, b, "read the page's language", chromedp.AttributeValue(chromedp.CSS("html"), "lang"))
		if !got.Exists || got.Value != l {
			t.Errorf("%s: html lang = %q, want %q", name, got.Value, l)
		}
		heading := browsertest.Get(t, b, "read the first heading", chromedp.Text(chromedp.CSS("h2")))
		if strings.Contains(heading, "Why we're doing this") || strings.Contains(heading, "Who you are meeting") {
			t.Errorf("%s: heading %q is English", name, heading)
		}
		browsertest.Screenshot(t, b, name)
		// An email is read with a screen reader as often as a page is.
		browsertest.Accessible(t, b, name)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
