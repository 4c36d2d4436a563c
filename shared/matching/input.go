package matching

import (
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
)

// Input is everything one matching run needs. Nothing in it is read from
// storage here: the web page or the CLI loads it and hands it over.
type Input struct {
	// Programme supplies the weights, the optional rules
	// (RequireSharedLanguage, MaxTimezoneDiffHours) and JuniorCapacity.
	Programme programme.Programme
	// People are the opted-in seniors and juniors; Role picks the side.
	// The caller filters by status: everyone given here is matched.
	People []programme.Participant
	// Org is an optional org chart (employee_email, manager_email) that
	// also covers people who are not enrolled, so a reporting line that
	// runs through a manager outside the programme is still seen. The
	// participants' own ManagerEmail is used as well.
	Org []ReportsTo
	// History lists every earlier pair, from any programme; none repeats.
	// It must not contain the pairs under review (pass those as Locked).
	History []Pairing
	// NeverPair lists people who must never be paired, set by a
	// coordinator or by a participant's REMATCH. Order does not matter.
	NeverPair []Pairing
	// NotWith are participants' private preferences: hard rules whose
	// reasons never say whom they name.
	NotWith []NotWith
	// Forbidden lists the pairs a coordinator struck out in this review.
	Forbidden []Pairing
	// Locked lists pairs the coordinator kept: they stay as they are and
	// the rest is solved around them.
	Locked []Pairing
	// At is the instant at which time zones' UTC offsets are compared
	// (offsets move with daylight saving). Required when the programme
	// limits the time-zone difference.
	At time.Time
}

// Pairing names two people by email: a senior and a junior.
type Pairing struct {
	Senior string `json:"senior"`
	Junior string `json:"junior"`
}

// ReportsTo is one line of an org chart.
type ReportsTo struct {
	Employee string `json:"employee"`
	Manager  string `json:"manager"`
}

// DiversityPrefix marks the participant attributes that describe
// background; they count only when the programme's diversity weight is
// above zero. It is the enrolment CSV's column prefix, kept with the name.
const DiversityPrefix = "diversity_"

// normEmail is how emails are compared everywhere in matching.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// normWord is how departments, topics and the like are compared: case and
// spacing do not make two values different.
func normWord(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
