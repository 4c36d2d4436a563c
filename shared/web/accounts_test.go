package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestAccountsRefuseBadInputAndTakingARightAwayEndsSessions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Accounts 2027")

	bad, _ := s.post(t, c, "/accounts", url.Values{"csrf": {csrf}, "email": {"not an address"}, "role": {"boss"}, "programme": {"nope"}}, http.StatusUnprocessableEntity)
	for _, want := range []string{"Enter the person&#39;s work email address", "Choose administrator, coordinator or viewer.", "One of the programmes chosen no longer exists"} {
		if !strings.Contains(bad, want) {
			t.Errorf("the refused invitation lacks %q", want)
		}
	}
	if list, _ := s.store.ListAccounts(ctx); len(list) != 1 {
		t.Fatalf("a refused invitation made accounts: %v", list)
	}
	// The only administrator cannot remove or demote themselves.
	s.post(t, c, "/accounts/"+s.coord+"/remove", url.Values{"csrf": {csrf}}, http.StatusConflict)
	me, _ := s.store.GetAccount(ctx, s.coord)
	page, _ := s.post(t, c, "/accounts/"+s.coord, url.Values{"csrf": {csrf}, "role": {"viewer"}, "version": {itoa(me.Version)}}, http.StatusUnprocessableEntity)
	if !strings.Contains(page, "This is the only administrator") {
		t.Error("the last administrator could demote themselves")
	}

	s.post(t, c, "/accounts", url.Values{"csrf": {csrf}, "email": {"Carla@Example.org"}, "role": {"coordinator"}, "programme": {id}}, http.StatusSeeOther)
	s.queue.Drain()
	if m := stacktest.Emails(t, "carla@example.org"); len(m) != 1 || !strings.Contains(m[0].Body.Text, "invited you to Upward") {
		t.Fatalf("invitation emails: %d", len(m))
	}
	carla := sessionFor(t, s, store.RoleCoordinator, id)
	s.get(t, carla.c, "/programmes/"+id, http.StatusOK)
	acct, _ := s.store.GetAccount(ctx, carla.email)
	s.post(t, c, "/accounts/"+carla.email, url.Values{"csrf": {csrf}, "role": {"coordinator"}, "version": {itoa(acct.Version)}}, http.StatusSeeOther)
	resp, err := carla.c.Get(s.URL + "/programmes")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
		t.Errorf("after a programme was taken away, the session still works: %d", resp.StatusCode)
	}
	entries, _, _ := s.store.ListAudit(ctx, store.AuditQuery{Action: "account changed"})
	if len(entries) != 1 || entries[0].Subject != carla.email || !strings.Contains(entries[0].Detail, "1 programme taken away") {
		t.Errorf("audit of the change: %+v", entries)
	}
}

func TestTheDigestSwitchesOffInOneClickFromItsLink(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	p := sessionFor(t, s, store.RoleViewer)
	sig := s.signer.MAC("digest-off|" + p.email)
	c := client()
	s.get(t, c, "/digest/off?"+url.Values{"account": {p.email}, "sig": {"forged"}}.Encode(), http.StatusBadRequest)
	s.post(t, c, "/digest/off", url.Values{"account": {p.email}, "sig": {"forged"}}, http.StatusBadRequest)
	if a, _ := s.store.GetAccount(ctx, p.email); a.DigestOff {
		t.Fatal("a forged link switched the digest off")
	}
	page := s.get(t, c, "/digest/off?"+url.Values{"account": {p.email}, "sig": {sig}}.Encode(), http.StatusOK)
	if !strings.Contains(page, "Stop the weekly digest") {
		t.Error("no confirmation before switching off")
	}
	if a, _ := s.store.GetAccount(ctx, p.email); a.DigestOff {
		t.Fatal("opening the link switched the digest off (mail scanners open links)")
	}
	s.post(t, c, "/digest/off", url.Values{"account": {p.email}, "sig": {sig}}, http.StatusOK)
	if a, _ := s.store.GetAccount(ctx, p.email); !a.DigestOff {
		t.Fatal("the digest is still on")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestNoticesComeFromCodesNotFromTheLink(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Notices")
	for _, q := range []string{"notice=Your+session+expired.+Call+0800+123", "notice=enrolled&p=0000000000000000", "notice=imported&n=1.x.3"} {
		page := s.get(t, c, "/programmes/"+id+"?"+q, http.StatusOK)
		if strings.Contains(page, `class="notice ok"`) {
			t.Errorf("?%s shows a notice", q)
		}
	}
	page := s.get(t, c, "/programmes/"+id+"?notice=imported&n=3.2.1", http.StatusOK)
	if !strings.Contains(page, "Imported 3 people: 2 new (welcome emails on their way), 1 already enrolled and updated.") {
		t.Error("a known code with its numbers shows no notice")
	}
	_, resp := s.post(t, c, "/programmes/"+id, programmeForm(csrf, "Notices renamed", "2027-01-04", "2027-06-30"), http.StatusSeeOther)
	if got := s.noticeAt(t, c, resp); got != "The settings are saved." {
		t.Errorf("after saving settings the notice is %q", got)
	}
}
