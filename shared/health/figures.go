package health

import (
	"sort"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/token"
)

// Roles in the order figures list them.
var Roles = []programme.Role{programme.Senior, programme.Junior}

// State is a pair state as the dashboard counts it: the stored states plus
// "stalled", derived from active pairs.
type State string

// StateStalled is the derived state of an active pair that stopped meeting.
const StateStalled State = "stalled"

// States lists the states in the order the dashboard shows them.
var States = []State{
	State(programme.PairActive), StateStalled, State(programme.PairPaused),
	State(programme.PairEnded), State(programme.PairRematched), State(programme.PairStopped),
}

// Label is the state in words.
func (s State) Label() string {
	if s == StateStalled {
		return "Stalled"
	}
	return programme.PairState(s).Label()
}

// StateCount is how many pairs are in one state.
type StateCount struct {
	State State
	N     int
}

// StatusCount is how many participants have one status.
type StatusCount struct {
	Status programme.Status
	N      int
}

// Participation is who takes part.
type Participation struct {
	Enrolled         int
	Seniors, Juniors int
	// ByStatus lists every status, in programme.Statuses order.
	ByStatus []StatusCount
	// Paired is how many people are or were in a pair.
	Paired int
}

// RoleValue is a value figure for one role.
type RoleValue struct {
	Role  programme.Role
	Value Average
}

// Point is the figures of one check-in cycle across all pairs.
type Point struct {
	Cycle int
	// First is the day the cycle first went out to anyone.
	First    time.Time
	Meeting  Rate
	Response Rate
	Value    []RoleValue
}

// Figures are a programme's health at one moment.
type Figures struct {
	Now time.Time
	Participation
	Pairs  int
	States []StateCount
	// Meeting and Response cover every cycle so far, closing included.
	Meeting, Response Rate
	// Value is check-in ratings by role; ProgrammeValue is the final
	// survey's: the closing survey's rating of the programme as a whole, or
	// a rotation round's end rating of the pairing.
	Value, ProgrammeValue []RoleValue
	Trend                 []Point
	Impact                Impact
}

// Reasons a figure has nothing behind it yet.
const (
	noAnswers  = "No answers yet."
	noCheckIns = "No check-ins have gone out yet."
	noRatings  = "No ratings yet."
)

// roundEndKind is the kind of a rotation round's end survey; its answers
// carry the round's number in place of a check-in cycle.
var roundEndKind = token.KindRoundEnd.String()

// roundEndCycle keys a round's end survey apart from the pair's check-ins.
const roundEndCycle = -1

// finalSurvey reports whether answers of this kind close a pairing (the
// programme's closing survey, a rotation round's end) rather than answer a
// check-in: they count towards the meeting rate, never towards the trend or
// the check-ins' value.
func finalSurvey(kind string) bool {
	return kind == string(sendqueue.KindClosing) || kind == roundEndKind
}

