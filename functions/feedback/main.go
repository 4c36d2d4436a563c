// Command feedback acts on SES's bounce and complaint events, delivered by
// an EventBridge rule from the configuration set's event destination.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/config"
	"github.com/upward-mentoring/upward/shared/feedback"
	"github.com/upward-mentoring/upward/shared/store"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	env := config.New(os.Getenv)
	table := env.Require("TABLE_NAME")
	if err := env.Err(); err != nil {
		config.Exit(log, "feedback", err)
	}
	aws, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		config.Exit(log, "feedback", err)
	}
	h := &feedback.Handler{
		Store:   store.New(dynamodb.NewFromConfig(aws), table),
		Account: sesv2.NewFromConfig(aws),
		Clock:   clock.System{},
		Log:     log,
	}
	lambda.Start(h.HandleEventBridge)
}
