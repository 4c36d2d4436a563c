package review_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

type env struct {
	svc   *review.Service
	store *store.Store
	queue stacktest.Queue
	clock *stacktest.Clock
	tag   string
}

// newEnv is a review service on a fresh table, whose queue sends through
// the real deliverer into the SES emulator.
func newEnv(t *testing.T) *env {
	t.Helper()
	sys := stacktest.NewSystem(t, stacktest.Options{Start: t0, Mail: mail.Settings{BaseURL: "http://upward.test"}})
	svc := &review.Service{Store: sys.Store, Queue: sys.Queue, Clock: sys.Clock, Log: sys.Log, Heartbeat: 10 * time.Millisecond}
	return &env{svc: svc, store: sys.Store, queue: sys.Queue, clock: sys.Clock, tag: ids.New()[:6]}
}

// addr makes an address unique to this test: the SES emulator's store is
// shared by every test of the binary.
func (e *env) addr(name string) string { return name + "-" + e.tag + "@x.org" }

// person is shorthand for a participant; the department drives the score
// (weights: only "different departments" counts).
type person struct {
	name, role, dept, manager, lang string
}

// programme creates a programme in which only different departments score,
// enrols the people and opts them in.
func (e *env) programme(t *testing.T, people ...person) programme.Programme {
	t.Helper()
	ctx := context.Background()
	p := programme.New(t0)
	p.ID, p.Name, p.StartDate, p.EndDate = ids.New(), "Bridges", "2027-01-04", "2027-06-30"
	p.Weights = programme.Weights{Department: 1}
	p.RequireSharedLanguage = true
	if err := e.store.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	var in []programme.Participant
	for _, x := range people {
		role, _ := programme.ParseRole(x.role)
		lang := x.lang
		if lang == "" {
			lang = "english"
		}
		pp := programme.Participant{Email: e.addr(x.name), Name: x.name, Role: role, Department: x.dept, Languages: []string{lang}}
		if x.manager != "" {
			pp.ManagerEmail = e.addr(x.manager)
		}
		in = append(in, pp)
	}
	res, err := e.store.Enrol(ctx, p.ID, in, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res.Created {
		if _, err := e.store.SetStatus(ctx, p.ID, x.ID, programme.OptedIn, "test", t0); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// propose creates a proposal and runs it to the end, as the match
// function would.
func (e *env) propose(t *testing.T, programmeID string) (store.Proposal, *matching.Result) {
	t.Helper()
	p, created, err := e.svc.Propose(context.Background(), programmeID, ids.New(), "coord@x.org")
	if err != nil || !created {
		t.Fatalf("propose: %v (created %v)", err, created)
	}
	return e.run(t, p)
}

func (e *env) run(t *testing.T, p store.Proposal) (store.Proposal, *matching.Result) {
	t.Helper()
	ctx := context.Background()
	if err := e.svc.Run(ctx, review.Job{ProgrammeID: p.ProgrammeID, ProposalID: p.ID}); err != nil {
		t.Fatal(err)
	}
	got, res, err := e.svc.Load(ctx, p.ProgrammeID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.ProposalReady || res == nil {
		t.Fatalf("after running: status %s (%s)", got.Status, got.Error)
	}
	return got, res
}

// pairsOf lists a result's pairs as "senior+junior" by name.
func (e *env) pairsOf(res *matching.Result) []string {
	var out []string
	for _, p := range res.Pairs {
		s := strings.TrimSuffix(p.Senior, "-"+e.tag+"@x.org")
		j := strings.TrimSuffix(p.Junior, "-"+e.tag+"@x.org")
		if p.Locked {
			j += " (locked)"
		}
		out = append(out, s+"+"+j)
	}
	return out
}

func (e *env) pair(senior, junior string) store.EmailPair {
	return store.NewEmailPair(e.addr(senior), e.addr(junior))
}

// two seniors and two juniors whose best pairing is s1+j1, s2+j2 (both
// across departments); the other way round scores nothing.
var square = []person{
	{name: "s1", role: "senior", dept: "Finance"},
	{name: "s2", role: "senior", dept: "Retail"},
	{name: "j1", role: "junior", dept: "Retail"},
	{name: "j2", role: "junior", dept: "Finance"},
}

func TestRunStoresTheBestPairsWithReasonsAndKeepsReportingLinesApart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// j1 reports to m (not enrolled), who reports to s1: s1 must not get
	// j1, though s1+j1, s2+j2 would score best. j3 shares no language.
	prog := e.programme(t,
		person{name: "s1", role: "senior", dept: "Finance"},
		person{name: "s2", role: "senior", dept: "Retail"},
		person{name: "j1", role: "junior", dept: "Retail", manager: "m"},
		person{name: "j2", role: "junior", dept: "Finance"},
		person{name: "j3", role: "junior", dept: "Retail", lang: "french"})
	lines := []store.OrgLine{{Employee: e.addr("m"), Manager: e.addr("s1")}, {Employee: e.addr("s1")}, {Employee: e.addr("ghost"), Manager: e.addr("nobody")}}
	if _, err := e.store.ReplaceOrgChart(context.Background(), lines, store.OrgChart{Filename: "org.csv"}); err != nil {
		t.Fatal(err)
	}
	p, res := e.propose(t, prog.ID)
	if diff := cmp.Diff([]string{"s1+j2", "s2+j1"}, e.pairsOf(res)); diff != "" {
		t.Errorf("pairs (-want +got):\n%s", diff)
	}
	if p.Pairs != 2 || p.Unmatched != 1 || p.TotalScore != 0 || p.Parts < 1 || p.Seniors != 2 || p.Juniors != 3 {
		t.Errorf("summary: %+v", p)
	}
	if len(res.Unmatched) != 1 || res.Unmatched[0].Email != e.addr("j3") || !strings.Contains(res.Unmatched[0].Reason, "French") {
		t.Errorf("j3 is unmatched for a reason naming the language; got %+v", res.Unmatched)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), e.addr("nobody")) {
		t.Errorf("the org chart's dangling manager is not among the warnings: %q", res.Warnings)
	}
	if res.Pairs[0].Reason == "" {
		t.Errorf("a pair without a reason: %+v", res.Pairs[0])
	}
}

func TestResolveKeepsLocksAndForbidsLastForTheProgramme(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	prog := e.programme(t, square...)
	first, res := e.propose(t, prog.ID)
	if diff := cmp.Diff([]string{"s1+j1", "s2+j2"}, e.pairsOf(res)); diff != "" {
		t.Fatalf("first proposal (-want +got):\n%s", diff)
	}
	// Two clicks on Lock at the same moment: one lock, no error.
	var wg sync.WaitGroup
	lockErrs := make([]error, 2)
	for i := range lockErrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lockErrs[i] = e.svc.Lock(ctx, prog.ID, first.ID, e.pair("s1", "j1"), true)
		}()
	}
	wg.Wait()
	if err := errors.Join(lockErrs...); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.store.GetProposal(ctx, prog.ID, first.ID); len(got.Locks) != 1 {
		t.Errorf("locks after a double click: %v", got.Locks)
	}
	if err := e.svc.Forbid(ctx, prog.ID, first.ID, e.pair("s2", "j2"), "coord@x.org"); err != nil {
		t.Fatal(err)
	}
	// Approving now would start a struck-out pair: refused.
	if _, err := e.svc.Approve(ctx, prog.ID, first.ID, "coord@x.org"); !errors.Is(err, review.ErrStruckOut) {
		t.Errorf("approving with a struck-out pair: err = %v, want ErrStruckOut", err)
	}
	newID := ids.New()
	child, created, err := e.svc.Resolve(ctx, prog.ID, first.ID, newID, "coord@x.org")
	if err != nil || !created || child.ID != newID || child.Parent != first.ID {
		t.Fatalf("resolve: %v created=%v %+v", err, created, child)
	}
	// The same form posted again finds the same child; another re-solve
	// of the same proposal does not fork the review.
	if again, created, err := e.svc.Resolve(ctx, prog.ID, first.ID, newID, "coord@x.org"); err != nil || created || again.ID != newID {
		t.Errorf("resolve again: %v created=%v id=%s", err, created, again.ID)
	}
	if other, created, err := e.svc.Resolve(ctx, prog.ID, first.ID, ids.New(), "coord@x.org"); err != nil || created || other.ID != newID {
		t.Errorf("a second re-solve: %v created=%v id=%s, want the first child", err, created, other.ID)
	}
	_, res = e.run(t, child)
	// Without the lock the best pairing would be s1+j2, s2+j1 (two pairs
	// beat one); the lock keeps s1+j1, and the forbid keeps s2 from j2.
	if diff := cmp.Diff([]string{"s1+j1 (locked)"}, e.pairsOf(res)); diff != "" {
		t.Errorf("re-solved (-want +got):\n%s", diff)
	}
	var reasons []string
	for _, u := range res.Unmatched {
		reasons = append(reasons, u.Reason)
	}
	if !strings.Contains(strings.Join(reasons, " "), "locked pair") || !strings.Contains(strings.Join(reasons, " "), "never-pair") {
		t.Errorf("unmatched reasons do not name the lock and the never-pair list: %q", reasons)
	}
	// The forbid outlives the review: a fresh proposal has no locks but
	// still never pairs s2 and j2.
	_, res = e.propose(t, prog.ID)
	if diff := cmp.Diff([]string{"s1+j2", "s2+j1"}, e.pairsOf(res)); diff != "" {
		t.Errorf("new review (-want +got):\n%s", diff)
	}
	// Until the coordinator allows the pair again.
	if err := e.svc.Allow(ctx, prog.ID, e.pair("s2", "j2")); err != nil {
		t.Fatal(err)
	}
	_, res = e.propose(t, prog.ID)
	if diff := cmp.Diff([]string{"s1+j1", "s2+j2"}, e.pairsOf(res)); diff != "" {
		t.Errorf("after allowing again (-want +got):\n%s", diff)
	}
}