// Compute works out a programme's figures (see the package doc for what
// each one means).
func Compute(in Input) Figures {
	m := build(in)
	f := Figures{Now: in.Now, Pairs: len(in.Pairs)}
	f.Participation = m.participation()
	f.States = m.states()
	f.Impact = m.impact(in.Goals, in.Applied)

	// Response: person-cycles asked and answered, overall and per cycle.
	type tally struct {
		num, den int
		people   map[string]bool
		first    time.Time
	}
	newTally := func() *tally { return &tally{people: map[string]bool{}} }
	overall := newTally()
	byCycle := map[int]*tally{}
	for _, s := range m.sides {
		for _, a := range s.asks {
			ts := []*tally{overall}
			if !a.closing {
				t := byCycle[a.cycle]
				if t == nil {
					t = newTally()
					byCycle[a.cycle] = t
				}
				ts = append(ts, t)
			}
			for _, t := range ts {
				t.den++
				if a.answered {
					t.num++
				}
				t.people[s.person] = true
				if t.first.IsZero() || a.at.Before(t.first) {
					t.first = a.at
				}
			}
		}
	}
	f.Response = newRate(overall.num, overall.den, len(overall.people), noCheckIns)

	// Meeting: pair-cycles with a meeting answer; value: ratings by role.
	type pairCycle struct {
		pair  string
		cycle int
	}
	met := map[pairCycle]bool{}
	metPeople := map[pairCycle][]string{}
	closingPC := map[pairCycle]bool{}
	values := map[programme.Role]*valueTally{}
	progValues := map[programme.Role]*valueTally{}
	cycleValues := map[int]map[programme.Role]*valueTally{}
	for _, a := range in.Answers {
		closing := finalSurvey(a.Kind)
		if a.Met != nil {
			pc := pairCycle{a.PairID, a.Cycle}
			if a.Kind == roundEndKind {
				pc.cycle = roundEndCycle // its cycle is the round's number
			}
			met[pc] = met[pc] || *a.Met
			metPeople[pc] = append(metPeople[pc], a.ParticipantID)
			if closing {
				closingPC[pc] = true
			}
		}
		if a.Rating == nil || *a.Rating < 1 || *a.Rating > 5 {
			continue
		}
		if closing {
			tallyOf(progValues, a.Role).add(a.ParticipantID, *a.Rating)
			continue
		}
		tallyOf(values, a.Role).add(a.ParticipantID, *a.Rating)
		if cycleValues[a.Cycle] == nil {
			cycleValues[a.Cycle] = map[programme.Role]*valueTally{}
		}
		tallyOf(cycleValues[a.Cycle], a.Role).add(a.ParticipantID, *a.Rating)
	}
	meetAll := newTally()
	meetByCycle := map[int]*tally{}
	for pc, yes := range met {
		ts := []*tally{meetAll}
		if !closingPC[pc] {
			if meetByCycle[pc.cycle] == nil {
				meetByCycle[pc.cycle] = newTally()
			}
			ts = append(ts, meetByCycle[pc.cycle])
		}
		for _, t := range ts {
			t.den++
			if yes {
				t.num++
			}
			for _, p := range metPeople[pc] {
				t.people[p] = true
			}
		}
	}
	f.Meeting = newRate(meetAll.num, meetAll.den, len(meetAll.people), noAnswers)
	f.Value = byRole(values)
	f.ProgrammeValue = byRole(progValues)

	// Trend: every cycle anyone was asked or answered.
	cycles := map[int]bool{}
	for k := range byCycle {
		cycles[k] = true
	}
	for k := range meetByCycle {
		cycles[k] = true
	}
	for k := range cycleValues {
		cycles[k] = true
	}
	for _, k := range sortedKeys(cycles) {
		p := Point{Cycle: k, Meeting: newRate(0, 0, 0, noAnswers), Response: newRate(0, 0, 0, noCheckIns), Value: byRole(cycleValues[k])}
		if t := byCycle[k]; t != nil {
			p.First = t.first
			p.Response = newRate(t.num, t.den, len(t.people), noCheckIns)
		}
		if t := meetByCycle[k]; t != nil {
			p.Meeting = newRate(t.num, t.den, len(t.people), noAnswers)
		}
		f.Trend = append(f.Trend, p)
	}
	return f
}

type valueTally struct {
	counts [5]int
	people map[string]bool
}

func tallyOf(m map[programme.Role]*valueTally, r programme.Role) *valueTally {
	t := m[r]
	if t == nil {
		t = &valueTally{people: map[string]bool{}}
		m[r] = t
	}
	return t
}

func (t *valueTally) add(person string, rating int) {
	t.counts[rating-1]++
	t.people[person] = true
}

func byRole(m map[programme.Role]*valueTally) []RoleValue { return byRoleOr(m, noRatings) }

// byRoleOr is byRole with none as the reason when nobody is behind a role.
func byRoleOr(m map[programme.Role]*valueTally, none string) []RoleValue {
	out := make([]RoleValue, 0, len(Roles))
	for _, r := range Roles {
		v := Average{Withheld: none}
		if t := m[r]; t != nil {
			v = Average{Counts: t.counts, People: len(t.people), Withheld: withheldReason(len(t.people), none)}
		}
		out = append(out, RoleValue{Role: r, Value: v})
	}
	return out
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func (m *model) participation() Participation {
	var p Participation
	counts := map[programme.Status]int{}
	for _, x := range m.in.Participants {
		p.Enrolled++
		counts[x.Status]++
		switch x.Role {
		case programme.Senior:
			p.Seniors++
		case programme.Junior:
			p.Juniors++
		}
	}
	for _, st := range programme.Statuses {
		p.ByStatus = append(p.ByStatus, StatusCount{st, counts[st]})
	}
	paired := map[string]bool{}
	for _, pr := range m.in.Pairs {
		paired[pr.SeniorID], paired[pr.JuniorID] = true, true
	}
	p.Paired = len(paired)
	return p
}

func (m *model) states() []StateCount {
	counts := map[State]int{}
	for _, p := range m.in.Pairs {
		st := State(p.State)
		if stalled, _ := m.stall(p); stalled {
			st = StateStalled
		}
		counts[st]++
	}
	out := make([]StateCount, 0, len(States))
	for _, st := range States {
		out = append(out, StateCount{st, counts[st]})
	}
	return out
}
