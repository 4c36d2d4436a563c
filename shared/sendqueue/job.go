// Package sendqueue declares every email Upward sends, each as a typed job,
// and carries the jobs from the code that decides to send them (enrolment,
// the tick, replies, pair changes) to the code that sends them. In AWS the
// carrier is an SQS queue, so sending scales out and is retried per message;
// locally it is infra/memqueue, which is why only the SQS side lives here.
//
// A job names what an email is about, never its content: the sender renders
// it from the data as it is when sending, so a job delivered late never
// carries stale or private text.
package sendqueue

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kind is a kind of email. kinds (below) is the one list of them.
type Kind string

// Job is one email to send. Only the types in this file are jobs: the
// unexported methods keep the list of kinds in one place.
type Job interface {
	// Kind is the kind of email.
	Kind() Kind
	// Programme is the programme the email belongs to.
	Programme() string
	// identity is what makes two deliveries the same email; the send
	// ledger keys on its hash.
	identity() []string
	// check reports a job that lacks what its kind needs.
	check() error
}

// Key is a job's identity in the send ledger. Two deliveries of the same job
// share a key; the hash keeps ids out of the ledger's keys, so a
// participant's erasure leaves nothing there that names them.
func Key(j Job) string {
	sum := sha256.Sum256([]byte(strings.Join(append([]string{string(j.Kind())}, j.identity()...), "#")))
	return hex.EncodeToString(sum[:16])
}

// ErrUnreadable marks a message body that is not a job of a known kind. It
// is never skipped: the queue retries it and finally dead-letters it, where
// an operator sees it.
var ErrUnreadable = errors.New("unreadable send job")

// envelope is a job on the wire: its kind, then its fields.
type envelope struct {
	Kind Kind            `json:"kind"`
	Job  json.RawMessage `json:"job"`
}

// Encode is the job as a queue message body.
func Encode(j Job) (string, error) {
	if err := Check(j); err != nil {
		return "", err
	}
	body, err := json.Marshal(j)
	if err != nil {
		return "", fmt.Errorf("encode %s job: %w", j.Kind(), err)
	}
	b, err := json.Marshal(envelope{Kind: j.Kind(), Job: body})
	if err != nil {
		return "", fmt.Errorf("encode %s job: %w", j.Kind(), err)
	}
	return string(b), nil
}

// Decode reads a queue message body: a known kind with exactly its fields.
func Decode(body string) (Job, error) {
	var env envelope
	if err := strictJSON([]byte(body), &env); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	k, ok := kinds[env.Kind]
	if !ok {
		return nil, fmt.Errorf("%w: unknown kind of email %q", ErrUnreadable, env.Kind)
	}
	j, err := k.decode(env.Job)
	if err != nil {
		return nil, fmt.Errorf("%w: %s job: %w", ErrUnreadable, env.Kind, err)
	}
	if j.Kind() != env.Kind {
		return nil, fmt.Errorf("%w: a %s job labelled %s", ErrUnreadable, j.Kind(), env.Kind)
	}
	if err := j.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	return j, nil
}

// Check reports a job that lacks what its kind needs, so a mistake is found
// where the job is made rather than when it is sent.
func Check(j Job) error {
	if j == nil {
		return errors.New("send job: nil")
	}
	if _, ok := kinds[j.Kind()]; !ok {
		return fmt.Errorf("send job: unknown kind of email %q", j.Kind())
	}
	return j.check()
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the job")
	}
	return nil
}

func decodeAs[T Job](raw json.RawMessage) (Job, error) {
	var v T
	if len(raw) == 0 {
		return nil, errors.New("no fields")
	}
	if err := strictJSON(raw, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// required reports the first empty field among name=value pairs.
func required(kind Kind, fields ...string) error {
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] == "" {
			return fmt.Errorf("%s job: %s is required", kind, fields[i])
		}
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }

// Queue accepts jobs.
type Queue interface {
	Enqueue(ctx context.Context, jobs ...Job) error
}

// Handler does one job; an error means "try again later".
type Handler interface {
	Handle(ctx context.Context, j Job) error
}
