package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/totals"
	"github.com/upward-mentoring/upward/shared/web"
)

// large is the 5,000-pair programme the benchmarks share: seeding it takes
// longer than any of them.
var large struct {
	once  sync.Once
	store *store.Store
	prog  programme.Programme
}

const largePairs = 5000

func largeProgramme(b *testing.B, now time.Time) (*store.Store, programme.Programme) {
	large.once.Do(func() {
		large.store, _ = stacktest.Store(b)
		large.prog = seedLargeProgramme(b, large.store, largePairs, now)
	})
	if large.store == nil || large.prog.ID == "" {
		b.Fatal("seeding the large programme failed in an earlier benchmark")
	}
	return large.store, large.prog
}

// BenchmarkDashboard5000Pairs renders the dashboard of a programme with
// 5,000 pairs (10,000 people) four check-ins in, about 27,000 answers,
// stored in dynalite: the whole request, from the three paginated Queries
// through the figures to the charts.
//
//	go test -run='^$' -bench=5000Pairs -benchtime=5x ./shared/web/
func BenchmarkDashboard5000Pairs(b *testing.B) {
	benchPage(b, "dashboard", fmt.Sprintf("<strong>%d</strong>", largePairs))
}

// BenchmarkAttention5000Pairs renders the attention list of the same
// programme: the dashboard's reads, plus the quarantine and the suppression
// list for 10,000 addresses.
func BenchmarkAttention5000Pairs(b *testing.B) {
	benchPage(b, "attention", "Stalled pairs")
}

func benchPage(b *testing.B, page, want string) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	s, prog := largeProgramme(b, now)
	srv, cookie := benchSite(b, s, now)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/programmes/"+prog.ID+"/"+page, nil)
	req.AddCookie(cookie)
	var size int
	for b.Loop() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(want)) {
			b.Fatalf("%s = %d, %d bytes", page, resp.StatusCode, len(body))
		}
		size = len(body)
	}
	b.ReportMetric(float64(size)/1024, "KiB/page")
}

// benchSite serves the site with a coordinator's session already made, so
// that the benchmark times the dashboard and not the sign-in.
func benchSite(b *testing.B, s *store.Store, now time.Time) (*httptest.Server, *http.Cookie) {
	b.Helper()
	sys := stacktest.NewSystem(b, stacktest.Options{Start: now, Store: s})
	matches := &review.Service{Store: s, Queue: sys.Queue, Clock: sys.Clock, Log: sys.Log}
	gate, err := signin.New(s, sys.Queue, sys.Signer, sys.Clock, sys.Log, signin.Config{Administrators: []string{"bench@example.org"}, Insecure: true})
	if err != nil {
		b.Fatal(err)
	}
	answers, err := inbound.New(s, sys.Queue, sys.Signer, sys.Clock, sys.Log, inbound.Settings{MailDomain: "upward.test", Local: true})
	if err != nil {
		b.Fatal(err)
	}
	w, err := web.New(web.Deps{Store: s, SignIn: gate, Queue: sys.Queue, Signer: sys.Signer, Clock: sys.Clock, Log: sys.Log,
		Matches: matches, Proposals: review.InProcess{Service: matches}, Answers: answers},
		web.Config{BaseURL: "http://localhost", Insecure: true})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(w)
	b.Cleanup(srv.Close)
	secret := "bench-session-" + ids.New()
	sum := sha256.Sum256([]byte(secret))
	if err := s.CreateSession(context.Background(), store.Session{Hash: hex.EncodeToString(sum[:]), Email: "bench@example.org", CSRF: "x", CreatedAt: now, Expires: now.Add(24 * time.Hour)}); err != nil {
		b.Fatal(err)
	}
	return srv, &http.Cookie{Name: signin.InsecureCookie, Value: secret}
}

