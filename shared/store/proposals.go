package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
)

const (
	typeProposal = "proposal"
	typeRounds   = "rounds"
)

// ProposalStatus is where a proposed matching stands.
type ProposalStatus string

const (
	ProposalRunning   ProposalStatus = "running"   // the matcher is working on it
	ProposalReady     ProposalStatus = "ready"     // pairs are ready for review
	ProposalFailed    ProposalStatus = "failed"    // the run failed; Error says why
	ProposalApproving ProposalStatus = "approving" // approved, pairs being started
	ProposalApproved  ProposalStatus = "approved"  // pairs started, introductions queued
)

// EmailPair names a senior and a junior by email (lower case).
type EmailPair struct {
	Senior string `dynamodbav:"senior" json:"senior"`
	Junior string `dynamodbav:"junior" json:"junior"`
}

// NewEmailPair lower-cases and trims both addresses.
func NewEmailPair(senior, junior string) EmailPair {
	return EmailPair{Senior: strings.ToLower(strings.TrimSpace(senior)), Junior: strings.ToLower(strings.TrimSpace(junior))}
}

// Proposal is one matching run of a programme and its review. The pairs
// and the unmatched are its result, stored apart as a blob (see
// ProposalResult) because a large programme's result does not fit an item.
//
// A re-solve never changes a proposal's result: it creates a new proposal
// (Parent names the old one, whose SupersededBy names the new), carrying
// the locks over. So a result is written once, and a page showing a
// proposal always shows the pairs it was reviewing.
type Proposal struct {
	ID          string         `dynamodbav:"id"`
	ProgrammeID string         `dynamodbav:"programme_id"`
	Status      ProposalStatus `dynamodbav:"status"`
	// Progress while running: the matcher's stage and how far it is.
	Stage string `dynamodbav:"stage,omitempty"`
	Done  int    `dynamodbav:"done"`
	Total int    `dynamodbav:"total"`
	// Error says in words why a failed run failed.
	Error string `dynamodbav:"error,omitempty"`

	CreatedBy  string    `dynamodbav:"created_by"`
	CreatedAt  time.Time `dynamodbav:"created_at"`
	UpdatedAt  time.Time `dynamodbav:"updated_at"`
	FinishedAt time.Time `dynamodbav:"finished_at,omitempty"`

	Parent       string `dynamodbav:"parent,omitempty"`
	SupersededBy string `dynamodbav:"superseded_by,omitempty"`
	// Locks are the pairs the coordinator kept; a re-solve keeps them.
	Locks []EmailPair `dynamodbav:"locks,omitempty"`

	// Seniors and Juniors count the people the run matches.
	Seniors int `dynamodbav:"seniors"`
	Juniors int `dynamodbav:"juniors"`
	// The result's summary, set when it is ready.
	Pairs      int     `dynamodbav:"pairs"`
	Unmatched  int     `dynamodbav:"unmatched"`
	Warnings   int     `dynamodbav:"warnings"`
	TotalScore float64 `dynamodbav:"total_score"`
	MaxScore   float64 `dynamodbav:"max_score"`
	Parts      int     `dynamodbav:"parts"`

	Round      int       `dynamodbav:"round"`
	ApprovedBy string    `dynamodbav:"approved_by,omitempty"`
	ApprovedAt time.Time `dynamodbav:"approved_at,omitempty"`

	// Version guards the locks against lost updates.
	Version int `dynamodbav:"version"`
}

// Superseded reports whether a re-solve replaced this proposal.
func (p Proposal) Superseded() bool { return p.SupersededBy != "" }

// ProposalSummary is what a finished run records on the proposal.
type ProposalSummary struct {
	Pairs, Unmatched, Warnings int
	TotalScore, MaxScore       float64
}

// MaxLocks bounds the locks of one proposal, so its item stays small.
const MaxLocks = 1000

type proposalItem struct {
	keys
	Proposal
}

