package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/totals"
)

// Counting many changes at once (see tally.go for the protocol).
//
// An event that changes one summary counts its difference at once: three
// reads and three writes, fine for a reply. The tick changes tens of
// thousands of summaries in a run; counting each alone makes every one of
// its writers race for the same 32 counter shards, and the losers of each
// conditional write read and try again. So the tick writes its summaries
// with their ops pending (step 1, RecordAsks) and hands the ops to a
// Counter, which has one writer per counter shard: each writer counts
// whatever has gathered for its shard, up to countBatch ops, in one shard
// write whose "last" names them all (step 2), then marks their summaries
// (step 3). The protocol is the same with many ops as with one: a shard
// moves past its last ops only once they are marked, so an op that is
// still pending and not among a shard's last was never counted.

// Pending is a summary change written but not yet counted.
type Pending struct {
	ProgrammeID, PK, SK, Op string
}

// countBatch is the most ops one shard write counts (its "last" list
// stays a few kilobytes).
const countBatch = 50

// RecordAsks records many asks (RecordAsked) and leaves their counting to
// a Counter. Each summary is changed once for all of its asks, so the two
// people of a pair asked in one run write their pair's summary once
// instead of racing for it.
func (s *Store) RecordAsks(ctx context.Context, asks []Asked) ([]Pending, error) {
	type change struct {
		programmeID, id string
		pair            bool
		asks            []Asked
	}
	byKey := map[string]*change{}
	var order []*change
	add := func(programmeID, id string, pair bool, a Asked) {
		k := fmt.Sprintf("%s|%s|%t", programmeID, id, pair)
		c, ok := byKey[k]
		if !ok {
			c = &change{programmeID: programmeID, id: id, pair: pair}
			byKey[k] = c
			order = append(order, c)
		}
		c.asks = append(c.asks, a)
	}
	for _, a := range asks {
		add(a.ProgrammeID, a.PairID, true, a)
		add(a.ProgrammeID, a.ParticipantID, false, a)
	}
	out := make([]Pending, len(order))
	err := sideBySide(len(order), func(i int) error {
		c := order[i]
		pk := summaryPK(c.programmeID, c.id)
		var err error
		if c.pair {
			out[i], err = s.tallyLater(ctx, c.programmeID, pk, skPair, s.pairChange(ctx, c.programmeID, c.id, false, func(p *totals.Pair) {
				for _, a := range c.asks {
					p.SetAsk(a.Role, a.Cycle, totals.Ask{At: a.At, Closing: a.Closing})
				}
			}))
			return err
		}
		out[i], err = s.tallyLater(ctx, c.programmeID, pk, skPerson, s.personChange(ctx, c.programmeID, c.id, false, func(p *totals.Person) {
			for _, a := range c.asks {
				p.AddPair(a.PairID, a.Role)
				p.SetAsk(a.PairID, a.Cycle, totals.Ask{At: a.At, Closing: a.Closing})
			}
		}, nil))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record asks: %w", err)
	}
	var pending []Pending
	for _, p := range out {
		if p.Op != "" {
			pending = append(pending, p)
		}
	}
	return pending, nil
}

// Counter counts pending changes on their counter shards, one writer per
// shard. Add may block while a shard's writer catches up; Close waits for
// everything added to be counted. Add must not be called after Close.
type Counter struct {
	s     *Store
	ctx   context.Context
	mu    sync.Mutex
	lanes map[string]chan Pending
	wg    sync.WaitGroup
	errs  []error
	// Ops and Writes count what was counted, and in how many shard writes.
	ops, writes int
}

// NewCounter starts a counter whose writers work under ctx.
func (s *Store) NewCounter(ctx context.Context) *Counter {
	return &Counter{s: s, ctx: ctx, lanes: map[string]chan Pending{}}
}

// Add hands pending changes to their shards' writers.
func (c *Counter) Add(ps ...Pending) {
	for _, p := range ps {
		if p.Op == "" {
			continue
		}
		shardPK := totalsPK(p.ProgrammeID, shardOf(p.PK))
		c.mu.Lock()
		lane, ok := c.lanes[shardPK]
		if !ok {
			lane = make(chan Pending, 4*countBatch)
			c.lanes[shardPK] = lane
			c.wg.Add(1)
			go c.run(p.ProgrammeID, shardPK, lane)
		}
		c.mu.Unlock()
		lane <- p
	}
}

// Close counts what is left and reports what could not be counted (those
// changes stay pending on their summaries, for the next event on them or
// `upward repair-totals` to count).
func (c *Counter) Close() (ops, writes int, err error) {
	c.mu.Lock()
	for _, lane := range c.lanes {
		close(lane)
	}
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ops, c.writes, errors.Join(c.errs...)
}

// run is one shard's writer: it counts whatever has gathered, a batch at a
// time.
func (c *Counter) run(programmeID, shardPK string, lane chan Pending) {
	defer c.wg.Done()
	var mine shardWriter
	batch := make([]Pending, 0, countBatch)
	for p := range lane {
		batch = append(batch[:0], p)
	gather:
		for len(batch) < countBatch {
			select {
			case q, ok := <-lane:
				if !ok {
					break gather
				}
				batch = append(batch, q)
			default:
				break gather
			}
		}
		n, err := c.s.finishMany(c.ctx, programmeID, shardPK, batch, &mine)
		c.mu.Lock()
		if err != nil {
			c.errs = append(c.errs, err)
		} else if n > 0 {
			c.ops += n
			c.writes++
		}
		c.mu.Unlock()
	}
}

// shardWriter remembers the shard write a Counter's writer made last and
// marked in full, so it need not mark those ops again before its next.
type shardWriter struct{ seq int64 }

// finishMany is finishTally for many ops of one shard: it counts those
// still pending and not yet counted in one conditional shard write, then
// marks them. It returns how many it counted.
func (s *Store) finishMany(ctx context.Context, programmeID, shardPK string, refs []Pending, w *shardWriter) (int, error) {
	for attempt := 0; attempt < tallyAttempts; attempt++ {
		// The shard before the summaries, as in finishTally.
		var c totalsItem
		err := s.get(ctx, shardPK, "META", &c)
		found := err == nil
		if err != nil && !errors.Is(err, ErrNotFound) {
			return 0, err
		}
		items, err := s.summaryItems(ctx, refs)
		if err != nil {
			return 0, err
		}
		var todo []lastOp
		var diff totals.Vector
		seen := map[string]bool{}
		for _, r := range refs {
			it, ok := items[r.PK+"|"+r.SK]
			if !ok || it.Pending == nil || it.Pending.Op != r.Op || seen[r.Op] {
				continue // finished by someone else (or named twice)
			}
			seen[r.Op] = true
			if c.applied(r.Op) {
				if err := s.markTallied(ctx, r.PK, r.SK, r.Op); err != nil {
					return 0, err
				}
				continue
			}
			todo = append(todo, lastOp{PK: r.PK, SK: r.SK, Op: r.Op})
			diff.Add(it.Pending.To)
			diff.Sub(it.Applied)
		}
		if len(todo) == 0 {
			return 0, nil
		}
		// The ops the shard counted last are marked before it moves past
		// them; this writer's own last write was marked in full already.
		if !found || c.Seq != w.seq {
			if err := s.markAll(ctx, c.Last); err != nil {
				return 0, err
			}
		}
		next, err := s.moveShard(ctx, programmeID, shardPK, c, found, diff, todo)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("count on %s: %w", shardPK, err)
		}
		if err := s.markAll(ctx, todo); err != nil {
			return 0, err
		}
		w.seq = next.Seq
		return len(todo), nil
	}
	return 0, fmt.Errorf("counter shard %s: %w after %d attempts", shardPK, ErrConflict, tallyAttempts)
}

// summaryItems reads the summaries the refs name, in batches.
func (s *Store) summaryItems(ctx context.Context, refs []Pending) (map[string]summaryItem, error) {
	ks := make([]map[string]types.AttributeValue, 0, len(refs))
	seen := map[string]bool{}
	for _, r := range refs {
		if k := r.PK + "|" + r.SK; !seen[k] {
			seen[k] = true
			ks = append(ks, key(r.PK, r.SK))
		}
	}
	out := make(map[string]summaryItem, len(ks))
	err := s.batchGet(ctx, ks, func(item map[string]types.AttributeValue) error {
		var it summaryItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode summary: %w", err)
		}
		out[it.PK+"|"+it.SK] = it
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read summaries to count: %w", err)
	}
	return out, nil
}
