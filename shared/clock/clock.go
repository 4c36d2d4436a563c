// Package clock gives the rest of Upward its idea of "now" through an
// interface, so that the local stack can move time forward and live through
// a whole programme in minutes, and tests can stop it. Those clocks live in
// infra/ (infra/devstack, infra/stacktest): in AWS only System runs.
package clock

import "time"

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the real clock, used in AWS.
type System struct{}

// Now returns the current UTC time.
func (System) Now() time.Time { return time.Now().UTC() }
