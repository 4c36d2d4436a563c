package mail_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/smithy-go"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// refusingSES answers every send with err, as SES does when it pushes back.
type refusingSES struct {
	err   error
	calls atomic.Int32
}

func (r *refusingSES) SendEmail(context.Context, *sesv2.SendEmailInput, ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	r.calls.Add(1)
	return nil, r.err
}

func TestSESPushBackIsLaterNotFailure(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		err  error
		want time.Duration // how long the instance holds
	}{
		{"SES v2 throttling", &smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "Maximum sending rate exceeded."}, mail.ThrottleHold},
		{"generic throttling", &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}, mail.ThrottleHold},
		{"daily quota", &smithy.GenericAPIError{Code: "LimitExceededException", Message: "Daily message quota exceeded."}, mail.QuotaHold},
		{"daily quota by message", &smithy.GenericAPIError{Code: "Throttling", Message: "Daily message quota exceeded."}, mail.QuotaHold},
	} {
		ses := &mail.SES{Client: &refusingSES{err: tt.err}, Pace: mail.NewPace(10, 1)}
		_, err := ses.Send(context.Background(), mail.Email{From: "a@x.org", To: []string{"b@x.org"}})
		l, ok := sendqueue.AsLater(err)
		if !ok {
			t.Errorf("%s: Send = %v, want sendqueue.Later", tt.name, err)
			continue
		}
		if l.After != tt.want {
			t.Errorf("%s: wait %s, want %s", tt.name, l.After, tt.want)
		}
		// Every later send of this instance waits too, without calling SES.
		if h := ses.Held(); h == nil {
			t.Errorf("%s: the instance is not held after SES pushed back", tt.name)
		}
		if tt.want == mail.ThrottleHold && ses.Pace.Rate() != 5 {
			t.Errorf("%s: rate %v after throttling, want it halved to 5", tt.name, ses.Pace.Rate())
		}
	}
	other := &smithy.GenericAPIError{Code: "MessageRejected", Message: "Email address is not verified."}
	_, err := (&mail.SES{Client: &refusingSES{err: other}}).Send(context.Background(), mail.Email{})
	if _, ok := sendqueue.AsLater(err); ok || !errors.As(err, new(smithy.APIError)) {
		t.Errorf("a rejected message = %v, want a plain failure", err)
	}
}

func TestAHeldSenderLeavesTheLedgerAlone(t *testing.T) {
	t.Parallel()
	addr := uniq("hal")
	f := setup(t, programme.Participant{Email: addr, Name: "Hal", Role: programme.Senior})
	refusing := &refusingSES{err: &smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "Maximum sending rate exceeded."}}
	ses := &mail.SES{Client: refusing, Pace: mail.NewPace(0, 1)}
	d := f.deliverer(t, ses)
	job := sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: f.people[addr].ID}
	other := sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: f.people[addr].ID, Round: 1}
	ctx := context.Background()
	if _, ok := sendqueue.AsLater(d.Handle(ctx, job)); !ok {
		t.Fatal("a throttled send is not Later")
	}
	// The claim was released, so the job can be sent when it comes back.
	if _, err := f.store.GetSend(ctx, sendqueue.Key(job)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ledger after a throttled send: %v, want no claim", err)
	}
	// While held, the next job waits without a claim and without SES.
	if _, ok := sendqueue.AsLater(d.Handle(ctx, other)); !ok {
		t.Fatal("a job during the hold is not Later")
	}
	if c := refusing.calls.Load(); c != 1 {
		t.Errorf("SES called %d times, want 1: the held instance must not call it", c)
	}
	if _, err := f.store.GetSend(ctx, sendqueue.Key(other)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ledger during the hold: %v, want nothing claimed", err)
	}
	// Once the hold is over the job goes, once.
	d = f.deliverer(t, &mail.SES{Client: stacktest.SES(t)})
	for range 2 {
		if err := d.Handle(ctx, job); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(stacktest.Emails(t, addr)); n != 1 {
		t.Errorf("emails = %d, want 1", n)
	}
}

