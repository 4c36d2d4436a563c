package orgchart_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/guard"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/orgchart"
	"github.com/upward-mentoring/upward/shared/store"
)

// BenchmarkUploadedOrgChart is the orgchart function's work on an org
// chart of UPWARD_BENCH_ORG_ROWS rows (default 500,000) as an HRIS exports
// it (name, title, department and location besides the two columns read):
// read from S3 (gofakes3) as it is parsed, every row checked, the chart
// stored in dynalite with stacktest.BenchLatency() added to every DynamoDB request
// (infra/latencyproxy), the audit entry and the upload's record written.
//
//	go test -run='^$' -bench=UploadedOrgChart -benchtime=1x ./shared/orgchart/
func BenchmarkUploadedOrgChart(b *testing.B) {
	rows := 500_000
	if v := os.Getenv("UPWARD_BENCH_ORG_ROWS"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			rows = n
		}
	}
	csv := hrisExport(rows)
	db, p := stacktest.SlowDynamoDB(b)
	st := store.New(db, stacktest.NewTable(b, db))
	c, bucket := stacktest.Bucket(b)
	log := slog.New(slog.DiscardHandler)
	clock := stacktest.NewClock(stacktest.DefaultStart)
	im := &orgchart.Importer{Store: st, Guard: &guard.Guard{Store: st, Clock: clock, Log: log}, Clock: clock, Log: log}
	ctx := context.Background()
	var peak float64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		id := ids.New()
		if err := st.CreateOrgUpload(ctx, store.OrgUpload{ID: id, By: "admin@example.org", IssuedAt: clock.Now(), Status: store.UploadWaiting}); err != nil {
			b.Fatal(err)
		}
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(orgchart.Key(id)), Body: bytes.NewReader(csv)}); err != nil {
			b.Fatal(err)
		}
		p.Requests()
		stop := watchHeap()
		b.StartTimer()
		if err := im.Process(ctx, orgchart.Bucket{Name: bucket, Objects: c}, id); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		peak = max(peak, stop())
		u, err := st.GetOrgUpload(ctx, id)
		if err != nil || u.Status != store.UploadDone || u.Rows != rows {
			b.Fatalf("upload = %+v (%v), want done with %d rows", u, err, rows)
		}
		b.StartTimer()
	}
	b.StopTimer()
	n := 0
	for _, v := range p.Requests() {
		n += v
	}
	b.ReportMetric(float64(len(csv))/(1<<20), "file-MB")
	b.ReportMetric(peak, "peak-heap-MB")
	b.ReportMetric(float64(n), "requests/op")
}

// hrisExport is an org chart of n people in a tree ten wide, with the
// columns an HRIS export carries besides the two Upward reads.
func hrisExport(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("employee_email,manager_email,name,title,department,location\n")
	for i := range n {
		mgr := ""
		if i > 0 {
			mgr = fmt.Sprintf("person%06d@example.org", (i-1)/10)
		}
		fmt.Fprintf(&buf, "person%06d@example.org,%s,Person %06d,Senior Analyst,Department %d,Office %d\n", i, mgr, i, i%200, i%40)
	}
	return buf.Bytes()
}

// watchHeap samples the heap until the returned function is called, which
// returns the most it grew over the heap at the start, in MB.
func watchHeap() func() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base, top := m.HeapAlloc, m.HeapAlloc
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				top = max(top, m.HeapAlloc)
			}
		}
	})
	return func() float64 {
		close(done)
		wg.Wait()
		return float64(top-base) / (1 << 20)
	}
}
