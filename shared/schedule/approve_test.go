package schedule_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
)

// readCounting counts reads of single participants.
type readCounting struct {
	*store.Store
	reads atomic.Int64
}

func (r *readCounting) GetParticipant(ctx context.Context, programmeID, id string) (programme.Participant, error) {
	r.reads.Add(1)
	return r.Store.GetParticipant(ctx, programmeID, id)
}

func TestApprovalReusesThePeopleItHasRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e2 := setup(t, 3)
	byID := map[string]programme.Participant{}
	for _, p := range e2.people {
		byID[p.ID] = p
	}
	var again []programme.Pair
	for _, p := range e2.pairs {
		again = append(again, programme.Pair{SeniorID: p.SeniorID, JuniorID: p.JuniorID, Round: 9})
	}
	rc := &readCounting{Store: e2.store}
	started, err := schedule.ApproveKnown(ctx, rc, e2.queue, e2.prog, again, byID, nil, e2.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(started) != 3 || rc.reads.Load() != 0 {
		t.Errorf("started %d pairs with %d participant reads; want 3 and none", len(started), rc.reads.Load())
	}
	for _, p := range started {
		for _, role := range []programme.Role{programme.Senior, programme.Junior} {
			if _, err := e2.store.GetDue(ctx, e2.prog.ID, p.ID, role); err != nil {
				t.Errorf("pair %s %s not scheduled: %v", p.ID, role, err)
			}
		}
	}
	// Without the people, each is read once.
	rc2 := &readCounting{Store: e2.store}
	if _, err := schedule.Approve(ctx, rc2, e2.queue, e2.prog, again, e2.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if rc2.reads.Load() != 6 {
		t.Errorf("%d reads without the people, want 6", rc2.reads.Load())
	}
}
