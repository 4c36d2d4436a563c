package inbound_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/recognition"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// handleAt is handle for a message received at a given time: consents
// answered one after another are told apart by when they came.
func (e *env) handleAt(t *testing.T, at time.Time, raw []byte) inbound.Result {
	t.Helper()
	rcpt, from := envelope(t, raw)
	res, err := e.handler.Handle(context.Background(), inbound.Message{ID: ids.New(), Raw: raw, Verdicts: pass, ReceivedAt: at, Recipients: rcpt, EnvelopeFrom: from})
	if err != nil {
		t.Fatal(err)
	}
	e.queue.Drain()
	return res
}

// subjects lists the subjects of the emails to addr, for messages.
func subjects(mails []localstack.Email) []string {
	var out []string
	for _, m := range mails {
		out = append(out, m.Subject)
	}
	return out
}

// with returns the emails whose subject contains s.
func withSubject(mails []localstack.Email, s string) []localstack.Email {
	var out []localstack.Email
	for _, m := range mails {
		if strings.Contains(m.Subject, s) {
			out = append(out, m)
		}
	}
	return out
}

// A goal answered in the person's own words is theirs alone until they
// reply SHARE GOAL; a new goal shared again reaches the partner again;
// "GOAL 4" on the midpoint survey records how far they came.
func TestAGoalIsPrivateUntilItsOwnerSharesIt(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	goal := "I want to understand how the board decides what to fund."
	res := e.handle(t, e.raw(t, e.junior, token.KindGoal, 0, "g1@mail.example.org", goal), pass)
	if res.Outcome != "recorded" {
		t.Fatalf("goal reply: %+v", res)
	}
	g, err := e.store.GetGoal(ctx, e.prog.ID, e.junior.ID, e.pair.ID)
	if err != nil || g.Text != goal || g.Role != programme.Junior {
		t.Fatalf("stored goal %+v, %v", g, err)
	}
	acks := stacktest.Emails(t, e.junior.Email)
	if len(acks) != 1 || !strings.Contains(acks[0].Body.Text, "    "+goal) || !strings.Contains(acks[0].Body.Text, "SHARE GOAL") {
		t.Fatalf("the goal's acknowledgement %q, want it quoted with how to share it", subjects(acks))
	}
	if got := stacktest.Emails(t, e.senior.Email); len(got) != 0 {
		t.Fatalf("the partner heard of a goal nobody shared: %q", subjects(got))
	}

	// Shared from a check-in: the partner receives it, once.
	share := e.raw(t, e.junior, token.KindCheckIn, 1, "g2@mail.example.org", "YES 4\r\nSHARE GOAL")
	e.handle(t, share, pass)
	e.handle(t, share, pass)
	shared := stacktest.Emails(t, e.senior.Email)
	if len(shared) != 1 || !strings.Contains(shared[0].Body.Text, goal) || !strings.Contains(shared[0].Subject, "Jun") {
		t.Fatalf("to the partner after SHARE GOAL: %q, want one email quoting the goal", subjects(shared))
	}
	answers, _ := e.store.ListAnswers(ctx, e.prog.ID)
	if len(answers) != 1 || answers[0].Rating == nil || *answers[0].Rating != 4 {
		t.Errorf("the check-in answer beside the command: %+v", answers)
	}

	// A new goal, shared in German word order, is a new email.
	changed := "Learn to present to the board."
	e.handle(t, e.raw(t, e.junior, token.KindCheckIn, 2, "g3@mail.example.org", "GOAL "+changed), pass)
	e.handle(t, e.raw(t, e.junior, token.KindCheckIn, 2, "g4@mail.example.org", "ZIEL TEILEN"), pass)
	shared = stacktest.Emails(t, e.senior.Email)
	if len(shared) != 2 || !strings.Contains(shared[1].Body.Text, changed) {
		t.Fatalf("to the partner after a new goal was shared: %q", subjects(shared))
	}

	// Progress, from the midpoint survey.
	e.handle(t, e.raw(t, e.junior, token.KindMidpoint, 3, "g5@mail.example.org", "YES 5\r\nGOAL 4"), pass)
	if g, err = e.store.GetGoal(ctx, e.prog.ID, e.junior.ID, e.pair.ID); err != nil || g.Progress != 4 || g.Text != changed {
		t.Errorf("after GOAL 4: %+v, %v; want progress 4 and the goal unchanged", g, err)
	}
	// Progress out of range changes nothing and says how.
	before := len(stacktest.Emails(t, e.junior.Email))
	e.handle(t, e.raw(t, e.junior, token.KindMidpoint, 3, "g6@mail.example.org", "GOAL 9"), pass)
	if g, _ = e.store.GetGoal(ctx, e.prog.ID, e.junior.ID, e.pair.ID); g.Progress != 4 {
		t.Errorf("GOAL 9 changed the progress to %d", g.Progress)
	}
	if after := stacktest.Emails(t, e.junior.Email); len(after) != before+1 || !strings.Contains(after[len(after)-1].Subject, "goal") {
		t.Errorf("GOAL 9 was not answered with how to give a goal: %q", subjects(after))
	}
}

