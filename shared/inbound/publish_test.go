package inbound_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// consentedStory has the senior tell a story from the pairing and the
// junior agree to the coordinators reading it, and returns its key.
func (e *env) consentedStory(t *testing.T, story string) store.Story {
	t.Helper()
	e.handleAt(t, t0, e.raw(t, e.senior, token.KindCheckIn, 2, "pst-"+ids.New()+"@mail.example.org", "STORY "+story))
	e.handleAt(t, t0.Add(time.Minute), e.raw(t, e.junior, token.KindStoryConsent, 0, "psc-"+ids.New()+"@mail.example.org", "YES"))
	sts, err := e.store.ListStories(context.Background(), e.prog.ID)
	if err != nil || len(sts) != 1 || !sts[0].Shown() {
		t.Fatalf("the consented story: %+v, %v", sts, err)
	}
	return sts[0]
}

// prepare does what the coordinator's form does: records a version of the
// anonymised text and asks everyone it asks.
func (e *env) prepare(t *testing.T, st store.Story, text string) store.Publication {
	t.Helper()
	ctx := context.Background()
	p, changed, err := e.store.PreparePublication(ctx, store.Publication{ProgrammeID: e.prog.ID, ID: store.PublicationID(st.ParticipantID, st.Key),
		AuthorID: st.ParticipantID, StoryKey: st.Key, PairID: st.PairID, PartnerID: st.PartnerID, Text: text}, e.clock.Now())
	if err != nil || !changed {
		t.Fatalf("prepare %q: %+v, %v, %v", text, p, changed, err)
	}
	for _, who := range p.Asked() {
		if err := e.queue.Enqueue(ctx, sendqueue.PublicationAsk{ProgrammeID: e.prog.ID, ParticipantID: who, Publication: p.ID, Version: p.Version}); err != nil {
			t.Fatal(err)
		}
	}
	e.queue.Drain()
	return p
}

