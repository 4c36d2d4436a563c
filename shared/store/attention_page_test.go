package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/totals"
)

// entryID names an attention entry whatever its kind.
func entryID(e store.AttentionEntry) string {
	return e.PairID + e.ParticipantID + e.QuarantineID
}

// pageThrough reads every page forwards, then from the last page back.
func pageThrough(t *testing.T, s *store.Store, programmeID string, limit int) (forward, backward [][]string) {
	t.Helper()
	ctx := context.Background()
	ids := func(p store.AttentionPage) []string {
		var out []string
		for _, e := range p.Entries {
			out = append(out, entryID(e))
		}
		return out
	}
	p, err := s.Attention(ctx, programmeID, "", "", limit)
	if err != nil {
		t.Fatal(err)
	}
	if p.Prev != "" {
		t.Errorf("the first page has a previous page")
	}
	for {
		forward = append(forward, ids(p))
		if p.Next == "" {
			break
		}
		if p, err = s.Attention(ctx, programmeID, p.Next, "", limit); err != nil {
			t.Fatal(err)
		}
	}
	backward = append(backward, ids(p))
	for p.Prev != "" {
		if p, err = s.Attention(ctx, programmeID, "", p.Prev, limit); err != nil {
			t.Fatal(err)
		}
		backward = append([][]string{ids(p)}, backward...)
	}
	return forward, backward
}

// The attention index lists what needs the coordinator kind by kind, the
// urgent first and the oldest first within a kind; pages follow each other
// without gaps or repeats either way; an entry that needs nothing more
// leaves it, and recording the same facts again moves nothing.
func TestTheAttentionIndexPagesByUrgency(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	prog := ids.New()
	day := func(d int) time.Time { return time.Date(2027, 2, d, 9, 0, 0, 0, time.UTC) }
	type entry struct {
		name  string
		write func(id string) error
	}
	person := func(f func(*totals.Person)) func(string) error {
		return func(id string) error {
			return s.TallyPerson(ctx, prog, id, false, func(p *totals.Person) {
				p.Enrolled, p.Role, p.Status = true, programme.Senior, programme.OptedIn
				f(p)
			})
		}
	}
	pair := func(f func(*totals.Pair)) func(string) error {
		return func(id string) error {
			return s.TallyPair(ctx, prog, id, false, func(p *totals.Pair) {
				p.Exists, p.State = true, programme.PairActive
				f(p)
			})
		}
	}
	// Written in no particular order; listed in the order wanted.
	want := []entry{
		{"reorg, older", pair(func(p *totals.Pair) { p.Facts.Reorg, p.Facts.ReorgAt = true, day(2) })},
		{"reorg, newer", pair(func(p *totals.Pair) { p.Facts.Reorg, p.Facts.ReorgAt = true, day(5) })},
		{"rematch", pair(func(p *totals.Pair) { p.Facts.Rematch, p.Facts.RematchAt = true, day(1) })},
		{"flagged", pair(func(p *totals.Pair) { p.Facts.Flagged, p.Facts.UpdatedAt = true, day(1) })},
		{"bounced, older", person(func(p *totals.Person) { p.Facts.MailProblem, p.Facts.MailProblemAt = true, day(3) })},
		{"bounced, newer", person(func(p *totals.Person) { p.Facts.MailProblem, p.Facts.MailProblemAt = true, day(4) })},
		{"quarantined", func(id string) error {
			return s.Quarantine(ctx, store.Quarantined{Key: id, ReceivedAt: day(6), Reason: "spoofed", ProgrammeID: prog}, 0)
		}},
		{"unclear", person(func(p *totals.Person) { p.Facts.UnclearAt = day(1) })},
	}
	names := map[string]string{}
	var order []string
	for _, i := range []int{7, 3, 0, 5, 6, 1, 4, 2} {
		id := ids.New()
		if err := want[i].write(id); err != nil {
			t.Fatal(err)
		}
		if want[i].name == "quarantined" {
			id = store.Quarantined{Key: id, ReceivedAt: day(6)}.ID()
		}
		names[id] = want[i].name
	}
	// Someone with nothing the matter is not listed.
	if err := person(func(*totals.Person) {})(ids.New()); err != nil {
		t.Fatal(err)
	}
	for _, e := range want {
		order = append(order, e.name)
	}
	named := func(pages [][]string) [][]string {
		var out [][]string
		for _, p := range pages {
			var n []string
			for _, id := range p {
				n = append(n, names[id])
			}
			out = append(out, n)
		}
		return out
	}
	for _, limit := range []int{1, 3, 8, 50} {
		t.Run(fmt.Sprintf("%d a page", limit), func(t *testing.T) {
			forward, backward := pageThrough(t, s, prog, limit)
			var all []string
			for _, p := range named(forward) {
				if len(p) > limit {
					t.Errorf("a page of %d entries, limit %d", len(p), limit)
				}
				all = append(all, p...)
			}
			if d := cmp.Diff(order, all); d != "" {
				t.Errorf("order (-want +got):\n%s", d)
			}
			if d := cmp.Diff(named(forward), named(backward)); d != "" {
				t.Errorf("pages back differ from pages forward (-forward +backward):\n%s", d)
			}
		})
	}

	// A bounced address fixed, and a quarantined reply released: both
	// leave the list.
	var fixed, kept string
	for id, n := range names {
		switch n {
		case "bounced, older":
			fixed = id
		case "quarantined":
			kept = id
		}
	}
	if err := s.TallyPerson(ctx, prog, fixed, false, func(p *totals.Person) { p.Facts.MailProblem = false }); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkReleased(ctx, kept, "c@example.org", day(7)); err != nil {
		t.Fatal(err)
	}
	forward, _ := pageThrough(t, s, prog, 50)
	left := []string{"reorg, older", "reorg, newer", "rematch", "flagged", "bounced, newer", "unclear"}
	if d := cmp.Diff([][]string{left}, named(forward)); d != "" {
		t.Errorf("after the fixes (-want +got):\n%s", d)
	}
	v, err := s.ReadTotals(ctx, prog)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := map[int]int64{totals.AttnReorg: 2, totals.AttnRematch: 1, totals.AttnFlagged: 1, totals.AttnAddress: 1, totals.AttnUnclear: 1}
	for k := range totals.AttnKinds {
		if got := v.N[totals.Attention(k)]; got != wantCounts[k] {
			t.Errorf("%s = %d, want %d", totals.Attention(k), got, wantCounts[k])
		}
	}
}
