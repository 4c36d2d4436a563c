package sendqueue

import (
	"errors"
	"fmt"
	"hash/fnv"
	"time"
)

// MaxDelay is the longest an SQS message can be held back (DelaySeconds).
const MaxDelay = 15 * time.Minute

// Later is back-pressure, not failure: the mail service asked Upward to
// slow down (throttling) or to stop for now (the daily quota). The job is
// tried again after After without counting as a failed attempt, so no
// amount of waiting can dead-letter an email.
type Later struct {
	After  time.Duration
	Reason string
	Err    error
}

func (l *Later) Error() string {
	if l.Err != nil {
		return fmt.Sprintf("try again in %s (%s): %v", l.After, l.Reason, l.Err)
	}
	return fmt.Sprintf("try again in %s (%s)", l.After, l.Reason)
}

func (l *Later) Unwrap() error { return l.Err }

// AsLater says whether err asks for the job to wait, and for how long.
func AsLater(err error) (*Later, bool) {
	var l *Later
	if errors.As(err, &l) {
		return l, true
	}
	return nil, false
}

// Backoff is how long a job deferred n times before waits now: at least
// what the mail service asked for, doubling from one second with each
// deferral, spread by up to a quarter so deferred jobs do not come back
// together, and never more than SQS can hold a message back. The spread is
// taken from seed (a message id), so it is the same for a redelivery.
func Backoff(asked time.Duration, deferrals int, seed string) time.Duration {
	d := time.Second << min(deferrals, 10)
	d = max(d, asked)
	h := fnv.New32a()
	h.Write([]byte(seed))
	d += time.Duration(h.Sum32()%1000) * d / 4000
	return min(d, MaxDelay)
}
