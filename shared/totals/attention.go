package totals

import (
	"fmt"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
)

// The attention list's order: kind by kind (a reorganisation first), the
// urgent before the rest, the oldest first. The list is paged through an
// index of the summaries that need attention, each under its most urgent
// concern's key (AttentionKey); shared/health words each concern.

// Concern kinds in the attention list's order (shared/health names them).
const (
	AttnReorg = iota
	AttnStalled
	AttnUnresponsive
	AttnRematch
	AttnFlagged
	AttnAddress
	AttnQuarantine
	AttnUnclear
)

// AttnKinds are the kinds' names, in order, as shared/health names them.
var AttnKinds = []string{"reorg", "stalled", "unresponsive", "rematch", "flagged", "address", "quarantine", "unclear"}

// Attention is the counter of index entries whose most urgent concern is
// of kind k.
func Attention(k int) string { return "attn." + AttnKinds[k] }

// unresponsiveAfter is how many unanswered check-ins in a row make someone
// unresponsive (health.UnresponsiveAfter).
const unresponsiveAfter = 2

// stallReasonPrefix starts the tick's reasons for flagging a stalled pair;
// the derived stall covers those.
const stallReasonPrefix = "No "

// PairFacts are what the attention list needs of a pair beyond its counts.
type PairFacts struct {
	Reorg     bool      `dynamodbav:"reorg,omitempty"`
	ReorgAt   time.Time `dynamodbav:"reorg_at,omitempty"`
	Rematch   bool      `dynamodbav:"rematch,omitempty"`
	RematchAt time.Time `dynamodbav:"rematch_at,omitempty"`
	// Flagged: on the list for a reason no other concern covers.
	Flagged   bool      `dynamodbav:"flagged,omitempty"`
	UpdatedAt time.Time `dynamodbav:"updated_at,omitempty"`
	LastMetAt time.Time `dynamodbav:"last_met_at,omitempty"`
	// Unreachable: roles email no longer reaches (stopped, bounced, on the
	// suppression list): their silence is told as an address instead.
	Unreachable map[programme.Role]bool `dynamodbav:"unreachable,omitempty"`
}

func pairFacts(p programme.Pair, unreachable map[programme.Role]bool) PairFacts {
	f := PairFacts{UpdatedAt: p.UpdatedAt, LastMetAt: p.LastMetAt, Unreachable: unreachable}
	if p.State.Live() && len(p.ReorgChain) > 0 {
		f.Reorg, f.ReorgAt = true, p.ReorgAt
	}
	rematch := p.RematchRequestedBy != "" && (p.State.Live() || (p.State == programme.PairRematched && p.Attention))
	if rematch {
		f.Rematch, f.RematchAt = true, p.RematchRequestedAt
	}
	covered := strings.HasPrefix(p.AttentionReason, stallReasonPrefix) || (rematch && strings.HasPrefix(p.AttentionReason, "Rematch requested"))
	f.Flagged = p.Attention && !covered
	return f
}

// SetReachable records whether email still reaches role.
func (s *Pair) SetReachable(role programme.Role, ok bool) {
	if ok {
		delete(s.Facts.Unreachable, role)
		if len(s.Facts.Unreachable) == 0 {
			s.Facts.Unreachable = nil
		}
		return
	}
	if s.Facts.Unreachable == nil {
		s.Facts.Unreachable = map[programme.Role]bool{}
	}
	s.Facts.Unreachable[role] = true
}

// concern is one entry's place in the list.
type concern struct {
	kind   int
	urgent bool
	since  time.Time
}

func (c concern) before(o concern) bool {
	if c.kind != o.kind {
		return c.kind < o.kind
	}
	if c.urgent != o.urgent {
		return c.urgent
	}
	return c.since.Before(o.since)
}

// key is the concern's sort key in the index, then id for uniqueness.
func (c concern) key(id string) string {
	u := 1
	if c.urgent {
		u = 0
	}
	return fmt.Sprintf("%d#%d#%s#%s", c.kind, u, c.since.UTC().Format(keyTime), id)
}

// keyTime sorts as text in time order (fixed width; the zero time first).
const keyTime = "2006-01-02T15:04:05.000000000Z"

// AttentionKey is a sort key for a concern found elsewhere (a quarantined
// reply), in the index's order.
func AttentionKey(kind int, urgent bool, since time.Time, id string) string {
	return concern{kind, urgent, since}.key(id)
}

