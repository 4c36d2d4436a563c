package schedule

import (
	"fmt"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

func prog(start, end string, cadence programme.Cadence) programme.Programme {
	p := programme.New(time.Now())
	p.StartDate, p.EndDate, p.CheckInCadence = start, end, cadence
	return p
}

func pair(start string) programme.Pair {
	return programme.Pair{StartDate: start, State: programme.PairActive}
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestPlanCyclesMidpointAndClosing(t *testing.T) {
	// 2027-01-04 is a Monday; 26 weeks, biweekly check-ins.
	p := NewPlan(prog("2027-01-04", "2027-07-02", programme.Biweekly), pair("2027-01-04"))
	if p.Cycles != 12 {
		t.Errorf("cycles = %d, want 12 (the 13th would fall within a week of the end)", p.Cycles)
	}
	if p.Midpoint != 6 {
		t.Errorf("midpoint = %d, want 6", p.Midpoint)
	}
	if got := p.Date(1).Format(programme.DateLayout); got != "2027-01-18" {
		t.Errorf("first check-in on %s, want 2027-01-18", got)
	}
	if p.Kind(p.Closing()) != sendqueue.KindClosing || !p.Date(p.Closing()).Equal(p.End) {
		t.Errorf("closing = cycle %d on %v", p.Closing(), p.Date(p.Closing()))
	}
	short := NewPlan(prog("2027-01-04", "2027-02-15", programme.Biweekly), pair("2027-01-04"))
	if short.Midpoint != 0 || short.Cycles != 2 {
		t.Errorf("six-week programme: %d cycles, midpoint %d; want 2 and none", short.Cycles, short.Midpoint)
	}
	late := NewPlan(prog("2027-01-04", "2027-07-02", programme.Biweekly), pair("2026-12-01"))
	if !late.Start.Equal(late.End.AddDate(0, 0, -179)) {
		t.Errorf("a pair approved before the start counts from the programme's start, got %v", late.Start)
	}
}

func TestTheMorningWindowStartsAtHalfPastEightOnAWeekday(t *testing.T) {
	tests := []struct {
		day  string
		zone string
		want string // UTC
	}{
		{"2027-01-18", "Europe/Lisbon", "2027-01-18T08:30:00Z"},       // Monday, UTC+0 in winter
		{"2027-01-18", "America/New_York", "2027-01-18T13:30:00Z"},    // UTC-5
		{"2027-01-18", "Asia/Tokyo", "2027-01-17T23:30:00Z"},          // UTC+9
		{"2027-01-23", "Europe/Berlin", "2027-01-25T07:30:00Z"},       // Saturday -> Monday
		{"2027-01-24", "Europe/Berlin", "2027-01-25T07:30:00Z"},       // Sunday -> Monday
		{"2027-03-29", "Europe/Berlin", "2027-03-29T06:30:00Z"},       // after the switch to summer time
		{"2027-03-15", "America/Los_Angeles", "2027-03-15T15:30:00Z"}, // PDT
	}
	for _, tt := range tests {
		day, _ := time.Parse(programme.DateLayout, tt.day)
		got := Morning(day, mustLoc(t, tt.zone)).Format(time.RFC3339)
		if got != tt.want {
			t.Errorf("Morning(%s, %s) = %s, want %s", tt.day, tt.zone, got, tt.want)
		}
	}
}

func TestEachPairHasItsOwnMinuteOfTheMorning(t *testing.T) {
	lisbon := mustLoc(t, "Europe/Lisbon")
	minutes := map[time.Duration]int{}
	for i := 0; i < 2000; i++ {
		pr := pair("2027-01-04")
		pr.ID = fmt.Sprintf("pair-%d", i)
		p := NewPlan(prog("2027-01-04", "2027-07-02", programme.Weekly), pr)
		at := p.Delivery(1, lisbon)
		if at != p.Delivery(1, lisbon) || p.Offset != Spread(pr.ID) {
			t.Fatal("a pair's minute is not the same every time")
		}
		since := at.Sub(time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC))
		if since < MorningStart || since >= MorningStart+MorningWindow {
			t.Fatalf("pair %s at %s, outside 08:30-11:00", pr.ID, at)
		}
		minutes[since]++
		// Moved to the next morning: a weekday, at the same minute.
		next := p.NextMorning(at, lisbon)
		if next.Sub(at) != 24*time.Hour {
			t.Fatalf("next morning after Monday %s is %s", at, next)
		}
		if fri := p.NextMorning(at.AddDate(0, 0, 4), lisbon); fri.Weekday() != time.Monday || fri.Sub(at) != 7*24*time.Hour {
			t.Fatalf("the next morning after a Friday is %s", fri)
		}
	}
	// 2,000 pairs over 150 minutes: no minute takes more than a few percent.
	if len(minutes) < 140 {
		t.Errorf("2,000 pairs fall on %d minutes of 150", len(minutes))
	}
	for m, n := range minutes {
		if n > 40 {
			t.Errorf("%d pairs at %s", n, m)
		}
	}
}

func TestLatestDueSkipsMissedCycles(t *testing.T) {
	p := NewPlan(prog("2027-01-04", "2027-07-02", programme.Weekly), pair("2027-01-04"))
	lisbon := mustLoc(t, "Europe/Lisbon")
	tests := []struct {
		now  string
		want int
	}{
		{"2027-01-11T08:29:00Z", 0},
		{"2027-01-11T11:00:00Z", 1},
		{"2027-02-01T12:00:00Z", 4}, // three weeks missed: only the latest
		{"2027-12-01T00:00:00Z", p.Closing()},
	}
	for _, tt := range tests {
		now, _ := time.Parse(time.RFC3339, tt.now)
		if got := p.LatestDue(lisbon, now); got != tt.want {
			t.Errorf("LatestDue(%s) = %d, want %d", tt.now, got, tt.want)
		}
	}
}

func TestStalledPairsNudgeTheSeniorFirst(t *testing.T) {
	p := NewPlan(prog("2027-01-04", "2027-07-02", programme.Biweekly), pair("2027-01-04"))
	tests := []struct {
		name             string
		lastMet, resumed int
		k                int
		senior, junior   sendqueue.Kind
	}{
		{"early on nobody is stalled", 0, 0, 2, sendqueue.KindCheckIn, sendqueue.KindCheckIn},
		{"two check-ins without a meeting", 0, 0, 3, sendqueue.KindNudge, sendqueue.KindCheckIn},
		{"still stalled: the junior is nudged too", 0, 0, 4, sendqueue.KindCheckIn, sendqueue.KindNudge},
		{"met at cycle 3, fine at 5", 3, 0, 5, sendqueue.KindCheckIn, sendqueue.KindCheckIn},
		{"met at cycle 3, senior nudged at 6 (the midpoint)", 3, 0, 6, sendqueue.KindNudge, sendqueue.KindMidpoint},
		{"a pause restarts the count", 0, 4, 6, sendqueue.KindMidpoint, sendqueue.KindMidpoint},
		{"the closing is never replaced", 0, 0, p.Closing(), sendqueue.KindClosing, sendqueue.KindClosing},
	}
	for _, tt := range tests {
		pr := programme.Pair{LastMetCycle: tt.lastMet, ResumedCycle: tt.resumed}
		if got := KindFor(p, pr, programme.Senior, tt.k); got != tt.senior {
			t.Errorf("%s: senior gets %s, want %s", tt.name, got, tt.senior)
		}
		if got := KindFor(p, pr, programme.Junior, tt.k); got != tt.junior {
			t.Errorf("%s: junior gets %s, want %s", tt.name, got, tt.junior)
		}
	}
	// Met at 3: stalled from 6 (no meeting reported for cycles 4 and 5).
	if stalled, n := Stall(programme.Pair{LastMetCycle: 3}, 6); !stalled || n != 0 {
		t.Errorf("Stall(met 3, k 6) = %v %d, want stalled, first cycle", stalled, n)
	}
}
