// Package lifecycle owns how a pair moves between states: which changes
// each state allows, what each change records on the pair, and which emails
// it causes. Replies, the tick, matching rounds, bounces and the
// coordinator's pages all change pairs through it and only through it, so
// a REMATCH by reply and "End for a rematch" on the attention list are one
// change with one outcome.
//
//	         pause                 end, finish, end round
//	active ─────────► paused       rematch, stop
//	  ▲  ◄─────────     │       live ───────────────────► ended, rematched,
//	  │     resume      │                                 stopped (final)
//	  └── stall, flag, handled: the state stays, the attention list changes
//	      reorg: the state stays, the reporting line that now links the two
//	      is recorded (or cleared); end reorg ends such a pair (→ rematched)
//
// Decide is the machine itself, a pure function; Service applies its
// decisions to the table and the send queue.
package lifecycle

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// Transition is a change to a pair.
type Transition string

const (
	// Pause holds check-ins until Until, or until resumed when Until is zero.
	Pause Transition = "pause"
	// Resume starts check-ins again.
	Resume Transition = "resume"
	// Stall puts a pair that stopped meeting or replying on the attention
	// list (the tick, after two silent check-ins).
	Stall Transition = "stall"
	// Flag puts a live pair on the attention list for another reason: an
	// address bounced, the org chart changed.
	Flag Transition = "flag"
	// Handled takes a pair off the attention list: the coordinator talked
	// it through and the pair carries on (a rematch request is dropped).
	Handled Transition = "handled"
	// End is a coordinator ending a pair.
	End Transition = "end"
	// Finish ends a pair when the programme ends (both closing surveys
	// have gone out).
	Finish Transition = "finish"
	// EndRound ends a rotation round's pair, with a thank-you to both.
	EndRound Transition = "end_round"
	// Rematch ends a pair so both can have new partners: asked for by one
	// of them, or by the coordinator. Nobody is blamed; the two are never
	// paired again.
	Rematch Transition = "rematch"
	// Stop ends the pairs of someone who stopped all programme email (or
	// whose data was erased); their partner is told kindly and paired again.
	Stop Transition = "stop"
	// Reorg records the reporting line that now links a live pair's two
	// people (Change.Chain), as the reorganisation guard (shared/guard)
	// found it after an org chart upload, an enrolment update or a manager
	// change; an empty chain says they are in no line of each other any
	// more. The pair carries on: only the coordinator ends it.
	Reorg Transition = "reorg"
	// EndReorg is the coordinator ending a pair a reorganisation put inside
	// one reporting line: both are told it is an organisational change,
	// nobody's doing, both wait for a new partner, and the two are never
	// paired again.
	EndReorg Transition = "end_reorg"
)

// ActorKind says who asks for a change.
type ActorKind string

const (
	ByParticipant ActorKind = "participant"
	ByCoordinator ActorKind = "coordinator"
	BySchedule    ActorKind = "schedule"
)

// Actor is who asks for a change: a participant (by id), a coordinator (by
// address) or the schedule.
type Actor struct {
	Kind ActorKind
	ID   string
}

// Participant, Coordinator and Schedule name actors.
func Participant(id string) Actor   { return Actor{Kind: ByParticipant, ID: id} }
func Coordinator(addr string) Actor { return Actor{Kind: ByCoordinator, ID: addr} }

// Schedule is the tick and the matching rounds.
var Schedule = Actor{Kind: BySchedule}

func (a Actor) String() string {
	if a.ID == "" {
		return string(a.Kind)
	}
	return string(a.Kind) + ":" + a.ID
}

// Change is one request to change a pair.
type Change struct {
	Transition Transition
	By         Actor
	At         time.Time
	// Until ends a pause (Pause; zero: until resumed).
	Until time.Time
	// Cycle is, for Resume, the check-in the stall count restarts from;
	// for EndRound, the round that ended.
	Cycle int
	// ResumedAt is, for Resume, when the first check-in sent again was
	// due (zero: At). A pause that ran out ends when the check-in was due,
	// not when the tick noticed.
	ResumedAt time.Time
	// Reason says why, for Stall and Flag (shown on the attention list).
	Reason string
	// Of is whose Stop it is (the participant who stopped, or whose data
	// is being erased); Erased says it is an erasure.
	Of     string
	Erased bool
	// Chain is, for Reorg, the reporting line that links the two, from the
	// one below to the one above; empty: none.
	Chain []string
}

// Outcome is what a change came to.
type Outcome int

