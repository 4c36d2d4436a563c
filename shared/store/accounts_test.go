package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestAccountsRoundTripWithOptimisticLocking(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	a := store.Account{Email: "Ana@Example.org", Name: "Ana", Role: store.RoleCoordinator, Programmes: []string{"p1"}, InvitedBy: "admin@example.org", InvitedAt: t0}
	if err := s.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAccount(ctx, a); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second create = %v, want ErrConflict", err)
	}
	got, err := s.GetAccount(ctx, "ana@example.org")
	if err != nil {
		t.Fatal(err)
	}
	want := a
	want.Email, want.Version = "ana@example.org", 1
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("account (-want +got):\n%s", diff)
	}
	if !got.Assigned("p1") || got.Assigned("p2") {
		t.Error("a coordinator is assigned exactly the programmes listed")
	}
	got.Role = store.RoleViewer
	updated, err := s.UpdateAccount(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAccount(ctx, got); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("update from a stale read = %v, want ErrConflict", err)
	}
	if err := s.MarkSignedIn(ctx, "ana@example.org", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetAccount(ctx, "ana@example.org"); got.Version != updated.Version || !got.SignedInAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("after sign-in: version %d (want %d unchanged), signed in %v", got.Version, updated.Version, got.SignedInAt)
	}
	if err := s.CreateAccount(ctx, store.Account{Email: "admin@example.org", Role: store.RoleAdministrator}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Email != "admin@example.org" || !list[0].Assigned("any") {
		t.Fatalf("accounts = %+v", list)
	}
	if err := s.DeleteAccount(ctx, "ana@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetAccount(ctx, "ana@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removed account = %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateAccount(ctx, updated); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("update of a removed account = %v, want ErrNotFound", err)
	}
	if err := s.MarkSignedIn(ctx, "ana@example.org", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("sign-in of a removed account = %v, want ErrNotFound", err)
	}
}

func TestAuditTrailIsAppendOnlyAndFiltered(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	var all []store.AuditEntry
	for i := 0; i < 7; i++ {
		e := store.AuditEntry{ID: fmt.Sprintf("e%d", i), At: t0.Add(time.Duration(i) * time.Hour), Actor: "a@example.org", ActorRole: store.RoleCoordinator, Action: "approve", ProgrammeID: "p1"}
		if i%2 == 1 {
			e.Actor, e.Action, e.ProgrammeID = "b@example.org", "export", "p2"
		}
		if err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
		all = append([]store.AuditEntry{e}, all...)
	}
	// The same entry again is refused: nothing overwrites an entry.
	tampered := all[0]
	tampered.Detail = "changed"
	if err := s.AppendAudit(ctx, tampered); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("overwriting an entry = %v, want ErrConflict", err)
	}
	ids := func(es []store.AuditEntry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	for _, c := range []struct {
		name string
		q    store.AuditQuery
		want []string
	}{
		{"everything, newest first", store.AuditQuery{}, []string{"e6", "e5", "e4", "e3", "e2", "e1", "e0"}},
		{"one programme", store.AuditQuery{ProgrammeID: "p2"}, []string{"e5", "e3", "e1"}},
		{"one actor", store.AuditQuery{Actor: "a@example.org"}, []string{"e6", "e4", "e2", "e0"}},
		{"one action in one programme", store.AuditQuery{ProgrammeID: "p1", Action: "export"}, nil},
		{"a time range", store.AuditQuery{From: t0.Add(2 * time.Hour), To: t0.Add(4 * time.Hour)}, []string{"e4", "e3", "e2"}},
	} {
		got, next, err := s.ListAudit(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, ids(got)); diff != "" || next != "" {
			t.Errorf("%s (-want +got):\n%s next=%q", c.name, diff, next)
		}
	}
	// Pages of three.
	var paged []string
	q := store.AuditQuery{Limit: 3}
	for pages := 0; ; pages++ {
		got, next, err := s.ListAudit(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, ids(got)...)
		if next == "" || pages > 5 {
			break
		}
		q.Before = next
	}
	if diff := cmp.Diff(ids(all), paged); diff != "" {
		t.Errorf("paged listing (-want +got):\n%s", diff)
	}
	if got, _, _ := s.ListAudit(ctx, store.AuditQuery{}); got[0].Detail != "" {
		t.Error("an entry was changed")
	}
}

func TestCountAttemptCountsPerWindow(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		n, err := s.CountAttempt(ctx, "addr#x", time.Minute, t0.Add(time.Duration(i)*time.Second))
		if err != nil || n != i {
			t.Fatalf("attempt %d counted %d (%v)", i, n, err)
		}
	}
	if n, _ := s.CountAttempt(ctx, "addr#x", time.Minute, t0.Add(time.Minute)); n != 1 {
		t.Errorf("the next minute starts at %d, want 1", n)
	}
	if n, _ := s.CountAttempt(ctx, "addr#x", time.Hour, t0.Add(time.Minute)); n != 1 {
		t.Errorf("the hour's counter is its own: %d, want 1", n)
	}
}
