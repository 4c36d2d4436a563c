package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"reflect"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/programme"
)

const (
	typePair = "pair"
	typeDue  = "due"
	// DueShards spreads due items over this many gsi2 partitions, so the
	// tick reads them in parallel and no partition gets hot.
	DueShards = 16
	dueLayout = "2006-01-02T15:04:05Z"
)

type pairItem struct {
	keys
	programme.Pair
}

func pairSK(id string) string { return "PAIR#" + id }

// CreatePair stores an approved pair. Approving the same pair twice is a
// no-op that returns ErrConflict, so callers can treat it as done.
func (s *Store) CreatePair(ctx context.Context, p programme.Pair) error {
	it := pairItem{keys: keys{PK: programmePK(p.ProgrammeID), SK: pairSK(p.ID), Type: typePair}, Pair: p}
	if err := s.put(ctx, it, notExists(), ErrConflict); err != nil {
		return fmt.Errorf("create pair %s: %w", p.ID, err)
	}
	return nil
}

// GetPair reads one pair.
func (s *Store) GetPair(ctx context.Context, programmeID, id string) (programme.Pair, error) {
	var it pairItem
	if err := s.get(ctx, programmePK(programmeID), pairSK(id), &it); err != nil {
		return programme.Pair{}, fmt.Errorf("pair %s: %w", id, err)
	}
	return it.Pair, nil
}

// GetPairs reads many pairs of one programme at once (missing ones are
// left out of the result).
func (s *Store) GetPairs(ctx context.Context, programmeID string, ids []string) (map[string]programme.Pair, error) {
	ks := make([]map[string]types.AttributeValue, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			ks = append(ks, key(programmePK(programmeID), pairSK(id)))
		}
	}
	out := make(map[string]programme.Pair, len(ks))
	err := s.batchGet(ctx, ks, func(item map[string]types.AttributeValue) error {
		var it pairItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode pair: %w", err)
		}
		out[it.ID] = it.Pair
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pairs of %s: %w", programmeID, err)
	}
	return out, nil
}

// ListPairs returns every pair of a programme, in any state.
func (s *Store) ListPairs(ctx context.Context, programmeID string) ([]programme.Pair, error) {
	var out []programme.Pair
	err := s.queryPrefix(ctx, programmePK(programmeID), "PAIR#", func(item map[string]types.AttributeValue) error {
		var it pairItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode pair: %w", err)
		}
		out = append(out, it.Pair)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list pairs of %s: %w", programmeID, err)
	}
	return out, nil
}

// ChangePair writes a change to a pair worked out by shared/lifecycle, the
// one owner of how pairs change: every attribute that differs between
// before (the pair as read) and after is set or removed, on condition that
// the pair is still in the state it was read in. A pair that changed state
// meanwhile, or no longer exists, gives ErrConflict: the caller reads it
// again and judges afresh. Attributes the change does not touch are left as
// they are, so a reply recorded meanwhile is never overwritten.
func (s *Store) ChangePair(ctx context.Context, before, after programme.Pair, now time.Time) (programme.Pair, error) {
	if before.ID != after.ID || before.ProgrammeID != after.ProgrammeID {
		return programme.Pair{}, fmt.Errorf("change pair %s: a change cannot move a pair to %s/%s", before.ID, after.ProgrammeID, after.ID)
	}
	old, err := attributevalue.MarshalMap(before)
	if err != nil {
		return programme.Pair{}, fmt.Errorf("change pair %s: %w", before.ID, err)
	}
	next, err := attributevalue.MarshalMap(after)
	if err != nil {
		return programme.Pair{}, fmt.Errorf("change pair %s: %w", before.ID, err)
	}
	upd := expression.Set(expression.Name("updated_at"), expression.Value(now))
	changed := 0
	for name, av := range next {
		if name == "updated_at" {
			continue
		}
		if was, ok := old[name]; !ok || !reflect.DeepEqual(was, av) {
			upd = upd.Set(expression.Name(name), expression.Value(av))
			changed++
		}
	}
	for name := range old {
		if _, ok := next[name]; !ok && name != "updated_at" {
			upd = upd.Remove(expression.Name(name))
			changed++
		}
	}
	if changed == 0 {
		return before, nil
	}
	cond := expression.AttributeExists(expression.Name(AttrPK)).And(expression.Name("state").Equal(expression.Value(before.State)))
	var it pairItem
	if err := s.update(ctx, programmePK(before.ProgrammeID), pairSK(before.ID), upd, &cond, ErrConflict, &it); err != nil {
		return programme.Pair{}, fmt.Errorf("change pair %s: %w", before.ID, err)
	}
	return it.Pair, nil
}

