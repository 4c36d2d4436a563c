// Package config reads a function's settings from its environment through a
// getenv function, so tests pass a map and every missing variable is
// reported at once instead of one per deploy.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Env reads variables and collects every problem it meets.
type Env struct {
	getenv   func(string) string
	missing  []string
	problems []string
}

// New reads from getenv (os.Getenv in production, a map in tests).
func New(getenv func(string) string) *Env { return &Env{getenv: getenv} }

// Map adapts a map to a getenv function.
func Map(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// Require returns the variable's value and records it as missing if empty.
func (e *Env) Require(name string) string {
	v := strings.TrimSpace(e.getenv(name))
	if v == "" {
		e.missing = append(e.missing, name)
	}
	return v
}

// Optional returns the variable's value or def when it is empty.
func (e *Env) Optional(name, def string) string {
	if v := strings.TrimSpace(e.getenv(name)); v != "" {
		return v
	}
	return def
}

// Int reads an optional integer.
func (e *Env) Int(name string, def int) int {
	v := strings.TrimSpace(e.getenv(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.problems = append(e.problems, fmt.Sprintf("%s=%q is not a whole number", name, v))
		return def
	}
	return n
}

// Duration reads an optional Go duration such as "15m".
func (e *Env) Duration(name string, def time.Duration) time.Duration {
	v := strings.TrimSpace(e.getenv(name))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.problems = append(e.problems, fmt.Sprintf("%s=%q is not a duration like 15m or 12h", name, v))
		return def
	}
	return d
}

// Addresses reads a required comma-separated list of email addresses,
// lower-cased, so an allow-list compares the way mail systems do.
func (e *Env) Addresses(name string) []string {
	raw := e.Require(name)
	if raw == "" {
		return nil
	}
	var out []string
	for _, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, err := mail.ParseAddress(part)
		if err != nil {
			e.problems = append(e.problems, fmt.Sprintf("%s: %q is not an email address", name, part))
			continue
		}
		out = append(out, strings.ToLower(a.Address))
	}
	sort.Strings(out)
	return out
}

// Err reports every missing or malformed variable in one error.
func (e *Env) Err() error {
	var msgs []string
	if len(e.missing) > 0 {
		msgs = append(msgs, "missing environment variables: "+strings.Join(e.missing, ", "))
	}
	msgs = append(msgs, e.problems...)
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "; "))
}

// Exit logs why a function cannot start and ends the process, which Lambda
// reports as an initialisation failure.
func Exit(log *slog.Logger, function string, err error) {
	log.Error(function+" function cannot start", "err", err)
	os.Exit(1)
}
