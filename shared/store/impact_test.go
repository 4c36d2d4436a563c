package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// A goal is versioned by its words: the same reply twice sets it once, new
// words make a new version (so sharing it again is a new email), and the
// figures read no words at all.
func TestGoalsAreVersionedAndFiguresHaveNoWords(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	progID, pairID := ids.New(), ids.New()
	g := store.Goal{ProgrammeID: progID, ParticipantID: "s1", PairID: pairID, Role: programme.Senior, Text: "Learn how new joiners see our tools", SetAt: t0}
	first, err := s.SetGoal(ctx, g)
	if err != nil || first.Version != 1 {
		t.Fatalf("first goal: version %d, %v; want 1", first.Version, err)
	}
	again, err := s.SetGoal(ctx, g)
	if err != nil || again.Version != 1 {
		t.Fatalf("the same goal again: version %d, %v; want 1 (a replayed reply changes nothing)", again.Version, err)
	}
	g.Text, g.SetAt = "Learn to listen before deciding", t0.Add(time.Hour)
	changed, err := s.SetGoal(ctx, g)
	if err != nil || changed.Version != 2 || changed.Text != g.Text {
		t.Fatalf("a new goal: %+v, %v; want version 2 with the new words", changed, err)
	}
	if err := s.SetGoalProgress(ctx, progID, "s1", pairID, 4, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetGoalProgress(ctx, progID, "nobody", pairID, 4, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("progress without a goal: %v, want ErrNotFound", err)
	}
	if _, err := s.SetGoal(ctx, store.Goal{ProgrammeID: progID, ParticipantID: "j1", PairID: pairID, Role: programme.Junior, Text: "Be heard", SetAt: t0}); err != nil {
		t.Fatal(err)
	}
	figs, err := s.GoalFigures(ctx, progID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]store.GoalFigure{
		"s1": {ParticipantID: "s1", PairID: pairID, Role: programme.Senior, Progress: 4},
		"j1": {ParticipantID: "j1", PairID: pairID, Role: programme.Junior},
	}
	if len(figs) != len(want) {
		t.Fatalf("figures %+v, want %+v", figs, want)
	}
	for _, f := range figs {
		if f != want[f.ParticipantID] {
			t.Errorf("figure %+v, want %+v", f, want[f.ParticipantID])
		}
	}
	mine, err := s.ListGoalsOf(ctx, progID, "s1")
	if err != nil || len(mine) != 1 || mine[0].Text != g.Text || mine[0].Progress != 4 {
		t.Errorf("s1's own goals: %+v, %v", mine, err)
	}
}

// The note to a junior's manager goes only while both consents stand, two
// days after the later one; a withdrawal takes it off the schedule, and a
// step taken twice keeps its first time.
func TestRecognitionNeedsBothConsentsAndCanBeWithdrawn(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	progID, pairID := ids.New(), ids.New()
	due := func(at time.Time) []string {
		t.Helper()
		var out []string
		if err := s.RecognitionsDue(ctx, at, func(a store.Applied) error {
			if a.ProgrammeID == progID {
				out = append(out, a.PairID)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if _, err := s.RecordAppliedConsent(ctx, progID, pairID, store.SeniorConsents, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a consent before any answer: %v, want ErrNotFound", err)
	}
	if err := s.PutApplied(ctx, store.Applied{ProgrammeID: progID, PairID: pairID, SeniorID: "s1", JuniorID: "j1", Text: "I test rollouts with juniors first", At: t0}); err != nil {
		t.Fatal(err)
	}
	a, err := s.RecordAppliedConsent(ctx, progID, pairID, store.SeniorConsents, t0)
	if err != nil || a.ManagerMayHear() || !a.RecognitionDue.IsZero() {
		t.Fatalf("the senior's consent alone: %+v, %v; want nothing scheduled", a, err)
	}
	later := t0.Add(5 * time.Hour)
	if a, err = s.RecordAppliedConsent(ctx, progID, pairID, store.JuniorConsents, later); err != nil || !a.ManagerMayHear() {
		t.Fatalf("both consents: %+v, %v", a, err)
	}
	if want := later.Add(store.RecognitionDelay); !a.RecognitionDue.Equal(want) {
		t.Errorf("due %s, want %s (two days after the later consent)", a.RecognitionDue, want)
	}
	// The same YES again (a replayed reply) keeps the first time.
	if a, err = s.RecordAppliedConsent(ctx, progID, pairID, store.JuniorConsents, later.Add(time.Hour)); err != nil || !a.JuniorConsentAt.Equal(later) {
		t.Errorf("the junior's consent again: %s, %v; want it kept at %s", a.JuniorConsentAt, err, later)
	}
	if got := due(later.Add(time.Hour)); len(got) != 0 {
		t.Errorf("due before the two days: %v", got)
	}
	if got := due(later.Add(store.RecognitionDelay)); len(got) != 1 {
		t.Errorf("due after the two days: %v, want the pair", got)
	}
	// The senior thinks again: off the schedule.
	if a, err = s.RecordAppliedConsent(ctx, progID, pairID, store.SeniorWithdraws, later.Add(time.Hour)); err != nil || a.ManagerMayHear() {
		t.Fatalf("after withdrawing: %+v, %v", a, err)
	}
	if got := due(later.Add(30 * 24 * time.Hour)); len(got) != 0 {
		t.Errorf("due after a withdrawal: %v", got)
	}
	// And agrees again: due two days after that.
	again := later.Add(3 * time.Hour)
	if a, err = s.RecordAppliedConsent(ctx, progID, pairID, store.SeniorConsents, again); err != nil || !a.RecognitionDue.Equal(again.Add(store.RecognitionDelay)) {
		t.Fatalf("consenting again: %+v, %v", a, err)
	}
	if err := s.MarkRecognitionSent(ctx, progID, pairID, again.Add(store.RecognitionDelay)); err != nil {
		t.Fatal(err)
	}
	if got := due(again.Add(30 * 24 * time.Hour)); len(got) != 0 {
		t.Errorf("due after it was sent: %v", got)
	}
	figs, err := s.AppliedFigures(ctx, progID)
	if err != nil || len(figs) != 1 || figs[0] != (store.AppliedFigure{PairID: pairID, SeniorID: "s1", JuniorID: "j1", Recognised: true}) {
		t.Errorf("applied figures %+v, %v", figs, err)
	}
}

// Erasing a person removes their goals and the applied answers they wrote,
// takes them out of their senior's answer (a note to their manager not yet
// sent never goes), and hides the stories their partners told about them.
func TestErasureReachesGoalsAppliedAnswersAndStories(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	p := newProgramme("Erase impact", t0)
	if err := s.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	res, err := s.Enrol(ctx, p.ID, []programme.Participant{
		{Email: "sen@example.org", Name: "Sen", Role: programme.Senior},
		{Email: "jun@example.org", Name: "Jun", Role: programme.Junior},
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	sen, jun := res.Created[0], res.Created[1]
	pairID := ids.New()
	for _, g := range []store.Goal{
		{ProgrammeID: p.ID, ParticipantID: sen.ID, PairID: pairID, Role: programme.Senior, Text: "senior goal", SetAt: t0},
		{ProgrammeID: p.ID, ParticipantID: jun.ID, PairID: pairID, Role: programme.Junior, Text: "junior goal", SetAt: t0},
	} {
		if _, err := s.SetGoal(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutApplied(ctx, store.Applied{ProgrammeID: p.ID, PairID: pairID, SeniorID: sen.ID, JuniorID: jun.ID, Text: "applied words", At: t0}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []store.AppliedConsent{store.SeniorConsents, store.JuniorConsents} {
		if _, err := s.RecordAppliedConsent(ctx, p.ID, pairID, step, t0); err != nil {
			t.Fatal(err)
		}
	}
	story := store.Story{ProgrammeID: p.ID, ParticipantID: sen.ID, Key: "k1", Text: "Jun changed how I see things", At: t0, Consent: true,
		PairID: pairID, PartnerID: jun.ID, PartnerConsentAt: t0.Add(time.Hour)}
	if err := s.PutStory(ctx, story); err != nil {
		t.Fatal(err)
	}
	pubID := store.PublicationID(sen.ID, "k1")
	if _, _, err := s.PreparePublication(ctx, store.Publication{ProgrammeID: p.ID, ID: pubID, AuthorID: sen.ID, StoryKey: "k1", PairID: pairID,
		PartnerID: jun.ID, Text: "A junior mentor changed how I see things"}, t0); err != nil {
		t.Fatal(err)
	}

	anon, err := s.Erase(ctx, p.ID, jun.ID, nil, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetGoal(ctx, p.ID, jun.ID, pairID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the junior's goal after erasure: %v, want ErrNotFound", err)
	}
	if _, err := s.GetGoal(ctx, p.ID, sen.ID, pairID); err != nil {
		t.Errorf("the senior's goal is theirs and stays: %v", err)
	}
	a, err := s.GetApplied(ctx, p.ID, pairID)
	if err != nil || a.JuniorID != anon || a.ManagerMayHear() {
		t.Errorf("the senior's answer after the junior's erasure: %+v, %v; want them anonymous and no note to send", a, err)
	}
	var due int
	if err := s.RecognitionsDue(ctx, t0.Add(30*24*time.Hour), func(a store.Applied) error {
		if a.ProgrammeID == p.ID {
			due++
		}
		return nil
	}); err != nil || due != 0 {
		t.Errorf("notes due after the junior's erasure: %d, %v", due, err)
	}
	stories, err := s.ListStories(ctx, p.ID)
	if err != nil || len(stories) != 1 || stories[0].Shown() || stories[0].PartnerID != anon {
		t.Errorf("the story about the erased junior: %+v, %v; want hidden and not naming them", stories, err)
	}
	if _, err := s.GetPublication(ctx, p.ID, pubID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the publication of a story about the erased junior: %v, want it deleted", err)
	}

	if _, err := s.Erase(ctx, p.ID, sen.ID, nil, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetApplied(ctx, p.ID, pairID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the senior's applied answer after their erasure: %v, want ErrNotFound", err)
	}
	if _, err := s.GetGoal(ctx, p.ID, sen.ID, pairID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the senior's goal after their erasure: %v, want ErrNotFound", err)
	}
}
