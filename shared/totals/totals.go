// Package totals is what each record adds to a programme's running totals,
// so that its dashboard reads a handful of counter items instead of every
// participant, pair and answer.
//
// A programme's records are folded into two kinds of summary: one per pair
// (its state and, per check-in cycle, whom it asked and what each side
// answered) and one per person (their status, and per cycle whether they
// were asked, answered the meeting question or gave a rating, over all their
// pairs). A summary's Contribution is what it adds to the counters; the
// totals are the sum of every summary's contribution. Summaries are set by
// events (an answer, an ask, a pair change), never incremented, so recording
// the same event twice leaves a summary, and so its contribution, as it was:
// shared/store applies only the difference, once (see store.Tally).
//
// Distinct people (the fewer-than-five rule counts people, not answers)
// come from the person summaries: each person adds at most one to each
// "people" counter, however many pairs and answers they have.
//
// shared/health turns totals into figures; Recount there builds the same
// summaries from the records, so the figures from totals are, by
// construction and by its tests, the figures computed from every record.
package totals

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/token"
)

// Counts are named counters (see Names for what each counts).
type Counts map[string]int64

// Vector is what a summary adds to its programme's totals: counters, and
// per check-in cycle the earliest time it went out to anyone (a minimum,
// not a sum).
type Vector struct {
	N Counts `dynamodbav:"n,omitempty"`
	// First is keyed by cycle ("3"), Unix seconds.
	First map[string]int64 `dynamodbav:"f,omitempty"`
}

// Add adds o to v (counts summed, firsts the earlier of the two).
func (v *Vector) Add(o Vector) { v.addScaled(o, 1) }

// Sub takes o's counts out of v. Firsts are minima and stay: a cycle that
// went out once did go out.
func (v *Vector) Sub(o Vector) { v.addScaled(o, -1) }

func (v *Vector) addScaled(o Vector, sign int64) {
	if v.N == nil {
		v.N = Counts{}
	}
	for k, n := range o.N {
		if x := v.N[k] + sign*n; x == 0 {
			delete(v.N, k)
		} else {
			v.N[k] = x
		}
	}
	if sign < 0 {
		return
	}
	for k, t := range o.First {
		if v.First == nil {
			v.First = map[string]int64{}
		}
		if cur, ok := v.First[k]; !ok || t < cur {
			v.First[k] = t
		}
	}
}

// Equal reports whether two vectors hold the same counts and firsts.
func (v Vector) Equal(o Vector) bool { return len(Diff(v, o)) == 0 }

// Diff lists, sorted, the counters and firsts where got differs from want
// ("resp.num: 12, want 13").
func Diff(got, want Vector) []string {
	var out []string
	names := map[string]bool{}
	for k := range got.N {
		names[k] = true
	}
	for k := range want.N {
		names[k] = true
	}
	for k := range names {
		if got.N[k] != want.N[k] {
			out = append(out, fmt.Sprintf("%s: %d, want %d", k, got.N[k], want.N[k]))
		}
	}
	cycles := map[string]bool{}
	for k := range got.First {
		cycles[k] = true
	}
	for k := range want.First {
		cycles[k] = true
	}
	for k := range cycles {
		g, gok := got.First[k]
		w, wok := want.First[k]
		if g != w || gok != wok {
			out = append(out, fmt.Sprintf("first of check-in %s: %s, want %s", k, unix(g, gok), unix(w, wok)))
		}
	}
	sort.Strings(out)
	return out
}

func unix(t int64, ok bool) string {
	if !ok {
		return "none"
	}
	return time.Unix(t, 0).UTC().Format(time.RFC3339)
}

// Counter names. Cycle counters are prefixed with the cycle ("c3.").
const (
	Enrolled     = "enrolled"
	Paired       = "paired"        // distinct people in any pair
	PairedSenior = "paired.senior" // of those, seniors
	Pairs        = "pairs"
	RespDen      = "resp.den"    // person-cycles asked
	RespNum      = "resp.num"    // of those, answered
	RespPeople   = "resp.people" // distinct people asked
	MeetDen      = "meet.den"    // pair-cycles with a meeting answer
	MeetYes      = "meet.yes"    // of those, where someone said they met
	MeetPeople   = "meet.people" // distinct people who answered the meeting question
	GoalsPeople  = "goals.people"
	AppliedSaid  = "applied.said" // distinct seniors who said what they applied
	AppliedShare = "applied.shared"
	AppliedRecog = "applied.recognised"
)

