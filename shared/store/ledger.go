package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
)

const typeSend = "send"

// ErrAlreadyClaimed means another delivery of the same email claimed it first.
var ErrAlreadyClaimed = errors.New("email already claimed")

// Send states in the ledger.
const (
	SendClaimed = "claimed" // about to be handed to SES
	SendSent    = "sent"    // SES accepted it
)

// SendRecord is one email in the send ledger. Its key names the recipient,
// the subject of the email (participant, pair), its kind and its cycle, so
// the same email can never be claimed twice.
type SendRecord struct {
	Key   string `dynamodbav:"-"`
	State string `dynamodbav:"state"`
	// Recipients counts who it went to; the ledger holds no address, so
	// erasing a participant leaves nothing here to find.
	Recipients int       `dynamodbav:"recipients"`
	Kind       string    `dynamodbav:"kind"`
	ClaimedAt  time.Time `dynamodbav:"claimed_at"`
	SentAt     time.Time `dynamodbav:"sent_at,omitempty"`
	MessageID  string    `dynamodbav:"message_id,omitempty"`
}

type sendItem struct {
	keys
	SendRecord
}

func sendPK(key string) string { return "SENT#" + key }

// ClaimSend records the intent to send before SES is called. Only the first
// claim succeeds; later ones get ErrAlreadyClaimed and the record as it is.
func (s *Store) ClaimSend(ctx context.Context, r SendRecord) (SendRecord, error) {
	r.State = SendClaimed
	err := s.put(ctx, sendItem{keys: keys{PK: sendPK(r.Key), SK: "META", Type: typeSend}, SendRecord: r}, notExists(), ErrAlreadyClaimed)
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, ErrAlreadyClaimed) {
		return SendRecord{}, fmt.Errorf("claim send %s: %w", r.Key, err)
	}
	var old sendItem
	if gerr := s.get(ctx, sendPK(r.Key), "META", &old); gerr != nil {
		return SendRecord{}, fmt.Errorf("claim send %s: %w", r.Key, gerr)
	}
	old.SendRecord.Key = r.Key
	return old.SendRecord, ErrAlreadyClaimed
}

// MarkSent records SES's acceptance of a claimed email.
func (s *Store) MarkSent(ctx context.Context, key, messageID string, at time.Time) error {
	upd := expression.Set(expression.Name("state"), expression.Value(SendSent)).
		Set(expression.Name("sent_at"), expression.Value(at)).
		Set(expression.Name("message_id"), expression.Value(messageID))
	if err := s.update(ctx, sendPK(key), "META", upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("mark sent %s: %w", key, err)
	}
	return nil
}

// ReleaseSend drops a claim after SES answered with an error, so the
// queue's redelivery can claim and send it again. A sent record is never
// released.
func (s *Store) ReleaseSend(ctx context.Context, key string) error {
	cond := expression.Name("state").Equal(expression.Value(SendClaimed))
	if err := s.deleteIf(ctx, sendPK(key), "META", cond); err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("release send %s: %w", key, err)
	}
	return nil
}

// GetSend reads a ledger record.
func (s *Store) GetSend(ctx context.Context, key string) (SendRecord, error) {
	var it sendItem
	if err := s.get(ctx, sendPK(key), "META", &it); err != nil {
		return SendRecord{}, fmt.Errorf("send %s: %w", key, err)
	}
	it.SendRecord.Key = key
	return it.SendRecord, nil
}
