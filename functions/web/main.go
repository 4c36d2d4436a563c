// Command web is the coordinator site behind a Lambda Function URL.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambdaurl"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/config"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/orgchart"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/web"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	env := config.New(os.Getenv)
	table := env.Require("TABLE_NAME")
	secretARN := env.Require("HMAC_SECRET_ARN")
	queueURL := env.Require("SEND_QUEUE_URL")
	matchFunction := env.Require("MATCH_FUNCTION_NAME")
	cfg := web.Config{BaseURL: env.Optional("BASE_URL", "")}
	signinCfg := signin.Config{
		// The first administrators; everyone else is invited from the site.
		Administrators: env.Addresses("COORDINATORS"),
		LoginTTL:       env.Duration("LOGIN_TTL", 0),
		SessionTTL:     env.Duration("SESSION_TTL", 0),
		LinksOff:       env.Optional("SIGNIN_LINKS", "on") == "off",
		OIDC: signin.OIDC{
			Issuer:      env.Optional("OIDC_ISSUER", ""),
			ClientID:    env.Optional("OIDC_CLIENT_ID", ""),
			Name:        env.Optional("OIDC_NAME", ""),
			GroupsClaim: env.Optional("OIDC_GROUPS_CLAIM", ""),
			Group:       env.Optional("OIDC_GROUP", ""),
		},
	}
	// Releasing a quarantined reply reads it where SES kept it.
	bucket := env.Require("INBOUND_BUCKET")
	replySettings := inbound.Settings{MailDomain: env.Require("MAIL_DOMAIN")}
	oidcSecretARN := env.Optional("OIDC_CLIENT_SECRET_ARN", "")
	// Org charts are uploaded straight to this bucket from the browser,
	// with a form the site signs; without it they are posted to the site.
	orgBucket := env.Optional("ORGCHART_BUCKET", "")
	if err := env.Err(); err != nil {
		config.Exit(log, "web", err)
	}

	ctx := context.Background()
	aws, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		config.Exit(log, "web", err)
	}
	sm := secretsmanager.NewFromConfig(aws)
	signer, err := config.Signer(ctx, sm, secretARN)
	if err != nil {
		config.Exit(log, "web", err)
	}
	if signinCfg.OIDC.Issuer != "" {
		if signinCfg.OIDC.ClientSecret, err = config.SecretString(ctx, sm, oidcSecretARN); err != nil {
			config.Exit(log, "web", err)
		}
	}
	db := store.New(dynamodb.NewFromConfig(aws), table)
	// Every email, sign-in links included, goes through the send queue:
	// the web function sends nothing itself.
	queue := &sendqueue.SQS{Client: sqs.NewFromConfig(aws), URL: queueURL}
	matches := &review.Service{Store: db, Queue: queue, Clock: clock.System{}, Log: log}
	replies, err := inbound.New(db, queue, signer, clock.System{}, log, replySettings)
	if err != nil {
		config.Exit(log, "web", err)
	}
	signIn, err := signin.New(db, queue, signer, clock.System{}, log, signinCfg)
	if err != nil {
		config.Exit(log, "web", err)
	}
	s3c := s3.NewFromConfig(aws)
	var orgUploads *orgchart.Bucket
	if orgBucket != "" {
		orgUploads = &orgchart.Bucket{Name: orgBucket, Presign: s3.NewPresignClient(s3c)}
	}
	srv, err := web.New(web.Deps{
		Replies:    inbound.Releaser{Handler: replies, Raw: inbound.Bucket{Client: s3c, Name: bucket}},
		OrgUploads: orgUploads,
		// One-click answers are recorded as replies are, by the same rules.
		Answers: replies,
		Store:   db,
		SignIn:  signIn,
		Queue:   queue,
		Signer:  signer,
		Clock:   clock.System{},
		Log:     log,
		Matches: matches,
		// Small programmes are matched here, before the page answers; large
		// ones by the match function (see review.DefaultMaxInProcessCells).
		Proposals: review.BySize{
			Small:         review.InProcess{Service: matches, Timeout: 25 * time.Second},
			Large:         review.LambdaInvoke{Client: lambda.NewFromConfig(aws), FunctionName: matchFunction},
			MaxSmallCells: review.DefaultMaxInProcessCells,
			Log:           log,
		},
	}, cfg)
	if err != nil {
		config.Exit(log, "web", err)
	}
	lambdaurl.Start(srv)
}
