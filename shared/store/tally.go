package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/totals"
)

// Running totals (see shared/totals for what each record adds).
//
// Every pair and every person of a programme has a summary item holding
// what the totals need of them (states, asks, answers without words) and
// the contribution already counted ("applied"). Events set fields of a
// summary, never add to them, so a replayed event leaves it as it was and
// adds nothing. A change of contribution is counted by the one-op-at-a-time
// protocol below, with single-item conditional writes only (dynalite has no
// transactions):
//
//  1. The summary is written with its new state and a pending op (a fresh
//     id and the contribution it moves to), conditioned on the version read.
//  2. The op is applied to one of the programme's counter shards (chosen by
//     the summary's key): read the shard, then read the summary again; if
//     the shard's "last" names the op, it was applied; otherwise mark the
//     shard's last ops as applied on their summaries, then write the shard
//     with the difference added, seq moved on and last = this op,
//     conditioned on the seq read.
//  3. The summary is marked: applied := pending's contribution, pending
//     removed, conditioned on pending being this op.
//
// A shard moves past an op only after that op's summary is marked, so a
// summary still pending whose op is not the shard's last was never
// counted: whoever finds it (a replay, the next event on the same summary,
// `upward repair-totals`) applies it, and exactly one of them can. Nothing
// is counted twice, and nothing pending is lost while its event is retried.
//
//	entity          pk                              sk
//	pair summary    TSUM#<programme>#<pair>         PAIR
//	person summary  TSUM#<programme>#<participant>  PERSON
//	counter shard   TOTALS#<programme>#<nn>         META      (nn < TotalShards)
//
// Summaries and shards each have a partition key of their own: the tick's
// asks touch tens of thousands of summaries in a run, which under the
// programme's key would make it hot.
const TotalShards = 32

const (
	typeSummary = "summary"
	typeTotals  = "totals"
	skPair      = "PAIR"
	skPerson    = "PERSON"
)

func summaryPK(programmeID, id string) string { return "TSUM#" + programmeID + "#" + id }

func totalsPK(programmeID string, shard int) string {
	return fmt.Sprintf("TOTALS#%s#%02d", programmeID, shard)
}

// shardOf spreads summaries over the counter shards.
func shardOf(summaryPK string) int {
	h := fnv.New32a()
	h.Write([]byte(summaryPK))
	return int(h.Sum32() % TotalShards)
}

type pendingOp struct {
	Op string        `dynamodbav:"op"`
	To totals.Vector `dynamodbav:"to"`
}

type summaryItem struct {
	keys
	ProgrammeID string         `dynamodbav:"programme_id"`
	Pair        *totals.Pair   `dynamodbav:"pair,omitempty"`
	Person      *totals.Person `dynamodbav:"person,omitempty"`
	Version     int            `dynamodbav:"version"`
	Applied     totals.Vector  `dynamodbav:"applied"`
	Pending     *pendingOp     `dynamodbav:"pending,omitempty"`
	// MovedTo: the person was erased; their summary moves to this
	// placeholder (see eraseTotals).
	MovedTo string `dynamodbav:"moved_to,omitempty"`
}

// attentionIndex is the gsi1 partition of a programme's summaries that need
// the coordinator's attention, sorted by urgency (see totals.AttentionKey).
func attentionIndex(programmeID string) string { return "ATTN#" + programmeID }

// attentionKey is the summary's place in the attention index ("": none).
func (it summaryItem) attentionKey(id string) string {
	switch {
	case it.Pair != nil:
		return it.Pair.AttentionKey(id)
	case it.Person != nil:
		return it.Person.AttentionKey(id)
	}
	return ""
}

func (it summaryItem) contribution() totals.Vector {
	switch {
	case it.Pair != nil:
		return it.Pair.Contribution()
	case it.Person != nil:
		return it.Person.Contribution()
	}
	return totals.Vector{}
}

type lastOp struct {
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
	Op string `dynamodbav:"op"`
}

