package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/token"
)

// A person's export holds the private preferences they set, their
// assistant and whether their pair was flagged or ended for a
// reorganisation, but never a preference someone else set about them; an
// erasure leaves none of it, nor their address in others' preferences or
// in a recorded reporting line.
func TestPrivatePreferencesAssistantsAndReorgFlagsInExportAndErasure(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 1)
	ctx := context.Background()
	sen, jun, pair := f.seniors[0], f.juniors[0], f.pairs[0]
	tag := ids.New()[:6]
	ea, mid, other := "ea-"+tag+"@example.org", "mid-"+tag+"@example.org", "Quentin Marlowe"
	replyAs(t, s, f, jun, token.KindCheckIn, 2, "NOT WITH "+other)
	replyAs(t, s, f, sen, token.KindCheckIn, 2, "NOT WITH "+jun.Email)
	replyAs(t, s, f, sen, token.KindCheckIn, 2, "ASSISTANT "+ea)
	uploadOrgNotice(t, s, f.c, f.csrf, "reorg.csv", fmt.Sprintf("employee_email,manager_email\n%s,%s\n%s,%s\n", jun.Email, mid, mid, sen.Email))

	export := func(x programme.Participant) map[string]any {
		t.Helper()
		page := s.get(t, f.c, "/programmes/"+f.id+"/participants/"+x.ID+"/export.json", http.StatusOK)
		var out map[string]any
		if err := json.Unmarshal([]byte(page), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	j := export(jun)
	raw, _ := json.Marshal(j)
	if !strings.Contains(string(raw), other) || !strings.Contains(string(raw), `"reorg_flagged_at"`) {
		t.Errorf("the junior's export lacks their preference or the reorganisation flag:\n%s", raw)
	}
	if strings.Contains(string(raw), sen.Email) || strings.Contains(string(raw), mid) {
		t.Errorf("the junior's export names the senior's preference about them or the chain:\n%s", raw)
	}
	sj, _ := json.Marshal(export(sen))
	if !strings.Contains(string(sj), ea) || !strings.Contains(string(sj), `"not_with"`) || !strings.Contains(string(sj), jun.Email) {
		t.Errorf("the senior's export lacks their assistant or their preference:\n%s", sj)
	}

	s.post(t, f.c, "/programmes/"+f.id+"/participants/"+jun.ID+"/erase", url.Values{"csrf": {f.csrf}}, http.StatusSeeOther)
	// The senior's own reply that named the junior is the senior's data
	// and stays (as a THANKS naming them does), until its retention ends.
	var left []string
	for _, hit := range scanFor(t, s, jun.Email, jun.ID, other) {
		if !strings.Contains(hit, `"REPLY#`+sen.ID+`#`) {
			left = append(left, hit)
		}
	}
	if len(left) > 0 {
		t.Errorf("the junior's data is left after erasure:\n%s", strings.Join(left, "\n"))
	}
	prefs, _ := s.store.ListNotWith(ctx, f.id)
	if len(prefs) != 1 || prefs[0].EmailHash != programme.HashEmail(jun.Email) {
		t.Errorf("the senior's preference after the junior's erasure: %+v", prefs)
	}
	if p, _ := s.store.GetPair(ctx, f.id, pair.ID); len(p.ReorgChain) != 3 || p.ReorgChain[0] == jun.Email {
		t.Errorf("the recorded reporting line after erasure: %v", p.ReorgChain)
	}
	s.post(t, f.c, "/programmes/"+f.id+"/participants/"+sen.ID+"/erase", url.Values{"csrf": {f.csrf}}, http.StatusSeeOther)
	if hits := scanFor(t, s, ea, sen.ID, programme.HashEmail(jun.Email)); len(hits) > 0 {
		t.Errorf("the senior's preferences or assistant are left after erasure:\n%s", strings.Join(hits, "\n"))
	}
}

// Someone a private preference leaves unmatched: the review shows that a
// private preference rules the others out, never whose or about whom;
// the one who set it is not named.
func TestTheReviewSaysOnlyThatAPrivatePreferenceExists(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Private")
	tag := ids.New()[:6]
	upload(t, s, c, csrf, id, "two.csv", []byte(fmt.Sprintf("email,name,role\nana-%s@example.org,Ana Amberley,senior\nkit-%s@example.org,Kit Kestrel,junior\n", tag, tag)), http.StatusSeeOther)
	ctx := context.Background()
	people, _ := s.store.ListParticipants(ctx, id)
	for _, x := range people {
		if _, err := s.store.SetStatus(ctx, id, x.ID, programme.OptedIn, "test", s.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	ana := people[0]
	h, err := inbound.New(s.store, s.queue, s.signer, s.clock, slog.New(slog.DiscardHandler), inbound.Settings{MailDomain: "upward.test", Local: true})
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := s.signer.ReplyAddress(token.Ref{ProgrammeID: id, ParticipantID: ana.ID, Kind: token.KindWelcome}, "upward.test")
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nMessage-ID: <%s@example.org>\r\nSubject: Re\r\n\r\nJOIN 1\r\nNOT WITH Kit\r\n", ana.Email, addr, ids.New())
	if res, err := h.Handle(ctx, inbound.Message{ID: ids.New(), Raw: []byte(raw)}); err != nil || res.Outcome != inbound.Recorded {
		t.Fatalf("reply: %+v %v", res, err)
	}
	s.queue.Drain()
	m := &review.Service{Store: s.store, Clock: s.clock, Log: slog.New(slog.DiscardHandler)}
	pid := ids.New()
	if _, _, err := m.Propose(ctx, id, pid, s.coord); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(ctx, review.Job{ProgrammeID: id, ProposalID: pid}); err != nil {
		t.Fatal(err)
	}
	page := text(s.get(t, c, "/programmes/"+id+"/proposals/"+pid, http.StatusOK))
	if !strings.Contains(page, "ruled out by a private preference") {
		t.Errorf("the review does not say a private preference rules the pair out:\n%s", page)
	}
	if strings.Contains(page, "NOT WITH") || strings.Contains(page, "asked") {
		t.Errorf("the review says who set the preference:\n%s", page)
	}
}
