package health

import (
	"strconv"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/totals"
)

// Compute works out a programme's figures from its records (see the package
// doc for what each one means): the records are summarised and counted as
// the store keeps its running totals, and the figures are read off the
// totals, so the dashboard (FromTotals on the stored counters) and this
// agree by construction.
func Compute(in Input) Figures { return FromTotals(Recount(in), in.Now) }

// Summaries folds a programme's records into the summaries its running
// totals are made of. Asks come from each pair's plan as of in.Now (the
// tick sends by that plan), keyed by pair id and by participant id.
func Summaries(in Input) (pairs map[string]*totals.Pair, people map[string]*totals.Person) {
	m := build(in)
	pairs = make(map[string]*totals.Pair, len(in.Pairs))
	people = make(map[string]*totals.Person, len(in.Participants))
	person := func(id string) *totals.Person {
		p := people[id]
		if p == nil {
			p = &totals.Person{}
			people[id] = p
		}
		return p
	}
	for _, x := range in.Participants {
		person(x.ID).SetParticipant(x)
	}
	for _, p := range in.Pairs {
		s := &totals.Pair{}
		s.SetPair(p)
		if p.State == programme.PairActive {
			s.SeniorLatest = m.plans[p.ID].LatestDue(m.loc(p.SeniorID), in.Now)
		}
		pairs[p.ID] = s
		person(p.SeniorID).AddPair(p.ID, programme.Senior)
		person(p.JuniorID).AddPair(p.ID, programme.Junior)
	}
	for _, sd := range m.sides {
		for _, a := range sd.asks {
			ask := totals.Ask{At: a.at, Closing: a.closing}
			sp := pairs[sd.pair.ID]
			latest := sp.SeniorLatest // the plan's, not the latest ask
			sp.SetAsk(sd.role, a.cycle, ask)
			sp.SeniorLatest = latest
			person(sd.person).SetAsk(sd.pair.ID, a.cycle, ask)
		}
	}
	for _, a := range in.Answers {
		ans := totals.Answer{Kind: a.Kind, Met: a.Met, Rating: a.Rating}
		if sp := pairs[a.PairID]; sp != nil {
			sp.SetAnswer(a.Role, a.Cycle, ans)
		} else {
			// An answer of a pair not listed still counts, as it always
			// did: its pair exists in no other figure.
			sp = &totals.Pair{}
			sp.SetAnswer(a.Role, a.Cycle, ans)
			pairs[a.PairID] = sp
		}
		ans.Role = a.Role
		person(a.ParticipantID).SetAnswer(a.PairID, a.Cycle, ans)
	}
	for i, g := range in.Goals {
		key := g.PairID
		if key == "" {
			key = "goal" + strconv.Itoa(i)
		}
		person(g.ParticipantID).SetGoal(key, totals.Goal{Role: g.Role, Progress: g.Progress})
	}
	for i, a := range in.Applied {
		key := a.PairID
		if key == "" {
			key = "applied" + strconv.Itoa(i)
		}
		person(a.SeniorID).SetApplied(key, totals.Applied{Shared: a.Shared, Recognised: a.Recognised})
	}
	return pairs, people
}

// Recount is the programme's running totals worked out from its records:
// the sum of every summary's contribution.
func Recount(in Input) totals.Vector {
	pairs, people := Summaries(in)
	var v totals.Vector
	for _, s := range pairs {
		v.Add(s.Contribution())
	}
	for _, s := range people {
		v.Add(s.Contribution())
	}
	return v
}

// FromTotals reads a programme's figures off its running totals.
func FromTotals(v totals.Vector, now time.Time) Figures {
	n := func(name string) int { return int(v.N[name]) }
	f := Figures{Now: now, Pairs: n(totals.Pairs)}
	f.Enrolled = n(totals.Enrolled)
	f.Seniors, f.Juniors = n(totals.Role(programme.Senior)), n(totals.Role(programme.Junior))
	for _, st := range programme.Statuses {
		f.ByStatus = append(f.ByStatus, StatusCount{st, n(totals.Status(st))})
	}
	f.Paired = n(totals.Paired)
	for _, st := range States {
		f.States = append(f.States, StateCount{st, n(totals.State(string(st)))})
	}
	f.Response = newRate(n(totals.RespNum), n(totals.RespDen), n(totals.RespPeople), noCheckIns)
	f.Meeting = newRate(n(totals.MeetYes), n(totals.MeetDen), n(totals.MeetPeople), noAnswers)
	values := func(family string, cycle int, none string) []RoleValue {
		name := func(s string) string {
			if cycle > 0 {
				return totals.Cycle(cycle, s)
			}
			return s
		}
		out := make([]RoleValue, 0, len(Roles))
		for _, r := range Roles {
			a := Average{People: n(name(totals.People(family, r)))}
			for i := range a.Counts {
				a.Counts[i] = n(name(totals.Rating(family, r, i+1)))
			}
			a.Withheld = withheldReason(a.People, none)
			if a.People == 0 {
				a = Average{Withheld: none}
			}
			out = append(out, RoleValue{Role: r, Value: a})
		}
		return out
	}
	f.Value = values(totals.Value, 0, noRatings)
	f.ProgrammeValue = values(totals.ProgVal, 0, noRatings)
	for _, k := range v.Cycles() {
		c := func(s string) int { return n(totals.Cycle(k, s)) }
		p := Point{Cycle: k,
			Response: newRate(c(totals.RespNum), c(totals.RespDen), c(totals.RespPeople), noCheckIns),
			Meeting:  newRate(c(totals.MeetYes), c(totals.MeetDen), c(totals.MeetPeople), noAnswers),
			Value:    values(totals.Value, k, noRatings),
		}
		if first, ok := v.First[strconv.Itoa(k)]; ok && c(totals.RespDen) > 0 {
			p.First = time.Unix(first, 0).UTC()
		}
		f.Trend = append(f.Trend, p)
	}
	paired, seniors, said := n(totals.Paired), n(totals.PairedSenior), n(totals.AppliedSaid)
	f.Impact = Impact{
		GoalsSet:      newRate(n(totals.GoalsPeople), paired, paired, noGoals),
		Progress:      values(totals.Progress, 0, noProgress),
		Applied:       newRate(said, seniors, seniors, noGoals),
		SharedApplied: newRate(n(totals.AppliedShare), said, said, noApplied),
		Recognised:    newRate(n(totals.AppliedRecog), said, said, noApplied),
	}
	return f
}
