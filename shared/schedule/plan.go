// Package schedule decides which programme emails fall due and when: the
// check-ins at each pair's cadence, in each person's morning on a weekday,
// the nudges for stalled pairs, and the midpoint and closing surveys. The
// tick (an EventBridge schedule in AWS, a timer locally) runs it.
package schedule

import (
	"hash/fnv"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// Scheduled email reaches people in their morning, in their time zone:
// each pair at its own minute between MorningStart and MorningStart +
// MorningWindow (08:30 to 11:00), so a programme's emails do not all fall
// due in the same minute.
const (
	MorningStart  = 8*time.Hour + 30*time.Minute
	MorningWindow = 150 * time.Minute
)

// Spread is a pair's minute in the morning window, the same every time
// for the same pair.
func Spread(pairID string) time.Duration {
	h := fnv.New32a()
	h.Write([]byte(pairID))
	return time.Duration(h.Sum32()%uint32(MorningWindow/time.Minute)) * time.Minute
}

// lastCheckInGap keeps a check-in from landing in the same week as the
// closing survey.
const lastCheckInGap = 7 * 24 * time.Hour

// Plan is a pair's calendar: check-in k falls CadenceDays*k days after the
// pair's start, the closing survey on the programme's last day.
type Plan struct {
	Start, End  time.Time // dates at 00:00 UTC
	CadenceDays int
	// Cycles is the number of check-ins; cycle Cycles+1 is the closing.
	Cycles int
	// Midpoint is the check-in replaced by the midpoint survey (0: none).
	Midpoint int
	// Offset is the pair's minute after MorningStart (Spread).
	Offset time.Duration
}

// NewPlan lays out a pair's calendar within its programme.
func NewPlan(prog programme.Programme, pair programme.Pair) Plan {
	p := Plan{Start: pair.Start(), End: prog.End(), CadenceDays: prog.CheckInCadence.Days(), Offset: Spread(pair.ID)}
	if p.CadenceDays <= 0 {
		p.CadenceDays = 14
	}
	if p.Start.Before(prog.Start()) {
		p.Start = prog.Start()
	}
	for k := 1; ; k++ {
		if p.date(k).After(p.End.Add(-lastCheckInGap)) {
			break
		}
		p.Cycles = k
	}
	if p.Cycles >= 3 {
		mid := p.Start.Add(p.End.Sub(p.Start) / 2)
		best := time.Duration(1 << 62)
		for k := 1; k <= p.Cycles; k++ {
			d := p.date(k).Sub(mid)
			if d < 0 {
				d = -d
			}
			if d < best {
				best, p.Midpoint = d, k
			}
		}
	}
	return p
}

func (p Plan) date(k int) time.Time { return p.Start.AddDate(0, 0, k*p.CadenceDays) }

// Closing is the cycle number of the closing survey.
func (p Plan) Closing() int { return p.Cycles + 1 }

// Date is the calendar day of cycle k (the closing's is the programme's end).
func (p Plan) Date(k int) time.Time {
	if k >= p.Closing() {
		return p.End
	}
	return p.date(k)
}

// Kind is what cycle k sends when nothing is stalled.
func (p Plan) Kind(k int) sendqueue.Kind {
	switch {
	case k >= p.Closing():
		return sendqueue.KindClosing
	case k == p.Midpoint:
		return sendqueue.KindMidpoint
	}
	return sendqueue.KindCheckIn
}

// Delivery is when cycle k reaches someone in loc: the pair's minute of
// the morning on the cycle's day, or on the Monday after when that day is
// a weekend.
func (p Plan) Delivery(k int, loc *time.Location) time.Time {
	return MorningAt(p.Date(k), loc, p.Offset)
}

// Morning is the start of the morning window on day d in loc, moved to
// Monday from a weekend.
func Morning(d time.Time, loc *time.Location) time.Time { return MorningAt(d, loc, 0) }

// MorningAt is offset into the morning window on day d in loc, moved to
// Monday from a weekend.
func MorningAt(d time.Time, loc *time.Location, offset time.Duration) time.Time {
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, 2)
	case time.Sunday:
		d = d.AddDate(0, 0, 1)
	}
	at := MorningStart + offset
	return time.Date(d.Year(), d.Month(), d.Day(), int(at/time.Hour), int(at%time.Hour/time.Minute), 0, 0, loc).UTC()
}

// NextMorning is the pair's minute of the first weekday morning in loc on
// a later day than t: where a scheduled email goes when its own day's
// sending quota is planned full.
func (p Plan) NextMorning(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	next := time.Date(local.Year(), local.Month(), local.Day()+1, 12, 0, 0, 0, time.UTC)
	return MorningAt(next, loc, p.Offset)
}

// LatestDue is the last cycle whose delivery in loc is at or before now,
// or 0 when none is. After a long outage the tick sends only this one
// rather than every check-in it missed.
func (p Plan) LatestDue(loc *time.Location, now time.Time) int {
	latest := 0
	for k := 1; k <= p.Closing(); k++ {
		if p.Delivery(k, loc).After(now) {
			break
		}
		latest = k
	}
	return latest
}

// Stall says whether a pair is stalled at cycle k and for how many cycles:
// no meeting reported across the two check-ins before k (which includes not
// replying at all). n is 0 on the first stalled cycle.
// The rule itself is programme.Pair.StallAt, so that the running totals
// (shared/totals) count stalled pairs by it too.
func Stall(pair programme.Pair, k int) (stalled bool, n int) { return pair.StallAt(k) }

// KindFor is what person role receives at cycle k: the plan's kind, except
// that a stalled pair's senior gets a nudge first (senior commitment is the
// main reason reverse mentoring fails), and the junior one cycle later.
func KindFor(p Plan, pair programme.Pair, role programme.Role, k int) sendqueue.Kind {
	kind := p.Kind(k)
	if kind == sendqueue.KindClosing {
		return kind
	}
	stalled, n := Stall(pair, k)
	switch {
	case stalled && n == 0 && role == programme.Senior:
		return sendqueue.KindNudge
	case stalled && n == 1 && role == programme.Junior:
		return sendqueue.KindNudge
	}
	return kind
}
