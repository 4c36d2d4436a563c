package inbound_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// NOT WITH by reply: a name that fits two people keeps both apart and the
// answer asks which one; an address settles it; naming the current
// partner points to REMATCH; REMOVE takes them back. Only the person who
// set them is ever written to.
func TestNotWithByReply(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	tag := ids.New()[:6]
	lee, cho := "sam.lee-"+tag+"@example.org", "sam.cho-"+tag+"@example.org"
	if _, err := e.store.Enrol(ctx, e.prog.ID, []programme.Participant{
		{Email: lee, Name: "Sam Lee", Role: programme.Junior, Department: "Finance"},
		{Email: cho, Name: "Sam Cho", Role: programme.Junior, Department: "Retail"},
	}, t0); err != nil {
		t.Fatal(err)
	}
	mine := func() []store.NotWith {
		t.Helper()
		n, err := e.store.NotWithOf(ctx, e.prog.ID, e.senior.ID)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	last := func() string {
		t.Helper()
		got := stacktest.Emails(t, e.senior.Email)
		if len(got) == 0 {
			t.Fatal("no answer")
		}
		return got[len(got)-1].Body.Text
	}

	ambiguous := e.raw(t, e.senior, token.KindCheckIn, 2, "nw1-"+tag+"@mail.example.org", "YES 4\r\nNOT WITH Sam")
	e.handle(t, ambiguous, pass)
	if n := mine(); len(n) != 1 || n[0].Name != "Sam" || n[0].Email != "" {
		t.Fatalf("after NOT WITH Sam: %+v", n)
	}
	if a := last(); !strings.Contains(a, "Noted, privately") || !strings.Contains(a, "Sam Cho (Retail) and Sam Lee (Finance)") {
		t.Errorf("the answer does not ask which Sam:\n%s", a)
	}
	answers, _ := e.store.ListAnswers(ctx, e.prog.ID)
	if len(answers) != 1 {
		t.Errorf("the answer given with the command was not recorded: %+v", answers)
	}
	e.handle(t, ambiguous, pass) // replayed: nothing twice
	if n := len(stacktest.Emails(t, e.senior.Email)); n != 1 {
		t.Errorf("%d answers after a replay, want 1", n)
	}

	e.handle(t, e.raw(t, e.senior, token.KindCheckIn, 2, "nw2-"+tag+"@mail.example.org", "NOT WITH "+strings.ToUpper(lee)), pass)
	if n := mine(); len(n) != 1 || n[0].Email != lee || n[0].Name != "" {
		t.Errorf("the address did not settle which Sam: %+v", n)
	}
	if a := last(); !strings.Contains(a, lee) || strings.Contains(a, "More than one") {
		t.Errorf("answer after the address:\n%s", a)
	}

	// Their current partner, by name: the answer says how to end the pair,
	// and shows the name as written, not the address it found.
	e.handle(t, e.raw(t, e.senior, token.KindCheckIn, 2, "nw3-"+tag+"@mail.example.org", "Not with: Jun, please."), pass)
	if n := mine(); len(n) != 2 || n[0].Email != e.junior.Email && n[1].Email != e.junior.Email {
		t.Errorf("after naming the partner: %+v", n)
	}
	if a := last(); !strings.Contains(a, "  - Jun\n") || strings.Contains(a, e.junior.Email) || !strings.Contains(a, "REMATCH") {
		t.Errorf("the answer does not point to REMATCH:\n%s", a)
	}

	e.handle(t, e.raw(t, e.senior, token.KindCheckIn, 2, "nw4-"+tag+"@mail.example.org", "NOT WITH REMOVE Sam Lee"), pass)
	if n := mine(); len(n) != 1 || n[0].Email != e.junior.Email {
		t.Errorf("after NOT WITH REMOVE Sam Lee: %+v", n)
	}
	e.handle(t, e.raw(t, e.senior, token.KindCheckIn, 2, "nw5-"+tag+"@mail.example.org", "NOT WITH REMOVE"), pass)
	if n := mine(); len(n) != 0 {
		t.Errorf("after NOT WITH REMOVE: %+v", n)
	}
	if a := last(); !strings.Contains(a, "no private preferences") {
		t.Errorf("answer to NOT WITH REMOVE:\n%s", a)
	}
	for _, addr := range []string{lee, cho, e.junior.Email} {
		if got := stacktest.Emails(t, addr); len(got) != 0 {
			t.Errorf("%s was written to about a preference: %+v", addr, got[0].Subject)
		}
	}
}

// ASSISTANT by reply: seniors only, a valid address only; the assistant
// receives the scheduling part of the current pair's introduction (it has
// not met yet) and of every later one, and nothing once removed.
func TestAssistantByReply(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	tag := ids.New()[:6]
	ea := "ea-" + tag + "@example.org"

	e.handle(t, e.raw(t, e.junior, token.KindCheckIn, 2, "as1-"+tag+"@mail.example.org", "ASSISTANT "+ea), pass)
	if got := stacktest.Emails(t, e.junior.Email); len(got) != 1 || !strings.Contains(got[0].Body.Text, "senior leaders") {
		t.Errorf("a junior's ASSISTANT: %+v", got)
	}
	e.handle(t, e.raw(t, e.senior, token.KindCheckIn, 2, "as2-"+tag+"@mail.example.org", "ASSISTANT my secretary"), pass)
	if _, err := e.store.GetAssistant(ctx, e.prog.ID, e.senior.ID); err == nil {
		t.Error("an assistant without an address was kept")
	}
	set := e.raw(t, e.senior, token.KindCheckIn, 2, "as3-"+tag+"@mail.example.org", "ASSISTANT "+ea)
	e.handle(t, set, pass)
	e.handle(t, set, pass)
	copies := stacktest.Emails(t, ea)
	if len(copies) != 1 {
		t.Fatalf("the assistant got %d copies, want 1", len(copies))
	}
	c := copies[0]
	if !strings.Contains(c.Body.Text, e.junior.Name+" ("+e.junior.Email+")") || len(c.Attachments) != 1 || !strings.HasSuffix(c.Attachments[0].Filename, ".ics") {
		t.Errorf("the copy lacks the partner or the calendar file: %s %+v", c.Body.Text, c.Attachments)
	}
	if strings.Join(c.ReplyTo, " ") != e.senior.Email+" "+e.junior.Email {
		t.Errorf("Reply-To %v, want the two", c.ReplyTo)
	}
	ics, _ := base64.StdEncoding.DecodeString(c.Attachments[0].Content)
	for _, private := range []string{"reflect", "confidential", "goal", "topics", "check-in"} {
		if strings.Contains(strings.ToLower(c.Body.Text+string(ics)), private) {
			t.Errorf("the assistant's copy speaks of %q:\n%s\n%s", private, c.Body.Text, ics)
		}
	}
	if got := stacktest.Emails(t, e.senior.Email); len(got) != 2 || !strings.Contains(got[1].Body.Text, "on their way to them now") {
		t.Errorf("answer to ASSISTANT: %+v", got)
	}

	// A later pair: the junior's introduction says who else sees it, and
	// the assistant gets their copy.
	res, err := e.store.Enrol(ctx, e.prog.ID, []programme.Participant{{Email: "kim-" + tag + "@example.org", Name: "Kim", Role: programme.Junior}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := schedule.Approve(ctx, e.store, e.queue, e.prog, []programme.Pair{{SeniorID: e.senior.ID, JuniorID: res.Created[0].ID, Round: 2}}, t0); err != nil {
		t.Fatal(err)
	}
	e.queue.Drain()
	// (Kim also gets the goal question that follows the introduction.)
	intro := withSubject(stacktest.Emails(t, "kim-"+tag+"@example.org"), "Meet your")
	if len(intro) != 1 || !strings.Contains(intro[0].Body.Text, "assistant, "+ea) {
		t.Errorf("the introduction does not say who else sees it: %+v", intro)
	}
	if n := len(stacktest.Emails(t, ea)); n != 2 {
		t.Errorf("the assistant has %d copies, want 2", n)
	}

	e.handle(t, e.raw(t, e.senior, token.KindCheckIn, 2, "as4-"+tag+"@mail.example.org", "ASSISTANT REMOVE"), pass)
	if _, err := e.store.GetAssistant(ctx, e.prog.ID, e.senior.ID); err == nil {
		t.Error("ASSISTANT REMOVE kept the assistant")
	}
	if got := stacktest.Emails(t, e.senior.Email); !strings.Contains(got[len(got)-1].Body.Text, "nobody but you") {
		t.Errorf("answer to ASSISTANT REMOVE: %s", got[len(got)-1].Body.Text)
	}
}
