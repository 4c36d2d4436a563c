package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
)

const typeGuard = "guard"

// GuardState is where the reorganisation guard (shared/guard) stands for
// one programme. Whatever can change whose reporting line someone is in
// moves it on: an enrolment (a manager_email) and an approval (new pairs)
// add to Changes, an org chart upload changes the chart's version. The
// guard records in Checked the version and Changes it last checked every
// live pair against, so a check that was cut short, or that never ran,
// shows as due and the hourly tick runs it: nothing is missed, and a
// check repeated finds what the first one found.
type GuardState struct {
	Changes   int       `dynamodbav:"changes"`
	Checked   string    `dynamodbav:"checked,omitempty"`
	CheckedAt time.Time `dynamodbav:"checked_at,omitempty"`
}

// Due reports whether the live pairs need checking against chart (the
// org chart's current version, "" when none).
func (g GuardState) Due(chart string) bool { return g.Checked != g.Mark(chart) }

// Mark is what a check against chart of the state as it is now records.
func (g GuardState) Mark(chart string) string { return fmt.Sprintf("%s#%d", chart, g.Changes) }

type guardItem struct {
	keys
	GuardState
}

// MarkGuardDue records a change that may have moved someone's reporting
// line in a programme (one UpdateItem; repeating it only asks for one more
// check).
func (s *Store) MarkGuardDue(ctx context.Context, programmeID string, now time.Time) error {
	upd := expression.Add(expression.Name("changes"), expression.Value(1)).
		Set(expression.Name("type"), expression.Value(typeGuard))
	if err := s.update(ctx, programmePK(programmeID), "GUARD", upd, nil, nil, nil); err != nil {
		return fmt.Errorf("mark the reorganisation guard due for %s: %w", programmeID, err)
	}
	return nil
}

// GetGuard reads a programme's guard state (zero when nothing was ever
// recorded).
func (s *Store) GetGuard(ctx context.Context, programmeID string) (GuardState, error) {
	var it guardItem
	err := s.get(ctx, programmePK(programmeID), "GUARD", &it)
	if errors.Is(err, ErrNotFound) {
		return GuardState{}, nil
	}
	if err != nil {
		return GuardState{}, fmt.Errorf("reorganisation guard of %s: %w", programmeID, err)
	}
	return it.GuardState, nil
}

// SetGuardChecked records what a finished check saw (GuardState.Mark).
func (s *Store) SetGuardChecked(ctx context.Context, programmeID, mark string, now time.Time) error {
	upd := expression.Set(expression.Name("checked"), expression.Value(mark)).
		Set(expression.Name("checked_at"), expression.Value(now)).
		Set(expression.Name("type"), expression.Value(typeGuard))
	if err := s.update(ctx, programmePK(programmeID), "GUARD", upd, nil, nil, nil); err != nil {
		return fmt.Errorf("record the reorganisation check of %s: %w", programmeID, err)
	}
	return nil
}
