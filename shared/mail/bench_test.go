package mail_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// BenchmarkSendThroughput pushes 1,000 welcome emails through the local
// pipeline: queue → ledger claim → render → SES (aws-ses-v2-local) → ledger.
func BenchmarkSendThroughput(b *testing.B) {
	const n = 1000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var people []programme.Participant
		for k := 0; k < n; k++ {
			people = append(people, programme.Participant{Email: fmt.Sprintf("p%d-%d-%d@example.org", i, k, time.Now().UnixNano()%1e6), Name: "Person", Role: programme.Junior})
		}
		f := setupB(b, stacktest.Options{Workers: 8}, people...)
		q := f.sys.Queue
		var jobs []sendqueue.Job
		for _, p := range f.people {
			jobs = append(jobs, sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: p.ID})
		}
		b.StartTimer()
		start := time.Now()
		if err := q.Enqueue(context.Background(), jobs...); err != nil {
			b.Fatal(err)
		}
		q.Drain()
		elapsed := time.Since(start)
		b.StopTimer()
		b.ReportMetric(elapsed.Seconds(), "s/1000emails")
		b.ReportMetric(n/elapsed.Seconds(), "emails/s")
	}
}
