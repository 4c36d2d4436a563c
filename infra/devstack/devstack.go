// Package devstack assembles the whole Upward system on one machine: the
// emulators (dynalite, aws-ses-v2-local, fauxqs for SQS, gofakes3 for S3,
// the Secrets Manager stand-in), the table, the coordinator site, and the
// send queue on the SQS emulator worked by the same SQSHandler that runs in
// Lambda (infra/localqueue). Replies are kept in the S3 emulator and read
// back by the same inbound.Bucket as in AWS; the HMAC key is read through
// the Secrets Manager API by the same config.Signer.
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

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/upward-mentoring/upward/infra/localqueue"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/config"
	"github.com/upward-mentoring/upward/shared/digest"
	"github.com/upward-mentoring/upward/shared/guard"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/orgchart"
	"github.com/upward-mentoring/upward/shared/recognition"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/rounds"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
	"github.com/upward-mentoring/upward/shared/web"
)

// Options configure a local stack. Zero ports mean "any free port".
type Options struct {
	// DataDir keeps dynalite's data, the emails sent, the dev clock and
	// the HMAC key between runs; empty keeps everything in memory (tests).
	DataDir      string
	WebAddr      string // e.g. 127.0.0.1:8080
	DynamoDBPort int
	SESPort      int
	SQSPort      int
	S3Port       int
	SecretsPort  int
	// DynamoDBURL, SESURL, SQSURL and S3URL use emulators that are already
	// running.
	DynamoDBURL string
	SESURL      string
	SQSURL      string
	S3URL       string
	Table       string
	// Queue names the send queue (its dead-letter queue is Queue+"-dead")
	// and Bucket the inbound bucket; the defaults are fresh names when
	// DataDir is empty (tests sharing emulators), fixed ones otherwise.
	Queue  string
	Bucket string
	// SendQueue overrides the send queue's settings (default: the
	// template's, with four pollers).
	SendQueue localqueue.Options
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
	// OIDC starts a local OpenID provider (npm oidc-provider) and offers
	// single sign-on through it, so the flow can be tried locally: its login
	// page takes any address and password.
	OIDC bool
	// OrgChartBucket is where org charts are uploaded from the browser
	// (default: a fresh name, like Bucket).
	OrgChartBucket string
	// HoldOrgChartUploads keeps the event of each org chart uploaded until
	// Stack.DeliverOrgChartUploads (tests that look at the upload's page
	// before its parse); by default it is delivered at once.
	HoldOrgChartUploads bool
	// EmulatorLog receives the emulators' output (nil: discarded).
	EmulatorLog io.Writer
	Log         *slog.Logger
}

// Stack is a running local system.
type Stack struct {
	WebURL      string
	SESURL      string
	DynamoDBURL string
	SQSURL      string
	S3URL       string
	SecretsURL  string
	// Bucket is the inbound bucket's name.
	Bucket string
	Store  *store.Store
	// Queue is the send queue on the SQS emulator; Drain waits until every
	// job queued so far has been sent.
	Queue    *localqueue.Queue
	Clock    *Clock
	Signer   *token.Signer
	Web      *web.Server
	SignIn   *signin.Gate
	Ticker   *schedule.Ticker
	Inbox    *Inbox
	SMTPAddr string
	// Review runs proposed matchings in-process, as the match function
	// does in AWS.
	Review *review.Service
	// Rounds holds rolling and rotation programmes' scheduled rounds.
	Rounds *rounds.Runner
	// Digest queues the coordinators' weekly digests.
	Digest *digest.Runner
	// Recognition sends the notes to managers that are due.
	Recognition *recognition.Runner
	// OIDCURL is the local OpenID provider's issuer (Options.OIDC).
	OIDCURL string
	// Guard re-checks live pairs against the reporting lines on each tick.
	Guard *guard.Guard
	// OrgCharts parses the org charts uploaded to OrgChartBucket, as the
	// orgchart function does in AWS; S3FrontURL is where the browser posts
	// them (s3front.go: what gofakes3 leaves out of S3's form posts).
	OrgCharts      *orgchart.Importer
	OrgChartBucket string
	S3FrontURL     string
	s3front        *s3Front

	tickMu sync.Mutex // one tick at a time, as the hourly schedule runs them

	cancel   context.CancelFunc
	server   *http.Server
	services []*localstack.Service
	secrets  *localstack.Secrets
}

