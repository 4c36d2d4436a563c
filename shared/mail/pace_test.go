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
