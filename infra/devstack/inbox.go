package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
)

// Inbox receives replies locally the way SES does in AWS: it keeps the raw
// message in a folder standing for the S3 bucket, then hands it to the same
// inbound handler the Lambda function runs. Replies arrive over SMTP (so a
// script or a mail client can send them) or by upload on a local page.
type Inbox struct {
	handler *inbound.Handler
	dir     string
	domain  string
	log     *slog.Logger
	// Addr is where the SMTP server listens.
	Addr string
	srv  *smtp.Server
}

// maxInbound mirrors SES's 40 MB limit on received mail; the parser then
// applies Upward's own, smaller limit with a logged reason.
const maxInbound = 40 << 20

func newInbox(h *inbound.Handler, dir, domain string, log *slog.Logger) *Inbox {
	return &Inbox{handler: h, dir: dir, domain: domain, log: log}
}

// Receive stores a raw message and records it.
func (in *Inbox) Receive(ctx context.Context, recipients []string, raw []byte) (inbound.Result, error) {
	id := time.Now().UTC().Format("20060102T150405") + "-" + ids.New()
	path := filepath.Join(in.dir, id+".eml")
	if err := os.MkdirAll(in.dir, 0o700); err != nil {
		return inbound.Result{}, fmt.Errorf("inbound folder: %w", err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		return inbound.Result{}, fmt.Errorf("keep inbound message: %w", err)
	}
	res, err := in.handler.Handle(ctx, inbound.Message{ID: id, Recipients: recipients, Raw: raw, Location: path})
	if err != nil {
		return res, err
	}
	in.log.Info("reply received", "outcome", res.Outcome, "reason", res.Reason, "command", res.Command, "file", path)
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
