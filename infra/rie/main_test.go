package rie_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/rie"
	"github.com/upward-mentoring/upward/infra/samtemplate"
	"github.com/upward-mentoring/upward/shared/token"
)

// world is what every test of the package shares: the emulators, the
// stand-ins, the six function binaries and the emulator that runs them.
type world struct {
	cfg                 aws.Config
	dyn, ses, sqs, s3   *localstack.Service
	secrets             *localstack.Secrets
	account             *localstack.SESAccount
	bins                map[string]string
	emulator            string
	tpl                 *samtemplate.Template
	signer              *token.Signer
	secretARN           string
	bucket              string
	db                  *dynamodb.Client
	sqsClient           *sqs.Client
	s3Client            *s3.Client
	buildDir, binaryDir string
}

var w *world

func TestMain(m *testing.M) {
	if runtime.GOOS != "linux" {
		// The functions are linux binaries (provided.al2023): only a
		// linux machine runs them under the emulator.
		fmt.Println("rie: skipped, the function binaries run on linux only")
		os.Exit(0)
	}
	var err error
	w, err = setUp(context.Background())
	code := 1
	if err != nil {
		fmt.Fprintln(os.Stderr, "rie:", err)
	} else {
		code = m.Run()
	}
	w.tearDown()
	os.Exit(code)
}

func setUp(ctx context.Context) (*world, error) {
	w := &world{bucket: "upward-inbound-local"}
	var err error
	if w.cfg, err = localstack.AWSConfig(ctx); err != nil {
		return w, err
	}
	root, err := localstack.RepoRoot()
	if err != nil {
		return w, err
	}
	if w.tpl, err = samtemplate.Load(root + "/template.yaml"); err != nil {
		return w, err
	}
	if w.buildDir, err = os.MkdirTemp("", "upward-rie-"); err != nil {
		return w, err
	}
	if w.bins, err = rie.Build(ctx, w.buildDir); err != nil {
		return w, err
	}
	if w.emulator, err = localstack.GoTool(ctx, rie.Module); err != nil {
		return w, err
	}
	if w.dyn, err = localstack.StartDynamoDB(ctx, localstack.Options{}); err != nil {
		return w, err
	}
	if w.ses, err = localstack.StartSES(ctx, localstack.Options{}); err != nil {
		return w, err
	}
	if w.sqs, err = localstack.StartSQS(ctx, localstack.Options{}); err != nil {
		return w, err
	}
	if w.s3, err = localstack.StartS3(ctx, w.bucket, localstack.Options{}); err != nil {
		return w, err
	}
	if w.secrets, err = localstack.StartSecrets(0); err != nil {
		return w, err
	}
	if w.account, err = localstack.StartSESAccount(w.ses.URL); err != nil {
		return w, err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	// The secret holds keys one per line, as deployed (config.HMACKeys).
	w.secretARN = w.secrets.Put("upward-hmac", hex.EncodeToString(key))
	if w.signer, err = token.NewSigner([]byte(hex.EncodeToString(key))); err != nil {
		return w, err
	}
	w.db = localstack.DynamoDB(w.cfg, w.dyn.URL)
	w.sqsClient = localstack.SQS(w.cfg, w.sqs.URL)
	w.s3Client = localstack.S3(w.cfg, w.s3.URL)
	return w, nil
}

func (w *world) tearDown() {
	if w == nil {
		return
	}
	for _, s := range []*localstack.Service{w.dyn, w.ses, w.sqs, w.s3} {
		s.Stop()
	}
	w.secrets.Close()
	w.account.Close()
	if w.buildDir != "" {
		_ = os.RemoveAll(w.buildDir)
	}
	localstack.RemoveTools()
}
