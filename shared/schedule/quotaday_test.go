package schedule_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// quotaDayZones are the participants' time zones, east to west: Monday
// morning in Auckland is Sunday evening UTC, in Los Angeles Monday
// evening UTC, so one local Monday spans two UTC days.
var quotaDayZones = []string{"Pacific/Auckland", "Asia/Tokyo", "Asia/Kolkata", "Europe/Lisbon", "America/New_York", "America/Los_Angeles"}

// quotaDay is one simulated quota day: pairs whose first check-ins all
// fall due on Monday 18 January 2027 (each person's local morning),
// sent through SES that allows perSecond emails a second and perDay in
// any 24 hours.
type quotaDay struct {
	pairs             int
	perSecond, perDay int
	// paceRate is the rate the send functions share (SES_MAX_SEND_RATE,
	// or SES's own figure), senders the queue's MaximumConcurrency.
	paceRate float64
	senders  int
	// zones the partners live in (default quotaDayZones).
	zones []string
	// outside is email sent beside the schedule.
	outside outsideSends
	// tickEvery is the tick's interval (default 15 minutes, as the
	// template schedules it; the test ticks hourly to stay quick).
	tickEvery time.Duration
}

func (c quotaDay) every() time.Duration {
	if c.tickEvery > 0 {
		return c.tickEvery
	}
	return 15 * time.Minute
}

// quotaDayResult is what a simulated quota day did.
type quotaDayResult struct {
	emails           int
	sent             []sesSend                 // the schedule's emails SES accepted
	all              []sesSend                 // and the ones sent beside it
	zone             map[string]*time.Location // address → time zone
	email            map[string]string         // participant id → address
	admitted         map[string]time.Time      // participant id → when the tick queued their email
	duplicates       int
	dead             int
	maxReceives      int
	deferred         int
	throttled, quota int
	movedByDay       map[string]int // UTC day of the tick → check-ins moved to the next morning
	tickErrs         []error
	runErr           error
	ledger           *store.Store
	keys             []string
}

// runQuotaDay seeds the pairs on dynalite and runs the real tick, the
// real send handler with requeue, the real deliverer and mail.SES against
// the stand-ins, in virtual time, until every email is sent (or a week
// has passed).
func runQuotaDay(tb testing.TB, s *store.Store, cfg quotaDay) quotaDayResult {
	tb.Helper()
	ctx := context.Background()
	approved := time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC)
	prog := programme.New(approved)
	prog.ID, prog.Name, prog.StartDate, prog.EndDate = ids.New(), "Quota day", "2027-01-04", "2027-03-26"
	if err := s.CreateProgramme(ctx, prog); err != nil {
		tb.Fatal(err)
	}
	res := quotaDayResult{emails: 2 * cfg.pairs, zone: map[string]*time.Location{}, email: map[string]string{}, movedByDay: map[string]int{}, ledger: s}
	zones := cfg.zones
	if len(zones) == 0 {
		zones = quotaDayZones
	}
	seedQuotaDay(tb, s, prog, cfg.pairs, zones, approved, &res)

	// Sunday 18:00 UTC, before Auckland's Monday morning.
	clk := newVClock(time.Date(2027, 1, 17, 18, 0, 0, 0, time.UTC))
	ses := &sesStandIn{clock: clk, perSecond: cfg.perSecond, perDay: cfg.perDay, outside: cfg.outside}
	q := &simSQS{clock: clk, visibility: 180 * time.Second, maxReceives: 8, admitted: map[string]time.Time{}}
	queue := &sendqueue.SQS{Client: q, URL: "sim"}
	log := slog.New(slog.DiscardHandler)
	ticker := &schedule.Ticker{Store: s, Queue: queue, Clock: clk, Log: log, Quota: mail.AccountQuota{Client: ses}}

	key := make([]byte, token.MinKeyLen)
	_, _ = rand.Read(key)
	signer, err := token.NewSigner(key)
	if err != nil {
		tb.Fatal(err)
	}
	var nextTick time.Time
	clk.Go(func() {
		for {
			now := clk.Now()
			st, err := ticker.Tick(ctx)
			if err != nil {
				res.tickErrs = append(res.tickErrs, err)
			}
			if st.Moved > 0 {
				res.movedByDay[now.Format("2006-01-02")] += st.Moved
			}
			nextTick = now.Truncate(cfg.every()).Add(cfg.every())
			if clk.Sleep(ctx, nextTick.Sub(now)) != nil {
				return
			}
		}
	})
	for range cfg.senders {
		d, err := mail.NewDeliverer(s, &mail.SES{Client: ses, Pace: mail.NewPaceOn(clk, cfg.paceRate, cfg.senders)}, signer, clk, log, stacktest.DefaultMail)
		if err != nil {
			tb.Fatal(err)
		}
		d.FollowUpsOn(queue)
		handler := sendqueue.SQSHandler(d, log, sendqueue.WithRequeue(queue))
		clk.Go(func() { sendFunction(clk, q, handler, func() time.Time { return nextTick }) })
	}
	res.runErr = clk.Run(time.Date(2027, 1, 25, 0, 0, 0, 0, time.UTC), func() bool {
		return ses.scheduled() >= res.emails && q.empty()
	})
	// Every actor has stopped: the stand-ins are read alone from here.
	res.all, res.admitted, res.duplicates = ses.sent, q.admitted, q.duplicates
	for _, m := range ses.sent {
		if m.to != outsideAddress {
			res.sent = append(res.sent, m)
		}
	}
	res.dead, res.maxReceives, res.deferred = len(q.dead), q.maxSeen, q.deferred
	res.throttled, res.quota = ses.throttled, ses.quota
	return res
}

