package review

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
// pair.
func (s *Service) Approve(ctx context.Context, programmeID, id, by string) (Approval, error) {
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
	var out Approval
	switch {
	case p.Status == store.ProposalApproved:
		// Done before: starting the pairs again could revive a pair that
		// has ended since, so only say what was done.
		return Approval{Round: p.Round, Repeated: true}, nil
	case p.Status == store.ProposalApproving:
		out.Repeated = true // the first approval stopped half-way: finish it
	case p.Superseded():
		return out, problem(ErrSuperseded, "", "This proposal was re-solved; approve the newer proposal instead.")
	case p.Status != store.ProposalReady || res == nil:
		return out, problem(ErrNotReady, "", fmt.Sprintf("This proposal is %s, so it cannot be approved.", p.Status))
	default:
		if err := s.checkApprovable(ctx, prog, res); err != nil {
			return out, err
		}
		if p, err = s.Store.BeginApproval(ctx, programmeID, id, by, s.Clock.Now()); errors.Is(err, store.ErrConflict) {
			return out, problem(ErrChanged, "", "This proposal changed at the same moment (re-solved or approved by someone else); nothing was approved. Look at it again.")
		} else if err != nil {
			return out, err
		}
	}
	if res == nil {
		return out, fmt.Errorf("approve proposal %s: no result", id)
	}
	if p, err = s.Store.AssignRound(ctx, programmeID, id); err != nil {
		return out, err
	}
	out.Round = p.Round
	pairs, err := s.pairs(ctx, prog, p, res)
	if err != nil {
		return out, err
	}
	// ApprovedAt is the first approval's: a repeat builds the very same pairs.
	if out.Pairs, err = schedule.Approve(ctx, s.Store, s.Queue, prog, pairs, p.ApprovedAt); err != nil {
		return out, fmt.Errorf("start the approved pairs: %w", err)
	}
	if err := s.Store.FinishApproval(ctx, programmeID, id, s.Clock.Now()); err != nil {
		return out, err
	}
	s.Log.Info("proposal approved", "programme", programmeID, "proposal", id, "round", out.Round, "pairs", len(out.Pairs), "repeated", out.Repeated, "coordinator", by)
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
	return nil
}

// pairs turns the proposal's pairs into programme pairs of its round.
func (s *Service) pairs(ctx context.Context, prog programme.Programme, p store.Proposal, res *matching.Result) ([]programme.Pair, error) {
	people, err := s.Store.ListParticipants(ctx, prog.ID)
	if err != nil {
		return nil, err
	}
	idOf := map[string]string{}
	for _, x := range people {
		idOf[x.Email] = x.ID
	}
	out := make([]programme.Pair, 0, len(res.Pairs))
	for _, x := range res.Pairs {
		sid, jid := idOf[x.Senior], idOf[x.Junior]
		if sid == "" || jid == "" {
			return nil, fmt.Errorf("approve: %s or %s is no longer enrolled", x.Senior, x.Junior)
		}
		out = append(out, programme.Pair{
			ID:          programme.PairID(prog.ID, p.Round, sid, jid),
			ProgrammeID: prog.ID, SeniorID: sid, JuniorID: jid,
			Score: x.Score, Reasons: Reasons(x), Round: p.Round, ApprovedBy: p.ApprovedBy,
		})
	}
	return out, nil
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
