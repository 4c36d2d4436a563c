package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

const typeNeverPair = "never_pair"

// NeverPair is a senior and a junior who must never be paired in a
// programme. A coordinator's "forbid" on the review page adds one; it
// holds for every later proposal of the programme until the coordinator
// allows the pair again.
type NeverPair struct {
	EmailPair
	AddedBy string    `dynamodbav:"added_by"`
	AddedAt time.Time `dynamodbav:"added_at"`
	// Source says who asked: "coordinator" (or, later, a participant's
	// REMATCH).
	Source string `dynamodbav:"source"`
}

type neverPairItem struct {
	keys
	NeverPair
}

func neverSK(p EmailPair) string { return "NEVER#" + p.Senior + "#" + p.Junior }

// AddNeverPair puts a pair on a programme's never-pair list. Adding it
// again keeps the first entry (who and when), so repeating is harmless.
func (s *Store) AddNeverPair(ctx context.Context, programmeID string, n NeverPair) error {
	n.EmailPair = NewEmailPair(n.Senior, n.Junior)
	if n.Senior == "" || n.Junior == "" {
		return fmt.Errorf("never-pair: both emails are required")
	}
	it := neverPairItem{keys: keys{PK: programmePK(programmeID), SK: neverSK(n.EmailPair), Type: typeNeverPair}, NeverPair: n}
	if err := s.put(ctx, it, notExists(), ErrConflict); err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("add never-pair: %w", err)
	}
	return nil
}

// RemoveNeverPair takes a pair off the list; removing an absent pair is
// not an error.
func (s *Store) RemoveNeverPair(ctx context.Context, programmeID string, p EmailPair) error {
	return s.delete(ctx, programmePK(programmeID), neverSK(NewEmailPair(p.Senior, p.Junior)))
}

// ListNeverPairs returns a programme's never-pair list.
func (s *Store) ListNeverPairs(ctx context.Context, programmeID string) ([]NeverPair, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "NEVER#", "never-pair", func(it neverPairItem) NeverPair { return it.NeverPair })
	if err != nil {
		return nil, fmt.Errorf("never-pairs of %s: %w", programmeID, err)
	}
	return out, nil
}
