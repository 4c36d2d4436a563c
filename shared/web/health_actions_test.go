package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestPairActionsAreSafeToRepeat(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 2)
	ctx := context.Background()
	c, csrf := f.c, f.csrf
	act := func(pair programme.Pair, action string, want int) string {
		t.Helper()
		page, resp := s.post(t, c, "/programmes/"+f.id+"/pairs/"+pair.ID+"/"+action, url.Values{"csrf": {csrf}}, want)
		if want == http.StatusSeeOther {
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if loc.Path != "/programmes/"+f.id+"/attention" {
				t.Fatalf("%s redirected to %q", action, loc)
			}
			return s.noticeAt(t, c, resp)
		}
		return text(page)
	}
	pairNow := func(p programme.Pair) programme.Pair {
		t.Helper()
		got, err := s.store.GetPair(ctx, f.id, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	one, two := f.pairs[0], f.pairs[1]
	names := "Senior 1 and Junior 1"

	tests := []struct {
		pair       programme.Pair
		action     string
		wantStatus int
		wantText   string
		wantState  programme.PairState
	}{
		{one, "pause", http.StatusSeeOther, names + " are paused", programme.PairPaused},
		{one, "pause", http.StatusSeeOther, "Nothing changed: " + names + " were already paused.", programme.PairPaused},
		{one, "resume", http.StatusSeeOther, names + " are active again", programme.PairActive},
		{one, "resume", http.StatusSeeOther, "Nothing changed: " + names + " were already active.", programme.PairActive},
		{one, "end", http.StatusSeeOther, names + " have ended", programme.PairEnded},
		{one, "end", http.StatusSeeOther, "Nothing changed: " + names + " were already ended.", programme.PairEnded},
		{one, "pause", http.StatusConflict, names + " are ended, so they cannot be paused.", programme.PairEnded},
		{one, "rematch", http.StatusConflict, "cannot be ended for a rematch", programme.PairEnded},
		{two, "rematch", http.StatusSeeOther, "Senior 2 and Junior 2 have ended for a rematch: both are told, kindly, and wait for a new partner.", programme.PairRematched},
		{two, "rematch", http.StatusSeeOther, "were already rematched", programme.PairRematched},
	}
	for _, tt := range tests {
		before := pairNow(tt.pair)
		got := act(tt.pair, tt.action, tt.wantStatus)
		if !strings.Contains(got, tt.wantText) {
			t.Errorf("%s %s: says %q, want %q", tt.action, tt.pair.ID, got, tt.wantText)
		}
		after := pairNow(tt.pair)
		if after.State != tt.wantState {
			t.Errorf("%s: state %s, want %s", tt.action, after.State, tt.wantState)
		}
		if strings.HasPrefix(tt.wantText, "Nothing") || tt.wantStatus != http.StatusSeeOther {
			if !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Errorf("%s that changed nothing still wrote the pair", tt.action)
			}
		}
	}
	got := pairNow(one)
	if got.PausedAt.IsZero() || got.ResumedAt.IsZero() || got.ResumedCycle != 4 || !strings.Contains(got.EndReason, "ended by "+s.coord) {
		t.Errorf("pair one: paused %v resumed %v at cycle %d, ended %q", got.PausedAt, got.ResumedAt, got.ResumedCycle, got.EndReason)
	}
	// A rematch does what a REMATCH reply does: both are told once, they
	// are never paired again, and in a one-cohort programme the pair stays
	// on the list until the coordinator pairs them again.
	got = pairNow(two)
	if !strings.Contains(got.EndReason, "ended for a rematch by "+s.coord) || got.EndedAt.IsZero() || !got.Attention || got.AttentionReason != "Ended for a rematch; both wait for a new partner" {
		t.Errorf("pair two: %q at %v, attention %v %q", got.EndReason, got.EndedAt, got.Attention, got.AttentionReason)
	}
	s.queue.Drain()
	for _, who := range []programme.Participant{f.seniors[1], f.juniors[1]} {
		ended := 0
		for _, m := range stacktest.Emails(t, who.Email) {
			if strings.Contains(m.Body.Text, "has come to an end") {
				ended++
			}
		}
		if ended != 1 {
			t.Errorf("%s was told %d times that the pair ended, want once", who.Name, ended)
		}
	}
	never, err := s.store.ListNeverPairs(ctx, f.id)
	if err != nil || len(never) != 1 || never[0].Senior != f.seniors[1].Email || never[0].Source != "rematch" {
		t.Errorf("never-pair list = %+v (%v), want pair two", never, err)
	}

	// Marked as handled, the pair leaves the list, once.
	if n := act(two, "handled", http.StatusSeeOther); n != "Senior 2 and Junior 2 are off the attention list." {
		t.Errorf("handled: %q", n)
	}
	if n := act(two, "handled", http.StatusSeeOther); !strings.Contains(n, "were not on the attention list") {
		t.Errorf("handled twice: %q", n)
	}
	if pairNow(two).Attention {
		t.Error("still on the attention list")
	}
}