type totalsItem struct {
	keys
	ProgrammeID string        `dynamodbav:"programme_id"`
	Totals      totals.Vector `dynamodbav:"totals"`
	Seq         int64         `dynamodbav:"seq"`
	Last        []lastOp      `dynamodbav:"last,omitempty"`
}

func (c totalsItem) applied(op string) bool {
	for _, l := range c.Last {
		if l.Op == op {
			return true
		}
	}
	return false
}

// tallyAttempts bounds the retries of one summary change under contention.
const tallyAttempts = 50

// TallyPair changes a pair's summary and counts the difference once. With
// refresh, the stored pair is read after the summary, so that of two
// changes racing the one written last carries the pair as it is.
func (s *Store) TallyPair(ctx context.Context, programmeID, pairID string, refresh bool, change func(*totals.Pair)) error {
	err := s.tally(ctx, programmeID, summaryPK(programmeID, pairID), skPair, s.pairChange(ctx, programmeID, pairID, refresh, change))
	if err != nil {
		return fmt.Errorf("totals of pair %s: %w", pairID, err)
	}
	return nil
}

// pairChange is a change to a pair's summary (see TallyPair).
func (s *Store) pairChange(ctx context.Context, programmeID, pairID string, refresh bool, change func(*totals.Pair)) func(*summaryItem) error {
	return func(it *summaryItem) error {
		if it.Pair == nil {
			it.Pair = &totals.Pair{}
		}
		if refresh || !it.Pair.Exists {
			p, err := s.GetPair(ctx, programmeID, pairID)
			switch {
			case err == nil:
				it.Pair.SetPair(p)
			case errors.Is(err, ErrNotFound):
				it.Pair.Exists = false
			default:
				return err
			}
		}
		if change != nil {
			change(it.Pair)
		}
		return nil
	}
}

// TallyPerson changes a person's summary and counts the difference once.
// With refresh, the stored participant (and whether their address is
// suppressed) is read after the summary, and whether email reaches them is
// passed on to their pairs' summaries.
func (s *Store) TallyPerson(ctx context.Context, programmeID, participantID string, refresh bool, change func(*totals.Person)) error {
	var after totals.Person
	err := s.tally(ctx, programmeID, summaryPK(programmeID, participantID), skPerson, s.personChange(ctx, programmeID, participantID, refresh, change, &after))
	if err == nil && refresh {
		err = s.passOnReach(ctx, programmeID, after)
	}
	if err != nil {
		return fmt.Errorf("totals of participant %s: %w", participantID, err)
	}
	return nil
}

// personChange is a change to a person's summary (see TallyPerson); after,
// when not nil, receives the summary as changed.
func (s *Store) personChange(ctx context.Context, programmeID, participantID string, refresh bool, change func(*totals.Person), after *totals.Person) func(*summaryItem) error {
	return func(it *summaryItem) error {
		fresh := it.Person == nil
		if fresh {
			it.Person = &totals.Person{}
		}
		if refresh || fresh {
			p, err := s.GetParticipant(ctx, programmeID, participantID)
			switch {
			case err == nil:
				it.Person.SetParticipant(p)
				sup, err := s.suppression(ctx, p.Email)
				if err != nil {
					return err
				}
				it.Person.SetSuppressed(sup != nil, sup.at())
			case errors.Is(err, ErrNotFound):
				it.Person.Enrolled = false
			default:
				return err
			}
		}
		if change != nil {
			change(it.Person)
		}
		if after != nil {
			*after = *it.Person
		}
		return nil
	}
}

// reachable is whether email reaches someone, as the attention list judges
// it: someone unknown (erased) is not told as unreachable.
func reachable(p totals.Person) bool {
	return !p.Facts.Suppressed && p.Status.Mailable()
}