const (
	// Changed: the pair was changed.
	Changed Outcome = iota + 1
	// AlreadyDone: the pair already is as the change would leave it;
	// nothing is written, and the change's emails are queued again only
	// if it was this same change (the ledger sends each once), so a
	// retried request finishes what an interrupted one began.
	AlreadyDone
	// Refused: the pair's state does not allow the change.
	Refused
)

func (o Outcome) String() string {
	switch o {
	case Changed:
		return "changed"
	case AlreadyDone:
		return "already done"
	case Refused:
		return "refused"
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}

// Effects are what a change causes besides the pair's own record.
type Effects struct {
	// Emails to queue.
	Emails []sendqueue.Job
	// NeverPair: the two are never paired again in this programme;
	// NeverPairSource says why on the list ("rematch" when empty).
	NeverPair       bool
	NeverPairSource string
}

// ErrInvalid is a change that lacks what its transition needs: a bug in
// the caller, never a state of the pair.
var ErrInvalid = errors.New("invalid pair change")

var live = []programme.PairState{programme.PairActive, programme.PairPaused}

// rule is one transition: the states it applies from and what it does.
type rule struct {
	from []programme.PairState
	// done reports that the pair already is as the change would leave it.
	done func(p programme.Pair, c Change) bool
	// same reports that the pair was left so by this very change, so its
	// emails are queued again; nil: the change causes no email.
	same func(p programme.Pair, c Change) bool
	// apply records the change on p.
	apply func(p *programme.Pair, prog programme.Programme, c Change)
	// effects are the emails and lists the change causes.
	effects func(p programme.Pair, c Change) Effects
	// check reports a change missing what the transition needs.
	check func(c Change) error
	// when, if set, is a further condition on the pair (beyond its state)
	// for the change to apply; a pair that fails it refuses the change.
	when func(p programme.Pair) bool
}

// rules is the state machine: one entry per transition.
var rules = map[Transition]rule{
	Pause: {
		from: live,
		done: func(p programme.Pair, c Change) bool {
			// A later PAUSE extends a timed pause; an open-ended pause
			// (a coordinator's) stays open-ended.
			return p.State == programme.PairPaused && (p.PausedUntil.IsZero() || !c.Until.After(p.PausedUntil))
		},
		apply: func(p *programme.Pair, _ programme.Programme, c Change) {
			if p.State == programme.PairActive {
				// A pause's start is kept when it is extended: held
				// check-ins are counted from it.
				p.PausedAt = c.At
			}
			p.State, p.PausedUntil = programme.PairPaused, c.Until
		},
	},
	Resume: {
		from: []programme.PairState{programme.PairPaused},
		done: func(p programme.Pair, _ Change) bool { return p.State == programme.PairActive },
		apply: func(p *programme.Pair, _ programme.Programme, c Change) {
			p.State, p.ResumedCycle, p.PausedUntil = programme.PairActive, c.Cycle, time.Time{}
			p.ResumedAt = c.At
			if !c.ResumedAt.IsZero() {
				p.ResumedAt = c.ResumedAt
			}
		},
	},
	Stall: {
		from: live,
		done: func(p programme.Pair, _ Change) bool { return p.Attention },
		apply: func(p *programme.Pair, _ programme.Programme, c Change) {
			p.Stalled, p.Attention, p.AttentionReason = true, true, c.Reason
		},
		check: needReason,
	},
	Flag: {
		from: live,
		done: func(p programme.Pair, _ Change) bool { return p.Attention },
		apply: func(p *programme.Pair, _ programme.Programme, c Change) {
			p.Attention, p.AttentionReason = true, c.Reason
		},
		check: needReason,
	},
	Handled: {
		from: []programme.PairState{programme.PairActive, programme.PairPaused, programme.PairEnded, programme.PairRematched, programme.PairStopped},
		done: func(p programme.Pair, _ Change) bool { return !p.Attention && p.RematchRequestedBy == "" },
		apply: func(p *programme.Pair, _ programme.Programme, _ Change) {
			p.Attention, p.AttentionReason = false, ""
			p.RematchRequestedBy, p.RematchRequestedAt = "", time.Time{}
		},
	},
	End: {
		from: live,
		done: endedBy(programme.PairEnded),
		apply: ends(programme.PairEnded, func(_ programme.Programme, c Change) (string, string) {
			return fmt.Sprintf("ended by %s on %s", c.By.ID, c.At.Format("2 Jan 2006")), ""
		}),
	},
	Finish: {
		from: live,
		done: endedBy(programme.PairEnded),
		apply: ends(programme.PairEnded, func(programme.Programme, Change) (string, string) {
			return "the programme ended", ""
		}),
	},
	EndRound: {
		from: live,
		done: endedBy(programme.PairEnded),
		same: func(p programme.Pair, c Change) bool {
			return p.EndedBy == c.By.String() && p.EndReason == roundReason(c.Cycle)
		},
		apply: ends(programme.PairEnded, func(_ programme.Programme, c Change) (string, string) {
			return roundReason(c.Cycle), ""
		}),
		effects: func(p programme.Pair, c Change) Effects {
			var e Effects
			for _, who := range []string{p.SeniorID, p.JuniorID} {
				e.Emails = append(e.Emails, sendqueue.RoundEnd{ProgrammeID: p.ProgrammeID, ParticipantID: who, PairID: p.ID, Round: c.Cycle})
			}
			return e
		},
	},
	Rematch: {
		from: live,
		done: endedBy(programme.PairRematched),
		same: sameActor,
		apply: func(p *programme.Pair, prog programme.Programme, c Change) {
			if c.By.Kind == ByParticipant {
				p.RematchRequestedBy, p.RematchRequestedAt = c.By.ID, c.At
			}
			ends(programme.PairRematched, func(prog programme.Programme, c Change) (string, string) {
				if c.By.Kind == ByParticipant {
					role := roleIn(*p, c.By.ID)
					return "rematch requested by the " + role, "Rematch requested by the " + role + "; both wait for a new partner"
				}
				return fmt.Sprintf("ended for a rematch by %s on %s", c.By.ID, c.At.Format("2 Jan 2006")), "Ended for a rematch; both wait for a new partner"
			})(p, prog, c)
		},
		// Whoever did not ask hears, kindly, that the pair has ended; the
		// one who asked gets the acknowledgement of their reply instead.
		effects: func(p programme.Pair, c Change) Effects {
			e := Effects{NeverPair: true}
			for _, who := range []string{p.SeniorID, p.JuniorID} {
				if c.By.Kind == ByParticipant && who == c.By.ID {
					continue
				}
				e.Emails = append(e.Emails, sendqueue.PairEnded{ProgrammeID: p.ProgrammeID, ParticipantID: who, PairID: p.ID})
			}
			return e
		},
		check: func(c Change) error {
			if c.By.Kind == BySchedule {
				return fmt.Errorf("%w: a rematch is asked for by a participant or a coordinator", ErrInvalid)
			}
			return nil
		},
	},
	Stop: {
		from: live,
		done: endedBy(programme.PairStopped),
		same: sameActor,
		apply: ends(programme.PairStopped, func(_ programme.Programme, c Change) (string, string) {
			if c.Erased {
				return "a participant's data was erased at their request", "A participant's data was erased; their partner needs a new pair"
			}
			return "one of the pair stopped all programme email", "One of the pair stopped all programme email; the other needs a new pair"
		}),
		// The partner is told kindly and, like after a rematch, paired
		// again; the person who stopped hears nothing more.
		effects: func(p programme.Pair, c Change) Effects {
			var e Effects
			if other := p.Other(c.Of); other != c.Of && other != "" {
				e.Emails = append(e.Emails, sendqueue.PairEnded{ProgrammeID: p.ProgrammeID, ParticipantID: other, PairID: p.ID})
			}
			return e
		},
		check: func(c Change) error {
			if c.Of == "" || c.By.Kind == ByParticipant && c.By.ID != c.Of {
				return fmt.Errorf("%w: a stop names whose it is, and a participant stops only their own pairs", ErrInvalid)
			}
			return nil
		},
	},
	Reorg: {
		from: live,
		done: func(p programme.Pair, c Change) bool { return slices.Equal(p.ReorgChain, c.Chain) },
		apply: func(p *programme.Pair, _ programme.Programme, c Change) {
			p.ReorgChain, p.ReorgAt = slices.Clone(c.Chain), c.At
			if len(c.Chain) == 0 {
				p.ReorgChain, p.ReorgAt = nil, time.Time{}
			}
		},
		check: func(c Change) error {
			if c.By.Kind == ByParticipant {
				return fmt.Errorf("%w: a reporting line is recorded by the guard, not by a participant", ErrInvalid)
			}
			if len(c.Chain) == 1 {
				return fmt.Errorf("%w: a reporting line links two people at least", ErrInvalid)
			}
			return nil
		},
	},
	EndReorg: {
		from: live,
		// Only a pair the guard found inside one reporting line: the emails
		// say it is an organisational change.
		when: func(p programme.Pair) bool { return len(p.ReorgChain) > 0 },
		done: endedBy(programme.PairRematched),
		same: func(p programme.Pair, c Change) bool {
			return p.EndedBy == c.By.String() && strings.HasPrefix(p.EndReason, reorgEndPrefix)
		},
		apply: ends(programme.PairRematched, func(_ programme.Programme, c Change) (string, string) {
			return fmt.Sprintf("%s by %s on %s: the two are now in one reporting line", reorgEndPrefix, c.By.ID, c.At.Format("2 Jan 2006")),
				"Ended for an organisational change; both wait for a new partner"
		}),
		effects: func(p programme.Pair, c Change) Effects {
			e := Effects{NeverPair: true, NeverPairSource: NeverPairReorg}
			for _, who := range []string{p.SeniorID, p.JuniorID} {
				e.Emails = append(e.Emails, sendqueue.ReorgEnded{ProgrammeID: p.ProgrammeID, ParticipantID: who, PairID: p.ID})
			}
			return e
		},
		check: func(c Change) error {
			if c.By.Kind != ByCoordinator {
				return fmt.Errorf("%w: only a coordinator ends a pair for an organisational change", ErrInvalid)
			}
			return nil
		},
	},
}

// reorgEndPrefix starts the end reason of a pair ended by EndReorg.
const reorgEndPrefix = "ended for an organisational change"

// NeverPairReorg is the never-pair list's source for a pair ended by
// EndReorg.
const NeverPairReorg = "reorganisation"

func roundReason(round int) string { return fmt.Sprintf("rotation round %d ended", round) }

func needReason(c Change) error {
	if c.Reason == "" {
		return fmt.Errorf("%w: %s needs a reason for the attention list", ErrInvalid, c.Transition)
	}
	return nil
}

func endedBy(state programme.PairState) func(programme.Pair, Change) bool {
	return func(p programme.Pair, _ Change) bool { return p.State == state }
}

func sameActor(p programme.Pair, c Change) bool { return p.EndedBy == c.By.String() }

func roleIn(p programme.Pair, id string) string {
	if p.SeniorID == id {
		return "senior"
	}
	return "junior"
}

// ends records the end of a pair. reason says why (kept on the pair); flag,
// when no scheduled round is left to pair the two again, is what the
// coordinator's attention list says. An end someone asked for settles
// whatever else was on the list; the schedule's ends (the programme's, a
// round's) leave the list as it was, so what stalled stays visible.
func ends(state programme.PairState, why func(programme.Programme, Change) (reason, flag string)) func(*programme.Pair, programme.Programme, Change) {
	return func(p *programme.Pair, prog programme.Programme, c Change) {
		reason, flag := why(prog, c)
		p.State, p.EndedAt, p.EndReason, p.EndedBy = state, c.At, reason, c.By.String()
		if c.By.Kind == BySchedule {
			return
		}
		p.Attention, p.AttentionReason = false, ""
		if _, next := prog.NextRound(c.At); flag != "" && !next {
			p.Attention, p.AttentionReason = true, flag
		}
	}
}

// Decide is the state machine: the pair as the change leaves it, what the
// change causes, and the outcome. It reads nothing and writes nothing.
func Decide(prog programme.Programme, p programme.Pair, c Change) (programme.Pair, Effects, Outcome, error) {
	r, ok := rules[c.Transition]
	if !ok {
		return p, Effects{}, Refused, fmt.Errorf("%w: unknown transition %q", ErrInvalid, c.Transition)
	}
	if c.At.IsZero() || c.By.Kind == "" {
		return p, Effects{}, Refused, fmt.Errorf("%w: %s needs who and when", ErrInvalid, c.Transition)
	}
	if r.check != nil {
		if err := r.check(c); err != nil {
			return p, Effects{}, Refused, err
		}
	}
	if r.done(p, c) {
		var e Effects
		if r.same != nil && r.same(p, c) && r.effects != nil {
			e = r.effects(p, c)
		}
		return p, e, AlreadyDone, nil
	}
	if !allowed(p.State, r.from) || r.when != nil && !r.when(p) {
		return p, Effects{}, Refused, nil
	}
	next := p
	next.Reasons = append([]string(nil), p.Reasons...)
	r.apply(&next, prog, c)
	var e Effects
	if r.effects != nil {
		e = r.effects(next, c)
	}
	return next, e, Changed, nil
}

// Allows reports whether the pair's state allows the transition at all (for
// showing only the buttons that can work).
func Allows(state programme.PairState, t Transition) bool {
	r, ok := rules[t]
	return ok && allowed(state, r.from)
}

func allowed(s programme.PairState, from []programme.PairState) bool {
	for _, f := range from {
		if s == f {
			return true
		}
	}
	return false
}