// answer replies to an email as its reader, to its own reply address.
func (e *env) answer(t *testing.T, at time.Time, from programme.Participant, to localstack.Email, body string) []byte {
	t.Helper()
	if len(to.ReplyTo) != 1 {
		t.Fatalf("%q has reply addresses %v", to.Subject, to.ReplyTo)
	}
	raw := []byte(fmt.Sprintf("From: %s <%s>\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <%s@mail.example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		from.Name, from.Email, to.ReplyTo[0], to.Subject, ids.New(), body))
	e.handleAt(t, at, raw)
	return raw
}

// welcomeStory sends a newcomer a welcome email and returns what it
// quotes under "From an earlier pair" ("" when nothing).
func (e *env) welcomeStory(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	res, err := e.store.Enrol(ctx, e.prog.ID, []programme.Participant{{Email: "new-" + ids.New()[:8] + "@example.org", Name: "Nia", Role: programme.Junior}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	x := res.Created[0]
	if err := e.queue.Enqueue(ctx, sendqueue.Welcome{ProgrammeID: e.prog.ID, ParticipantID: x.ID}); err != nil {
		t.Fatal(err)
	}
	e.queue.Drain()
	got := stacktest.Emails(t, x.Email)
	if len(got) != 1 {
		t.Fatalf("welcome emails to the newcomer: %q", subjects(got))
	}
	body := got[0].Body.Text
	_, after, ok := strings.Cut(body, "FROM AN EARLIER PAIR\n\n")
	if !ok {
		return ""
	}
	quote, _, _ := strings.Cut(after, "\n\n")
	return strings.TrimSpace(quote)
}

// A story's anonymised text is published only once both people agreed to
// that very text: each is asked with it quoted; an edited text is asked
// again and a YES to the old one counts for nothing; once published, it
// opens newcomers' welcome emails, until a NO takes it out.
func TestAStoryIsPublishedOnlyOnceEveryoneAskedAgreesToItsText(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	st := e.consentedStory(t, "Jun showed me how our app feels on a cheap phone.")
	v1 := "A junior mentor showed me how our app feels on a cheap phone."
	p := e.prepare(t, st, v1)
	asks := func(who programme.Participant) []localstack.Email {
		return withSubject(stacktest.Emails(t, who.Email), "future participants")
	}
	senAsk, junAsk := asks(e.senior), asks(e.junior)
	if len(senAsk) != 1 || len(junAsk) != 1 {
		t.Fatalf("asked: Sen %q, Jun %q; want one question each", subjects(stacktest.Emails(t, e.senior.Email)), subjects(stacktest.Emails(t, e.junior.Email)))
	}
	for _, m := range []localstack.Email{senAsk[0], junAsk[0]} {
		if !strings.Contains(m.Body.Text, "    "+v1+"\n") || !strings.Contains(m.Body.Text, "Reply YES to agree") {
			t.Errorf("%q does not quote the text exactly:\n%s", m.Subject, m.Body.Text)
		}
	}
	if !strings.Contains(senAsk[0].Body.Text, "Jun is asked too") || !strings.Contains(junAsk[0].Body.Text, "Sen told us a story from your pairing") {
		t.Errorf("the questions do not say who else is asked:\n%s\n%s", senAsk[0].Body.Text, junAsk[0].Body.Text)
	}
	if got := e.welcomeStory(t); got != "" {
		t.Fatalf("a welcome quotes a text nobody agreed to: %q", got)
	}

	e.answer(t, t0.Add(time.Hour), e.senior, senAsk[0], "Yes, happy to.")
	if p, _ = e.store.GetPublication(ctx, e.prog.ID, p.ID); p.Published() {
		t.Fatal("published on the teller's YES alone")
	}
	if got := e.welcomeStory(t); got != "" {
		t.Fatalf("a welcome quotes a text only one of two agreed to: %q", got)
	}
	yes := e.answer(t, t0.Add(2*time.Hour), e.junior, junAsk[0], "YES")
	if res := e.handle(t, yes, pass); res.Outcome != "duplicate" {
		t.Errorf("the YES again: %s", res.Outcome)
	}
	if p, _ = e.store.GetPublication(ctx, e.prog.ID, p.ID); !p.Published() || p.Version != 1 {
		t.Fatalf("after both agreed: %+v", p)
	}
	if acks := withSubject(stacktest.Emails(t, e.junior.Email), "Thank you for agreeing"); len(acks) != 1 {
		t.Errorf("the junior's acknowledgements: %q, want one thank-you however often the YES came", subjects(stacktest.Emails(t, e.junior.Email)))
	}
	if got := e.welcomeStory(t); got != v1 {
		t.Fatalf("the welcome after publication quotes %q, want %q", got, v1)
	}

	// Edited: asked again, off the welcome emails until both agree again.
	v2 := "A junior mentor showed me our app on a cheap phone; we changed the release plan."
	e.prepare(t, st, v2)
	if got := e.welcomeStory(t); got != "" {
		t.Fatalf("an edited text nobody agreed to yet is quoted: %q", got)
	}
	e.answer(t, t0.Add(3*time.Hour), e.junior, junAsk[0], "YES") // to the first email
	if got := withSubject(stacktest.Emails(t, e.junior.Email), "The text has changed"); len(got) != 1 {
		t.Errorf("a YES to the old text is not told it no longer counts: %q", subjects(stacktest.Emails(t, e.junior.Email)))
	}
	senAsk, junAsk = asks(e.senior), asks(e.junior)
	if len(senAsk) != 2 || len(junAsk) != 2 || !strings.Contains(junAsk[1].Body.Text, v2) {
		t.Fatalf("the edited text is not asked about: Sen %d, Jun %d", len(senAsk), len(junAsk))
	}
	e.answer(t, t0.Add(4*time.Hour), e.senior, senAsk[1], "YES")
	e.answer(t, t0.Add(5*time.Hour), e.junior, junAsk[1], "Ja")
	if got := e.welcomeStory(t); got != v2 {
		t.Fatalf("the welcome quotes %q, want the edited text both agreed to", got)
	}

	// A NO, after publication, takes it out at once and for good.
	e.answer(t, t0.Add(6*time.Hour), e.junior, junAsk[1], "No, I'd rather not after all.")
	if got := e.welcomeStory(t); got != "" {
		t.Fatalf("a withdrawn story is still quoted: %q", got)
	}
	if got := withSubject(stacktest.Emails(t, e.junior.Email), "Understood"); len(got) != 1 || strings.Contains(got[0].Body.Text, "Sen") {
		t.Errorf("the NO's acknowledgement: %q", subjects(got))
	}
	e.answer(t, t0.Add(7*time.Hour), e.junior, junAsk[1], "YES")
	if p, _ = e.store.GetPublication(ctx, e.prog.ID, p.ID); p.Published() || !p.Withdrawn() {
		t.Errorf("a YES after the NO published it again: %+v", p)
	}
	if got := withSubject(stacktest.Emails(t, e.junior.Email), "no longer being shared"); len(got) != 1 {
		t.Errorf("a YES to a withdrawn story is not told so: %q", subjects(stacktest.Emails(t, e.junior.Email)))
	}
	if _, _, err := e.store.PreparePublication(ctx, store.Publication{ProgrammeID: e.prog.ID, ID: p.ID, AuthorID: st.ParticipantID, StoryKey: st.Key,
		Text: "Once more?"}, t0); err == nil {
		t.Error("a story someone refused can be prepared again")
	}
}

// However consent to a story ends — a NO before publication, its teller's
// STORY WITHDRAW or the partner taking consent back after it — it is never
// published again, and the welcome emails stop quoting it at once.
func TestAStoryLeavesPublicationWhenConsentEnds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		published bool // both agreed before consent ended
		end       func(e *env, t *testing.T, senAsk, junAsk localstack.Email)
	}{
		{"the partner says no first", false, func(e *env, t *testing.T, senAsk, junAsk localstack.Email) {
			e.answer(t, t0.Add(time.Hour), e.junior, junAsk, "NO")
			e.answer(t, t0.Add(2*time.Hour), e.senior, senAsk, "YES")
		}},
		{"the teller withdraws the story", true, func(e *env, t *testing.T, _, _ localstack.Email) {
			e.handleAt(t, t0.Add(3*time.Hour), e.raw(t, e.senior, token.KindCheckIn, 3, "pw-"+ids.New()+"@mail.example.org", "STORY WITHDRAW"))
		}},
		{"the partner takes back consent to the story", true, func(e *env, t *testing.T, _, _ localstack.Email) {
			e.handleAt(t, t0.Add(3*time.Hour), e.raw(t, e.junior, token.KindStoryConsent, 0, "pn-"+ids.New()+"@mail.example.org", "NO"))
		}},
		{"the partner replies STORY WITHDRAW", true, func(e *env, t *testing.T, _, _ localstack.Email) {
			e.handleAt(t, t0.Add(3*time.Hour), e.raw(t, e.junior, token.KindCheckIn, 3, "pw-"+ids.New()+"@mail.example.org", "STORY WITHDRAW"))
		}},
		{"the teller says no after publication", true, func(e *env, t *testing.T, senAsk, _ localstack.Email) {
			e.answer(t, t0.Add(3*time.Hour), e.senior, senAsk, "NO")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			st := e.consentedStory(t, "Jun rebuilt the onboarding checklist with me.")
			text := "A junior mentor rebuilt the onboarding checklist with me."
			p := e.prepare(t, st, text)
			senAsk := withSubject(stacktest.Emails(t, e.senior.Email), "future participants")
			junAsk := withSubject(stacktest.Emails(t, e.junior.Email), "future participants")
			if len(senAsk) != 1 || len(junAsk) != 1 {
				t.Fatalf("asked: Sen %d, Jun %d", len(senAsk), len(junAsk))
			}
			if tc.published {
				e.answer(t, t0.Add(time.Hour), e.senior, senAsk[0], "YES")
				e.answer(t, t0.Add(2*time.Hour), e.junior, junAsk[0], "YES")
				if got := e.welcomeStory(t); got != text {
					t.Fatalf("published: the welcome quotes %q", got)
				}
			}
			tc.end(e, t, senAsk[0], junAsk[0])
			if got := e.welcomeStory(t); got != "" {
				t.Errorf("the welcome still quotes %q", got)
			}
			if p, _ = e.store.GetPublication(context.Background(), e.prog.ID, p.ID); p.Published() || !p.Withdrawn() {
				t.Errorf("publication after consent ended: %+v", p)
			}
		})
	}
}