// passOnReach tells a person's pairs whether email still reaches them.
func (s *Store) passOnReach(ctx context.Context, programmeID string, p totals.Person) error {
	var errs []error
	for pairID, role := range p.Pairs {
		ok := reachable(p)
		if err := s.TallyPair(ctx, programmeID, pairID, false, func(x *totals.Pair) { x.SetReachable(role, ok) }); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// tallyBoth changes a pair's and a person's summaries side by side.
func (s *Store) tallyBoth(ctx context.Context, programmeID, pairID string, pair func(*totals.Pair), participantID string, person func(*totals.Person)) error {
	var wg sync.WaitGroup
	var pe, qe error
	wg.Add(2)
	go func() { defer wg.Done(); pe = s.TallyPair(ctx, programmeID, pairID, false, pair) }()
	go func() { defer wg.Done(); qe = s.TallyPerson(ctx, programmeID, participantID, false, person) }()
	wg.Wait()
	return errors.Join(pe, qe)
}

// tally is steps 1–3 for one summary: finish what is pending, apply the
// change, and count its difference.
func (s *Store) tally(ctx context.Context, programmeID, pk, sk string, change func(*summaryItem) error) error {
	ref, err := s.tallyLater(ctx, programmeID, pk, sk, change)
	if err != nil || ref.Op == "" {
		return err
	}
	return s.finishTally(ctx, programmeID, pk, sk, ref.Op)
}

// tallyLater is step 1 for one summary: it finishes what was pending,
// applies the change and leaves its difference pending, to be counted by
// whoever the caller chooses (finishTally, or a Counter with many others).
// The zero Pending: nothing to count.
func (s *Store) tallyLater(ctx context.Context, programmeID, pk, sk string, change func(*summaryItem) error) (Pending, error) {
	for attempt := 0; attempt < tallyAttempts; attempt++ {
		var it summaryItem
		err := s.get(ctx, pk, sk, &it)
		found := err == nil
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Pending{}, err
		}
		if it.Pending != nil {
			// Counted first: the contribution it moves from is the one
			// applied once it is.
			if err := s.finishTally(ctx, programmeID, pk, sk, it.Pending.Op); err != nil {
				return Pending{}, err
			}
			continue
		}
		before, err := attributevalue.MarshalMap(it)
		if err != nil {
			return Pending{}, fmt.Errorf("encode summary: %w", err)
		}
		if err := change(&it); err != nil {
			return Pending{}, err
		}
		it.keys = keys{PK: pk, SK: sk, Type: typeSummary}
		if k := it.attentionKey(strings.TrimPrefix(pk, summaryPK(programmeID, ""))); k != "" {
			it.GSI1PK, it.GSI1SK = attentionIndex(programmeID), k
		}
		it.ProgrammeID = programmeID
		after, err := attributevalue.MarshalMap(it)
		if err != nil {
			return Pending{}, fmt.Errorf("encode summary: %w", err)
		}
		if found && reflect.DeepEqual(before, after) {
			return Pending{}, nil // a replay: nothing changed, nothing to count
		}
		to := it.contribution()
		var cond expression.ConditionBuilder
		if found {
			cond = expression.Name("version").Equal(expression.Value(it.Version))
		} else {
			cond = expression.AttributeNotExists(expression.Name(AttrPK))
		}
		it.Version++
		if !to.Equal(it.Applied) {
			it.Pending = &pendingOp{Op: ids.New(), To: to}
		}
		err = s.put(ctx, it, &cond, ErrConflict)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return Pending{}, fmt.Errorf("write summary: %w", err)
		}
		if it.Pending == nil {
			return Pending{}, nil
		}
		return Pending{ProgrammeID: programmeID, PK: pk, SK: sk, Op: it.Pending.Op}, nil
	}
	return Pending{}, fmt.Errorf("summary %s: %w after %d attempts", pk, ErrConflict, tallyAttempts)
}

