package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
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

// AttentionEntry is one line of a programme's attention index: a pair, a
// participant or a quarantined reply, placed by its most urgent concern.
type AttentionEntry struct {
	// Key is the entry's place in the index, and a page's cursor.
	Key string
	// One of the three is set.
	PairID, ParticipantID, QuarantineID string
}

// AttentionPage is a page of the attention index and where its neighbours
// start.
type AttentionPage struct {
	Entries []AttentionEntry
	// Next and Prev are the cursors of the following and preceding pages
	// ("": none).
	Next, Prev string
}

// Attention reads one page of a programme's attention index, most urgent
// first: the entries after the cursor after, or (with before set) the
// limit entries before before. Each page is one Query of gsi1 whatever the
// programme's size (access pattern 20).
func (s *Store) Attention(ctx context.Context, programmeID, after, before string, limit int) (AttentionPage, error) {
	kc := expression.Key(AttrGSI1PK).Equal(expression.Value(attentionIndex(programmeID)))
	backwards := before != ""
	switch {
	case backwards:
		kc = kc.And(expression.Key(AttrGSI1SK).LessThan(expression.Value(before)))
	case after != "":
		kc = kc.And(expression.Key(AttrGSI1SK).GreaterThan(expression.Value(after)))
	}
	proj := expression.NamesList(expression.Name(AttrPK), expression.Name(AttrSK), expression.Name(AttrGSI1SK), expression.Name("type"))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).WithProjection(proj).Build()
	if err != nil {
		return AttentionPage{}, fmt.Errorf("build query: %w", err)
	}
	// One more than the page tells whether another page follows.
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		IndexName:                 aws.String(IndexGSI1),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ProjectionExpression:      expr.Projection(),
		ScanIndexForward:          aws.Bool(!backwards),
		Limit:                     aws.Int32(int32(limit + 1)),
	})
	if err != nil {
		return AttentionPage{}, fmt.Errorf("attention list of %s: %w", programmeID, err)
	}
	var page AttentionPage
	more := len(out.Items) > limit
	for _, item := range out.Items[:min(limit, len(out.Items))] {
		var k keys
		if err := attributevalue.UnmarshalMap(item, &k); err != nil {
			return AttentionPage{}, fmt.Errorf("decode attention entry: %w", err)
		}
		e := AttentionEntry{Key: k.GSI1SK}
		switch {
		case k.Type == typeQuarantine:
			e.QuarantineID = k.SK
		case k.SK == skPair:
			e.PairID = strings.TrimPrefix(k.PK, summaryPK(programmeID, ""))
		default:
			e.ParticipantID = strings.TrimPrefix(k.PK, summaryPK(programmeID, ""))
		}
		page.Entries = append(page.Entries, e)
	}
	if backwards {
		slices.Reverse(page.Entries)
	}
	if len(page.Entries) == 0 {
		return page, nil
	}
	first, last := page.Entries[0].Key, page.Entries[len(page.Entries)-1].Key
	// Paging back, the entries after the page are where it came from;
	// paging on, those before it.
	switch {
	case backwards:
		page.Next = last
		if more {
			page.Prev = first
		}
	default:
		if more {
			page.Next = last
		}
		if after != "" {
			page.Prev = first
		}
	}
	return page, nil
}
