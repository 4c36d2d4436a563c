package programme

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// PairState is where a senior–junior pair stands.
type PairState string

const (
	PairActive    PairState = "active"
	PairPaused    PairState = "paused"
	PairEnded     PairState = "ended"     // the programme or a rotation round ended
	PairRematched PairState = "rematched" // ended because one of them asked for a rematch
	PairStopped   PairState = "stopped"   // one of them stopped all email
)

// Label is the state in words.
func (s PairState) Label() string {
	switch s {
	case PairActive:
		return "Active"
	case PairPaused:
		return "Paused"
	case PairEnded:
		return "Ended"
	case PairRematched:
		return "Rematched"
	case PairStopped:
		return "Stopped"
	}
	return string(s)
}

// PauseByReply is how long a PAUSE by reply pauses a pair: long enough for
// a busy month, short enough that the pair is not forgotten.
const PauseByReply = 30 * 24 * time.Hour

// Live reports whether the pair still receives programme email.
func (s PairState) Live() bool { return s == PairActive || s == PairPaused }

// Pair is an approved senior–junior pair.
type Pair struct {
	ID          string    `dynamodbav:"id"`
	ProgrammeID string    `dynamodbav:"programme_id"`
	SeniorID    string    `dynamodbav:"senior_id"`
	JuniorID    string    `dynamodbav:"junior_id"`
	State       PairState `dynamodbav:"state"`
	Score       float64   `dynamodbav:"score"`
	// Reasons say in words why the matcher paired them.
	Reasons    []string  `dynamodbav:"reasons,omitempty"`
	Round      int       `dynamodbav:"round"`
	ApprovedAt time.Time `dynamodbav:"approved_at"`
	ApprovedBy string    `dynamodbav:"approved_by"`
	// StartDate is the day the pair's cadence counts from (YYYY-MM-DD): the
	// approval day, or the programme's start if that is later.
	StartDate string `dynamodbav:"start_date"`

	// What replies have told us, by check-in cycle (0 = none yet).
	LastMetCycle   int       `dynamodbav:"last_met_cycle"`
	LastReplyCycle int       `dynamodbav:"last_reply_cycle"`
	LastMetAt      time.Time `dynamodbav:"last_met_at,omitempty"`
	// ResumedCycle restarts the stall count after a pause.
	ResumedCycle int `dynamodbav:"resumed_cycle"`
	// Stalled is set when the pair went two check-ins without meeting or
	// replying; NudgedCycle is the cycle of the senior's nudge.
	Stalled     bool `dynamodbav:"stalled"`
	NudgedCycle int  `dynamodbav:"nudged_cycle"`
	// Attention puts the pair on the coordinator's list (status only).
	Attention       bool   `dynamodbav:"attention"`
	AttentionReason string `dynamodbav:"attention_reason,omitempty"`

	// ReorgChain is the reporting line that now links the two, from the
	// one below to the one above (["jo@…", "sam@…", "ana@…"]): the
	// reorganisation guard (shared/guard) found it after an org chart
	// upload, an enrolment update or a manager change. Empty when the two
	// are in no reporting line of each other. A pair ended for it keeps
	// it, as the record of why.
	ReorgChain []string  `dynamodbav:"reorg_chain,omitempty"`
	ReorgAt    time.Time `dynamodbav:"reorg_at,omitempty"`

	// RematchRequestedBy is the participant who replied REMATCH.
	RematchRequestedBy string    `dynamodbav:"rematch_requested_by,omitempty"`
	RematchRequestedAt time.Time `dynamodbav:"rematch_requested_at,omitempty"`

	PausedUntil time.Time `dynamodbav:"paused_until,omitempty"`
	// PausedAt and ResumedAt bound the latest pause: check-ins delivered
	// after PausedAt and before ResumedAt were held. Programme figures use
	// them so held check-ins do not count as unanswered. Earlier pauses are
	// not remembered.
	PausedAt  time.Time `dynamodbav:"paused_at,omitempty"`
	ResumedAt time.Time `dynamodbav:"resumed_at,omitempty"`
	EndedAt   time.Time `dynamodbav:"ended_at,omitempty"`
	EndReason string    `dynamodbav:"end_reason,omitempty"`
	// EndedBy is who ended the pair (shared/lifecycle's Actor), so that a
	// repeated request finishes what an interrupted one began and a
	// different person's request does not redo it.
	EndedBy   string    `dynamodbav:"ended_by,omitempty"`
	UpdatedAt time.Time `dynamodbav:"updated_at"`
}

// Start is the day the pair's cadence counts from.
func (p Pair) Start() time.Time { t, _ := time.Parse(DateLayout, p.StartDate); return t }

// Other returns the id of the partner of participant id.
func (p Pair) Other(id string) string {
	if id == p.SeniorID {
		return p.JuniorID
	}
	return p.SeniorID
}

// PairID derives a pair's id from what makes it unique, so approving the
// same proposal twice names the same pairs and creates nothing new.
func PairID(programmeID string, round int, seniorID, juniorID string) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s|%d|%s|%s", programmeID, round, seniorID, juniorID)))
	return hex.EncodeToString(h[:8])
}

// StallAt says whether the pair is stalled at cycle k and for how many
// cycles: no meeting reported across the two check-ins before k (which
// includes not replying at all). n is 0 on the first stalled cycle. The tick
// nudges by it (schedule.Stall) and the dashboard counts stalled pairs by it.
func (p Pair) StallAt(k int) (stalled bool, n int) {
	base := max(p.LastMetCycle, p.ResumedCycle)
	if k < base+3 {
		return false, 0
	}
	return true, k - (base + 3)
}
