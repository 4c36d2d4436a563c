package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// fakeResult has the shape of a matching result; the store keeps any value.
type fakeResult struct {
	Pairs    []fakePair `json:"pairs"`
	Warnings []string   `json:"warnings"`
}

type fakePair struct {
	Senior, Junior, Reason string
	Score                  float64
}

// bigResult is a 5,000-pair result whose reasons do not compress, so it
// needs several parts however well gzip does.
func bigResult(n int) fakeResult {
	r := fakeResult{Warnings: []string{"a cycle: a → b → a"}}
	for i := range n {
		b := make([]byte, 100)
		_, _ = rand.Read(b)
		r.Pairs = append(r.Pairs, fakePair{Senior: fmt.Sprintf("s%d@x.org", i), Junior: fmt.Sprintf("j%d@x.org", i), Reason: hex.EncodeToString(b), Score: float64(i) / 7})
	}
	return r
}

func TestProposalLifecycleAndChunkedResult(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	prog := ids.New()
	p := store.Proposal{ID: ids.New(), ProgrammeID: prog, Status: store.ProposalRunning, CreatedBy: "c@x.org", CreatedAt: t0, UpdatedAt: t0, Seniors: 5000, Juniors: 5000}
	if err := s.CreateProposal(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProposal(ctx, p); !errors.Is(err, store.ErrConflict) {
		t.Errorf("creating the same proposal twice: err = %v, want ErrConflict", err)
	}
	if err := s.ProposalProgress(ctx, prog, p.ID, "scoring", 10, 5000, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetProposal(ctx, prog, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Stage != "scoring" || got.Done != 10 || got.Total != 5000 || !got.UpdatedAt.Equal(t0.Add(time.Second)) {
		t.Errorf("progress = %s %d/%d at %v", got.Stage, got.Done, got.Total, got.UpdatedAt)
	}

	res := bigResult(5000)
	sum := store.ProposalSummary{Pairs: 5000, Warnings: 1, TotalScore: 12.5, MaxScore: 7.5}
	if err := s.FinishProposal(ctx, prog, p.ID, sum, res, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetProposal(ctx, prog, p.ID)
	if got.Status != store.ProposalReady || got.Pairs != 5000 || got.TotalScore != 12.5 {
		t.Errorf("after finishing: %+v", got)
	}
	if got.Parts < 2 {
		t.Errorf("a result of over a megabyte was stored in %d part(s); want it cut into several under the item limit", got.Parts)
	}
	var back fakeResult
	if err := s.ProposalResult(ctx, got, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(res, back); diff != "" {
		t.Errorf("result round trip (-want +got):\n%s", diff)
	}

	// A redelivered run finds the proposal no longer running.
	if err := s.FinishProposal(ctx, prog, p.ID, store.ProposalSummary{Pairs: 1}, fakeResult{}, t0.Add(2*time.Minute)); !errors.Is(err, store.ErrConflict) {
		t.Errorf("finishing twice: err = %v, want ErrConflict", err)
	}
	if err := s.ProposalProgress(ctx, prog, p.ID, "solving", 1, 2, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("progress after ready: err = %v, want ErrConflict", err)
	}
	if err := s.FailProposal(ctx, prog, p.ID, "late", t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("failing a ready proposal: err = %v, want ErrConflict", err)
	}
	if got, _ := s.GetProposal(ctx, prog, p.ID); got.Pairs != 5000 || got.Status != store.ProposalReady {
		t.Errorf("a second run changed the proposal: %+v", got)
	}
	list, err := s.ListProposals(ctx, prog)
	if err != nil || len(list) != 1 {
		t.Fatalf("list = %d proposals (%v), want 1 (result parts are not proposals)", len(list), err)
	}
}

func TestProposalLocksSupersedeAndApproval(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	prog := ids.New()
	p := store.Proposal{ID: ids.New(), ProgrammeID: prog, Status: store.ProposalRunning, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateProposal(ctx, p); err != nil {
		t.Fatal(err)
	}
	lock := store.NewEmailPair(" Ann@X.org ", "bo@x.org")
	if _, err := s.SetProposalLocks(ctx, prog, p.ID, []store.EmailPair{lock}, 1, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("locking a running proposal: err = %v, want ErrConflict", err)
	}
	if err := s.FinishProposal(ctx, prog, p.ID, store.ProposalSummary{Pairs: 1}, fakeResult{}, t0); err != nil {
		t.Fatal(err)
	}
	got, err := s.SetProposalLocks(ctx, prog, p.ID, []store.EmailPair{lock}, 1, t0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.EmailPair{{Senior: "ann@x.org", Junior: "bo@x.org"}}, got.Locks); diff != "" || got.Version != 2 {
		t.Errorf("locks (-want +got):\n%s version %d", diff, got.Version)
	}
	// A second tab that read version 1 loses instead of undoing the lock.
	if _, err := s.SetProposalLocks(ctx, prog, p.ID, nil, 1, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale lock change: err = %v, want ErrConflict", err)
	}

	child, other := ids.New(), ids.New()
	sup, err := s.SupersedeProposal(ctx, prog, p.ID, child, t0)
	if err != nil || sup.SupersededBy != child {
		t.Fatalf("supersede: %v, by %q", err, sup.SupersededBy)
	}
	if sup, err := s.SupersedeProposal(ctx, prog, p.ID, child, t0); err != nil || sup.SupersededBy != child {
		t.Errorf("the same re-solve again: %v, by %q", err, sup.SupersededBy)
	}
	if sup, err := s.SupersedeProposal(ctx, prog, p.ID, other, t0); err != nil || sup.SupersededBy != child {
		t.Errorf("a second re-solve: %v, by %q; want the first one's child named", err, sup.SupersededBy)
	}
	if _, err := s.BeginApproval(ctx, prog, p.ID, "c@x.org", t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("approving a superseded proposal: err = %v, want ErrConflict", err)
	}
	if _, err := s.SetProposalLocks(ctx, prog, p.ID, nil, 2, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("changing locks of a superseded proposal: err = %v, want ErrConflict", err)
	}

	// Approval: once, with one round, however often it is repeated.
	q := store.Proposal{ID: ids.New(), ProgrammeID: prog, Status: store.ProposalRunning, CreatedAt: t0, UpdatedAt: t0}
	_ = s.CreateProposal(ctx, q)
	_ = s.FinishProposal(ctx, prog, q.ID, store.ProposalSummary{}, fakeResult{}, t0)
	first, err := s.BeginApproval(ctx, prog, q.ID, "first@x.org", t0)
	if err != nil || first.Status != store.ProposalApproving {
		t.Fatalf("begin approval: %v, %s", err, first.Status)
	}
	again, err := s.BeginApproval(ctx, prog, q.ID, "second@x.org", t0.Add(time.Hour))
	if err != nil || again.ApprovedBy != "first@x.org" || !again.ApprovedAt.Equal(t0) {
		t.Errorf("second approval: %v, by %s at %v; want the first's, unchanged", err, again.ApprovedBy, again.ApprovedAt)
	}
	r1, err := s.AssignRound(ctx, prog, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := s.AssignRound(ctx, prog, q.ID)
	if r1.Round != 1 || r2.Round != 1 {
		t.Errorf("rounds = %d then %d, want 1 both times", r1.Round, r2.Round)
	}
	if err := s.FinishApproval(ctx, prog, q.ID, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetProposal(ctx, prog, q.ID); got.Status != store.ProposalApproved {
		t.Errorf("status = %s, want approved", got.Status)
	}
}

func TestNeverPairsAndHistory(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	prog := ids.New()
	n := store.NeverPair{EmailPair: store.NewEmailPair("Ann@x.org", "bo@x.org"), AddedBy: "c@x.org", AddedAt: t0, Source: "coordinator"}
	for range 2 {
		if err := s.AddNeverPair(ctx, prog, n); err != nil {
			t.Fatal(err)
		}
	}
	later := n
	later.AddedBy, later.AddedAt = "d@x.org", t0.Add(time.Hour)
	_ = s.AddNeverPair(ctx, prog, later)
	list, err := s.ListNeverPairs(ctx, prog)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.NeverPair{n}, list, cmpopts.EquateApproxTime(time.Millisecond)); diff != "" {
		t.Errorf("never-pairs (-want +got):\n%s", diff)
	}
	if err := s.RemoveNeverPair(ctx, prog, store.EmailPair{Senior: "ANN@x.org", Junior: "bo@x.org"}); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListNeverPairs(ctx, prog); len(list) != 0 {
		t.Errorf("after removing: %v", list)
	}

	// History crosses programmes and is read for many people at once.
	tag := ids.New()[:6]
	ann, bo, cy := "ann-"+tag+"@x.org", "bo-"+tag+"@x.org", "cy-"+tag+"@x.org"
	for range 2 { // recording twice is harmless
		if err := s.RecordPair(ctx, "p1", "pair1", ann, upper(bo), t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordPair(ctx, "p2", "pair2", ann, cy, t0); err != nil {
		t.Fatal(err)
	}
	var many []string
	for i := range 250 { // more than one BatchGetItem's 100 keys
		many = append(many, fmt.Sprintf("nobody%d-%s@x.org", i, tag))
	}
	h, err := s.Histories(ctx, append(many, ann, bo, "missing@x.org"))
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 {
		t.Errorf("histories found for %d people, want 2 (ann, bo)", len(h))
	}
	if diff := cmp.Diff([]string{bo, cy}, h[ann].Partners, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("ann's partners (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{ann}, h[bo].Partners); diff != "" {
		t.Errorf("bo's partners (-want +got):\n%s", diff)
	}
}

// upper writes an address in capitals: history compares emails the way
// mail systems do.
func upper(s string) string { return strings.ToUpper(s) }

func queryPrefix(table, pk, prefix string) *dynamodb.QueryInput {
	kc := expression.Key(store.AttrPK).Equal(expression.Value(pk)).And(expression.Key(store.AttrSK).BeginsWith(prefix))
	expr, _ := expression.NewBuilder().WithKeyCondition(kc).Build()
	return &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: expr.KeyCondition(),
		ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(), ConsistentRead: aws.Bool(true)}
}

func TestOrgChartIsReplacedWhole(t *testing.T) {
	t.Parallel()
	s, db := stacktest.Store(t)
	ctx := context.Background()
	if lines, meta, err := s.OrgChartLines(ctx); err != nil || lines != nil || meta.Version != "" {
		t.Fatalf("empty table: %v, %v, %v", lines, meta, err)
	}
	var big []store.OrgLine
	for i := range 60000 { // several parts
		big = append(big, store.OrgLine{Employee: fmt.Sprintf("e%d-%x@example.org", i, i*7919), Manager: fmt.Sprintf("m%d@example.org", i/8)})
	}
	first, err := s.ReplaceOrgChart(ctx, big, store.OrgChart{Filename: "a.csv", UploadedBy: "c@x.org", UploadedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	lines, meta, err := s.OrgChartLines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 60000 || lines[59999] != big[59999] || meta.Rows != 60000 || meta.Filename != "a.csv" {
		t.Fatalf("read back %d lines, meta %+v", len(lines), meta)
	}
	small := []store.OrgLine{{Employee: "a@x.org", Manager: "b@x.org"}, {Employee: "b@x.org"}}
	if _, err := s.ReplaceOrgChart(ctx, small, store.OrgChart{Filename: "b.csv", UploadedAt: t0}); err != nil {
		t.Fatal(err)
	}
	lines, meta, _ = s.OrgChartLines(ctx)
	if diff := cmp.Diff(small, lines); diff != "" || meta.Filename != "b.csv" {
		t.Errorf("after replacing (-want +got):\n%s", diff)
	}
	// The first chart's parts are gone, not left to grow the table.
	out, err := db.Query(ctx, queryPrefix(s.Table(), "ORG", "CHART#"+first.Version))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 0 {
		t.Errorf("%d parts of the replaced chart are still stored", len(out.Items))
	}
}

func TestEraseRemovesTheAddressFromMatchingData(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	p := newProgramme("P", t0)
	if err := s.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	tag := ids.New()[:6]
	gone, stays, boss := "gone-"+tag+"@x.org", "stays-"+tag+"@x.org", "boss-"+tag+"@x.org"
	res, err := s.Enrol(ctx, p.ID, []programme.Participant{person(gone, "Gone Person", programme.Junior), person(stays, "Stays", programme.Senior)}, t0)
	if err != nil {
		t.Fatal(err)
	}
	var goneID string
	for _, x := range res.Created {
		if x.Email == gone {
			goneID = x.ID
		}
	}
	_ = s.RecordPair(ctx, p.ID, "pair1", stays, gone, t0)
	_ = s.RecordPair(ctx, "other", "pair2", stays, "third-"+tag+"@x.org", t0)
	_ = s.AddNeverPair(ctx, p.ID, store.NeverPair{EmailPair: store.NewEmailPair(stays, gone)})
	ready := store.Proposal{ID: ids.New(), ProgrammeID: p.ID, Status: store.ProposalRunning, CreatedAt: t0, UpdatedAt: t0}
	_ = s.CreateProposal(ctx, ready)
	_ = s.FinishProposal(ctx, p.ID, ready.ID, store.ProposalSummary{Pairs: 1}, fakeResult{Pairs: []fakePair{{Senior: stays, Junior: gone, Reason: "Gone Person <" + gone + ">"}}}, t0)
	if _, err := s.SetProposalLocks(ctx, p.ID, ready.ID, []store.EmailPair{store.NewEmailPair(stays, gone)}, 1, t0); err != nil {
		t.Fatal(err)
	}
	other := store.Proposal{ID: ids.New(), ProgrammeID: p.ID, Status: store.ProposalRunning, CreatedAt: t0, UpdatedAt: t0}
	_ = s.CreateProposal(ctx, other)
	_ = s.FinishProposal(ctx, p.ID, other.ID, store.ProposalSummary{}, fakeResult{Warnings: []string{"nothing about them"}}, t0)
	_, _ = s.ReplaceOrgChart(ctx, []store.OrgLine{{Employee: gone, Manager: boss}, {Employee: "x-" + tag + "@x.org", Manager: gone}}, store.OrgChart{Filename: "org.csv"})

	anon, err := s.Erase(ctx, p.ID, goneID, nil, t0)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := s.Histories(ctx, []string{gone, stays})
	if _, ok := h[gone]; ok {
		t.Error("the erased person's history is still stored")
	}
	if diff := cmp.Diff([]string{"third-" + tag + "@x.org"}, h[stays].Partners); diff != "" {
		t.Errorf("partner's history (-want +got):\n%s", diff)
	}
	if never, _ := s.ListNeverPairs(ctx, p.ID); len(never) != 0 {
		t.Errorf("never-pairs left: %v", never)
	}
	got, _ := s.GetProposal(ctx, p.ID, ready.ID)
	if got.Parts != 0 || got.Status != store.ProposalFailed || len(got.Locks) != 0 || !strings.Contains(got.Error, "erased") {
		t.Errorf("proposal naming them: %+v", got)
	}
	if got, _ := s.GetProposal(ctx, p.ID, other.ID); got.Parts == 0 || got.Status != store.ProposalReady {
		t.Errorf("a proposal not naming them was changed: %+v", got)
	}
	lines, _, _ := s.OrgChartLines(ctx)
	want := []store.OrgLine{{Employee: anon, Manager: boss}, {Employee: "x-" + tag + "@x.org", Manager: anon}}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("org chart after erasure (-want +got):\n%s", diff)
	}
}
