package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/totals"
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
//
// The pair is counted in the running totals, also when it existed already:
// an approval that died after storing it counts it when run again.
func (s *Store) CreatePair(ctx context.Context, p programme.Pair) error {
	return s.CreatePairCounted(ctx, p, nil)
}

// CreatePairCounted is CreatePair with the running totals' counting left
// to c (nil: counted at once), for an approval that starts thousands.
func (s *Store) CreatePairCounted(ctx context.Context, p programme.Pair, c *Counter) error {
	it := pairItem{keys: keys{PK: programmePK(p.ProgrammeID), SK: pairSK(p.ID), Type: typePair}, Pair: p}
	created := s.put(ctx, it, notExists(), ErrConflict)
	if created != nil && !errors.Is(created, ErrConflict) {
		return fmt.Errorf("create pair %s: %w", p.ID, created)
	}
	if err := s.tallyNewPair(ctx, p, c); err != nil {
		return fmt.Errorf("create pair %s: %w", p.ID, err)
	}
	if created != nil {
		return fmt.Errorf("create pair %s: %w", p.ID, created)
	}
	return nil
}

// tallyNewPair counts a pair and its two people's part in it; the pair
// learns from its people whether email reaches them.
func (s *Store) tallyNewPair(ctx context.Context, p programme.Pair, c *Counter) error {
	// count counts a summary change at once, or hands it to c.
	count := func(pk, sk string, change func(*summaryItem) error) error {
		if c == nil {
			return s.tally(ctx, p.ProgrammeID, pk, sk, change)
		}
		ref, err := s.tallyLater(ctx, p.ProgrammeID, pk, sk, change)
		if err == nil {
			c.Add(ref)
		}
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	people := make([]totals.Person, 2)
	for i, side := range []struct {
		id   string
		role programme.Role
	}{{p.SeniorID, programme.Senior}, {p.JuniorID, programme.Junior}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := count(summaryPK(p.ProgrammeID, side.id), skPerson,
				s.personChange(ctx, p.ProgrammeID, side.id, false, func(x *totals.Person) { x.AddPair(p.ID, side.role) }, &people[i]))
			if err != nil {
				errs[i] = fmt.Errorf("totals of participant %s: %w", side.id, err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	err := count(summaryPK(p.ProgrammeID, p.ID), skPair, s.pairChange(ctx, p.ProgrammeID, p.ID, true, func(x *totals.Pair) {
		x.SetReachable(programme.Senior, reachable(people[0]))
		x.SetReachable(programme.Junior, reachable(people[1]))
	}))
	if err != nil {
		return fmt.Errorf("totals of pair %s: %w", p.ID, err)
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
	out, err := listPrefix(ctx, s, programmePK(programmeID), "PAIR#", "pair", func(it pairItem) programme.Pair { return it.Pair })
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
		// Perhaps a change made before a crash: its totals are brought
		// up to date (nothing is written when they are).
		if err := s.TallyPair(ctx, before.ProgrammeID, before.ID, true, nil); err != nil {
			return programme.Pair{}, fmt.Errorf("change pair %s: %w", before.ID, err)
		}
		return before, nil
	}
	cond := expression.AttributeExists(expression.Name(AttrPK)).And(expression.Name("state").Equal(expression.Value(before.State)))
	var it pairItem
	if err := s.update(ctx, programmePK(before.ProgrammeID), pairSK(before.ID), upd, &cond, ErrConflict, &it); err != nil {
		return programme.Pair{}, fmt.Errorf("change pair %s: %w", before.ID, err)
	}
	if err := s.TallyPair(ctx, before.ProgrammeID, before.ID, true, nil); err != nil {
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
	// Deferred counts the days this cycle was moved on because the day's
	// sending quota was planned full.
	Deferred int `dynamodbav:"deferred,omitempty"`

	// legacy: the item lives under its programme's partition, where due
	// items were kept before they were spread (see dueKey); it keeps that
	// key until its schedule ends.
	legacy bool
}

type dueItem struct {
	keys
	DueItem
}

// dueKey is a due item's own partition: each pair's two items apart from
// every other pair's, so the tick's writes (one per due item) spread over
// as many partition keys as there are pairs instead of all landing on the
// programme's. Items written before this kept PROG#<id> / DUE#<pair>#<role>.
func dueKey(d DueItem) (pk, sk string) {
	if d.legacy {
		return programmePK(d.ProgrammeID), legacyDueSK(d.PairID, d.Role)
	}
	return duePK(d.ProgrammeID, d.PairID), string(d.Role)
}

func duePK(programmeID, pairID string) string { return "DUE#" + programmeID + "#" + pairID }

func legacyDueSK(pairID string, role programme.Role) string {
	return "DUE#" + pairID + "#" + string(role)
}

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
	pk, sk := dueKey(d)
	return dueItem{
		keys: keys{
			PK: pk, SK: sk, Type: typeDue,
			GSI2PK: "DUE#" + strconv.Itoa(DueShard(d.PairID)), GSI2SK: dueGSI2SK(d),
		},
		DueItem: d,
	}
}

func decodeDue(item map[string]types.AttributeValue) (DueItem, error) {
	var it dueItem
	if err := attributevalue.UnmarshalMap(item, &it); err != nil {
		return DueItem{}, fmt.Errorf("decode due item: %w", err)
	}
	it.DueItem.legacy = strings.HasPrefix(it.PK, "PROG#")
	return it.DueItem, nil
}

// PutDue schedules a person's first email in a pair unless it is already
// scheduled (a repeated approval must not reset a schedule in progress).
func (s *Store) PutDue(ctx context.Context, d DueItem) error {
	d.legacy = false
	pk, sk := dueKey(d)
	err := s.put(ctx, newDueItem(d), notExists(), ErrConflict)
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("schedule %s %s: %w", pk, sk, err)
	}
	return nil
}

// AdvanceDue moves an item from old to next only if nobody moved it since
// old was read; a second tick racing on the same item gets ErrConflict.
// The item keeps the key it was read under.
func (s *Store) AdvanceDue(ctx context.Context, old, next DueItem) error {
	next.legacy = old.legacy
	cond := expression.Name(AttrGSI2SK).Equal(expression.Value(dueGSI2SK(old)))
	if err := s.put(ctx, newDueItem(next), &cond, ErrConflict); err != nil {
		return fmt.Errorf("advance %s %s: %w", old.PairID, old.Role, err)
	}
	return nil
}

// RemoveDue ends a person's schedule in a pair (the pair ended, or the
// closing survey went out), only if nobody moved it since old was read.
func (s *Store) RemoveDue(ctx context.Context, old DueItem) error {
	cond := expression.Name(AttrGSI2SK).Equal(expression.Value(dueGSI2SK(old)))
	pk, sk := dueKey(old)
	if err := s.deleteIf(ctx, pk, sk, cond); err != nil {
		return fmt.Errorf("unschedule %s %s: %w", old.PairID, old.Role, err)
	}
	return nil
}

// GetDue reads a person's schedule in a pair (under its own key, or under
// the programme's for an item scheduled before the keys were spread).
func (s *Store) GetDue(ctx context.Context, programmeID, pairID string, role programme.Role) (DueItem, error) {
	for _, d := range []DueItem{{ProgrammeID: programmeID, PairID: pairID, Role: role}, {ProgrammeID: programmeID, PairID: pairID, Role: role, legacy: true}} {
		pk, sk := dueKey(d)
		res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return DueItem{}, fmt.Errorf("schedule of %s %s: %w", pairID, role, err)
		}
		if res.Item != nil {
			return decodeDue(res.Item)
		}
	}
	return DueItem{}, fmt.Errorf("schedule of %s %s: %w", pairID, role, ErrNotFound)
}

// deleteDue removes a person's schedule in a pair, under either key.
func (s *Store) deleteDue(ctx context.Context, programmeID, pairID string, role programme.Role) error {
	for _, d := range []DueItem{{ProgrammeID: programmeID, PairID: pairID, Role: role}, {ProgrammeID: programmeID, PairID: pairID, Role: role, legacy: true}} {
		pk, sk := dueKey(d)
		if err := s.delete(ctx, pk, sk); err != nil {
			return err
		}
	}
	return nil
}

// DueBefore calls fn for every item of one shard due at or before now,
// oldest first, reading page by page (Query on gsi2, never a Scan). A page
// that DynamoDB throttles is asked for again after a growing pause, from
// where the read stood, so a hot moment does not end the shard's run.
func (s *Store) DueBefore(ctx context.Context, shard int, now time.Time, fn func(DueItem) error) error {
	kc := expression.Key(AttrGSI2PK).Equal(expression.Value("DUE#" + strconv.Itoa(shard))).
		And(expression.Key(AttrGSI2SK).LessThanEqual(expression.Value(now.UTC().Format(dueLayout) + "#~")))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return fmt.Errorf("build query: %w", err)
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(s.table),
		IndexName:                 aws.String(IndexGSI2),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}
	for {
		var page *dynamodb.QueryOutput
		err := RetryThrottled(ctx, func() error {
			var err error
			page, err = s.db.Query(ctx, in)
			return err
		})
		if err != nil {
			return fmt.Errorf("due items of shard %d: %w", shard, err)
		}
		for _, item := range page.Items {
			d, err := decodeDue(item)
			if err != nil {
				return err
			}
			if err := fn(d); err != nil {
				return err
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// RetryThrottled runs fn until it succeeds, fails for a reason other than
// throttling, or has been throttled eight times, pausing between tries
// (100 ms doubling to 5 s); on top of the SDK's own retries, this carries a
// caller through a partition's hot minute.
func RetryThrottled(ctx context.Context, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || !IsThrottled(err) || attempt == 7 {
			return err
		}
		wait := min(100*time.Millisecond<<attempt, 5*time.Second)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		}
	}
}

// NextDue returns the earliest due time of one shard, for the dev clock to
// jump straight to the next thing that happens.
func (s *Store) NextDue(ctx context.Context, shard int) (time.Time, bool, error) {
	item, ok, err := s.firstOnIndex(ctx, "DUE#"+strconv.Itoa(shard))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due of shard %d: %w", shard, err)
	}
	if !ok {
		return time.Time{}, false, nil
	}
	var it dueItem
	if err := attributevalue.UnmarshalMap(item, &it); err != nil {
		return time.Time{}, false, fmt.Errorf("decode due item: %w", err)
	}
	return it.Due, true, nil
}

// firstOnIndex reads the first item of a gsi2 partition (its sort key
// starts with a due time, so the first is the earliest), if any.
func (s *Store) firstOnIndex(ctx context.Context, pk string) (map[string]types.AttributeValue, bool, error) {
	kc := expression.Key(AttrGSI2PK).Equal(expression.Value(pk))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return nil, false, fmt.Errorf("build query: %w", err)
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
		return nil, false, err
	}
	if len(out.Items) == 0 {
		return nil, false, nil
	}
	return out.Items[0], true, nil
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
	// A meeting can end a stall: the pair may count as active again.
	if err := s.TallyPair(ctx, programmeID, pairID, true, nil); err != nil {
		return fmt.Errorf("record contact on %s: %w", pairID, err)
	}
	return nil
}
