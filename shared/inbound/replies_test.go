package inbound_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// The closing email asks for the answer on the first line and a story on a
// line of its own: both count.
func TestAnAnswerAndACommandInOneReplyBothCount(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	raw := e.raw(t, e.junior, token.KindClosing, 7, "both@mail.example.org", "YES 4\r\n\r\nSTORY We rebuilt the onboarding together.")
	if res := e.handle(t, raw, pass); res.Outcome != inbound.Recorded {
		t.Fatalf("%+v", res)
	}
	answers, _ := e.store.ListAnswers(ctx, e.prog.ID)
	if len(answers) != 1 || !*answers[0].Met || *answers[0].Rating != 4 {
		t.Errorf("answers = %+v, want met, 4", answers)
	}
	stories, _ := e.store.ListStories(ctx, e.prog.ID)
	if len(stories) != 1 || stories[0].Text != "We rebuilt the onboarding together." {
		t.Errorf("stories = %+v", stories)
	}
}

// A THANKS forwards exactly its words, and the acknowledgement quotes them.
func TestTheThanksAcknowledgementQuotesWhatWasForwarded(t *testing.T) {
	t.Parallel()
	e := setup(t)
	raw := e.raw(t, e.senior, token.KindClosing, 7, "quote@mail.example.org", "YES 5\r\nTHANKS you changed how I run my team meetings.\r\n\r\nPrivate: I still find Mondays hard.")
	if res := e.handle(t, raw, pass); res.Outcome != inbound.Recorded {
		t.Fatalf("%+v", res)
	}
	forwarded := stacktest.Emails(t, e.junior.Email)
	if len(forwarded) != 1 || !strings.Contains(forwarded[0].Body.Text, "you changed how I run my team meetings.") || strings.Contains(forwarded[0].Body.Text, "Mondays") {
		t.Fatalf("forwarded = %+v", forwarded)
	}
	// (Answering the closing survey also brings the senior's journal.)
	acks := notJournal(stacktest.Emails(t, e.senior.Email))
	if len(acks) != 1 || !strings.Contains(acks[0].Body.Text, "    you changed how I run my team meetings.") || strings.Contains(acks[0].Body.Text, "Mondays") {
		t.Errorf("acknowledgement = %+v, want it to quote exactly the forwarded words", acks)
	}
	// THANKS with nothing after it forwards nothing and says how.
	empty := e.raw(t, e.senior, token.KindClosing, 7, "empty-thanks@mail.example.org", "YES 5\r\nTHANKS")
	e.handle(t, empty, pass)
	if n := len(stacktest.Emails(t, e.junior.Email)); n != 1 {
		t.Errorf("an empty THANKS forwarded something: %d emails to the junior", n)
	}
	acks = notJournal(stacktest.Emails(t, e.senior.Email))
	if len(acks) != 2 || !strings.Contains(acks[1].Body.Text, "no message followed it") {
		t.Errorf("answer to an empty THANKS = %+v", acks[len(acks)-1].Body.Text)
	}
}

// A reply Upward cannot read is answered with what was read and how to
// answer, in the language of its words, and the coordinator sees that the
// person tried (status only); a reply it can read clears that.
func TestARepliesNotUnderstoodIsAnswered(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	raw := e.raw(t, e.junior, token.KindCheckIn, 2, "unclear@mail.example.org", "Hi! It was a busy fortnight, the quarter closed.\r\n\r\nBest, Jun")
	res := e.handle(t, raw, pass)
	if res.Outcome != inbound.Recorded || res.Answer.Understood() {
		t.Fatalf("%+v", res)
	}
	got := stacktest.Emails(t, e.junior.Email)
	if len(got) != 1 || !strings.Contains(got[0].Body.Text, "It was a busy fortnight, the quarter closed.") || !strings.Contains(got[0].Body.Text, "YES 4") {
		t.Fatalf("answer to an unclear reply = %+v", got)
	}
	x, _ := e.store.GetParticipant(ctx, e.prog.ID, e.junior.ID)
	if x.UnclearAt.IsZero() {
		t.Error("the coordinator is not shown that the person tried")
	}
	e.handle(t, e.raw(t, e.junior, token.KindCheckIn, 2, "clear@mail.example.org", "no, not yet"), pass)
	if x, _ := e.store.GetParticipant(ctx, e.prog.ID, e.junior.ID); !x.UnclearAt.IsZero() {
		t.Error("an understood reply did not clear the mark")
	}
	// Replayed, the unclear reply answers nothing more.
	e.handle(t, raw, pass)
	if n := len(stacktest.Emails(t, e.junior.Email)); n != 1 {
		t.Errorf("emails after a replay = %d, want still 1", n)
	}
}

