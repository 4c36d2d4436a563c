package health

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
)

func shown(num, den, people int) Rate { return Rate{Num: num, Den: den, People: people} }

func hidden(num, den, people int) Rate {
	return Rate{Num: num, Den: den, People: people, Withheld: withheldReason(people, "")}
}

func avg(people int, counts ...int) Average {
	a := Average{People: people, Withheld: withheldReason(people, noRatings)}
	copy(a.Counts[:], counts)
	return a
}

func roles(senior, junior Average) []RoleValue {
	return []RoleValue{{programme.Senior, senior}, {programme.Junior, junior}}
}

var noneYet = avg(0)

// TestSeededProgrammeFigures holds Compute to figures worked out by hand
// from the seeded programme (see seeded for the story of each pair).
func TestSeededProgrammeFigures(t *testing.T) {
	got := Compute(seeded())
	want := Figures{
		Now: now,
		Participation: Participation{
			Enrolled: 13, Seniors: 7, Juniors: 6, Paired: 12,
			ByStatus: []StatusCount{{programme.Invited, 1}, {programme.OptedIn, 10}, {programme.Declined, 0}, {programme.Paused, 0}, {programme.Bounced, 1}, {programme.Stopped, 1}},
		},
		Pairs:  6,
		States: []StateCount{{"active", 2}, {"stalled", 2}, {"paused", 1}, {"ended", 0}, {"rematched", 0}, {"stopped", 1}},
		// Asked: p1 4+3 (j1's fourth is still on its way), p2 8, p3 2+2
		// (3 and 4 held), p4 2+2 (stopped before 3), p5 8, p6 8 = 39.
		// Answered: p1 7, p2 2+4, p3 2, p4 1, p5 0, p6 4+3 = 23, by all 12.
		Response: shown(23, 39, 12),
		// Pair-cycles with a meeting answer: p1 4 (all yes), p2 4 (yes at 1),
		// p3 1 (yes), p4 1 (no), p6 4 (yes) = 14, 10 yes, from 9 people.
		Meeting: shown(10, 14, 9),
		// Seniors s1 4,4,5,5 s2 3 s3 2 s4 1 s6 3,3,3,3: five people.
		// Juniors j1 5,5,5 j2 4 j3 3 j6 2: four people, so withheld.
		Value:          roles(avg(5, 1, 1, 5, 2, 2), avg(4, 0, 1, 1, 1, 3)),
		ProgrammeValue: roles(noneYet, noneYet),
		Trend: []Point{
			{Cycle: 1, First: firstSent(1, 18), Response: shown(9, 12, 12), Meeting: shown(4, 5, 9),
				Value: roles(avg(5, 1, 1, 2, 1, 0), avg(4, 0, 1, 1, 1, 1))},
			{Cycle: 2, First: firstSent(2, 1), Response: shown(6, 12, 12), Meeting: shown(2, 3, 6),
				Value: roles(avg(2, 0, 0, 1, 1, 0), avg(1, 0, 0, 0, 0, 1))},
			{Cycle: 3, First: firstSent(2, 15), Response: shown(5, 8, 8), Meeting: shown(2, 3, 5),
				Value: roles(avg(2, 0, 0, 1, 0, 1), avg(1, 0, 0, 0, 0, 1))},
			// Three people answered the fourth meeting question: withheld.
			{Cycle: 4, First: firstSent(3, 1), Response: shown(3, 7, 7), Meeting: hidden(2, 3, 3),
				Value: roles(avg(2, 0, 0, 1, 0, 1), noneYet)},
		},
		// Nobody has told us a goal or what they applied yet.
		Impact: Impact{
			GoalsSet: shown(0, 12, 12),
			Progress: []RoleValue{{programme.Senior, Average{Withheld: noProgress}}, {programme.Junior, Average{Withheld: noProgress}}},
			Applied:  shown(0, 6, 6), SharedApplied: Rate{Withheld: noApplied}, Recognised: Rate{Withheld: noApplied},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("figures (-want +got):\n%s", diff)
	}
	// The expectations above state the rule through withheldReason; state
	// it here independently of it too.
	if got.Value[1].Value.Shown() || got.Trend[3].Meeting.Shown() || !got.Value[0].Value.Shown() || !got.Trend[2].Meeting.Shown() {
		t.Error("the four-people figures must be withheld and the five-people ones shown")
	}
	if p := got.Response.Percent(); p != 59 {
		t.Errorf("response rate = %d%%, want 59%% (23/39)", p)
	}
	if p := got.Meeting.Percent(); p != 71 {
		t.Errorf("meeting rate = %d%%, want 71%% (10/14)", p)
	}
	if m := got.Value[0].Value.Mean(); math.Abs(m-36.0/11) > 1e-9 {
		t.Errorf("senior value = %v, want 36/11", m)
	}
}

// TestFewerThanFivePeopleAreWithheld checks the rule at its edge for each
// kind of figure: four people withheld with a reason, five shown.
func TestFewerThanFivePeopleAreWithheld(t *testing.T) {
	type figure func(Figures) (shown bool, reason string)
	meeting := func(f Figures) (bool, string) { return f.Meeting.Shown(), f.Meeting.Withheld }
	response := func(f Figures) (bool, string) { return f.Response.Shown(), f.Response.Withheld }
	seniorValue := func(f Figures) (bool, string) { return f.Value[0].Value.Shown(), f.Value[0].Value.Withheld }
	firstCycleValue := func(f Figures) (bool, string) {
		return f.Trend[0].Value[0].Value.Shown(), f.Trend[0].Value[0].Value.Withheld
	}

	// n seniors, each in their own pair with one junior j who mentors them
	// all (capacity), so n+1 people are asked.
	programmeOf := func(seniors int, answers func(i int, pairID, senior string) []store.Answer) Input {
		in := Input{Programme: testProgramme(), Now: now}
		in.Participants = append(in.Participants, person("j", J, programme.OptedIn))
		for i := 0; i < seniors; i++ {
			sid, pid := "s"+string(rune('a'+i)), "p"+string(rune('a'+i))
			in.Participants = append(in.Participants, person(sid, S, programme.OptedIn))
			p := pair(pid, sid, "j", programme.PairActive)
			in.Pairs = append(in.Pairs, p)
			in.Answers = append(in.Answers, answers(i, pid, sid)...)
		}
		return in
	}
	rateAtCycle1 := func(i int, pairID, senior string) []store.Answer {
		return []store.Answer{ans(pairID, senior, S, 1, "y", 1+i%5)}
	}
	tests := []struct {
		name       string
		in         Input
		figure     figure
		wantShown  bool
		wantReason string
	}{
		{"meeting: 4 people answered", programmeOf(4, rateAtCycle1), meeting, false, "only 4 people are behind this figure"},
		{"meeting: 5 people answered", programmeOf(5, rateAtCycle1), meeting, true, ""},
		{"value: 4 seniors rated", programmeOf(4, rateAtCycle1), seniorValue, false, "only 4 people are behind this figure"},
		{"value: 5 seniors rated", programmeOf(5, rateAtCycle1), seniorValue, true, ""},
		{"trend point: 4 seniors rated check-in 1", programmeOf(4, rateAtCycle1), firstCycleValue, false, "only 4 people"},
		{"trend point: 5 seniors rated check-in 1", programmeOf(5, rateAtCycle1), firstCycleValue, true, ""},
		// Four ratings from one person are still one person.
		{"value: one senior rated four times", programmeOf(1, func(i int, pairID, senior string) []store.Answer {
			return []store.Answer{ans(pairID, senior, S, 1, "", 5), ans(pairID, senior, S, 2, "", 5), ans(pairID, senior, S, 3, "", 5), ans(pairID, senior, S, 4, "", 5)}
		}), seniorValue, false, "only 1 person is behind this figure"},
		// 3 seniors and their junior are 4 people asked; 4 seniors make 5.
		{"response: 4 people asked", programmeOf(3, rateAtCycle1), response, false, "only 4 people"},
		{"response: 5 people asked", programmeOf(4, rateAtCycle1), response, true, ""},
		{"meeting: nobody answered", programmeOf(6, func(int, string, string) []store.Answer { return nil }), meeting, false, "No answers yet."},
		{"value: nobody rated", programmeOf(6, func(int, string, string) []store.Answer { return nil }), seniorValue, false, "No ratings yet."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Compute(tt.in)
			ok, reason := tt.figure(f)
			if ok != tt.wantShown {
				t.Errorf("shown = %v, want %v (reason %q)", ok, tt.wantShown, reason)
			}
			if tt.wantShown && reason != "" {
				t.Errorf("shown with a reason %q", reason)
			}
			if !tt.wantShown && !strings.Contains(reason, tt.wantReason) {
				t.Errorf("reason = %q, want it to say %q", reason, tt.wantReason)
			}
		})
	}
}