func first(cs []concern) (concern, bool) {
	if len(cs) == 0 {
		return concern{}, false
	}
	best := cs[0]
	for _, c := range cs[1:] {
		if c.before(best) {
			best = c
		}
	}
	return best, true
}

// silence is a side's run of unanswered asks, latest first.
func (s Pair) silence(role programme.Role) (n int, since time.Time) {
	latest := 0
	for key := range s.Asks {
		if r, k := splitSideKey(key); r == role && k > latest {
			latest = k
		}
	}
	for k := latest; k >= 1; k-- {
		key := SideKey(role, k)
		a, asked := s.Asks[key]
		if !asked {
			continue // held during a pause
		}
		if s.answered(key) {
			break
		}
		n, since = n+1, a.At
	}
	return n, since
}

func (s Pair) concerns() []concern {
	if !s.Exists {
		return nil
	}
	var out []concern
	f := s.Facts
	if f.Reorg {
		out = append(out, concern{AttnReorg, true, f.ReorgAt})
	}
	stalled := s.Stalled()
	if stalled {
		_, n := programme.Pair{LastMetCycle: s.LastMetCycle, ResumedCycle: s.ResumedCycle}.StallAt(s.SeniorLatest)
		out = append(out, concern{AttnStalled, n >= 1, f.LastMetAt})
	}
	if s.State == programme.PairActive && !stalled {
		for _, role := range []programme.Role{programme.Senior, programme.Junior} {
			if f.Unreachable[role] {
				continue
			}
			if n, since := s.silence(role); n >= unresponsiveAfter {
				out = append(out, concern{AttnUnresponsive, n > unresponsiveAfter, since})
			}
		}
	}
	if f.Rematch {
		out = append(out, concern{AttnRematch, true, f.RematchAt})
	}
	if f.Flagged {
		out = append(out, concern{AttnFlagged, false, f.UpdatedAt})
	}
	return out
}

// AttentionKey is the pair's place in the attention index ("" when it
// needs no attention): its most urgent concern's key.
func (s Pair) AttentionKey(pairID string) string {
	if c, ok := first(s.concerns()); ok {
		return c.key(pairID)
	}
	return ""
}

// PersonFacts are what the attention list needs of a participant.
type PersonFacts struct {
	MailProblem   bool      `dynamodbav:"mail_problem,omitempty"`
	MailProblemAt time.Time `dynamodbav:"mail_problem_at,omitempty"`
	// Suppressed: their address is on the suppression list (perhaps from
	// another programme), since SuppressedAt.
	Suppressed   bool      `dynamodbav:"suppressed,omitempty"`
	SuppressedAt time.Time `dynamodbav:"suppressed_at,omitempty"`
	UpdatedAt    time.Time `dynamodbav:"updated_at,omitempty"`
	UnclearAt    time.Time `dynamodbav:"unclear_at,omitempty"`
}

// SetSuppressed records whether their address is on the suppression list.
func (s *Person) SetSuppressed(ok bool, at time.Time) {
	s.Facts.Suppressed, s.Facts.SuppressedAt = ok, at
	if !ok {
		s.Facts.SuppressedAt = time.Time{}
	}
}

// Reachable reports whether email still reaches them.
func (s Person) Reachable() bool {
	return s.Enrolled && s.Status.Mailable() && !s.Facts.Suppressed
}

func (s Person) concerns() []concern {
	if !s.Enrolled {
		return nil
	}
	var out []concern
	f := s.Facts
	switch {
	case f.MailProblem:
		out = append(out, concern{AttnAddress, true, f.MailProblemAt})
	case s.Status == programme.Stopped || s.Status == programme.Declined:
	case f.Suppressed:
		out = append(out, concern{AttnAddress, true, f.SuppressedAt})
	case s.Status == programme.Bounced:
		out = append(out, concern{AttnAddress, true, f.UpdatedAt})
	}
	if !f.UnclearAt.IsZero() && s.Status.Mailable() {
		out = append(out, concern{AttnUnclear, false, f.UnclearAt})
	}
	return out
}

// AttentionKey is the person's place in the attention index ("" when they
// need no attention of their own).
func (s Person) AttentionKey(participantID string) string {
	if c, ok := first(s.concerns()); ok {
		return c.key(participantID)
	}
	return ""
}

// attentionCount adds one to the counter of the entry's kind.
func attentionCount(v Vector, cs []concern) {
	if c, ok := first(cs); ok {
		v.N[Attention(c.kind)] = 1
	}
}
