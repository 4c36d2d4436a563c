package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestPersonalNoteIsSentOnceWithReplyToTheCoordinator(t *testing.T) {
	t.Parallel()
	addr, gone := uniq("lee"), uniq("gone")
	f := setup(t, programme.Participant{Email: addr, Name: "Lee", Role: programme.Junior},
		programme.Participant{Email: gone, Name: "Gone", Role: programme.Senior})
	ctx := context.Background()
	lee := f.people[addr]
	n := store.Note{ProgrammeID: f.prog.ID, ParticipantID: lee.ID, ID: "n1", From: "coord@example.org",
		Text: "Hi Lee, how are things going?\n\nShall we talk on <Friday>?", CreatedAt: now}
	if err := f.store.PutNote(ctx, n); err != nil {
		t.Fatal(err)
	}
	d := f.deliverer(t, &mail.SES{Client: stacktest.SES(t)})
	job := sendqueue.Note{ProgrammeID: f.prog.ID, ParticipantID: lee.ID, NoteID: "n1"}
	for i := 0; i < 2; i++ {
		if err := d.Handle(ctx, job); err != nil {
			t.Fatal(err)
		}
	}
	got := stacktest.Emails(t, addr)
	if len(got) != 1 {
		t.Fatalf("notes received = %d, want 1", len(got))
	}
	e := got[0]
	if len(e.ReplyTo) != 1 || e.ReplyTo[0] != "coord@example.org" {
		t.Errorf("reply-to = %v, want the coordinator", e.ReplyTo)
	}
	if !strings.Contains(e.Subject, f.prog.Name) {
		t.Errorf("subject = %q", e.Subject)
	}
	for _, want := range []string{"Hi Lee,", "coord@example.org, who coordinates", "how are things going?\n\nShall we talk on <Friday>?"} {
		if !strings.Contains(e.Body.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, e.Body.Text)
		}
	}
	if !strings.Contains(e.Body.HTML, "Shall we talk on &lt;Friday&gt;?</p>") {
		t.Errorf("HTML does not escape or paragraph the note:\n%s", e.Body.HTML)
	}

	// A note that does not exist, or to someone who stopped, sends nothing.
	x := f.people[gone]
	if _, err := f.store.SetStatus(ctx, f.prog.ID, x.ID, programme.Stopped, "test", now); err != nil {
		t.Fatal(err)
	}
	if err := f.store.PutNote(ctx, store.Note{ProgrammeID: f.prog.ID, ParticipantID: x.ID, ID: "n2", From: "coord@example.org", Text: "Hello"}); err != nil {
		t.Fatal(err)
	}
	for _, j := range []sendqueue.Job{
		sendqueue.Note{ProgrammeID: f.prog.ID, ParticipantID: x.ID, NoteID: "n2"},
		sendqueue.Note{ProgrammeID: f.prog.ID, ParticipantID: lee.ID, NoteID: "missing"},
	} {
		if err := d.Handle(ctx, j); err != nil {
			t.Errorf("job %+v: %v, want skipped", j, err)
		}
	}
	if n := len(stacktest.Emails(t, gone)); n != 0 {
		t.Errorf("a stopped participant received %d notes", n)
	}
	if n := len(stacktest.Emails(t, addr)); n != 1 {
		t.Errorf("Lee received %d emails, want still 1", n)
	}
}