func TestAskedCycles(t *testing.T) {
	base := func() Input {
		return Input{Programme: testProgramme(), Now: now,
			Participants: []programme.Participant{person("s", S, programme.OptedIn), person("j", J, programme.OptedIn)}}
	}
	tests := []struct {
		name string
		pair func(p *programme.Pair)
		now  func(in *Input)
		want int // person-cycles asked
	}{
		{"active: four check-ins each", nil, nil, 8},
		{"approved late: counts from its own start", func(p *programme.Pair) { p.StartDate = "2027-02-01" }, nil, 4},
		{"paused on 10 Feb, still paused", func(p *programme.Pair) { p.State, p.PausedAt = programme.PairPaused, day(2, 10, 8) }, nil, 4},
		{"paused on 10 Feb, resumed on 20 Feb", func(p *programme.Pair) { p.PausedAt, p.ResumedAt = day(2, 10, 8), day(2, 20, 8) }, nil, 6},
		{"paused before Upward recorded pauses", func(p *programme.Pair) { p.State = programme.PairPaused }, nil, 8},
		{"ended on 5 Feb while paused since 20 Jan", func(p *programme.Pair) {
			p.State, p.EndedAt, p.PausedAt = programme.PairEnded, day(2, 5, 10), day(1, 20, 8)
		}, nil, 2},
		{"rematched on 16 Feb", func(p *programme.Pair) { p.State, p.EndedAt = programme.PairRematched, day(2, 16, 0) }, nil, 6},
		{"before the first check-in", nil, func(in *Input) { in.Now = day(1, 18, 8) }, 0},
		{"the first check-in's minute", nil, func(in *Input) { in.Now = sent("p", 1, 18) }, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			p := pair("p", "s", "j", programme.PairActive)
			if tt.pair != nil {
				tt.pair(&p)
			}
			in.Pairs = []programme.Pair{p}
			if tt.now != nil {
				tt.now(&in)
			}
			if got := Compute(in).Response.Den; got != tt.want {
				t.Errorf("asked = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestClosingSurveyIsProgrammeValueNotTrend(t *testing.T) {
	in := Input{Programme: testProgramme(), Now: day(6, 26, 12)}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		in.Participants = append(in.Participants, person("s"+id, S, programme.OptedIn), person("j"+id, J, programme.OptedIn))
		p := pair("p"+id, "s"+id, "j"+id, programme.PairEnded)
		p.EndedAt = day(6, 25, 10)
		in.Pairs = append(in.Pairs, p)
		closing := schedule.NewPlan(in.Programme, p).Closing()
		a := ans("p"+id, "s"+id, S, closing, "y", 5)
		a.Kind = "closing"
		in.Answers = append(in.Answers, a)
	}
	f := Compute(in)
	if v := f.ProgrammeValue[0].Value; !v.Shown() || v.Mean() != 5 || v.N() != 5 {
		t.Errorf("senior programme value = %+v, want five 5s shown", v)
	}
	if v := f.Value[0].Value; v.N() != 0 {
		t.Errorf("closing ratings leaked into check-in value: %+v", v)
	}
	for _, p := range f.Trend {
		if p.Meeting.Den != 0 {
			t.Errorf("closing answers counted in the trend at cycle %d", p.Cycle)
		}
	}
	if f.Meeting.Den != 5 || f.Meeting.Num != 5 {
		t.Errorf("meeting = %+v, want the closing's five YESes counted", f.Meeting)
	}
}

func TestARotationRoundsEndSurveyIsAFinalSurvey(t *testing.T) {
	in := Input{Programme: testProgramme(), Now: now}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		in.Participants = append(in.Participants, person("s"+id, S, programme.OptedIn), person("j"+id, J, programme.OptedIn))
		p := pair("p"+id, "s"+id, "j"+id, programme.PairEnded)
		p.EndedAt = day(2, 2, 6) // the round ended after check-in 2
		in.Pairs = append(in.Pairs, p)
		// Check-in 1: met, rated 2. The round's end (round 1): met, rated 5.
		in.Answers = append(in.Answers, ans("p"+id, "s"+id, S, 1, "y", 2))
		end := ans("p"+id, "s"+id, S, 1, "y", 5)
		end.Kind = "round_end"
		in.Answers = append(in.Answers, end)
	}
	f := Compute(in)
	if v := f.Value[0].Value; v.Mean() != 2 || v.N() != 5 {
		t.Errorf("check-in value = %v from %d ratings, want 2 from 5: the round's end is not a check-in", v.Mean(), v.N())
	}
	if v := f.ProgrammeValue[0].Value; v.Mean() != 5 || v.N() != 5 {
		t.Errorf("final value = %v from %d, want the round ends' 5 from 5", v.Mean(), v.N())
	}
	// Ten pair-cycles with a meeting: check-in 1 and the round's end apart.
	if f.Meeting.Den != 10 || len(f.Trend) != 2 || f.Trend[0].Meeting.Den != 5 {
		t.Errorf("meeting = %+v, trend %+v", f.Meeting, f.Trend)
	}
	for _, h := range Pairs(in) {
		if len(h.Cycles) != 2 || h.Meetings() != 1 {
			t.Errorf("pair %s: %+v", h.Pair.ID, h.Cycles)
		}
	}
}

// TestImpactFigures: goals and applied answers count by person, paired
// people only, and every rate and average needs five people behind it.
func TestImpactFigures(t *testing.T) {
	in := seeded()
	var goals []store.GoalFigure
	var applied []store.AppliedFigure
	for i, p := range in.Pairs {
		// Every senior and five juniors set a goal; progress 2..5.
		goals = append(goals, store.GoalFigure{ParticipantID: p.SeniorID, Role: programme.Senior, Progress: 2 + i%4})
		if i < 5 {
			goals = append(goals, store.GoalFigure{ParticipantID: p.JuniorID, Role: programme.Junior, Progress: 3})
		}
		// Five seniors said what they applied; three shared it, one with
		// the manager too.
		if i < 5 {
			applied = append(applied, store.AppliedFigure{SeniorID: p.SeniorID, JuniorID: p.JuniorID, Shared: i < 3, Recognised: i == 0})
		}
	}
	// A goal of someone no longer in any pair (erased) does not count.
	goals = append(goals, store.GoalFigure{ParticipantID: store.ErasedPrefix + "x", Role: programme.Junior, Progress: 1})
	in.Goals, in.Applied = goals, applied
	im := Compute(in).Impact
	if im.GoalsSet != shown(11, 12, 12) {
		t.Errorf("goals set: %+v, want 11 of the 12 paired", im.GoalsSet)
	}
	// Seniors' progress 2,3,4,5,2,3 (six people); juniors 3 x5 (five).
	if s := im.Progress[0].Value; !s.Shown() || s.People != 6 || s.Counts != [5]int{0, 2, 2, 1, 1} {
		t.Errorf("seniors' progress: %+v", s)
	}
	if j := im.Progress[1].Value; !j.Shown() || j.People != 5 || j.Mean() != 3 {
		t.Errorf("juniors' progress: %+v", j)
	}
	if im.Applied != shown(5, 6, 6) || im.SharedApplied != hidden(3, 5, 5) && im.SharedApplied != shown(3, 5, 5) {
		t.Errorf("applied %+v, shared %+v", im.Applied, im.SharedApplied)
	}
	if !im.SharedApplied.Shown() || im.Recognised != shown(1, 5, 5) {
		t.Errorf("shared %+v, recognised %+v: five seniors answered, so both are shown", im.SharedApplied, im.Recognised)
	}
	// Four answers only: every share of them is withheld.
	in.Applied = applied[:4]
	im = Compute(in).Impact
	if im.SharedApplied.Shown() || im.Recognised.Shown() || !im.Applied.Shown() {
		t.Errorf("with four answers: shared %+v, recognised %+v, applied %+v", im.SharedApplied, im.Recognised, im.Applied)
	}
}
