package programme

import (
	"sort"
	"strings"
)

// FieldErrors maps a form field to what is wrong with it, so a form can show
// each message next to its field.
type FieldErrors map[string]string

// Add records the first problem with a field.
func (e FieldErrors) Add(field, msg string) {
	if _, ok := e[field]; !ok {
		e[field] = msg
	}
}

// Error lists every problem, in field order so messages are stable.
func (e FieldErrors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e[k]
	}
	return strings.Join(parts, "; ")
}

// Err returns the errors as an error, or nil when there are none.
func (e FieldErrors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}
