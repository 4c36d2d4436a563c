// Package review runs a coordinator's review of proposed matches: it
// loads what a programme's matching needs (the opted-in people, the
// organisation's org chart, earlier pairs from any programme, the
// programme's never-pair list, the locks), runs the matcher and stores the
// result with progress as it goes, keeps locks and forbids across
// re-solves, checks hand-made pairs against the hard rules, and turns an
// approved proposal into pairs started by schedule.Approve.
//
// Decisions the issue left open:
//
//   - A re-solve creates a new proposal (Parent → SupersededBy) instead of
//     rewriting the old one's result, so a page always shows the pairs it
//     was reviewing and a result is written exactly once.
//   - Locks belong to the review: they are stored on the proposal and
//     carried to each re-solve.
//   - Forbid is permanent for the programme: it puts the pair on the
//     programme's never-pair list, which every later proposal honours,
//     until the coordinator allows the pair again from the review page.
//     A struck-out pair is a fact about two people ("they share a
//     manager's confidence", "they fell out"), not about one run.
//   - Pairing by hand is a lock: the pair is checked with Matcher.Check
//     against the current rules, then the rest is re-solved around it.
//   - Anyone already in a live pair of the programme is left out of a new
//     proposal.
package review

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// Store is what the review needs from the table.
type Store interface {
	schedule.ApproveStore
	GetProgramme(ctx context.Context, id string) (programme.Programme, error)
	ListParticipants(ctx context.Context, programmeID string) ([]programme.Participant, error)
	ListPairs(ctx context.Context, programmeID string) ([]programme.Pair, error)

	CreateProposal(ctx context.Context, p store.Proposal) error
	GetProposal(ctx context.Context, programmeID, id string) (store.Proposal, error)
	ListProposals(ctx context.Context, programmeID string) ([]store.Proposal, error)
	ProposalProgress(ctx context.Context, programmeID, id, stage string, done, total int, now time.Time) error
	FinishProposal(ctx context.Context, programmeID, id string, sum store.ProposalSummary, result any, now time.Time) error
	FailProposal(ctx context.Context, programmeID, id, reason string, now time.Time) error
	ProposalResult(ctx context.Context, p store.Proposal, out any) error
	SetProposalLocks(ctx context.Context, programmeID, id string, locks []store.EmailPair, version int, now time.Time) (store.Proposal, error)
	SupersedeProposal(ctx context.Context, programmeID, id, child string, now time.Time) (store.Proposal, error)
	BeginApproval(ctx context.Context, programmeID, id, by string, at time.Time) (store.Proposal, error)
	AssignRound(ctx context.Context, programmeID, id string) (store.Proposal, error)
	FinishApproval(ctx context.Context, programmeID, id string, now time.Time) error

	AddNeverPair(ctx context.Context, programmeID string, n store.NeverPair) error
	RemoveNeverPair(ctx context.Context, programmeID string, p store.EmailPair) error
	ListNeverPairs(ctx context.Context, programmeID string) ([]store.NeverPair, error)
	Histories(ctx context.Context, emails []string) (map[string]store.History, error)
	OrgChartLines(ctx context.Context) ([]store.OrgLine, store.OrgChart, error)
	// Participants' private preferences are hard rules (never shown); an
	// approval asks the reorganisation guard to check the new pairs too.
	ListNotWith(ctx context.Context, programmeID string) ([]store.NotWith, error)
	MarkGuardDue(ctx context.Context, programmeID string, now time.Time) error
	// NewCounter counts an approval's running totals, one writer per
	// counter shard.
	NewCounter(ctx context.Context) *store.Counter
}

var _ Store = (*store.Store)(nil)

// Service is the review's logic; the web pages and the match function
// share it.
type Service struct {
	Store Store
	// Queue takes the introductions on approval; the match function, which
	// never approves, leaves it nil.
	Queue sendqueue.Queue
	Clock clock.Clock
	Log   *slog.Logger
	// Heartbeat is how often a running proposal's progress is written
	// (default 2s); StallAfter is how long without one before the page
	// calls the run stopped (default 3 minutes).
	Heartbeat  time.Duration
	StallAfter time.Duration
}

func (s *Service) heartbeat() time.Duration {
	if s.Heartbeat > 0 {
		return s.Heartbeat
	}
	return 2 * time.Second
}

func (s *Service) stallAfter() time.Duration {
	if s.StallAfter > 0 {
		return s.StallAfter
	}
	return 3 * time.Minute
}

// Stalled reports whether a running proposal stopped writing progress, or
// an approval stopped half-way: the work was killed (out of time or
// memory, a restart) without a chance to say so.
func (s *Service) Stalled(p store.Proposal) bool {
	busy := p.Status == store.ProposalRunning || p.Status == store.ProposalApproving
	return busy && s.Clock.Now().Sub(p.UpdatedAt) > s.stallAfter()
}

// Job names a proposal to run: the match function's event.
type Job struct {
	ProgrammeID string `json:"programme_id"`
	ProposalID  string `json:"proposal_id"`
	// Action is empty to match, ActionApprove to start the approved pairs.
	Action string `json:"action,omitempty"`
	// Cells is seniors × juniors (pairs × ApproveCellsPerPair for an
	// approval), for choosing where to run it.
	Cells int `json:"cells,omitempty"`
}

// Problem is bad input or a state that stops an action, in words for the
// coordinator; Kind is one of the Err values for errors.Is.
type Problem struct {
	Kind  error
	Field string // the form field it belongs next to, if any
	Msg   string
}

func (p *Problem) Error() string { return p.Msg }
func (p *Problem) Unwrap() error { return p.Kind }

func problem(kind error, field, msg string) error {
	return &Problem{Kind: kind, Field: field, Msg: msg}
}

// Kinds of Problem.
var (
	ErrNobody      = errors.New("nobody to match")
	ErrNotReady    = errors.New("proposal not ready")
	ErrSuperseded  = errors.New("proposal re-solved")
	ErrChanged     = errors.New("proposal changed meanwhile")
	ErrBadPair     = errors.New("not a pair of this proposal")
	ErrBrokenRule  = errors.New("pair breaks a hard rule")
	ErrStruckOut   = errors.New("proposal has struck-out pairs")
	ErrUnavailable = errors.New("people no longer available")
	ErrTooMany     = errors.New("too many locks")
	// ErrNowRuledOut: since the proposal was made, the org chart put a
	// pair inside one reporting line, or someone set a private preference
	// against a pair.
	ErrNowRuledOut = errors.New("pairs now ruled out")
)