func TestLanguageByReply(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	e.handle(t, e.raw(t, e.senior, token.KindCheckIn, 2, "lang@mail.example.org", "LANGUAGE Français"), pass)
	x, _ := e.store.GetParticipant(ctx, e.prog.ID, e.senior.ID)
	if x.Language != lang.FR {
		t.Errorf("language = %q, want fr", x.Language)
	}
	got := stacktest.Emails(t, e.senior.Email)
	if len(got) != 1 || got[0].Header("Content-Language") != "fr" {
		t.Errorf("acknowledgement = %+v, want one in French", got)
	}
	e.handle(t, e.raw(t, e.senior, token.KindCheckIn, 2, "klingon@mail.example.org", "LANGUAGE Klingon"), pass)
	if x, _ := e.store.GetParticipant(ctx, e.prog.ID, e.senior.ID); x.Language != lang.FR {
		t.Errorf("an unknown language changed it to %q", x.Language)
	}
	if got := stacktest.Emails(t, e.senior.Email); len(got) != 2 || !strings.Contains(got[1].Body.Text, "Nederlands") {
		t.Errorf("answer to an unknown language = %+v", got)
	}
}

// A loop with an auto-responder, or a flood of replies, cannot make Upward
// send unbounded mail: acknowledgements answer at most AcksPerDay replies a
// day per person.
func TestAcknowledgementsAreLimitedPerDay(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for i := 0; i < inbound.AcksPerDay+3; i++ {
		res := e.handle(t, e.raw(t, e.junior, token.KindCheckIn, 2, fmt.Sprintf("flood%d@mail.example.org", i), "HELP"), pass)
		if res.Outcome != inbound.Recorded {
			t.Fatalf("reply %d: %+v", i, res)
		}
	}
	if n := len(stacktest.Emails(t, e.junior.Email)); n != inbound.AcksPerDay {
		t.Errorf("acknowledgements = %d, want %d", n, inbound.AcksPerDay)
	}
}

// The welcome shows topics in the person's language; "OUI 1, 3" names the
// same topics as the programme stores them.
func TestTopicsChosenInAnotherLanguage(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	if err := e.store.SetLanguage(ctx, e.prog.ID, e.junior.ID, lang.FR, t0); err != nil {
		t.Fatal(err)
	}
	res := e.handle(t, e.raw(t, e.junior, token.KindWelcome, 0, "fr-join@mail.example.org", "OUI 1, 3"), pass)
	if res.Outcome != inbound.Recorded {
		t.Fatalf("%+v", res)
	}
	x, _ := e.store.GetParticipant(ctx, e.prog.ID, e.junior.ID)
	want := []string{e.prog.Topics[0], e.prog.Topics[2]}
	if x.Status != programme.OptedIn || fmt.Sprint(x.Topics) != fmt.Sprint(want) {
		t.Errorf("after OUI 1, 3: %s with %q, want opted in with %q", x.Status, x.Topics, want)
	}
}

