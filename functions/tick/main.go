// Command tick runs hourly from EventBridge Scheduler and queues the
// check-ins, nudges and surveys that are due.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/config"
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
	if err := env.Err(); err != nil {
		log.Error("tick function cannot start", "err", err)
		os.Exit(1)
	}
	aws, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Error("tick function cannot start", "err", err)
		os.Exit(1)
	}
	t := &schedule.Ticker{
		Store:   store.New(dynamodb.NewFromConfig(aws), table),
		Queue:   &sendqueue.SQS{Client: sqs.NewFromConfig(aws), URL: queueURL},
		Clock:   clock.System{},
		Log:     log,
		Workers: workers,
	}
	lambda.Start(func(ctx context.Context) error {
		_, err := t.Tick(ctx)
		return err
	})
}
