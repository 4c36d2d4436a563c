package health

import (
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
)

// Input is everything the figures are computed from.
type Input struct {
	Programme    programme.Programme
	Participants []programme.Participant
	Pairs        []programme.Pair
	Answers      []store.Answer
	// Goals and Applied are the goals and closing loop, without words.
	Goals   []store.GoalFigure
	Applied []store.AppliedFigure
	Now     time.Time
}

// answerKey names one person's answer to one cycle of one pair (the store
// keeps one per key: a later reply replaces an earlier one).
type answerKey struct {
	pair  string
	cycle int
	role  programme.Role
}

// ask is one cycle delivered to one person.
type ask struct {
	cycle    int
	at       time.Time
	closing  bool
	answered bool
}

// side is one person in one pair, with what they were asked.
type side struct {
	pair   *programme.Pair
	role   programme.Role
	person string
	asks   []ask
}

// model is the input indexed once for every figure.
type model struct {
	in      Input
	people  map[string]programme.Participant
	answers map[answerKey]store.Answer
	plans   map[string]schedule.Plan
	sides   []side
	// Loading a time zone reads the zone database, and a plan is worked
	// out check-in by check-in: both are done once per distinct value.
	zones     map[string]*time.Location
	planStart map[string]schedule.Plan
}

func build(in Input) *model {
	m := &model{
		in:      in,
		people:  make(map[string]programme.Participant, len(in.Participants)),
		answers: make(map[answerKey]store.Answer, len(in.Answers)),
		plans:   make(map[string]schedule.Plan, len(in.Pairs)),
		zones:   map[string]*time.Location{},
		// Plans of pairs that start the same day are the same but for the
		// minute of the morning.
		planStart: map[string]schedule.Plan{},
	}
	for _, p := range in.Participants {
		m.people[p.ID] = p
	}
	for _, a := range in.Answers {
		m.answers[answerKey{a.PairID, a.Cycle, a.Role}] = a
	}
	for i := range in.Pairs {
		pair := &in.Pairs[i]
		plan, ok := m.planStart[pair.StartDate]
		if !ok {
			plan = schedule.NewPlan(in.Programme, *pair)
			m.planStart[pair.StartDate] = plan
		}
		// Each pair has its own minute of the morning.
		plan.Offset = schedule.Spread(pair.ID)
		m.plans[pair.ID] = plan
		for _, who := range []struct {
			id   string
			role programme.Role
		}{{pair.SeniorID, programme.Senior}, {pair.JuniorID, programme.Junior}} {
			s := side{pair: pair, role: who.role, person: who.id}
			loc := m.loc(who.id)
			for k := 1; k <= plan.Closing(); k++ {
				at := plan.Delivery(k, loc)
				if at.After(in.Now) || (!pair.State.Live() && !pair.EndedAt.IsZero() && at.After(pair.EndedAt)) {
					break
				}
				closing := k == plan.Closing()
				if !closing && held(*pair, at) {
					continue
				}
				_, answered := m.answers[answerKey{pair.ID, k, who.role}]
				s.asks = append(s.asks, ask{cycle: k, at: at, closing: closing, answered: answered})
			}
			m.sides = append(m.sides, s)
		}
	}
	return m
}

// loc is a participant's time zone, UTC when unknown (as the tick does).
func (m *model) loc(id string) *time.Location {
	p, ok := m.people[id]
	if !ok || p.TimeZone == "" {
		return time.UTC
	}
	loc, ok := m.zones[p.TimeZone]
	if !ok {
		loc = p.Loc()
		m.zones[p.TimeZone] = loc
	}
	return loc
}

// held reports whether a check-in delivered at t fell in the pair's latest
// pause, when the tick holds check-ins back.
func held(p programme.Pair, t time.Time) bool {
	// A check-in delivered at the very moment of the pause went out: the
	// pause was asked for in answer to it.
	if p.PausedAt.IsZero() || !t.After(p.PausedAt) {
		return false
	}
	if p.ResumedAt.After(p.PausedAt) {
		return t.Before(p.ResumedAt)
	}
	// Not resumed since: held for as long as the pair stayed paused (or
	// until it ended while paused). An active pair with no resumption on
	// record was resumed before Upward recorded resumptions: nothing known.
	return p.State != programme.PairActive
}

// stall says whether an active pair is stalled now, by the tick's rule at
// the latest cycle delivered to its senior, and how many cycles it has been
// stalled for (0: the nudge has just gone out).
func (m *model) stall(p programme.Pair) (stalled bool, n int) {
	if p.State != programme.PairActive {
		return false, 0
	}
	latest := m.plans[p.ID].LatestDue(m.loc(p.SeniorID), m.in.Now)
	return schedule.Stall(p, latest)
}
