package review

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// Load reads a proposal and, once it has one, its result.
func (s *Service) Load(ctx context.Context, programmeID, id string) (store.Proposal, *matching.Result, error) {
	p, err := s.Store.GetProposal(ctx, programmeID, id)
	if err != nil {
		return p, nil, err
	}
	if p.Parts == 0 {
		return p, nil, nil
	}
	var res matching.Result
	if err := s.Store.ProposalResult(ctx, p, &res); err != nil {
		return p, nil, err
	}
	return p, &res, nil
}

// reviewable loads a proposal that can still be changed: ready and not
// replaced by a re-solve.
func (s *Service) reviewable(ctx context.Context, programmeID, id string) (store.Proposal, *matching.Result, error) {
	p, res, err := s.Load(ctx, programmeID, id)
	if err != nil {
		return p, nil, err
	}
	if p.Superseded() {
		return p, nil, problem(ErrSuperseded, "", "This proposal was re-solved; the newer proposal is the one to review.")
	}
	if p.Status != store.ProposalReady || res == nil {
		return p, nil, problem(ErrNotReady, "", fmt.Sprintf("This proposal is %s, so it can no longer be changed.", p.Status))
	}
	return p, res, nil
}

func proposed(res *matching.Result, pair store.EmailPair) bool {
	for _, x := range res.Pairs {
		if x.Senior == pair.Senior && x.Junior == pair.Junior {
			return true
		}
	}
	return false
}

// Lock keeps (lock) or lets go of (!lock) a proposed pair when the
// proposal is re-solved. Repeating it changes nothing; two changes at the
// same moment (a double click, two tabs) are both kept, the loser of the
// conditional write reading the locks again.
func (s *Service) Lock(ctx context.Context, programmeID, id string, pair store.EmailPair, lock bool) error {
	for attempt := 0; ; attempt++ {
		err := s.lockOnce(ctx, programmeID, id, pair, lock)
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		if attempt == 2 {
			return problem(ErrChanged, "", "Someone changed this proposal at the same moment; nothing was changed. Look at it again and repeat.")
		}
	}
}

func (s *Service) lockOnce(ctx context.Context, programmeID, id string, pair store.EmailPair, lock bool) error {
	p, res, err := s.reviewable(ctx, programmeID, id)
	if err != nil {
		return err
	}
	if !proposed(res, pair) {
		return problem(ErrBadPair, "", fmt.Sprintf("%s and %s are not a pair in this proposal.", pair.Senior, pair.Junior))
	}
	has := slices.Contains(p.Locks, pair)
	if has == lock {
		return nil
	}
	locks := slices.DeleteFunc(slices.Clone(p.Locks), func(x store.EmailPair) bool { return x == pair })
	if lock {
		never, err := s.Store.ListNeverPairs(ctx, programmeID)
		if err != nil {
			return err
		}
		for _, n := range never {
			if n.EmailPair == pair {
				return problem(ErrStruckOut, "", fmt.Sprintf("%s and %s are struck out, so they cannot be locked. Allow the pair again first.", pair.Senior, pair.Junior))
			}
		}
		if len(locks) >= store.MaxLocks {
			return problem(ErrTooMany, "", fmt.Sprintf("At most %d pairs can be locked in one review.", store.MaxLocks))
		}
		locks = append(locks, pair)
	}
	_, err = s.Store.SetProposalLocks(ctx, programmeID, id, locks, p.Version, s.Clock.Now())
	return err
}

// Forbid strikes a proposed pair out: the two go on the programme's
// never-pair list, which every later proposal of the programme honours,
// and a lock on them is let go. Re-solving replaces the pair.
func (s *Service) Forbid(ctx context.Context, programmeID, id string, pair store.EmailPair, by string) error {
	p, res, err := s.reviewable(ctx, programmeID, id)
	if err != nil {
		return err
	}
	if !proposed(res, pair) {
		return problem(ErrBadPair, "", fmt.Sprintf("%s and %s are not a pair in this proposal.", pair.Senior, pair.Junior))
	}
	if err := s.Store.AddNeverPair(ctx, programmeID, store.NeverPair{EmailPair: pair, AddedBy: by, AddedAt: s.Clock.Now(), Source: "coordinator"}); err != nil {
		return err
	}
	if slices.Contains(p.Locks, pair) {
		if err := s.Lock(ctx, programmeID, id, pair, false); err != nil {
			return err
		}
	}
	s.Log.Info("pair struck out", "programme", programmeID, "proposal", id, "coordinator", by)
	return nil
}

// Allow takes a pair off the programme's never-pair list.
func (s *Service) Allow(ctx context.Context, programmeID string, pair store.EmailPair) error {
	return s.Store.RemoveNeverPair(ctx, programmeID, pair)
}

