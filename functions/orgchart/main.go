// Command orgchart parses an org chart uploaded straight to S3 from the
// browser: S3 invokes it for each object created under orgcharts/, and it
// replaces the org chart when every row is right, recording the upload's
// progress and result for its page (shared/orgchart).
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

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/config"
	"github.com/upward-mentoring/upward/shared/guard"
	"github.com/upward-mentoring/upward/shared/orgchart"
	"github.com/upward-mentoring/upward/shared/store"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	env := config.New(os.Getenv)
	table := env.Require("TABLE_NAME")
	// The reorganisation check gets what the parse and store leave of the
	// function's time; what it cannot finish the tick does.
	guardBudget := env.Duration("GUARD_BUDGET", 60*time.Second)
	if err := env.Err(); err != nil {
		config.Exit(log, "orgchart", err)
	}
	aws, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		config.Exit(log, "orgchart", err)
	}
	db := store.New(dynamodb.NewFromConfig(aws), table)
	im := &orgchart.Importer{
		Store:       db,
		Guard:       &guard.Guard{Store: db, Clock: clock.System{}, Log: log},
		Clock:       clock.System{},
		Log:         log,
		GuardBudget: guardBudget,
	}
	// The bucket is the one each event names (see HandleS3).
	lambda.Start(im.HandleS3(s3.NewFromConfig(aws)))
}
