package matching

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// The hard rules. A pair that breaks one is never proposed; Check names
// the rule with one of these (errors.Is), wrapped in a *RuleError that
// says who and why.
var (
	ErrReportingLine = errors.New("off-line rule")
	ErrNeverPair     = errors.New("never-pair list")
	// ErrPrivate is a participant's private "not with" preference; its
	// detail never says whose it is.
	ErrPrivate          = errors.New("private preference")
	ErrForbidden        = errors.New("forbidden by the coordinator")
	ErrEarlierPair      = errors.New("no repeat of an earlier pair")
	ErrNoSharedLanguage = errors.New("shared language")
	ErrTimeZone         = errors.New("time-zone limit")
	ErrCapacity         = errors.New("junior capacity")
	ErrSeniorTwice      = errors.New("one junior per senior")
	ErrUnknownPerson    = errors.New("unknown person")
	ErrWrongRole        = errors.New("wrong role")
)

// RuleError is one broken rule for one pair.
type RuleError struct {
	Rule   error // one of the Err* values above
	Senior string
	Junior string
	Detail string // in words, naming the people
}

func (e *RuleError) Error() string { return e.Rule.Error() + ": " + e.Detail }
func (e *RuleError) Unwrap() error { return e.Rule }

// rule bits, in the order explanations give precedence to.
type rules uint8

const (
	ruleReporting rules = 1 << iota
	ruleNever
	ruleForbidden
	ruleEarlier
	ruleLanguage
	ruleTimeZone
	// rulePrivate comes last, so an unmatched person's reason names it
	// only when nothing else rules the pair out.
	rulePrivate
)

var ruleOrder = []rules{ruleReporting, ruleNever, ruleForbidden, ruleEarlier, ruleLanguage, ruleTimeZone, rulePrivate}

func pairKey(s, j *person) uint64 { return uint64(s.idx)<<32 | uint64(uint32(j.idx)) }

// broken returns every rule the pair (s, j) breaks; zero means allowed.
// The per-pair rules (reporting lines and the lists) come from a sparse
// set built once; language and time zone are computed.
func (m *Matcher) broken(s, j *person) rules {
	return m.blocked[pairKey(s, j)] | m.brokenDense(s, j)
}

// brokenDense returns the rules computed from the two people alone.
func (m *Matcher) brokenDense(s, j *person) rules {
	var r rules
	if m.in.Programme.RequireSharedLanguage && len(s.langs) > 0 && len(j.langs) > 0 && !s.langs.meets(j.langs) {
		r |= ruleLanguage
	}
	if m.tzLimit > 0 && s.tzKnown && j.tzKnown && abs(s.tzOffset-j.tzOffset) > m.tzLimit {
		r |= ruleTimeZone
	}
	return r
}

// Check reports whether senior and junior may be paired under the hard
// rules. It returns nil, or every broken rule as *RuleError values joined
// with errors.Join, so errors.Is(err, ErrReportingLine) and the like work.
// Capacity depends on the other pairs; CheckPairs covers it.
func (m *Matcher) Check(senior, junior string) error {
	s, j, err := m.pairOf(senior, junior)
	if err != nil {
		return err
	}
	return m.explainBroken(s, j, m.broken(s, j))
}

