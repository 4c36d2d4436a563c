package health

import (
	"fmt"
	"math"
)

// MinPeople is the fewest distinct people a rate, average or distribution
// is shown for.
const MinPeople = 5

// withheldReason says why a figure behind people people is not shown, or ""
// when it can be. none is the reason when nobody is behind it yet.
func withheldReason(people int, none string) string {
	switch {
	case people == 0:
		return none
	case people < MinPeople:
		return fmt.Sprintf("Withheld: only %d %s behind this figure. Figures are shown from %d people, so that nobody's answers can be read off them.",
			people, plural(people, "person is", "people are"), MinPeople)
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Rate is a share such as the meeting or response rate.
type Rate struct {
	Num, Den int
	// People is how many distinct people the rate is made of.
	People int
	// Withheld says why the rate is not shown ("" when it is).
	Withheld string
}

// Shown reports whether the rate may be shown.
func (r Rate) Shown() bool { return r.Withheld == "" }

// Share is Num/Den, 0 when there is nothing to divide.
func (r Rate) Share() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// Percent is the share in whole per cent, rounded half up.
func (r Rate) Percent() int { return int(math.Floor(r.Share()*100 + 0.5)) }

func newRate(num, den, people int, none string) Rate {
	return Rate{Num: num, Den: den, People: people, Withheld: withheldReason(people, none)}
}

// Average is a mean of 1–5 ratings with their distribution.
type Average struct {
	// Counts[i] is how many ratings of i+1 were given.
	Counts [5]int
	People int
	// Withheld says why the average and its distribution are not shown.
	Withheld string
}

// Shown reports whether the average and distribution may be shown.
func (a Average) Shown() bool { return a.Withheld == "" }

// N is the number of ratings.
func (a Average) N() int {
	n := 0
	for _, c := range a.Counts {
		n += c
	}
	return n
}

// Mean is the average rating, 0 when there is none.
func (a Average) Mean() float64 {
	n, sum := 0, 0
	for i, c := range a.Counts {
		n += c
		sum += (i + 1) * c
	}
	if n == 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// Shares are the distribution's shares of all ratings, 1 to 5.
func (a Average) Shares() [5]float64 {
	var out [5]float64
	n := a.N()
	if n == 0 {
		return out
	}
	for i, c := range a.Counts {
		out[i] = float64(c) / float64(n)
	}
	return out
}
