package lifecycle_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

var t0 = time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)

// jobs is a queue that keeps what it is given, or fails while broken.
type jobs struct {
	mu     sync.Mutex
	got    []sendqueue.Job
	broken bool
}

func (q *jobs) Enqueue(_ context.Context, js ...sendqueue.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.broken {
		return errors.New("SQS unavailable")
	}
	q.got = append(q.got, js...)
	return nil
}

type fixture struct {
	store  *store.Store
	queue  *jobs
	svc    *lifecycle.Service
	prog   programme.Programme
	pair   programme.Pair
	senior programme.Participant
	junior programme.Participant
}

func setup(t *testing.T) *fixture {
	t.Helper()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	f := &fixture{store: s, queue: &jobs{}}
	f.svc = &lifecycle.Service{Store: s, Queue: f.queue}
	f.prog = programme.New(t0)
	f.prog.ID, f.prog.Name, f.prog.StartDate, f.prog.EndDate = ids.New(), "Bridges", "2027-01-04", "2027-06-30"
	if err := s.CreateProgramme(ctx, f.prog); err != nil {
		t.Fatal(err)
	}
	tag := ids.New()[:6]
	res, err := s.Enrol(ctx, f.prog.ID, []programme.Participant{
		{Email: "sen-" + tag + "@example.org", Name: "Sen", Role: programme.Senior},
		{Email: "jun-" + tag + "@example.org", Name: "Jun", Role: programme.Junior},
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Created {
		if p.Role == programme.Senior {
			f.senior = p
		} else {
			f.junior = p
		}
	}
	f.pair = programme.Pair{ID: programme.PairID(f.prog.ID, 0, f.senior.ID, f.junior.ID), ProgrammeID: f.prog.ID,
		SeniorID: f.senior.ID, JuniorID: f.junior.ID, State: programme.PairActive, StartDate: "2027-01-04", UpdatedAt: t0}
	if err := s.CreatePair(ctx, f.pair); err != nil {
		t.Fatal(err)
	}
	return f
}

// A change judged on a stale read is judged again on the pair as it is.
func TestAChangeRacingAnotherIsJudgedAgain(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	stale := f.pair
	// The coordinator pauses the pair...
	if _, err := f.svc.Apply(ctx, f.prog, f.pair, lifecycle.Change{Transition: lifecycle.Pause, By: lifecycle.Coordinator("c@example.org"), At: t0}); err != nil {
		t.Fatal(err)
	}
	// ...while the junior's REMATCH, read before, is applied: it still
	// ends the pair, from the state it is in now.
	res, err := f.svc.Apply(ctx, f.prog, stale, lifecycle.Change{Transition: lifecycle.Rematch, By: lifecycle.Participant(f.junior.ID), At: t0.Add(time.Minute)})
	if err != nil || res.Outcome != lifecycle.Changed || res.Pair.State != programme.PairRematched {
		t.Fatalf("rematch after a pause = %+v, %v", res, err)
	}
	if !res.Pair.PausedAt.Equal(t0) {
		t.Errorf("the pause's record was lost: paused at %v", res.Pair.PausedAt)
	}
	// A stale pause of the now rematched pair is refused and writes nothing.
	res, err = f.svc.Apply(ctx, f.prog, stale, lifecycle.Change{Transition: lifecycle.Pause, By: lifecycle.Participant(f.senior.ID), At: t0.Add(2 * time.Minute), Until: t0.AddDate(0, 1, 0)})
	if err != nil || res.Outcome != lifecycle.Refused {
		t.Errorf("pause of a rematched pair = %s, %v; want refused", res.Outcome, err)
	}
	got, _ := f.store.GetPair(ctx, f.prog.ID, f.pair.ID)
	if got.State != programme.PairRematched || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("pair after a refused change: %s updated %v", got.State, got.UpdatedAt)
	}
	never, _ := f.store.ListNeverPairs(ctx, f.prog.ID)
	if len(never) != 1 {
		t.Errorf("never-pair entries = %d, want 1", len(never))
	}
	if len(f.queue.got) != 1 || sendqueue.Recipient(f.queue.got[0]) != f.senior.ID {
		t.Errorf("queued = %v, want the no-fault email to the senior only", f.queue.got)
	}
}

// When the queue fails after the pair changed, Apply says the pair changed,
// and doing it again queues what is missing.
func TestAChangeWhoseEmailsFailedIsFinishedByDoingItAgain(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	f.queue.broken = true
	stop := lifecycle.Change{Transition: lifecycle.Stop, By: lifecycle.Participant(f.senior.ID), At: t0, Of: f.senior.ID}
	res, err := f.svc.Apply(ctx, f.prog, f.pair, stop)
	if err == nil || res.Outcome != lifecycle.Changed || res.Pair.State != programme.PairStopped {
		t.Fatalf("stop with a broken queue = %+v, %v; want changed and an error", res, err)
	}
	f.queue.broken = false
	n, err := f.svc.ApplyToPairsOf(ctx, f.prog, f.senior.ID, stop)
	if err != nil || n != 0 {
		t.Fatalf("stop again = %d changed, %v", n, err)
	}
	want := sendqueue.PairEnded{ProgrammeID: f.prog.ID, ParticipantID: f.junior.ID, PairID: f.pair.ID}
	if len(f.queue.got) != 1 || f.queue.got[0] != sendqueue.Job(want) {
		t.Errorf("queued = %v, want %v", f.queue.got, want)
	}
}
