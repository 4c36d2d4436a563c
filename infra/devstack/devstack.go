// Package devstack assembles the whole Upward system on one machine: the
// emulators (dynalite, aws-ses-v2-local), the table, the coordinator site,
// and an in-process send queue worked by the same code that runs in Lambda.
// The local-only parts (the movable clock, its bar on every page, the
// /dev/ pages) are composed around the production site here, so that none
// of them is compiled into a Lambda function. `upward dev` runs it for
// people; end-to-end tests run it for themselves.
package devstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/memqueue"
	"github.com/upward-mentoring/upward/shared/guard"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/rounds"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
	"github.com/upward-mentoring/upward/shared/web"
)

// Options configure a local stack. Zero ports mean "any free port".
type Options struct {
	// DataDir keeps dynalite's data, the dev clock and the HMAC key between
	// runs; empty keeps everything in memory (tests).
	DataDir      string
	WebAddr      string // e.g. 127.0.0.1:8080
	DynamoDBPort int
	SESPort      int
	// DynamoDBURL and SESURL use emulators that are already running.
	DynamoDBURL string
	SESURL      string
	Table       string
	// Coordinators may sign in.
	Coordinators []string
	MailDomain   string
	FromAddress  string
	// SMTPAddr is where replies are accepted over SMTP ("" = any free
	// port on 127.0.0.1).
	SMTPAddr string
	// TickEvery runs the schedule's tick on a timer (0: only when asked, as
	// tests do).
	TickEvery time.Duration
	// ProposalWait is how long pressing "Propose matches" or "Approve"
	// waits for the in-process run before showing its progress page
	// (default 3s). Tests wait for as long as the run takes, so that what
	// the browser sees never depends on the machine's speed.
	ProposalWait time.Duration
	// EmulatorLog receives the emulators' output (nil: discarded).
	EmulatorLog io.Writer
	Log         *slog.Logger
}

// Stack is a running local system.
type Stack struct {
	WebURL      string
	SESURL      string
	DynamoDBURL string
	Store       *store.Store
	Queue       *memqueue.Queue
	Clock       *Clock
	Signer      *token.Signer
	Web         *web.Server
	SignIn      *signin.Gate
	Ticker      *schedule.Ticker
	Inbox       *Inbox
	SMTPAddr    string
	// Review runs proposed matchings in-process, as the match function
	// does in AWS.
	Review *review.Service
	// Rounds holds rolling and rotation programmes' scheduled rounds.
	Rounds *rounds.Runner
	// Guard re-checks live pairs against the reporting lines on each tick.
	Guard *guard.Guard

	tickMu sync.Mutex // one tick at a time, as the hourly schedule runs them

	cancel   context.CancelFunc
	server   *http.Server
	services []*localstack.Service
}

