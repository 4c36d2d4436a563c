package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// replyAs records a reply as the inbound handler would.
func replyAs(t *testing.T, s *site, f followed, who programme.Participant, kind token.Kind, cycle int, body string) {
	t.Helper()
	h, err := inbound.New(s.store, s.queue, s.signer, s.clock, slog.New(slog.DiscardHandler), inbound.Settings{MailDomain: "upward.test", Local: true})
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := s.signer.ReplyAddress(token.Ref{ProgrammeID: f.id, ParticipantID: who.ID, PairID: f.pairs[0].ID, Kind: kind, Cycle: cycle}, "upward.test")
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nMessage-ID: <%s@example.org>\r\nSubject: Re\r\n\r\n%s\r\n", who.Email, addr, ids.New(), body)
	res, err := h.Handle(context.Background(), inbound.Message{ID: ids.New(), Raw: []byte(raw)})
	if err != nil || res.Outcome != inbound.Recorded {
		t.Fatalf("reply %q: %+v %v", body, res, err)
	}
	s.queue.Drain()
}

// publicationKeepsItsPlace checks, on TestNoCoordinatorPageShowsWhatPeopleWrote's
// programme, that a story's text reaches newcomers' welcome emails and the
// printable page only while it is published: not while it waits for an
// agreement, and no longer once consent is taken back. No private words
// reach either, and a story the coordinators may not read cannot even be
// prepared.
func publicationKeepsItsPlace(t *testing.T, s *site, f followed, partner programme.Participant, private []string) {
	t.Helper()
	ctx := context.Background()
	all, err := s.store.ListStories(ctx, f.id)
	if err != nil {
		t.Fatal(err)
	}
	var shown store.Story
	for _, st := range all {
		if st.Shown() {
			shown = st
		} else if strings.Contains(st.Text, "Velvet thunder") {
			s.get(t, f.c, "/programmes/"+f.id+"/stories/"+store.PublicationID(st.ParticipantID, st.Key)+"/publish", http.StatusNotFound)
		}
	}
	planted := "Marmalade compass: a junior mentor rebuilt our onboarding checklist."
	pub := publish(t, s, shown, planted, shown.ParticipantID) // the partner has not agreed yet
	seen := func() (welcome, printed bool) {
		t.Helper()
		w := welcomeFor(t, s, f.id, lang.EN)
		page := s.get(t, f.c, "/stories/published", http.StatusOK)
		for _, p := range private {
			if strings.Contains(strings.ToLower(w.Body.Text+w.Body.HTML+page), strings.ToLower(p)) {
				t.Errorf("private text %q reached a welcome email or the printable page", p)
			}
		}
		return strings.Contains(w.Body.Text, "Marmalade compass"), strings.Contains(page, "Marmalade compass")
	}
	if w, p := seen(); w || p {
		t.Errorf("a text waiting for the partner's agreement reached the welcome (%v) or the printable page (%v)", w, p)
	}
	if _, err := s.store.AnswerPublication(ctx, f.id, pub.ID, partner.ID, pub.Version, true, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if w, p := seen(); !w || !p {
		t.Fatalf("the published story is not in the welcome (%v) or on the printable page (%v), so its absence would prove nothing", w, p)
	}
	replyAs(t, s, f, partner, token.KindStoryConsent, 0, "NO")
	if w, p := seen(); w || p {
		t.Errorf("a story whose consent was taken back is still in the welcome (%v) or on the printable page (%v)", w, p)
	}
}

// TestNoCoordinatorPageShowsWhatPeopleWrote seeds replies with distinctive
// sentences and looks for them on every page and export of the programme.
func TestNoCoordinatorPageShowsWhatPeopleWrote(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 1)
	sen, jun := f.seniors[0], f.juniors[0]
	seedHistory(t, s, f.id, sen, jun, f.pairs[0])
	replyAs(t, s, f, sen, token.KindCheckIn, 2, "YES 4\r\nPurple elephants negotiate quietly at dawn, said my mentor.")
	replyAs(t, s, f, sen, token.KindCheckIn, 3, "STORY The tale of the silver kettle and the quarterly plan.")
	replyAs(t, s, f, sen, token.KindCheckIn, 3, "STORY WITHDRAW")
	// A story the partner has not agreed to, and a goal its owner keeps.
	replyAs(t, s, f, sen, token.KindCheckIn, 4, "STORY Velvet thunder over the regional office.")
	replyAs(t, s, f, sen, token.KindGoal, 0, "Learn the quiet art of juggling lighthouses.")
	// Whom a private preference names, and a senior's assistant, are told
	// to nobody.
	replyAs(t, s, f, sen, token.KindCheckIn, 3, "NOT WITH ophelia.wrenfield@example.org")
	replyAs(t, s, f, jun, token.KindCheckIn, 3, "NOT WITH Bartholomew Quince")
	replyAs(t, s, f, sen, token.KindCheckIn, 3, "ASSISTANT hieronymus.diary@example.org")

	// Goals (shared with a partner or not), what a senior applied (shared
	// with the junior and their manager), an unconsented story, the
	// journal's words, whom a preference names and the assistant are never
	// a coordinator's to read.
	private := []string{"Purple elephants negotiate", "reorganisation rumours", "thank you for everything", "silver kettle",
		"master board papers", "Copper lanterns", "Velvet thunder", "juggling lighthouses",
		"ophelia.wrenfield", "Wrenfield", "Bartholomew", "Quince", "hieronymus"}
	replies, err := s.store.ListReplies(context.Background(), f.id, sen.ID)
	stored := ""
	for _, r := range replies {
		stored += r.Text + "\n"
	}
	if err != nil || !strings.Contains(stored, "Purple elephants") {
		t.Fatalf("the distinctive reply is not stored, so its absence would prove nothing (%v):\n%s", err, stored)
	}
	if prefs, _ := s.store.ListNotWith(context.Background(), f.id); len(prefs) != 2 {
		t.Fatalf("the private preferences are not stored, so their absence would prove nothing: %+v", prefs)
	}
	base := "/programmes/" + f.id
	pages := map[string]string{}
	for _, path := range []string{"/dashboard", "/attention", "/stories", "/report", "/export/pairs.csv", "/export/meetings.csv", "/export/ratings.csv",
		"/participants/" + jun.ID + "/note?pair=" + f.pairs[0].ID, ""} {
		pages[path] = s.get(t, f.c, base+path, http.StatusOK)
	}
	pages["/orgchart"] = s.get(t, f.c, "/orgchart", http.StatusOK)
	pages["/programmes"] = s.get(t, f.c, "/programmes", http.StatusOK)
	for path, page := range pages {
		for _, p := range private {
			if strings.Contains(strings.ToLower(page), strings.ToLower(p)) {
				t.Errorf("%s shows private text %q", base+path, p)
			}
		}
	}
	// What the junior shared with consent is what the stories and the
	// report show — the report by role only.
	for _, path := range []string{"/stories", "/report"} {
		if !strings.Contains(pages[path], "Jun rebuilt our onboarding checklist.") {
			t.Errorf("%s lacks the consented story", path)
		}
	}
	if !strings.Contains(text(pages["/stories"]), "— "+jun.Name+", junior mentor") {
		t.Errorf("stories page does not say who shared the story:\n%s", text(pages["/stories"]))
	}
	publicationKeepsItsPlace(t, s, f, sen, private)
	if strings.Contains(pages["/report"], jun.Name) || !strings.Contains(pages["/report"], "— a junior mentor") {
		t.Error("the printable report names a story's teller")
	}
	// The goals and what changed, in figures only.
	if dash := text(pages["/dashboard"]); !strings.Contains(dash, "Goals and what changed") || !strings.Contains(dash, "Set a goal") {
		t.Errorf("the dashboard lacks the goal and impact figures:\n%s", dash)
	}
	// The quarantined impostor is on the attention list, reason only.
	if att := text(pages["/attention"]); !strings.Contains(att, "A reply to their email came from") || !strings.Contains(att, "Release this reply") {
		t.Errorf("attention list lacks the quarantined reply:\n%s", att)
	}
}
