package devstack_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
)

// reply answers an email as a mail client would, through the stack's
// inbox (the path of SMTP and of SES in AWS).
func (w *world) reply(t *testing.T, from string, to localstack.Email, body string) {
	t.Helper()
	if len(to.ReplyTo) != 1 {
		t.Fatalf("%q has reply addresses %v", to.Subject, to.ReplyTo)
	}
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <%s@example.org>\r\n\r\n%s\r\n\r\n> %s\r\n",
		from, to.ReplyTo[0], to.Subject, ids.New(), body, strings.ReplaceAll(to.Body.Text, "\n", "\n> "))
	if _, err := w.st.Inbox.Receive(context.Background(), to.ReplyTo, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	w.st.Queue.Drain()
	w.collect(t)
}

// The whole loop by reply on the local stack: each person's goal asked
// after the introduction, kept private, shared by one; quoted back at the
// midpoint and answered with progress; the senior's applied learning at
// the end, shared with the junior and, with the junior's consent, with the
// junior's manager two days later; each person's journal.
func TestTheImpactLoopByReplyOnTheDevClock(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	const manager = "ines@example.org"
	ana := w.people["ana@example.org"]
	ana.ManagerEmail = manager
	if _, err := w.st.Store.Enrol(ctx, w.prog.ID, []programme.Participant{ana}, w.st.Now()); err != nil {
		t.Fatal(err)
	}
	w.zones[manager] = w.zones["ana@example.org"]
	pair := w.approve(t, [2]string{"joao@example.org", "ana@example.org"})[0]

	anaAsk := emailsAbout(t, w.st, "ana@example.org", "What do you want from your pairing")
	joaoAsk := emailsAbout(t, w.st, "joao@example.org", "What do you want from your pairing")
	if len(anaAsk) != 1 || len(joaoAsk) != 1 {
		t.Fatalf("goal questions: Ana %d, João %d; want one each after the introduction", len(anaAsk), len(joaoAsk))
	}
	anaGoal := "Understand how the leadership team chooses which projects to fund."
	joaoGoal := "See our apps the way a new joiner does."
	w.reply(t, "Ana <ana@example.org>", anaAsk[0], anaGoal)
	w.reply(t, "João <joao@example.org>", joaoAsk[0], joaoGoal+"\r\nSHARE GOAL")
	if got := emailsAbout(t, w.st, "joao@example.org", "goal for your pairing"); len(got) != 0 {
		t.Fatalf("João received Ana's goal, which she did not share")
	}
	if got := emailsAbout(t, w.st, "ana@example.org", "goal for your pairing"); len(got) != 1 || !strings.Contains(got[0].Body.Text, joaoGoal) {
		t.Fatalf("Ana did not receive the goal João shared")
	}

	// They meet after every check-in; at the midpoint Ana's own goal is
	// quoted back to her (and only hers), and she answers how far she came.
	w.liveUntil(t, time.Date(2027, 2, 16, 0, 0, 0, 0, time.UTC), func(at time.Time) {
		if c := schedule.NewPlan(w.prog, pair).LatestDue(w.zones["ana@example.org"], at); c > 0 {
			if err := w.st.Store.RecordContact(ctx, w.prog.ID, pair.ID, c, true, at); err != nil {
				t.Fatal(err)
			}
		}
	})
	mid := emailsAbout(t, w.st, "ana@example.org", "Halfway")
	if len(mid) != 1 || !strings.Contains(mid[0].Body.Text, anaGoal) || strings.Contains(mid[0].Body.Text, joaoGoal) {
		t.Fatalf("Ana's midpoint survey does not quote her goal alone:\n%v", mid)
	}
	w.reply(t, "Ana <ana@example.org>", mid[0], "YES 5\r\nGOAL 4\r\nWe tested the new app with my team.")
	if g, err := w.st.Store.GetGoal(ctx, w.prog.ID, ana.ID, pair.ID); err != nil || g.Progress != 4 {
		t.Fatalf("Ana's progress: %+v, %v", g, err)
	}

	// The closing survey: João says what he applied, for Ana and her manager.
	w.liveUntil(t, time.Date(2027, 3, 27, 0, 0, 0, 0, time.UTC), nil)
	closing := emailsAbout(t, w.st, "joao@example.org", "ends today")
	if len(closing) != 1 || !strings.Contains(closing[0].Body.Text, "SHARE MANAGER") {
		t.Fatalf("João's closing survey does not offer to share what he applied: %v", closing)
	}
	applied := "I now ask a new joiner to try every release before it ships."
	w.reply(t, "João <joao@example.org>", closing[0], "YES 5\r\n"+applied+"\r\nSHARE MANAGER")
	if got := emailsAbout(t, w.st, "ana@example.org", "applied"); len(got) != 1 || !strings.Contains(got[0].Body.Text, applied) {
		t.Fatalf("Ana did not receive what João applied")
	}
	ask := emailsAbout(t, w.st, "ana@example.org", "May your manager")
	if len(ask) != 1 {
		t.Fatalf("Ana was not asked about her manager")
	}
	if n := len(emailsAbout(t, w.st, manager, "")); n != 0 {
		t.Fatalf("the manager heard before Ana agreed")
	}
	w.reply(t, "Ana <ana@example.org>", ask[0], "Yes, please do.")
	agreed := w.st.Now()

	// João's journal: his goal and his words.
	journal := emailsAbout(t, w.st, "joao@example.org", "journal")
	if len(journal) != 1 || !strings.Contains(journal[0].Body.Text, joaoGoal) || !strings.Contains(journal[0].Body.Text, applied) ||
		strings.Contains(journal[0].Body.Text, "We tested the new app") {
		t.Fatalf("João's journal: %v", journal)
	}

	// Two days later, as the clock bar would move it, the note goes.
	if err := w.st.Advance(ctx, 47*time.Hour); err != nil {
		t.Fatal(err)
	}
	if n := len(emailsAbout(t, w.st, manager, "")); n != 0 {
		t.Fatalf("the note went before the two days were over")
	}
	if err := w.st.Advance(ctx, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	w.collect(t)
	notes := emailsAbout(t, w.st, manager, "")
	if len(notes) != 1 || !strings.Contains(notes[0].Body.Text, applied) || !strings.Contains(notes[0].Body.Text, "Ana") {
		t.Fatalf("to Ana's manager after %s: %v", w.st.Now().Sub(agreed), notes)
	}
}