// virtualClock is time that moves only when the pace sleeps on it.
type virtualClock struct {
	now    time.Time
	slept  []time.Duration
	cancel bool // Sleep fails as a cancelled context does
}

func (c *virtualClock) Now() time.Time { return c.now }

func (c *virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if c.cancel {
		return context.Canceled
	}
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return nil
}

func TestPaceWaitsInItsClocksTime(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 1, 18, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name              string
		perSecond         float64
		concurrency       int
		sends             int
		wantFirst, wantAt time.Duration // when the second and the last send may go
	}{
		{"14 a second", 14, 1, 15, time.Second / 14, time.Second},
		{"shared between two instances", 14, 2, 8, time.Second / 7, time.Second},
		{"no steady limit", 0, 1, 10, 0, 0},
	} {
		clk := &virtualClock{now: start}
		p := mail.NewPaceOn(clk, tt.perSecond, tt.concurrency)
		var at []time.Duration
		for range tt.sends {
			if err := p.Wait(context.Background()); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			at = append(at, clk.now.Sub(start))
		}
		// rate.Limiter rounds each wait to the nanosecond.
		near := func(got, want time.Duration) bool { return got-want < time.Microsecond && want-got < time.Microsecond }
		if !near(at[1], tt.wantFirst) || !near(at[len(at)-1], tt.wantAt) {
			t.Errorf("%s: sends at %v, want the second at %s and the last at %s", tt.name, at, tt.wantFirst, tt.wantAt)
		}
	}
}

func TestAPaceHoldsAndRecoversInItsClocksTime(t *testing.T) {
	t.Parallel()
	clk := &virtualClock{now: time.Date(2027, 1, 18, 9, 0, 0, 0, time.UTC)}
	throttled := &smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "Maximum sending rate exceeded."}
	ses := &mail.SES{Client: &refusingSES{err: throttled}, Pace: mail.NewPaceOn(clk, 14, 1)}
	if _, err := ses.Send(context.Background(), mail.Email{From: "a@x.org", To: []string{"b@x.org"}}); err == nil {
		t.Fatal("a throttled send succeeded")
	}
	if l := ses.Pace.Held(); l == nil || l.After != mail.ThrottleHold {
		t.Fatalf("held %v right after the throttle, want %s", l, mail.ThrottleHold)
	}
	clk.now = clk.now.Add(mail.ThrottleHold - time.Millisecond)
	if ses.Pace.Held() == nil {
		t.Error("the hold ended before its time on the pace's clock")
	}
	clk.now = clk.now.Add(time.Millisecond)
	if l := ses.Pace.Held(); l != nil {
		t.Errorf("still held %s once the pace's clock passed the hold", l.After)
	}
	// Halved to 7 a second: the next two sends are 1/7 s apart.
	clk.slept = nil
	for range 2 {
		if err := ses.Pace.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if len(clk.slept) != 1 || clk.slept[0] != time.Second/7 {
		t.Errorf("waits %v after the throttle, want one of %s", clk.slept, time.Second/7)
	}
}

func TestACancelledWaitGivesItsTurnBack(t *testing.T) {
	t.Parallel()
	clk := &virtualClock{now: time.Date(2027, 1, 18, 9, 0, 0, 0, time.UTC)}
	p := mail.NewPaceOn(clk, 1, 1)
	if err := p.Wait(context.Background()); err != nil { // the burst: no wait
		t.Fatal(err)
	}
	clk.cancel = true
	if err := p.Wait(context.Background()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with a cancelled sleep = %v, want context.Canceled wrapped", err)
	}
	clk.cancel = false
	// The cancelled turn was given back: the next send waits one
	// interval, not two.
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(clk.slept) != 1 || clk.slept[0] != time.Second {
		t.Errorf("waits %v, want one of 1s", clk.slept)
	}
	// A wait that would pass the context's deadline returns at once.
	ctx, cancel := context.WithDeadline(context.Background(), clk.now.Add(time.Millisecond))
	defer cancel()
	if err := p.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait past the deadline = %v, want context.DeadlineExceeded", err)
	}
}
