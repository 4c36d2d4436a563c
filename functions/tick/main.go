// Command tick runs hourly from EventBridge Scheduler and queues the
// check-ins, nudges and surveys that are due.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/config"
	"github.com/upward-mentoring/upward/shared/digest"
	"github.com/upward-mentoring/upward/shared/guard"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/recognition"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/rounds"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	env := config.New(os.Getenv)
	table := env.Require("TABLE_NAME")
	queueURL := env.Require("SEND_QUEUE_URL")
	workers := env.Int("TICK_WORKERS", store.DueShards)
	coordinators := env.Addresses("COORDINATORS")
	if err := env.Err(); err != nil {
		config.Exit(log, "tick", err)
	}
	aws, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		config.Exit(log, "tick", err)
	}
	// Throttling is waited out rather than failed: more attempts than the
	// SDK's default, and no client-side retry quota, which a burst of
	// throttles would empty and turn into failures.
	db := store.New(dynamodb.NewFromConfig(aws, func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 6
			so.MaxBackoff = 5 * time.Second
			so.RateLimiter = ratelimit.None
		})
	}), table)
	queue := &sendqueue.SQS{Client: sqs.NewFromConfig(aws), URL: queueURL}
	// The day's scheduled email is planned against the account's SES
	// quota: what does not fit moves to each person's next morning.
	quota := mail.AccountQuota{Client: sesv2.NewFromConfig(aws)}
	t := &schedule.Ticker{Store: db, Queue: queue, Clock: clock.System{}, Log: log, Workers: workers, Quota: quota}
	r := &rounds.Runner{
		Store:        db,
		Review:       &review.Service{Store: db, Queue: queue, Clock: clock.System{}, Log: log},
		Queue:        queue,
		Clock:        clock.System{},
		Log:          log,
		Coordinators: coordinators,
	}
	d := &digest.Runner{Store: db, Queue: queue, Clock: clock.System{}, Log: log}
	rec := &recognition.Runner{Store: db, Queue: queue, Clock: clock.System{}, Log: log}
	g := &guard.Guard{Store: db, Clock: clock.System{}, Log: log}
	lambda.Start(func(ctx context.Context) error {
		// Scheduled rounds first, so a rotation's new pairs are in place
		// before the hour's check-ins are decided; then the reorganisation
		// guard finishes any check an upload or an enrolment left
		// unfinished, and checks the new pairs.
		rerr := r.Tick(ctx)
		_, gerr := g.CheckDue(ctx)
		// The ticker stops taking new items 30 s before the function's
		// deadline; what it did not reach stays due for the next run.
		_, err := t.Tick(ctx)
		// Monday mornings: the coordinators' weekly digests.
		_, derr := d.Tick(ctx)
		// Notes to juniors' managers whose two days of second thoughts
		// are over.
		_, recErr := rec.Tick(ctx)
		return errors.Join(rerr, gerr, err, derr, recErr)
	})
}