// What a senior applied reaches their junior only on SHARE, and the
// junior's manager only with both consents, two days after the later one,
// unless either withdraws first.
func TestAppliedLearningReachesTheManagerOnlyWithBothConsents(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	boss := "boss-" + strings.TrimPrefix(e.junior.Email, "jun-")
	j := e.junior
	j.ManagerEmail = boss
	if _, err := e.store.Enrol(ctx, e.prog.ID, []programme.Participant{j}, t0); err != nil {
		t.Fatal(err)
	}
	applied := "I now ask a junior colleague to try every rollout before it ships."
	closing := e.raw(t, e.senior, token.KindClosing, 9, "a1@mail.example.org", "YES 5\r\n"+applied+"\r\nSHARE MANAGER")
	if res := e.handle(t, closing, pass); res.Outcome != "recorded" {
		t.Fatalf("closing reply: %+v", res)
	}
	e.handle(t, closing, pass)
	toJunior := stacktest.Emails(t, e.junior.Email)
	if got := withSubject(toJunior, "applied"); len(got) != 1 || !strings.Contains(got[0].Body.Text, applied) {
		t.Fatalf("what the senior applied, to the junior: %q", subjects(toJunior))
	}
	ask := withSubject(toJunior, "manager")
	if len(ask) != 1 || !strings.Contains(ask[0].Body.Text, applied) {
		t.Fatalf("the junior's consent asked: %q", subjects(toJunior))
	}
	if n := len(stacktest.Emails(t, boss)); n != 0 {
		t.Fatalf("the manager was written to before the junior agreed: %d emails", n)
	}
	// The senior's acknowledgement carries a reply address that withdraws.
	senAck := withSubject(stacktest.Emails(t, e.senior.Email), "first")
	if len(senAck) != 1 || len(senAck[0].ReplyTo) != 1 {
		t.Fatalf("the senior's acknowledgement: %q", subjects(stacktest.Emails(t, e.senior.Email)))
	}
	if ref, err := e.signer.ParseReplyAddress(senAck[0].ReplyTo[0], domain); err != nil || ref.Kind != token.KindRecognition || ref.PairID != e.pair.ID {
		t.Fatalf("the acknowledgement's reply address: %+v, %v", ref, err)
	}

	runner := &recognition.Runner{Store: e.store, Queue: e.queue, Clock: e.clock, Log: slog.New(slog.DiscardHandler)}
	tick := func(at time.Time) {
		t.Helper()
		e.clock.Set(at)
		if _, err := runner.Tick(ctx); err != nil {
			t.Fatal(err)
		}
		e.queue.Drain()
	}
	// The junior says no: nothing is ever sent.
	e.handleAt(t, t0.Add(time.Hour), e.raw(t, e.junior, token.KindRecognition, 0, "a2@mail.example.org", "No"))
	tick(t0.Add(30 * 24 * time.Hour))
	if n := len(stacktest.Emails(t, boss)); n != 0 {
		t.Fatalf("the manager was written to after the junior said no: %d emails", n)
	}
	// Then changes their mind: due two days later, not before.
	yesAt := t0.Add(2 * time.Hour)
	e.handleAt(t, yesAt, e.raw(t, e.junior, token.KindRecognition, 0, "a3@mail.example.org", "Yes, happy for that."))
	a, err := e.store.GetApplied(ctx, e.prog.ID, e.pair.ID)
	if err != nil || !a.ManagerMayHear() || !a.RecognitionDue.Equal(yesAt.Add(store.RecognitionDelay)) {
		t.Fatalf("after the junior's yes: %+v, %v", a, err)
	}
	junAck := withSubject(stacktest.Emails(t, e.junior.Email), "note to the manager")
	if len(junAck) != 1 || len(junAck[0].ReplyTo) != 1 {
		t.Fatalf("the junior's acknowledgement names when the note goes and how to stop it: %q", subjects(stacktest.Emails(t, e.junior.Email)))
	}
	tick(yesAt.Add(store.RecognitionDelay - time.Minute))
	if n := len(stacktest.Emails(t, boss)); n != 0 {
		t.Fatalf("the note went before the two days: %d emails", n)
	}
	tick(yesAt.Add(store.RecognitionDelay))
	tick(yesAt.Add(store.RecognitionDelay + time.Hour))
	notes := stacktest.Emails(t, boss)
	if len(notes) != 1 || !strings.Contains(notes[0].Body.Text, applied) || !strings.Contains(notes[0].Body.Text, "Jun") {
		t.Fatalf("to the manager: %q, want one note quoting the senior", subjects(notes))
	}
	if strings.Contains(notes[0].Body.Text, "YES 5") || strings.Contains(notes[0].Body.Text, "SHARE MANAGER") {
		t.Errorf("the note carries more than the senior's words:\n%s", notes[0].Body.Text)
	}
	// Too late to withdraw: said so, nothing more sent.
	e.handleAt(t, yesAt.Add(3*24*time.Hour), e.raw(t, e.senior, token.KindRecognition, 0, "a4@mail.example.org", "NO"))
	if got := withSubject(stacktest.Emails(t, e.senior.Email), "already gone"); len(got) != 1 {
		t.Errorf("a withdrawal after the note went: %q", subjects(stacktest.Emails(t, e.senior.Email)))
	}
	if n := len(stacktest.Emails(t, boss)); n != 1 {
		t.Errorf("emails to the manager: %d, want 1", n)
	}
}

