// Command inbound records participants' replies: SES stores each message in
// S3 and invokes this function with the receipt (headers and verdicts).
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/config"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	env := config.New(os.Getenv)
	table := env.Require("TABLE_NAME")
	secretARN := env.Require("HMAC_SECRET_ARN")
	queueURL := env.Require("SEND_QUEUE_URL")
	bucket := env.Require("INBOUND_BUCKET")
	prefix := env.Optional("INBOUND_PREFIX", "incoming/")
	settings := inbound.Settings{
		MailDomain: env.Require("MAIL_DOMAIN"),
		Retention:  time.Duration(env.Int("REPLY_RETENTION_DAYS", 365)) * 24 * time.Hour,
	}
	if err := env.Err(); err != nil {
		config.Exit(log, "inbound", err)
	}
	ctx := context.Background()
	aws, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		config.Exit(log, "inbound", err)
	}
	signer, err := config.Signer(ctx, secretsmanager.NewFromConfig(aws), secretARN)
	if err != nil {
		config.Exit(log, "inbound", err)
	}
	h, err := inbound.New(store.New(dynamodb.NewFromConfig(aws), table), &sendqueue.SQS{Client: sqs.NewFromConfig(aws), URL: queueURL},
		signer, clock.System{}, log, settings)
	if err != nil {
		config.Exit(log, "inbound", err)
	}
	lambda.Start(inbound.SESHandler(h, inbound.Bucket{Client: s3.NewFromConfig(aws), Name: bucket, Prefix: prefix}))
}