// seedLargeProgramme stores a programme of n pairs started on 4 January
// 2027: at 1 March, four check-ins in, every tenth pair has stopped
// answering and the others answer three times in four.
func seedLargeProgramme(b *testing.B, s *store.Store, n int, now time.Time) programme.Programme {
	b.Helper()
	ctx := context.Background()
	prog := programme.New(now)
	prog.ID, prog.Name, prog.StartDate, prog.EndDate = ids.New(), "Large programme", "2027-01-04", "2027-06-25"
	if err := s.CreateProgramme(ctx, prog); err != nil {
		b.Fatal(err)
	}
	people := make([]programme.Participant, 0, 2*n)
	for i := 0; i < n; i++ {
		people = append(people,
			programme.Participant{Email: fmt.Sprintf("s%05d@example.org", i), Name: fmt.Sprintf("Senior %d", i), Role: programme.Senior, TimeZone: "Europe/London"},
			programme.Participant{Email: fmt.Sprintf("j%05d@example.org", i), Name: fmt.Sprintf("Junior %d", i), Role: programme.Junior, TimeZone: "Europe/Lisbon"})
	}
	res, err := s.Enrol(ctx, prog.ID, people, now)
	if err != nil {
		b.Fatal(err)
	}
	byEmail := map[string]string{}
	for _, x := range res.Created {
		byEmail[x.Email] = x.ID
	}
	var jobs []func() error
	for i := 0; i < n; i++ {
		p := programme.Pair{ProgrammeID: prog.ID, SeniorID: byEmail[fmt.Sprintf("s%05d@example.org", i)], JuniorID: byEmail[fmt.Sprintf("j%05d@example.org", i)],
			State: programme.PairActive, StartDate: prog.StartDate, ApprovedAt: now}
		p.ID = programme.PairID(prog.ID, 0, p.SeniorID, p.JuniorID)
		for k := 1; k <= 4 && i%10 != 0; k++ {
			for side, who := range []struct {
				id   string
				role programme.Role
			}{{p.SeniorID, programme.Senior}, {p.JuniorID, programme.Junior}} {
				if (i+k+side)%4 == 0 {
					continue // one in four goes unanswered
				}
				met, rating := (i+k)%5 != 0, 1+(i*7+k*3+side)%5
				if met {
					p.LastMetCycle = k
				}
				a := store.Answer{ProgrammeID: prog.ID, PairID: p.ID, ParticipantID: who.id, Role: who.role, Cycle: k, Kind: "checkin", Met: &met, Rating: &rating, At: now}
				jobs = append(jobs, func() error { return s.PutAnswer(ctx, a) })
			}
		}
		jobs = append(jobs, func() error { return s.CreatePair(ctx, p) })
	}
	run(b, jobs)
	return prog
}

// run does the writes on a few workers: dynalite is one process, so more
// would only queue.
func run(b *testing.B, jobs []func() error) {
	b.Helper()
	ch := make(chan func() error)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []string
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				if err := j(); err != nil {
					mu.Lock()
					errs = append(errs, err.Error())
					mu.Unlock()
				}
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	if len(errs) > 0 {
		b.Fatalf("%d writes failed, first: %s", len(errs), strings.Join(errs[:1], ""))
	}
}

// BenchmarkPagesFromTotals times the dashboard and the first page of the
// attention list of programmes of 5,000, 20,000 and 50,000 pairs (10,000 to
// 100,000 people), every DynamoDB request held stacktest.BenchLatency() in
// infra/latencyproxy. Every tenth pair is stalled and so on the attention
// list through the store's own writes (enrolment, pairing, the ask that
// stalls it); the other pairs are in the running totals (one correction
// per programme), which is all either page reads of them. Both pages must
// cost the same at every size: peak-heap-MiB is the most the heap grew
// over the idle heap while the page was served.
//
//	go test -run='^$' -bench=PagesFromTotals -benchtime=20x -timeout 60m ./shared/web/
//
// UPWARD_BENCH_SIZES=5000,20000 limits the sizes.
func BenchmarkPagesFromTotals(b *testing.B) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	db, proxy := stacktest.SlowDynamoDB(b)
	direct, _ := stacktest.Store(b)
	s := store.New(db, direct.Table())
	for _, n := range benchSizes() {
		prog := seedStalled(b, direct, n, now)
		srv, cookie := benchSite(b, s, now)
		for _, page := range []struct{ name, want string }{{"dashboard", fmt.Sprintf("<strong>%d</strong>", n)}, {"attention", "Stalled pairs"}} {
			b.Run(fmt.Sprintf("%s/%d-pairs", page.name, n), func(b *testing.B) {
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/programmes/"+prog.ID+"/"+page.name, nil)
				req.AddCookie(cookie)
				peak := watchHeap()
				proxy.Requests()
				for b.Loop() {
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(page.want)) {
						b.Fatalf("%s = %d, %d bytes, want %q", page.name, resp.StatusCode, len(body), page.want)
					}
				}
				reqs := 0
				for _, c := range proxy.Requests() {
					reqs += c
				}
				b.ReportMetric(float64(reqs)/float64(b.N), "requests/page")
				b.ReportMetric(peak()/(1<<20), "peak-heap-MiB")
			})
		}
	}
}

