package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/infra/localstack"
)

func init() {
	register(command{
		name:    "dev",
		summary: "run the whole system locally: web forms, sending, emulators",
		usage:   "[flags]",
		setup: func(fs *flag.FlagSet) func(context.Context, *Env) error {
			o := devstack.Options{}
			web := fs.String("web", "localhost:8080", "address of the coordinator site")
			fs.StringVar(&o.DataDir, "data", ".upward", "folder for local data kept between runs (make reset wipes it)")
			fs.IntVar(&o.DynamoDBPort, "dynamodb-port", 4567, "port for dynalite")
			fs.IntVar(&o.SESPort, "ses-port", 8005, "port for aws-ses-v2-local and its email viewer")
			fs.IntVar(&o.SQSPort, "sqs-port", 9324, "port for fauxqs, the SQS API emulator holding the send queue")
			fs.IntVar(&o.S3Port, "s3-port", 4569, "port for gofakes3, the S3 API emulator holding inbound mail")
			fs.IntVar(&o.SecretsPort, "secrets-port", 4584, "port for the Secrets Manager stand-in serving the HMAC key")
			fs.StringVar(&o.DynamoDBURL, "dynamodb-url", "", "use a DynamoDB endpoint that is already running instead of starting dynalite")
			fs.StringVar(&o.SESURL, "ses-url", "", "use an SES endpoint that is already running instead of starting aws-ses-v2-local")
			fs.StringVar(&o.SQSURL, "sqs-url", "", "use an SQS endpoint that is already running instead of starting fauxqs")
			fs.StringVar(&o.S3URL, "s3-url", "", "use an S3 endpoint that is already running instead of starting gofakes3")
			coords := fs.String("coordinators", "coordinator@example.org", "comma-separated addresses allowed to sign in")
			fs.StringVar(&o.MailDomain, "mail-domain", "upward.localhost", "domain of reply addresses")
			fs.StringVar(&o.SMTPAddr, "smtp", "localhost:2525", "where replies are accepted over SMTP")
			verbose := fs.Bool("v", false, "log the emulators' output too")
			fs.BoolVar(&o.OIDC, "oidc", true, "start a local OpenID provider and offer single sign-on through it (any address and password sign in there)")
			fs.DurationVar(&o.TickEvery, "tick-every", 10*time.Second, "how often the schedule's tick runs (hourly in AWS)")
			advance := fs.Duration("advance", 0, "move the dev clock forward by this much at start, sending everything that falls due (e.g. 336h); the pages have buttons for this too")
			return func(ctx context.Context, env *Env) error {
				o.WebAddr = *web
				for _, c := range strings.Split(*coords, ",") {
					if c = strings.TrimSpace(strings.ToLower(c)); c != "" {
						o.Coordinators = append(o.Coordinators, c)
					}
				}
				o.Log = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
				if *verbose {
					o.EmulatorLog = env.Stderr
				}
				// The Go emulators are built for this run into a folder of
				// its own, removed when it ends.
				defer localstack.RemoveTools()
				st, err := devstack.Start(ctx, o)
				if err != nil {
					return err
				}
				defer st.Close()
				if *advance > 0 {
					if err := st.Advance(ctx, *advance); err != nil {
						return err
					}
				}
				fmt.Fprintf(env.Stdout, `
Upward is running locally.

  Coordinator site   %s   (sign in as %s)
  Email viewer       %s   (every email sent, including sign-in links%s)
  DynamoDB           %s   (dynalite, data in %s)
  SQS                %s   (fauxqs: send queue %s, in memory)
  S3                 %s   (gofakes3: replies in bucket %s, data in %s)
  Org chart uploads  %s   (the browser posts org charts here; parsed as S3's event would have them)
  Secrets Manager    %s   (stand-in serving the HMAC key from %s)
  Replies (SMTP)     %s   (send replies here, or upload them at /dev/inbox)
  Dev clock          %s   (move it forward from the bar on every page)%s

Press Ctrl-C to stop.
`, st.WebURL, strings.Join(o.Coordinators, ", "), localhost(st.SESURL), mailKept(o), localhost(st.DynamoDBURL), o.DataDir,
					localhost(st.SQSURL), st.Queue.URL, localhost(st.S3URL), st.Bucket, filepath.Join(o.DataDir, "s3"), st.S3FrontURL,
					localhost(st.SecretsURL), filepath.Join(o.DataDir, "hmac.key"),
					localhost(st.SMTPAddr), st.Now().Format(time.RFC1123), oidcLine(st.OIDCURL))
				<-ctx.Done()
				fmt.Fprintln(env.Stdout, "\nStopping…")
				return nil
			}
		},
	})
}

// mailKept says where the viewer's mail outlives a restart: in the data
// folder, unless the SES endpoint is someone else's.
func mailKept(o devstack.Options) string {
	if o.SESURL != "" || o.DataDir == "" {
		return ""
	}
	return ", kept in " + filepath.Join(o.DataDir, "mail")
}

func oidcLine(issuer string) string {
	if issuer == "" {
		return ""
	}
	return "\n  Single sign-on     " + localhost(issuer) + "   (a real OpenID provider: sign in there as a coordinator's address, any password)"
}

func localhost(u string) string { return strings.Replace(u, "127.0.0.1", "localhost", 1) }
