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
	// ConcernReorg: a reorganisation put a live pair's two people inside
	// one reporting line (shared/guard); the status shows the chain. It
	// heads the list: the off-line rule is broken until the coordinator
	// ends the pair.
	ConcernReorg ConcernKind = "reorg"
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
	// ConcernUnclear: someone replied, but their latest reply could not be
	// read for an answer or a command. They were told how to answer; the
	// coordinator sees only that they tried, never what they wrote.
	ConcernUnclear ConcernKind = "unclear"
)

// ConcernKinds lists the kinds in the order the attention list shows them.
var ConcernKinds = []ConcernKind{ConcernReorg, ConcernStalled, ConcernUnresponsive, ConcernRematch, ConcernFlagged, ConcernAddress, ConcernQuarantine, ConcernUnclear}

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
	// Quarantined is the kept message a quarantine concern is about (its
	// sender and why it was kept, never what it says).
	Quarantined *store.Quarantined
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
	// Who has gone silent, among the people Upward can still reach (someone
	// who cannot be mailed is listed for their address instead).
	silences := map[string]silence{} // by pair and role
	for _, s := range m.sides {
		p := m.people[s.person]
		if _, suppressed := ex.Suppressed[strings.ToLower(p.Email)]; suppressed || !p.Status.Mailable() {
			continue
		}
		if sl, ok := silent(s); ok {
			silences[s.pair.ID+"#"+string(s.role)] = sl
		}
	}
	var out []Concern
	for _, p := range in.Pairs {
		out = append(out, m.pairConcerns(p, silences)...)
	}
	for _, s := range m.sides {
		// A stalled pair's silences are told on the pair's own line.
		if sl, ok := silences[s.pair.ID+"#"+string(s.role)]; ok && !m.stalled(*s.pair) {
			out = append(out, Concern{Kind: ConcernUnresponsive, PairID: s.pair.ID, ParticipantID: s.person,
				Status: sl.status() + ".", Since: sl.since, Urgent: sl.n > UnresponsiveAfter})
		}
	}
	out = append(out, m.addressConcerns(ex.Suppressed)...)
	byEmail := map[string]string{}
	for _, p := range in.Participants {
		byEmail[strings.ToLower(p.Email)] = p.ID
	}
	for _, q := range ex.Quarantined {
		if q.ProgrammeID != in.Programme.ID || !q.ReleasedAt.IsZero() {
			continue
		}
		c := Concern{Kind: ConcernQuarantine, ParticipantID: byEmail[strings.ToLower(strings.TrimSpace(q.From))],
			Status: "Quarantined: " + q.Reason, Since: q.ReceivedAt, Urgent: true, Quarantined: &q}
		if q.SenderUnknown && q.ParticipantID != "" {
			c.ParticipantID = q.ParticipantID
			c.Status = "A reply to their email came from " + q.From + ", not from their address, so it was not recorded. They were told how to answer; you may release this one reply, or add the address as theirs."
		}
		out = append(out, c)
	}
	for _, p := range in.Participants {
		if !p.UnclearAt.IsZero() && p.Status.Mailable() {
			out = append(out, Concern{Kind: ConcernUnclear, ParticipantID: p.ID,
				Status: "Replied, but the reply could not be read for an answer; they were told how to answer.", Since: p.UnclearAt})
		}
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

func (m *model) stalled(p programme.Pair) bool {
	st, _ := m.stall(p)
	return st
}

func (m *model) pairConcerns(p programme.Pair, silences map[string]silence) []Concern {
	var out []Concern
	if c, ok := reorgConcern(p); ok {
		out = append(out, c)
	}
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
		sen, senSilent := silences[p.ID+"#"+string(programme.Senior)]
		jun, junSilent := silences[p.ID+"#"+string(programme.Junior)]
		switch {
		case senSilent && junSilent && sen == jun:
			c.Status += " " + sen.phrase("") + "."
		case senSilent && junSilent:
			c.Status += " " + sen.phrase("The senior") + "; " + jun.phrase("the junior") + "."
		case senSilent:
			c.Status += " " + sen.phrase("The senior") + "."
		case junSilent:
			c.Status += " " + jun.phrase("The junior") + "."
		}
		out = append(out, c)
	}
	// A REMATCH reply ends the pair at once; in a one-cohort programme it
	// stays flagged until the coordinator has paired both again.
	rematch := p.RematchRequestedBy != "" && (p.State.Live() || (p.State == programme.PairRematched && p.Attention))
	if rematch {
		role := "junior"
		if p.RematchRequestedBy == p.SeniorID {
			role = "senior"
		}
		c := Concern{Kind: ConcernRematch, PairID: p.ID, ParticipantID: p.RematchRequestedBy, Urgent: true,
			Status: fmt.Sprintf("The %s asked for a new partner.", role), Since: p.RematchRequestedAt}
		if !p.State.Live() {
			c.Status = fmt.Sprintf("The %s asked for a new partner; the pair has ended and both wait for a new one.", role)
		}
		out = append(out, c)
	}
	covered := strings.HasPrefix(p.AttentionReason, stallReasonPrefix) || (rematch && strings.HasPrefix(p.AttentionReason, "Rematch requested"))
	if p.Attention && !covered {
		reason := p.AttentionReason
		if reason == "" {
			reason = "Flagged for attention"
		}
		out = append(out, Concern{Kind: ConcernFlagged, PairID: p.ID, Status: strings.TrimSuffix(reason, ".") + ".", Since: p.UpdatedAt})
	}
	return out
}