// finishTally counts a summary's pending op on its counter shard unless it
// was counted, then marks it applied (steps 2 and 3).
func (s *Store) finishTally(ctx context.Context, programmeID, pk, sk, op string) error {
	shardPK := totalsPK(programmeID, shardOf(pk))
	for attempt := 0; attempt < tallyAttempts; attempt++ {
		// The shard before the summary: a shard that moved past the op
		// after this read fails the conditional write below.
		var c totalsItem
		err := s.get(ctx, shardPK, "META", &c)
		found := err == nil
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		var it summaryItem
		if err := s.get(ctx, pk, sk, &it); err != nil {
			return err
		}
		if it.Pending == nil || it.Pending.Op != op {
			return nil // finished by someone else
		}
		if c.applied(op) {
			return s.markTallied(ctx, pk, sk, op)
		}
		// The ops the shard counted last are marked on their summaries
		// before the shard moves past them.
		if err := s.markAll(ctx, c.Last); err != nil {
			return err
		}
		var diff totals.Vector
		diff.Add(it.Pending.To)
		diff.Sub(it.Applied)
		_, err = s.moveShard(ctx, programmeID, shardPK, c, found, diff, []lastOp{{PK: pk, SK: sk, Op: op}})
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("count on %s: %w", shardPK, err)
		}
		return s.markTallied(ctx, pk, sk, op)
	}
	return fmt.Errorf("counter shard %s: %w after %d attempts", shardPK, ErrConflict, tallyAttempts)
}

// moveShard writes a counter shard read as c (found: it existed) moved on
// by one: diff added to its totals, last naming the ops it now counts
// (none for a correction). The write is conditioned on the shard's seq as
// read, so of two writers only one moves it; the other gets ErrConflict
// and reads again. Callers mark c's last ops before moving past them.
func (s *Store) moveShard(ctx context.Context, programmeID, shardPK string, c totalsItem, found bool, diff totals.Vector, last []lastOp) (totalsItem, error) {
	next := c
	next.keys = keys{PK: shardPK, SK: "META", Type: typeTotals}
	next.ProgrammeID = programmeID
	next.Totals = totals.Vector{}
	next.Totals.Add(c.Totals)
	next.Totals.Add(diff)
	next.Seq = c.Seq + 1
	next.Last = last
	cond := expression.AttributeNotExists(expression.Name(AttrPK))
	if found {
		cond = expression.Name("seq").Equal(expression.Value(c.Seq))
	}
	if err := s.put(ctx, next, &cond, ErrConflict); err != nil {
		return next, err
	}
	return next, nil
}

// markTallied records that a summary's pending op is counted. A summary
// that moved on (marked by someone else) is left alone.
func (s *Store) markTallied(ctx context.Context, pk, sk, op string) error {
	upd := expression.Set(expression.Name("applied"), expression.Name("pending.to")).Remove(expression.Name("pending"))
	cond := expression.Name("pending.op").Equal(expression.Value(op))
	err := s.update(ctx, pk, sk, upd, &cond, ErrConflict, nil)
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("mark counted: %w", err)
	}
	return nil
}

// markAll marks the ops a shard counted last (usually marked already by
// their own writers, when this is a conditional write that changes
// nothing), side by side: a batched count names many.
func (s *Store) markAll(ctx context.Context, last []lastOp) error {
	return sideBySide(len(last), func(i int) error {
		return s.markTallied(ctx, last[i].PK, last[i].SK, last[i].Op)
	})
}

