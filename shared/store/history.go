package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

const typeHistory = "history"

// History is everyone a person was ever paired with, in any programme,
// by email: the matcher never repeats an earlier pair. One item per
// person keeps the read for a whole programme to one BatchGetItem per 100
// people.
type History struct {
	Email    string   `dynamodbav:"email"`
	Partners []string `dynamodbav:"partners,stringset,omitempty"`
	// Pairs are "<programme id>/<pair id>", for tracing where a partner
	// came from.
	Pairs     []string  `dynamodbav:"pairs,stringset,omitempty"`
	UpdatedAt time.Time `dynamodbav:"updated_at"`
}

type historyItem struct {
	keys
	History
}

func historyPK(email string) string { return "HIST#" + strings.ToLower(strings.TrimSpace(email)) }

// RecordPair remembers that a and b were paired (pair pairID of programme
// programmeID), on both people's history. Sets make it idempotent.
func (s *Store) RecordPair(ctx context.Context, programmeID, pairID, a, b string, now time.Time) error {
	a, b = strings.ToLower(strings.TrimSpace(a)), strings.ToLower(strings.TrimSpace(b))
	// The two people's items are independent: written side by side.
	errs := make(chan error, 2)
	for _, x := range [][2]string{{a, b}, {b, a}} {
		go func() {
			upd := expression.Add(expression.Name("partners"), expression.Value(&types.AttributeValueMemberSS{Value: []string{x[1]}})).
				Add(expression.Name("pairs"), expression.Value(&types.AttributeValueMemberSS{Value: []string{programmeID + "/" + pairID}})).
				Set(expression.Name("email"), expression.Value(x[0])).
				Set(expression.Name("type"), expression.Value(typeHistory)).
				Set(expression.Name("updated_at"), expression.Value(now))
			if err := s.update(ctx, historyPK(x[0]), "META", upd, nil, nil, nil); err != nil {
				errs <- fmt.Errorf("record pair %s in history: %w", pairID, err)
				return
			}
			errs <- nil
		}()
	}
	return errors.Join(<-errs, <-errs)
}

// Histories reads the history of each email given (people with none are
// left out of the result), 100 people per request.
func (s *Store) Histories(ctx context.Context, emails []string) (map[string]History, error) {
	ks := make([]map[string]types.AttributeValue, 0, len(emails))
	seen := map[string]bool{}
	for _, e := range emails {
		pk := historyPK(e)
		if !seen[pk] {
			seen[pk] = true
			ks = append(ks, key(pk, "META"))
		}
	}
	out := map[string]History{}
	err := s.batchGet(ctx, ks, func(item map[string]types.AttributeValue) error {
		var it historyItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode history: %w", err)
		}
		out[it.Email] = it.History
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read histories: %w", err)
	}
	return out, nil
}