func benchSizes() []int {
	sizes := []int{5000, 20000, 50000}
	if v := os.Getenv("UPWARD_BENCH_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
				sizes = append(sizes, n)
			}
		}
	}
	return sizes
}

// watchHeap samples the heap until the returned function is called, which
// reports the most it grew over the heap at the start.
func watchHeap() func() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapInuse
	var most atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > base && m.HeapInuse-base > most.Load() {
					most.Store(m.HeapInuse - base)
				}
			}
		}
	}()
	return func() float64 {
		close(stop)
		<-done
		return float64(most.Load())
	}
}

// seedStalled stores a programme of n pairs as BenchmarkPagesFromTotals
// describes: n/10 stalled pairs written as in life, the rest counted.
func seedStalled(b *testing.B, s *store.Store, n int, now time.Time) programme.Programme {
	b.Helper()
	ctx := context.Background()
	prog := programme.New(now)
	prog.ID, prog.Name, prog.StartDate, prog.EndDate = ids.New(), fmt.Sprintf("%d pairs", n), "2027-01-04", "2027-06-25"
	if err := s.CreateProgramme(ctx, prog); err != nil {
		b.Fatal(err)
	}
	stalled := n / 10
	people := make([]programme.Participant, 0, 2*stalled)
	for i := 0; i < stalled; i++ {
		people = append(people,
			programme.Participant{Email: fmt.Sprintf("s%06d-%s@example.org", i, prog.ID), Name: fmt.Sprintf("Senior %d", i), Role: programme.Senior, TimeZone: "Europe/London"},
			programme.Participant{Email: fmt.Sprintf("j%06d-%s@example.org", i, prog.ID), Name: fmt.Sprintf("Junior %d", i), Role: programme.Junior, TimeZone: "Europe/Lisbon"})
	}
	res, err := s.Enrol(ctx, prog.ID, people, now)
	if err != nil {
		b.Fatal(err)
	}
	byEmail := map[string]string{}
	for _, x := range res.Created {
		byEmail[x.Email] = x.ID
	}
	var jobs []func() error
	for i := 0; i < stalled; i++ {
		p := programme.Pair{ProgrammeID: prog.ID, SeniorID: byEmail[people[2*i].Email], JuniorID: byEmail[people[2*i+1].Email],
			State: programme.PairActive, StartDate: prog.StartDate, ApprovedAt: now}
		p.ID = programme.PairID(prog.ID, 0, p.SeniorID, p.JuniorID)
		jobs = append(jobs, func() error {
			if err := s.CreatePair(ctx, p); err != nil {
				return err
			}
			// The fourth check-in asked with no meeting reported: stalled.
			return s.RecordAsked(ctx, store.Asked{ProgrammeID: prog.ID, PairID: p.ID, ParticipantID: p.SeniorID, Role: programme.Senior, Cycle: 4, At: now.Add(-3 * time.Hour)})
		})
	}
	run(b, jobs)
	// The pairs nobody needs to hear of, in the counters alone.
	rest := int64(n - stalled)
	counted := totals.Counts{totals.Pairs: rest, totals.Enrolled: 2 * rest, totals.Paired: 2 * rest, totals.PairedSenior: rest,
		totals.Role(programme.Senior): rest, totals.Role(programme.Junior): rest, totals.State(string(programme.PairActive)): rest,
		totals.Status(programme.Invited): 2 * rest}
	if err := s.CorrectTotals(ctx, prog.ID, totals.Vector{N: counted}); err != nil {
		b.Fatal(err)
	}
	return prog
}
