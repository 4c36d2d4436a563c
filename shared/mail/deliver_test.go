package mail_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/smithy-go"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	sys    *stacktest.System
	store  *store.Store
	signer *token.Signer
	prog   programme.Programme
	people map[string]programme.Participant
}

// settings are the addresses every email in these tests is sent with.
var settings = mail.Settings{FromAddress: "programmes@mentoring.example.org", MailDomain: "mentoring.example.org", BaseURL: "https://upward.example.org"}

func setup(t *testing.T, people ...programme.Participant) fixture {
	return setupB(t, stacktest.Options{}, people...)
}

// setupB enrols people in a programme on a fresh system; o may ask for
// more workers on the system's queue.
func setupB(t testing.TB, o stacktest.Options, people ...programme.Participant) fixture {
	t.Helper()
	o.Start, o.Mail = now, settings
	sys := stacktest.NewSystem(t, o)
	s := sys.Store
	ctx := context.Background()
	p := programme.New(now)
	p.ID, p.Name, p.CreatedAt = ids.New(), "Bridges <2026>", now
	if err := s.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	res, err := s.Enrol(ctx, p.ID, people, now)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{sys: sys, store: s, signer: sys.Signer, prog: p, people: map[string]programme.Participant{}}
	for _, x := range res.Created {
		f.people[x.Email] = x
	}
	return f
}

// deliverer is the system's deliverer sending through sender.
func (f fixture) deliverer(t *testing.T, sender mail.Sender) *mail.Deliverer {
	t.Helper()
	return f.sys.DelivererWith(t, sender)
}

func uniq(name string) string { return name + "-" + ids.New()[:8] + "@example.org" }

func TestWelcomeIsSentOnceWithSignedReplyAddress(t *testing.T) {
	t.Parallel()
	addr := uniq("ana")
	f := setup(t, programme.Participant{Email: addr, Name: "Ana Silva", PreferredName: "Ana <script>alert(1)</script>", Role: programme.Junior})
	ses := &mail.SES{Client: stacktest.SES(t)}
	d := f.deliverer(t, ses)
	ana := f.people[addr]
	job := sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: ana.ID}
	ctx := context.Background()
	for i := 0; i < 3; i++ { // the queue delivers the same job three times
		if err := d.Handle(ctx, job); err != nil {
			t.Fatal(err)
		}
	}
	got := stacktest.Emails(t, addr)
	if len(got) != 1 {
		t.Fatalf("emails to %s = %d, want exactly 1", addr, len(got))
	}
	e := got[0]
	if len(e.ReplyTo) != 1 {
		t.Fatalf("reply-to = %v, want one signed address", e.ReplyTo)
	}
	ref, err := f.signer.ParseReplyAddress(e.ReplyTo[0], "mentoring.example.org")
	if err != nil {
		t.Fatalf("reply address does not verify: %v", err)
	}
	if ref.ParticipantID != ana.ID || ref.ProgrammeID != f.prog.ID || ref.Kind != token.KindWelcome {
		t.Errorf("reply token names %+v, want Ana's welcome", ref)
	}
	if !strings.Contains(e.From, "programmes@mentoring.example.org") {
		t.Errorf("from = %q", e.From)
	}
	unsub := e.Header("List-Unsubscribe")
	if !strings.HasPrefix(unsub, "<https://upward.example.org/u/") || e.Header("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("one-click unsubscribe headers = %q / %q", unsub, e.Header("List-Unsubscribe-Post"))
	}
	for _, want := range []string{
		"Bridges <2026>", f.prog.PurposeStatement, "every two weeks", "45 minutes",
		"As a junior mentor", " 1. AI tools", " 8. Careers and development today", "JOIN 1, 3, Careers and development today",
		"NO THANKS", f.prog.Confidentiality[:40], "https://upward.example.org/guides/senior", "never what you discuss",
	} {
		if !strings.Contains(e.Body.Text, want) {
			t.Errorf("text body lacks %q:\n%s", want, e.Body.Text)
		}
	}
	if strings.Contains(e.Body.HTML, "<script>") || !strings.Contains(e.Body.HTML, "Hi Ana &lt;script&gt;") || !strings.Contains(e.Body.HTML, "Bridges &lt;2026&gt;") {
		t.Errorf("HTML body does not escape the name:\n%s", e.Body.HTML)
	}
	if !strings.Contains(e.Body.HTML, "<li>AI tools</li>") {
		t.Errorf("HTML body lacks the numbered topics")
	}
	after, _ := f.store.GetParticipant(ctx, f.prog.ID, ana.ID)
	if !after.WelcomeSentAt.Equal(now) {
		t.Errorf("welcome_sent_at = %v, want %v", after.WelcomeSentAt, now)
	}
}

// flakySES fails the first n sends with a throttling error, the fault the
// emulator cannot produce.
type flakySES struct {
	real  mail.SESAPI
	fails atomic.Int32
	calls atomic.Int32
}

func (f *flakySES) SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	f.calls.Add(1)
	if f.fails.Add(-1) >= 0 {
		return nil, &smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "Maximum sending rate exceeded."}
	}
	return f.real.SendEmail(ctx, in, opts...)
}

