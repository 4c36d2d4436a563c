package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/store"
)

// A story's anonymised text is published only once everyone asked agreed
// to that very version; an edited text is asked again and is off the list
// meanwhile; a NO withdraws it for good, also once published; and the
// list of published stories never holds one whose consent has ended.
func TestAPublicationNeedsEveryoneToAgreeToItsText(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	progID, pairID := ids.New(), ids.New()
	story := store.Story{ProgrammeID: progID, ParticipantID: "sen", Key: "k1", Text: "Jun showed me the app.", At: t0, Consent: true,
		PairID: pairID, PartnerID: "jun", PartnerConsentAt: t0}
	if err := s.PutStory(ctx, story); err != nil {
		t.Fatal(err)
	}
	id := store.PublicationID("sen", "k1")
	if id != store.PublicationID("sen", "k1") || id == store.PublicationID("sen", "k2") || !ids.Valid(id) {
		t.Fatalf("publication ids are not one per story: %s", id)
	}
	prep := store.Publication{ProgrammeID: progID, ID: id, AuthorID: "sen", StoryKey: "k1", PairID: pairID, PartnerID: "jun", Text: "A junior mentor showed me the app."}
	p, changed, err := s.PreparePublication(ctx, prep, t0)
	if err != nil || !changed || p.Version != 1 || p.Waiting() != 2 {
		t.Fatalf("prepared: %+v, %v, %v", p, changed, err)
	}
	if p, changed, err = s.PreparePublication(ctx, prep, t0.Add(time.Minute)); err != nil || changed || p.Version != 1 {
		t.Fatalf("the same text again: %+v, %v, %v; want nothing changed", p, changed, err)
	}
	published := func() []string {
		t.Helper()
		list, err := s.PublishedStories(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range list {
			out = append(out, p.Text)
		}
		return out
	}
	answer := func(who string, version int, yes bool, at time.Duration) store.Publication {
		t.Helper()
		p, err := s.AnswerPublication(ctx, progID, id, who, version, yes, t0.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p = answer("sen", 1, true, time.Hour); p.Published() || p.Waiting() != 1 {
		t.Fatalf("after the teller's YES: %+v; want one still to agree", p)
	}
	if p = answer("jun", 1, true, 2*time.Hour); !p.Published() || !p.PublishedAt.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("after both agreed: %+v; want published", p)
	}
	if p = answer("jun", 1, true, 3*time.Hour); !p.PublishedAt.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("a replayed YES moved the publication: %+v", p)
	}
	if got := published(); len(got) != 1 || got[0] != prep.Text {
		t.Fatalf("published stories: %q", got)
	}
	if _, err := s.AnswerPublication(ctx, progID, id, "someone-else", 1, true, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an answer from someone not asked: %v, want ErrNotFound", err)
	}

	// An edited text is a new version: off the list until both agree
	// again; a YES to the old version counts for nothing.
	prep.Text = "A junior mentor showed me our app on a cheap phone."
	if p, changed, err = s.PreparePublication(ctx, prep, t0.Add(4*time.Hour)); err != nil || !changed || p.Version != 2 || p.Published() {
		t.Fatalf("edited: %+v, %v, %v; want version 2, unpublished", p, changed, err)
	}
	if got := published(); len(got) != 0 {
		t.Fatalf("an edited text nobody agreed to is published: %q", got)
	}
	if p = answer("sen", 1, true, 5*time.Hour); p.Agreed("sen") {
		t.Errorf("a YES to the old text counted for the new one: %+v", p)
	}
	answer("sen", 2, true, 6*time.Hour)
	if p = answer("jun", 2, true, 7*time.Hour); !p.Published() {
		t.Fatalf("both agreed to version 2: %+v", p)
	}

	// The story's consent ending takes it off the list even before the
	// publication hears of it; then a NO withdraws it for good.
	if _, err := s.WithdrawStories(ctx, progID, "sen", t0.Add(8*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := published(); len(got) != 0 {
		t.Errorf("a story withdrawn by its teller is still published: %q", got)
	}
	if p = answer("jun", 2, false, 9*time.Hour); p.Published() || !p.Withdrawn() || !p.PartnerRefusedAt.Equal(t0.Add(9*time.Hour)) {
		t.Fatalf("after the partner's NO: %+v", p)
	}
	if p = answer("jun", 2, true, 10*time.Hour); p.Published() {
		t.Errorf("a YES after a NO published it again: %+v", p)
	}
	if _, _, err := s.PreparePublication(ctx, prep, t0.Add(11*time.Hour)); !errors.Is(err, store.ErrPublicationWithdrawn) {
		t.Errorf("preparing a withdrawn publication again: %v, want ErrPublicationWithdrawn", err)
	}
}

// The published stories of every programme come newest first, and a
// withdrawn one leaves the list at once.
func TestPublishedStoriesAcrossProgrammesNewestFirst(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	publish := func(progID, text string, at time.Time) string {
		t.Helper()
		if err := s.PutStory(ctx, store.Story{ProgrammeID: progID, ParticipantID: "teller", Key: "k", Text: text, At: at, Consent: true}); err != nil {
			t.Fatal(err)
		}
		id := store.PublicationID("teller", "k")
		if _, _, err := s.PreparePublication(ctx, store.Publication{ProgrammeID: progID, ID: id, AuthorID: "teller", StoryKey: "k", Text: text}, at); err != nil {
			t.Fatal(err)
		}
		if p, err := s.AnswerPublication(ctx, progID, id, "teller", 1, true, at); err != nil || !p.Published() {
			t.Fatalf("a story with one teller, agreed: %+v, %v", p, err)
		}
		return id
	}
	older, newer := ids.New(), ids.New()
	publish(older, "The older story.", t0)
	id := publish(newer, "The newer story.", t0.Add(24*time.Hour))
	list, err := s.PublishedStories(ctx, 0)
	if err != nil || len(list) != 2 || list[0].Text != "The newer story." || list[1].Text != "The older story." {
		t.Fatalf("published stories: %+v, %v", list, err)
	}
	if first, err := s.PublishedStories(ctx, 1); err != nil || len(first) != 1 || first[0].Text != "The newer story." {
		t.Fatalf("the newest: %+v, %v", first, err)
	}
	if err := s.WithdrawPublicationsOf(ctx, newer, "teller", "", t0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if first, err := s.PublishedStories(ctx, 1); err != nil || len(first) != 1 || first[0].Text != "The older story." {
		t.Fatalf("after the newer one was withdrawn: %+v, %v", first, err)
	}
	if p, _ := s.GetPublication(ctx, newer, id); !p.Withdrawn() {
		t.Errorf("withdrawn publication: %+v", p)
	}
}
