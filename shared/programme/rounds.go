package programme

import "time"

// RoundHour is when scheduled rounds run (UTC), before anyone's morning
// check-ins in Europe and after the Americas' working day.
const RoundHour = 6

// MinPairRunway is the least time a new pair should have before
// the programme ends for a round to be worth starting.
const MinPairRunway = 28 * 24 * time.Hour

// RoundSlot returns when scheduled round k (0 = the programme's first day)
// runs, and whether the programme has such a round at all.
func (p Programme) RoundSlot(k int) (time.Time, bool) {
	if k < 0 {
		return time.Time{}, false
	}
	start := p.Start().Add(RoundHour * time.Hour)
	var at time.Time
	switch p.MatchingMode {
	case ModeRolling:
		at = start.AddDate(0, 0, k*p.RoundCadence.Days())
	case ModeRotation:
		at = start.AddDate(0, k*p.RotationMonths, 0)
	default:
		return time.Time{}, false
	}
	if at.Add(MinPairRunway).After(p.End().Add(24 * time.Hour)) {
		return time.Time{}, false
	}
	return at, true
}

// LatestRound is the last round slot at or before now (-1: none yet).
func (p Programme) LatestRound(now time.Time) int {
	latest := -1
	for k := 0; ; k++ {
		at, ok := p.RoundSlot(k)
		if !ok || at.After(now) {
			return latest
		}
		latest = k
	}
}

// NextRound is when the first scheduled round after now runs, if the
// programme holds one: a pair that ends now waits for it, or, when there
// is none (a one-cohort programme, or too close to the end), for the
// coordinator.
func (p Programme) NextRound(now time.Time) (time.Time, bool) {
	return p.RoundSlot(p.LatestRound(now) + 1)
}
