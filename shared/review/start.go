package review

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// The ways to start a proposal's run. The web pages declare the interface
// they need (Start); these are its implementations.

// InProcess runs proposals on a goroutine of this process: `upward dev`
// runs every proposal this way, and the web function in AWS runs small
// programmes this way, waiting for the done channel before it answers (a
// Lambda function is frozen once it has answered).
type InProcess struct {
	Service *Service
	// Timeout bounds one run (default 10 minutes).
	Timeout time.Duration
}

// Start runs the job in the background; done is closed when it ends.
func (ip InProcess) Start(ctx context.Context, job Job) (<-chan struct{}, error) {
	timeout := ip.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The run outlives the request that started it.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		if err := ip.Service.Run(rctx, job); err != nil {
			ip.Service.Log.Error("proposal run lost", "proposal", job.ProposalID, "err", err)
		}
	}()
	return done, nil
}

// LambdaAPI is the part of the Lambda client that starts the match function.
type LambdaAPI interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

var _ LambdaAPI = (*lambda.Client)(nil)

// LambdaInvoke hands the job to the match function, asynchronously
// (InvocationType Event): the page shows progress while it runs, and
// Lambda retries a run that crashed.
type LambdaInvoke struct {
	Client       LambdaAPI
	FunctionName string
}

// Start invokes the match function; there is nothing to wait for here, so
// done is nil.
func (li LambdaInvoke) Start(ctx context.Context, job Job) (<-chan struct{}, error) {
	payload, err := json.Marshal(job)
	if err != nil {
		return nil, fmt.Errorf("encode match job: %w", err)
	}
	out, err := li.Client.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(li.FunctionName),
		InvocationType: types.InvocationTypeEvent,
		Payload:        payload,
	})
	if err != nil {
		return nil, fmt.Errorf("invoke %s: %w", li.FunctionName, err)
	}
	if out.StatusCode != 202 {
		return nil, fmt.Errorf("invoke %s: status %d, want 202", li.FunctionName, out.StatusCode)
	}
	return nil, nil
}

// starter is either of the above.
type starter interface {
	Start(ctx context.Context, job Job) (<-chan struct{}, error)
}

// DefaultMaxInProcessCells is where the web function in AWS stops matching
// in-process: 1,000,000 cells (1,000 × 1,000) is a score matrix of 8 MB
// that the 256 MB web function solves in about a second, well inside its
// 30-second timeout and without starving the page it serves. Beyond that
// the match function, sized for 5,000 × 5,000, takes over.
const DefaultMaxInProcessCells = 1_000_000

// BySize runs small programmes on Small and large ones on Large.
type BySize struct {
	Small, Large starter
	// MaxSmallCells: seniors × juniors up to this run on Small.
	MaxSmallCells int
	Log           *slog.Logger
}

// Start picks where the job runs by its size.
func (b BySize) Start(ctx context.Context, job Job) (<-chan struct{}, error) {
	if job.Cells <= b.MaxSmallCells {
		return b.Small.Start(ctx, job)
	}
	if b.Log != nil {
		b.Log.Info("proposal handed to the match function", "proposal", job.ProposalID, "cells", job.Cells)
	}
	return b.Large.Start(ctx, job)
}
