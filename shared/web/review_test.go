package web_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/store"
)

// reviewSite is a signed-in coordinator with a programme whose four people
// have opted in: Sara manages Jo, so Sara and Jo must never be paired.
type reviewSite struct {
	*site
	c          *http.Client
	csrf, prog string
	tag        string
}

func (r *reviewSite) addr(name string) string { return name + "-" + r.tag + "@example.org" }

func newReviewSite(t *testing.T) *reviewSite {
	t.Helper()
	s := newSite(t)
	c, csrf := s.signIn(t)
	r := &reviewSite{site: s, c: c, csrf: csrf, tag: ids.New()[:6]}
	r.prog = s.createProgramme(t, c, csrf, "Review")
	csv := "email,name,role,title,department,manager_email\n" +
		r.addr("sara") + ",Sara Senior,senior,CFO,Finance,\n" +
		r.addr("sam") + ",Sam Senior,senior,COO,Retail,\n" +
		r.addr("jo") + ",Jo Junior,junior,Analyst,Retail," + r.addr("sara") + "\n" +
		r.addr("jay") + ",Jay Junior,junior,Designer,Finance,\n"
	upload(t, s, c, csrf, r.prog, "people.csv", []byte(csv), http.StatusSeeOther)
	people, err := s.store.ListParticipants(context.Background(), r.prog)
	if err != nil || len(people) != 4 {
		t.Fatalf("enrolled %d (%v)", len(people), err)
	}
	for _, p := range people {
		if _, err := s.store.SetStatus(context.Background(), r.prog, p.ID, programme.OptedIn, "test", t0); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func (r *reviewSite) form(kv ...string) url.Values {
	v := url.Values{"csrf": {r.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// propose presses "Propose matches" and returns the proposal's path.
func (r *reviewSite) propose(t *testing.T) string {
	t.Helper()
	_, resp := r.post(t, r.c, "/programmes/"+r.prog+"/proposals", r.form("new_id", ids.New()), http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	if !regexp.MustCompile(`^/programmes/[0-9a-f]{16}/proposals/[0-9a-f]{16}$`).MatchString(loc) {
		t.Fatalf("propose redirected to %q", loc)
	}
	return loc
}

func TestProposalPageShowsPairsWithNamesScoresAndReasons(t *testing.T) {
	t.Parallel()
	r := newReviewSite(t)
	path := r.propose(t)
	page := r.get(t, r.c, path, http.StatusOK)
	for _, want := range []string{
		`data-senior="` + r.addr("sara") + `" data-junior="` + r.addr("jay") + `"`, // Jo is in Sara's line
		`data-senior="` + r.addr("sam") + `" data-junior="` + r.addr("jo") + `"`,
		"Sara Senior", "CFO", "Finance", "Jay Junior",
		"Lock", "Forbid", "Re-solve keeping locks", "Approve and send introductions", "Pair by hand",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("review page lacks %q", want)
		}
	}
	if strings.Contains(page, `http-equiv="refresh"`) {
		t.Error("a ready proposal's page refreshes itself")
	}
	// Fit in words; the numbers one click away, never in the summary.
	if !regexp.MustCompile(`<span class="badge fit-(strong|good|possible)">(Strong|Good|Possible)</span><details><summary>`).MatchString(page) {
		t.Error("pairs do not say their fit in words with the score behind a details")
	}
	if !regexp.MustCompile(`<li id="fits"><strong>\d+</strong> strong, <strong>\d+</strong> good, <strong>\d+</strong> possible fits`).MatchString(page) {
		t.Error("the summary does not count fits in words")
	}
	if strings.Contains(page, "total score (best one pair can score") {
		t.Error("the summary still leads with the total score")
	}
}

// Two seniors more than the juniors can mentor: the page says so in one
// line with what to do, and its link opens the setting it names.
func TestUnmatchedPeopleComeWithWhatToDo(t *testing.T) {
	t.Parallel()
	r := newReviewSite(t)
	ctx := context.Background()
	upload(t, r.site, r.c, r.csrf, r.prog, "more.csv", []byte("email,name,role\n"+r.addr("sol")+",Sol Senior,senior\n"+r.addr("sky")+",Sky Senior,senior\n"), http.StatusSeeOther)
	people, _ := r.store.ListParticipants(ctx, r.prog)
	for _, p := range people {
		if p.Status != programme.OptedIn {
			if _, err := r.store.SetStatus(ctx, r.prog, p.ID, programme.OptedIn, "test", t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	page := r.get(t, r.c, r.propose(t), http.StatusOK)
	steps := regexp.MustCompile(`(?s)<div class="card" id="next-steps">.*?</div>`).FindString(page)
	want := `<li data-kind="full" data-role="senior"><strong>2 seniors left over: every junior already mentors as many seniors as they may.</strong> ` +
		`Invite more juniors, let each junior mentor more seniors (Seniors per junior is 1 now), or leave them for the next round (they stay opted in). ` +
		`<a href="/programmes/` + r.prog + `/edit?open=matching#section-matching">Matching settings</a></li>`
	if !strings.Contains(html.UnescapeString(steps), want) || strings.Count(steps, "<li") != 1 {
		t.Fatalf("what to do for the unmatched:\n%s\nwant the one item\n%s", steps, want)
	}
	form := r.get(t, r.c, "/programmes/"+r.prog+"/edit?open=matching", http.StatusOK)
	if !strings.Contains(form, `<details class="section" id="section-matching" open>`) {
		t.Error("the link does not open the matching settings")
	}
	if strings.Contains(r.get(t, r.c, "/programmes/"+r.prog+"/edit", http.StatusOK), `id="section-matching" open`) {
		t.Error("the matching settings are open without being asked for")
	}
}

func TestHandPairAcrossAReportingLineShowsTheRuleAndChangesNothing(t *testing.T) {
	t.Parallel()
	r := newReviewSite(t)
	ctx := context.Background()
	path := r.propose(t)
	pid := path[strings.LastIndexByte(path, '/')+1:]
	before, err := r.store.GetProposal(ctx, r.prog, pid)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := r.post(t, r.c, path+"/pair", r.form("new_id", ids.New(), "senior", r.addr("sara"), "junior", r.addr("jo")), http.StatusUnprocessableEntity)
	want := `id="hand-error">These two cannot be paired: Jo Junior &lt;` + r.addr("jo") + `&gt; is in Sara Senior &lt;` + r.addr("sara") + `&gt;&#39;s reporting line (` + r.addr("jo") + ` → ` + r.addr("sara") + `).`
	if !strings.Contains(page, want) {
		t.Errorf("no reporting-line error next to the form; want %s in\n%s", want, page)
	}
	if !strings.Contains(page, `<option value="`+r.addr("sara")+`" selected>`) {
		t.Error("the form does not keep the chosen senior")
	}
	after, _ := r.store.GetProposal(ctx, r.prog, pid)
	if after.Superseded() || len(after.Locks) != 0 || after.Version != before.Version {
		t.Errorf("a refused hand pair changed the proposal: %+v", after)
	}
	if list, _ := r.store.ListProposals(ctx, r.prog); len(list) != 1 {
		t.Errorf("a refused hand pair started another proposal (%d proposals)", len(list))
	}

	// Other bad input, each refused in words with nothing changed.
	for _, tc := range []struct {
		name, action string
		form         url.Values
		status       int
		want         string
	}{
		{"hand pair with nobody chosen", "/pair", r.form("new_id", ids.New()), http.StatusUnprocessableEntity, "Choose a senior and a junior to pair."},
		{"hand pair with the roles swapped", "/pair", r.form("new_id", ids.New(), "senior", r.addr("jo"), "junior", r.addr("sam")), http.StatusUnprocessableEntity, "Choose a senior from this proposal. Choose a junior from this proposal."},
		{"forbid a pair that was not proposed", "/forbid", r.form("senior", r.addr("sara"), "junior", r.addr("jo")), http.StatusUnprocessableEntity, "are not a pair in this proposal"},
		{"lock a stranger", "/lock", r.form("senior", "x@example.org", "junior", r.addr("jo")), http.StatusUnprocessableEntity, "are not a pair in this proposal"},
		{"re-solve without the form's id", "/resolve", r.form(), http.StatusBadRequest, "The form was incomplete"},
	} {
		page, _ := r.post(t, r.c, path+tc.action, tc.form, tc.status)
		if !strings.Contains(page, tc.want) {
			t.Errorf("%s: page lacks %q", tc.name, tc.want)
		}
	}
	if never, _ := r.store.ListNeverPairs(ctx, r.prog); len(never) != 0 {
		t.Errorf("bad input struck out %d pairs", len(never))
	}
	if after, _ := r.store.GetProposal(ctx, r.prog, pid); after.Superseded() || len(after.Locks) != 0 {
		t.Errorf("bad input changed the proposal: %+v", after)
	}
}

func TestReviewFormsNeedCSRFAndApprovingTwiceSendsOnce(t *testing.T) {
	t.Parallel()
	r := newReviewSite(t)
	ctx := context.Background()
	path := r.propose(t)
	pid := path[strings.LastIndexByte(path, '/')+1:]
	pair := url.Values{"senior": {r.addr("sara")}, "junior": {r.addr("jay")}}
	for _, action := range []string{"/lock", "/forbid", "/approve", "/resolve"} {
		for _, tok := range []string{"", r.csrf + "x"} {
			f := url.Values{"csrf": {tok}, "new_id": {ids.New()}, "senior": pair["senior"], "junior": pair["junior"]}
			r.post(t, r.c, path+action, f, http.StatusForbidden)
		}
	}
	r.post(t, r.c, "/programmes/"+r.prog+"/proposals", url.Values{"new_id": {ids.New()}}, http.StatusForbidden)
	p, _ := r.store.GetProposal(ctx, r.prog, pid)
	never, _ := r.store.ListNeverPairs(ctx, r.prog)
	pairs, _ := r.store.ListPairs(ctx, r.prog)
	list, _ := r.store.ListProposals(ctx, r.prog)
	if p.Status != store.ProposalReady || p.Superseded() || len(p.Locks) != 0 || len(never) != 0 || len(pairs) != 0 || len(list) != 1 {
		t.Fatalf("forms without a valid CSRF token changed something: %+v never=%d pairs=%d proposals=%d", p, len(never), len(pairs), len(list))
	}

	// Proposing with the same form twice is one proposal.
	id := ids.New()
	r.post(t, r.c, "/programmes/"+r.prog+"/proposals", r.form("new_id", id), http.StatusSeeOther)
	r.post(t, r.c, "/programmes/"+r.prog+"/proposals", r.form("new_id", id), http.StatusSeeOther)
	if list, _ := r.store.ListProposals(ctx, r.prog); len(list) != 2 {
		t.Errorf("the same propose form posted twice made %d new proposals, want 1", len(list)-1)
	}

	_, resp := r.post(t, r.c, path+"/approve", r.form(), http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "notice=approved") {
		t.Errorf("approve redirected to %q", loc)
	}
	_, resp = r.post(t, r.c, path+"/approve", r.form(), http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "notice=already-approved") {
		t.Errorf("second approve redirected to %q", loc)
	}
	r.queue.Drain()
	for _, name := range []string{"sara", "sam", "jo", "jay"} {
		n := 0
		for _, m := range subjects(t, r.addr(name)) {
			if strings.Contains(m, "Meet your reverse mentoring partner") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s received %d introductions, want 1", name, n)
		}
	}
	page := r.get(t, r.c, "/programmes/"+r.prog, http.StatusOK)
	for _, want := range []string{`id="approved-pairs"`, "Sara Senior", "Jay Junior", "Active", "2027-01-04"} {
		if !strings.Contains(page, want) {
			t.Errorf("programme page lacks %q after approval", want)
		}
	}
	// The other proposal now names people who are paired: refused.
	other := ""
	for _, x := range func() []store.Proposal { l, _ := r.store.ListProposals(ctx, r.prog); return l }() {
		if x.ID != pid {
			other = x.ID
		}
	}
	page, _ = r.post(t, r.c, "/programmes/"+r.prog+"/proposals/"+other+"/approve", r.form(), http.StatusUnprocessableEntity)
	if !strings.Contains(page, `id="approve-error">4 people are no longer opted in or already paired`) {
		t.Errorf("approving a stale proposal: no error next to the button\n%s", page)
	}
}

func TestProposingWithNobodyOptedInSaysSo(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	prog := s.createProgramme(t, c, csrf, "Empty")
	page, _ := s.post(t, c, "/programmes/"+prog+"/proposals", url.Values{"csrf": {csrf}, "new_id": {ids.New()}}, http.StatusUnprocessableEntity)
	if !strings.Contains(page, `id="propose-error">There is nobody to match yet: 0 seniors and 0 juniors`) {
		t.Errorf("no error next to the propose button:\n%s", page)
	}
	if list, _ := s.store.ListProposals(context.Background(), prog); len(list) != 0 {
		t.Errorf("%d proposals stored", len(list))
	}
}

func uploadOrg(t *testing.T, s *site, c *http.Client, csrf, filename, data string, want int) string {
	t.Helper()
	return uploadTo(t, s, c, csrf, "/orgchart", filename, []byte(data), want)
}

func TestOrgChartUploadIsAllOrNothingAndWarnsOfCycles(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	bad := "Employee Email;Manager Email;Name\n" +
		"ana@example.org;rui@example.org;Ana\n" +
		"not-an-email;rui@example.org;Broken\n" +
		"rui@example.org;rui@example.org;Rui\n" +
		";boss@;Nobody\n" +
		"ana@example.org;rui@example.org;Ana again\n"
	page := uploadOrg(t, s, c, csrf, "org.csv", bad, http.StatusUnprocessableEntity)
	for _, want := range []string{
		"Nothing was uploaded from org.csv",
		`<td>3</td><td>employee_email</td><td>employee email &#34;not-an-email&#34; is not an email address</td>`,
		`<td>4</td><td>manager_email</td><td>rui@example.org cannot be their own manager</td>`,
		`<td>5</td><td>employee_email</td><td>employee email is empty</td>`,
		`<td>5</td><td>manager_email</td><td>manager email &#34;boss@&#34; is not an email address</td>`,
		`<td>6</td><td>—</td><td>repeats line 2</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("upload errors lack %s", want)
		}
	}
	if _, err := s.store.GetOrgChart(context.Background()); err == nil {
		t.Error("a bad file was stored as the org chart")
	}
	page = uploadOrg(t, s, c, csrf, "cols.csv", "email,boss\na@example.org,b@example.org\n", http.StatusUnprocessableEntity)
	if !strings.Contains(page, "required column manager_email is missing") {
		t.Error("a missing column is not reported")
	}

	good := "employee_email,manager_email\nceo@example.org,\na@example.org,b@example.org\nb@example.org,a@example.org\nc@example.org,ghost@example.org\n"
	uploadOrg(t, s, c, csrf, "org.csv", good, http.StatusSeeOther)
	page = s.get(t, c, "/orgchart", http.StatusOK)
	for _, want := range []string{"<strong>4</strong> reporting lines from org.csv", "cycle (a@example.org → b@example.org → a@example.org)", "ghost@example.org"} {
		if !strings.Contains(page, want) {
			t.Errorf("org chart page lacks %q", want)
		}
	}
	// Replace-all: a second upload is the whole chart.
	uploadOrg(t, s, c, csrf, "small.csv", "employee_email,manager_email\nx@example.org,\n", http.StatusSeeOther)
	lines, _, err := s.store.OrgChartLines(context.Background())
	if err != nil || len(lines) != 1 || lines[0].Employee != "x@example.org" {
		t.Errorf("after replacing: %v (%v)", lines, err)
	}
	uploadTo(t, s, client(), csrf, "/orgchart", "sneaky.csv", []byte(good), http.StatusUnauthorized)
	uploadTo(t, s, c, "", "/orgchart", "sneaky.csv", []byte(good), http.StatusForbidden)
	if lines, _, _ := s.store.OrgChartLines(context.Background()); len(lines) != 1 {
		t.Errorf("an unauthorised upload replaced the chart: %d lines", len(lines))
	}
}

func uploadTo(t *testing.T, s *site, c *http.Client, csrf, path, filename string, data []byte, want int) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, resp)
	if resp.StatusCode != want {
		t.Fatalf("upload %s to %s = %d, want %d\n%s", filename, path, resp.StatusCode, want, b)
	}
	return b
}

// subjects returns the subjects of addr's emails. Call it after draining
// the queue: every email is then in the SES emulator's store.
func subjects(t *testing.T, addr string) []string {
	t.Helper()
	var out []string
	for _, m := range stacktest.Emails(t, addr) {
		out = append(out, m.Subject)
	}
	return out
}

func TestARunningProposalShowsProgressThenAStalledOneSaysSo(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	prog := s.createProgramme(t, c, csrf, "Big")
	ctx := context.Background()
	p := store.Proposal{ID: ids.New(), ProgrammeID: prog, Status: store.ProposalRunning, CreatedBy: s.coord, CreatedAt: t0, UpdatedAt: t0, Seniors: 3000, Juniors: 3000}
	if err := s.store.CreateProposal(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.store.ProposalProgress(ctx, prog, p.ID, "scoring", 750, 3000, t0); err != nil {
		t.Fatal(err)
	}
	path := "/programmes/" + prog + "/proposals/" + p.ID
	page := s.get(t, c, path, http.StatusOK)
	for _, want := range []string{`<meta http-equiv="refresh" content="2">`, "Scoring every possible pair: 750 of 3000", `<progress max="100" value="25"`} {
		if !strings.Contains(page, want) {
			t.Errorf("progress page lacks %s", want)
		}
	}
	if strings.Contains(page, "Approve and send introductions") {
		t.Error("a running proposal offers approval")
	}
	// The run died without a word: after a while the page says so and
	// offers to try again.
	s.clock.Add(10 * time.Minute)
	page = s.get(t, c, path, http.StatusOK)
	if strings.Contains(page, `http-equiv="refresh"`) || !strings.Contains(page, "The run stopped without finishing") || !strings.Contains(page, "Try again") {
		t.Errorf("a stalled run's page:\n%s", page)
	}
	_, resp := s.post(t, c, path+"/resolve", url.Values{"csrf": {csrf}, "new_id": {ids.New()}}, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc == path || !strings.HasPrefix(loc, "/programmes/"+prog+"/proposals/") {
		t.Errorf("try again redirected to %q", loc)
	}
	if got, _ := s.store.GetProposal(ctx, prog, p.ID); got.Status != store.ProposalFailed || !got.Superseded() {
		t.Errorf("the stalled proposal after trying again: %s superseded=%v", got.Status, got.Superseded())
	}
}

func TestAnApprovalInProgressShowsItselfThenOffersToFinish(t *testing.T) {
	t.Parallel()
	r := newReviewSite(t)
	ctx := context.Background()
	path := r.propose(t)
	pid := path[strings.LastIndexByte(path, '/')+1:]
	// As the web function leaves a large approval for the match function.
	if _, err := r.store.BeginApproval(ctx, r.prog, pid, r.coord, r.clock.Now()); err != nil {
		t.Fatal(err)
	}
	page := r.get(t, r.c, path, http.StatusOK)
	if !strings.Contains(page, `http-equiv="refresh"`) || !strings.Contains(page, "starting the 2 pairs") || strings.Contains(page, "Finish the approval") {
		t.Errorf("an approval in progress:\n%s", page)
	}
	// The match function writes how many pairs it has started, which is
	// also its heartbeat: an approval longer than the stall time that
	// still moves is not offered to be finished.
	r.clock.Add(10 * time.Minute)
	if err := r.store.ProposalProgress(ctx, r.prog, pid, review.StageStarting, 1, 2, r.clock.Now()); err != nil {
		t.Fatal(err)
	}
	page = r.get(t, r.c, path, http.StatusOK)
	if !strings.Contains(page, `http-equiv="refresh"`) || !strings.Contains(page, "1 of 2 pairs started") || strings.Contains(page, "Finish the approval") {
		t.Errorf("an approval half-way:\n%s", page)
	}
	r.clock.Add(10 * time.Minute)
	page = r.get(t, r.c, path, http.StatusOK)
	if strings.Contains(page, `http-equiv="refresh"`) || !strings.Contains(page, "Finish the approval") {
		t.Errorf("a stalled approval:\n%s", page)
	}
	r.post(t, r.c, path+"/approve", r.form(), http.StatusSeeOther)
	r.queue.Drain()
	if pairs, _ := r.store.ListPairs(ctx, r.prog); len(pairs) != 2 {
		t.Errorf("finishing the approval started %d pairs, want 2", len(pairs))
	}
	if got, _ := r.store.GetProposal(ctx, r.prog, pid); got.Status != store.ProposalApproved {
		t.Errorf("status %s after finishing", got.Status)
	}
}

// Pairing by hand answers with a confirmation naming the two people (never
// their addresses), on the new proposal that holds them.
func TestPairingByHandConfirmsWithNames(t *testing.T) {
	t.Parallel()
	r := newReviewSite(t)
	path := r.propose(t)
	_, resp := r.post(t, r.c, path+"/pair", r.form("new_id", ids.New(), "senior", r.addr("sam"), "junior", r.addr("jo")), http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, path) {
		t.Errorf("pairing by hand stayed on the old proposal: %s", loc)
	}
	want := "Sam Senior and Jo Junior are paired in this new proposal; the rest was solved again around them. Approve it to introduce them."
	if got := r.noticeAt(t, r.c, resp); got != want {
		t.Errorf("after pairing by hand the notice is %q, want %q", got, want)
	}
}

// The programme page follows the order of the work: participants first,
// then matching, and the propose button only once somebody has opted in.
func TestTheProgrammePageListsParticipantsBeforeMatching(t *testing.T) {
	t.Parallel()
	r := newReviewSite(t)
	empty := r.createProgramme(t, r.c, r.csrf, "Nobody yet")
	for _, tc := range []struct {
		name, prog  string
		wantPropose bool
	}{
		{"four opted in", r.prog, true},
		{"nobody enrolled", empty, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := r.get(t, r.c, "/programmes/"+tc.prog, http.StatusOK)
			people, matching := strings.Index(page, `<h2 id="participants">`), strings.Index(page, `<h2 id="matching">`)
			if people < 0 || matching < 0 || people > matching {
				t.Errorf("participants at %d, matching at %d: want both, participants first", people, matching)
			}
			if got := strings.Contains(page, `id="propose"`); got != tc.wantPropose {
				t.Errorf("Propose matches offered = %v, want %v", got, tc.wantPropose)
			}
			if waiting := strings.Contains(page, `id="propose-waiting"`); waiting == tc.wantPropose {
				t.Errorf("the page says matching waits for opt-ins = %v with propose offered = %v", waiting, tc.wantPropose)
			}
		})
	}
}