func TestEarlierPairsFromAnyProgrammeAreNotRepeated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	earlier := e.programme(t, square[0], square[2]) // s1 and j1 only
	p, res := e.propose(t, earlier.ID)
	if diff := cmp.Diff([]string{"s1+j1"}, e.pairsOf(res)); diff != "" {
		t.Fatalf("earlier programme (-want +got):\n%s", diff)
	}
	if _, err := e.svc.Approve(ctx, earlier.ID, p.ID, "coord@x.org"); err != nil {
		t.Fatal(err)
	}
	later := e.programme(t, square...)
	_, res = e.propose(t, later.ID)
	if diff := cmp.Diff([]string{"s1+j2", "s2+j1"}, e.pairsOf(res)); diff != "" {
		t.Errorf("s1 and j1 were paired before; later programme (-want +got):\n%s", diff)
	}
}

func TestApprovingTwiceStartsOneRoundWithOneIntroductionPerPair(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	prog := e.programme(t, square...)
	p, _ := e.propose(t, prog.ID)

	// A double click: two approvals at once, then one more later.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.svc.Approve(ctx, prog.ID, p.ID, "coord@x.org")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("approve: %v", err)
		}
	}
	a, err := e.svc.Approve(ctx, prog.ID, p.ID, "coord@x.org")
	if err != nil || !a.Repeated || a.Round != 1 {
		t.Errorf("third approval: %v, %+v", err, a)
	}
	pairs, err := e.store.ListPairs(ctx, prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 2 {
		t.Fatalf("%d pairs stored, want 2", len(pairs))
	}
	for _, x := range pairs {
		if x.Round != 1 || x.State != programme.PairActive || x.ApprovedBy != "coord@x.org" || len(x.Reasons) == 0 {
			t.Errorf("pair %+v", x)
		}
	}
	if got, _ := e.store.GetProposal(ctx, prog.ID, p.ID); got.Status != store.ProposalApproved || got.Round != 1 {
		t.Errorf("proposal after approval: %s round %d", got.Status, got.Round)
	}
	e.queue.Drain()
	for _, name := range []string{"s1", "s2", "j1", "j2"} {
		got := stacktest.Emails(t, e.addr(name))
		intros := 0
		for _, m := range got {
			if strings.Contains(m.Subject, "Meet your reverse mentoring partner") {
				intros++
			}
		}
		if intros != 1 {
			t.Errorf("%s received %d introductions, want 1", name, intros)
		}
	}
	// Everyone is in a live pair now: nobody is proposed again.
	if _, err := e.svc.BeginApprove(ctx, prog.ID, p.ID, "other@x.org"); err != nil {
		t.Errorf("approving an approved proposal again: %v", err)
	}
	if _, _, err := e.svc.Propose(ctx, prog.ID, ids.New(), "coord@x.org"); !errors.Is(err, review.ErrNobody) {
		t.Errorf("proposing with everyone paired: err = %v, want ErrNobody", err)
	}
}

