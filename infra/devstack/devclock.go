package devstack

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
)

// Clock is the local stack's clock: it runs at real speed from an offset
// the operator can move forward. The offset is kept in a file so that it
// survives restarts of `upward dev`, just as the data in dynalite does.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
	path   string // empty: not persisted
}

var _ clock.Clock = (*Clock)(nil)

// NewClock loads the offset kept at path (a missing file means no offset).
func NewClock(path string) (*Clock, error) {
	c := &Clock{path: path}
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read dev clock: %w", err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("dev clock file %s: %w", path, err)
	}
	c.offset = time.Duration(n)
	return c, nil
}

// Now returns the real time plus the offset.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

// Offset reports how far the clock has been moved.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// Advance moves the clock forward; time never goes backwards, because
// schedules and send ledgers assume it does not.
func (c *Clock) Advance(by time.Duration) error {
	if by < 0 {
		return fmt.Errorf("dev clock: cannot move back in time (%s)", by)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += by
	if c.path == "" {
		return nil
	}
	if err := os.WriteFile(c.path, []byte(strconv.FormatInt(int64(c.offset), 10)), 0o600); err != nil {
		return fmt.Errorf("save dev clock: %w", err)
	}
	return nil
}
