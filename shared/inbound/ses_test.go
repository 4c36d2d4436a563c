package inbound_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/token"
)

// TestSESEventReadsTheRawMessageFromS3 feeds a real SES receipt event (the
// sample from aws-lambda-go) through the Lambda adapter. The S3 action's
// bucket is a folder served over HTTP, read by the real SDK client.
func TestSESEventReadsTheRawMessageFromS3(t *testing.T) {
	t.Parallel()
	e := setup(t)
	b, err := os.ReadFile("testdata/ses-lambda-event.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.SimpleEmailEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	rec := &ev.Records[0].SES
	ref := token.Ref{ProgrammeID: e.prog.ID, ParticipantID: e.junior.ID, PairID: e.pair.ID, Kind: token.KindCheckIn, Cycle: 1}
	addr, _ := e.signer.ReplyAddress(ref, domain)
	rec.Receipt.Recipients = []string{addr}
	raw := e.raw(t, e.junior, token.KindCheckIn, 1, "s3@mail.example.org", "yes! 5")

	dir := t.TempDir()
	key := filepath.Join(dir, "inbound-bucket", "incoming", rec.Mail.MessageID)
	if err := os.MkdirAll(filepath.Dir(key), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	cfg, err := localstack.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(srv.URL); o.UsePathStyle = true })
	h := inbound.SESHandler(e.handler, inbound.Bucket{Client: client, Name: "inbound-bucket", Prefix: "incoming/"})
	if err := h(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if err := h(context.Background(), ev); err != nil { // Lambda retries the event
		t.Fatal(err)
	}
	answers, _ := e.store.ListAnswers(context.Background(), e.prog.ID)
	if len(answers) != 1 || *answers[0].Rating != 5 {
		t.Errorf("answers = %+v, want one rated 5", answers)
	}

	// An object missing from the bucket is reported, so Lambda retries.
	rec.Mail.MessageID = "missing-object"
	if err := h(context.Background(), ev); err == nil || !strings.Contains(err.Error(), "missing-object") {
		t.Errorf("an object missing from the bucket: err = %v, want it reported so Lambda retries", err)
	}
}