func TestALargeApprovalCompletesAsAJob(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	prog := e.programme(t, square...)
	p, _ := e.propose(t, prog.ID)
	begun, err := e.svc.BeginApprove(ctx, prog.ID, p.ID, "coord@x.org")
	if err != nil || begun.Status != store.ProposalApproving {
		t.Fatalf("begin: %v, %s", err, begun.Status)
	}
	if pairs, _ := e.store.ListPairs(ctx, prog.ID); len(pairs) != 0 {
		t.Fatalf("beginning an approval started %d pairs", len(pairs))
	}
	// What the match function receives; delivered twice, as Lambda may.
	for range 2 {
		if err := e.svc.Run(ctx, review.Job{ProgrammeID: prog.ID, ProposalID: p.ID, Action: review.ActionApprove}); err != nil {
			t.Fatal(err)
		}
	}
	pairs, _ := e.store.ListPairs(ctx, prog.ID)
	got, _ := e.store.GetProposal(ctx, prog.ID, p.ID)
	if len(pairs) != 2 || got.Status != store.ProposalApproved || got.Round != 1 {
		t.Errorf("after the job: %d pairs, %s, round %d", len(pairs), got.Status, got.Round)
	}
	// A job for a proposal nobody approved does nothing.
	q, _ := e.propose(t, e.programme(t, square...).ID)
	if err := e.svc.Run(ctx, review.Job{ProgrammeID: q.ProgrammeID, ProposalID: q.ID, Action: review.ActionApprove}); !errors.Is(err, review.ErrNotReady) {
		t.Errorf("approval job for a proposal under review: err = %v, want ErrNotReady", err)
	}
}

