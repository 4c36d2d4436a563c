package matching

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
)

// ErrBadInput reports input that cannot be matched as given.
var ErrBadInput = errors.New("bad matching input")

// Matcher holds one programme's people and rules, prepared once, so the
// review page can match, check hand-made pairs and re-solve with locks
// without preparing again.
type Matcher struct {
	// Progress, if set, hears how a long Match is going: stage is
	// "scoring" or "solving", done counts up to total.
	Progress func(stage string, done, total int)

	in       Input
	seniors  []*person // sorted by email
	juniors  []*person // sorted by email
	byEmail  map[string]*person
	org      *orgChart
	blocked  map[uint64]rules // per-pair rules: reporting lines and lists
	tzLimit  int              // seconds; 0 = no limit
	scorer   scorer
	warnings []string
}

// New prepares a matching run: it checks the people, builds the reporting
// lines and the per-pair rules, and collects warnings about the data
// (cycles, unknown managers, missing time zones or languages). It returns
// ErrBadInput, naming every problem, when the input cannot be matched.
func New(in Input) (*Matcher, error) {
	m := &Matcher{in: in, byEmail: map[string]*person{}, blocked: map[uint64]rules{}}
	var errs []error
	for k := range in.People {
		p := &person{Participant: in.People[k], email: normEmail(in.People[k].Email)}
		switch {
		case p.email == "":
			errs = append(errs, fmt.Errorf("%w: participant %d (%s) has no email", ErrBadInput, k+1, p.Name))
			continue
		case m.byEmail[p.email] != nil:
			errs = append(errs, fmt.Errorf("%w: %s appears twice", ErrBadInput, p.email))
			continue
		}
		switch p.Role {
		case programme.Senior:
			p.side = seniorSide
			m.seniors = append(m.seniors, p)
		case programme.Junior:
			p.side = juniorSide
			m.juniors = append(m.juniors, p)
		default:
			errs = append(errs, fmt.Errorf("%w: %s has role %q; want senior or junior", ErrBadInput, p.email, p.Role))
			continue
		}
		m.byEmail[p.email] = p
	}
	tzLimit := in.Programme.MaxTimezoneDiffHours
	if tzLimit < 0 {
		errs = append(errs, fmt.Errorf("%w: a negative time-zone limit (%d hours)", ErrBadInput, tzLimit))
	}
	if tzLimit > 0 && in.At.IsZero() {
		errs = append(errs, fmt.Errorf("%w: the programme limits time-zone differences, so Input.At must say when to compare UTC offsets", ErrBadInput))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	m.tzLimit = max(tzLimit, 0) * 3600
	byEmail := func(ps []*person) {
		sort.Slice(ps, func(a, b int) bool { return ps[a].email < ps[b].email })
		for i, p := range ps {
			p.idx = i
		}
	}
	byEmail(m.seniors)
	byEmail(m.juniors)
	all := append(append([]*person(nil), m.seniors...), m.juniors...)
	m.describe(all)
	m.scorer = newScorer(in.Programme.Weights, all, diversityKeys(all))
	for _, p := range all {
		p.diversity = make([]int32, len(m.scorer.diversity))
	}
	m.internDiversity(all)

	m.org = newOrgChart(all, in.Org)
	m.warnings = append(m.warnings, m.org.warnings...)
	for _, p := range all {
		for _, a := range m.org.ancestors(p.email) {
			if q := m.byEmail[a]; q != nil && q.side != p.side {
				m.block(p, q, ruleReporting)
			}
		}
	}
	// A programme's never-pair list outlives its rounds: in a later round
	// it names people already paired, which is no reason to warn.
	m.blockList(in.NeverPair, ruleNever, "")
	m.blockList(in.Forbidden, ruleForbidden, "struck-out")
	m.blockList(in.History, ruleEarlier, "")
	m.blockPrivate(in.NotWith)
	return m, nil
}

// describe reduces each person's fields to ids and bit sets.
func (m *Matcher) describe(all []*person) {
	var depts, divs, locs, langs, topics interner
	var noTZ, noLang []string
	jc := m.in.Programme.JuniorCapacity
	if jc < 1 {
		jc = 1
	}
	for _, p := range all {
		p.dept, p.div, p.loc = depts.id(p.Department), divs.id(p.Division), locs.id(p.Location)
		p.level = p.Level
		for _, l := range p.Languages {
			if id := langs.id(l); id >= 0 {
				p.langs.add(int(id))
			}
		}
		for _, t := range p.Topics {
			id := topics.id(t)
			if id < 0 || p.topics.has(int(id)) {
				continue
			}
			p.topics.add(int(id))
			p.topicList = append(p.topicList, topic{id: int(id), name: t})
		}
		p.topicCount = len(p.topicList)
		if p.TimeZone != "" {
			if loc, err := loadLocation(p.TimeZone); err == nil {
				_, p.tzOffset = m.in.At.In(loc).Zone()
				p.tzKnown = true
			}
		}
		if !p.tzKnown {
			noTZ = append(noTZ, p.email)
		}
		if len(p.langs) == 0 {
			noLang = append(noLang, p.email)
		}
		if p.side == juniorSide {
			p.capacity = jc
			if p.Capacity > 0 {
				p.capacity = p.Capacity
			}
		}
	}
	if m.tzLimit > 0 && len(noTZ) > 0 {
		m.warnings = append(m.warnings, fmt.Sprintf("%s no valid time zone, so the time-zone limit was not applied to them: %s",
			count(len(noTZ), "participant has", "participants have"), list(noTZ, 10)))
	}
	if m.in.Programme.RequireSharedLanguage && len(noLang) > 0 {
		m.warnings = append(m.warnings, fmt.Sprintf("%s no languages, so the shared-language rule was not applied to them: %s",
			count(len(noLang), "participant lists", "participants list"), list(noLang, 10)))
	}
}

func diversityKeys(all []*person) []string {
	seen := map[string]bool{}
	var keys []string
	for _, p := range all {
		for k := range p.Attributes {
			if len(k) > len(DiversityPrefix) && k[:len(DiversityPrefix)] == DiversityPrefix && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func (m *Matcher) internDiversity(all []*person) {
	values := make([]interner, len(m.scorer.diversity))
	for _, p := range all {
		for k, key := range m.scorer.diversity {
			p.diversity[k] = values[k].id(p.Attributes[key])
		}
	}
}

func (m *Matcher) block(a, b *person, r rules) {
	s, j := a, b
	if s.side == juniorSide {
		s, j = j, s
	}
	m.blocked[pairKey(s, j)] |= r
}

// blockList applies a list of pairs. Unknown people are fine in history
// (it spans programmes); in a review's lists they are worth a warning.
func (m *Matcher) blockList(ps []Pairing, r rules, what string) {
	var unknown []string
	for _, p := range ps {
		a, b := m.byEmail[normEmail(p.Senior)], m.byEmail[normEmail(p.Junior)]
		if a == nil || b == nil {
			unknown = append(unknown, normEmail(p.Senior)+" / "+normEmail(p.Junior))
			continue
		}
		if a.side != b.side {
			m.block(a, b, r)
		}
	}
	if what != "" && len(unknown) > 0 {
		verb := "names someone who is not taking part in this round, so it was ignored"
		if len(unknown) > 1 {
			verb = "name someone who is not taking part in this round, so they were ignored"
		}
		m.warnings = append(m.warnings, fmt.Sprintf("%s %s: %s", count(len(unknown), what+" pair", what+" pairs"), verb, list(unknown, 10)))
	}
}

// Warnings are the problems found in the data that did not stop matching.
func (m *Matcher) Warnings() []string { return append([]string(nil), m.warnings...) }

// Result is a proposed matching.
type Result struct {
	Pairs     []Pair      `json:"pairs"`     // by senior email
	Unmatched []Unmatched `json:"unmatched"` // seniors, then juniors, by email
	Warnings  []string    `json:"warnings"`
	Total     float64     `json:"total"`     // sum of the pairs' scores
	MaxScore  float64     `json:"max_score"` // the best score one pair can reach
}

// Pair is one proposed pair and why.
type Pair struct {
	Senior  string   `json:"senior"`
	Junior  string   `json:"junior"`
	Score   float64  `json:"score"`
	Locked  bool     `json:"locked"`
	Factors []Factor `json:"factors"` // every preference that counts, largest first
	Reason  string   `json:"reason"`  // the top three in words
}

// Unmatched is someone left without a pair, and the computed reason.
type Unmatched struct {
	Email  string         `json:"email"`
	Role   programme.Role `json:"role"`
	Reason string         `json:"reason"`
	// Kind is what stands in the way, for a page to say what the
	// coordinator can do about it (empty in results kept from before it).
	Kind Why `json:"kind,omitempty"`
}

// Why is the kind of reason someone was left without a pair.
type Why string

const (
	// WhyNobody: nobody of the other role is taking part.
	WhyNobody Why = "nobody"
	// WhyFull: every compatible person of the other role is taken and
	// nobody else has room; more of this role than the other can take.
	WhyFull Why = "full"
	// WhyLocked: every compatible person of the other role is in a locked
	// pair.
	WhyLocked Why = "locked"
	// The other role's people who are free are all ruled out by one hard
	// rule (or, with WhySeveralRules, by more than one).
	WhyReportingLine  Why = "reporting-line"
	WhyNeverPair      Why = "never-pair"
	WhyStruckOut      Why = "struck-out"
	WhyEarlierPartner Why = "earlier-partner"
	WhyLanguage       Why = "language"
	WhyTimeZone       Why = "time-zone"
	WhyPrivate        Why = "private"
	WhySeveralRules   Why = "several-rules"
)

// Whys lists every kind, for pages that say something about each.
var Whys = []Why{WhyNobody, WhyFull, WhyLocked, WhyReportingLine, WhyNeverPair, WhyStruckOut, WhyEarlierPartner,
	WhyLanguage, WhyTimeZone, WhyPrivate, WhySeveralRules}

// Match proposes pairs: every locked pair, then as many more as the hard
// rules allow, with the highest total score among those. The answer is
// exact and the same for the same input.
func (m *Matcher) Match(ctx context.Context) (*Result, error) {
	lockedOf, err := m.locks()
	if err != nil {
		return nil, err
	}
	// Rows: seniors not locked. Columns: each junior's remaining places.
	var rows []*person
	for _, s := range m.seniors {
		if lockedOf[s] == nil {
			rows = append(rows, s)
		}
	}
	used := map[*person]int{}
	for _, j := range lockedOf {
		used[j]++
	}
	var cols []*person
	for _, j := range m.juniors {
		for range j.capacity - used[j] {
			cols = append(cols, j)
		}
	}
	score := m.scoreMatrix(ctx, rows, cols)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var progress func(int, int)
	if m.Progress != nil {
		progress = func(done, total int) { m.Progress("solving", done, total) }
	}
	rowCol, err := solveScores(ctx, len(rows), len(cols), score, defaultLAP, progress)
	if err != nil {
		return nil, err
	}
	partner := map[*person]*person{}
	res := &Result{Warnings: m.Warnings(), MaxScore: m.scorer.max()}
	for _, s := range m.seniors {
		j := lockedOf[s]
		if j == nil {
			continue
		}
		partner[s] = j
	}
	for r, c := range rowCol {
		if c >= 0 {
			partner[rows[r]] = cols[c]
		}
	}
	for _, s := range m.seniors {
		j := partner[s]
		if j == nil {
			continue
		}
		fs := m.scorer.factors(s, j)
		p := Pair{Senior: s.email, Junior: j.email, Score: m.scorer.score(s, j), Locked: lockedOf[s] != nil, Factors: fs, Reason: reason(fs)}
		if p.Locked {
			p.Reason = "Locked by the coordinator. " + p.Reason
		}
		res.Pairs = append(res.Pairs, p)
		res.Total += p.Score
	}
	res.Unmatched = m.unmatched(partner, lockedOf, m.grid(rows, cols, score))
	return res, nil
}

// Explain scores any pair of a senior and a junior and says why, as Match
// would for a proposed pair; the review page uses it for hand-made pairs.
// It does not check the hard rules: Check does.
func (m *Matcher) Explain(senior, junior string) (Pair, error) {
	s, j, err := m.pairOf(senior, junior)
	if err != nil {
		return Pair{}, err
	}
	fs := m.scorer.factors(s, j)
	return Pair{Senior: s.email, Junior: j.email, Score: m.scorer.score(s, j), Factors: fs, Reason: reason(fs)}, nil
}

// locks validates the locked pairs against every hard rule, one senior
// per pair and junior capacity, and returns each locked senior's junior.
func (m *Matcher) locks() (map[*person]*person, error) {
	if err := m.CheckPairs(m.in.Locked); err != nil {
		return nil, fmt.Errorf("locked pairs: %w", err)
	}
	out := map[*person]*person{}
	for _, p := range m.in.Locked {
		out[m.byEmail[normEmail(p.Senior)]] = m.byEmail[normEmail(p.Junior)]
	}
	return out, nil
}

// scoreMatrix fills the rows×cols score matrix, Forbidden where a hard
// rule is broken. Rows are split across the CPUs; every cell depends only
// on its pair, so the result is the same however the work is split.
func (m *Matcher) scoreMatrix(ctx context.Context, rows, cols []*person) []float64 {
	n, w := len(rows), len(cols)
	score := make([]float64, n*w)
	workers := max(1, min(runtime.GOMAXPROCS(0), n/64))
	var next, done int
	var mu sync.Mutex
	claim := func() (int, int) {
		mu.Lock()
		defer mu.Unlock()
		if ctx.Err() != nil || next >= n {
			return 0, 0
		}
		a := next
		next = min(n, next+32)
		return a, next
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				a, b := claim()
				if a == b {
					return
				}
				for r := a; r < b; r++ {
					m.scoreRow(rows[r], cols, score[r*w:(r+1)*w])
				}
				if m.Progress != nil {
					// Under the lock: the callback need not be safe for
					// concurrent use.
					mu.Lock()
					done += b - a
					m.Progress("scoring", done, n)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	m.blockSparse(rows, cols, score)
	return score
}

// scoreRow scores one senior against every column. Copies of one junior
// sit next to each other, so each junior is scored once. Only the rules
// computed per pair are applied here; the sparse per-pair rules are
// applied afterwards by blockSparse, which is cheaper than a map lookup
// per cell.
func (m *Matcher) scoreRow(s *person, cols []*person, out []float64) {
	for c := 0; c < len(cols); {
		j := cols[c]
		v := math.Inf(-1)
		if m.brokenDense(s, j) == 0 {
			v = m.scorer.score(s, j)
		}
		for ; c < len(cols) && cols[c] == j; c++ {
			out[c] = v
		}
	}
}

// grid indexes the score matrix by senior and junior.
func (m *Matcher) grid(rows, cols []*person, score []float64) grid {
	g := grid{m: m, score: score, w: len(cols), rowOf: make([]int, len(m.seniors)), firstCol: make([]int, len(m.juniors))}
	for i := range g.rowOf {
		g.rowOf[i] = -1
	}
	for r, s := range rows {
		g.rowOf[s.idx] = r
	}
	for i := range g.firstCol {
		g.firstCol[i] = -1
	}
	for c := len(cols) - 1; c >= 0; c-- {
		g.firstCol[cols[c].idx] = c
	}
	return g
}

// blockSparse marks Forbidden every cell whose pair is on a reporting
// line or a list.
func (m *Matcher) blockSparse(rows, cols []*person, score []float64) {
	g := m.grid(rows, cols, score)
	rowOf, firstCol, w := g.rowOf, g.firstCol, g.w
	for key := range m.blocked {
		r, c := rowOf[key>>32], firstCol[uint32(key)]
		if r < 0 || c < 0 {
			continue
		}
		for j := cols[c]; c < w && cols[c] == j; c++ {
			score[r*w+c] = math.Inf(-1)
		}
	}
}

var locCache sync.Map

// loadLocation caches time zones: LoadLocation parses the zone database on
// every call.
func loadLocation(name string) (*time.Location, error) {
	if l, ok := locCache.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	locCache.Store(name, l)
	return l, nil
}
