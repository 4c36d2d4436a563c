package review

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
)

// Approval is what approving a proposal did.
type Approval struct {
	Round int
	Pairs []programme.Pair
	// Repeated is true when the proposal was already approved: this call
	// only made sure every pair was started.
	Repeated bool
}

// Approve turns a reviewed proposal into the programme's next round of
// pairs: they are stored as approved, their check-ins scheduled and their
// introductions queued, all through schedule.Approve. The proposal moves
// ready → approving → approved by conditional writes, and pair ids derive
// from the round, so approving twice (a double click, a retry after a
// timeout) creates one round, one set of pairs and one introduction per
// pair. It is BeginApprove then CompleteApproval; the web pages call the
// two apart so a large approval can run where large matchings run.
func (s *Service) Approve(ctx context.Context, programmeID, id, by string) (Approval, error) {
	p, err := s.BeginApprove(ctx, programmeID, id, by)
	if err != nil {
		return Approval{}, err
	}
	if p.Status == store.ProposalApproved {
		// Done before: starting the pairs again could revive a pair that
		// has ended since, so only say what was done.
		return Approval{Round: p.Round, Repeated: true}, nil
	}
	return s.CompleteApproval(ctx, programmeID, id)
}

// ActionApprove is the Job action that completes an approval.
const ActionApprove = "approve"

// ApproveCellsPerPair sizes an approval for BySize: starting a pair costs
// about two dozen reads and writes (the pair, both schedules, both histories
// and three running-total summaries), so 500 pairs weigh as much as a
// 1,000 × 1,000 matching and are approved in the web function; more go to
// the match function.
const ApproveCellsPerPair = 2000

// BeginApprove checks that a proposal can be approved and records who
// approved it (ready → approving). A proposal already approving or
// approved is returned as it is, so a repeated click continues the first.
func (s *Service) BeginApprove(ctx context.Context, programmeID, id, by string) (store.Proposal, error) {
	prog, err := s.Store.GetProgramme(ctx, programmeID)
	if err != nil {
		return store.Proposal{}, err
	}
	p, res, err := s.Load(ctx, programmeID, id)
	if err != nil {
		return p, err
	}
	switch {
	case p.Status == store.ProposalApproved || p.Status == store.ProposalApproving:
		return p, nil
	case p.Superseded():
		return p, problem(ErrSuperseded, "", "This proposal was re-solved; approve the newer proposal instead.")
	case p.Status != store.ProposalReady || res == nil:
		return p, problem(ErrNotReady, "", fmt.Sprintf("This proposal is %s, so it cannot be approved.", p.Status))
	}
	if err := s.checkApprovable(ctx, prog, res); err != nil {
		return p, err
	}
	p, err = s.Store.BeginApproval(ctx, programmeID, id, by, s.Clock.Now())
	if errors.Is(err, store.ErrConflict) {
		return p, problem(ErrChanged, "", "This proposal changed at the same moment (re-solved or approved by someone else); nothing was approved. Look at it again.")
	}
	return p, err
}

// approveWorkers start pairs concurrently, each pair's four writes side by
// side: 5,000 pairs one after another would outlast a Lambda function's
// patience.
const approveWorkers = 16

// approveChunk is how many pairs a worker starts before it queues their
// introductions and counts them as done.
const approveChunk = 100

// StageStarting is an approving proposal's progress stage: its pairs are
// being started (done of total).
const StageStarting = "starting"

