package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newProgramme(name string, created time.Time) programme.Programme {
	p := programme.New(created)
	p.ID = ids.New()
	p.Name = name
	p.CreatedAt, p.UpdatedAt = created, created
	return p
}

func TestProgrammeRoundTripAndOptimisticLocking(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()

	older := newProgramme("Older", t0)
	newer := newProgramme("Newer", t0.Add(time.Hour))
	for _, p := range []programme.Programme{older, newer} {
		if err := s.CreateProgramme(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateProgramme(ctx, older); !errors.Is(err, store.ErrConflict) {
		t.Errorf("creating the same id twice: err = %v, want ErrConflict", err)
	}

	got, err := s.GetProgramme(ctx, older.ID)
	if err != nil {
		t.Fatal(err)
	}
	older.Version = 1
	if diff := cmp.Diff(older, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	list, err := s.ListProgrammes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
	}
	if diff := cmp.Diff([]string{"Newer", "Older"}, names); diff != "" {
		t.Errorf("list order (-want +got):\n%s", diff)
	}

	// Two coordinators edit the version they both read: the second loses.
	first, second := got, got
	first.Name = "Renamed by first"
	second.Name = "Renamed by second"
	if err := s.UpdateProgramme(ctx, first); err != nil {
		t.Fatalf("first update: %v", err)
	}
	if err := s.UpdateProgramme(ctx, second); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale update: err = %v, want ErrConflict", err)
	}
	got, _ = s.GetProgramme(ctx, older.ID)
	if got.Name != "Renamed by first" || got.Version != 2 {
		t.Errorf("after update: name %q version %d, want first's edit at version 2", got.Name, got.Version)
	}

	if _, err := s.GetProgramme(ctx, ids.New()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing programme: err = %v, want ErrNotFound", err)
	}
}

func person(email, name string, role programme.Role) programme.Participant {
	return programme.Participant{Email: email, Name: name, Role: role, Department: "Finance", Languages: []string{"en"}}
}

func TestEnrolIsIdempotentAndUpdatesProfiles(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	p := newProgramme("P", t0)
	if err := s.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	people := []programme.Participant{
		person("ann@example.org", "Ann", programme.Senior),
		person("bo@example.org", "Bo", programme.Junior),
	}
	res, err := s.Enrol(ctx, p.ID, people, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 2 || len(res.Updated) != 0 {
		t.Fatalf("first enrol: %d created, %d updated; want 2, 0", len(res.Created), len(res.Updated))
	}
	ann := res.Created[0]
	if _, err := s.SetStatus(ctx, p.ID, ann.ID, programme.OptedIn, "said yes", t0); err != nil {
		t.Fatal(err)
	}

	// The same file again, with Ann's department changed and her manager gone.
	people[0].Department = "Retail"
	people[0].ManagerEmail = ""
	res, err = s.Enrol(ctx, p.ID, people, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) != 0 || len(res.Updated) != 2 {
		t.Fatalf("re-enrol: %d created, %d updated; want 0, 2", len(res.Created), len(res.Updated))
	}
	list, err := s.ListParticipants(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("participants = %d, want 2", len(list))
	}
	got := list[0]
	if got.ID != ann.ID || got.Department != "Retail" || got.Status != programme.OptedIn {
		t.Errorf("Ann after re-enrol = id %s dept %q status %q; want same id, Retail, opted_in kept", got.ID, got.Department, got.Status)
	}
}

func TestConcurrentEnrolOfTheSamePersonMakesOne(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	p := newProgramme("P", t0)
	if err := s.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	created := make([]int, 6)
	for i := range created {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := s.Enrol(ctx, p.ID, []programme.Participant{person("same@example.org", "Same", programme.Junior)}, t0)
			if err != nil {
				t.Error(err)
			}
			created[i] = len(res.Created)
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range created {
		total += n
	}
	list, _ := s.ListParticipants(ctx, p.ID)
	if total != 1 || len(list) != 1 {
		t.Errorf("six concurrent enrolments: %d reported created, %d stored; want 1 and 1", total, len(list))
	}
}

func TestEnrolManyPages(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	p := newProgramme("Big", t0)
	if err := s.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	var people []programme.Participant
	for i := 0; i < 600; i++ {
		people = append(people, person(fmt.Sprintf("p%03d@example.org", i), fmt.Sprintf("Person %03d with a long enough name to fill pages %s", i, string(make([]byte, 0))), programme.Junior))
	}
	if _, err := s.Enrol(ctx, p.ID, people, t0); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListParticipants(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 600 {
		t.Errorf("listed %d participants, want 600", len(list))
	}
}

func TestLoginLinkIsSingleUseAndExpires(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	link := store.LoginLink{Hash: "h1", Email: "c@example.org", CreatedAt: t0, Expires: t0.Add(15 * time.Minute)}
	if err := s.CreateLoginLink(ctx, link); err != nil {
		t.Fatal(err)
	}
	expired := store.LoginLink{Hash: "h2", Email: "c@example.org", CreatedAt: t0, Expires: t0.Add(15 * time.Minute)}
	if err := s.CreateLoginLink(ctx, expired); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, used := 0, 0
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := s.RedeemLoginLink(ctx, "h1", t0.Add(time.Minute))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && got.Email == "c@example.org":
				wins++
			case errors.Is(err, store.ErrLinkUsed):
				used++
			default:
				t.Errorf("redeem: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || used != 4 {
		t.Errorf("five racing redemptions: %d won, %d told used; want 1 and 4", wins, used)
	}
	if _, err := s.RedeemLoginLink(ctx, "h2", t0.Add(15*time.Minute)); !errors.Is(err, store.ErrLinkExpired) {
		t.Errorf("redeem at expiry: err = %v, want ErrLinkExpired", err)
	}
	if _, err := s.RedeemLoginLink(ctx, "nope", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("redeem unknown: err = %v, want ErrNotFound", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	sess := store.Session{Hash: "s1", Email: "c@example.org", CSRF: "tok", CreatedAt: t0, Expires: t0.Add(time.Hour)}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetSession(ctx, "s1", t0.Add(59*time.Minute))
	if err != nil || got.Email != "c@example.org" || got.CSRF != "tok" {
		t.Errorf("live session = %+v, %v", got, err)
	}
	if _, err := s.GetSession(ctx, "s1", t0.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteSession(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSession(ctx, "s1", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted session: err = %v, want ErrNotFound", err)
	}
}

func TestSendLedgerClaimsOnce(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	rec := store.SendRecord{Key: "p1#welcome#0", Recipients: 1, Kind: "welcome", ClaimedAt: t0}
	if _, err := s.ClaimSend(ctx, rec); err != nil {
		t.Fatal(err)
	}
	old, err := s.ClaimSend(ctx, rec)
	if !errors.Is(err, store.ErrAlreadyClaimed) || old.State != store.SendClaimed {
		t.Errorf("second claim = %+v, %v; want ErrAlreadyClaimed with state claimed", old, err)
	}
	// A failed send releases the claim so a redelivery can try again.
	if err := s.ReleaseSend(ctx, rec.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimSend(ctx, rec); err != nil {
		t.Fatalf("claim after release: %v", err)
	}
	if err := s.MarkSent(ctx, rec.Key, "m-1", t0); err != nil {
		t.Fatal(err)
	}
	// A sent record is never released.
	if err := s.ReleaseSend(ctx, rec.Key); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetSend(ctx, rec.Key)
	if err != nil || got.State != store.SendSent || got.MessageID != "m-1" {
		t.Errorf("ledger = %+v, %v; want sent with m-1", got, err)
	}
}