func (o *Options) defaults() {
	if o.WebAddr == "" {
		o.WebAddr = "127.0.0.1:0"
	}
	if o.Table == "" {
		o.Table = "upward"
	}
	if len(o.Coordinators) == 0 {
		o.Coordinators = []string{"coordinator@example.org"}
	}
	if o.MailDomain == "" {
		o.MailDomain = "upward.localhost"
	}
	if o.FromAddress == "" {
		o.FromAddress = "programmes@" + o.MailDomain
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.ProposalWait == 0 {
		o.ProposalWait = 3 * time.Second
	}
}

// Start brings the whole system up and returns when the site answers.
func Start(ctx context.Context, o Options) (st *Stack, err error) {
	o.defaults()
	st = &Stack{}
	defer func() {
		if err != nil {
			st.Close()
		}
	}()
	if o.DataDir != "" {
		if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("data folder: %w", err)
		}
	}

	st.DynamoDBURL = o.DynamoDBURL
	if st.DynamoDBURL == "" {
		dir := ""
		if o.DataDir != "" {
			dir = filepath.Join(o.DataDir, "dynamodb")
		}
		svc, err := localstack.StartDynamoDB(ctx, localstack.Options{Port: o.DynamoDBPort, DataDir: dir, Log: o.EmulatorLog})
		if err != nil {
			return nil, err
		}
		st.services = append(st.services, svc)
		st.DynamoDBURL = svc.URL
	}
	st.SESURL = o.SESURL
	if st.SESURL == "" {
		svc, err := localstack.StartSES(ctx, localstack.Options{Port: o.SESPort, Log: o.EmulatorLog})
		if err != nil {
			return nil, err
		}
		st.services = append(st.services, svc)
		st.SESURL = svc.URL
	}

	cfg, err := localstack.AWSConfig(ctx)
	if err != nil {
		return nil, err
	}
	db := localstack.DynamoDB(cfg, st.DynamoDBURL)
	if err := store.CreateTable(ctx, db, o.Table); err != nil {
		return nil, err
	}
	st.Store = store.New(db, o.Table)

	clockFile := ""
	if o.DataDir != "" {
		clockFile = filepath.Join(o.DataDir, "clock")
	}
	if st.Clock, err = NewClock(clockFile); err != nil {
		return nil, err
	}
	key, err := hmacKey(o.DataDir)
	if err != nil {
		return nil, err
	}
	if st.Signer, err = token.NewSigner(key); err != nil {
		return nil, err
	}

	l, err := net.Listen("tcp", o.WebAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", o.WebAddr, err)
	}
	st.WebURL = "http://" + displayAddr(l.Addr().String())

	ses := &mail.SES{Client: localstack.SES(cfg, st.SESURL)}
	deliverer, err := mail.NewDeliverer(st.Store, ses, st.Signer, st.Clock, o.Log, mail.Settings{
		FromAddress: o.FromAddress, MailDomain: o.MailDomain, BaseURL: st.WebURL,
	})
	if err != nil {
		l.Close()
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	st.cancel = cancel
	st.Queue = memqueue.New(runCtx, deliverer, memqueue.Options{Workers: 4, Backoff: 500 * time.Millisecond, Log: o.Log})

	inboundDir := filepath.Join(os.TempDir(), "upward-inbound-"+ids.New())
	if o.DataDir != "" {
		inboundDir = filepath.Join(o.DataDir, "inbound")
	}
	handler, err := inbound.New(st.Store, st.Queue, st.Signer, st.Clock, o.Log, inbound.Settings{MailDomain: o.MailDomain, Local: true})
	if err != nil {
		l.Close()
		return nil, err
	}
	st.Inbox = newInbox(handler, inboundDir, o.MailDomain, o.Log)
	smtpAddr := o.SMTPAddr
	if smtpAddr == "" {
		smtpAddr = "127.0.0.1:0"
	}
	if err := st.Inbox.listen(smtpAddr); err != nil {
		l.Close()
		return nil, err
	}
	st.SMTPAddr = st.Inbox.Addr
	st.Ticker = &schedule.Ticker{Store: st.Store, Queue: st.Queue, Clock: st.Clock, Log: o.Log}
	st.Review = &review.Service{Store: st.Store, Queue: st.Queue, Clock: st.Clock, Log: o.Log}
	st.Rounds = &rounds.Runner{Store: st.Store, Review: st.Review, Queue: st.Queue, Clock: st.Clock, Log: o.Log, Coordinators: o.Coordinators}
	st.Guard = &guard.Guard{Store: st.Store, Clock: st.Clock, Log: o.Log}
	st.SignIn, err = signin.New(st.Store, ses, st.Clock, o.Log, signin.Config{Coordinators: o.Coordinators, FromAddress: o.FromAddress, Insecure: true})
	if err != nil {
		l.Close()
		return nil, err
	}
	st.Web, err = web.New(web.Deps{Store: st.Store, SignIn: st.SignIn, Queue: st.Queue, Signer: st.Signer, Clock: st.Clock, Log: o.Log,
		Replies: inbound.Releaser{Handler: handler, Raw: inbound.Files{}},
		Matches: st.Review, Proposals: review.InProcess{Service: st.Review}}, web.Config{
		BaseURL: st.WebURL, Insecure: true, ProposalWait: o.ProposalWait,
	})
	if err != nil {
		l.Close()
		return nil, err
	}
	st.server = &http.Server{Handler: newDevSite(st.Web, st.SignIn, st, o.Log), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := st.server.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			o.Log.Error("web server stopped", "err", err)
		}
	}()
	if o.TickEvery > 0 {
		go st.tickLoop(runCtx, o.TickEvery, o.Log)
	}
	return st, nil
}

// displayAddr shows 127.0.0.1 and [::] as localhost, the address people type.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" || host == "127.0.0.1" || host == "::1" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// hmacKey is the secret for reply tokens and links: generated once and kept
// in the data folder (never in the repository), or fresh in memory.
func hmacKey(dir string) ([]byte, error) {
	fresh := func() []byte {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		return b
	}
	if dir == "" {
		return fresh(), nil
	}
	path := filepath.Join(dir, "hmac.key")
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) < token.MinKeyLen {
			return nil, fmt.Errorf("%s is not a hex key of %d bytes or more; delete it to make a new one", path, token.MinKeyLen)
		}
		return key, nil
	}
	if !os.IsNotExist(err) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	key := fresh()
	if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return key, nil
}

// Close stops the site, the queue and the emulators.
func (s *Stack) Close() {
	if s.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.server.Shutdown(ctx)
		cancel()
	}
	if s.cancel != nil {
		s.cancel()
		s.Queue.Wait()
	}
	if s.Inbox != nil {
		s.Inbox.close()
	}
	for _, svc := range s.services {
		svc.Stop()
	}
}
