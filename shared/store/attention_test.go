package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// ChangePair writes exactly what a change altered, only while the pair is
// in the state it was read in.
func TestChangePairWritesTheDifferenceFromTheStateRead(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	progID := ids.New()
	p := programme.Pair{ID: "a1b2c3d4e5f60718", ProgrammeID: progID, SeniorID: ids.New(), JuniorID: ids.New(), State: programme.PairActive,
		Attention: true, AttentionReason: "Rematch requested by the senior", StartDate: "2027-01-04"}
	p.RematchRequestedBy, p.RematchRequestedAt = p.SeniorID, t0
	if err := s.CreatePair(ctx, p); err != nil {
		t.Fatal(err)
	}
	// Meanwhile a reply records contact: a change made from the earlier
	// read must not undo it.
	if err := s.RecordContact(ctx, progID, p.ID, 2, true, t0); err != nil {
		t.Fatal(err)
	}
	ended := p
	ended.State, ended.EndedAt, ended.EndReason = programme.PairEnded, t0, "ended by c@example.org"
	ended.Attention, ended.AttentionReason, ended.RematchRequestedBy, ended.RematchRequestedAt = false, "", "", time.Time{}
	got, err := s.ChangePair(ctx, p, ended, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	want := ended
	want.LastMetCycle, want.LastReplyCycle, want.LastMetAt, want.UpdatedAt = 2, 2, t0, t0.Add(time.Minute)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pair after the change (-want +got):\n%s", diff)
	}
	if stored, _ := s.GetPair(ctx, progID, p.ID); !cmp.Equal(got, stored) {
		t.Errorf("stored pair differs from the one returned: %s", cmp.Diff(got, stored))
	}
	// A change judged on the active pair is refused now that it ended,
	// and a pair that does not exist cannot be changed.
	paused := p
	paused.State = programme.PairPaused
	if _, err := s.ChangePair(ctx, p, paused, t0.Add(time.Hour)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("change from a stale state: err = %v, want ErrConflict", err)
	}
	ghost := p
	ghost.ID = "ffffffffffffffff"
	if _, err := s.ChangePair(ctx, ghost, ended, t0); err == nil {
		t.Error("a change may not move a pair to another id")
	}
	gone := ghost
	gone.State = programme.PairEnded
	if _, err := s.ChangePair(ctx, ghost, gone, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("unknown pair: err = %v, want ErrConflict", err)
	}
	if stored, _ := s.GetPair(ctx, progID, p.ID); stored.State != programme.PairEnded || !stored.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("after refused changes: %s at %v", stored.State, stored.UpdatedAt)
	}
}

func TestSuppressionsInBatches(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	var emails []string
	want := map[string]store.Suppression{}
	for i := 0; i < 230; i++ { // three batch requests
		e := ids.New() + "@Example.org"
		emails = append(emails, e)
		if i%50 == 7 {
			sup := store.Suppression{Email: e, Reason: "complaint", At: t0}
			if err := s.Suppress(ctx, sup); err != nil {
				t.Fatal(err)
			}
			sup.Email = strings.ToLower(e)
			want[sup.Email] = sup
		}
	}
	got, err := s.Suppressions(ctx, append(emails, emails[7]))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
}

func TestNotesAreWrittenOnce(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	n := store.Note{ProgrammeID: ids.New(), ParticipantID: ids.New(), ID: "n1", From: "c@example.org", Text: "First", CreatedAt: t0}
	if err := s.PutNote(ctx, n); err != nil {
		t.Fatal(err)
	}
	second := n
	second.Text = "Second"
	if err := s.PutNote(ctx, second); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second put: err = %v, want ErrConflict", err)
	}
	got, err := s.GetNote(ctx, n.ProgrammeID, n.ParticipantID, "n1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(n, got); diff != "" {
		t.Errorf("note (-want +got):\n%s", diff)
	}
	if _, err := s.GetNote(ctx, n.ProgrammeID, n.ParticipantID, "n2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing note: err = %v, want ErrNotFound", err)
	}
}
