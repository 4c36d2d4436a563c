// Command match runs a large programme's proposed matching, or starts the
// pairs of a large approved proposal, invoked asynchronously by the web
// function with {programme_id, proposal_id[, action]}.
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
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	env := config.New(os.Getenv)
	table := env.Require("TABLE_NAME")
	queueURL := env.Require("SEND_QUEUE_URL")
	if err := env.Err(); err != nil {
		config.Exit(log, "match", err)
	}
	aws, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		config.Exit(log, "match", err)
	}
	svc := &review.Service{
		Store: store.New(dynamodb.NewFromConfig(aws), table),
		Queue: &sendqueue.SQS{Client: sqs.NewFromConfig(aws), URL: queueURL},
		Clock: clock.System{},
		Log:   log,
	}
	lambda.Start(func(ctx context.Context, job review.Job) error {
		return svc.Run(ctx, job)
	})
}
