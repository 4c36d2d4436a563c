// Package stacktest gives tests their own emulators: one dynalite, one
// aws-ses-v2-local, and (for the tests that need them) one SQS and one S3
// emulator per test binary, started on free ports on first use and stopped
// by Main, and a fresh table (queue, bucket) per test so tests never share
// state.
// NewSystem wires Upward's sending path on them (system.go); Clock is the
// stopped clock tests move by hand.
package stacktest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/store"
)

var (
	mu     sync.Mutex
	dyn    *localstack.Service
	ses    *localstack.Service
	sqsSvc *localstack.Service
	s3Svc  *localstack.Service
	cfg    aws.Config
	tables atomic.Int64
)

// Main runs the package's tests and stops the emulators afterwards. Call it
// from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	for _, svc := range []*localstack.Service{dyn, ses} {
		if died := svc.Died(); died != "" {
			fmt.Fprintln(os.Stderr, died)
			code = 1
		}
	}
	dyn.Stop()
	ses.Stop()
	sqsSvc.Stop()
	s3Svc.Stop()
	mu.Unlock()
	localstack.RemoveTools()
	os.Exit(code)
}

func awsConfig(t testing.TB) aws.Config {
	if cfg.Region == "" {
		c, err := localstack.AWSConfig(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		cfg = c
	}
	return cfg
}

// DynamoDBURL starts dynalite if needed and returns its URL.
func DynamoDBURL(t testing.TB) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if dyn == nil {
		s, err := localstack.StartDynamoDB(context.Background(), localstack.Options{})
		if err != nil {
			t.Fatalf("start dynalite: %v", err)
		}
		dyn = s
	}
	return dyn.URL
}

// SESURL starts aws-ses-v2-local if needed and returns its URL.
func SESURL(t testing.TB) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if ses == nil {
		s, err := localstack.StartSES(context.Background(), localstack.Options{})
		if err != nil {
			t.Fatalf("start aws-ses-v2-local: %v", err)
		}
		ses = s
	}
	return ses.URL
}

// SQSURL starts the SQS emulator (fauxqs) if needed and returns its URL.
func SQSURL(t testing.TB) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if sqsSvc == nil {
		s, err := localstack.StartSQS(context.Background(), localstack.Options{})
		if err != nil {
			t.Fatalf("start the SQS emulator: %v", err)
		}
		sqsSvc = s
	}
	return sqsSvc.URL
}

// SQS returns a real SDK client on the test binary's SQS emulator.
func SQS(t testing.TB) *sqs.Client {
	t.Helper()
	url := SQSURL(t)
	mu.Lock()
	defer mu.Unlock()
	return localstack.SQS(awsConfig(t), url)
}

// S3URL starts the S3 emulator (gofakes3) if needed and returns its URL.
func S3URL(t testing.TB) string {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if s3Svc == nil {
		s, err := localstack.StartS3(context.Background(), "upward-stacktest", localstack.Options{})
		if err != nil {
			t.Fatalf("start the S3 emulator: %v", err)
		}
		s3Svc = s
	}
	return s3Svc.URL
}

// Bucket creates a fresh bucket on the test binary's S3 emulator
// (gofakes3), started on first use, and returns a real SDK client and the
// bucket's name.
func Bucket(t testing.TB) (*s3.Client, string) {
	t.Helper()
	url := S3URL(t)
	mu.Lock()
	c := localstack.S3(awsConfig(t), url)
	mu.Unlock()
	name := fmt.Sprintf("b%d-%s", tables.Add(1), strings.ToLower(sanitize(t.Name())))
	name = strings.NewReplacer("_", "-", ".", "-").Replace(name)
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-")
	}
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	return c, name
}

// DynamoDB returns a real SDK client on the test binary's dynalite.
func DynamoDB(t testing.TB) *dynamodb.Client {
	t.Helper()
	url := DynamoDBURL(t)
	mu.Lock()
	defer mu.Unlock()
	return localstack.DynamoDB(awsConfig(t), url)
}

// SES returns a real SDK client on the test binary's aws-ses-v2-local.
func SES(t testing.TB) *sesv2.Client {
	t.Helper()
	url := SESURL(t)
	mu.Lock()
	defer mu.Unlock()
	return localstack.SES(awsConfig(t), url)
}

// NewTable creates a fresh, empty table for one test and returns its name.
func NewTable(t testing.TB, db *dynamodb.Client) string {
	t.Helper()
	name := fmt.Sprintf("t%d-%s", tables.Add(1), sanitize(t.Name()))
	if len(name) > 200 {
		name = name[:200]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := store.CreateTable(ctx, db, name); err != nil {
		t.Fatalf("create table: %v", err)
	}
	return name
}

// Store returns a store on a fresh table.
func Store(t testing.TB) (*store.Store, *dynamodb.Client) {
	t.Helper()
	db := DynamoDB(t)
	return store.New(db, NewTable(t, db)), db
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
}

// Emails returns the emails in the SES store sent to addr.
func Emails(t testing.TB, addr string) []localstack.Email {
	t.Helper()
	all, err := localstack.Emails(context.Background(), SESURL(t))
	if err != nil {
		t.Fatal(err)
	}
	var out []localstack.Email
	for _, e := range all {
		if e.SentTo(addr) {
			out = append(out, e)
		}
	}
	return out
}
