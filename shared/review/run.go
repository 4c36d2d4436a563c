package review

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/store"
)

// Propose stores a new proposal for programmeID under id, ready to run,
// and reports whether this call created it (and so should start it). The
// id comes from the coordinator's form, so posting the same form twice
// finds the first proposal instead of starting a second run.
func (s *Service) Propose(ctx context.Context, programmeID, id, by string) (store.Proposal, bool, error) {
	if p, err := s.Store.GetProposal(ctx, programmeID, id); err == nil {
		return p, false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.Proposal{}, false, err
	}
	pl, err := s.pool(ctx, programmeID)
	if err != nil {
		return store.Proposal{}, false, err
	}
	if pl.seniors == 0 || pl.juniors == 0 {
		return store.Proposal{}, false, problem(ErrNobody, "propose", fmt.Sprintf(
			"There is nobody to match yet: %s and %s have opted in and are not already paired. People opt in by replying to their welcome email, or you can set them to opted in below.",
			count(pl.seniors, "senior", "seniors"), count(pl.juniors, "junior", "juniors")))
	}
	now := s.Clock.Now()
	p := store.Proposal{ID: id, ProgrammeID: programmeID, Status: store.ProposalRunning, Stage: "waiting",
		CreatedBy: by, CreatedAt: now, UpdatedAt: now, Seniors: pl.seniors, Juniors: pl.juniors}
	if err := s.Store.CreateProposal(ctx, p); errors.Is(err, store.ErrConflict) {
		p, err := s.Store.GetProposal(ctx, programmeID, id)
		return p, false, err
	} else if err != nil {
		return store.Proposal{}, false, err
	}
	s.Log.Info("proposal created", "programme", programmeID, "proposal", id, "seniors", pl.seniors, "juniors", pl.juniors, "coordinator", by)
	return p, true, nil
}

// Run matches a proposal and stores the result (or, for ActionApprove,
// completes its approval). Every failure, a panic
// included, is recorded on the proposal with its reason, so a run never
// fails silently; Run returns an error only when even that could not be
// recorded. A run redelivered after the proposal left "running" does
// nothing.
func (s *Service) Run(ctx context.Context, job Job) (err error) {
	if job.Action == ActionApprove {
		// A failed approval stays "approving": its page offers to finish
		// it, and Lambda retries the invocation.
		_, err := s.CompleteApproval(ctx, job.ProgrammeID, job.ProposalID)
		return err
	}
	p, err := s.Store.GetProposal(ctx, job.ProgrammeID, job.ProposalID)
	if err != nil {
		return fmt.Errorf("run proposal %s: %w", job.ProposalID, err)
	}
	if p.Status != store.ProposalRunning {
		s.Log.Info("proposal already ran", "proposal", p.ID, "status", p.Status)
		return nil
	}
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			s.Log.Error("matching panicked", "proposal", p.ID, "panic", r, "stack", string(debug.Stack()))
			err = s.fail(p, fmt.Sprintf("The matcher stopped unexpectedly (%v). Try again; if it happens again, tell the people who run Upward.", r))
		}
	}()
	reason, runErr := s.run(ctx, p)
	if runErr == nil {
		s.Log.Info("proposal ready", "programme", p.ProgrammeID, "proposal", p.ID, "seconds", time.Since(start).Seconds())
		return nil
	}
	if errors.Is(runErr, store.ErrConflict) {
		return nil // finished by another delivery of the same run
	}
	s.Log.Error("proposal failed", "programme", p.ProgrammeID, "proposal", p.ID, "err", runErr)
	return s.fail(p, reason)
}

func (s *Service) fail(p store.Proposal, reason string) error {
	// The run's context may be what ended it: record the failure anyway.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.Store.FailProposal(ctx, p.ProgrammeID, p.ID, reason, s.Clock.Now())
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("record failure of proposal %s: %w", p.ID, err)
	}
	return nil
}

// run does the work and, on failure, returns the reason in words.
func (s *Service) run(ctx context.Context, p store.Proposal) (string, error) {
	prog, err := s.Store.GetProgramme(ctx, p.ProgrammeID)
	if err != nil {
		return "The programme could not be read.", err
	}
	tracker := s.track(ctx, p)
	defer tracker.stop()
	tracker.set("loading", 0, 0)
	in, warnings, err := s.input(ctx, prog, p.Locks)
	if err != nil {
		return "The people, org chart and earlier pairs could not be loaded; nothing was matched.", err
	}
	m, err := matching.New(in)
	if err != nil {
		return "The data cannot be matched as it is: " + err.Error(), err
	}
	m.Progress = tracker.set
	res, err := m.Match(ctx)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "The matcher ran out of time before it finished.", err
	case err != nil:
		return "The matcher could not finish: " + err.Error(), err
	}
	res.Warnings = append(warnings, res.Warnings...)
	tracker.set("saving", 0, 0)
	sum := store.ProposalSummary{Pairs: len(res.Pairs), Unmatched: len(res.Unmatched), Warnings: len(res.Warnings), TotalScore: res.Total, MaxScore: res.MaxScore}
	tracker.stop()
	if err := s.Store.FinishProposal(ctx, p.ProgrammeID, p.ID, sum, res, s.Clock.Now()); err != nil {
		return "The result could not be saved.", err
	}
	return "", nil
}

// tracker writes a running proposal's progress on a heartbeat, apart from
// the matcher, whose progress callback must stay cheap.
type tracker struct {
	mu          sync.Mutex
	stage       string
	done, total int
	quit        chan struct{}
	once        sync.Once
	wg          sync.WaitGroup
	s           *Service
	p           store.Proposal
}

func (s *Service) track(ctx context.Context, p store.Proposal) *tracker {
	t := &tracker{quit: make(chan struct{}), s: s, p: p}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		tick := time.NewTicker(s.heartbeat())
		defer tick.Stop()
		for {
			select {
			case <-t.quit:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				t.write(ctx)
			}
		}
	}()
	return t
}

func (t *tracker) set(stage string, done, total int) {
	t.mu.Lock()
	t.stage, t.done, t.total = stage, done, total
	t.mu.Unlock()
}

// advance adds n to what is done, for work shared between goroutines.
func (t *tracker) advance(n int) {
	t.mu.Lock()
	t.done += n
	t.mu.Unlock()
}

// write records the progress; it is also the heartbeat, so it writes even
// when nothing moved.
func (t *tracker) write(ctx context.Context) {
	t.mu.Lock()
	stage, done, total := t.stage, t.done, t.total
	t.mu.Unlock()
	if err := t.s.Store.ProposalProgress(ctx, t.p.ProgrammeID, t.p.ID, stage, done, total, t.s.Clock.Now()); err != nil && ctx.Err() == nil {
		t.s.Log.Warn("proposal progress not recorded", "proposal", t.p.ID, "err", err)
	}
}

func (t *tracker) stop() {
	t.once.Do(func() { close(t.quit) })
	t.wg.Wait()
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