func TestPairActionsRefuseBadRequests(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 1)
	other := s.createProgramme(t, f.c, f.csrf, "Another programme")
	p := f.pairs[0]
	base := "/programmes/" + f.id + "/pairs/"
	for _, tt := range []struct {
		path string
		form url.Values
		want int
	}{
		{base + p.ID + "/explode", url.Values{"csrf": {f.csrf}}, http.StatusNotFound},
		{base + ids.New() + "/end", url.Values{"csrf": {f.csrf}}, http.StatusNotFound},
		{base + "not-a-pair/end", url.Values{"csrf": {f.csrf}}, http.StatusNotFound},
		{"/programmes/" + other + "/pairs/" + p.ID + "/end", url.Values{"csrf": {f.csrf}}, http.StatusNotFound},
		{base + p.ID + "/end", url.Values{}, http.StatusForbidden},
		{base + p.ID + "/end", url.Values{"csrf": {f.csrf + "x"}}, http.StatusForbidden},
	} {
		s.post(t, f.c, tt.path, tt.form, tt.want)
	}
	s.post(t, client(), base+p.ID+"/end", url.Values{"csrf": {f.csrf}}, http.StatusUnauthorized)
	resp, err := f.c.Get(s.URL + base + p.ID + "/end")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET of an action = %d, want 405: a link must never end a pair", resp.StatusCode)
	}
	if got, _ := s.store.GetPair(context.Background(), f.id, p.ID); got.State != programme.PairActive || !got.UpdatedAt.Equal(p.UpdatedAt) {
		t.Errorf("refused requests changed the pair: %s, updated %v", got.State, got.UpdatedAt)
	}
}

