package health

import (
	"fmt"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/store"
)

// The seeded programme: biweekly check-ins from Monday 4 January 2027, so
// check-in k goes out in the morning window (08:30-11:00, each pair at its own minute) local time on 18 Jan, 1 Feb, 15 Feb, 1 Mar…
// "Now" is Monday 1 March 12:00 UTC: check-in 4 has reached everyone in
// UTC, but not j1 in New York (08:30-11:00 there is 13:30-16:00 UTC).
var (
	progStart = time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)
	now       = time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
)

func day(month time.Month, d, hour int) time.Time {
	return time.Date(2027, month, d, hour, 0, 0, 0, time.UTC)
}

// sent is when a check-in of the pair went out on that day in UTC: the
// pair's own minute of the morning window.
func sent(pairID string, month time.Month, d int) time.Time {
	return schedule.MorningAt(time.Date(2027, month, d, 0, 0, 0, 0, time.UTC), time.UTC, schedule.Spread(pairID))
}

// firstSent is the earliest of the seeded pairs' check-ins that day.
func firstSent(month time.Month, d int) time.Time {
	first := sent("p1", month, d)
	for _, id := range []string{"p2", "p3", "p4", "p5", "p6"} {
		if t := sent(id, month, d); t.Before(first) {
			first = t
		}
	}
	return first
}

func testProgramme() programme.Programme {
	p := programme.New(progStart)
	p.ID, p.Name = "00000000000000a1", "Seeded"
	p.StartDate, p.EndDate = "2027-01-04", "2027-06-25"
	p.CheckInCadence = programme.Biweekly
	return p
}

func person(id string, role programme.Role, status programme.Status) programme.Participant {
	return programme.Participant{ID: id, ProgrammeID: "00000000000000a1", Email: id + "@example.org", Name: id, Role: role, Status: status}
}

func pair(id, senior, junior string, state programme.PairState) programme.Pair {
	return programme.Pair{ID: id, ProgrammeID: "00000000000000a1", SeniorID: senior, JuniorID: junior, State: state, StartDate: "2027-01-04"}
}

// ans is one answer: met is "y", "n" or "" (not answered), rating 0 = none.
func ans(pairID, who string, role programme.Role, cycle int, met string, rating int) store.Answer {
	a := store.Answer{ProgrammeID: "00000000000000a1", PairID: pairID, ParticipantID: who, Role: role, Cycle: cycle, Kind: "checkin",
		At: progStart.AddDate(0, 0, 14*cycle+1)}
	switch met {
	case "y", "n":
		b := met == "y"
		a.Met = &b
	case "":
	default:
		panic(fmt.Sprintf("met %q", met))
	}
	if rating > 0 {
		a.Rating = &rating
	}
	return a
}

const (
	S = programme.Senior
	J = programme.Junior
)

// seeded is the programme the hand-computed expectations are about:
//
//	p1 s1+j1 active   both met at every check-in; j1 is in New York
//	p2 s2+j2 active   met at 1 only: stalled (just nudged); s2 silent for 3, 4;
//	                  mail to j2 bounced
//	p3 s3+j3 paused   since 10 Feb: check-ins 3 and 4 were held
//	p4 s4+j4 stopped  on 5 Feb: asked 1 and 2 only; j4 stopped all email
//	p5 s5+j5 active   never answered: stalled after the nudge; s5's address
//	                  is on the suppression list (a complaint elsewhere)
//	p6 s6+j6 active   met every time; j6 asked for a rematch
//	s7 is enrolled (invited) and not in a pair.
func seeded() Input {
	ny := person("j1", J, programme.OptedIn)
	ny.TimeZone = "America/New_York"
	j2 := person("j2", J, programme.Bounced)
	j2.StatusNote, j2.MailProblem, j2.MailProblemAt = "Email address bounced (5.1.1)", "Email address bounced (5.1.1)", day(2, 20, 8)
	people := []programme.Participant{
		person("s1", S, programme.OptedIn), ny,
		person("s2", S, programme.OptedIn), j2,
		person("s3", S, programme.OptedIn), person("j3", J, programme.OptedIn),
		person("s4", S, programme.OptedIn), person("j4", J, programme.Stopped),
		person("s5", S, programme.OptedIn), person("j5", J, programme.OptedIn),
		person("s6", S, programme.OptedIn), person("j6", J, programme.OptedIn),
		person("s7", S, programme.Invited),
	}
	p1 := pair("p1", "s1", "j1", programme.PairActive)
	p1.LastMetCycle = 4
	p2 := pair("p2", "s2", "j2", programme.PairActive)
	p2.LastMetCycle, p2.LastMetAt = 1, day(1, 18, 10)
	p3 := pair("p3", "s3", "j3", programme.PairPaused)
	p3.LastMetCycle, p3.PausedAt = 1, day(2, 10, 8)
	p4 := pair("p4", "s4", "j4", programme.PairStopped)
	p4.EndedAt, p4.UpdatedAt = day(2, 5, 10), day(2, 5, 10)
	p4.Attention, p4.AttentionReason = true, "One of the pair stopped all programme email; the other needs a new pair"
	p5 := pair("p5", "s5", "j5", programme.PairActive)
	p5.Attention, p5.AttentionReason = true, "No meeting reported for three check-ins"
	p6 := pair("p6", "s6", "j6", programme.PairActive)
	p6.LastMetCycle = 4
	p6.RematchRequestedBy, p6.RematchRequestedAt = "j6", day(2, 20, 8)
	p6.Attention, p6.AttentionReason = true, "Rematch requested by the junior"

	answers := []store.Answer{
		ans("p1", "s1", S, 1, "y", 4), ans("p1", "s1", S, 2, "y", 4), ans("p1", "s1", S, 3, "y", 5), ans("p1", "s1", S, 4, "y", 5),
		ans("p1", "j1", J, 1, "y", 5), ans("p1", "j1", J, 2, "y", 5), ans("p1", "j1", J, 3, "y", 5),
		ans("p2", "s2", S, 1, "y", 3), ans("p2", "s2", S, 2, "n", 0),
		ans("p2", "j2", J, 1, "y", 4), ans("p2", "j2", J, 2, "n", 0), ans("p2", "j2", J, 3, "n", 0), ans("p2", "j2", J, 4, "n", 0),
		ans("p3", "s3", S, 1, "y", 2), ans("p3", "j3", J, 1, "y", 3),
		ans("p4", "s4", S, 1, "n", 1),
		ans("p6", "s6", S, 1, "y", 3), ans("p6", "s6", S, 2, "y", 3), ans("p6", "s6", S, 3, "y", 3), ans("p6", "s6", S, 4, "y", 3),
		ans("p6", "j6", J, 1, "y", 2), ans("p6", "j6", J, 2, "y", 0), ans("p6", "j6", J, 3, "y", 0),
	}
	return Input{Programme: testProgramme(), Participants: people, Pairs: []programme.Pair{p1, p2, p3, p4, p5, p6}, Answers: answers, Now: now}
}
