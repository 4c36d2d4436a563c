package health

import (
	"sort"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/totals"
)

// PairHealth is one pair's record for the exports: whether its people were
// asked and answered, and whether it met — never what anyone said.
type PairHealth struct {
	Pair    programme.Pair
	Stalled bool
	Cycles  []PairCycle
}

// PairCycle is one cycle of one pair.
type PairCycle struct {
	Cycle   int
	Closing bool
	// Date is when the cycle first reached either of the two.
	Date                        time.Time
	SeniorAsked, SeniorAnswered bool
	JuniorAsked, JuniorAnswered bool
	// Met is nil when neither answered the meeting question, and true when
	// either said they met (see the package doc).
	Met *bool
}

// Asked counts the person-cycles asked of the pair.
func (h PairHealth) Asked() int {
	n := 0
	for _, c := range h.Cycles {
		n += count(c.SeniorAsked) + count(c.JuniorAsked)
	}
	return n
}

// Answered counts the person-cycles answered.
func (h PairHealth) Answered() int {
	n := 0
	for _, c := range h.Cycles {
		n += count(c.SeniorAnswered && c.SeniorAsked) + count(c.JuniorAnswered && c.JuniorAsked)
	}
	return n
}

// Meetings counts the cycles where the pair reported a meeting.
func (h PairHealth) Meetings() int {
	n := 0
	for _, c := range h.Cycles {
		n += count(c.Met != nil && *c.Met)
	}
	return n
}

func count(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Pairs lists each pair with its cycles so far, in the order of in.Pairs.
func Pairs(in Input) []PairHealth {
	m := build(in)
	cycles := map[string]map[int]*PairCycle{}
	at := func(pair string, k int) *PairCycle {
		if cycles[pair] == nil {
			cycles[pair] = map[int]*PairCycle{}
		}
		c := cycles[pair][k]
		if c == nil {
			c = &PairCycle{Cycle: k}
			cycles[pair][k] = c
		}
		return c
	}
	for _, s := range m.sides {
		for _, a := range s.asks {
			c := at(s.pair.ID, a.cycle)
			c.Closing = a.closing
			if c.Date.IsZero() || a.at.Before(c.Date) {
				c.Date = a.at
			}
			if s.role == programme.Senior {
				c.SeniorAsked, c.SeniorAnswered = true, a.answered
			} else {
				c.JuniorAsked, c.JuniorAnswered = true, a.answered
			}
		}
	}
	for _, a := range in.Answers {
		if a.Met == nil || totals.RoundEnd(a.Kind) {
			continue // a round's end survey has no check-in cycle of its own
		}
		c := at(a.PairID, a.Cycle)
		met := *a.Met || (c.Met != nil && *c.Met)
		c.Met = &met
	}
	out := make([]PairHealth, 0, len(in.Pairs))
	for _, p := range in.Pairs {
		h := PairHealth{Pair: p}
		h.Stalled, _ = m.stall(p)
		for _, c := range cycles[p.ID] {
			h.Cycles = append(h.Cycles, *c)
		}
		sort.Slice(h.Cycles, func(i, j int) bool { return h.Cycles[i].Cycle < h.Cycles[j].Cycle })
		out = append(out, h)
	}
	return out
}
