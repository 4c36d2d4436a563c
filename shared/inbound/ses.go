package inbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3API is the part of the S3 client the inbound function uses.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var _ S3API = (*s3.Client)(nil)

// Bucket is where SES's receipt rule stored the raw messages.
type Bucket struct {
	Client S3API
	Name   string
	Prefix string // the receipt rule's object key prefix
}

// SESHandler adapts the handler to SES's Lambda action: the event carries
// the headers and verdicts, the S3 action before it stored the raw message
// under the message id. An error makes Lambda retry the event, which is
// safe because Handle is.
func SESHandler(h *Handler, b Bucket) func(context.Context, events.SimpleEmailEvent) error {
	return func(ctx context.Context, ev events.SimpleEmailEvent) error {
		var errs []error
		for _, rec := range ev.Records {
			m, err := b.Message(ctx, rec.SES)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if _, err := h.Handle(ctx, m); err != nil {
				errs = append(errs, fmt.Errorf("message %s: %w", m.ID, err))
			}
		}
		return errors.Join(errs...)
	}
}

// Message reads the raw message a receipt names from the bucket, with the
// receipt's recipients and verdicts. `upward dev` reads its replies with it
// too, from the local S3 emulator.
func (b Bucket) Message(ctx context.Context, ses events.SimpleEmailService) (Message, error) {
	key := b.Prefix + ses.Mail.MessageID
	out, err := b.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)})
	if err != nil {
		return Message{}, fmt.Errorf("read s3://%s/%s: %w", b.Name, key, err)
	}
	defer out.Body.Close()
	// One byte over the parser's limit is enough to know it is too large.
	raw, err := io.ReadAll(io.LimitReader(out.Body, int64(maxRaw)+1))
	if err != nil {
		return Message{}, fmt.Errorf("read s3://%s/%s: %w", b.Name, key, err)
	}
	r := ses.Receipt
	return Message{
		ID:           ses.Mail.MessageID,
		Recipients:   r.Recipients,
		EnvelopeFrom: ses.Mail.Source,
		Verdicts:     Verdicts{Spam: r.SpamVerdict.Status, Virus: r.VirusVerdict.Status, SPF: r.SPFVerdict.Status, DKIM: r.DKIMVerdict.Status, DMARC: r.DMARCVerdict.Status},
		Raw:          raw,
		Location:     "s3://" + b.Name + "/" + key,
		ReceivedAt:   r.Timestamp,
	}, nil
}

// Fetch reads a message kept at "s3://<this bucket>/<key>", for releasing
// it from quarantine.
func (b Bucket) Fetch(ctx context.Context, location string) ([]byte, error) {
	key, ok := strings.CutPrefix(location, "s3://"+b.Name+"/")
	if !ok {
		return nil, fmt.Errorf("%s is not in bucket %s", location, b.Name)
	}
	out, err := b.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", location, err)
	}
	defer out.Body.Close()
	return io.ReadAll(io.LimitReader(out.Body, int64(maxRaw)+1))
}

// maxRaw bounds what is read from S3 (the parser refuses more anyway).
const maxRaw = 10<<20 + 1
