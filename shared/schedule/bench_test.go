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
	get, put, update, del, query, batch atomic.Int64
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

// BenchmarkTickPlanning seeds UPWARD_BENCH_PAIRS active pairs (default
// 5,000; the README's figure uses 50,000) whose check-ins all fall due in
// the same hour, the worst case, and times one tick over all of them.
func BenchmarkTickPlanning(b *testing.B) {
	pairs := 5000
	if v := os.Getenv("UPWARD_BENCH_PAIRS"); v != "" {
		pairs, _ = strconv.Atoi(v)
	}
	ctx := context.Background()
	db := stacktest.DynamoDB(b)
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
		c := &counting{DynamoDB: db}
		q := &countQueue{}
		t := &schedule.Ticker{Store: store.New(c, table), Queue: q, Clock: stacktest.NewClock(time.Date(2027, 1, 18, 9, 30, 0, 0, time.UTC)), Log: slog.New(slog.DiscardHandler), Workers: 4}
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
		b.ReportMetric(float64(c.total())/float64(pairs)*1000, "requests/1000pairs")
		b.ReportMetric(elapsed.Seconds()/float64(pairs)*1000, "s/1000pairs")
		b.ReportMetric(float64(c.query.Load()), "queries")
		b.Logf("%d pairs: %s; requests: %d get, %d batch get, %d put, %d update, %d delete, %d query", pairs, elapsed.Round(time.Millisecond), c.get.Load(), c.batch.Load(), c.put.Load(), c.update.Load(), c.del.Load(), c.query.Load())
	}
}

func seed(b *testing.B, s *store.Store, prog programme.Programme, n int) {
	b.Helper()
	ctx := context.Background()
	due := time.Date(2027, 1, 18, 9, 0, 0, 0, time.UTC)
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