// seedQuotaDay enrols the people (partners in neighbouring time zones)
// and starts their pairs as approval does: each person's first check-in
// due at the pair's minute of their own Monday morning.
func seedQuotaDay(tb testing.TB, s *store.Store, prog programme.Programme, pairs int, zones []string, at time.Time, res *quotaDayResult) {
	tb.Helper()
	ctx := context.Background()
	tag := ids.New()[:8]
	people := make([]programme.Participant, 0, 2*pairs)
	for i := range pairs {
		for r, role := range []programme.Role{programme.Senior, programme.Junior} {
			people = append(people, programme.Participant{
				Email: fmt.Sprintf("%c%d-%s@example.org", "sj"[r], i, tag), Name: "P", Role: role,
				TimeZone: zones[(i+r)%len(zones)],
			})
		}
	}
	enrolled, err := s.Enrol(ctx, prog.ID, people, at)
	if err != nil {
		tb.Fatal(err)
	}
	byEmail := map[string]programme.Participant{}
	for _, p := range enrolled.Created {
		byEmail[p.Email] = p
		res.zone[p.Email] = p.Loc()
		res.email[p.ID] = p.Email
	}
	work := make(chan int)
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				sen, jun := byEmail[people[2*i].Email], byEmail[people[2*i+1].Email]
				p := programme.Pair{ProgrammeID: prog.ID, SeniorID: sen.ID, JuniorID: jun.ID, Round: 1, State: programme.PairActive,
					StartDate: prog.StartDate, ApprovedAt: at, UpdatedAt: at}
				p.ID = programme.PairID(prog.ID, 1, sen.ID, jun.ID)
				err := s.CreatePair(ctx, p)
				plan := schedule.NewPlan(prog, p)
				for _, who := range []programme.Participant{sen, jun} {
					if err != nil {
						break
					}
					d := store.DueItem{ProgrammeID: prog.ID, PairID: p.ID, ParticipantID: who.ID, Role: who.Role, Cycle: 1,
						Due: plan.Delivery(1, who.Loc()), TimeZone: who.TimeZone}
					err = s.PutDue(ctx, d)
					mu.Lock()
					res.keys = append(res.keys, sendqueue.Key(sendqueue.Scheduled{Email: sendqueue.KindCheckIn, ProgrammeID: prog.ID, ParticipantID: who.ID, PairID: p.ID, Cycle: 1}))
					mu.Unlock()
				}
				if err != nil {
					select {
					case errs <- fmt.Errorf("seed pair %d: %w", i, err):
					default:
					}
				}
			}
		}()
	}
	for i := range pairs {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		tb.Fatal(err)
	}
}

