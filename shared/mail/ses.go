// Package mail renders Upward's emails (multipart text + HTML, readable on a
// phone) and sends them through SES v2, at most once per email thanks to the
// send ledger.
package mail

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/upward-mentoring/upward/shared/lang"
)

// SESAPI is the part of the SES v2 client the sender uses.
type SESAPI interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

var _ SESAPI = (*sesv2.Client)(nil)

// Email is a rendered email ready to send.
type Email struct {
	From    string // "Name <address>", already encoded if needed
	To      []string
	ReplyTo []string
	Subject string
	Text    string
	HTML    string
	Headers map[string]string
	// Lang is the language the email is written in (Content-Language).
	Lang lang.Tag
	// Attachments such as the .ics invitation.
	Attachments []Attachment
	// Tags come back on SES's bounce and complaint events, so feedback can
	// be tied to a programme and participant (values: letters, digits, _ -).
	Tags map[string]string
}

// Attachment is a file sent with an email.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// SES sends through SES v2.
type SES struct {
	Client SESAPI
	// ConfigurationSet routes bounce and complaint events back (optional).
	ConfigurationSet string
	// Pace keeps this instance under its share of the account's SES
	// sending rate and slows it down when SES pushes back (nil: no steady
	// limit, as locally; throttling still comes back as sendqueue.Later).
	Pace *Pace
}

// Held says whether this sender is holding every send back for now (SES
// throttled or the daily quota is spent), so a job can wait without
// claiming its email.
func (s *SES) Held() error {
	if l := s.Pace.Held(); l != nil {
		return l
	}
	return nil
}

// Send hands one email to SES and returns SES's message id. Throttling and
// a spent daily quota come back as sendqueue.Later: back-pressure that the
// queue answers by waiting, not a failure.
func (s *SES) Send(ctx context.Context, e Email) (string, error) {
	if l := s.Pace.Held(); l != nil {
		return "", l
	}
	if err := s.Pace.Wait(ctx); err != nil {
		return "", err
	}
	msg := &types.Message{
		Subject: &types.Content{Data: aws.String(e.Subject), Charset: aws.String("UTF-8")},
		Body: &types.Body{
			Text: &types.Content{Data: aws.String(e.Text), Charset: aws.String("UTF-8")},
			Html: &types.Content{Data: aws.String(e.HTML), Charset: aws.String("UTF-8")},
		},
	}
	headers := e.Headers
	if e.Lang != "" {
		headers = map[string]string{"Content-Language": string(e.Lang)}
		for k, v := range e.Headers {
			headers[k] = v
		}
	}
	for _, name := range sortedKeys(headers) {
		msg.Headers = append(msg.Headers, types.MessageHeader{Name: aws.String(name), Value: aws.String(headers[name])})
	}
	for _, a := range e.Attachments {
		msg.Attachments = append(msg.Attachments, types.Attachment{
			FileName:           aws.String(a.Name),
			ContentType:        aws.String(a.ContentType),
			RawContent:         a.Data,
			ContentDisposition: types.AttachmentContentDispositionAttachment,
		})
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(e.From),
		Destination:      &types.Destination{ToAddresses: e.To},
		ReplyToAddresses: e.ReplyTo,
		Content:          &types.EmailContent{Simple: msg},
	}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(s.ConfigurationSet)
	}
	for _, name := range sortedKeys(e.Tags) {
		in.EmailTags = append(in.EmailTags, types.MessageTag{Name: aws.String(name), Value: aws.String(e.Tags[name])})
	}
	out, err := s.Client.SendEmail(ctx, in)
	if err != nil {
		return "", s.Pace.pushBack(fmt.Errorf("ses send: %w", err))
	}
	s.Pace.accepted()
	return aws.ToString(out.MessageId), nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
