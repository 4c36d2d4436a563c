// Package clock gives the rest of Upward its idea of "now", so that the local
// stack can move time forward and live through a whole programme in minutes.
package clock

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the real clock, used in AWS.
type System struct{}

// Now returns the current UTC time.
func (System) Now() time.Time { return time.Now().UTC() }

// Dev is a clock that runs at real speed from an offset the operator can move
// forward. The offset is kept in a file so that it survives restarts of
// `upward dev`, just as the data in dynalite does.
type Dev struct {
	mu     sync.Mutex
	offset time.Duration
	path   string // empty: not persisted
}

// NewDev loads the offset kept at path (a missing file means no offset).
func NewDev(path string) (*Dev, error) {
	d := &Dev{path: path}
	if path == "" {
		return d, nil
	}
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return d, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read dev clock: %w", err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("dev clock file %s: %w", path, err)
	}
	d.offset = time.Duration(n)
	return d, nil
}

// Now returns the real time plus the offset.
func (d *Dev) Now() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return time.Now().UTC().Add(d.offset)
}

// Offset reports how far the clock has been moved.
func (d *Dev) Offset() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.offset
}

// Advance moves the clock forward; time never goes backwards, because
// schedules and send ledgers assume it does not.
func (d *Dev) Advance(by time.Duration) error {
	if by < 0 {
		return fmt.Errorf("dev clock: cannot move back in time (%s)", by)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.offset += by
	if d.path == "" {
		return nil
	}
	if err := os.WriteFile(d.path, []byte(strconv.FormatInt(int64(d.offset), 10)), 0o600); err != nil {
		return fmt.Errorf("save dev clock: %w", err)
	}
	return nil
}

// Fixed is a clock stopped at one instant, for tests.
type Fixed struct {
	mu sync.Mutex
	t  time.Time
}

// NewFixed returns a clock stopped at t.
func NewFixed(t time.Time) *Fixed { return &Fixed{t: t.UTC()} }

// Now returns the stopped time.
func (f *Fixed) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Set moves the stopped time.
func (f *Fixed) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = t.UTC()
}

// Add moves the stopped time by d.
func (f *Fixed) Add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}