func TestPairByHandChecksTheRulesAndLocks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	// s3 and j3 are the only French speakers, and j3 reports to s3: both
	// are left unmatched, and pairing them by hand must say why not.
	prog := e.programme(t, append(square,
		person{name: "s3", role: "senior", dept: "Legal", lang: "french"},
		person{name: "j3", role: "junior", dept: "Sales", lang: "french", manager: "s3"})...)
	p, res := e.propose(t, prog.ID)
	if len(res.Unmatched) != 2 {
		t.Fatalf("unmatched = %+v, want s3 and j3", res.Unmatched)
	}
	_, _, err := e.svc.PairByHand(ctx, prog, p.ID, ids.New(), e.pair("s3", "j3"), "coord@x.org")
	var pr *review.Problem
	if !errors.As(err, &pr) || !errors.Is(err, review.ErrBrokenRule) || pr.Field != "hand" {
		t.Fatalf("hand pair across a reporting line: err = %v", err)
	}
	if want := e.addr("j3") + " → " + e.addr("s3"); !strings.Contains(pr.Msg, "reporting line") || !strings.Contains(pr.Msg, want) {
		t.Errorf("message %q does not name the reporting line %s", pr.Msg, want)
	}
	if got, _ := e.store.GetProposal(ctx, prog.ID, p.ID); got.Superseded() || len(got.Locks) != 0 || got.Version != p.Version {
		t.Errorf("a refused hand pair changed the proposal: %+v", got)
	}
	if list, _ := e.store.ListProposals(ctx, prog.ID); len(list) != 1 {
		t.Errorf("a refused hand pair created a proposal: %d proposals", len(list))
	}

	// s1 by hand with j2 (s1 was proposed with j1): locked, the rest
	// re-solved around it.
	handID := ids.New()
	child, created, err := e.svc.PairByHand(ctx, prog, p.ID, handID, e.pair("s1", "j2"), "coord@x.org")
	if err != nil || !created {
		t.Fatalf("valid hand pair: %v", err)
	}
	// A double click sends the same form again: it shows the same child.
	if again, created, err := e.svc.PairByHand(ctx, prog, p.ID, handID, e.pair("s1", "j2"), "coord@x.org"); err != nil || created || again.ID != handID {
		t.Errorf("the same hand pair again: %v created=%v id=%s", err, created, again.ID)
	}
	_, res = e.run(t, child)
	if diff := cmp.Diff([]string{"s1+j2 (locked)", "s2+j1"}, e.pairsOf(res)); diff != "" {
		t.Errorf("after pairing by hand (-want +got):\n%s", diff)
	}
	// A hand pair that clashes with a lock: s1 is locked with j2.
	_, _, err = e.svc.PairByHand(ctx, prog, child.ID, ids.New(), e.pair("s1", "j1"), "coord@x.org")
	if !errors.As(err, &pr) || !strings.Contains(pr.Msg, "one junior") {
		t.Errorf("hand pair against a lock: err = %v", err)
	}
	// Someone not in the proposal is bad input.
	_, _, err = e.svc.PairByHand(ctx, prog, child.ID, ids.New(), store.NewEmailPair(e.addr("j1"), e.addr("s2")), "coord@x.org")
	if !errors.Is(err, review.ErrBadPair) {
		t.Errorf("roles swapped: err = %v, want ErrBadPair", err)
	}
}