// PairsOf returns the pairs one participant is or was in.
func (s *Store) PairsOf(ctx context.Context, programmeID, participantID string) ([]programme.Pair, error) {
	all, err := s.ListPairs(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	var out []programme.Pair
	for _, p := range all {
		if p.SeniorID == participantID || p.JuniorID == participantID {
			out = append(out, p)
		}
	}
	return out, nil
}

// DueItem is the next scheduled email of one person in one pair.
type DueItem struct {
	ProgrammeID   string         `dynamodbav:"programme_id"`
	PairID        string         `dynamodbav:"pair_id"`
	ParticipantID string         `dynamodbav:"participant_id"`
	Role          programme.Role `dynamodbav:"role"`
	// Cycle is the next cycle to send; Due is when, in UTC.
	Cycle int       `dynamodbav:"cycle"`
	Due   time.Time `dynamodbav:"due"`
	// TimeZone is copied from the participant so the tick needs no read
	// of the person to plan the next morning.
	TimeZone string `dynamodbav:"time_zone,omitempty"`
}

type dueItem struct {
	keys
	DueItem
}

func dueSK(pairID string, role programme.Role) string { return "DUE#" + pairID + "#" + string(role) }

// DueShard is the gsi2 partition of a pair's due items.
func DueShard(pairID string) int {
	h := fnv.New32a()
	h.Write([]byte(pairID))
	return int(h.Sum32() % DueShards)
}

func dueGSI2SK(d DueItem) string {
	return d.Due.UTC().Format(dueLayout) + "#" + d.PairID + "#" + string(d.Role)
}

func newDueItem(d DueItem) dueItem {
	return dueItem{
		keys: keys{
			PK: programmePK(d.ProgrammeID), SK: dueSK(d.PairID, d.Role), Type: typeDue,
			GSI2PK: "DUE#" + strconv.Itoa(DueShard(d.PairID)), GSI2SK: dueGSI2SK(d),
		},
		DueItem: d,
	}
}

// PutDue schedules a person's first email in a pair unless it is already
// scheduled (a repeated approval must not reset a schedule in progress).
func (s *Store) PutDue(ctx context.Context, d DueItem) error {
	err := s.put(ctx, newDueItem(d), notExists(), ErrConflict)
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("schedule %s: %w", dueSK(d.PairID, d.Role), err)
	}
	return nil
}

// AdvanceDue moves an item from old to next only if nobody moved it since
// old was read; a second tick racing on the same item gets ErrConflict.
func (s *Store) AdvanceDue(ctx context.Context, old, next DueItem) error {
	cond := expression.Name(AttrGSI2SK).Equal(expression.Value(dueGSI2SK(old)))
	if err := s.put(ctx, newDueItem(next), &cond, ErrConflict); err != nil {
		return fmt.Errorf("advance %s: %w", dueSK(old.PairID, old.Role), err)
	}
	return nil
}

// RemoveDue ends a person's schedule in a pair (the pair ended, or the
// closing survey went out), only if nobody moved it since old was read.
func (s *Store) RemoveDue(ctx context.Context, old DueItem) error {
	cond := expression.Name(AttrGSI2SK).Equal(expression.Value(dueGSI2SK(old)))
	if err := s.deleteIf(ctx, programmePK(old.ProgrammeID), dueSK(old.PairID, old.Role), cond); err != nil {
		return fmt.Errorf("unschedule %s: %w", dueSK(old.PairID, old.Role), err)
	}
	return nil
}

