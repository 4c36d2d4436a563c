package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestChangePairOnlyFromTheStatesGiven(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	progID := ids.New()
	p := programme.Pair{ID: "a1b2c3d4e5f60718", ProgrammeID: progID, SeniorID: ids.New(), JuniorID: ids.New(), State: programme.PairActive,
		Attention: true, AttentionReason: "Rematch requested by the senior"}
	p.RematchRequestedBy, p.RematchRequestedAt = p.SeniorID, t0
	if err := s.CreatePair(ctx, p); err != nil {
		t.Fatal(err)
	}
	live := []programme.PairState{programme.PairActive, programme.PairPaused}
	// Update builders share their operations when copied: a fresh one per call.
	end := func() expression.UpdateBuilder {
		return expression.Set(expression.Name("state"), expression.Value(programme.PairEnded))
	}
	pause := func() expression.UpdateBuilder {
		return expression.Set(expression.Name("state"), expression.Value(programme.PairPaused))
	}
	got, err := s.ChangePair(ctx, progID, p.ID, live, end(), t0)
	if err != nil || got.State != programme.PairEnded || !got.UpdatedAt.Equal(t0) {
		t.Fatalf("end an active pair: %s at %v, %v", got.State, got.UpdatedAt, err)
	}
	// Repeating it, or pausing what ended, changes nothing.
	for _, c := range []struct {
		from []programme.PairState
		upd  func() expression.UpdateBuilder
	}{{live, end}, {[]programme.PairState{programme.PairActive}, pause}} {
		if _, err := s.ChangePair(ctx, progID, p.ID, c.from, c.upd(), t0.Add(1)); !errors.Is(err, store.ErrConflict) {
			t.Errorf("change from %v: err = %v, want ErrConflict", c.from, err)
		}
	}
	if _, err := s.ChangePair(ctx, progID, "ffffffffffffffff", live, end(), t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("unknown pair: err = %v, want ErrConflict", err)
	}
	if got, _ := s.GetPair(ctx, progID, p.ID); got.State != programme.PairEnded || !got.UpdatedAt.Equal(t0) {
		t.Errorf("after refused changes: %s at %v", got.State, got.UpdatedAt)
	}

	if err := s.ClearAttention(ctx, progID, p.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.ClearAttention(ctx, progID, p.ID, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("clearing twice: err = %v, want ErrConflict", err)
	}
	if got, _ := s.GetPair(ctx, progID, p.ID); got.Attention || got.AttentionReason != "" || got.RematchRequestedBy != "" || !got.RematchRequestedAt.IsZero() {
		t.Errorf("attention %v %q, rematch request %q %v after clearing", got.Attention, got.AttentionReason, got.RematchRequestedBy, got.RematchRequestedAt)
	}
	// A rematch request alone (its flag lost to an earlier one) is cleared too.
	q := programme.Pair{ID: "b1b2c3d4e5f60718", ProgrammeID: progID, SeniorID: ids.New(), JuniorID: ids.New(), State: programme.PairActive}
	q.RematchRequestedBy = q.JuniorID
	if err := s.CreatePair(ctx, q); err != nil {
		t.Fatal(err)
	}
	if err := s.ClearAttention(ctx, progID, q.ID, t0); err != nil {
		t.Errorf("clearing a rematch request: %v", err)
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