// A reply from another address of the participant's (a personal mailbox)
// is not acted on: the participant is told at their own address, at most
// once a day; a coordinator may release it, or add the address as theirs.
func TestAReplyFromAnotherAddress(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	other := "jun.personal@home.example"
	fromOther := func(id, body string) []byte {
		raw := e.raw(t, e.junior, token.KindCheckIn, 2, id, body)
		return []byte(strings.Replace(string(raw), "<"+e.junior.Email+">", "<"+other+">", 1))
	}
	res := e.handle(t, fromOther("home1@mail.example.org", "YES 4"), pass)
	if res.Outcome != inbound.Quarantined || res.ParticipantID != e.junior.ID {
		t.Fatalf("%+v", res)
	}
	e.handle(t, fromOther("home2@mail.example.org", "YES 5"), pass)
	notices := stacktest.Emails(t, e.junior.Email)
	if len(notices) != 1 || !strings.Contains(notices[0].Body.Text, other) {
		t.Fatalf("notices to the registered address = %d, want 1 naming %s", len(notices), other)
	}
	if got := stacktest.Emails(t, other); len(got) != 0 {
		t.Errorf("the other address was written to: %+v", got)
	}
	if answers, _ := e.store.ListAnswers(ctx, e.prog.ID); len(answers) != 0 {
		t.Fatalf("a reply from an unknown sender was recorded: %+v", answers)
	}
	// The coordinator releases the first one: recorded as the junior's.
	q := quarantinedFrom(t, e, other, "YES 4")
	if _, err := e.handler.Release(ctx, kept{t: t, raw: fromOther("home1@mail.example.org", "YES 4")}, q, "coord@example.org"); err != nil {
		t.Fatal(err)
	}
	answers, _ := e.store.ListAnswers(ctx, e.prog.ID)
	if len(answers) != 1 || *answers[0].Rating != 4 || answers[0].ParticipantID != e.junior.ID {
		t.Errorf("after the release, answers = %+v", answers)
	}
	q, _ = e.store.GetQuarantined(ctx, q.ID())
	if q.ReleasedBy != "coord@example.org" || q.ReleasedAt.IsZero() {
		t.Errorf("release not recorded: %+v", q)
	}
	if _, err := e.handler.Release(ctx, kept{t: t}, q, "coord@example.org"); !errors.Is(err, inbound.ErrNotReleasable) {
		t.Errorf("a second release: %v, want ErrNotReleasable", err)
	}
	// Once the address is theirs, their replies from it are recorded.
	if err := e.store.AddOtherEmail(ctx, e.prog.ID, e.junior.ID, other, t0); err != nil {
		t.Fatal(err)
	}
	if res := e.handle(t, fromOther("home3@mail.example.org", "NO"), pass); res.Outcome != inbound.Recorded {
		t.Errorf("from an added address: %+v", res)
	}
	// Someone else's address cannot be added.
	if err := e.store.AddOtherEmail(ctx, e.prog.ID, e.junior.ID, e.senior.Email, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("adding the senior's address to the junior: %v, want ErrConflict", err)
	}
}

// kept is a kept message, as the inbound bucket holds it.
type kept struct {
	t   *testing.T
	raw []byte
}

func (k kept) Fetch(context.Context, string) ([]byte, error) {
	if k.raw == nil {
		k.t.Fatal("a message was read that should not have been")
	}
	return k.raw, nil
}

func quarantinedFrom(t *testing.T, e *env, from, _ string) store.Quarantined {
	t.Helper()
	all, err := e.store.ListQuarantine(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var found []store.Quarantined
	for _, q := range all {
		if q.From == from && q.SenderUnknown {
			found = append(found, q)
		}
	}
	if len(found) == 0 {
		t.Fatalf("no quarantined reply from %s", from)
	}
	// The oldest: ListQuarantine is newest first.
	return found[len(found)-1]
}

// notJournal leaves out the journal that answering a closing survey brings.
func notJournal(mails []localstack.Email) []localstack.Email {
	var out []localstack.Email
	for _, m := range mails {
		if !strings.Contains(m.Subject, "journal") {
			out = append(out, m)
		}
	}
	return out
}
