package localstack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// StartSQS starts fauxqs, an SQS API emulator speaking the JSON protocol
// of the current SDK, with visibility timeouts, long polling and redrive
// to a dead-letter queue. Its queues live in memory.
func StartSQS(ctx context.Context, o Options) (*Service, error) {
	if _, err := nodeScript("fauxqs/package.json"); err != nil {
		return nil, err
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	script := filepath.Join(root, "infra", "scripts", "sqs.mjs")
	return start(ctx, "fauxqs", "", o, func(port int) []string {
		return []string{script, "--port", strconv.Itoa(port)}
	})
}

// StartS3 starts gofakes3, an S3 API emulator, with bucket created. With
// o.DataDir its objects are files under that folder and outlive the
// process; without, they live in memory.
func StartS3(ctx context.Context, bucket string, o Options) (*Service, error) {
	bin, err := GoTool(ctx, "github.com/johannesboyne/gofakes3/cmd/gofakes3")
	if err != nil {
		return nil, err
	}
	if o.DataDir != "" {
		if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("s3 data folder: %w", err)
		}
	}
	return start(ctx, "gofakes3", bin, o, func(port int) []string {
		args := []string{"-host", "127.0.0.1:" + strconv.Itoa(port), "-initialbucket", bucket, "-quiet"}
		if o.DataDir != "" {
			return append(args, "-backend", "fs", "-fs.path", o.DataDir, "-fs.create")
		}
		return append(args, "-backend", "memory")
	})
}