// GetDue reads a person's schedule in a pair.
func (s *Store) GetDue(ctx context.Context, programmeID, pairID string, role programme.Role) (DueItem, error) {
	var it dueItem
	if err := s.get(ctx, programmePK(programmeID), dueSK(pairID, role), &it); err != nil {
		return DueItem{}, fmt.Errorf("schedule of %s %s: %w", pairID, role, err)
	}
	return it.DueItem, nil
}

// DueBefore calls fn for every item of one shard due at or before now,
// oldest first, reading page by page (Query on gsi2, never a Scan).
func (s *Store) DueBefore(ctx context.Context, shard int, now time.Time, fn func(DueItem) error) error {
	kc := expression.Key(AttrGSI2PK).Equal(expression.Value("DUE#" + strconv.Itoa(shard))).
		And(expression.Key(AttrGSI2SK).LessThanEqual(expression.Value(now.UTC().Format(dueLayout) + "#~")))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return fmt.Errorf("build query: %w", err)
	}
	err = s.queryAll(ctx, &dynamodb.QueryInput{
		IndexName:                 aws.String(IndexGSI2),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}, func(item map[string]types.AttributeValue) error {
		var it dueItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode due item: %w", err)
		}
		return fn(it.DueItem)
	})
	if err != nil {
		return fmt.Errorf("due items of shard %d: %w", shard, err)
	}
	return nil
}

// NextDue returns the earliest due time of one shard, for the dev clock to
// jump straight to the next thing that happens.
func (s *Store) NextDue(ctx context.Context, shard int) (time.Time, bool, error) {
	kc := expression.Key(AttrGSI2PK).Equal(expression.Value("DUE#" + strconv.Itoa(shard)))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return time.Time{}, false, fmt.Errorf("build query: %w", err)
	}
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		IndexName:                 aws.String(IndexGSI2),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		Limit:                     aws.Int32(1),
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due of shard %d: %w", shard, err)
	}
	if len(out.Items) == 0 {
		return time.Time{}, false, nil
	}
	var it dueItem
	if err := attributevalue.UnmarshalMap(out.Items[0], &it); err != nil {
		return time.Time{}, false, fmt.Errorf("decode due item: %w", err)
	}
	return it.Due, true, nil
}

// stallReasons start every attention reason the tick sets for a stalled
// pair; a reported meeting clears them (and only them).
const stallReasonPrefix = "No "

// RecordContact notes a reply to check-in cycle of a pair, and a meeting if
// met. Each field only moves forward, so replaying a reply changes nothing.
func (s *Store) RecordContact(ctx context.Context, programmeID, pairID string, cycle int, met bool, at time.Time) error {
	pk, sk := programmePK(programmeID), pairSK(pairID)
	forward := func(field string, upd expression.UpdateBuilder) error {
		cond := expression.AttributeExists(expression.Name(AttrPK)).And(expression.Name(field).LessThan(expression.Value(cycle)))
		err := s.update(ctx, pk, sk, upd.Set(expression.Name("updated_at"), expression.Value(at)), &cond, ErrConflict, nil)
		if err != nil && !errors.Is(err, ErrConflict) {
			return fmt.Errorf("record contact on %s: %w", pairID, err)
		}
		return nil
	}
	if err := forward("last_reply_cycle", expression.Set(expression.Name("last_reply_cycle"), expression.Value(cycle))); err != nil {
		return err
	}
	if !met {
		return nil
	}
	if err := forward("last_met_cycle", expression.Set(expression.Name("last_met_cycle"), expression.Value(cycle)).
		Set(expression.Name("last_met_at"), expression.Value(at)).
		Set(expression.Name("stalled"), expression.Value(false))); err != nil {
		return err
	}
	clearStall := expression.Set(expression.Name("attention"), expression.Value(false)).Remove(expression.Name("attention_reason"))
	cond := expression.Name("attention").Equal(expression.Value(true)).And(expression.Name("attention_reason").BeginsWith(stallReasonPrefix))
	err := s.update(ctx, pk, sk, clearStall, &cond, ErrConflict, nil)
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("clear stall on %s: %w", pairID, err)
	}
	return nil
}