// sideBySide runs do(0) … do(n-1), at most 16 at once (DynamoDB requests
// are mostly waiting), and joins their errors.
func sideBySide(n int, do func(i int) error) error {
	errs := make([]error, n)
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = do(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ReadTotals sums a programme's counter shards: one BatchGetItem whatever
// the programme's size.
func (s *Store) ReadTotals(ctx context.Context, programmeID string) (totals.Vector, error) {
	ks := make([]map[string]types.AttributeValue, 0, TotalShards)
	for i := 0; i < TotalShards; i++ {
		ks = append(ks, key(totalsPK(programmeID, i), "META"))
	}
	var v totals.Vector
	err := s.batchGet(ctx, ks, func(item map[string]types.AttributeValue) error {
		var c totalsItem
		if err := attributevalue.UnmarshalMap(item, &c); err != nil {
			return fmt.Errorf("decode totals: %w", err)
		}
		v.Add(c.Totals)
		return nil
	})
	if err != nil {
		return v, fmt.Errorf("totals of %s: %w", programmeID, err)
	}
	return v, nil
}

// Asked is one scheduled email delivered to one person: a check-in, the
// midpoint survey, a nudge in a check-in's place, or the closing survey.
type Asked struct {
	ProgrammeID, PairID, ParticipantID string
	Role                               programme.Role
	Cycle                              int
	At                                 time.Time
	Closing                            bool
}

// RecordAsked counts an email that asks its reader whether they met and
// how it went (the response rate's denominator). Recording it again
// changes nothing.
func (s *Store) RecordAsked(ctx context.Context, a Asked) error {
	ask := totals.Ask{At: a.At, Closing: a.Closing}
	return s.tallyBoth(ctx, a.ProgrammeID, a.PairID,
		func(p *totals.Pair) { p.SetAsk(a.Role, a.Cycle, ask) },
		a.ParticipantID, func(p *totals.Person) { p.AddPair(a.PairID, a.Role); p.SetAsk(a.PairID, a.Cycle, ask) })
}

// eraseTotals moves an erased person's summary to their placeholder, as
// their pairs and answers moved: no longer enrolled, without goals or
// applied answers (those were deleted), still behind the figures their
// answers are in. The placeholder is noted first, so an erasure run again
// moves it to the same one; the placeholder's summary is written before the
// old one is emptied and deleted, so nothing is counted twice once done.
func (s *Store) eraseTotals(ctx context.Context, programmeID, participantID, anon string) error {
	pk := summaryPK(programmeID, participantID)
	var it summaryItem
	err := s.get(ctx, pk, skPerson, &it)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if it.MovedTo == "" {
		upd := expression.Set(expression.Name("moved_to"), expression.Value(anon))
		cond := expression.AttributeNotExists(expression.Name("moved_to"))
		if err := s.update(ctx, pk, skPerson, upd, &cond, ErrConflict, &it); err != nil && !errors.Is(err, ErrConflict) {
			return err
		}
		if err := s.get(ctx, pk, skPerson, &it); err != nil {
			return err
		}
	}
	moved := totals.Person{}
	if it.Person != nil {
		moved = *it.Person
	}
	moved.Enrolled, moved.Status, moved.Goals, moved.Applied = false, "", nil, nil
	if err := s.TallyPerson(ctx, programmeID, it.MovedTo, false, func(p *totals.Person) { *p = moved }); err != nil {
		return err
	}
	if err := s.TallyPerson(ctx, programmeID, participantID, false, func(p *totals.Person) { *p = totals.Person{} }); err != nil {
		return err
	}
	cond := expression.AttributeNotExists(expression.Name("pending"))
	if err := s.deleteIf(ctx, pk, skPerson, cond); err != nil && !errors.Is(err, ErrConflict) {
		return err
	}
	return s.forgetLast(ctx, programmeID, pk)
}

// forgetLast takes a deleted summary's key (it holds a participant's id)
// off its counter shard's last ops. Its op was marked before the summary
// could be deleted, so nobody needs the entry any more.
func (s *Store) forgetLast(ctx context.Context, programmeID, pk string) error {
	shardPK := totalsPK(programmeID, shardOf(pk))
	for attempt := 0; attempt < tallyAttempts; attempt++ {
		var c totalsItem
		err := s.get(ctx, shardPK, "META", &c)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		kept := c.Last[:0:0]
		for _, l := range c.Last {
			if l.PK != pk {
				kept = append(kept, l)
			}
		}
		if len(kept) == len(c.Last) {
			return nil
		}
		// The seq stays: only the shard's own writer moves it on, and a
		// write conditioned on it fails if the shard moved meanwhile.
		c.Last = kept
		cond := expression.Name("seq").Equal(expression.Value(c.Seq))
		err = s.put(ctx, c, &cond, ErrConflict)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("forget %s on %s: %w", pk, shardPK, err)
		}
		return nil
	}
	return fmt.Errorf("counter shard %s: %w after %d attempts", shardPK, ErrConflict, tallyAttempts)
}
