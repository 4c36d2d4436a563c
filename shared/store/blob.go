package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// A blob is a value too large for one item (DynamoDB caps an item at
// 400 KB): a 5,000-pair proposal or an organisation's org chart. It is
// stored as JSON, gzipped, and cut into parts that each fit an item with
// room to spare. The parts sit in one partition under a common sort-key
// prefix, so one Query reads them back in order.
const (
	typeBlobPart = "blob_part"
	// blobPartBytes leaves room under 400 KB for the keys and names.
	blobPartBytes = 350_000
	// blobBatch parts per BatchWriteItem: 10 × 350 KB stays well inside the
	// request's 16 MB.
	blobBatch = 10
)

type blobPart struct {
	keys
	Data []byte `dynamodbav:"data"`
}

func blobSK(prefix string, n int) string { return fmt.Sprintf("%s%04d", prefix, n) }

// putBlob encodes v and writes it as parts under pk / prefix0000…,
// returning how many parts it wrote. Writing the same value again writes
// the same parts, so a repeated run is harmless.
func (s *Store) putBlob(ctx context.Context, pk, prefix string, v any) (int, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return 0, fmt.Errorf("encode blob: %w", err)
	}
	if err := zw.Close(); err != nil {
		return 0, fmt.Errorf("compress blob: %w", err)
	}
	data := buf.Bytes()
	var reqs []types.WriteRequest
	n := 0
	for off := 0; off < len(data) || n == 0; off += blobPartBytes {
		part := blobPart{keys: keys{PK: pk, SK: blobSK(prefix, n), Type: typeBlobPart}, Data: data[off:min(off+blobPartBytes, len(data))]}
		av, err := attributevalue.MarshalMap(part)
		if err != nil {
			return 0, fmt.Errorf("encode blob part: %w", err)
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
		n++
	}
	if err := s.batchWrite(ctx, reqs, blobBatch); err != nil {
		return 0, fmt.Errorf("write blob %s %s: %w", pk, prefix, err)
	}
	return n, nil
}

// getBlob reads the parts written by putBlob and decodes them into out.
// parts is the count the caller recorded when the blob was written: fewer
// parts means the blob is incomplete (being replaced), and says so.
func (s *Store) getBlob(ctx context.Context, pk, prefix string, parts int, out any) error {
	var got []blobPart
	err := s.queryPrefix(ctx, pk, prefix, func(item map[string]types.AttributeValue) error {
		var p blobPart
		if err := attributevalue.UnmarshalMap(item, &p); err != nil {
			return fmt.Errorf("decode blob part: %w", err)
		}
		got = append(got, p)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read blob %s %s: %w", pk, prefix, err)
	}
	if len(got) < parts {
		return fmt.Errorf("blob %s %s has %d of %d parts: %w", pk, prefix, len(got), parts, ErrNotFound)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].SK < got[j].SK })
	var all []byte
	for _, p := range got[:parts] {
		all = append(all, p.Data...)
	}
	zr, err := gzip.NewReader(bytes.NewReader(all))
	if err != nil {
		return fmt.Errorf("decompress blob %s %s: %w", pk, prefix, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("decompress blob %s %s: %w", pk, prefix, err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode blob %s %s: %w", pk, prefix, err)
	}
	return nil
}

// deleteBlob removes every part under pk / prefix.
func (s *Store) deleteBlob(ctx context.Context, pk, prefix string) error {
	var reqs []types.WriteRequest
	err := s.queryPrefix(ctx, pk, prefix, func(item map[string]types.AttributeValue) error {
		reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{
			AttrPK: item[AttrPK], AttrSK: item[AttrSK],
		}}})
		return nil
	})
	if err != nil {
		return fmt.Errorf("list blob %s %s: %w", pk, prefix, err)
	}
	if err := s.batchWrite(ctx, reqs, 25); err != nil {
		return fmt.Errorf("delete blob %s %s: %w", pk, prefix, err)
	}
	return nil
}

// batchWrite sends write requests per at most size, retrying the ones
// DynamoDB leaves unprocessed under load.
func (s *Store) batchWrite(ctx context.Context, reqs []types.WriteRequest, size int) error {
	for start := 0; start < len(reqs); start += size {
		pending := reqs[start:min(start+size, len(reqs))]
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt == 8 {
				return fmt.Errorf("batch write: %d requests still unprocessed", len(pending))
			}
			if attempt > 0 {
				select {
				case <-time.After(time.Duration(10<<attempt) * time.Millisecond):
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{s.table: pending}})
			if err != nil {
				return fmt.Errorf("batch write: %w", err)
			}
			pending = out.UnprocessedItems[s.table]
		}
	}
	return nil
}