// check holds a quota day to the bar; it returns the report.
func (r quotaDayResult) check(tb testing.TB, cfg quotaDay) string {
	tb.Helper()
	if r.runErr != nil {
		tb.Errorf("simulation: %v", r.runErr)
	}
	for _, err := range r.tickErrs {
		tb.Errorf("tick: %v", err)
	}
	if r.dead != 0 {
		tb.Errorf("%d messages dead-lettered, want none", r.dead)
	}
	// Queued again is allowed (a failed write leaves an item due, and the
	// ledger sends once); it is reported.
	// Every person exactly once: none lost, none twice.
	got := map[string]int{}
	for _, m := range r.sent {
		got[m.to]++
	}
	lost, twice := 0, 0
	for who := range r.zone {
		switch n := got[who]; {
		case n == 0:
			lost++
		case n > 1:
			twice++
		}
	}
	if lost != 0 || twice != 0 || len(r.sent) != r.emails {
		tb.Errorf("%d emails to %d people: %d received none, %d more than one; want %d, one each", len(r.sent), len(got), lost, twice, r.emails)
	}
	// SES's limits held (independently of the stand-in's own counting).
	// (The outside email is counted at one instant, a model of a day.)
	inSecond, inDay := maxInWindow(r.sent, time.Second), maxInWindow(r.all, 24*time.Hour)
	if inSecond > cfg.perSecond || inDay > cfg.perDay {
		tb.Errorf("at most %d emails in a second and %d in 24 h, over SES's %d and %d", inSecond, inDay, cfg.perSecond, cfg.perDay)
	}
	// Each email on the local day of the morning the tick queued it for,
	// and queued in that morning.
	queuedAt := map[string]time.Time{}
	for id, at := range r.admitted {
		queuedAt[r.email[id]] = at
	}
	wrongDay, notMorning := 0, 0
	days := map[string]*[2]time.Time{} // UTC day → first and last send
	byLocalDay := map[string]int{}
	var latestLocal time.Duration
	for _, m := range r.sent {
		loc := r.zone[m.to]
		queued, ok := queuedAt[m.to]
		if !ok {
			tb.Errorf("%s received an email the tick never queued", m.to)
			continue
		}
		q, sent := queued.In(loc), m.at.In(loc)
		if sent.Format("2006-01-02") != q.Format("2006-01-02") {
			if wrongDay < 5 {
				tb.Errorf("%s (%s): queued %s, sent %s, a different local day", m.to, loc, q.Format(time.DateTime), sent.Format(time.DateTime))
			}
			wrongDay++
		}
		if tod := time.Duration(q.Hour())*time.Hour + time.Duration(q.Minute())*time.Minute; tod < schedule.MorningStart || tod > schedule.MorningStart+schedule.MorningWindow+cfg.every() || q.Weekday() == time.Saturday || q.Weekday() == time.Sunday {
			notMorning++
		}
		latestLocal = max(latestLocal, time.Duration(sent.Hour())*time.Hour+time.Duration(sent.Minute())*time.Minute)
		byLocalDay[sent.Format("Mon 2006-01-02")]++
		d := m.at.UTC().Format("2006-01-02")
		if days[d] == nil {
			days[d] = &[2]time.Time{m.at, m.at}
		}
		days[d][1] = m.at
	}
	if wrongDay != 0 {
		tb.Errorf("%d of %d emails sent on another local day than the morning they were queued for", wrongDay, len(r.sent))
	}
	if notMorning != 0 {
		tb.Errorf("%d emails queued outside their person's weekday morning", notMorning)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d pairs, %d emails; SES %d/s, %d per 24 h; %d send functions pacing %.4g/s together; a tick every %s\n", cfg.pairs, r.emails, cfg.perSecond, cfg.perDay, cfg.senders, cfg.paceRate, cfg.every())
	fmt.Fprintf(&b, "sent %d, dead-lettered %d, most receives of a message %d, requeued by back-pressure %d, queued again by the tick %d; SES refused %d (throttled) and %d (daily quota)\n",
		len(r.sent), r.dead, r.maxReceives, r.deferred, r.duplicates, r.throttled, r.quota)
	fmt.Fprintf(&b, "most in any second %d, in any 24 h %d; latest local send %02d:%02d\n", inSecond, inDay, int(latestLocal.Hours()), int(latestLocal.Minutes())%60)
	for _, d := range sortedKeysOf(r.movedByDay) {
		fmt.Fprintf(&b, "moved to the next morning by the ticks of %s (UTC): %d\n", d, r.movedByDay[d])
	}
	for _, d := range sortedKeysOf(days) {
		n := 0
		for _, m := range r.sent {
			if m.at.UTC().Format("2006-01-02") == d {
				n++
			}
		}
		fmt.Fprintf(&b, "sent %s UTC: %d emails, %s–%s\n", d, n, days[d][0].Format("15:04:05"), days[d][1].Format("15:04:05"))
	}
	for _, d := range sortedKeysOf(byLocalDay) {
		fmt.Fprintf(&b, "received on local %s: %d\n", d, byLocalDay[d])
	}
	fmt.Fprintf(&b, "UTC days with sends: %d", len(days))
	return b.String()
}

func sortedKeysOf[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// maxInWindow is the most sends in any window of length w, (t-w, t].
func maxInWindow(sent []sesSend, w time.Duration) int {
	most, lo := 0, 0
	for hi := range sent {
		for !sent[lo].at.After(sent[hi].at.Add(-w)) {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

// TestAQuotaDayIsSentWholeOnEachPersonsDay is the quota day at a
// small scale, SES allowing 2 emails a second and the send functions
// configured over it (SES_MAX_SEND_RATE set higher than the account's
// while GetAccount could not be read), so SES throttles; the
// quota is small enough that the tick moves part of Monday to the next
// mornings and SES refuses on its rolling 24 hours.
func TestAQuotaDayIsSentWholeOnEachPersonsDay(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		cfg  quotaDay
	}{
		{"six time zones", quotaDay{pairs: 60, perSecond: 2, perDay: 76, paceRate: 6, senders: 2}},
		// Auckland's Monday morning is Sunday evening UTC, Tokyo's is
		// Monday's small hours: in SES's rolling 24 hours they are one day,
		// in UTC days two.
		{"Auckland then Tokyo", quotaDay{pairs: 60, perSecond: 2, perDay: 80, paceRate: 6, senders: 2, zones: []string{"Pacific/Auckland", "Asia/Tokyo"}}},
		// A cohort's welcomes, beyond the reserve, the evening before:
		// SES counts them, and the tick makes room for them.
		{"welcomes the evening before", quotaDay{pairs: 60, perSecond: 2, perDay: 76, paceRate: 6, senders: 2,
			outside: outsideSends{at: time.Date(2027, 1, 17, 18, 0, 0, 0, time.UTC), n: 30}}},
		// A cohort's welcomes fill SES's window just before the first
		// check-in queued from 09:00 on (Lisbon's) is sent: the tick could
		// not know, SES refuses on its rolling window, and the check-ins
		// wait as back-pressure — sent later that day (in the evening:
		// Auckland's Sunday leaves the window only then), none lost.
		// (Tied to that send, not to a second after the tick: how many of
		// Lisbon's people fall due by 09:00 depends on their pairs' ids, and
		// when it was two or fewer, SES had sent them all within a second.)
		{"welcomes after the tick", quotaDay{pairs: 60, perSecond: 2, perDay: 88, paceRate: 6, senders: 2,
			outside: outsideSends{at: time.Date(2027, 1, 18, 9, 0, 0, 0, time.UTC), n: 150, withSend: true}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := stacktest.Store(t)
			tt.cfg.tickEvery = time.Hour
			r := runQuotaDay(t, s, tt.cfg)
			t.Log(r.check(t, tt.cfg))
			moved := 0
			for _, n := range r.movedByDay {
				moved += n
			}
			if moved == 0 || r.throttled == 0 {
				t.Errorf("moved %d, throttled %d: the test no longer exercises both", moved, r.throttled)
			}
			if tt.cfg.outside.withSend && r.quota == 0 {
				t.Error("SES never refused on its rolling 24 hours: the test no longer exercises it")
			}
			// The ledger holds every check-in as sent.
			for _, k := range r.keys {
				rec, err := s.GetSend(context.Background(), k)
				if err != nil || rec.State != store.SendSent {
					t.Errorf("ledger %s: %+v, %v; want sent", k, rec, err)
				}
			}
		})
	}
}

// BenchmarkQuotaDay is the quota day at scale: UPWARD_BENCH_PAIRS
// pairs (default 2,000; the README's figure is 50,000) whose check-ins
// fall due on the same Monday in six time zones, sent through the SES
// stand-in at 14 emails a second and 50,000 in any 24 hours by two send
// functions pacing 14 a second together, in virtual time.
func BenchmarkQuotaDay(b *testing.B) {
	pairs := benchPairs(2000)
	db := stacktest.DynamoDB(b)
	for range b.N {
		b.StopTimer()
		s := store.New(db, stacktest.NewTable(b, db))
		cfg := quotaDay{pairs: pairs, perSecond: 14, perDay: 50000, paceRate: 14, senders: 2}
		start := time.Now()
		b.StartTimer()
		r := runQuotaDay(b, s, cfg)
		b.StopTimer()
		report := r.check(b, cfg)
		// Printed, not logged: the testing package cuts a benchmark's log
		// to ten lines, and the report's per-day lines come last.
		fmt.Printf("--- quota day\n%s\nwall time %s (seeding included)\n", report, time.Since(start).Round(time.Second))
		b.ReportMetric(float64(len(r.sent)), "emails")
		b.ReportMetric(float64(r.throttled), "throttled")
		b.ReportMetric(float64(r.quota), "quota-refusals")
		b.ReportMetric(float64(r.maxReceives), "max-receives")
	}
}
