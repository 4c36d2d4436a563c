package stacktest

import (
	"sync"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
)

// Clock is a clock stopped at one instant, which a test moves by hand: what
// falls due is then decided by the test, never by how fast the machine is.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

var _ clock.Clock = (*Clock)(nil)

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t.UTC()} }

// Now returns the stopped time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the stopped time.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t.UTC()
}

// Add moves the stopped time by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
