package replies

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkParseCorpus measures the whole path (Parse, TrimmedText,
// Understand) over the corpus:
//
//	go test -run='^$' -bench=BenchmarkParseCorpus -benchmem ./shared/replies
//
// msgs/s is by wall time; msgs/cpu-s by the CPU time the process used,
// which a busy shared machine disturbs far less.
func BenchmarkParseCorpus(b *testing.B) {
	corpus := loadCorpus(b)
	var bytesTotal int
	for _, c := range corpus {
		bytesTotal += len(c.raw)
	}
	b.SetBytes(int64(bytesTotal))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := processCPU()
	for b.Loop() {
		for _, c := range corpus {
			msg, err := Parse(c.raw, DefaultLimits)
			if err != nil {
				b.Fatal(err)
			}
			Understand(msg.TrimmedText(), Options{Context: c.want.Context, Topics: c.want.Vocabulary})
		}
	}
	cpu = processCPU() - cpu
	runtime.ReadMemStats(&after)
	n := float64(b.N * len(corpus))
	b.ReportMetric(n/b.Elapsed().Seconds(), "msgs/s")
	if cpu > 0 {
		b.ReportMetric(n/cpu.Seconds(), "msgs/cpu-s")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/msg")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/msg")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/msg")
}

// largeMessages are messages just under the 10 MiB default limit, of the
// shapes that reach it: a reply carrying a large attachment, and a reply
// on top of a long HTML thread.
func largeMessages() map[string][]byte {
	const target = 10<<20 - 64<<10
	out := map[string][]byte{}

	var a bytes.Buffer
	a.WriteString(minimalHeader + "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYes, we met. 4\r\n\r\nOn Tue, 3 Mar 2026 at 09:14, Upward <r@u.example> wrote:\r\n> Did you meet?\r\n\r\n--m\r\nContent-Type: application/pdf; name=\"notes.pdf\"\r\nContent-Disposition: attachment; filename=\"notes.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	chunk := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0xe2, 0xe3, 0xcf}, 57/12*12))
	for a.Len() < target {
		a.WriteString(chunk + "\r\n")
	}
	a.WriteString("--m--\r\n")
	out["attachment"] = a.Bytes()

	var h bytes.Buffer
	h.WriteString(minimalHeader + "Content-Type: text/html; charset=utf-8\r\n\r\n<div>Yes, we met. 4</div><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Tue, Upward wrote:</div>")
	for i := 0; h.Len() < target; i++ {
		fmt.Fprintf(&h, "<blockquote class=\"gmail_quote\"><div>Earlier message %d in a long thread, with <b>some</b> formatting &amp; entities.</div>\r\n", i)
		if i%50 == 49 {
			h.WriteString(strings.Repeat("</blockquote>", 50))
		}
	}
	h.WriteString("</div>")
	out["html thread"] = h.Bytes()
	return out
}

// BenchmarkParseLargeMessage measures a message just under the size
// limit, with the peak heap it needs:
//
//	go test -run='^$' -bench=BenchmarkParseLargeMessage -benchmem ./shared/replies
func BenchmarkParseLargeMessage(b *testing.B) {
	for name, raw := range largeMessages() {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				p := peakHeap(func() { parseAll(b, raw) })
				peak = max(peak, p)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

func parseAll(tb testing.TB, raw []byte) Answer {
	msg, err := Parse(raw, DefaultLimits)
	if err != nil {
		tb.Fatal(err)
	}
	return Understand(msg.TrimmedText(), Options{})
}

// lambdaHeapBudget is what the largest message may take on the heap: a
// 256 MB function keeps room for the runtime, the SDK clients and the raw
// message held by the handler.
const lambdaHeapBudget = 160 << 20

// TestLargeMessageWithinLambdaBudget parses the largest accepted messages
// and checks the answer comes through and the peak heap stays within a
// 256 MB function's budget.
func TestLargeMessageWithinLambdaBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("large messages")
	}
	for name, raw := range largeMessages() {
		var a Answer
		peak := peakHeap(func() { a = parseAll(t, raw) })
		t.Logf("%s: %.1f MiB message, peak heap %.1f MiB", name, float64(len(raw))/(1<<20), float64(peak)/(1<<20))
		if a.Rating == nil || *a.Rating != 4 || a.Met == nil || !*a.Met {
			t.Errorf("%s: answer lost: met %v rating %v", name, a.Met, a.Rating)
		}
		if peak > lambdaHeapBudget {
			t.Errorf("%s: peak heap %d MiB over the %d MiB budget", name, peak>>20, lambdaHeapBudget>>20)
		}
	}
}

// peakHeap runs f and returns the most live heap seen while it ran,
// sampled every 200µs after a collection, above what was live before.
func peakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if v := read(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	f()
	if v := read(); v > peak.Load() {
		peak.Store(v)
	}
	close(done)
	<-stopped
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}