// Resolve matches again around the locks of proposal fromID (plus extra
// locks), as a new proposal with id newID, and reports whether this call
// created it (and so should start it). Only the first re-solve of a
// proposal counts: a second one (the same form posted twice, or another
// coordinator) gets the proposal the first created, so a review never
// forks. A run that stopped without a word is marked failed first.
func (s *Service) Resolve(ctx context.Context, programmeID, fromID, newID, by string, extra ...store.EmailPair) (store.Proposal, bool, error) {
	from, err := s.Store.GetProposal(ctx, programmeID, fromID)
	if err != nil {
		return from, false, err
	}
	if from.Status == store.ProposalRunning && s.Stalled(from) {
		if err := s.Store.FailProposal(ctx, programmeID, fromID, "The run stopped without finishing (out of time or memory, or a restart).", s.Clock.Now()); err != nil && !errors.Is(err, store.ErrConflict) {
			return from, false, err
		}
		from.Status = store.ProposalFailed
	}
	switch {
	case from.Superseded():
		p, err := s.Store.GetProposal(ctx, programmeID, from.SupersededBy)
		return p, false, err
	case from.Status != store.ProposalReady && from.Status != store.ProposalFailed:
		return from, false, problem(ErrNotReady, "", fmt.Sprintf("This proposal is %s, so it cannot be re-solved.", from.Status))
	}
	never, err := s.Store.ListNeverPairs(ctx, programmeID)
	if err != nil {
		return from, false, err
	}
	struck := map[store.EmailPair]bool{}
	for _, n := range never {
		struck[n.EmailPair] = true
	}
	var locks []store.EmailPair
	for _, l := range append(slices.Clone(from.Locks), extra...) {
		if !struck[l] && !slices.Contains(locks, l) {
			locks = append(locks, l)
		}
	}
	if len(locks) > store.MaxLocks {
		return from, false, problem(ErrTooMany, "", fmt.Sprintf("At most %d pairs can be locked in one review.", store.MaxLocks))
	}
	pl, err := s.pool(ctx, programmeID)
	if err != nil {
		return from, false, err
	}
	now := s.Clock.Now()
	child := store.Proposal{ID: newID, ProgrammeID: programmeID, Status: store.ProposalRunning, Stage: "waiting",
		CreatedBy: by, CreatedAt: now, UpdatedAt: now, Parent: fromID, Locks: locks, Seniors: pl.seniors, Juniors: pl.juniors}
	// The child is created first and the parent pointed at it last: a
	// crash in between leaves an orphan run, never a parent pointing at
	// nothing.
	created := true
	if err := s.Store.CreateProposal(ctx, child); errors.Is(err, store.ErrConflict) {
		created = false
	} else if err != nil {
		return from, false, err
	}
	sup, err := s.Store.SupersedeProposal(ctx, programmeID, fromID, newID, now)
	if err != nil {
		return from, false, err
	}
	if sup.SupersededBy != newID {
		// Another re-solve won; ours never runs.
		_ = s.Store.FailProposal(ctx, programmeID, newID, "Another re-solve of the same proposal came first.", now)
		p, err := s.Store.GetProposal(ctx, programmeID, sup.SupersededBy)
		return p, false, err
	}
	s.Log.Info("proposal re-solved", "programme", programmeID, "from", fromID, "proposal", newID, "locks", len(locks), "coordinator", by)
	p, err := s.Store.GetProposal(ctx, programmeID, newID)
	return p, created, err
}

// PairByHand pairs a senior with a junior the coordinator chose. The
// matcher already pairs as many people as the rules allow, so two people
// it left unmatched can be paired only if a rule changed since; the form
// therefore offers the unmatched first and everyone else in the proposal
// after them (pairing someone already paired frees their partner). The
// pair is checked against every hard rule as they stand now, and against
// the other locks (a senior has one junior, a junior's capacity); if it
// breaks one, the Problem names each broken rule in words and nothing
// changes. Otherwise the pair is locked and the rest re-solved around it,
// as proposal newID.
func (s *Service) PairByHand(ctx context.Context, prog programme.Programme, id, newID string, pair store.EmailPair, by string) (store.Proposal, bool, error) {
	p, res, err := s.reviewable(ctx, prog.ID, id)
	if p.SupersededBy == newID && newID != "" {
		// The same form again (a double click): show what the first made.
		child, err := s.Store.GetProposal(ctx, prog.ID, newID)
		return child, false, err
	}
	if err != nil {
		return p, false, err
	}
	role := map[string]programme.Role{}
	for _, x := range res.Pairs {
		role[x.Senior], role[x.Junior] = programme.Senior, programme.Junior
	}
	for _, u := range res.Unmatched {
		role[u.Email] = u.Role
	}
	var fe []string
	if role[pair.Senior] != programme.Senior {
		fe = append(fe, "Choose a senior from this proposal.")
	}
	if role[pair.Junior] != programme.Junior {
		fe = append(fe, "Choose a junior from this proposal.")
	}
	if len(fe) > 0 {
		return p, false, problem(ErrBadPair, "hand", joinSentences(fe))
	}
	in, _, err := s.input(ctx, prog, p.Locks)
	if err != nil {
		return p, false, err
	}
	m, err := matching.New(in)
	if err != nil {
		return p, false, problem(ErrBrokenRule, "hand", "The data cannot be matched as it is: "+err.Error())
	}
	if err := m.Check(pair.Senior, pair.Junior); err != nil {
		return p, false, problem(ErrBrokenRule, "hand", "These two cannot be paired: "+ruleWords(err))
	}
	var locks []matching.Pairing
	for _, l := range in.Locked {
		if l != (matching.Pairing{Senior: pair.Senior, Junior: pair.Junior}) {
			locks = append(locks, l)
		}
	}
	if err := m.CheckPairs(append(locks, matching.Pairing{Senior: pair.Senior, Junior: pair.Junior})); err != nil {
		return p, false, problem(ErrBrokenRule, "hand", "This pair clashes with a locked pair: "+ruleWords(err)+" Unlock that pair first.")
	}
	return s.Resolve(ctx, prog.ID, id, newID, by, pair)
}

// ruleWords lists each broken rule's explanation.
func ruleWords(err error) string {
	var parts []string
	var walk func(error)
	walk = func(e error) {
		var re *matching.RuleError
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if errors.As(e, &re) {
			parts = append(parts, re.Detail)
			return
		}
		parts = append(parts, e.Error())
	}
	walk(err)
	return joinSentences(parts)
}

func joinSentences(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += " "
		}
		out += p
		if n := len(p); n > 0 && p[n-1] != '.' {
			out += "."
		}
	}
	return out
}
