package health

import (
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
)

// Roles in the order figures list them.
var Roles = []programme.Role{programme.Senior, programme.Junior}

// State is a pair state as the dashboard counts it: the stored states plus
// "stalled", derived from active pairs.
type State string

// StateStalled is the derived state of an active pair that stopped meeting.
const StateStalled State = "stalled"

// States lists the states in the order the dashboard shows them.
var States = []State{
	State(programme.PairActive), StateStalled, State(programme.PairPaused),
	State(programme.PairEnded), State(programme.PairRematched), State(programme.PairStopped),
}

// Label is the state in words.
func (s State) Label() string {
	if s == StateStalled {
		return "Stalled"
	}
	return programme.PairState(s).Label()
}

// StateCount is how many pairs are in one state.
type StateCount struct {
	State State
	N     int
}

// StatusCount is how many participants have one status.
type StatusCount struct {
	Status programme.Status
	N      int
}

// Participation is who takes part.
type Participation struct {
	Enrolled         int
	Seniors, Juniors int
	// ByStatus lists every status, in programme.Statuses order.
	ByStatus []StatusCount
	// Paired is how many people are or were in a pair.
	Paired int
}

// RoleValue is a value figure for one role.
type RoleValue struct {
	Role  programme.Role
	Value Average
}

// Point is the figures of one check-in cycle across all pairs.
type Point struct {
	Cycle int
	// First is the day the cycle first went out to anyone.
	First    time.Time
	Meeting  Rate
	Response Rate
	Value    []RoleValue
}

// Figures are a programme's health at one moment.
type Figures struct {
	Now time.Time
	Participation
	Pairs  int
	States []StateCount
	// Meeting and Response cover every cycle so far, closing included.
	Meeting, Response Rate
	// Value is check-in ratings by role; ProgrammeValue is the final
	// survey's: the closing survey's rating of the programme as a whole, or
	// a rotation round's end rating of the pairing.
	Value, ProgrammeValue []RoleValue
	Trend                 []Point
	Impact                Impact
}

// Reasons a figure has nothing behind it yet.
const (
	noAnswers  = "No answers yet."
	noCheckIns = "No check-ins have gone out yet."
	noRatings  = "No ratings yet."
)
