package health

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// ConcernKind is why something is on the attention list.
type ConcernKind string

const (
	// ConcernStalled: an active pair stopped meeting (see Figures' states).
	ConcernStalled ConcernKind = "stalled"
	// ConcernRematch: someone in a live pair replied REMATCH.
	ConcernRematch ConcernKind = "rematch"
	// ConcernFlagged: the pair was put on the list for another reason, such
	// as one of the two stopping all email.
	ConcernFlagged ConcernKind = "flagged"
	// ConcernUnresponsive: someone in an active pair answered none of their
	// last UnresponsiveAfter check-ins.
	ConcernUnresponsive ConcernKind = "unresponsive"
	// ConcernAddress: a participant's address bounced or complained, so
	// email to them is suppressed.
	ConcernAddress ConcernKind = "address"
	// ConcernQuarantine: a reply for the programme was quarantined.
	ConcernQuarantine ConcernKind = "quarantine"
)

// ConcernKinds lists the kinds in the order the attention list shows them.
var ConcernKinds = []ConcernKind{ConcernStalled, ConcernUnresponsive, ConcernRematch, ConcernFlagged, ConcernAddress, ConcernQuarantine}

// UnresponsiveAfter is how many unanswered check-ins in a row make someone
// unresponsive.
const UnresponsiveAfter = 2

// Concern is one thing on the attention list: who or which pair, and its
// status in words. It never carries what anyone wrote.
type Concern struct {
	Kind          ConcernKind
	PairID        string // "" when not about a pair
	ParticipantID string // "" when about the pair as a whole
	Status        string
	Since         time.Time
	// Urgent concerns are listed first within their kind: a stalled pair
	// the nudge did not help, rather than one that was just nudged.
	Urgent bool
}

// Extras are the inputs only the attention list needs.
type Extras struct {
	// Suppressed holds the suppression entries of participants' addresses,
	// by lower-case address.
	Suppressed map[string]store.Suppression
	// Quarantined may include other programmes' entries; only this
	// programme's are used.
	Quarantined []store.Quarantined
}

// stallReasonPrefix starts the tick's reasons for flagging a stalled pair;
// the derived stall covers those.
const stallReasonPrefix = "No "

// Concerns lists what needs the coordinator's attention, kind by kind.
func Concerns(in Input, ex Extras) []Concern {
	m := build(in)
	var out []Concern
	for _, p := range in.Pairs {
		out = append(out, m.pairConcerns(p)...)
	}
	for _, s := range m.sides {
		// Someone who cannot be mailed is listed for their address instead.
		p := m.people[s.person]
		if _, suppressed := ex.Suppressed[strings.ToLower(p.Email)]; suppressed || !p.Status.Mailable() {
			continue
		}
		if c, ok := unresponsive(s); ok {
			out = append(out, c)
		}
	}
	out = append(out, m.addressConcerns(ex.Suppressed)...)
	byEmail := map[string]string{}
	for _, p := range in.Participants {
		byEmail[strings.ToLower(p.Email)] = p.ID
	}
	for _, q := range ex.Quarantined {
		if q.ProgrammeID != in.Programme.ID {
			continue
		}
		out = append(out, Concern{Kind: ConcernQuarantine, ParticipantID: byEmail[strings.ToLower(strings.TrimSpace(q.From))],
			Status: "Quarantined: " + q.Reason, Since: q.ReceivedAt, Urgent: true})
	}
	rank := map[ConcernKind]int{}
	for i, k := range ConcernKinds {
		rank[k] = i
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Kind != b.Kind {
			return rank[a.Kind] < rank[b.Kind]
		}
		if a.Urgent != b.Urgent {
			return a.Urgent
		}
		return a.Since.Before(b.Since)
	})
	return out
}

func (m *model) pairConcerns(p programme.Pair) []Concern {
	var out []Concern
	if stalled, n := m.stall(p); stalled {
		c := Concern{Kind: ConcernStalled, PairID: p.ID, Urgent: n >= 1}
		if p.LastMetAt.IsZero() {
			c.Status = "No meeting reported yet"
		} else {
			c.Status = "No meeting reported since " + p.LastMetAt.Format("2 Jan 2006")
			c.Since = p.LastMetAt
		}
		if n == 0 {
			c.Status += "; the senior has just been nudged."
		} else {
			c.Status += "; still stalled after the nudge."
		}
		out = append(out, c)
	}
	if p.State.Live() && p.RematchRequestedBy != "" {
		role := "junior"
		if p.RematchRequestedBy == p.SeniorID {
			role = "senior"
		}
		out = append(out, Concern{Kind: ConcernRematch, PairID: p.ID, ParticipantID: p.RematchRequestedBy, Urgent: true,
			Status: fmt.Sprintf("The %s asked for a new partner on %s.", role, p.RematchRequestedAt.Format("2 Jan 2006")), Since: p.RematchRequestedAt})
	}
	covered := strings.HasPrefix(p.AttentionReason, stallReasonPrefix) || strings.HasPrefix(p.AttentionReason, "Rematch requested")
	if p.Attention && !covered {
		reason := p.AttentionReason
		if reason == "" {
			reason = "Flagged for attention"
		}
		out = append(out, Concern{Kind: ConcernFlagged, PairID: p.ID, Status: reason + ".", Since: p.UpdatedAt})
	}
	return out
}

// unresponsive finds someone in an active pair whose latest check-ins all
// went unanswered.
func unresponsive(s side) (Concern, bool) {
	if s.pair.State != programme.PairActive {
		return Concern{}, false
	}
	silent, last := 0, 0
	for i := len(s.asks) - 1; i >= 0; i-- {
		if s.asks[i].answered {
			last = s.asks[i].cycle
			break
		}
		silent++
	}
	if silent < UnresponsiveAfter {
		return Concern{}, false
	}
	status := fmt.Sprintf("No answer to the last %d check-ins", silent)
	if last == 0 {
		status = fmt.Sprintf("No answer to any of %d check-ins", silent)
	} else {
		status += fmt.Sprintf(" (last answered: check-in %d)", last)
	}
	first := s.asks[len(s.asks)-silent]
	return Concern{Kind: ConcernUnresponsive, PairID: s.pair.ID, ParticipantID: s.person, Status: status + ".",
		Since: first.at, Urgent: silent > UnresponsiveAfter}, true
}

func (m *model) addressConcerns(sup map[string]store.Suppression) []Concern {
	var out []Concern
	for _, p := range m.in.Participants {
		c := Concern{Kind: ConcernAddress, ParticipantID: p.ID, Urgent: true}
		s, suppressed := sup[strings.ToLower(p.Email)]
		switch {
		case p.MailProblem != "":
			// A hard bounce or a complaint, as SES reported it.
			c.Status, c.Since = "No email is sent to this person: "+strings.TrimSuffix(p.MailProblem, ".")+".", p.MailProblemAt
		case p.Status == programme.Stopped || p.Status == programme.Declined:
			continue // they left; their pairs are flagged on their own
		case suppressed:
			// Suppressed before this programme heard of it (another
			// programme, an earlier address owner).
			c.Status, c.Since = "No email is sent to this address: "+s.Reason+".", s.At
		case p.Status == programme.Bounced:
			c.Status, c.Since = "Email to this address bounced.", p.UpdatedAt
		default:
			continue
		}
		out = append(out, c)
	}
	return out
}
