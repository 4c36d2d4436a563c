package health

import (
	"fmt"
	"testing"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// largeInput is a programme of n pairs four check-ins in, as the web
// benchmark seeds it: every tenth pair silent, one check-in in four
// unanswered.
func largeInput(n int) Input {
	in := Input{Programme: testProgramme(), Now: now}
	for i := 0; i < n; i++ {
		s, j := person(fmt.Sprintf("s%05d", i), S, programme.OptedIn), person(fmt.Sprintf("j%05d", i), J, programme.OptedIn)
		s.TimeZone, j.TimeZone = "Europe/London", "Europe/Lisbon"
		in.Participants = append(in.Participants, s, j)
		p := pair(fmt.Sprintf("p%05d", i), s.ID, j.ID, programme.PairActive)
		for k := 1; k <= 4 && i%10 != 0; k++ {
			for side, who := range []programme.Participant{s, j} {
				if (i+k+side)%4 == 0 {
					continue
				}
				met := "y"
				if (i+k)%5 == 0 {
					met = "n"
				} else {
					p.LastMetCycle = k
				}
				in.Answers = append(in.Answers, ans(p.ID, who.ID, who.Role, k, met, 1+(i*7+k*3+side)%5))
			}
		}
		in.Pairs = append(in.Pairs, p)
	}
	return in
}

// BenchmarkCompute5000Pairs is the figures' share of the dashboard's time.
func BenchmarkCompute5000Pairs(b *testing.B) {
	in := largeInput(5000)
	for b.Loop() {
		Compute(in)
	}
}

func BenchmarkConcerns5000Pairs(b *testing.B) {
	in := largeInput(5000)
	for b.Loop() {
		Concerns(in, Extras{Suppressed: map[string]store.Suppression{}})
	}
}
