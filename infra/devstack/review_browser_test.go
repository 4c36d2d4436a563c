package devstack_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upward-mentoring/upward/infra/browsertest"
	"github.com/upward-mentoring/upward/infra/devstack"
)

// proposedPairs reads the review page's pairs as "senior/junior" emails.
func proposedPairs(t *testing.T, ctx context.Context) []string {
	t.Helper()
	rows := browsertest.Get(t, ctx, "read the proposed pairs", chromedp.AttributesAll(chromedp.CSSAll("#pair-list tbody tr")))
	var out []string
	for _, r := range rows {
		out = append(out, r["data-senior"]+"/"+r["data-junior"])
	}
	slices.Sort(out)
	return out
}

func TestCoordinatorReviewsForbidsResolvesAndApprovesInTheBrowser(t *testing.T) {
	st := startStack(t)
	ctx := browsertest.New(t)
	signIn(t, ctx, st)

	browsertest.Step(t, ctx, "create a programme",
		chromedp.Click(browsertest.Button("New programme")),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Review 2027"),
		chromedp.SetValue(chromedp.ID("start_date"), "2027-01-11"),
		chromedp.SetValue(chromedp.ID("end_date"), "2027-07-09"),
		chromedp.Click(browsertest.Button("Create programme")),
		chromedp.WaitVisible(chromedp.ID("participants")),
	)
	// Three seniors and three juniors; Rita manages Kim, so they are never
	// paired; Dan stays invited and is left out of matching.
	people := map[string]string{
		"rita@example.org": "Rita Reis,senior,CFO,Finance,",
		"tom@example.org":  "Tom Tan,senior,COO,Operations,",
		"una@example.org":  "Una Ueda,senior,CTO,Technology,",
		"kim@example.org":  "Kim Kato,junior,Analyst,Operations,rita@example.org",
		"lia@example.org":  "Lia Lopes,junior,Designer,Finance,",
		"max@example.org":  "Max Melo,junior,Engineer,Marketing,",
		"dan@example.org":  "Dan Dias,junior,Intern,Retail,",
	}
	csv := "email,name,role,title,department,manager_email\n"
	for email, rest := range people {
		csv += email + "," + rest + "\n"
	}
	file := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	browsertest.Step(t, ctx, "enrol by CSV",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Click(browsertest.Button("Upload and enrol")),
		chromedp.WaitVisible(chromedp.ID("participant-list")),
	)
	for email := range people {
		if email == "dan@example.org" {
			continue
		}
		row := `tr[data-email="` + email + `"]`
		browsertest.Step(t, ctx, "opt "+email+" in",
			chromedp.SetValue(chromedp.CSS(row+" select"), "opted_in"),
			chromedp.Click(chromedp.CSS(row+` form[action$="/status"] button`)),
			chromedp.WaitVisible(chromedp.CSS(row+" .badge.opted_in")),
		)
	}

	browsertest.Step(t, ctx, "propose matches",
		chromedp.Click(browsertest.Button("Propose matches")),
		chromedp.WaitVisible(chromedp.ID("pair-list")),
	)
	browsertest.Accessible(t, ctx, "a proposal")
	first := proposedPairs(t, ctx)
	if len(first) != 3 {
		t.Fatalf("first proposal has %d pairs, want 3: %v", len(first), first)
	}
	if slices.Contains(first, "rita@example.org/kim@example.org") {
		t.Fatal("Rita was paired with Kim, who reports to her")
	}
	for _, p := range first {
		if strings.Contains(p, "dan@example.org") {
			t.Errorf("Dan has not opted in but was paired: %s", p)
		}
	}
	pairText := browsertest.Get(t, ctx, "read the pairs", chromedp.Text(chromedp.ID("pair-list")))
	for _, want := range []string{"Rita Reis", "CFO", "Finance", "Different departments"} {
		if !strings.Contains(pairText, want) {
			t.Errorf("the pair list lacks %q:\n%s", want, pairText)
		}
	}

	forbidden := first[0]
	senior, junior, _ := strings.Cut(forbidden, "/")
	row := `tr[data-senior="` + senior + `"][data-junior="` + junior + `"]`
	browsertest.Step(t, ctx, "forbid one pair",
		chromedp.Click(chromedp.CSS(row+` form[action$="/forbid"] button`)),
		chromedp.WaitVisible(chromedp.CSS(row+" .badge.struck")),
	)
	notice := browsertest.Get(t, ctx, "read the notice", chromedp.Text(chromedp.CSS("div.notice.ok")))
	if !strings.Contains(notice, "struck out") {
		t.Errorf("after forbidding, the notice says %q", notice)
	}
	browsertest.Accessible(t, ctx, "a proposal with a pair struck out")
	before := browsertest.Get(t, ctx, "read the address", chromedp.Location())

	browsertest.Step(t, ctx, "re-solve keeping locks",
		chromedp.Click(browsertest.Button("Re-solve keeping locks")),
		chromedp.WaitNotPresent(chromedp.CSS("tr.struck")),
		chromedp.WaitVisible(chromedp.ID("pair-list")),
	)
	if after := browsertest.Get(t, ctx, "read the address", chromedp.Location()); after == before {
		t.Fatal("re-solving stayed on the same proposal")
	}
	second := proposedPairs(t, ctx)
	if slices.Contains(second, forbidden) {
		t.Errorf("the forbidden pair %s was proposed again: %v", forbidden, second)
	}
	if len(second) != 3 || slices.Contains(second, "rita@example.org/kim@example.org") {
		t.Errorf("re-solved pairs %v: want 3, none inside a reporting line", second)
	}
	browsertest.Accessible(t, ctx, "a proposal re-solved around a never-pair")
	never := browsertest.Get(t, ctx, "read the never-pair list", chromedp.Text(chromedp.ID("never-list")))
	if !strings.Contains(never, "Allow again") {
		t.Errorf("the struck-out pair is not listed with a way back:\n%s", never)
	}

	browsertest.Step(t, ctx, "approve",
		chromedp.Click(browsertest.Button("Approve and send introductions")),
		chromedp.WaitVisible(chromedp.ID("approved-pairs")),
	)
	notice = browsertest.Get(t, ctx, "read the notice", chromedp.Text(chromedp.CSS("div.notice.ok")))
	if !strings.Contains(notice, "Round 1 approved: 3 pairs started") {
		t.Errorf("after approving, the notice says %q", notice)
	}
	browsertest.Accessible(t, ctx, "the programme page with its pairs")
	table := browsertest.Get(t, ctx, "read the approved pairs", chromedp.Text(chromedp.ID("approved-pairs")))
	for _, want := range []string{"Active", "Rita Reis", "2027-01-11"} {
		if !strings.Contains(table, want) {
			t.Errorf("the programme's pairs lack %q:\n%s", want, table)
		}
	}

	st.Queue.Drain()
	for _, p := range second {
		s, j, _ := strings.Cut(p, "/")
		for _, addr := range []string{s, j} {
			intros := introsTo(t, st, addr)
			if len(intros) != 1 {
				t.Errorf("%s received %d introductions, want 1", addr, len(intros))
				continue
			}
			other := j
			if addr == j {
				other = s
			}
			if name := strings.Split(people[other], ",")[0]; !strings.Contains(intros[0], name) {
				t.Errorf("%s's introduction does not name %s", addr, name)
			}
		}
	}
	if n := len(introsTo(t, st, "dan@example.org")); n != 0 {
		t.Errorf("Dan, not opted in, received %d introductions", n)
	}
}

// introsTo returns the text of each introduction addr received.
func introsTo(t *testing.T, st *devstack.Stack, addr string) []string {
	t.Helper()
	var out []string
	for _, e := range emailsTo(t, st, addr) {
		if strings.HasPrefix(e.Subject, "Meet your reverse mentoring partner") {
			out = append(out, e.Body.Text)
		}
	}
	return out
}