func (o *Options) defaults() {
	if o.WebAddr == "" {
		o.WebAddr = "127.0.0.1:0"
	}
	if o.Table == "" {
		o.Table = "upward"
	}
	if o.Queue == "" {
		o.Queue = "upward-send"
		if o.DataDir == "" {
			o.Queue += "-" + ids.New()[:12]
		}
	}
	if o.Bucket == "" {
		o.Bucket = "upward-inbound"
		if o.DataDir == "" {
			o.Bucket += "-" + strings.ToLower(ids.New()[:12])
		}
	}
	if o.OrgChartBucket == "" {
		o.OrgChartBucket = "upward-orgcharts"
		if o.DataDir == "" {
			o.OrgChartBucket += "-" + strings.ToLower(ids.New()[:12])
		}
	}
	if o.SendQueue.Pollers == 0 {
		o.SendQueue.Pollers = 4
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
func Start(ctx context.Context, o Options) (_ *Stack, err error) {
	o.defaults()
	// The stack being built, closed here on any error: the result is nil
	// then, so a named result would leave the deferred Close a nil stack
	// (and a panic in place of the error that says what failed).
	st := &Stack{Bucket: o.Bucket}
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
		// The viewer's mail outlives a restart, as the table's data does:
		// earlier welcomes and sign-in links stay where people look.
		dir := ""
		if o.DataDir != "" {
			dir = filepath.Join(o.DataDir, "mail")
		}
		svc, err := localstack.StartSES(ctx, localstack.Options{Port: o.SESPort, DataDir: dir, Log: o.EmulatorLog})
		if err != nil {
			return nil, err
		}
		st.services = append(st.services, svc)
		st.SESURL = svc.URL
	}
	st.SQSURL = o.SQSURL
	if st.SQSURL == "" {
		svc, err := localstack.StartSQS(ctx, localstack.Options{Port: o.SQSPort, Log: o.EmulatorLog})
		if err != nil {
			return nil, err
		}
		st.services = append(st.services, svc)
		st.SQSURL = svc.URL
	}
	st.S3URL = o.S3URL
	if st.S3URL == "" {
		dir := ""
		if o.DataDir != "" {
			dir = filepath.Join(o.DataDir, "s3")
		}
		svc, err := localstack.StartS3(ctx, o.Bucket, localstack.Options{Port: o.S3Port, DataDir: dir, Log: o.EmulatorLog})
		if err != nil {
			return nil, err
		}
		st.services = append(st.services, svc)
		st.S3URL = svc.URL
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
	// The key reaches the code as in AWS: a secret read through the
	// Secrets Manager API by config.Signer.
	if st.secrets, err = localstack.StartSecrets(o.SecretsPort); err != nil {
		return nil, err
	}
	st.SecretsURL = st.secrets.URL
	arn := st.secrets.Put("upward-hmac", hex.EncodeToString(key))
	if st.Signer, err = config.Signer(ctx, localstack.SecretsManager(cfg, st.SecretsURL), arn); err != nil {
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
	qo := o.SendQueue
	qo.Log = o.Log
	if st.Queue, err = localqueue.Create(ctx, localstack.SQS(cfg, st.SQSURL), o.Queue, qo); err != nil {
		l.Close()
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	st.cancel = cancel
	deliverer.FollowUpsOn(st.Queue)
	st.Queue.Start(runCtx, sendqueue.SQSHandler(deliverer, o.Log))

	handler, err := inbound.New(st.Store, st.Queue, st.Signer, st.Clock, o.Log, inbound.Settings{MailDomain: o.MailDomain, Local: true})
	if err != nil {
		l.Close()
		return nil, err
	}
	s3c := localstack.S3(cfg, st.S3URL)
	if err := createBucket(ctx, s3c, o.Bucket); err != nil {
		l.Close()
		return nil, err
	}
	st.Inbox = newInbox(handler, s3c, inbound.Bucket{Client: s3c, Name: o.Bucket, Prefix: inboxPrefix}, o.MailDomain, st.Clock.Now, o.Log)
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
	st.Digest = &digest.Runner{Store: st.Store, Queue: st.Queue, Clock: st.Clock, Log: o.Log}
	st.Recognition = &recognition.Runner{Store: st.Store, Queue: st.Queue, Clock: st.Clock, Log: o.Log}
	st.Rounds = &rounds.Runner{Store: st.Store, Review: st.Review, Queue: st.Queue, Clock: st.Clock, Log: o.Log, Coordinators: o.Coordinators}
	st.Guard = &guard.Guard{Store: st.Store, Clock: st.Clock, Log: o.Log}
	if err := createBucket(ctx, s3c, o.OrgChartBucket); err != nil {
		l.Close()
		return nil, err
	}
	st.OrgChartBucket = o.OrgChartBucket
	st.OrgCharts = &orgchart.Importer{Store: st.Store, Guard: st.Guard, Clock: st.Clock, Log: o.Log}
	if st.s3front, err = startS3Front(st.S3URL, o.OrgChartBucket, st.OrgCharts.HandleS3(s3c), time.Now, o.Log); err != nil {
		l.Close()
		return nil, err
	}
	st.S3FrontURL = st.s3front.URL
	st.s3front.hold = o.HoldOrgChartUploads
	signinCfg := signin.Config{Administrators: o.Coordinators, Insecure: true}
	if o.OIDC {
		secret := hex.EncodeToString(key[:16])
		svc, err := localstack.StartOIDC(ctx, localstack.OIDCOptions{Options: localstack.Options{Log: o.EmulatorLog},
			Clients: []localstack.OIDCClient{{ID: "upward-dev", Secret: secret, RedirectURIs: []string{st.WebURL + signin.CallbackPath}}}})
		if err != nil {
			l.Close()
			return nil, err
		}
		st.services = append(st.services, svc)
		st.OIDCURL = svc.URL
		signinCfg.OIDC = signin.OIDC{Issuer: svc.URL, ClientID: "upward-dev", ClientSecret: secret, Name: "the local identity provider"}
	}
	// Sessions and links follow real time, not the dev clock: moving the
	// clock a month must not sign anyone out.
	st.SignIn, err = signin.New(st.Store, st.Queue, st.Signer, clock.System{}, o.Log, signinCfg)
	if err != nil {
		l.Close()
		return nil, err
	}
	st.Web, err = web.New(web.Deps{Store: st.Store, SignIn: st.SignIn, Queue: st.Queue, Signer: st.Signer, Clock: st.Clock, Log: o.Log,
		Replies: inbound.Releaser{Handler: handler, Raw: inbound.Bucket{Client: s3c, Name: o.Bucket, Prefix: inboxPrefix}},
		Matches: st.Review, Proposals: review.InProcess{Service: st.Review}, Answers: handler,
		// Forms are signed for the front, where the browser posts them.
		OrgUploads: &orgchart.Bucket{Name: o.OrgChartBucket, Presign: s3.NewPresignClient(localstack.S3(cfg, st.S3FrontURL))}}, web.Config{
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

// DeliverOrgChartUploads parses the org charts uploaded since the last
// call (with Options.HoldOrgChartUploads), as S3's events would have them
// parsed, and returns how many.
func (s *Stack) DeliverOrgChartUploads(ctx context.Context) (int, error) {
	return s.s3front.deliverHeld(ctx)
}

// Close stops the site, the queue and the emulators.
func (s *Stack) Close() {
	if s.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.server.Shutdown(ctx)
		cancel()
	}
	if s.s3front != nil {
		s.s3front.Close() // waits for the parses it started
	}
	if s.cancel != nil {
		s.cancel()
		s.Queue.Wait()
	}
	s.secrets.Close()
	if s.Inbox != nil {
		s.Inbox.close()
	}
	for _, svc := range s.services {
		svc.Stop()
	}
}