// silence is someone's run of unanswered check-ins, latest first.
type silence struct {
	n     int       // unanswered check-ins in a row, up to the latest
	last  int       // the last cycle they answered (0: none)
	since time.Time // when the first unanswered one went out
}

// phrase says it of someone ("The senior has not answered the last 2
// check-ins …"), or of both when who is "" ("Neither has answered …").
func (s silence) phrase(who string) string {
	switch {
	case who == "" && s.last == 0:
		return fmt.Sprintf("Neither has answered any of %d check-ins", s.n)
	case who == "":
		return fmt.Sprintf("Neither has answered the last %d check-ins (last answered: check-in %d)", s.n, s.last)
	case s.last == 0:
		return fmt.Sprintf("%s has answered none of %d check-ins", who, s.n)
	}
	return fmt.Sprintf("%s has not answered the last %d check-ins (last answered: check-in %d)", who, s.n, s.last)
}

func (s silence) status() string {
	if s.last == 0 {
		return fmt.Sprintf("No answer to any of %d check-ins", s.n)
	}
	return fmt.Sprintf("No answer to the last %d check-ins (last answered: check-in %d)", s.n, s.last)
}

// silent finds someone in an active pair whose latest check-ins all went
// unanswered.
func silent(s side) (silence, bool) {
	if s.pair.State != programme.PairActive {
		return silence{}, false
	}
	var sl silence
	for i := len(s.asks) - 1; i >= 0; i-- {
		if s.asks[i].answered {
			sl.last = s.asks[i].cycle
			break
		}
		sl.n++
	}
	if sl.n < UnresponsiveAfter {
		return silence{}, false
	}
	sl.since = s.asks[len(s.asks)-sl.n].at
	return sl, true
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

// reorgConcern is a live pair the reorganisation guard found inside one
// reporting line, with the chain that links them. Reporting lines are the
// organisation's own data, not anything a participant wrote.
func reorgConcern(p programme.Pair) (Concern, bool) {
	if !p.State.Live() || len(p.ReorgChain) == 0 {
		return Concern{}, false
	}
	return Concern{Kind: ConcernReorg, PairID: p.ID, Urgent: true, Since: p.ReorgAt,
		Status: "Now in one reporting line: " + strings.Join(p.ReorgChain, " → ") + "."}, true
}
