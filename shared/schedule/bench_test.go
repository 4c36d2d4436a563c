package schedule_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// counting counts the requests the tick makes, by operation.
type counting struct {
	store.DynamoDB
	get, put, update, del, query, batch, batchWrite atomic.Int64
}

func (c *counting) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.get.Add(1)
	return c.DynamoDB.GetItem(ctx, in, o...)
}
func (c *counting) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.put.Add(1)
	return c.DynamoDB.PutItem(ctx, in, o...)
}
func (c *counting) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.update.Add(1)
	return c.DynamoDB.UpdateItem(ctx, in, o...)
}
func (c *counting) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	c.del.Add(1)
	return c.DynamoDB.DeleteItem(ctx, in, o...)
}
func (c *counting) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.query.Add(1)
	return c.DynamoDB.Query(ctx, in, o...)
}
func (c *counting) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.batch.Add(1)
	return c.DynamoDB.BatchGetItem(ctx, in, o...)
}
func (c *counting) total() int64 {
	return c.get.Load() + c.put.Load() + c.update.Load() + c.del.Load() + c.query.Load() + c.batch.Load()
}

type countQueue struct{ n atomic.Int64 }

func (q *countQueue) Enqueue(_ context.Context, jobs ...sendqueue.Job) error {
	q.n.Add(int64(len(jobs)))
	return nil
}

func benchPairs(def int) int {
	if v := os.Getenv("UPWARD_BENCH_PAIRS"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// BenchmarkTickPlanning seeds UPWARD_BENCH_PAIRS active pairs (default
// 5,000; the README's figures use 5,000, 20,000 and 50,000) whose
// check-ins all fall due the same morning, the worst case, and times one
// tick over all of them with every DynamoDB request held 4 ms by a
// latency-injecting proxy (UPWARD_BENCH_LATENCY), one worker per shard.
func BenchmarkTickPlanning(b *testing.B) {
	pairs := benchPairs(5000)
	ctx := context.Background()
	db := stacktest.DynamoDB(b)
	slow, proxy := stacktest.SlowDynamoDB(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		table := stacktest.NewTable(b, db)
		s := store.New(db, table)
		prog := programme.New(time.Now())
		prog.ID, prog.Name, prog.StartDate, prog.EndDate = ids.New(), "Bench", "2027-01-04", "2027-12-31"
		if err := s.CreateProgramme(ctx, prog); err != nil {
			b.Fatal(err)
		}
		seed(b, s, prog, pairs)
		c := &counting{DynamoDB: slow}
		q := &countQueue{}
		t := &schedule.Ticker{Store: store.New(c, table), Queue: q, Clock: stacktest.NewClock(time.Date(2027, 1, 18, 11, 30, 0, 0, time.UTC)), Log: slog.New(slog.DiscardHandler)}
		proxy.Requests()
		b.StartTimer()
		start := time.Now()
		st, err := t.Tick(ctx)
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if st.Queued != 2*pairs || q.n.Load() != int64(2*pairs) {
			b.Fatalf("queued %d, want %d", st.Queued, 2*pairs)
		}
		b.ReportMetric(float64(c.total())/float64(pairs), "requests/pair")
		b.ReportMetric(elapsed.Seconds(), "s/tick")
		b.ReportMetric(elapsed.Seconds()/float64(pairs)*1000, "s/1000pairs")
		b.Logf("%d pairs (%d due items), %s per request: %s; requests: %d get, %d batch get, %d put, %d update, %d delete, %d query", pairs, 2*pairs, stacktest.BenchLatency(), elapsed.Round(time.Millisecond), c.get.Load(), c.batch.Load(), c.put.Load(), c.update.Load(), c.del.Load(), c.query.Load())
	}
}

// BenchmarkApprove starts UPWARD_BENCH_PAIRS pairs (default 2,000; the
// README's figure uses 10,000) as an approval does, 16 workers with the
// participants already read and one counter for the running totals, every
// request held 4 ms.
func BenchmarkApprove(b *testing.B) {
	pairs := benchPairs(2000)
	ctx := context.Background()
	db := stacktest.DynamoDB(b)
	slow, _ := stacktest.SlowDynamoDB(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		table := stacktest.NewTable(b, db)
		prog := programme.New(time.Now())
		prog.ID, prog.Name, prog.StartDate, prog.EndDate = ids.New(), "Bench", "2027-01-04", "2027-12-31"
		people := map[string]programme.Participant{}
		var ps []programme.Pair
		for n := 0; n < pairs; n++ {
			sen := programme.Participant{ID: ids.New(), Email: ids.New() + "@s.example", Role: programme.Senior, TimeZone: "Europe/Lisbon"}
			jun := programme.Participant{ID: ids.New(), Email: ids.New() + "@j.example", Role: programme.Junior, TimeZone: "Europe/Lisbon"}
			people[sen.ID], people[jun.ID] = sen, jun
			ps = append(ps, programme.Pair{SeniorID: sen.ID, JuniorID: jun.ID, Round: 1})
		}
		c := &counting{DynamoDB: slow}
		s := store.New(c, table)
		q := &countQueue{}
		b.StartTimer()
		start := time.Now()
		const workers = 16
		var wg sync.WaitGroup
		errs := make([]error, workers)
		counter := s.NewCounter(ctx)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []programme.Pair
				for n := w; n < len(ps); n += workers {
					mine = append(mine, ps[n])
				}
				_, errs[w] = schedule.ApproveKnown(ctx, s, q, prog, mine, people, counter, time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC))
			}()
		}
		wg.Wait()
		if _, _, err := counter.Close(); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(elapsed.Seconds(), "s/approval")
		b.ReportMetric(float64(c.total()+c.batchWrite.Load())/float64(pairs), "requests/pair")
		b.Logf("%d pairs approved in %s; %d requests", pairs, elapsed.Round(time.Millisecond), c.total())
	}
}

func seed(b *testing.B, s *store.Store, prog programme.Programme, n int) {
	b.Helper()
	ctx := context.Background()
	due := time.Date(2027, 1, 18, 9, 0, 0, 0, time.UTC) // the first check-in's morning
	jobs := make(chan int)
	var wg sync.WaitGroup
	var failed atomic.Value
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				p := programme.Pair{ID: ids.New(), ProgrammeID: prog.ID, SeniorID: ids.New(), JuniorID: ids.New(), State: programme.PairActive, StartDate: "2027-01-04"}
				if err := s.CreatePair(ctx, p); err != nil {
					failed.Store(err)
					continue
				}
				for _, r := range []struct {
					id   string
					role programme.Role
				}{{p.SeniorID, programme.Senior}, {p.JuniorID, programme.Junior}} {
					d := store.DueItem{ProgrammeID: prog.ID, PairID: p.ID, ParticipantID: r.id, Role: r.role, Cycle: 1, Due: due, TimeZone: "Europe/Lisbon"}
					if err := s.PutDue(ctx, d); err != nil {
						failed.Store(fmt.Errorf("seed %d: %w", i, err))
					}
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		b.Fatal(err)
	}
}
