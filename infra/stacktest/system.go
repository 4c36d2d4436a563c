package stacktest

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/upward-mentoring/upward/infra/localqueue"
	"github.com/upward-mentoring/upward/infra/memqueue"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// Queue is the send queue a System's parts enqueue on; Drain waits until
// every job queued so far (and every job those queued) has been sent or
// dead-lettered, counting, never timing.
type Queue interface {
	sendqueue.Queue
	Drain()
}

var (
	_ Queue = (*localqueue.Queue)(nil)
	_ Queue = (*memqueue.Queue)(nil)
)

var queues atomic.Int64

// Options adjust a System; the zero value is a system on a fresh table,
// stopped at DefaultStart, sending as DefaultMail.
type Options struct {
	// Start is where the clock stands (default DefaultStart).
	Start time.Time
	// Mail overrides the deliverer's settings field by field (empty fields
	// keep DefaultMail's).
	Mail mail.Settings
	// Workers work the queue side by side (default 2).
	Workers int
	// VisibilityTimeout is how long a failed job waits before SQS hands
	// it out again (default one second, to keep retries quick).
	VisibilityTimeout time.Duration
	// Store replaces the fresh table, for benchmarks that seed one large
	// table once and share it.
	Store *store.Store
}

// DefaultStart is a Monday morning well before any test programme starts.
var DefaultStart = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// DefaultMail is how a System's deliverer sends unless told otherwise.
var DefaultMail = mail.Settings{FromAddress: "p@upward.test", MailDomain: "upward.test", BaseURL: "https://upward.test"}

// System is Upward's sending path wired on the test binary's emulators, as
// the Lambda functions wire it in AWS: a store on a fresh table, a token
// signer with its own key, a stopped clock, a deliverer that sends through
// the SES emulator, and an in-memory queue worked by that deliverer. Tests
// build the part under test (a handler, a ticker, the site) from these.
//
//	sys := stacktest.NewSystem(t, stacktest.Options{Start: t0})
//	h, err := inbound.New(sys.Store, sys.Queue, sys.Signer, sys.Clock, sys.Log, inbound.Settings{MailDomain: sys.Mail.MailDomain})
//	…
//	sys.Queue.Drain()
//	got := stacktest.Emails(t, addr)
type System struct {
	Store *store.Store
	// DB is the SDK client under Store, for tests that inspect the table.
	DB *dynamodb.Client
	// SES sends into the emulator; it is also the sign-in link's sender.
	SES       *mail.SES
	Signer    *token.Signer
	Clock     *Clock
	Mail      mail.Settings
	Deliverer *mail.Deliverer
	// Queue hands every job to Deliverer; Drain waits until all are sent.
	Queue Queue
	Log   *slog.Logger
}

// NewSystem wires a System for one test; the queue stops when the test
// ends.
func NewSystem(t testing.TB, o Options) *System {
	t.Helper()
	sys := &System{Log: slog.New(slog.DiscardHandler), Mail: DefaultMail}
	if o.Store != nil {
		sys.Store = o.Store
	} else {
		sys.Store, sys.DB = Store(t)
	}
	sys.SES = &mail.SES{Client: SES(t)}
	key := make([]byte, token.MinKeyLen)
	_, _ = rand.Read(key)
	var err error
	if sys.Signer, err = token.NewSigner(key); err != nil {
		t.Fatal(err)
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	sys.Clock = NewClock(o.Start)
	if o.Mail.FromAddress != "" {
		sys.Mail.FromAddress = o.Mail.FromAddress
	}
	if o.Mail.MailDomain != "" {
		sys.Mail.MailDomain = o.Mail.MailDomain
	}
	if o.Mail.BaseURL != "" {
		sys.Mail.BaseURL = o.Mail.BaseURL
	}
	sys.Deliverer = sys.DelivererWith(t, sys.SES)
	if o.Workers <= 0 {
		o.Workers = 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	if _, bench := t.(*testing.B); bench {
		q := memqueue.New(ctx, sys.Deliverer, memqueue.Options{Workers: o.Workers, Log: sys.Log})
		sys.Deliverer.FollowUpsOn(q)
		sys.Queue = q
		t.Cleanup(func() { cancel(); q.Wait() })
		return sys
	}
	if o.VisibilityTimeout <= 0 {
		o.VisibilityTimeout = time.Second
	}
	q, err := localqueue.Create(ctx, SQS(t), fmt.Sprintf("send%d", queues.Add(1)), localqueue.Options{
		Pollers: o.Workers, VisibilityTimeout: o.VisibilityTimeout, MaxReceiveCount: 5, Log: sys.Log})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	sys.Deliverer.FollowUpsOn(q)
	q.Start(ctx, sendqueue.SQSHandler(sys.Deliverer, sys.Log))
	sys.Queue = q
	t.Cleanup(func() { cancel(); q.Wait() })
	return sys
}

// DelivererWith is a deliverer like the System's own that sends through
// sender instead, for tests that inject faults into sending.
func (sys *System) DelivererWith(t testing.TB, sender mail.Sender) *mail.Deliverer {
	t.Helper()
	d, err := mail.NewDeliverer(sys.Store, sender, sys.Signer, sys.Clock, sys.Log, sys.Mail)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
