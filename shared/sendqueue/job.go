// Package sendqueue carries the decision "send this email" from the code
// that makes it (the web function's enrolment, the schedule's tick) to the
// code that sends it. In AWS it is an SQS queue, so sending scales out and is
// retried per message; locally it is infra/memqueue, which is why only the
// SQS side lives here.
package sendqueue

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Kinds of email a job asks for.
const (
	KindWelcome = "welcome"
)

// Job is one email to send. It names what the email is about, not its
// content: the sender renders it from the data as it is when sending, so a
// job delivered late never carries stale or private text.
type Job struct {
	Kind          string `json:"kind"`
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id,omitempty"`
	PairID        string `json:"pair_id,omitempty"`
	// Cycle distinguishes repeats of the same kind: the welcome's resend
	// round, the check-in number.
	Cycle int `json:"cycle"`
	// Ref names what an answer email answers (the reply's key and what it
	// asked for), so each reply is acknowledged once.
	Ref string `json:"ref,omitempty"`
}

// Key is the job's identity in the send ledger: a hash of recipient
// (participant or pair), kind, cycle and reference. Two deliveries of the
// same job share a key; the hash keeps ids out of the ledger's keys, so a
// participant's erasure leaves nothing there that names them.
func (j Job) Key() string {
	sum := sha256.Sum256([]byte(j.readableKey()))
	return hex.EncodeToString(sum[:16])
}

func (j Job) readableKey() string {
	who := j.ParticipantID
	if who == "" {
		who = "pair-" + j.PairID
	}
	if j.Ref != "" {
		return fmt.Sprintf("%s#%s#%s#%d#%s", j.ProgrammeID, who, j.Kind, j.Cycle, j.Ref)
	}
	return fmt.Sprintf("%s#%s#%s#%d", j.ProgrammeID, who, j.Kind, j.Cycle)
}

// Encode is the job as a queue message body.
func (j Job) Encode() (string, error) {
	b, err := json.Marshal(j)
	if err != nil {
		return "", fmt.Errorf("encode job: %w", err)
	}
	return string(b), nil
}

// Decode reads a queue message body.
func Decode(body string) (Job, error) {
	var j Job
	if err := json.Unmarshal([]byte(body), &j); err != nil {
		return Job{}, fmt.Errorf("decode job: %w", err)
	}
	if j.Kind == "" || j.ProgrammeID == "" {
		return Job{}, fmt.Errorf("decode job: kind and programme_id are required in %q", body)
	}
	return j, nil
}

// Queue accepts jobs.
type Queue interface {
	Enqueue(ctx context.Context, jobs ...Job) error
}

// Handler does one job; an error means "try again later".
type Handler interface {
	Handle(ctx context.Context, j Job) error
}