func TestFailedSendIsRetriedNotLost(t *testing.T) {
	t.Parallel()
	addr := uniq("bo")
	f := setup(t, programme.Participant{Email: addr, Name: "Bo", Role: programme.Senior})
	flaky := &flakySES{real: stacktest.SES(t)}
	flaky.fails.Store(2)
	d := f.deliverer(t, &mail.SES{Client: flaky})
	job := sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: f.people[addr].ID}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := d.Handle(ctx, job); err == nil {
			t.Fatalf("attempt %d: Handle = nil while SES throttles, want an error so the queue redelivers", i+1)
		}
	}
	if err := d.Handle(ctx, job); err != nil {
		t.Fatalf("third attempt: %v", err)
	}
	if err := d.Handle(ctx, job); err != nil { // a late duplicate
		t.Fatal(err)
	}
	if n := len(stacktest.Emails(t, addr)); n != 1 {
		t.Errorf("emails = %d, want 1", n)
	}
	if c := flaky.calls.Load(); c != 3 {
		t.Errorf("SES called %d times, want 3 (two throttled, one sent, none for the duplicate)", c)
	}
}

// crashingSender sends and then "dies" before the ledger records it.
type crashingSender struct{ real mail.Sender }

var errCrash = errors.New("function killed")

func (c crashingSender) Send(ctx context.Context, e mail.Email) (string, error) {
	if _, err := c.real.Send(ctx, e); err != nil {
		return "", err
	}
	panic(errCrash)
}

func TestCrashAfterSendingDoesNotResend(t *testing.T) {
	t.Parallel()
	addr := uniq("cy")
	f := setup(t, programme.Participant{Email: addr, Name: "Cy", Role: programme.Junior})
	ses := &mail.SES{Client: stacktest.SES(t)}
	job := sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: f.people[addr].ID}
	func() {
		defer func() {
			if r := recover(); r != errCrash {
				t.Fatalf("recovered %v, want the simulated crash", r)
			}
		}()
		_ = f.deliverer(t, crashingSender{ses}).Handle(context.Background(), job)
	}()
	// The queue redelivers to a fresh function instance.
	if err := f.deliverer(t, ses).Handle(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	if n := len(stacktest.Emails(t, addr)); n != 1 {
		t.Errorf("emails = %d, want 1", n)
	}
}

func TestStoppedAndBouncedPeopleGetNothing(t *testing.T) {
	t.Parallel()
	stopped, bounced := uniq("stopped"), uniq("bounced")
	f := setup(t,
		programme.Participant{Email: stopped, Name: "S", Role: programme.Junior},
		programme.Participant{Email: bounced, Name: "B", Role: programme.Junior})
	ctx := context.Background()
	for addr, st := range map[string]programme.Status{stopped: programme.Stopped, bounced: programme.Bounced} {
		if _, err := f.store.SetStatus(ctx, f.prog.ID, f.people[addr].ID, st, "test", now); err != nil {
			t.Fatal(err)
		}
	}
	d := f.deliverer(t, &mail.SES{Client: stacktest.SES(t)})
	for _, addr := range []string{stopped, bounced} {
		if err := d.Handle(ctx, sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: f.people[addr].ID}); err != nil {
			t.Fatal(err)
		}
		if n := len(stacktest.Emails(t, addr)); n != 0 {
			t.Errorf("%s received %d emails, want none", addr, n)
		}
	}
}

func TestResendRoundSendsAgain(t *testing.T) {
	t.Parallel()
	addr := uniq("di")
	f := setup(t, programme.Participant{Email: addr, Name: "Di", Role: programme.Junior})
	d := f.deliverer(t, &mail.SES{Client: stacktest.SES(t)})
	ctx := context.Background()
	id := f.people[addr].ID
	if err := d.Handle(ctx, sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: id}); err != nil {
		t.Fatal(err)
	}
	p, err := f.store.NextWelcomeRound(ctx, f.prog.ID, id, now)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := d.Handle(ctx, sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: id, Round: p.WelcomeRound}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(stacktest.Emails(t, addr)); n != 2 {
		t.Errorf("emails = %d, want 2 (the original and one resend)", n)
	}
}

// throttlingTransport answers the first n requests to SES with HTTP 429,
// as SES does when the sending rate is exceeded, below the real SDK client.
type throttlingTransport struct {
	n     atomic.Int32
	calls atomic.Int32
}

func (tt *throttlingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tt.calls.Add(1)
	if tt.n.Add(-1) >= 0 {
		return &http.Response{
			StatusCode: http.StatusTooManyRequests,
			Header:     http.Header{"Content-Type": {"application/json"}, "X-Amzn-Errortype": {"TooManyRequestsException"}},
			Body:       io.NopCloser(strings.NewReader(`{"message":"Maximum sending rate exceeded."}`)),
			Request:    r,
		}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestTheSDKRetryerAbsorbsThrottling(t *testing.T) {
	t.Parallel()
	addr := uniq("ed")
	f := setup(t, programme.Participant{Email: addr, Name: "Ed", Role: programme.Junior})
	tr := &throttlingTransport{}
	tr.n.Store(2)
	cfg, err := localstack.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = &http.Client{Transport: tr}
	client := localstack.SES(cfg, stacktest.SESURL(t))
	d := f.deliverer(t, &mail.SES{Client: client})
	if err := d.Handle(context.Background(), sendqueue.Welcome{ProgrammeID: f.prog.ID, ParticipantID: f.people[addr].ID}); err != nil {
		t.Fatalf("two throttled attempts should be retried by the SDK: %v", err)
	}
	if c := tr.calls.Load(); c != 3 {
		t.Errorf("HTTP requests = %d, want 3 (two throttled, one accepted)", c)
	}
	if n := len(stacktest.Emails(t, addr)); n != 1 {
		t.Errorf("emails = %d, want 1", n)
	}
}