// CheckPairs checks a whole set of pairs, as the review page holds them:
// each pair's rules, no senior twice, and no junior over capacity.
func (m *Matcher) CheckPairs(pairs []Pairing) error {
	var errs []error
	seniorPairs := map[*person][]*person{}
	juniorPairs := map[*person][]*person{}
	var seniors, juniors []*person
	for _, p := range pairs {
		s, j, err := m.pairOf(p.Senior, p.Junior)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := m.explainBroken(s, j, m.broken(s, j)); err != nil {
			errs = append(errs, err)
		}
		if seniorPairs[s] == nil {
			seniors = append(seniors, s)
		}
		if juniorPairs[j] == nil {
			juniors = append(juniors, j)
		}
		seniorPairs[s] = append(seniorPairs[s], j)
		juniorPairs[j] = append(juniorPairs[j], s)
	}
	for _, s := range seniors {
		if js := seniorPairs[s]; len(js) > 1 {
			errs = append(errs, &RuleError{Rule: ErrSeniorTwice, Senior: s.email,
				Detail: fmt.Sprintf("%s is in %d pairs (with %s); a senior has one junior", s.label(), len(js), names(js))})
		}
	}
	for _, j := range juniors {
		if ss := juniorPairs[j]; len(ss) > j.capacity {
			errs = append(errs, &RuleError{Rule: ErrCapacity, Junior: j.email,
				Detail: fmt.Sprintf("%s may mentor %s but is paired with %d (%s)", j.label(), count(j.capacity, "senior", "seniors"), len(ss), names(ss))})
		}
	}
	return errors.Join(errs...)
}

func (m *Matcher) pairOf(senior, junior string) (*person, *person, error) {
	s, j := m.byEmail[normEmail(senior)], m.byEmail[normEmail(junior)]
	var errs []error
	for _, x := range []struct {
		email string
		p     *person
		want  int
	}{{senior, s, seniorSide}, {junior, j, juniorSide}} {
		switch {
		case x.p == nil:
			errs = append(errs, fmt.Errorf("%w: %s is not taking part in this matching", ErrUnknownPerson, x.email))
		case x.p.side != x.want:
			errs = append(errs, fmt.Errorf("%w: %s is a %s, not a %s", ErrWrongRole, x.p.label(), sideName[x.p.side], sideName[x.want]))
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return s, j, nil
}

// explainBroken turns rule bits into errors that name people and reasons.
func (m *Matcher) explainBroken(s, j *person, r rules) error {
	var errs []error
	add := func(rule error, format string, args ...any) {
		errs = append(errs, &RuleError{Rule: rule, Senior: s.email, Junior: j.email, Detail: fmt.Sprintf(format, args...)})
	}
	if r&ruleReporting != 0 {
		if c := m.org.chain(j.email, s.email); c != nil {
			add(ErrReportingLine, "%s is in %s's reporting line (%s)", j.label(), s.label(), strings.Join(c, " → "))
		} else {
			c = m.org.chain(s.email, j.email)
			add(ErrReportingLine, "%s is in %s's reporting line (%s)", s.label(), j.label(), strings.Join(c, " → "))
		}
	}
	if r&ruleNever != 0 {
		add(ErrNeverPair, "%s and %s must never be paired", s.label(), j.label())
	}
	if r&rulePrivate != 0 {
		// The coordinator chose these two, so refusing says this much; it
		// never says which of them asked.
		add(ErrPrivate, "a private preference rules out pairing %s and %s", s.label(), j.label())
	}
	if r&ruleForbidden != 0 {
		add(ErrForbidden, "the pair %s and %s was struck out in this review", s.label(), j.label())
	}
	if r&ruleEarlier != 0 {
		add(ErrEarlierPair, "%s and %s were paired before", s.label(), j.label())
	}
	if r&ruleLanguage != 0 {
		add(ErrNoSharedLanguage, "%s speaks %s and %s speaks %s; the programme requires a shared language",
			s.label(), s.langNames(), j.label(), j.langNames())
	}
	if r&ruleTimeZone != 0 {
		add(ErrTimeZone, "%s (%s) and %s (%s) are %s apart; the programme allows at most %s",
			s.label(), s.TimeZone, j.label(), j.TimeZone, hours(abs(s.tzOffset-j.tzOffset)), hours(m.tzLimit))
	}
	return errors.Join(errs...)
}

func names(ps []*person) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.label()
	}
	return strings.Join(out, ", ")
}

// hours writes a number of seconds as hours, with a fraction only when
// there is one (India is UTC+5:30).
func hours(sec int) string {
	h := float64(sec) / 3600
	if h == math.Trunc(h) {
		return count(int(h), "hour", "hours")
	}
	return fmt.Sprintf("%g hours", h)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