// CompleteApproval starts the pairs of an approving proposal and marks it
// approved. Every step is idempotent, so it can run again after a crash.
func (s *Service) CompleteApproval(ctx context.Context, programmeID, id string) (Approval, error) {
	if s.Queue == nil {
		return Approval{}, errors.New("approve: no send queue for the introductions")
	}
	prog, err := s.Store.GetProgramme(ctx, programmeID)
	if err != nil {
		return Approval{}, err
	}
	p, res, err := s.Load(ctx, programmeID, id)
	if err != nil {
		return Approval{}, err
	}
	switch {
	case p.Status == store.ProposalApproved:
		return Approval{Round: p.Round, Repeated: true}, nil
	case p.Status != store.ProposalApproving || res == nil:
		return Approval{}, problem(ErrNotReady, "", fmt.Sprintf("This proposal is %s, so there is no approval to complete.", p.Status))
	}
	if p, err = s.Store.AssignRound(ctx, programmeID, id); err != nil {
		return Approval{}, err
	}
	out := Approval{Round: p.Round}
	pairs, people, err := s.pairs(ctx, prog, p, res)
	if err != nil {
		return out, err
	}
	// The page shows how many pairs are started, and the progress is the
	// heartbeat that tells a long approval from one that stopped.
	tracker := s.track(ctx, p)
	defer tracker.stop()
	tracker.set(StageStarting, 0, len(pairs))
	// One writer per counter shard counts the new pairs' totals, so the
	// workers do not race each other for the same shards.
	counter := s.Store.NewCounter(ctx)
	// ApprovedAt is the first approval's: a repeat builds the very same pairs.
	started := make([][]programme.Pair, approveWorkers)
	errs := make([]error, approveWorkers)
	var wg sync.WaitGroup
	for w := range approveWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []programme.Pair
			for i := w; i < len(pairs); i += approveWorkers {
				mine = append(mine, pairs[i])
			}
			// A chunk at a time: each chunk's introductions are queued as
			// soon as its pairs are started, and progress moves with it.
			for len(mine) > 0 && errs[w] == nil {
				chunk := mine[:min(approveChunk, len(mine))]
				mine = mine[len(chunk):]
				got, err := schedule.ApproveKnown(ctx, s.Store, s.Queue, prog, chunk, people, counter, p.ApprovedAt)
				started[w], errs[w] = append(started[w], got...), err
				tracker.advance(len(got))
			}
		}()
	}
	wg.Wait()
	tracker.stop()
	// Counted before the approval is finished: what could not be counted
	// is counted when the approval is finished again.
	if _, _, err := counter.Close(); err != nil {
		errs = append(errs, fmt.Errorf("count the new pairs: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return out, fmt.Errorf("start the approved pairs: %w", err)
	}
	for _, x := range started {
		out.Pairs = append(out.Pairs, x...)
	}
	// The reorganisation guard checks the new pairs against the chart as it
	// is now (an upload may have come between the check above and here).
	if err := s.Store.MarkGuardDue(ctx, programmeID, s.Clock.Now()); err != nil {
		return out, err
	}
	if err := s.Store.FinishApproval(ctx, programmeID, id, s.Clock.Now()); err != nil {
		return out, err
	}
	s.Log.Info("proposal approved", "programme", programmeID, "proposal", id, "round", out.Round, "pairs", len(out.Pairs), "coordinator", p.ApprovedBy)
	return out, nil
}

// checkApprovable refuses a proposal whose pairs no longer hold: a pair
// struck out since it was proposed, or someone who left (opted out,
// bounced) or was paired by another approval in the meantime.
func (s *Service) checkApprovable(ctx context.Context, prog programme.Programme, res *matching.Result) error {
	never, err := s.Store.ListNeverPairs(ctx, prog.ID)
	if err != nil {
		return err
	}
	struck := map[store.EmailPair]bool{}
	for _, n := range never {
		struck[n.EmailPair] = true
	}
	var bad []string
	for _, x := range res.Pairs {
		if struck[store.EmailPair{Senior: x.Senior, Junior: x.Junior}] {
			bad = append(bad, x.Senior+" and "+x.Junior)
		}
	}
	if len(bad) > 0 {
		return problem(ErrStruckOut, "approve", fmt.Sprintf("You struck out %s since this proposal was made (%s). Re-solve first, then approve.",
			count(len(bad), "pair", "pairs"), list(bad)))
	}
	pl, err := s.pool(ctx, prog.ID)
	if err != nil {
		return err
	}
	free := map[string]bool{}
	for _, x := range pl.people {
		free[x.Email] = true
	}
	var gone []string
	for _, x := range res.Pairs {
		for _, e := range []string{x.Senior, x.Junior} {
			if !free[e] {
				gone = append(gone, e)
			}
		}
	}
	if len(gone) > 0 {
		return problem(ErrUnavailable, "approve", fmt.Sprintf("%s no longer opted in or already paired since this proposal was made (%s). Re-solve first, then approve.",
			count(len(gone), "person is", "people are"), list(gone)))
	}
	return s.checkStillAllowed(ctx, prog, pl, res)
}

// pairs turns the proposal's pairs into programme pairs of its round, and
// returns the participants it read (by id) so that starting the pairs
// reads nobody again.
func (s *Service) pairs(ctx context.Context, prog programme.Programme, p store.Proposal, res *matching.Result) ([]programme.Pair, map[string]programme.Participant, error) {
	everyone, err := s.Store.ListParticipants(ctx, prog.ID)
	if err != nil {
		return nil, nil, err
	}
	idOf := map[string]string{}
	people := make(map[string]programme.Participant, len(everyone))
	for _, x := range everyone {
		idOf[x.Email] = x.ID
		people[x.ID] = x
	}
	out := make([]programme.Pair, 0, len(res.Pairs))
	for _, x := range res.Pairs {
		sid, jid := idOf[x.Senior], idOf[x.Junior]
		if sid == "" || jid == "" {
			return nil, nil, fmt.Errorf("approve: %s or %s is no longer enrolled", x.Senior, x.Junior)
		}
		out = append(out, programme.Pair{
			ID:          programme.PairID(prog.ID, p.Round, sid, jid),
			ProgrammeID: prog.ID, SeniorID: sid, JuniorID: jid,
			Score: x.Score, Reasons: Reasons(x), Round: p.Round, ApprovedBy: p.ApprovedBy,
		})
	}
	return out, people, nil
}

// Reasons are a pair's reasons as the introduction lists them: the
// matcher's reason text in short phrases, one per preference that counts
// (the same phrases its sentence joins with semicolons, taken from the
// factors so a department named "R&D; Labs" cannot split one). Being
// locked by the coordinator is not a reason the two need to read.
func Reasons(p matching.Pair) []string {
	var out []string
	for _, f := range p.Factors[:min(3, len(p.Factors))] {
		if w := strings.TrimSpace(f.Words); w != "" {
			out = append(out, capitalise(w))
		}
	}
	return out
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

func list(items []string) string {
	if len(items) > 5 {
		return strings.Join(items[:5], ", ") + fmt.Sprintf(" and %d more", len(items)-5)
	}
	return strings.Join(items, ", ")
}
