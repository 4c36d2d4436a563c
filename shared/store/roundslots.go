package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
)

type roundSlotItem struct {
	keys
	Slot int       `dynamodbav:"slot"`
	At   time.Time `dynamodbav:"at"`
}

// LastRoundSlot is the scheduled round a programme last completed
// (-1: none).
func (s *Store) LastRoundSlot(ctx context.Context, programmeID string) (int, error) {
	var it roundSlotItem
	err := s.get(ctx, programmePK(programmeID), "ROUNDSLOT", &it)
	if errors.Is(err, ErrNotFound) {
		return -1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("last round of %s: %w", programmeID, err)
	}
	return it.Slot, nil
}

// CompleteRoundSlot records that scheduled round slot is done. It only
// moves forward, so a slow duplicate tick cannot move it back.
func (s *Store) CompleteRoundSlot(ctx context.Context, programmeID string, slot int, now time.Time) error {
	upd := expression.Set(expression.Name("slot"), expression.Value(slot)).
		Set(expression.Name("at"), expression.Value(now)).
		Set(expression.Name("type"), expression.Value("round_slot"))
	cond := expression.AttributeNotExists(expression.Name(AttrPK)).Or(expression.Name("slot").LessThan(expression.Value(slot)))
	err := s.update(ctx, programmePK(programmeID), "ROUNDSLOT", upd, &cond, ErrConflict, nil)
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("complete round %d of %s: %w", slot, programmeID, err)
	}
	return nil
}
