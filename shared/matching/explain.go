package matching

import (
	"fmt"
	"strings"

	"github.com/upward-mentoring/upward/shared/programme"
)

// unmatched gives everyone left without a pair a computed reason.
//
// The reasons rest on the solver being exact. If senior s is unpaired and
// junior j is compatible, j has no free place (else adding the pair would
// give one more pair), and for every senior s' that j mentors outside a
// locked pair, score(s', j) ≥ score(s, j) (else swapping s' for s would keep
// the number of pairs and raise the total). So "matched to seniors with a
// better fit" is a fact about this solution, not a guess; the same holds
// for an unpaired junior and the compatible seniors' partners.
func (m *Matcher) unmatched(partner, lockedOf map[*person]*person, g grid) []Unmatched {
	holders := map[*person][]*person{}
	for _, s := range m.seniors {
		if j := partner[s]; j != nil {
			holders[j] = append(holders[j], s)
		}
	}
	// The weakest score among each junior's seniors outside locked pairs,
	// and each senior's own score: computed once, not once per unpaired
	// person.
	weakest := make([]float64, len(m.juniors))
	free := make([]bool, len(m.juniors)) // has a holder outside locked pairs
	for _, j := range m.juniors {
		for _, h := range holders[j] {
			if lockedOf[h] == j {
				continue
			}
			if sc := m.scorer.score(h, j); !free[j.idx] || sc < weakest[j.idx] {
				weakest[j.idx], free[j.idx] = sc, true
			}
		}
	}
	own := make([]float64, len(m.seniors))
	for _, s := range m.seniors {
		if p := partner[s]; p != nil {
			own[s.idx] = m.scorer.score(s, p)
		}
	}
	var out []Unmatched
	for _, s := range m.seniors {
		if partner[s] == nil {
			reason, kind := m.seniorReason(s, holders, weakest, free, g)
			out = append(out, Unmatched{Email: s.email, Role: programme.Senior, Reason: reason, Kind: kind})
		}
	}
	for _, j := range m.juniors {
		if len(holders[j]) == 0 {
			reason, kind := m.juniorReason(j, partner, lockedOf, own, g)
			out = append(out, Unmatched{Email: j.email, Role: programme.Junior, Reason: reason, Kind: kind})
		}
	}
	return out
}

// grid reads a pair's score from the solved matrix where it has a cell
// (the same number the scorer gives, or Forbidden when a rule is broken),
// which saves rescoring every pair of every unpaired person.
type grid struct {
	m        *Matcher
	score    []float64
	w        int
	rowOf    []int // senior idx → row, -1 when locked
	firstCol []int // junior idx → first column, -1 when no place was left
}

func (g grid) cell(s, j *person) float64 {
	if r, c := g.rowOf[s.idx], g.firstCol[j.idx]; r >= 0 && c >= 0 {
		return g.score[r*g.w+c]
	}
	if g.m.broken(s, j) != 0 {
		return Forbidden
	}
	return g.m.scorer.score(s, j)
}

// fitCount sorts the compatible but taken people of the other side.
type fitCount struct {
	n, better, equal, locked int
	only                     *person // the one compatible person, when n == 1
}

func (m *Matcher) seniorReason(s *person, holders map[*person][]*person, weakest []float64, free []bool, g grid) (string, Why) {
	if len(m.juniors) == 0 {
		return "No juniors are taking part.", WhyNobody
	}
	var fit fitCount
	var all, room breakdown
	for _, j := range m.juniors {
		hasRoom := len(holders[j]) < j.capacity
		mine := g.cell(s, j)
		if mine == Forbidden {
			r := m.broken(s, j)
			all.add(r)
			if hasRoom {
				room.add(r)
			}
			continue
		}
		fit.n++
		fit.only = j
		switch {
		case !free[j.idx]:
			fit.locked++
		case weakest[j.idx] > mine:
			fit.better++
		default:
			fit.equal++
		}
	}
	v := view{me: "senior", other: "junior", tz: s.TimeZone, langs: s.langNames(), limit: hours(m.tzLimit)}
	if fit.n == 0 {
		return v.noneCompatible(all, len(m.juniors)), all.why()
	}
	text := v.taken(fit)
	if room.total == 0 {
		return "Junior capacity used up: " + lowerFirst(text) + ".", fit.why(WhyFull)
	}
	return text + "; " + v.remaining(room) + ".", fit.why(room.why())
}

func (m *Matcher) juniorReason(j *person, partner, lockedOf map[*person]*person, own []float64, g grid) (string, Why) {
	if len(m.seniors) == 0 {
		return "No seniors are taking part.", WhyNobody
	}
	var fit fitCount
	var all, free breakdown
	for _, s := range m.seniors {
		mine := g.cell(s, j)
		if mine == Forbidden {
			r := m.broken(s, j)
			all.add(r)
			if partner[s] == nil {
				free.add(r)
			}
			continue
		}
		fit.n++
		fit.only = s
		switch {
		case lockedOf[s] != nil:
			fit.locked++
		case own[s.idx] > mine:
			fit.better++
		default:
			fit.equal++
		}
	}
	v := view{me: "junior", other: "senior", tz: j.TimeZone, langs: j.langNames(), limit: hours(m.tzLimit)}
	if fit.n == 0 {
		return v.noneCompatible(all, len(m.seniors)), all.why()
	}
	text := v.taken(fit)
	if free.total == 0 {
		return "Every senior already has a junior: " + lowerFirst(text) + ".", fit.why(WhyFull)
	}
	return text + "; " + v.remaining(free) + ".", fit.why(free.why())
}

