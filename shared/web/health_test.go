package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
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
	s.clock.Set(checkInsDone)
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
