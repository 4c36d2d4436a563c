// Command send renders and sends the emails the send queue asks for.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/config"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	env := config.New(os.Getenv)
	table := env.Require("TABLE_NAME")
	secretARN := env.Require("HMAC_SECRET_ARN")
	settings := mail.Settings{
		FromAddress: env.Require("SENDER_ADDRESS"),
		MailDomain:  env.Require("MAIL_DOMAIN"),
		BaseURL:     env.Require("BASE_URL"),
	}
	confSet := env.Optional("SES_CONFIGURATION_SET", "")
	queueURL := env.Require("SEND_QUEUE_URL")
	// The account's SES sending quota, shared by the send functions that
	// may run at once (the queue's MaximumConcurrency).
	maxRate := env.Int("SES_MAX_SEND_RATE", 0)
	concurrency := env.Int("SEND_CONCURRENCY", 1)
	if err := env.Err(); err != nil {
		config.Exit(log, "send", err)
	}

	ctx := context.Background()
	aws, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		config.Exit(log, "send", err)
	}
	signer, err := config.Signer(ctx, secretsmanager.NewFromConfig(aws), secretARN)
	if err != nil {
		config.Exit(log, "send", err)
	}
	ses := sesv2.NewFromConfig(aws)
	pace := mail.NewPace(float64(maxRate), concurrency)
	// SES's own rate, when lower than the configured one, wins.
	if q, err := mail.SendQuota(ctx, ses); err != nil {
		log.Warn("could not read the SES sending quota; using SES_MAX_SEND_RATE", "err", err)
	} else if q.MaxSendRate > 0 && (maxRate <= 0 || q.MaxSendRate < float64(maxRate)) {
		pace.SetRate(q.MaxSendRate, concurrency)
	}
	d, err := mail.NewDeliverer(
		store.New(dynamodb.NewFromConfig(aws), table),
		&mail.SES{Client: ses, ConfigurationSet: confSet, Pace: pace},
		signer, clock.System{}, log, settings)
	if err != nil {
		config.Exit(log, "send", err)
	}
	// Throttling and a spent quota put jobs back as new, delayed messages:
	// waiting never spends the receive count that dead-letters a message.
	requeue := &sendqueue.SQS{Client: sqs.NewFromConfig(aws), URL: queueURL}
	// Emails that follow a sent one (the goal question after an
	// introduction) go on the same queue.
	d.FollowUpsOn(requeue)
	lambda.Start(sendqueue.SQSHandler(d, log, sendqueue.WithRequeue(requeue)))
}