// Role is "role.<role>": enrolled people by role.
func Role(r programme.Role) string { return "role." + string(r) }

// Status is "status.<status>": enrolled people by status.
func Status(s programme.Status) string { return "status." + string(s) }

// State is "state.<state>": pairs by state, stalled included.
func State(s string) string { return "state." + s }

// StateStalled is the derived state of an active pair that stopped meeting.
const StateStalled = "stalled"

// Value families: check-in ratings, the final surveys' ratings, and goal
// progress, each by role.
const (
	Value    = "val"
	ProgVal  = "prog"
	Progress = "progress"
)

// Rating is "<family>.<role>.<1-5>": how many ratings of r.
func Rating(family string, role programme.Role, r int) string {
	return family + "." + string(role) + "." + strconv.Itoa(r)
}

// People is "<family>.<role>.people": distinct people behind a value.
func People(family string, role programme.Role) string {
	return family + "." + string(role) + ".people"
}

// Cycle prefixes a counter with its check-in cycle.
func Cycle(k int, name string) string { return "c" + strconv.Itoa(k) + "." + name }

// Cycles lists the check-in cycles that have any counter, ascending.
func (v Vector) Cycles() []int {
	seen := map[int]bool{}
	for name, n := range v.N {
		if n == 0 || !strings.HasPrefix(name, "c") {
			continue
		}
		dot := strings.IndexByte(name, '.')
		if k, err := strconv.Atoi(name[1:max(dot, 1)]); dot > 1 && err == nil {
			seen[k] = true
		}
	}
	out := make([]int, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// roundEndKind is a rotation round's end survey; its answers carry the
// round's number in place of a check-in cycle.
var roundEndKind = token.KindRoundEnd.String()

// roundEndCycle keys a round's end survey apart from the pair's check-ins.
const roundEndCycle = -1

// FinalSurvey reports whether answers of this kind close a pairing (the
// programme's closing survey, a rotation round's end) rather than answer a
// check-in: they count towards the meeting rate, never towards the trend or
// the check-ins' value.
func FinalSurvey(kind string) bool {
	return kind == string(sendqueue.KindClosing) || kind == roundEndKind
}

// RoundEnd reports whether an answer's kind is a rotation round's end.
func RoundEnd(kind string) bool { return kind == roundEndKind }

// Ask is one cycle delivered to one person.
type Ask struct {
	At time.Time `dynamodbav:"at"`
	// Closing: the programme's closing survey, counted in the overall
	// response rate but not in the trend.
	Closing bool `dynamodbav:"closing,omitempty"`
}

// Answer is what one person said to one cycle: whether they met and how
// valuable it was, never any words.
type Answer struct {
	Kind   string `dynamodbav:"kind"`
	Met    *bool  `dynamodbav:"met"`
	Rating *int   `dynamodbav:"rating"`
	// Role is who answered (kept in person summaries, whose keys do not
	// say it).
	Role programme.Role `dynamodbav:"role,omitempty"`
}

func (a Answer) rated() (int, bool) {
	if a.Rating == nil || *a.Rating < 1 || *a.Rating > 5 {
		return 0, false
	}
	return *a.Rating, true
}

// SideKey names one side's cycle in a pair summary ("senior#3").
func SideKey(role programme.Role, cycle int) string { return string(role) + "#" + strconv.Itoa(cycle) }

// endSuffix sets a round's end answer apart from the check-in of the same
// number: the figures count them apart (the store keeps the latest of the
// two, and its summaries follow it: see Pair.ReplaceAnswer).
const endSuffix = "#end"

func answerKey(base, kind string) string {
	if RoundEnd(kind) {
		return base + endSuffix
	}
	return base
}

func splitSideKey(k string) (programme.Role, int) {
	role, c, _ := strings.Cut(strings.TrimSuffix(k, endSuffix), "#")
	n, _ := strconv.Atoi(c)
	return programme.Role(role), n
}

// Pair is one pair as its programme's totals see it.
type Pair struct {
	// Exists is false for a pair not (or not yet) stored: it counts in no
	// state, though answers recorded against it still count.
	Exists       bool                `dynamodbav:"exists"`
	State        programme.PairState `dynamodbav:"state,omitempty"`
	LastMetCycle int                 `dynamodbav:"last_met_cycle,omitempty"`
	ResumedCycle int                 `dynamodbav:"resumed_cycle,omitempty"`
	// Asks and Answers are keyed by SideKey.
	Asks    map[string]Ask    `dynamodbav:"asks,omitempty"`
	Answers map[string]Answer `dynamodbav:"answers,omitempty"`
	// SeniorLatest is the latest cycle delivered to the senior: the stall
	// rule is judged there, as the tick judges it when it nudges.
	SeniorLatest int `dynamodbav:"senior_latest,omitempty"`
	// Facts place the pair on the attention list.
	Facts PairFacts `dynamodbav:"facts"`
}

// SetPair copies what the totals need from the stored pair (whom email no
// longer reaches is kept: it is the people's, set by SetReachable).
func (s *Pair) SetPair(p programme.Pair) {
	s.Exists, s.State, s.LastMetCycle, s.ResumedCycle = true, p.State, p.LastMetCycle, p.ResumedCycle
	s.Facts = pairFacts(p, s.Facts.Unreachable)
}

// SetAsk records that role was asked cycle k at t.
func (s *Pair) SetAsk(role programme.Role, k int, a Ask) {
	if s.Asks == nil {
		s.Asks = map[string]Ask{}
	}
	s.Asks[SideKey(role, k)] = a
	if role == programme.Senior && k > s.SeniorLatest {
		s.SeniorLatest = k
	}
}

// SetAnswer records role's answer to cycle k (a later answer of the same
// kind replaces an earlier one).
func (s *Pair) SetAnswer(role programme.Role, k int, a Answer) {
	if s.Answers == nil {
		s.Answers = map[string]Answer{}
	}
	s.Answers[answerKey(SideKey(role, k), a.Kind)] = a
}

// ReplaceAnswer is SetAnswer as the store records answers: one per pair,
// cycle and role, whatever its kind, the latest winning.
func (s *Pair) ReplaceAnswer(role programme.Role, k int, a Answer) {
	base := SideKey(role, k)
	delete(s.Answers, base)
	delete(s.Answers, base+endSuffix)
	s.SetAnswer(role, k, a)
}

// answered reports whether a side answered the cycle it was asked.
func (s Pair) answered(key string) bool {
	_, a := s.Answers[key]
	_, b := s.Answers[key+endSuffix]
	return a || b
}

// Stalled reports whether the pair counts as stalled: active, and stalled
// by the tick's rule at the latest cycle delivered to its senior.
func (s Pair) Stalled() bool {
	if s.State != programme.PairActive {
		return false
	}
	stalled, _ := programme.Pair{LastMetCycle: s.LastMetCycle, ResumedCycle: s.ResumedCycle}.StallAt(s.SeniorLatest)
	return stalled
}

// Contribution is what the pair adds: its state, the person-cycles it
// asked and had answered, its pair-cycles with a meeting answer, and the
// ratings given in it (see shared/health for each figure's definition).
func (s Pair) Contribution() Vector {
	v := Vector{N: Counts{}}
	if s.Exists {
		v.N[Pairs] = 1
		state := string(s.State)
		if s.Stalled() {
			state = StateStalled
		}
		v.N[State(state)] = 1
	}
	for key, a := range s.Asks {
		_, k := splitSideKey(key)
		answered := s.answered(key)
		v.N[RespDen]++
		if answered {
			v.N[RespNum]++
		}
		if a.Closing {
			continue
		}
		v.N[Cycle(k, RespDen)]++
		if answered {
			v.N[Cycle(k, RespNum)]++
		}
		if v.First == nil {
			v.First = map[string]int64{}
		}
		c := strconv.Itoa(k)
		if cur, ok := v.First[c]; !ok || a.At.Unix() < cur {
			v.First[c] = a.At.Unix()
		}
	}
	// Meeting: per pair-cycle, one YES is enough; a round's end survey is
	// one pair-cycle of its own, whatever round it closes.
	type pc struct {
		met, closing bool
	}
	pcs := map[int]*pc{}
	for key, a := range s.Answers {
		role, k := splitSideKey(key)
		final := FinalSurvey(a.Kind)
		if a.Met != nil {
			kk := k
			if RoundEnd(a.Kind) {
				kk = roundEndCycle
			}
			p := pcs[kk]
			if p == nil {
				p = &pc{}
				pcs[kk] = p
			}
			p.met = p.met || *a.Met
			p.closing = p.closing || final
		}
		r, ok := a.rated()
		if !ok {
			continue
		}
		if final {
			v.N[Rating(ProgVal, role, r)]++
			continue
		}
		v.N[Rating(Value, role, r)]++
		v.N[Cycle(k, Rating(Value, role, r))]++
	}
	attentionCount(v, s.concerns())
	for k, p := range pcs {
		v.N[MeetDen]++
		if p.met {
			v.N[MeetYes]++
		}
		if !p.closing {
			v.N[Cycle(k, MeetDen)]++
			if p.met {
				v.N[Cycle(k, MeetYes)]++
			}
		}
	}
	return v
}

// Person is one participant as the totals see them: enrolment, the pairs
// they are in, and what they were asked and answered in each.
type Person struct {
	// Enrolled is false once the participant is erased (their answers
	// still count, anonymously) or before they are stored.
	Enrolled bool             `dynamodbav:"enrolled"`
	Role     programme.Role   `dynamodbav:"role,omitempty"`
	Status   programme.Status `dynamodbav:"status,omitempty"`
	// Pairs: every pair they are or were in, with their role in it.
	Pairs map[string]programme.Role `dynamodbav:"pairs,omitempty"`
	// Asks and Answers are keyed by "<pair>#<cycle>".
	Asks    map[string]Ask    `dynamodbav:"asks,omitempty"`
	Answers map[string]Answer `dynamodbav:"answers,omitempty"`
	// Goals: progress towards their goal, by pair (0: a goal, no progress
	// said). Applied: a senior's closing answers, by pair.
	Goals   map[string]Goal    `dynamodbav:"goals,omitempty"`
	Applied map[string]Applied `dynamodbav:"applied,omitempty"`
	// Facts place them on the attention list.
	Facts PersonFacts `dynamodbav:"facts"`
}

// Goal is a goal without its words: who set it, as which role, and how far
// they say they came (1–5; 0: not said).
type Goal struct {
	Role     programme.Role `dynamodbav:"role"`
	Progress int            `dynamodbav:"progress,omitempty"`
}

// Applied is a senior's applied learning without its words.
type Applied struct {
	Shared     bool `dynamodbav:"shared,omitempty"`
	Recognised bool `dynamodbav:"recognised,omitempty"`
}

// PersonKey names one pair's cycle in a person summary.
func PersonKey(pairID string, cycle int) string { return pairID + "#" + strconv.Itoa(cycle) }

func splitPersonKey(k string) (string, int) {
	k = strings.TrimSuffix(k, endSuffix)
	i := strings.LastIndexByte(k, '#')
	n, _ := strconv.Atoi(k[i+1:])
	return k[:i], n
}

// SetParticipant copies what the totals need from the stored participant
// (whether their address is suppressed is set by SetSuppressed).
func (s *Person) SetParticipant(p programme.Participant) {
	s.Enrolled, s.Role, s.Status = true, p.Role, p.Status
	s.Facts.MailProblem, s.Facts.MailProblemAt = p.MailProblem != "", p.MailProblemAt
	s.Facts.UpdatedAt, s.Facts.UnclearAt = p.UpdatedAt, p.UnclearAt
}

// AddPair records that they are in a pair, as role.
func (s *Person) AddPair(pairID string, role programme.Role) {
	if s.Pairs == nil {
		s.Pairs = map[string]programme.Role{}
	}
	s.Pairs[pairID] = role
}

// SetAsk records that they were asked cycle k of a pair.
func (s *Person) SetAsk(pairID string, k int, a Ask) {
	if s.Asks == nil {
		s.Asks = map[string]Ask{}
	}
	s.Asks[PersonKey(pairID, k)] = a
}

// SetAnswer records their answer to cycle k of a pair.
func (s *Person) SetAnswer(pairID string, k int, a Answer) {
	if s.Answers == nil {
		s.Answers = map[string]Answer{}
	}
	s.Answers[answerKey(PersonKey(pairID, k), a.Kind)] = a
}

// ReplaceAnswer is SetAnswer as the store records answers (see
// Pair.ReplaceAnswer).
func (s *Person) ReplaceAnswer(pairID string, k int, a Answer) {
	base := PersonKey(pairID, k)
	delete(s.Answers, base)
	delete(s.Answers, base+endSuffix)
	s.SetAnswer(pairID, k, a)
}

// SetGoal records a goal for a pairing.
func (s *Person) SetGoal(pairID string, g Goal) {
	if s.Goals == nil {
		s.Goals = map[string]Goal{}
	}
	s.Goals[pairID] = g
}

// SetApplied records a senior's applied learning for a pairing.
func (s *Person) SetApplied(pairID string, a Applied) {
	if s.Applied == nil {
		s.Applied = map[string]Applied{}
	}
	s.Applied[pairID] = a
}

// pairedRole is their role in their pairs ("" when in none).
func (s Person) pairedRole() programme.Role {
	role := programme.Role("")
	for _, r := range s.Pairs {
		if role == "" || r == programme.Senior {
			role = r
		}
	}
	return role
}

// Contribution is what the person adds: enrolment, and one to each
// "people" counter they are behind (see shared/health).
func (s Person) Contribution() Vector {
	v := Vector{N: Counts{}}
	one := func(name string) { v.N[name] = 1 }
	if s.Enrolled {
		one(Enrolled)
		if s.Role == programme.Senior || s.Role == programme.Junior {
			one(Role(s.Role))
		}
		one(Status(s.Status))
	}
	paired := s.pairedRole()
	if paired != "" {
		one(Paired)
		if paired == programme.Senior {
			one(PairedSenior)
		}
	}
	for key, a := range s.Asks {
		one(RespPeople)
		if !a.Closing {
			_, k := splitPersonKey(key)
			one(Cycle(k, RespPeople))
		}
	}
	for key, a := range s.Answers {
		_, k := splitPersonKey(key)
		final := FinalSurvey(a.Kind)
		role := a.Role
		if role == "" {
			role = s.answerRole(key)
		}
		if a.Met != nil {
			one(MeetPeople)
			if !final {
				one(Cycle(k, MeetPeople))
			}
		}
		if _, ok := a.rated(); !ok {
			continue
		}
		if final {
			one(People(ProgVal, role))
			continue
		}
		one(People(Value, role))
		one(Cycle(k, People(Value, role)))
	}
	// Goals and applied learning count only for people in a pair (an
	// erased partner's goals went with them).
	if paired != "" {
		withGoal := false
		for _, g := range s.Goals {
			withGoal = true
			if g.Progress >= 1 && g.Progress <= 5 {
				v.N[Rating(Progress, g.Role, g.Progress)]++
				one(People(Progress, g.Role))
			}
		}
		if withGoal {
			one(GoalsPeople)
		}
	}
	attentionCount(v, s.concerns())
	// A senior counts once however many pairings they answered for.
	if paired == programme.Senior && len(s.Applied) > 0 {
		one(AppliedSaid)
		for _, a := range s.Applied {
			if a.Shared {
				one(AppliedShare)
			}
			if a.Recognised {
				one(AppliedRecog)
			}
		}
	}
	return v
}

// answerRole is their role in the pair an answer belongs to.
func (s Person) answerRole(key string) programme.Role {
	pairID, _ := splitPersonKey(key)
	return s.pairRole(pairID)
}

func (s Person) pairRole(pairID string) programme.Role {
	if r, ok := s.Pairs[pairID]; ok {
		return r
	}
	return s.Role
}
