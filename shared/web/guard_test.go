package web_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/guard"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/store"
)

// Issue 14's reorganisation guard, end to end: a live pair; an org chart
// in which the junior's new manager reports to the senior; the pair is at
// the top of the attention list with the chain that now links them;
// ending it there sends each of the two a no-fault note; and no later
// proposal pairs them again, even once the chart separates them.
func TestAReorganisationPutsAPairAtTheTopAndEndingItIsNoFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	f := followProgramme(t, s, 2)
	sen, jun, pair := f.seniors[0], f.juniors[0], f.pairs[0]
	mid := "mid-" + ids.New()[:6] + "@example.org"
	chart := fmt.Sprintf("employee_email,manager_email\n%s,%s\n%s,%s\n", jun.Email, mid, mid, sen.Email)
	notice := uploadOrgNotice(t, s, f.c, f.csrf, "reorg.csv", chart)
	if !strings.Contains(notice, "1 running pair is now inside one reporting line") {
		t.Errorf("the upload's notice does not say a pair came inside one reporting line: %s", notice)
	}
	got, _ := s.store.GetPair(ctx, f.id, pair.ID)
	want := []string{jun.Email, mid, sen.Email}
	if strings.Join(got.ReorgChain, " ") != strings.Join(want, " ") || got.State != programme.PairActive {
		t.Fatalf("pair after the upload: state %s, chain %v; want active, %v", got.State, got.ReorgChain, want)
	}
	if other, _ := s.store.GetPair(ctx, f.id, f.pairs[1].ID); len(other.ReorgChain) != 0 {
		t.Errorf("a pair outside any reporting line was flagged: %v", other.ReorgChain)
	}

	att := s.get(t, f.c, "/programmes/"+f.id+"/attention", http.StatusOK)
	chain := jun.Email + " → " + mid + " → " + sen.Email
	first := strings.Index(att, `class="concerns"`)
	if first < 0 || !strings.HasPrefix(att[first:], `class="concerns" id="reorg"`) {
		t.Errorf("the reorganised pair is not the first section of the attention list:\n%s", text(att))
	}
	if !strings.Contains(text(att), "Now in one reporting line: "+chain) || !strings.Contains(att, "End: organisational change") {
		t.Fatalf("the attention list lacks the chain or the action:\n%s", text(att))
	}
	// Only the no-fault end is offered for it: End and End for a rematch
	// would tell the two the wrong reason.
	section := att[first:]
	section = section[:strings.Index(section, "</section>")]
	if strings.Contains(section, "End for a rematch") || strings.Contains(section, ">End pair<") {
		t.Errorf("the reorganised pair offers another way to end it:\n%s", text(section))
	}

	// Nothing is ended silently: the check repeated changes nothing and
	// sends nothing.
	g := &guard.Guard{Store: s.store, Clock: s.clock, Log: slog.New(slog.DiscardHandler)}
	if reps, err := g.CheckAll(ctx); err != nil || len(reps) == 0 || len(reps[0].Flagged) != 0 {
		t.Errorf("a repeated check: %+v %v", reps, err)
	}
	s.queue.Drain()
	before := map[string]int{}
	for _, who := range []programme.Participant{sen, jun} {
		before[who.Email] = len(stacktest.Emails(t, who.Email))
		for _, m := range stacktest.Emails(t, who.Email) {
			if strings.Contains(m.Subject, "ended") {
				t.Errorf("%s was told before the coordinator acted: %s", who.Name, m.Subject)
			}
		}
	}

	s.post(t, f.c, "/programmes/"+f.id+"/pairs/"+pair.ID+"/reorg", url.Values{"csrf": {f.csrf}}, http.StatusSeeOther)
	s.post(t, f.c, "/programmes/"+f.id+"/pairs/"+pair.ID+"/reorg", url.Values{"csrf": {f.csrf}}, http.StatusSeeOther) // a double click
	s.queue.Drain()
	for _, who := range []programme.Participant{sen, jun} {
		mails := stacktest.Emails(t, who.Email)
		last := mails[len(mails)-1]
		if len(mails) != before[who.Email]+1 || !strings.Contains(last.Subject, "an organisational change") || !strings.Contains(last.Body.Text, "nobody's doing") {
			t.Errorf("%s's emails: %d, the last %q:\n%s", who.Name, len(mails), last.Subject, last.Body.Text)
		}
	}
	got, _ = s.store.GetPair(ctx, f.id, pair.ID)
	if got.State != programme.PairRematched {
		t.Errorf("pair after ending it: %s", got.State)
	}
	never, _ := s.store.ListNeverPairs(ctx, f.id)
	if len(never) != 1 || never[0].EmailPair != store.NewEmailPair(sen.Email, jun.Email) || never[0].Source != "reorganisation" {
		t.Errorf("never-pair list: %+v", never)
	}

	// A later chart puts the junior elsewhere; a proposal still never
	// pairs the two (the other senior is in a live pair).
	uploadOrgNotice(t, s, f.c, f.csrf, "moved.csv", fmt.Sprintf("employee_email,manager_email\n%s,%s\n", jun.Email, mid))
	for _, who := range []programme.Participant{sen, jun} {
		if _, err := s.store.SetStatus(ctx, f.id, who.ID, programme.OptedIn, "test", s.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	m := &review.Service{Store: s.store, Clock: s.clock, Log: slog.New(slog.DiscardHandler)}
	id := ids.New()
	if _, _, err := m.Propose(ctx, f.id, id, s.coord); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(ctx, review.Job{ProgrammeID: f.id, ProposalID: id}); err != nil {
		t.Fatal(err)
	}
	_, res, err := m.Load(ctx, f.id, id)
	if err != nil || len(res.Pairs) != 0 || len(res.Unmatched) != 2 || !strings.Contains(res.Unmatched[0].Reason, "never-pair") {
		t.Errorf("the two were proposed again, or their reason does not say why: %+v %v", res, err)
	}
}

// uploadOrgNotice uploads an org chart and returns the notice the page
// redirects to.
func uploadOrgNotice(t *testing.T, s *site, c *http.Client, csrf, filename, data string) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write([]byte(data))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/orgchart", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, resp)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload %s = %d\n%s", filename, resp.StatusCode, b)
	}
	// The notice is a key and numbers in the address: what it says is on
	// the page it leads to.
	return text(s.get(t, c, resp.Header.Get("Location"), http.StatusOK))
}

// An enrolment update that changes a manager (the participant form, or a
// CSV uploaded again) is checked before the page answers.
func TestAManagerChangedByEnrolmentIsCheckedAtOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 1)
	sen, jun := f.seniors[0], f.juniors[0]
	form := url.Values{"csrf": {f.csrf}, "email": {jun.Email}, "name": {jun.Name}, "role": {"junior"}, "manager_email": {sen.Email}}
	_, resp := s.post(t, f.c, "/programmes/"+f.id+"/participants", form, http.StatusSeeOther)
	if page := text(s.get(t, f.c, resp.Header.Get("Location"), http.StatusOK)); !strings.Contains(page, "1 running pair is now inside one reporting line") {
		t.Errorf("the page after the update does not say a pair came inside one reporting line:\n%s", page)
	}
	got, _ := s.store.GetPair(context.Background(), f.id, f.pairs[0].ID)
	if strings.Join(got.ReorgChain, " ") != jun.Email+" "+sen.Email {
		t.Errorf("chain = %v", got.ReorgChain)
	}
}
