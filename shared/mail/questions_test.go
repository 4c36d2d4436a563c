package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// Reflection questions rotate per person across all their partners: in a
// rotation programme a new partner does not bring the first question back
// while unasked ones remain.
func TestReflectionQuestionsRotateAcrossPartners(t *testing.T) {
	t.Parallel()
	sen, jun1, jun2 := uniq("sen"), uniq("jun1"), uniq("jun2")
	f := setup(t, programme.Participant{Email: sen, Name: "Helen Carter", Role: programme.Senior},
		programme.Participant{Email: jun1, Name: "Kenji Sato", Role: programme.Junior},
		programme.Participant{Email: jun2, Name: "Ana Silva", Role: programme.Junior})
	ctx := context.Background()
	d := f.deliverer(t, f.sys.SES)
	approve := func(junior string) programme.Pair {
		t.Helper()
		pairs, err := schedule.Approve(ctx, f.store, discard{}, f.prog, []programme.Pair{{SeniorID: f.people[sen].ID, JuniorID: f.people[junior].ID, Round: len(junior)}}, now)
		if err != nil {
			t.Fatal(err)
		}
		return pairs[0]
	}
	questionOf := func(pair programme.Pair, cycle int) string {
		t.Helper()
		before := len(stacktest.Emails(t, sen))
		if err := d.Handle(ctx, sendqueue.Scheduled{Email: sendqueue.KindCheckIn, ProgrammeID: f.prog.ID, ParticipantID: f.people[sen].ID, PairID: pair.ID, Cycle: cycle}); err != nil {
			t.Fatal(err)
		}
		got := stacktest.Emails(t, sen)
		if len(got) != before+1 {
			t.Fatalf("check-in %d of pair %s not sent", cycle, pair.ID)
		}
		body := got[len(got)-1].Body.Text
		i := strings.Index(body, "To reflect on (optional): ")
		if i < 0 {
			t.Fatalf("no reflection question in:\n%s", body)
		}
		line, _, _ := strings.Cut(body[i:], "\n")
		return line
	}
	first := approve(jun1)
	var asked []string
	for cycle := 1; cycle <= 3; cycle++ {
		asked = append(asked, questionOf(first, cycle))
	}
	// A new partner, as a rotation round gives: check-in 1 again.
	second := approve(jun2)
	next := questionOf(second, 1)
	for i, q := range asked {
		if q == next {
			t.Errorf("the new pair's first check-in repeats question %d: %s", i+1, q)
		}
	}
	x, _ := f.store.GetParticipant(ctx, f.prog.ID, f.people[sen].ID)
	if len(x.QuestionsAsked) != 4 {
		t.Errorf("questions recorded as asked = %v, want 4", x.QuestionsAsked)
	}
	// Delivered again (SQS redelivers), the same check-in asks nothing new.
	if err := d.Handle(ctx, sendqueue.Scheduled{Email: sendqueue.KindCheckIn, ProgrammeID: f.prog.ID, ParticipantID: f.people[sen].ID, PairID: second.ID, Cycle: 1}); err != nil {
		t.Fatal(err)
	}
	if x, _ := f.store.GetParticipant(ctx, f.prog.ID, f.people[sen].ID); len(x.QuestionsAsked) != 4 {
		t.Errorf("a redelivery recorded another question: %v", x.QuestionsAsked)
	}
}

type discard struct{}

func (discard) Enqueue(context.Context, ...sendqueue.Job) error { return nil }
