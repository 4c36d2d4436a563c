package web_test

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/web"
)

// followed is a programme with pairs, seen from the coordinator's side.
type followed struct {
	c       *http.Client // signed in at checkInsDone
	csrf    string
	id      string
	prog    programme.Programme
	seniors []programme.Participant
	juniors []programme.Participant
	pairs   []programme.Pair
}

// checkInsDone is Monday 1 March 2027, 12:00 UTC: the fourth biweekly
// check-in of pairs started on 4 January has reached everyone (in UTC).
var checkInsDone = time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)

// followProgramme enrols n seniors and n juniors through the site, pairs
// S1 with J1 and so on, moves the clock to checkInsDone and signs in again
// (the first session has expired by then).
func followProgramme(t *testing.T, s *site, n int) followed {
	t.Helper()
	ctx := context.Background()
	c, csrf := s.signIn(t)
	f := followed{id: s.createProgramme(t, c, csrf, "Bridges 2027")}
	tag := ids.New()[:6]
	csv := "email,name,role\n"
	for i := 1; i <= n; i++ {
		csv += fmt.Sprintf("s%d-%s@example.org,Senior %d,senior\nj%d-%s@example.org,Junior %d,junior\n", i, tag, i, i, tag, i)
	}
	upload(t, s, c, csrf, f.id, "people.csv", []byte(csv), http.StatusSeeOther)
	people, err := s.store.ListParticipants(ctx, f.id)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]programme.Participant{}
	for _, x := range people {
		byName[x.Name] = x
	}
	var proposal []programme.Pair
	for i := 1; i <= n; i++ {
		sen, jun := byName[fmt.Sprintf("Senior %d", i)], byName[fmt.Sprintf("Junior %d", i)]
		f.seniors, f.juniors = append(f.seniors, sen), append(f.juniors, jun)
		proposal = append(proposal, programme.Pair{SeniorID: sen.ID, JuniorID: jun.ID})
	}
	f.prog, _ = s.store.GetProgramme(ctx, f.id)
	if f.pairs, err = schedule.Approve(ctx, s.store, s.queue, f.prog, proposal, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.queue.Drain()
	// The tick sends each check-in on its day (after the morning window
	// every pair's minute falls in) and counts it as asked: the dashboard's
	// response rates rest on what it counted.
	tick := &schedule.Ticker{Store: s.store, Queue: s.queue, Clock: s.clock, Log: slog.New(slog.DiscardHandler)}
	for day := checkInsDone.AddDate(0, 0, -42); !day.After(checkInsDone); day = day.AddDate(0, 0, 14) {
		s.clock.Set(day)
		if _, err := tick.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		s.queue.Drain()
	}
	// As the ticks left them (stalled pairs are flagged).
	for i, p := range f.pairs {
		if f.pairs[i], err = s.store.GetPair(ctx, f.id, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	f.c, f.csrf = s.signIn(t)
	return f
}

// answer records what the inbound handler records for a check-in answer.
func (f followed) answer(t *testing.T, s *site, i int, role programme.Role, cycle int, met bool, rating int) {
	t.Helper()
	ctx := context.Background()
	who := f.seniors[i]
	if role == programme.Junior {
		who = f.juniors[i]
	}
	a := store.Answer{ProgrammeID: f.id, PairID: f.pairs[i].ID, ParticipantID: who.ID, Role: role, Cycle: cycle, Kind: "checkin", Met: &met, At: s.clock.Now()}
	if rating > 0 {
		a.Rating = &rating
	}
	if err := s.store.PutAnswer(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.store.RecordContact(ctx, f.id, f.pairs[i].ID, cycle, met, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
}

var tagRE = regexp.MustCompile(`<[^>]+>`)

// text is a page without its markup, spaces squeezed.
func text(page string) string {
	return strings.Join(strings.Fields(tagRE.ReplaceAllString(page, " ")), " ")
}

func TestDashboardShowsTheSeededFigures(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 5)
	c := f.c
	// Check-in 1: every senior met and rated it 5, 4, 4, 3, 2; juniors 1-4
	// met and rated it 4. Pair 1 went on meeting at check-ins 2 to 4.
	for i, r := range []int{5, 4, 4, 3, 2} {
		f.answer(t, s, i, programme.Senior, 1, true, r)
	}
	for i := 0; i < 4; i++ {
		f.answer(t, s, i, programme.Junior, 1, true, 4)
	}
	for k := 2; k <= 4; k++ {
		f.answer(t, s, 0, programme.Senior, k, true, 0)
		f.answer(t, s, 0, programme.Junior, k, true, 0)
	}
	page := text(s.get(t, c, "/programmes/"+f.id+"/dashboard", http.StatusOK))
	for _, want := range []string{
		"Pairs 5 10 people paired of 10 enrolled",
		// 8 pair check-ins answered (5 at check-in 1, pair 1's next three), all met.
		"Meeting rate 100% 8 of 8 pair check-ins answered said they met, from 9 people",
		// 4 check-ins each to 10 people = 40; 5 + 4 + 6 answered.
		"Response rate 38% 15 of 40 check-ins sent were answered, from 10 people",
		"Value to seniors 3.6 / 5 5 ratings from 5 people",
		// Four juniors rated: withheld, with the reason.
		"Value to junior mentors — Withheld: only 4 people are behind this figure.",
		// Pairs 2 to 5 met at check-in 1 only: stalled at check-in 4.
		"Active 1", "Stalled 4", "Paused 0",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, page)
		}
	}
	// The trend's fourth meeting rate rests on two people (pair 1): withheld;
	// its response rate (2 of 10 asked) is not.
	if !strings.Contains(page, "4 (from 1 Mar) withheld (2 people) 20%") {
		t.Errorf("trend table: no withheld fourth meeting rate:\n%s", page)
	}

	// A fifth junior's rating makes five people: now shown.
	f.answer(t, s, 4, programme.Junior, 1, true, 3)
	page = text(s.get(t, c, "/programmes/"+f.id+"/dashboard", http.StatusOK))
	if !strings.Contains(page, "Value to junior mentors 3.8 / 5 5 ratings from 5 people") {
		t.Errorf("five juniors' value not shown:\n%s", page)
	}
}

func TestHealthPagesRefuseUnknownIDs(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 1)
	c := f.c
	unknown := ids.New()
	for _, path := range []string{
		"/programmes/" + unknown + "/dashboard", "/programmes/" + unknown + "/attention", "/programmes/" + unknown + "/stories",
		"/programmes/" + unknown + "/report", "/programmes/" + unknown + "/export/pairs.csv", "/programmes/not-an-id/dashboard",
		"/programmes/" + f.id + "/export/secrets.csv", "/programmes/" + f.id + "/participants/" + unknown + "/note",
	} {
		s.get(t, c, path, http.StatusNotFound)
	}
	// A programme without pairs yet: every page renders, saying so.
	empty := s.createProgramme(t, c, f.csrf, "Not started")
	for path, want := range map[string]string{
		"/dashboard": "No pairs yet", "/attention": "Nothing needs you right now.", "/stories": "No stories shared yet.",
		"/report": "No check-ins went out.", "/export/pairs.csv": "pair,senior",
	} {
		if page := s.get(t, c, "/programmes/"+empty+path, http.StatusOK); !strings.Contains(page, want) {
			t.Errorf("%s of an empty programme lacks %q", path, want)
		}
	}

	anon := client()
	resp, err := anon.Get(s.URL + "/programmes/" + f.id + "/dashboard")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
		t.Errorf("signed-out dashboard = %d to %q, want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
}

var (
	dataPairRE = regexp.MustCompile(`data-pair="([0-9a-f]+)"`)
	pageLinkRE = regexp.MustCompile(`<a rel="(prev|next)" href="([^"]+)"`)
)

// attentionPageOf is one page of the attention list: the pairs it lists,
// in order, and its links to the pages before and after.
func attentionPageOf(t *testing.T, s *site, c *http.Client, path string) (pairs []string, prev, next string) {
	t.Helper()
	page := s.get(t, c, path, http.StatusOK)
	for _, m := range dataPairRE.FindAllStringSubmatch(page, -1) {
		pairs = append(pairs, m[1])
	}
	for _, m := range pageLinkRE.FindAllStringSubmatch(page, -1) {
		link := html.UnescapeString(m[2])
		if m[1] == "prev" {
			prev = link
		} else {
			next = link
		}
	}
	return pairs, prev, next
}

// The attention list comes a page at a time, with links to the next and
// previous pages: every stalled pair is on exactly one page, and going back
// shows the same pages (their order is shared/store's test).
func TestTheAttentionListPages(t *testing.T) {
	t.Parallel()
	s := newSiteWith(t, web.Config{AttentionPageSize: 2})
	f := followProgramme(t, s, 5) // nobody answered: five stalled pairs
	first := "/programmes/" + f.id + "/attention"
	var pages [][]string
	var prevs []string
	path := first
	for path != "" {
		pairs, prev, next := attentionPageOf(t, s, f.c, path)
		if len(pairs) == 0 || len(pairs) > 2 {
			t.Fatalf("%s lists %d pairs, want 1 or 2", path, len(pairs))
		}
		if (prev == "") != (len(pages) == 0) {
			t.Errorf("page %d: previous link %q", len(pages)+1, prev)
		}
		pages, prevs = append(pages, pairs), append(prevs, prev)
		path = next
	}
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3: %v", len(pages), pages)
	}
	seen := map[string]bool{}
	for _, p := range pages {
		for _, id := range p {
			if seen[id] {
				t.Errorf("pair %s on two pages", id)
			}
			seen[id] = true
		}
	}
	for _, p := range f.pairs {
		if !seen[p.ID] {
			t.Errorf("pair %s on no page", p.ID)
		}
	}
	// Back from the last page.
	for i := len(pages) - 1; i > 0; i-- {
		got, _, _ := attentionPageOf(t, s, f.c, prevs[i])
		if strings.Join(got, " ") != strings.Join(pages[i-1], " ") {
			t.Errorf("back to page %d: %v, want %v", i, got, pages[i-1])
		}
	}
	// The total counts every page, not this one.
	if page := text(s.get(t, f.c, first, http.StatusOK)); !strings.Contains(page, "5 things need you.") {
		t.Errorf("the first page does not count all five pairs:\n%s", page)
	}
}
