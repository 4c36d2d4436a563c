package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// Preferences and assistants are kept per person, listed for matching,
// taken back one by one, and an erasure leaves no address of the erased
// person in them: their own go, and others' that named them keep only a
// one-way hash.
func TestPrivatePreferencesAndAssistants(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	p := newProgramme("P", t0)
	if err := s.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	res, err := s.Enrol(ctx, p.ID, []programme.Participant{person("ana@x.org", "Ana Silva", programme.Senior), person("sam@x.org", "Sam Lee", programme.Junior)}, t0)
	if err != nil {
		t.Fatal(err)
	}
	ana, sam := res.Created[0], res.Created[1]
	if ana.Role != programme.Senior {
		ana, sam = sam, ana
	}
	byAddress := store.NotWith{ProgrammeID: p.ID, ParticipantID: ana.ID, Email: "Sam@x.org", Name: "Sam", Reply: "r1", At: t0}
	byName := store.NotWith{ProgrammeID: p.ID, ParticipantID: ana.ID, Name: "Jo  Park", Reply: "r2", At: t0}
	theirs := store.NotWith{ProgrammeID: p.ID, ParticipantID: sam.ID, Email: "kim@x.org", Reply: "r3", At: t0}
	for _, n := range []store.NotWith{byAddress, byAddress, byName, theirs} {
		if err := s.PutNotWith(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	mine, err := s.NotWithOf(ctx, p.ID, ana.ID)
	if err != nil || len(mine) != 2 {
		t.Fatalf("Ana's preferences: %+v %v", mine, err)
	}
	all, _ := s.ListNotWith(ctx, p.ID)
	if len(all) != 3 {
		t.Errorf("the programme's preferences: %+v", all)
	}
	if err := s.RemoveNotWith(ctx, p.ID, ana.ID, store.NotWithID("", "jo park")); err != nil {
		t.Fatal(err)
	}
	if mine, _ := s.NotWithOf(ctx, p.ID, ana.ID); len(mine) != 1 || mine[0].Email != "sam@x.org" {
		t.Errorf("after removing the name: %+v", mine)
	}

	a, err := s.PutAssistant(ctx, store.Assistant{ProgrammeID: p.ID, SeniorID: ana.ID, Email: " EA@x.org ", Reply: "r4", At: t0})
	if err != nil || a.Email != "ea@x.org" || a.Rev != store.AssistantRev(ana.ID, "ea@x.org") {
		t.Fatalf("assistant: %+v %v", a, err)
	}
	got, err := s.GetAssistant(ctx, p.ID, ana.ID)
	if diff := cmp.Diff(a, got); err != nil || diff != "" {
		t.Errorf("assistant round trip (-want +got):\n%s %v", diff, err)
	}
	if list, _ := s.ListAssistants(ctx, p.ID); len(list) != 1 || list[ana.ID].Email != "ea@x.org" {
		t.Errorf("assistants: %+v", list)
	}

	// Sam's data is erased: Ana's preference keeps a hash, not his address
	// or the name that found him; Sam's own preference goes.
	if _, err := s.Erase(ctx, p.ID, sam.ID, nil, t0); err != nil {
		t.Fatal(err)
	}
	all, _ = s.ListNotWith(ctx, p.ID)
	want := []store.NotWith{{ProgrammeID: p.ID, ParticipantID: ana.ID, ID: store.NotWithID("sam@x.org", ""), EmailHash: programme.HashEmail("sam@x.org"), Reply: "r1", At: t0}}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("preferences after Sam's erasure (-want +got):\n%s", diff)
	}
	// Ana's erasure takes her preference and her assistant.
	if _, err := s.Erase(ctx, p.ID, ana.ID, nil, t0); err != nil {
		t.Fatal(err)
	}
	if all, _ := s.ListNotWith(ctx, p.ID); len(all) != 0 {
		t.Errorf("preferences after Ana's erasure: %+v", all)
	}
	if list, _ := s.ListAssistants(ctx, p.ID); len(list) != 0 {
		t.Errorf("assistants after Ana's erasure: %+v", list)
	}
}

// An enrolment asks the reorganisation guard for a check; a check records
// what it saw, and a new chart or a later change makes it due again.
func TestGuardState(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	p := newProgramme("P", t0)
	if err := s.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	g, err := s.GetGuard(ctx, p.ID)
	if err != nil || g.Changes != 0 || !g.Due("") {
		t.Fatalf("a new programme's guard: %+v %v", g, err)
	}
	if _, err := s.Enrol(ctx, p.ID, []programme.Participant{person("jo@x.org", "Jo", programme.Junior)}, t0); err != nil {
		t.Fatal(err)
	}
	g, _ = s.GetGuard(ctx, p.ID)
	if g.Changes != 1 {
		t.Fatalf("after an enrolment: %+v", g)
	}
	if err := s.SetGuardChecked(ctx, p.ID, g.Mark("v1"), t0); err != nil {
		t.Fatal(err)
	}
	g, _ = s.GetGuard(ctx, p.ID)
	if g.Due("v1") || !g.Due("v2") {
		t.Errorf("checked against v1: due for v1 %v, for v2 %v", g.Due("v1"), g.Due("v2"))
	}
	if err := s.MarkGuardDue(ctx, p.ID, t0); err != nil {
		t.Fatal(err)
	}
	if g, _ = s.GetGuard(ctx, p.ID); !g.Due("v1") {
		t.Errorf("a later change left the guard checked: %+v", g)
	}
}
