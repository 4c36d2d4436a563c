package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

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
