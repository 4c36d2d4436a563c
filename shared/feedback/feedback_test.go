package feedback_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/feedback"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

var approved = time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC)

type env struct {
	sys            *stacktest.System
	store          *store.Store
	clock          *stacktest.Clock
	prog           programme.Programme
	senior, junior programme.Participant
	pair           programme.Pair
	handler        *feedback.Handler
}

func setup(t *testing.T) *env {
	t.Helper()
	sys := stacktest.NewSystem(t, stacktest.Options{Start: approved})
	s := sys.Store
	ctx := context.Background()
	e := &env{sys: sys, store: s, clock: sys.Clock}
	e.prog = programme.New(approved)
	e.prog.ID, e.prog.Name, e.prog.StartDate, e.prog.EndDate = ids.New(), "P", "2027-01-04", "2027-06-30"
	if err := s.CreateProgramme(ctx, e.prog); err != nil {
		t.Fatal(err)
	}
	tag := ids.New()[:6]
	res, err := s.Enrol(ctx, e.prog.ID, []programme.Participant{
		{Email: "sen-" + tag + "@example.org", Name: "Sen", Role: programme.Senior, TimeZone: "Europe/Lisbon"},
		{Email: "jun-" + tag + "@example.org", Name: "Jun", Role: programme.Junior, TimeZone: "Europe/Lisbon"},
	}, approved)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Created {
		if p.Role == programme.Senior {
			e.senior = p
		} else {
			e.junior = p
		}
	}
	pairs, err := schedule.Approve(ctx, s, discard{}, e.prog, []programme.Pair{{SeniorID: e.senior.ID, JuniorID: e.junior.ID}}, approved)
	if err != nil {
		t.Fatal(err)
	}
	e.pair = pairs[0]
	e.handler = &feedback.Handler{Store: s, Clock: e.clock, Log: slog.New(slog.DiscardHandler)}
	return e
}

type discard struct{}

func (discard) Enqueue(context.Context, ...sendqueue.Job) error { return nil }

// event loads a sample EventBridge event for recipient p.
func (e *env) event(t *testing.T, file string, p programme.Participant) events.CloudWatchEvent {
	t.Helper()
	b, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.ReplaceAll(b, []byte("RECIPIENT"), []byte(p.Email))
	b = bytes.ReplaceAll(b, []byte("PROGRAMME"), []byte(e.prog.ID))
	b = bytes.ReplaceAll(b, []byte("PARTICIPANT"), []byte(p.ID))
	var ev events.CloudWatchEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestHardBounceSuppressesMarksAndFlags(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	ev := e.event(t, "bounce.json", e.junior)
	for i := 0; i < 2; i++ { // EventBridge delivers at least once
		if err := e.handler.HandleEventBridge(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if sup, _ := e.store.IsSuppressed(ctx, strings.ToUpper(e.junior.Email)); !sup {
		t.Error("the bounced address is not suppressed")
	}
	x, _ := e.store.GetParticipant(ctx, e.prog.ID, e.junior.ID)
	if x.Status != programme.Bounced || !strings.Contains(x.MailProblem, "5.1.1") {
		t.Errorf("participant = %s %q, want bounced with the status code", x.Status, x.MailProblem)
	}
	p, _ := e.store.GetPair(ctx, e.prog.ID, e.pair.ID)
	if !p.Attention || !strings.Contains(p.AttentionReason, "The junior: Email address bounced") {
		t.Errorf("pair attention = %v %q", p.Attention, p.AttentionReason)
	}
}

func TestComplaintStopsMail(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	if err := e.handler.HandleEventBridge(ctx, e.event(t, "complaint.json", e.senior)); err != nil {
		t.Fatal(err)
	}
	x, _ := e.store.GetParticipant(ctx, e.prog.ID, e.senior.ID)
	if x.Status != programme.Stopped || x.MailProblem != "Marked a programme email as spam" {
		t.Errorf("participant = %s %q", x.Status, x.MailProblem)
	}
	if sup, _ := e.store.IsSuppressed(ctx, e.senior.Email); !sup {
		t.Error("the complaining address is not suppressed")
	}
}

func TestDeliveryAndMalformedEventsChangeNothing(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	if err := e.handler.HandleEventBridge(ctx, e.event(t, "delivery.json", e.senior)); err != nil {
		t.Fatal(err)
	}
	if err := e.handler.HandleEventBridge(ctx, events.CloudWatchEvent{ID: "x", Detail: []byte(`{not json`)}); err != nil {
		t.Fatal(err)
	}
	x, _ := e.store.GetParticipant(ctx, e.prog.ID, e.senior.ID)
	if sup, _ := e.store.IsSuppressed(ctx, e.senior.Email); sup || x.Status != programme.Invited {
		t.Errorf("a delivery changed things: suppressed %v, status %s", sup, x.Status)
	}
}

// TestASuppressedAddressReceivesNothingOnTheNextTick runs the real tick and
// sender after a bounce: the partner still hears, the bounced address not.
func TestASuppressedAddressReceivesNothingOnTheNextTick(t *testing.T) {
	t.Parallel()
	e := setup(t)
	ctx := context.Background()
	if err := e.handler.HandleEventBridge(ctx, e.event(t, "bounce.json", e.junior)); err != nil {
		t.Fatal(err)
	}
	q := e.sys.Queue
	// After the whole morning window (08:30-11:00 in Lisbon): each pair
	// has its own minute in it, and this pair's id is random.
	e.clock.Set(time.Date(2027, 1, 18, 11, 30, 0, 0, time.UTC))
	tick := &schedule.Ticker{Store: e.store, Queue: q, Clock: e.clock, Log: e.sys.Log}
	if _, err := tick.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	q.Drain()
	if n := len(stacktest.Emails(t, e.junior.Email)); n != 0 {
		t.Errorf("the bounced junior received %d emails", n)
	}
	if n := len(stacktest.Emails(t, e.senior.Email)); n != 1 {
		t.Errorf("the senior received %d emails, want their check-in", n)
	}
}