func TestPersonalNote(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 2)
	ctx := context.Background()
	jun, other := f.juniors[0], f.juniors[1]
	notePath := "/programmes/" + f.id + "/participants/" + jun.ID + "/note"
	form := s.get(t, f.c, notePath+"?pair="+f.pairs[0].ID, http.StatusOK)
	key := hiddenValue(t, form, "key")
	if hiddenValue(t, form, "pair") != f.pairs[0].ID {
		t.Error("the form does not carry the pair")
	}
	sent := len(stacktest.Emails(t, jun.Email)) // the welcome and the introduction
	note := func(text, key, pair string) url.Values {
		return url.Values{"csrf": {f.csrf}, "text": {text}, "key": {key}, "pair": {pair}}
	}
	// Bad input: a clear message, nothing stored or sent.
	for _, tt := range []struct {
		form url.Values
		want int
		msg  string
	}{
		{note("   ", key, ""), http.StatusUnprocessableEntity, "Write the note before sending it."},
		{note(strings.Repeat("é", 3001), key, ""), http.StatusUnprocessableEntity, "Keep the note under 3000 characters; it has 3001."},
		{note("Hello", "short", ""), http.StatusBadRequest, "The form is incomplete."},
		{note("Hello", key, f.pairs[1].ID), http.StatusUnprocessableEntity, "is not one of Junior 1&#39;s pairs"},
		{note("Hello", key, "../../x"), http.StatusUnprocessableEntity, "is not one of Junior 1&#39;s pairs"},
		{url.Values{"text": {"Hello"}, "key": {key}}, http.StatusForbidden, "This form has expired"},
	} {
		page, _ := s.post(t, f.c, notePath, tt.form, tt.want)
		if !strings.Contains(page, tt.msg) {
			t.Errorf("note %v: page lacks %q", tt.form, tt.msg)
		}
	}
	s.queue.Drain()
	if n := len(stacktest.Emails(t, jun.Email)) - sent; n != 0 {
		t.Fatalf("refused notes sent %d emails", n)
	}

	// A good note, sent twice from the same form: one email.
	for i, want := range []string{"Your note to Junior 1 is on its way. Their reply comes to " + s.coord, "was already sent; it is not sent twice"} {
		_, resp := s.post(t, f.c, notePath, note("How are things going with Senior 1?\r\n\r\nCall me any time.", key, f.pairs[0].ID), http.StatusSeeOther)
		if got := s.noticeAt(t, f.c, resp); !strings.Contains(got, want) {
			t.Errorf("post %d: notice %q, want %q", i+1, got, want)
		}
	}
	s.queue.Drain()
	mails := stacktest.Emails(t, jun.Email)[sent:]
	if len(mails) != 1 {
		t.Fatalf("notes received = %d, want 1", len(mails))
	}
	if m := mails[0]; len(m.ReplyTo) != 1 || m.ReplyTo[0] != s.coord || !strings.Contains(m.Body.Text, "How are things going with Senior 1?\n\nCall me any time.") {
		t.Errorf("note: reply-to %v, text:\n%s", m.ReplyTo, m.Body.Text)
	}

	// Someone no email reaches: refused with the reason.
	if err := s.store.Suppress(ctx, store.Suppression{Email: other.Email, Reason: "complaint", At: s.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	otherPath := "/programmes/" + f.id + "/participants/" + other.ID + "/note"
	page, _ := s.post(t, f.c, otherPath, note("Hello", hiddenValue(t, s.get(t, f.c, otherPath, http.StatusOK), "key"), ""), http.StatusConflict)
	if !strings.Contains(page, "No email can reach Junior 2 (their address is on the suppression list)") {
		t.Errorf("suppressed: %s", text(page))
	}
	s.post(t, f.c, "/programmes/"+f.id+"/participants/"+ids.New()+"/note", note("Hello", key, ""), http.StatusNotFound)
}

func hiddenValue(t *testing.T, page, name string) string {
	t.Helper()
	i := strings.Index(page, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no hidden %s in the form", name)
	}
	rest := page[i+len(`name="`+name+`" value="`):]
	return rest[:strings.IndexByte(rest, '"')]
}

// A pair action whose emails cannot be queued has still changed the pair:
// the page says so (never "Nothing was changed"), and doing it again
// queues what was missing, once.
func TestAPairActionThatFailsAfterChangingThePairSaysSo(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 1)
	ctx := context.Background()
	pair := f.pairs[0]
	path := "/programmes/" + f.id + "/pairs/" + pair.ID + "/rematch"
	s.faults.set(true)
	page, _ := s.post(t, f.c, path, url.Values{"csrf": {f.csrf}}, http.StatusInternalServerError)
	if strings.Contains(page, "Nothing was changed") || !strings.Contains(page, "Partly done") {
		t.Errorf("after the pair changed and its emails failed, the page says:\n%s", text(page))
	}
	if got, _ := s.store.GetPair(ctx, f.id, pair.ID); got.State != programme.PairRematched {
		t.Fatalf("pair is %s, want rematched", got.State)
	}
	s.faults.set(false)
	s.post(t, f.c, path, url.Values{"csrf": {f.csrf}}, http.StatusSeeOther)
	s.post(t, f.c, path, url.Values{"csrf": {f.csrf}}, http.StatusSeeOther)
	s.queue.Drain()
	for _, x := range []programme.Participant{f.seniors[0], f.juniors[0]} {
		n := 0
		for _, e := range stacktest.Emails(t, x.Email) {
			if strings.Contains(e.Subject, "has ended") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s received %d pair-ended emails, want 1", x.Name, n)
		}
	}
}