type roundsItem struct {
	keys
	Rounds int `dynamodbav:"rounds"`
}

func proposalSK(id string) string     { return "PROPOSAL#" + id }
func proposalBlobSK(id string) string { return "RESULT#" + id + "#" }

// CreateProposal stores a new proposal. Creating the same id twice returns
// ErrConflict, so a form posted twice starts one run.
func (s *Store) CreateProposal(ctx context.Context, p Proposal) error {
	p.Version = 1
	it := proposalItem{keys: keys{PK: programmePK(p.ProgrammeID), SK: proposalSK(p.ID), Type: typeProposal}, Proposal: p}
	if err := s.put(ctx, it, notExists(), ErrConflict); err != nil {
		return fmt.Errorf("create proposal %s: %w", p.ID, err)
	}
	return nil
}

// GetProposal reads one proposal (without its result).
func (s *Store) GetProposal(ctx context.Context, programmeID, id string) (Proposal, error) {
	var it proposalItem
	if err := s.get(ctx, programmePK(programmeID), proposalSK(id), &it); err != nil {
		return Proposal{}, fmt.Errorf("proposal %s: %w", id, err)
	}
	return it.Proposal, nil
}

// ListProposals returns a programme's proposals, newest first.
func (s *Store) ListProposals(ctx context.Context, programmeID string) ([]Proposal, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "PROPOSAL#", "proposal", func(it proposalItem) Proposal { return it.Proposal })
	if err != nil {
		return nil, fmt.Errorf("list proposals of %s: %w", programmeID, err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

func statusIs(st ...ProposalStatus) expression.ConditionBuilder {
	c := expression.Name("status").Equal(expression.Value(st[0]))
	for _, x := range st[1:] {
		c = c.Or(expression.Name("status").Equal(expression.Value(x)))
	}
	return c
}

// updateRunning applies upd to a proposal that is still running, and
// returns ErrConflict once it is not (another delivery finished it).
func (s *Store) updateRunning(ctx context.Context, programmeID, id string, upd expression.UpdateBuilder, what string) error {
	cond := statusIs(ProposalRunning)
	if err := s.update(ctx, programmePK(programmeID), proposalSK(id), upd, &cond, ErrConflict, nil); err != nil {
		return fmt.Errorf("%s %s: %w", what, id, err)
	}
	return nil
}

// ProposalProgress records how far a running proposal, or an approval
// starting its pairs, is; it returns ErrConflict once the proposal is
// neither (the work finished, or another delivery finished it).
func (s *Store) ProposalProgress(ctx context.Context, programmeID, id, stage string, done, total int, now time.Time) error {
	upd := expression.Set(expression.Name("stage"), expression.Value(stage)).
		Set(expression.Name("done"), expression.Value(done)).
		Set(expression.Name("total"), expression.Value(total)).
		Set(expression.Name("updated_at"), expression.Value(now))
	cond := statusIs(ProposalRunning, ProposalApproving)
	if err := s.update(ctx, programmePK(programmeID), proposalSK(id), upd, &cond, ErrConflict, nil); err != nil {
		return fmt.Errorf("progress of proposal %s: %w", id, err)
	}
	return nil
}

// FinishProposal stores a run's result and marks the proposal ready. The
// result is written before the status changes, so a ready proposal always
// has its whole result. A second run of the same proposal (a redelivered
// invocation) gets ErrConflict and changes nothing visible.
func (s *Store) FinishProposal(ctx context.Context, programmeID, id string, sum ProposalSummary, result any, now time.Time) error {
	parts, err := s.putBlob(ctx, programmePK(programmeID), proposalBlobSK(id), result)
	if err != nil {
		return fmt.Errorf("finish proposal %s: %w", id, err)
	}
	upd := expression.Set(expression.Name("status"), expression.Value(ProposalReady)).
		Set(expression.Name("pairs"), expression.Value(sum.Pairs)).
		Set(expression.Name("unmatched"), expression.Value(sum.Unmatched)).
		Set(expression.Name("warnings"), expression.Value(sum.Warnings)).
		Set(expression.Name("total_score"), expression.Value(sum.TotalScore)).
		Set(expression.Name("max_score"), expression.Value(sum.MaxScore)).
		Set(expression.Name("parts"), expression.Value(parts)).
		Set(expression.Name("finished_at"), expression.Value(now)).
		Set(expression.Name("updated_at"), expression.Value(now))
	return s.updateRunning(ctx, programmeID, id, upd, "finish proposal")
}

// FailProposal marks a running proposal failed, saying why.
func (s *Store) FailProposal(ctx context.Context, programmeID, id, reason string, now time.Time) error {
	upd := expression.Set(expression.Name("status"), expression.Value(ProposalFailed)).
		Set(expression.Name("error"), expression.Value(reason)).
		Set(expression.Name("finished_at"), expression.Value(now)).
		Set(expression.Name("updated_at"), expression.Value(now))
	return s.updateRunning(ctx, programmeID, id, upd, "fail proposal")
}

// ProposalResult reads a ready proposal's result into out.
func (s *Store) ProposalResult(ctx context.Context, p Proposal, out any) error {
	if p.Parts == 0 {
		return fmt.Errorf("result of proposal %s: %w", p.ID, ErrNotFound)
	}
	if err := s.getBlob(ctx, programmePK(p.ProgrammeID), proposalBlobSK(p.ID), p.Parts, out); err != nil {
		return fmt.Errorf("result of proposal %s: %w", p.ID, err)
	}
	return nil
}

// SetProposalLocks replaces the locks of a proposal under review, if
// nobody changed them since version was read and the proposal is still
// ready and not superseded; ErrConflict otherwise.
func (s *Store) SetProposalLocks(ctx context.Context, programmeID, id string, locks []EmailPair, version int, now time.Time) (Proposal, error) {
	if len(locks) > MaxLocks {
		return Proposal{}, fmt.Errorf("lock more than %d pairs: %w", MaxLocks, ErrConflict)
	}
	var upd expression.UpdateBuilder
	if len(locks) == 0 {
		upd = expression.Remove(expression.Name("locks"))
	} else {
		upd = expression.Set(expression.Name("locks"), expression.Value(locks))
	}
	upd = upd.Set(expression.Name("version"), expression.Value(version+1)).
		Set(expression.Name("updated_at"), expression.Value(now))
	cond := statusIs(ProposalReady).
		And(expression.Name("version").Equal(expression.Value(version))).
		And(expression.AttributeNotExists(expression.Name("superseded_by")))
	var it proposalItem
	if err := s.update(ctx, programmePK(programmeID), proposalSK(id), upd, &cond, ErrConflict, &it); err != nil {
		return Proposal{}, fmt.Errorf("lock pairs of proposal %s: %w", id, err)
	}
	return it.Proposal, nil
}

// SupersedeProposal records that child re-solves proposal id. Only a ready
// or failed proposal that no re-solve replaced yet can be superseded. It
// returns the proposal as it is afterwards: when another re-solve won,
// SupersededBy names that one, and the caller shows it instead of forking
// the review.
func (s *Store) SupersedeProposal(ctx context.Context, programmeID, id, child string, now time.Time) (Proposal, error) {
	upd := expression.Set(expression.Name("superseded_by"), expression.Value(child)).
		Set(expression.Name("updated_at"), expression.Value(now))
	cond := statusIs(ProposalReady, ProposalFailed).
		And(expression.AttributeNotExists(expression.Name("superseded_by")).
			Or(expression.Name("superseded_by").Equal(expression.Value(child))))
	var it proposalItem
	err := s.update(ctx, programmePK(programmeID), proposalSK(id), upd, &cond, ErrConflict, &it)
	if errors.Is(err, ErrConflict) {
		cur, gerr := s.GetProposal(ctx, programmeID, id)
		if gerr != nil {
			return Proposal{}, gerr
		}
		if cur.Superseded() {
			return cur, nil
		}
		return cur, fmt.Errorf("re-solve proposal %s (%s): %w", id, cur.Status, ErrConflict)
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("re-solve proposal %s: %w", id, err)
	}
	return it.Proposal, nil
}

// BeginApproval moves a ready, current proposal to approving and records
// who approved it and when. Approving a proposal already approving or
// approved returns it as stored, so a repeated approval finishes the first
// one's work with the first one's time; anything else is ErrConflict.
func (s *Store) BeginApproval(ctx context.Context, programmeID, id, by string, at time.Time) (Proposal, error) {
	upd := expression.Set(expression.Name("status"), expression.Value(ProposalApproving)).
		Set(expression.Name("approved_by"), expression.Value(by)).
		Set(expression.Name("approved_at"), expression.Value(at)).
		Set(expression.Name("updated_at"), expression.Value(at))
	cond := statusIs(ProposalReady).And(expression.AttributeNotExists(expression.Name("superseded_by")))
	var it proposalItem
	err := s.update(ctx, programmePK(programmeID), proposalSK(id), upd, &cond, ErrConflict, &it)
	if errors.Is(err, ErrConflict) {
		cur, gerr := s.GetProposal(ctx, programmeID, id)
		if gerr != nil {
			return Proposal{}, gerr
		}
		if cur.Status == ProposalApproving || cur.Status == ProposalApproved {
			return cur, nil
		}
		return cur, fmt.Errorf("approve proposal %s (%s): %w", id, cur.Status, ErrConflict)
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("approve proposal %s: %w", id, err)
	}
	return it.Proposal, nil
}

// AssignRound gives an approving proposal the programme's next round
// number, once. The counter remembers the last proposal it numbered, so
// two approvals of one proposal racing each other take one number between
// them; a repeated call returns the round already assigned.
func (s *Store) AssignRound(ctx context.Context, programmeID, id string) (Proposal, error) {
	cur, err := s.GetProposal(ctx, programmeID, id)
	if err != nil || cur.Round > 0 {
		return cur, err
	}
	var r roundsItem
	add := expression.Add(expression.Name("rounds"), expression.Value(1)).
		Set(expression.Name("last_proposal"), expression.Value(id)).
		Set(expression.Name("type"), expression.Value(typeRounds))
	cond := expression.AttributeNotExists(expression.Name("last_proposal")).
		Or(expression.Name("last_proposal").NotEqual(expression.Value(id)))
	err = s.update(ctx, programmePK(programmeID), "ROUNDS", add, &cond, ErrConflict, &r)
	if errors.Is(err, ErrConflict) {
		// This proposal took the last number a moment ago.
		err = s.get(ctx, programmePK(programmeID), "ROUNDS", &r)
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("next round of %s: %w", programmeID, err)
	}
	upd := expression.Set(expression.Name("round"), expression.Value(r.Rounds))
	zero := expression.Name("round").Equal(expression.Value(0))
	var it proposalItem
	err = s.update(ctx, programmePK(programmeID), proposalSK(id), upd, &zero, ErrConflict, &it)
	if errors.Is(err, ErrConflict) {
		return s.GetProposal(ctx, programmeID, id)
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("round of proposal %s: %w", id, err)
	}
	return it.Proposal, nil
}

// FinishApproval marks an approving proposal approved.
func (s *Store) FinishApproval(ctx context.Context, programmeID, id string, now time.Time) error {
	upd := expression.Set(expression.Name("status"), expression.Value(ProposalApproved)).
		Set(expression.Name("updated_at"), expression.Value(now))
	cond := statusIs(ProposalApproving, ProposalApproved)
	if err := s.update(ctx, programmePK(programmeID), proposalSK(id), upd, &cond, ErrConflict, nil); err != nil {
		return fmt.Errorf("finish approval of proposal %s: %w", id, err)
	}
	return nil
}
