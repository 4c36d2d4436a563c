package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/programme"
)

// ChangePair applies a coordinator's change to a pair only while the pair is
// in one of the states from, so two coordinators acting at once (or a tick
// ending the pair meanwhile) cannot both change it: the second gets
// ErrConflict (as does a pair that does not exist). upd is used up: the
// SDK's builders share their operations when copied.
func (s *Store) ChangePair(ctx context.Context, programmeID, id string, from []programme.PairState, upd expression.UpdateBuilder, now time.Time) (programme.Pair, error) {
	if len(from) == 0 {
		return programme.Pair{}, errors.New("change pair: no state to change from")
	}
	states := make([]expression.OperandBuilder, 0, len(from))
	for _, st := range from {
		states = append(states, expression.Value(st))
	}
	inState := expression.Name("state").Equal(expression.Value(from[0]))
	if len(from) > 1 {
		inState = expression.Name("state").In(states[0], states[1:]...)
	}
	cond := expression.AttributeExists(expression.Name(AttrPK)).And(inState)
	var it pairItem
	err := s.update(ctx, programmePK(programmeID), pairSK(id), upd.Set(expression.Name("updated_at"), expression.Value(now)), &cond, ErrConflict, &it)
	if err != nil {
		return programme.Pair{}, fmt.Errorf("change pair %s: %w", id, err)
	}
	return it.Pair, nil
}

// ClearAttention takes a pair off the attention list: its flag and any
// rematch request (the coordinator talked it through and the pair goes on).
// ErrConflict when there was nothing to clear.
func (s *Store) ClearAttention(ctx context.Context, programmeID, id string, now time.Time) error {
	upd := expression.Set(expression.Name("attention"), expression.Value(false)).
		Remove(expression.Name("attention_reason")).
		Remove(expression.Name("rematch_requested_by")).
		Remove(expression.Name("rematch_requested_at")).
		Set(expression.Name("updated_at"), expression.Value(now))
	cond := expression.AttributeExists(expression.Name(AttrPK)).
		And(expression.Name("attention").Equal(expression.Value(true)).Or(expression.AttributeExists(expression.Name("rematch_requested_by"))))
	if err := s.update(ctx, programmePK(programmeID), pairSK(id), upd, &cond, ErrConflict, nil); err != nil {
		return fmt.Errorf("clear attention on %s: %w", id, err)
	}
	return nil
}

// Suppressions returns the suppression entries among addresses, by
// lower-case address. It reads 100 addresses a request, a few requests at
// once: an attention list of 10,000 people is 100 requests.
func (s *Store) Suppressions(ctx context.Context, emails []string) (map[string]Suppression, error) {
	seen := map[string]bool{}
	ks := make([]map[string]types.AttributeValue, 0, len(emails))
	for _, e := range emails {
		e = strings.ToLower(e)
		if e != "" && !seen[e] {
			seen[e] = true
			ks = append(ks, key(suppressPK(e), "META"))
		}
	}
	out := map[string]Suppression{}
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	chunks := make(chan []map[string]types.AttributeValue)
	for w := 0; w < suppressionWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chunk := range chunks {
				err := s.batchGet(ctx, chunk, func(item map[string]types.AttributeValue) error {
					var it suppressionItem
					if err := attributevalue.UnmarshalMap(item, &it); err != nil {
						return fmt.Errorf("decode suppression: %w", err)
					}
					mu.Lock()
					out[it.Email] = it.Suppression
					mu.Unlock()
					return nil
				})
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for start := 0; start < len(ks); start += 100 {
		chunks <- ks[start:min(start+100, len(ks))]
	}
	close(chunks)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("suppressions: %w", err)
	}
	return out, nil
}

// suppressionWorkers bounds the batch reads of one attention list.
const suppressionWorkers = 4
