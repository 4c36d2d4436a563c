package rie_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/rie"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/store"
)

// BenchmarkColdStart measures each function's cold start under the
// emulator: from starting the process (the emulator, which starts the
// bootstrap on the first invocation, as Lambda does) to the first event
// handled, including the function's own initialisation (configuration, the
// HMAC secret's read, the SDK clients). Each event is of the function's
// trigger and does next to nothing, so the figure is the start-up. The
// binary's size is reported beside it.
//
//	go test -run='^$' -bench=ColdStart -benchtime=10x ./infra/rie
func BenchmarkColdStart(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct {
		folder, logicalID string
		event             func(b *testing.B, f *fixture) []byte
	}{
		{"web", "WebFunction", func(b *testing.B, f *fixture) []byte {
			return functionURLEvent("GET", "/signin")
		}},
		{"send", "SendFunction", func(*testing.B, *fixture) []byte { return []byte(`{"Records":[]}`) }},
		{"tick", "TickFunction", func(*testing.B, *fixture) []byte { return []byte(`{}`) }},
		{"inbound", "InboundFunction", func(*testing.B, *fixture) []byte { return []byte(`{"Records":[]}`) }},
		{"orgchart", "OrgChartFunction", func(*testing.B, *fixture) []byte { return []byte(`{"Records":[]}`) }},
		{"feedback", "FeedbackFunction", func(b *testing.B, _ *fixture) []byte {
			b.Helper()
			ev, err := os.ReadFile("../../shared/feedback/testdata/delivery.json")
			if err != nil {
				b.Fatal(err)
			}
			return ev
		}},
		{"match", "MatchFunction", func(b *testing.B, f *fixture) []byte {
			// A proposal that has already run: the function reads it and
			// has nothing to do.
			p := store.Proposal{ID: ids.New(), ProgrammeID: ids.New(), Status: store.ProposalReady, CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := f.store.CreateProposal(ctx, p); err != nil {
				b.Fatal(err)
			}
			return mustJSON(b, review.Job{ProgrammeID: p.ProgrammeID, ProposalID: p.ID})
		}},
	} {
		b.Run(c.folder, func(b *testing.B) {
			f := newFixture(b)
			env, err := rie.Environment(w.tpl, c.logicalID, f.local())
			if err != nil {
				b.Fatal(err)
			}
			event := c.event(b, f)
			info, err := os.Stat(w.bins[c.folder])
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				fn, err := rie.Start(ctx, w.emulator, w.bins[c.folder], env)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := fn.Invoke(ctx, event); err != nil {
					fn.Stop()
					b.Fatal(err)
				}
				b.StopTimer()
				fn.Stop()
				b.StartTimer()
			}
			b.ReportMetric(float64(info.Size())/(1<<20), "MiB")
		})
	}
}