// failing makes one store call fail, to see a run's failure recorded.
type failing struct {
	review.Store
}

func (failing) OrgChartLines(context.Context) ([]store.OrgLine, store.OrgChart, error) {
	return nil, store.OrgChart{}, errors.New("throttled")
}

func TestAFailedInProcessRunIsRecordedWithItsReason(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	prog := e.programme(t, square...)
	broken := &review.Service{Store: failing{e.store}, Clock: e.clock, Log: e.svc.Log}
	p, _, err := broken.Propose(ctx, prog.ID, ids.New(), "coord@x.org")
	if err != nil {
		t.Fatal(err)
	}
	done, err := review.InProcess{Service: broken}.Start(ctx, review.Job{ProgrammeID: prog.ID, ProposalID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	<-done // a run that never ends fails the test by its -timeout, however slow the machine
	got, err := e.store.GetProposal(ctx, prog.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.ProposalFailed || !strings.Contains(got.Error, "could not be loaded") {
		t.Errorf("status %s, error %q; want failed with the reason", got.Status, got.Error)
	}
	// Trying again works once the fault is gone, as a new proposal.
	retry, created, err := e.svc.Resolve(ctx, prog.ID, p.ID, ids.New(), "coord@x.org")
	if err != nil || !created {
		t.Fatalf("try again: %v", err)
	}
	e.run(t, retry)

	// A run that died without a word (the process was killed) shows as
	// stalled once its heartbeat is old.
	q, _, _ := e.svc.Propose(ctx, prog.ID, ids.New(), "coord@x.org")
	if e.svc.Stalled(q) {
		t.Error("a fresh proposal counts as stalled")
	}
	e.clock.Add(10 * time.Minute)
	if !e.svc.Stalled(q) {
		t.Error("a run silent for 10 minutes does not count as stalled")
	}
}

// progressWatch passes everything to the table and records the progress
// written; it holds the second pair's start back until the progress says
// one pair is started, so the test sees an approval half-way whatever the
// machine's speed.
type progressWatch struct {
	review.Store
	mu      sync.Mutex
	creates int
	done    []int
	total   int
	half    chan struct{}
	once    sync.Once
}

func (w *progressWatch) ProposalProgress(ctx context.Context, programmeID, id, stage string, done, total int, now time.Time) error {
	if stage == review.StageStarting {
		w.mu.Lock()
		w.done, w.total = append(w.done, done), total
		w.mu.Unlock()
		if done >= 1 {
			w.once.Do(func() { close(w.half) })
		}
	}
	return w.Store.ProposalProgress(ctx, programmeID, id, stage, done, total, now)
}

func (w *progressWatch) CreatePairCounted(ctx context.Context, p programme.Pair, c *store.Counter) error {
	w.mu.Lock()
	w.creates++
	second := w.creates == 2
	w.mu.Unlock()
	if second {
		select {
		case <-w.half:
		case <-time.After(time.Minute):
			return errors.New("no progress was written while a pair was still to be started")
		}
	}
	return w.Store.CreatePairCounted(ctx, p, c)
}

// A long approval says how far it is, and that is its heartbeat: the page
// tells it from one that stopped.
func TestAnApprovalWritesItsProgress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	prog := e.programme(t, square...)
	p, _ := e.propose(t, prog.ID)
	w := &progressWatch{Store: e.store, half: make(chan struct{})}
	svc := *e.svc
	svc.Store = w
	if _, err := svc.BeginApprove(ctx, prog.ID, p.ID, "coord@x.org"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Run(ctx, review.Job{ProgrammeID: prog.ID, ProposalID: p.ID, Action: review.ActionApprove}); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.total != 2 || len(w.done) == 0 {
		t.Fatalf("progress written: %v of %d, want some of 2", w.done, w.total)
	}
	for i, d := range w.done {
		if d < 0 || d > 2 || (i > 0 && d < w.done[i-1]) {
			t.Errorf("progress went %v: want 0 to 2, never back", w.done)
			break
		}
	}
	if got, _ := e.store.GetProposal(ctx, prog.ID, p.ID); got.Status != store.ProposalApproved {
		t.Errorf("status %s after the approval", got.Status)
	}
	if pairs, _ := e.store.ListPairs(ctx, prog.ID); len(pairs) != 2 {
		t.Errorf("%d pairs started, want 2", len(pairs))
	}
}
