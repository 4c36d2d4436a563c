// Command tick runs hourly from EventBridge Scheduler and queues the
// check-ins, nudges and surveys that are due.
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/config"
	"github.com/upward-mentoring/upward/shared/guard"
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
	workers := env.Int("TICK_WORKERS", 4)
	coordinators := env.Addresses("COORDINATORS")
	if err := env.Err(); err != nil {
		config.Exit(log, "tick", err)
	}
	aws, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		config.Exit(log, "tick", err)
	}
	db := store.New(dynamodb.NewFromConfig(aws), table)
	queue := &sendqueue.SQS{Client: sqs.NewFromConfig(aws), URL: queueURL}
	t := &schedule.Ticker{Store: db, Queue: queue, Clock: clock.System{}, Log: log, Workers: workers}
	r := &rounds.Runner{
		Store:        db,
		Review:       &review.Service{Store: db, Queue: queue, Clock: clock.System{}, Log: log},
		Queue:        queue,
		Clock:        clock.System{},
		Log:          log,
		Coordinators: coordinators,
	}
	g := &guard.Guard{Store: db, Clock: clock.System{}, Log: log}
	lambda.Start(func(ctx context.Context) error {
		// Scheduled rounds first, so a rotation's new pairs are in place
		// before the hour's check-ins are decided; then the reorganisation
		// guard finishes any check an upload or an enrolment left
		// unfinished, and checks the new pairs.
		rerr := r.Tick(ctx)
		_, gerr := g.CheckDue(ctx)
		_, err := t.Tick(ctx)
		return errors.Join(rerr, gerr, err)
	})
}
