package mail_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/shared/localstack/stacktest"
	"github.com/upward-mentoring/upward/shared/mail"
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
		f := setupB(b, people...)
		d, err := mail.NewDeliverer(f.store, &mail.SES{Client: stacktest.SES(b)}, f.signer, fixedClock{}, slog.New(slog.DiscardHandler),
			mail.Settings{FromAddress: "p@upward.test", MailDomain: "upward.test", BaseURL: "https://upward.test"})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		q := sendqueue.NewMemory(ctx, d, 8, slog.New(slog.DiscardHandler))
		var jobs []sendqueue.Job
		for _, p := range f.people {
			jobs = append(jobs, sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: p.ID})
		}
		b.StartTimer()
		start := time.Now()
		if err := q.Enqueue(ctx, jobs...); err != nil {
			b.Fatal(err)
		}
		q.Drain()
		elapsed := time.Since(start)
		b.StopTimer()
		cancel()
		q.Wait()
		b.ReportMetric(elapsed.Seconds(), "s/1000emails")
		b.ReportMetric(n/elapsed.Seconds(), "emails/s")
	}
}

type fixedClock struct{}

func (fixedClock) Now() time.Time { return now }