// A story told from a pairing reaches the coordinators only once the
// partner agrees, and either can take it back.
func TestAStoryFromAPairingNeedsThePartnersConsent(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	story := "Jun showed me how our app feels on a cheap phone; we changed the release plan."
	e.handle(t, e.raw(t, e.senior, token.KindCheckIn, 2, "st1@mail.example.org", "STORY "+story), pass)
	shown := func() bool {
		t.Helper()
		sts, err := e.store.ListStories(ctx, e.prog.ID)
		if err != nil || len(sts) != 1 {
			t.Fatalf("stories %+v, %v", sts, err)
		}
		return sts[0].Shown()
	}
	if shown() {
		t.Fatal("a story about a pairing is shown before the partner agreed")
	}
	asks := withSubject(stacktest.Emails(t, e.junior.Email), "story")
	if len(asks) != 1 || !strings.Contains(asks[0].Body.Text, story) {
		t.Fatalf("the partner's consent asked: %q", subjects(stacktest.Emails(t, e.junior.Email)))
	}
	e.handleAt(t, t0.Add(time.Hour), e.raw(t, e.junior, token.KindStoryConsent, 0, "st2@mail.example.org", "No thank you"))
	if shown() {
		t.Fatal("shown after the partner said no")
	}
	e.handleAt(t, t0.Add(2*time.Hour), e.raw(t, e.junior, token.KindStoryConsent, 0, "st3@mail.example.org", "Yes"))
	if !shown() {
		t.Fatal("not shown after both agreed")
	}
	e.handleAt(t, t0.Add(3*time.Hour), e.raw(t, e.junior, token.KindStoryConsent, 0, "st4@mail.example.org", "NO"))
	if shown() {
		t.Fatal("still shown after the partner took consent back")
	}
	e.handleAt(t, t0.Add(4*time.Hour), e.raw(t, e.junior, token.KindStoryConsent, 0, "st5@mail.example.org", "YES"))
	if !shown() {
		t.Fatal("not shown after the partner agreed again")
	}
	// The partner's STORY WITHDRAW takes back their consent to stories
	// about them too, though they told none themselves.
	e.handleAt(t, t0.Add(5*time.Hour), e.raw(t, e.junior, token.KindCheckIn, 3, "st6@mail.example.org", "STORY WITHDRAW"))
	if shown() {
		t.Fatal("still shown after the partner replied STORY WITHDRAW")
	}
	e.handleAt(t, t0.Add(6*time.Hour), e.raw(t, e.junior, token.KindStoryConsent, 0, "st7@mail.example.org", "YES"))
	if !shown() {
		t.Fatal("not shown after the partner agreed again")
	}
	e.handleAt(t, t0.Add(7*time.Hour), e.raw(t, e.senior, token.KindCheckIn, 3, "st8@mail.example.org", "STORY WITHDRAW"))
	if shown() {
		t.Fatal("still shown after its author withdrew it")
	}
}

