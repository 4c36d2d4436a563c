package devstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/emersion/go-smtp"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
)

// inboxPrefix is the receipt rule's object key prefix in template.yaml.
const inboxPrefix = "incoming/"

// Inbox receives replies locally the way SES does in AWS: its S3 action
// stores the raw message in the bucket (the S3 emulator), then its Lambda
// action hands the receipt to the inbound code, which reads the message
// back through the same inbound.Bucket as the function. Replies arrive over
// SMTP (so a script or a mail client can send them) or by upload on a local
// page.
type Inbox struct {
	handler *inbound.Handler
	s3      *s3.Client
	bucket  inbound.Bucket
	domain  string
	now     func() time.Time
	log     *slog.Logger
	// Addr is where the SMTP server listens.
	Addr string
	srv  *smtp.Server
}

// maxInbound mirrors SES's 40 MB limit on received mail; the parser then
// applies Upward's own, smaller limit with a logged reason.
const maxInbound = 40 << 20

func newInbox(h *inbound.Handler, client *s3.Client, b inbound.Bucket, domain string, now func() time.Time, log *slog.Logger) *Inbox {
	return &Inbox{handler: h, s3: client, bucket: b, domain: domain, now: now, log: log}
}

// createBucket makes the inbound bucket unless it is there already.
func createBucket(ctx context.Context, client *s3.Client, name string) error {
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	var owned *s3types.BucketAlreadyOwnedByYou
	var exists *s3types.BucketAlreadyExists
	if err != nil && !errors.As(err, &owned) && !errors.As(err, &exists) {
		return fmt.Errorf("create bucket %s: %w", name, err)
	}
	return nil
}

// Receive stores a raw message and records it.
func (in *Inbox) Receive(ctx context.Context, recipients []string, raw []byte) (inbound.Result, error) {
	// SES names the object by its message id.
	id := strings.ToLower(time.Now().UTC().Format("20060102T150405") + ids.New())
	if _, err := in.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(in.bucket.Name), Key: aws.String(in.bucket.Prefix + id),
		Body: bytes.NewReader(raw), ContentLength: aws.Int64(int64(len(raw)))}); err != nil {
		return inbound.Result{}, fmt.Errorf("keep inbound message: %w", err)
	}
	// The receipt SES hands the function, stamped with the dev clock's
	// time: the local server has no spam, virus or sender verdicts to give.
	at := in.now().UTC()
	m, err := in.bucket.Message(ctx, events.SimpleEmailService{
		Mail:    events.SimpleEmailMessage{MessageID: id, Timestamp: at, Destination: recipients},
		Receipt: events.SimpleEmailReceipt{Recipients: recipients, Timestamp: at},
	})
	if err != nil {
		return inbound.Result{}, err
	}
	res, err := in.handler.Handle(ctx, m)
	if err != nil {
		return res, err
	}
	in.log.Info("reply received", "outcome", res.Outcome, "reason", res.Reason, "command", res.Command, "location", m.Location)
	return res, nil
}

// ReceiveUpload is the local page's way in: the recipients come from the
// message's own headers.
func (in *Inbox) ReceiveUpload(ctx context.Context, raw []byte) (string, error) {
	res, err := in.Receive(ctx, nil, raw)
	if err != nil {
		return "", err
	}
	if res.Reason != "" {
		return fmt.Sprintf("%s: %s", res.Outcome, res.Reason), nil
	}
	return string(res.Outcome), nil
}

// listen starts the SMTP server.
func (in *Inbox) listen(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("smtp listen on %s: %w", addr, err)
	}
	in.Addr = l.Addr().String()
	s := smtp.NewServer(in)
	s.Domain = "localhost"
	s.MaxMessageBytes = maxInbound
	s.MaxRecipients = 50
	s.ReadTimeout = time.Minute
	s.WriteTimeout = time.Minute
	s.AllowInsecureAuth = true
	in.srv = s
	go func() {
		if err := s.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			in.log.Error("smtp server stopped", "err", err)
		}
	}()
	return nil
}

func (in *Inbox) close() {
	if in.srv != nil {
		_ = in.srv.Close()
	}
}

// NewSession implements smtp.Backend.
func (in *Inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{in: in}, nil }

type session struct {
	in   *Inbox
	rcpt []string
}

func (s *session) Reset()                               { s.rcpt = nil }
func (s *session) Logout() error                        { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !strings.HasSuffix(strings.ToLower(to), "@"+s.in.domain) {
		// Like SES's receipt rule: only the mail domain is accepted.
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "this server only accepts mail for " + s.in.domain}
	}
	s.rcpt = append(s.rcpt, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if _, err := s.in.Receive(context.Background(), s.rcpt, raw); err != nil {
		s.in.log.Error("recording a reply failed", "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "could not record the message; try again"}
	}
	return nil
}
