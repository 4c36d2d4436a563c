package localstack_test

import (
	"context"
	"errors"
	"testing"

	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/config"
	"github.com/upward-mentoring/upward/shared/token"
)

// The production path reads the HMAC keys through the real SDK client from
// the stand-in: the current key signs, the older one still verifies (the
// secret's rotation), and a missing secret is Secrets Manager's own error.
func TestSignerReadsTheKeysThroughTheSecretsManagerAPI(t *testing.T) {
	ctx := context.Background()
	s, err := localstack.StartSecrets(0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg, err := localstack.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := localstack.SecretsManager(cfg, s.URL)
	old := "0123456789abcdef0123456789abcdef-old"
	oldSigner, err := token.NewSigner([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	ref := token.Ref{ProgrammeID: "0123456789abcdef", ParticipantID: "fedcba9876543210", Kind: token.KindWelcome}
	addr, err := oldSigner.ReplyAddress(ref, "upward.test")
	if err != nil {
		t.Fatal(err)
	}
	arn := s.Put("upward-hmac", "fedcba9876543210fedcba9876543210-new\n"+old+"\n")
	for _, id := range []string{arn, "upward-hmac"} {
		signer, err := config.Signer(ctx, client, id)
		if err != nil {
			t.Fatalf("signer from %s: %v", id, err)
		}
		if got, err := signer.ParseReplyAddress(addr, "upward.test"); err != nil || got.ParticipantID != ref.ParticipantID {
			t.Errorf("an address signed with the older key: %+v, %v; want it verified", got, err)
		}
		fresh, _ := signer.ReplyAddress(ref, "upward.test")
		if _, err := oldSigner.ParseReplyAddress(fresh, "upward.test"); err == nil {
			t.Errorf("a new address verified with the old key alone: the current (first) key does not sign")
		}
	}
	_, err = config.Signer(ctx, client, "no-such-secret")
	var notFound *smtypes.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Errorf("missing secret: %v, want ResourceNotFoundException", err)
	}
}