// why is what stands in the way of someone whose compatible partners are
// all taken: the locks when they hold every one of them (unlocking is what
// would help), else what rules out the rest (otherwise).
func (f fitCount) why(otherwise Why) Why {
	if f.locked == f.n {
		return WhyLocked
	}
	return otherwise
}

// why names the one rule behind every case, or several.
func (b breakdown) why() Why {
	switch b.only() {
	case ruleReporting:
		return WhyReportingLine
	case ruleNever:
		return WhyNeverPair
	case ruleForbidden:
		return WhyStruckOut
	case ruleEarlier:
		return WhyEarlierPartner
	case ruleLanguage:
		return WhyLanguage
	case ruleTimeZone:
		return WhyTimeZone
	case rulePrivate:
		return WhyPrivate
	}
	return WhySeveralRules
}

// breakdown counts the people ruled out, by the first rule each breaks.
type breakdown struct {
	by    map[rules]int
	total int
}

func (b *breakdown) add(r rules) {
	if b.by == nil {
		b.by = map[rules]int{}
	}
	for _, x := range ruleOrder {
		if r&x != 0 {
			b.by[x]++
			break
		}
	}
	b.total++
}

// only returns the single rule behind every case, or 0.
func (b breakdown) only() rules {
	if len(b.by) == 1 {
		for r := range b.by {
			return r
		}
	}
	return 0
}

// view holds the words for one unpaired person's reason.
type view struct {
	me, other string // "senior", "junior"
	tz, langs string
	limit     string
}

func (v view) noneCompatible(b breakdown, total int) string {
	if r := b.only(); r != 0 {
		subj := subject{every: "every " + v.other, no: "no " + v.other}
		if total == 1 {
			subj = subject{every: "the only " + v.other, single: true}
		}
		return capitalise(v.sentence(r, subj)) + "."
	}
	return fmt.Sprintf("No %s is compatible: %s.", v.other, v.counts(b))
}

func (v view) remaining(b breakdown) string {
	if r := b.only(); r != 0 {
		subj := subject{every: "every remaining " + v.other, no: "no remaining " + v.other}
		if b.total == 1 {
			subj = subject{every: "the only remaining " + v.other, single: true}
		}
		return v.sentence(r, subj)
	}
	return fmt.Sprintf("of the %d remaining %ss, %s", b.total, v.other, v.counts(b))
}

type subject struct {
	every, no string
	single    bool
}

func (v view) sentence(r rules, s subject) string {
	switch r {
	case ruleReporting:
		return s.every + " is in this " + v.me + "'s reporting line"
	case ruleNever:
		return s.every + " is on a never-pair list with this " + v.me
	case ruleForbidden:
		return s.every + " was struck out for this " + v.me + " by the coordinator"
	case ruleEarlier:
		return s.every + " has been paired with this " + v.me + " before"
	case ruleLanguage:
		if s.single {
			return s.every + " does not share " + v.langs
		}
		return s.no + " shares " + v.langs
	case ruleTimeZone:
		return s.every + " is more than " + v.limit + " from " + v.tz
	case rulePrivate:
		return s.every + " is ruled out by a private preference"
	}
	return ""
}

func (v view) counts(b breakdown) string {
	var parts []string
	for _, r := range ruleOrder {
		n := b.by[r]
		if n == 0 {
			continue
		}
		switch r {
		case ruleReporting:
			parts = append(parts, fmt.Sprintf("%d in this %s's reporting line", n, v.me))
		case ruleNever:
			parts = append(parts, fmt.Sprintf("%d on a never-pair list with them", n))
		case ruleForbidden:
			parts = append(parts, fmt.Sprintf("%d struck out by the coordinator", n))
		case ruleEarlier:
			parts = append(parts, count(n, "earlier partner", "earlier partners"))
		case ruleLanguage:
			parts = append(parts, fmt.Sprintf("%d without a shared language", n))
		case ruleTimeZone:
			parts = append(parts, fmt.Sprintf("%d more than %s away", n, v.limit))
		case rulePrivate:
			parts = append(parts, fmt.Sprintf("%d ruled out by a private preference", n))
		}
	}
	return strings.Join(parts, ", ")
}

func (v view) taken(f fitCount) string {
	holder := v.me // the people the compatible ones were matched to
	if f.n == 1 {
		lead := fmt.Sprintf("The only compatible %s, %s,", v.other, f.only.label())
		switch {
		case f.locked == 1:
			return lead + " is in a locked pair"
		case f.better == 1:
			return lead + " was matched to a " + holder + " with a better fit"
		default:
			return lead + " was matched to a " + holder + " with an equally good fit"
		}
	}
	switch f.n {
	case f.better:
		return fmt.Sprintf("All %d compatible %ss were matched to %ss with a better fit", f.n, v.other, holder)
	case f.equal:
		return fmt.Sprintf("All %d compatible %ss were matched to %ss with an equally good fit", f.n, v.other, holder)
	case f.locked:
		return fmt.Sprintf("All %d compatible %ss are in locked pairs", f.n, v.other)
	}
	var parts []string
	if f.better > 0 {
		parts = append(parts, fmt.Sprintf("%d by %s with a better fit", f.better, plural(f.better, holder)))
	}
	if f.equal > 0 {
		parts = append(parts, fmt.Sprintf("%d by %s with an equally good fit", f.equal, plural(f.equal, holder)))
	}
	if f.locked > 0 {
		parts = append(parts, count(f.locked, "in a locked pair", "in locked pairs"))
	}
	return fmt.Sprintf("All %d compatible %ss are taken: %s", f.n, v.other, strings.Join(parts, ", "))
}

func plural(n int, word string) string {
	if n == 1 {
		return "a " + word
	}
	return word + "s"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
