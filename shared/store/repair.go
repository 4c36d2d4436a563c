package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/totals"
)

// StoredSummary is a summary as the store holds it, for the repair of a
// programme's totals (`upward repair-totals`).
type StoredSummary struct {
	// One of the two is set (neither: no summary is stored).
	Pair   *totals.Pair
	Person *totals.Person
	// Pending: a change not yet counted (its event was cut short).
	Pending bool
}

// StoredSummaries reads the summaries of a programme's pairs and people,
// 100 a request.
func (s *Store) StoredSummaries(ctx context.Context, programmeID string, pairIDs, personIDs []string) (pairs, people map[string]StoredSummary, err error) {
	pairs, people = map[string]StoredSummary{}, map[string]StoredSummary{}
	var ks []map[string]types.AttributeValue
	for _, id := range pairIDs {
		ks = append(ks, key(summaryPK(programmeID, id), skPair))
	}
	for _, id := range personIDs {
		ks = append(ks, key(summaryPK(programmeID, id), skPerson))
	}
	prefix := summaryPK(programmeID, "")
	for start := 0; start < len(ks); start += 100 {
		err := s.batchGet(ctx, ks[start:min(start+100, len(ks))], func(item map[string]types.AttributeValue) error {
			var it summaryItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return fmt.Errorf("decode summary: %w", err)
			}
			st := StoredSummary{Pair: it.Pair, Person: it.Person, Pending: it.Pending != nil}
			id := it.PK[len(prefix):]
			if it.SK == skPair {
				pairs[id] = st
			} else {
				people[id] = st
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("summaries of %s: %w", programmeID, err)
		}
	}
	return pairs, people, nil
}

// CorrectTotals adds by to a programme's counters: the repair's last step,
// once every summary is what the records say, for counters that drifted
// from their summaries (an edited or restored shard). It moves shard 0 as
// any op does: the ops it counted last are marked first.
func (s *Store) CorrectTotals(ctx context.Context, programmeID string, by totals.Vector) error {
	shardPK := totalsPK(programmeID, 0)
	for attempt := 0; attempt < tallyAttempts; attempt++ {
		var c totalsItem
		err := s.get(ctx, shardPK, "META", &c)
		found := err == nil
		if err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("correct totals: %w", err)
		}
		if err := s.markAll(ctx, c.Last); err != nil {
			return fmt.Errorf("correct totals: %w", err)
		}
		_, err = s.moveShard(ctx, programmeID, shardPK, c, found, by, nil)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("correct totals: %w", err)
		}
		return nil
	}
	return fmt.Errorf("correct totals on %s: %w after %d attempts", shardPK, ErrConflict, tallyAttempts)
}