// Answering the closing survey brings the journal: the person's own goal
// and words, never their partner's, once however often they answer.
func TestTheJournalHoldsOnlyTheirOwnWords(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.handle(t, e.raw(t, e.senior, token.KindGoal, 0, "j1@mail.example.org", "Hear what new joiners really think."), pass)
	e.handle(t, e.raw(t, e.senior, token.KindCheckIn, 1, "j2@mail.example.org", "YES 4\r\nWe walked the shop floor together."), pass)
	e.handle(t, e.raw(t, e.junior, token.KindCheckIn, 1, "j3@mail.example.org", "YES 5\r\nSen listened more than I expected."), pass)
	closing := e.raw(t, e.senior, token.KindClosing, 9, "j4@mail.example.org", "YES 5\r\nI will keep asking before deciding.")
	e.handle(t, closing, pass)
	e.handle(t, closing, pass)
	journals := withSubject(stacktest.Emails(t, e.senior.Email), "journal")
	if len(journals) != 1 {
		t.Fatalf("journals: %q, want one", subjects(stacktest.Emails(t, e.senior.Email)))
	}
	body := journals[0].Body.Text
	for _, want := range []string{"Hear what new joiners really think.", "We walked the shop floor together.", "I will keep asking before deciding."} {
		if !strings.Contains(body, want) {
			t.Errorf("the journal lacks %q:\n%s", want, body)
		}
	}
	for _, never := range []string{"Sen listened more than I expected.", "YES 4", "YES 5"} {
		if strings.Contains(body, never) {
			t.Errorf("the journal holds %q:\n%s", never, body)
		}
	}
	if got := withSubject(stacktest.Emails(t, e.junior.Email), "journal"); len(got) != 0 {
		t.Errorf("the junior, who has not answered, got a journal")
	}
}

// Answering the goal question with the goal and the share words in one
// reply keeps the goal and shares it, in either word order.
func TestAGoalAndItsSharingInOneReply(t *testing.T) {
	t.Parallel()
	for _, share := range []string{"SHARE GOAL", "ZIEL TEILEN"} {
		t.Run(share, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			goal := "Learn how our customers' children use the app."
			e.handle(t, e.raw(t, e.senior, token.KindGoal, 0, "gs1@mail.example.org", goal+"\r\n"+share), pass)
			g, err := e.store.GetGoal(context.Background(), e.prog.ID, e.senior.ID, e.pair.ID)
			if err != nil || g.Text != goal || g.SharedVersion != g.Version {
				t.Fatalf("goal %+v, %v; want it kept and shared", g, err)
			}
			if got := stacktest.Emails(t, e.junior.Email); len(got) != 1 || !strings.Contains(got[0].Body.Text, goal) {
				t.Errorf("to the partner: %q", subjects(got))
			}
		})
	}
}
