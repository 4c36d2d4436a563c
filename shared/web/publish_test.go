package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
	"github.com/upward-mentoring/upward/shared/web"
)

// receive hands a raw reply to the inbound handler, as SES would.
func receive(t *testing.T, s *site, raw string) {
	t.Helper()
	h, err := inbound.New(s.store, s.queue, s.signer, s.clock, slog.New(slog.DiscardHandler), inbound.Settings{MailDomain: "upward.test", Local: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.Handle(context.Background(), inbound.Message{ID: ids.New(), Raw: []byte(raw)})
	if err != nil || res.Outcome != inbound.Recorded {
		t.Fatalf("reply %q: %+v %v", raw, res, err)
	}
	s.queue.Drain()
}

// replyTo answers an email to its own reply address.
func replyTo(t *testing.T, s *site, from programme.Participant, m localstack.Email, body string) {
	t.Helper()
	if len(m.ReplyTo) != 1 {
		t.Fatalf("%q has reply addresses %v", m.Subject, m.ReplyTo)
	}
	receive(t, s, fmt.Sprintf("From: %s\r\nTo: %s\r\nMessage-ID: <%s@example.org>\r\nSubject: Re\r\n\r\n%s\r\n", from.Email, m.ReplyTo[0], ids.New(), body))
}

// publish prepares a story's publication as the form does and records the
// agreement of each of agree.
func publish(t *testing.T, s *site, st store.Story, text string, agree ...string) store.Publication {
	t.Helper()
	ctx := context.Background()
	p, _, err := s.store.PreparePublication(ctx, store.Publication{ProgrammeID: st.ProgrammeID, ID: store.PublicationID(st.ParticipantID, st.Key),
		AuthorID: st.ParticipantID, StoryKey: st.Key, PairID: st.PairID, PartnerID: st.PartnerID, Text: text}, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range agree {
		if p, err = s.store.AnswerPublication(ctx, st.ProgrammeID, p.ID, who, p.Version, true, s.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// welcomeFor enrols a newcomer reading l and returns their welcome email.
func welcomeFor(t *testing.T, s *site, progID string, l lang.Tag) localstack.Email {
	t.Helper()
	ctx := context.Background()
	res, err := s.store.Enrol(ctx, progID, []programme.Participant{{Email: "newcomer-" + ids.New()[:8] + "@example.org", Name: "Nia Newcomer", Role: programme.Junior, Language: l}}, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.queue.Enqueue(ctx, sendqueue.Welcome{ProgrammeID: progID, ParticipantID: res.Created[0].ID}); err != nil {
		t.Fatal(err)
	}
	s.queue.Drain()
	got := stacktest.Emails(t, res.Created[0].Email)
	if len(got) != 1 {
		t.Fatalf("welcome emails: %d", len(got))
	}
	return got[0]
}

// storyOf returns the programme's one story.
func storyOf(t *testing.T, s *site, progID string) store.Story {
	t.Helper()
	sts, err := s.store.ListStories(context.Background(), progID)
	if err != nil || len(sts) != 1 {
		t.Fatalf("stories %+v, %v", sts, err)
	}
	return sts[0]
}

// welcomeHeadings are the words that introduce a published story in the
// welcome email, in capitals as the plain text writes them, by language.
var welcomeHeadings = map[lang.Tag]string{
	lang.EN: "FROM AN EARLIER PAIR",
	lang.DE: "AUS EINEM FRÜHEREN TANDEM",
	lang.FR: "D'UN BINÔME PRÉCÉDENT",
	lang.ES: "DE UNA PAREJA DE MENTORÍA ANTERIOR",
	lang.IT: "DA UN ABBINAMENTO PRECEDENTE",
	lang.PT: "DE UM PAR ANTERIOR",
	lang.NL: "VAN EEN EERDER DUO",
}

var textareaRE = regexp.MustCompile(`(?s)<textarea id="text"[^>]*>(.*?)</textarea>`)

// A coordinator prepares a story to publish from the stories page: the
// form comes anonymised, refuses a text that still names someone (unless
// told to ask with it as written), needs its CSRF token, asks both people
// once however often it is sent, and leaves an audit entry without the
// words. Published once both agree, the story opens newcomers' welcome
// emails in their own language's frame and is on the printable page.
func TestAStoryIsPreparedAndPublishedFromTheStoriesPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Publishing")
	tag := ids.New()[:6]
	upload(t, s, c, csrf, id, "two.csv", []byte("email,name,role,title,department,location\n"+
		"mia-"+tag+"@example.org,Mia Jones,senior,COO,Finance,London\nnoa-"+tag+"@example.org,Noa Cohen,junior,Data Analyst,Retail,Tel Aviv\n"), http.StatusSeeOther)
	prog, _ := s.store.GetProgramme(ctx, id)
	var mia, noa programme.Participant
	people, _ := s.store.ListParticipants(ctx, id)
	for _, x := range people {
		if x.Role == programme.Senior {
			mia = x
		} else {
			noa = x
		}
	}
	pairs, err := schedule.Approve(ctx, s.store, s.queue, prog, []programme.Pair{{SeniorID: mia.ID, JuniorID: noa.ID}}, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	s.queue.Drain()
	send := func(who programme.Participant, kind token.Kind, body string) {
		t.Helper()
		addr, _ := s.signer.ReplyAddress(token.Ref{ProgrammeID: id, ParticipantID: who.ID, PairID: pairs[0].ID, Kind: kind, Cycle: 2}, "upward.test")
		receive(t, s, fmt.Sprintf("From: %s\r\nTo: %s\r\nMessage-ID: <%s@example.org>\r\nSubject: Re\r\n\r\n%s\r\n", who.Email, addr, ids.New(), body))
	}
	send(mia, token.KindCheckIn, "STORY Noa Cohen from Retail showed me our app on a cheap phone in Tel Aviv. Noa's idea saved us a month.")
	send(noa, token.KindStoryConsent, "YES")
	st := storyOf(t, s, id)
	pubID := store.PublicationID(st.ParticipantID, st.Key)
	form := "/programmes/" + id + "/stories/" + pubID + "/publish"

	stories := s.get(t, c, "/programmes/"+id+"/stories", http.StatusOK)
	if !strings.Contains(stories, `href="`+form+`"`) || !strings.Contains(stories, "Prepare to publish") {
		t.Fatalf("the stories page offers no way to publish:\n%s", text(stories))
	}
	viewer := sessionFor(t, s, store.RoleViewer, id)
	if page := s.get(t, viewer.c, "/programmes/"+id+"/stories", http.StatusOK); strings.Contains(page, "Prepare to publish") {
		t.Error("a viewer is offered to publish")
	}
	page := s.get(t, c, form, http.StatusOK)
	m := textareaRE.FindStringSubmatch(page)
	want := "A junior mentor from [department] showed me our app on a cheap phone in [place]. The junior mentor&#39;s idea saved us a month."
	if m == nil || m[1] != want {
		t.Fatalf("the form's text: %q, want %q", m, want)
	}
	draft := strings.ReplaceAll(want, "&#39;", "'")

	// Refused: without the form's token, and with a name left in.
	before := snapshot(t, s)
	s.post(t, c, form, url.Values{"text": {draft}, "version": {"0"}}, http.StatusForbidden)
	named, _ := s.post(t, c, form, url.Values{"csrf": {csrf}, "text": {"Noa showed me the app."}, "version": {"0"}}, http.StatusUnprocessableEntity)
	if !strings.Contains(text(named), "The text still names Noa") || !strings.Contains(named, `name="as_written"`) {
		t.Errorf("a text that names Noa is not refused with the choice to keep it:\n%s", text(named))
	}
	if after := snapshot(t, s); after != before {
		t.Error("a refused form changed the table")
	}

	_, resp := s.post(t, c, form, url.Values{"csrf": {csrf}, "text": {draft}, "version": {"0"}}, http.StatusSeeOther)
	if n := s.noticeAt(t, c, resp); !strings.Contains(n, "Mia Jones and their partner are asked by email") {
		t.Errorf("notice after preparing: %q", n)
	}
	asks := func(who programme.Participant) []localstack.Email {
		s.queue.Drain()
		var out []localstack.Email
		for _, m := range stacktest.Emails(t, who.Email) {
			if strings.Contains(m.Subject, "future participants") {
				out = append(out, m)
			}
		}
		return out
	}
	// Sent again, a double click: nobody is asked twice.
	_, resp = s.post(t, c, form, url.Values{"csrf": {csrf}, "text": {draft}, "version": {"1"}}, http.StatusSeeOther)
	if n := s.noticeAt(t, c, resp); !strings.Contains(n, "Nothing changed") {
		t.Errorf("notice after sending the same text again: %q", n)
	}
	miaAsk, noaAsk := asks(mia), asks(noa)
	if len(miaAsk) != 1 || len(noaAsk) != 1 || !strings.Contains(noaAsk[0].Body.Text, draft) {
		t.Fatalf("asked: Mia %d, Noa %d; want one email each quoting the text", len(miaAsk), len(noaAsk))
	}
	// A page opened before the text was sent is out of date.
	if stale, _ := s.post(t, c, form, url.Values{"csrf": {csrf}, "text": {draft + " More."}, "version": {"0"}}, http.StatusUnprocessableEntity); !strings.Contains(text(stale), "Someone else changed the text") {
		t.Errorf("a stale form is not refused:\n%s", text(stale))
	}
	entries, _, err := s.store.ListAudit(ctx, store.AuditQuery{ProgrammeID: id, Action: web.ActStoryPrepared})
	if err != nil || len(entries) != 1 || entries[0].Detail != "version 1, 2 asked" {
		t.Fatalf("audit entries: %+v, %v; want one, without words", entries, err)
	}
	for _, e := range entries {
		if strings.Contains(e.Subject+e.Detail, "phone") || strings.Contains(e.Subject+e.Detail, "Noa") {
			t.Errorf("the audit trail holds the story's words: %+v", e)
		}
	}
	if page := s.get(t, c, "/stories/published", http.StatusOK); strings.Contains(page, "cheap phone") {
		t.Error("a text nobody agreed to is on the printable page")
	}

	replyTo(t, s, mia, miaAsk[0], "YES")
	replyTo(t, s, noa, noaAsk[0], "YES")
	printed := s.get(t, viewer.c, "/stories/published", http.StatusOK)
	if !strings.Contains(printed, "showed me our app on a cheap phone in [place]") || strings.Contains(printed, "Noa") || strings.Contains(printed, "Publishing") {
		t.Errorf("the printable page:\n%s", text(printed))
	}
	if stories := s.get(t, c, "/programmes/"+id+"/stories", http.StatusOK); !strings.Contains(stories, "Published since") {
		t.Errorf("the stories page does not say it is published:\n%s", text(stories))
	}
	for l, heading := range welcomeHeadings {
		w := welcomeFor(t, s, id, l)
		if !strings.Contains(w.Body.Text, heading+"\n\n    "+draft) || !strings.Contains(w.Body.HTML, "showed me our app on a cheap phone") {
			t.Errorf("the %s welcome does not quote the story under %q:\n%s", l, heading, w.Body.Text)
		}
	}
	// Changed, with a name kept on purpose: asked again, and off the
	// printable page until both agree to it.
	s.post(t, c, form, url.Values{"csrf": {csrf}, "text": {"Noa showed me the app."}, "version": {"1"}, "as_written": {"yes"}}, http.StatusSeeOther)
	if len(asks(mia)) != 2 || len(asks(noa)) != 2 {
		t.Errorf("the changed text is not asked about: Mia %d, Noa %d", len(asks(mia)), len(asks(noa)))
	}
	if page := s.get(t, c, "/stories/published", http.StatusOK); strings.Contains(page, "cheap phone") || strings.Contains(page, "Noa showed me") {
		t.Error("the printable page shows a text while its change waits for agreement")
	}
}

// However a story's consent ends after it was published — its teller's
// STORY WITHDRAW, a NO from either to the question about publishing it,
// or the partner taking back consent to the story — it leaves the
// printable page and the welcome emails in every language at once: both
// read the publication when they are rendered.
func TestAWithdrawnStoryLeavesTheWelcomeEmailsAndThePrintablePage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		end  func(reply func(who programme.Participant, kind token.Kind, slot string, cycle int, body string), p store.Publication, mia, noa programme.Participant)
	}{
		{"the teller replies STORY WITHDRAW", func(reply func(programme.Participant, token.Kind, string, int, string), p store.Publication, mia, _ programme.Participant) {
			reply(mia, token.KindCheckIn, p.PairID, 3, "STORY WITHDRAW")
		}},
		{"the teller says no to publishing", func(reply func(programme.Participant, token.Kind, string, int, string), p store.Publication, mia, _ programme.Participant) {
			reply(mia, token.KindPublication, p.ID, p.Version, "NO")
		}},
		{"the partner says no to publishing", func(reply func(programme.Participant, token.Kind, string, int, string), p store.Publication, _, noa programme.Participant) {
			reply(noa, token.KindPublication, p.ID, p.Version, "NO")
		}},
		{"the partner takes back consent to the story", func(reply func(programme.Participant, token.Kind, string, int, string), p store.Publication, _, noa programme.Participant) {
			reply(noa, token.KindStoryConsent, p.PairID, 0, "NO")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			ctx := context.Background()
			c, csrf := s.signIn(t)
			id := s.createProgramme(t, c, csrf, "Withdrawing")
			tag := ids.New()[:6]
			upload(t, s, c, csrf, id, "two.csv", []byte("email,name,role\nmia-"+tag+"@example.org,Mia Jones,senior\nnoa-"+tag+"@example.org,Noa Cohen,junior\n"), http.StatusSeeOther)
			prog, _ := s.store.GetProgramme(ctx, id)
			var mia, noa programme.Participant
			people, _ := s.store.ListParticipants(ctx, id)
			for _, x := range people {
				if x.Role == programme.Senior {
					mia = x
				} else {
					noa = x
				}
			}
			pairs, err := schedule.Approve(ctx, s.store, s.queue, prog, []programme.Pair{{SeniorID: mia.ID, JuniorID: noa.ID}}, s.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			s.queue.Drain()
			// reply answers as an email's reply address would let the
			// person: slot is the pair, or the publication its question
			// names.
			reply := func(who programme.Participant, kind token.Kind, slot string, cycle int, body string) {
				t.Helper()
				addr, err := s.signer.ReplyAddress(token.Ref{ProgrammeID: id, ParticipantID: who.ID, PairID: slot, Kind: kind, Cycle: cycle}, "upward.test")
				if err != nil {
					t.Fatal(err)
				}
				receive(t, s, fmt.Sprintf("From: %s\r\nTo: %s\r\nMessage-ID: <%s@example.org>\r\nSubject: Re\r\n\r\n%s\r\n", who.Email, addr, ids.New(), body))
			}
			reply(mia, token.KindCheckIn, pairs[0].ID, 2, "STORY Noa taught me to test the app on the night bus, tag "+tag+".")
			reply(noa, token.KindStoryConsent, pairs[0].ID, 0, "YES")
			story := "A junior mentor taught me to test the app on the night bus, tag " + tag + "."
			p := publish(t, s, storyOf(t, s, id), story, mia.ID, noa.ID)
			if !p.Published() {
				t.Fatalf("not published after both agreed: %+v", p)
			}
			if page := s.get(t, c, "/stories/published", http.StatusOK); !strings.Contains(page, story) {
				t.Fatalf("the printable page lacks the published story:\n%s", text(page))
			}
			if w := welcomeFor(t, s, id, lang.EN); !strings.Contains(w.Body.Text, story) || !strings.Contains(w.Body.HTML, story) {
				t.Fatalf("the welcome lacks the published story:\n%s", w.Body.Text)
			}

			tc.end(reply, p, mia, noa)
			if p, err = s.store.GetPublication(ctx, id, p.ID); err != nil || p.Published() || !p.Withdrawn() {
				t.Errorf("the publication after consent ended: %+v, %v", p, err)
			}
			if page := s.get(t, c, "/stories/published", http.StatusOK); strings.Contains(page, tag) {
				t.Errorf("the printable page still shows the story:\n%s", text(page))
			}
			for l, heading := range welcomeHeadings {
				w := welcomeFor(t, s, id, l)
				if strings.Contains(w.Body.Text, tag) || strings.Contains(w.Body.HTML, tag) || strings.Contains(w.Body.Text, heading) {
					t.Errorf("the %s welcome still quotes the story:\n%s", l, w.Body.Text)
				}
			}
		})
	}
}
