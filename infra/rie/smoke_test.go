package rie_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/upward-mentoring/upward/infra/localqueue"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/rie"
	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

const mailDomain = "upward.test"

var fixtures atomic.Int64

// fixture is one test's own table and send queue, and the programme's
// coordinator.
type fixture struct {
	store *store.Store
	table string
	queue *localqueue.Queue
	tag   string
	coord string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	n := fixtures.Add(1)
	f := &fixture{table: fmt.Sprintf("rie%d-%s", n, strings.ReplaceAll(t.Name(), "/", "-")), tag: ids.New()[:8]}
	f.coord = "coord-" + f.tag + "@example.org"
	if err := store.CreateTable(ctx, w.db, f.table); err != nil {
		t.Fatal(err)
	}
	f.store = store.New(w.db, f.table)
	// A failed message comes back after a few seconds and is dead-lettered
	// on its second receive, so a test sees both soon. The visibility
	// timeout still outlasts an invocation on a loaded machine: at one
	// second, a welcome sent in a two-second invocation came back, was
	// received twice more and was dead-lettered although it had been sent.
	q, err := localqueue.Create(ctx, w.sqsClient, fmt.Sprintf("send%d", n), localqueue.Options{VisibilityTimeout: 6 * time.Second, MaxReceiveCount: 2})
	if err != nil {
		t.Fatal(err)
	}
	f.queue = q
	return f
}

// start runs a function binary under the emulator with the environment
// template.yaml gives it, every reference bound to this fixture's parts.
func (f *fixture) start(t testing.TB, folder, logicalID string) *rie.Function {
	t.Helper()
	env, err := rie.Environment(w.tpl, logicalID, f.local())
	if err != nil {
		t.Fatal(err)
	}
	fn, err := rie.Start(context.Background(), w.emulator, w.bins[folder], env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		fn.Stop()
		if t.Failed() {
			t.Logf("%s's output:\n%s", folder, fn.Output())
		}
	})
	return fn
}

func (f *fixture) local() rie.Local {
	return rie.Local{
		Parameters: map[string]string{
			"MailDomain":    mailDomain,
			"SenderAddress": "programmes@" + mailDomain,
			"Coordinators":  f.coord,
		},
		Resources: map[string]string{
			"Table":                       f.table,
			"HmacSecret":                  w.secretARN,
			"SendQueue":                   f.queue.URL,
			"InboundBucket":               w.bucket,
			"ConfigurationSet":            "upward-local",
			"MatchFunction":               "upward-local-MatchFunction",
			"WebFunctionUrl.FunctionUrl":  "https://fn.lambda-url.us-east-1.on.aws/",
			"SendQueue.Arn":               f.queue.ARN,
			"SendQueue.QueueName":         "send",
			"TickDeadLetterQueue.Arn":     "arn:aws:sqs:us-east-1:000000000000:tick-dead",
			"InboundDeadLetterQueue.Arn":  "arn:aws:sqs:us-east-1:000000000000:inbound-dead",
			"FeedbackDeadLetterQueue.Arn": "arn:aws:sqs:us-east-1:000000000000:feedback-dead",
			"MatchDeadLetterQueue.Arn":    "arn:aws:sqs:us-east-1:000000000000:match-dead",
			// The site signs org chart upload forms for this bucket.
			"OrgChartBucket": w.bucket,
		},
		Endpoints: map[string]string{
			"DYNAMODB": w.dyn.URL,
			// SES v2's service id is SESv2: AWS_ENDPOINT_URL_SES would
			// not reach the sesv2 client. The account stand-in passes
			// everything but the suppression list to aws-ses-v2-local.
			"SESV2":           w.account.URL,
			"SQS":             w.sqs.URL,
			"S3":              w.s3.URL,
			"SECRETS_MANAGER": w.secrets.URL,
			// No Lambda API here: a call would fail, never reach AWS.
			"LAMBDA": "http://127.0.0.1:9",
		},
	}
}

// programme creates a running programme and enrols people in it.
func (f *fixture) programme(t *testing.T, start time.Time, people ...programme.Participant) (programme.Programme, []programme.Participant) {
	t.Helper()
	ctx := context.Background()
	p := programme.New(start)
	p.ID, p.Name = ids.New(), "Bridges "+f.tag
	p.StartDate, p.EndDate = start.Format(time.DateOnly), start.AddDate(0, 6, 0).Format(time.DateOnly)
	p.Weights = programme.Weights{Department: 1}
	// Weekly check-ins: a pair approved three weeks ago has some due
	// whatever the weekday the test runs on.
	p.CheckInCadence, p.MeetingCadence = programme.Weekly, programme.Weekly
	if err := f.store.CreateProgramme(ctx, p); err != nil {
		t.Fatal(err)
	}
	for i := range people {
		people[i].Email = strings.Replace(people[i].Email, "@", "-"+f.tag+"@", 1)
	}
	res, err := f.store.Enrol(ctx, p.ID, people, start)
	if err != nil {
		t.Fatal(err)
	}
	return p, res.Created
}

// jobs takes every job off the fixture's queue (which nothing works).
func (f *fixture) jobs(t *testing.T) []sendqueue.Job {
	t.Helper()
	var out []sendqueue.Job
	for {
		r, err := w.sqsClient.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(f.queue.URL), MaxNumberOfMessages: 10, VisibilityTimeout: 600})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Messages) == 0 {
			return out
		}
		for _, m := range r.Messages {
			j, err := sendqueue.Decode(aws.ToString(m.Body))
			if err != nil {
				t.Fatalf("a function queued an unreadable job: %v", err)
			}
			out = append(out, j)
		}
	}
}

func invoke(t *testing.T, fn *rie.Function, event any) []byte {
	t.Helper()
	b, ok := event.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(event); err != nil {
			t.Fatal(err)
		}
	}
	out, err := fn.Invoke(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func testdata(t *testing.T, path string) []byte {
	t.Helper()
	root, err := localstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(root + "/" + path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type discard struct{}

func (discard) Enqueue(context.Context, ...sendqueue.Job) error { return nil }

// The tick, invoked as EventBridge Scheduler invokes it, queues the
// check-ins that are due on the send queue through SQS, once.
func TestTickQueuesDueCheckIns(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	// A pair approved three weeks ago: its first check-ins are due.
	then := time.Now().UTC().AddDate(0, 0, -21)
	prog, people := f.programme(t, then,
		programme.Participant{Email: "sen@example.org", Name: "Sen", Role: programme.Senior},
		programme.Participant{Email: "jun@example.org", Name: "Jun", Role: programme.Junior})
	pairs, err := schedule.Approve(ctx, f.store, discard{}, prog, []programme.Pair{{SeniorID: people[0].ID, JuniorID: people[1].ID}}, then)
	if err != nil {
		t.Fatal(err)
	}
	if people[0].Role != programme.Senior {
		pairs[0].SeniorID, pairs[0].JuniorID = people[1].ID, people[0].ID
	}
	fn := f.start(t, "tick", "TickFunction")
	// EventBridge Scheduler delivers a schedule's Input as the payload, not
	// an EventBridge envelope; the template sets none, and the tick's
	// handler takes no payload, so any JSON document reaches it as {} does.
	invoke(t, fn, testdata(t, "infra/rie/testdata/scheduler-tick.json"))
	jobs := f.jobs(t)
	checkIns := map[string]bool{}
	for _, j := range jobs {
		if s, ok := j.(sendqueue.Scheduled); ok && s.Email == sendqueue.KindCheckIn && s.PairID == pairs[0].ID {
			checkIns[s.ParticipantID] = true
		}
	}
	if !checkIns[pairs[0].SeniorID] || !checkIns[pairs[0].JuniorID] {
		t.Fatalf("queued jobs %+v; want a check-in for each person of pair %s", jobs, pairs[0].ID)
	}
	// The next hour's tick finds nothing new to do.
	invoke(t, fn, testdata(t, "infra/rie/testdata/scheduler-tick.json"))
	if again := f.jobs(t); len(again) != 0 {
		t.Errorf("a second tick queued %d more jobs: %+v", len(again), again)
	}
}

// The send function, handed an SQS batch by the event source mapping,
// sends the welcome through SES with a reply address signed with the key
// it read from Secrets Manager, and the message leaves the queue; a message
// it cannot read beside it in the batch is reported as a batch item
// failure, redelivered, and dead-lettered by the redrive policy.
func TestSendSendsTheQueuedEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	prog, people := f.programme(t, time.Now().UTC(),
		programme.Participant{Email: "jun@example.org", Name: "Jun", Role: programme.Junior})
	fn := f.sender(t)
	const unreadable = `{"kind":"postcard","job":{}}`
	if err := f.queue.EnqueueBody(ctx, unreadable); err != nil {
		t.Fatal(err)
	}
	if err := f.queue.Enqueue(ctx, sendqueue.Welcome{ProgrammeID: prog.ID, ParticipantID: people[0].ID}); err != nil {
		t.Fatal(err)
	}
	f.queue.Drain()
	mails := emailsTo(t, people[0].Email)
	if len(mails) != 1 {
		t.Fatalf("emails to %s: %d, want 1\n%s", people[0].Email, len(mails), fn.Output())
	}
	m := mails[0]
	if !strings.Contains(m.From, "programmes@"+mailDomain) || len(m.ReplyTo) != 1 {
		t.Fatalf("welcome from %q, reply to %q", m.From, m.ReplyTo)
	}
	ref, err := w.signer.ParseReplyAddress(m.ReplyTo[0], mailDomain)
	if err != nil || ref.ParticipantID != people[0].ID || ref.Kind != token.KindWelcome {
		t.Errorf("reply address %s: %+v, %v; want a welcome reply token for %s signed with the secret's key", m.ReplyTo[0], ref, err, people[0].ID)
	}
	if dead, err := f.queue.DeadLetters(ctx); err != nil || len(dead) != 1 || dead[0] != unreadable {
		t.Errorf("dead letters %q, %v; want only the unreadable message", dead, err)
	}
}

// sender runs the send function on the fixture's queue, as Lambda's SQS
// trigger does, until the test ends.
func (f *fixture) sender(t *testing.T) *rie.Function {
	t.Helper()
	fn := f.start(t, "send", "SendFunction")
	runCtx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.queue.Wait() })
	f.queue.Start(runCtx, func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		b, _ := json.Marshal(ev)
		out, err := fn.Invoke(ctx, b)
		if err != nil {
			return events.SQSEventResponse{}, err
		}
		var resp events.SQSEventResponse
		return resp, json.Unmarshal(out, &resp)
	})
	return fn
}

func emailsTo(t *testing.T, addr string) []localstack.Email {
	t.Helper()
	all, err := localstack.Emails(context.Background(), w.ses.URL)
	if err != nil {
		t.Fatal(err)
	}
	var out []localstack.Email
	for _, e := range all {
		if e.SentTo(addr) {
			out = append(out, e)
		}
	}
	return out
}

// The inbound function, invoked with SES's receipt event, reads the raw
// reply SES stored in S3, checks its signed reply address and records the
// opt-in; the acknowledgement goes on the send queue.
func TestInboundRecordsAReplyFromTheBucket(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	prog, people := f.programme(t, time.Now().UTC(),
		programme.Participant{Email: "jun@example.org", Name: "Jun", Role: programme.Junior})
	jun := people[0]
	addr, err := w.signer.ReplyAddress(token.Ref{ProgrammeID: prog.ID, ParticipantID: jun.ID, Kind: token.KindWelcome}, mailDomain)
	if err != nil {
		t.Fatal(err)
	}
	sesID := "rie" + strings.ReplaceAll(ids.New(), "-", "")
	raw := fmt.Sprintf("From: Jun <%s>\r\nTo: %s\r\nSubject: Re: Welcome\r\nMessage-ID: <%s@mail.example.org>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYes, I'd like to take part.\r\n",
		jun.Email, addr, sesID, time.Now().UTC().Format(time.RFC1123Z))
	if _, err := w.s3Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(w.bucket), Key: aws.String("incoming/" + sesID),
		Body: strings.NewReader(raw)}); err != nil {
		t.Fatal(err)
	}
	// SES's own sample event, with this message's id, recipient and verdicts.
	var ev events.SimpleEmailEvent
	if err := json.Unmarshal(testdata(t, "shared/inbound/testdata/ses-lambda-event.json"), &ev); err != nil {
		t.Fatal(err)
	}
	rec := &ev.Records[0].SES
	rec.Mail.MessageID, rec.Mail.Destination, rec.Receipt.Recipients = sesID, []string{addr}, []string{addr}
	rec.Mail.Source, rec.Mail.Timestamp, rec.Receipt.Timestamp = jun.Email, time.Now().UTC(), time.Now().UTC()
	for _, v := range []*events.SimpleEmailVerdict{&rec.Receipt.SpamVerdict, &rec.Receipt.VirusVerdict, &rec.Receipt.SPFVerdict, &rec.Receipt.DKIMVerdict, &rec.Receipt.DMARCVerdict} {
		v.Status = "PASS"
	}
	fn := f.start(t, "inbound", "InboundFunction")
	invoke(t, fn, ev)
	got, err := f.store.GetParticipant(ctx, prog.ID, jun.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != programme.OptedIn {
		t.Errorf("status after replying yes: %s, want %s\n%s", got.Status, programme.OptedIn, fn.Output())
	}
	acks := 0
	for _, j := range f.jobs(t) {
		if a, ok := j.(sendqueue.Ack); ok && a.ParticipantID == jun.ID && a.Topic == sendqueue.AckJoined {
			acks++
		}
	}
	if acks != 1 {
		t.Errorf("queued %d acknowledgements of joining, want 1", acks)
	}
	// SES retries an event it thinks failed: the same event again is
	// recorded once.
	invoke(t, fn, ev)
	if again := f.jobs(t); len(again) != 0 {
		t.Errorf("the same receipt again queued %+v", again)
	}
}

// The feedback function, invoked by the EventBridge rule with SES's
// bounce event, suppresses the address in the table and in SES's account
// list, and marks the participant bounced.
func TestFeedbackActsOnABounce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	prog, people := f.programme(t, time.Now().UTC(),
		programme.Participant{Email: "sen@example.org", Name: "Sen", Role: programme.Senior})
	sen := people[0]
	ev := strings.NewReplacer("RECIPIENT", sen.Email, "PROGRAMME", prog.ID).Replace(string(testdata(t, "shared/feedback/testdata/bounce.json")))
	fn := f.start(t, "feedback", "FeedbackFunction")
	invoke(t, fn, []byte(ev))
	if sup, err := f.store.IsSuppressed(ctx, sen.Email); err != nil || !sup {
		t.Errorf("suppressed in the table: %v, %v; want true", sup, err)
	}
	if reason := w.account.Suppressed()[strings.ToLower(sen.Email)]; reason != "BOUNCE" {
		t.Errorf("SES account suppression of %s: %q, want BOUNCE", sen.Email, reason)
	}
	got, err := f.store.GetParticipant(ctx, prog.ID, sen.ID)
	if err != nil || got.Status != programme.Bounced {
		t.Errorf("participant after a hard bounce: %s, %v; want %s", got.Status, err, programme.Bounced)
	}
}

// The match function, invoked asynchronously by the web function with
// {programme_id, proposal_id}, runs the proposal and stores its pairs.
func TestMatchRunsTheProposal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	prog, people := f.programme(t, time.Now().UTC(),
		programme.Participant{Email: "s1@example.org", Name: "S1", Role: programme.Senior, Department: "Finance"},
		programme.Participant{Email: "s2@example.org", Name: "S2", Role: programme.Senior, Department: "Sales"},
		programme.Participant{Email: "j1@example.org", Name: "J1", Role: programme.Junior, Department: "Finance"},
		programme.Participant{Email: "j2@example.org", Name: "J2", Role: programme.Junior, Department: "Sales"})
	for _, p := range people {
		if _, err := f.store.SetStatus(ctx, prog.ID, p.ID, programme.OptedIn, "test", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	svc := &review.Service{Store: f.store, Queue: discard{}, Clock: clock.System{}, Log: slog.New(slog.DiscardHandler)}
	p, created, err := svc.Propose(ctx, prog.ID, ids.New(), f.coord)
	if err != nil || !created {
		t.Fatalf("propose: %v (created %v)", err, created)
	}
	fn := f.start(t, "match", "MatchFunction")
	invoke(t, fn, review.Job{ProgrammeID: prog.ID, ProposalID: p.ID, Cells: 4})
	got, res, err := svc.Load(ctx, prog.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.ProposalReady || res == nil || len(res.Pairs) != 2 {
		t.Fatalf("proposal after the run: %s (%s), result %+v; want ready with 2 pairs", got.Status, got.Error, res)
	}
	dept := map[string]string{}
	for _, p := range people {
		dept[strings.ToLower(p.Email)] = p.Department
	}
	for _, pair := range res.Pairs {
		if dept[strings.ToLower(pair.Senior)] == dept[strings.ToLower(pair.Junior)] {
			t.Errorf("pair %+v shares a department; the weights ask for different ones", pair)
		}
	}
}

var tokenRE = regexp.MustCompile(`/signin/verify\?token=([A-Za-z0-9_-]+)`)

// The web function behind its Function URL serves the sign-in page, queues
// a sign-in link (the send function emails it through SES, on the
// function's own domain), starts a session on the link and shows the
// signed-in coordinator their programmes.
func TestWebSignsInAndShowsProgrammes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	prog, _ := f.programme(t, time.Now().UTC())
	fn := f.start(t, "web", "WebFunction")
	f.sender(t)

	page := get(t, fn, "/signin", nil)
	if page.status != 200 || !strings.Contains(page.body, `name="email"`) {
		t.Fatalf("GET /signin: %d\n%s", page.status, page.body)
	}
	if r := post(t, fn, "/signin", url.Values{"email": {f.coord}}, nil); r.status != 200 {
		t.Fatalf("POST /signin: %d\n%s", r.status, r.body)
	}
	f.queue.Drain()
	mails := emailsTo(t, f.coord)
	if len(mails) != 1 {
		t.Fatalf("sign-in emails to %s: %d, want 1", f.coord, len(mails))
	}
	link := tokenRE.FindStringSubmatch(mails[0].Body.Text)
	if link == nil || !strings.Contains(mails[0].Body.Text, "https://fn.lambda-url.us-east-1.on.aws/signin/verify") {
		t.Fatalf("no sign-in link on the function's own domain in %q", mails[0].Body.Text)
	}
	v := post(t, fn, "/signin/verify", url.Values{"token": {link[1]}}, nil)
	if v.status != 303 || v.headers["Location"] != "/programmes" || len(v.cookies) == 0 {
		t.Fatalf("POST /signin/verify: %d to %q with cookies %q", v.status, v.headers["Location"], v.cookies)
	}
	var session []string
	for _, c := range v.cookies {
		session = append(session, strings.SplitN(c, ";", 2)[0])
	}
	list := get(t, fn, "/programmes", session)
	if list.status != 200 || !strings.Contains(list.body, prog.Name) {
		t.Fatalf("GET /programmes signed in: %d, want 200 listing %q\n%s", list.status, prog.Name, list.body)
	}
	if out := get(t, fn, "/programmes", nil); out.status != 303 && out.status != 302 {
		t.Errorf("GET /programmes without the session: %d, want a redirect to sign in", out.status)
	}
}

type response struct {
	status  int
	headers map[string]string
	cookies []string
	body    string
}

func get(t *testing.T, fn *rie.Function, path string, cookies []string) response {
	return request(t, fn, "GET", path, "", cookies)
}

func post(t *testing.T, fn *rie.Function, path string, form url.Values, cookies []string) response {
	return request(t, fn, "POST", path, form.Encode(), cookies)
}

// request sends what a Function URL sends for a browser's request
// (payload format 2.0: cookies both in their own field and in the header)
// and reads the streamed response (InvokeMode RESPONSE_STREAM).
func request(t *testing.T, fn *rie.Function, method, path, body string, cookies []string) response {
	t.Helper()
	return parseStream(t, invoke(t, fn, urlRequest(method, path, body, cookies)))
}

// functionURLEvent is the event of a browser's request without a body.
func functionURLEvent(method, path string) []byte {
	b, _ := json.Marshal(urlRequest(method, path, "", nil))
	return b
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func urlRequest(method, path, body string, cookies []string) events.LambdaFunctionURLRequest {
	domain := "fn.lambda-url.us-east-1.on.aws"
	ev := events.LambdaFunctionURLRequest{
		Version: "2.0", RawPath: path, Cookies: cookies,
		Headers: map[string]string{"host": domain, "user-agent": "rie-test", "x-forwarded-proto": "https", "accept": "text/html"},
		Body:    body,
		RequestContext: events.LambdaFunctionURLRequestContext{
			AccountID: "000000000000", RequestID: ids.New(), DomainName: domain, DomainPrefix: "fn", APIID: "fn",
			TimeEpoch: time.Now().UnixMilli(),
			HTTP:      events.LambdaFunctionURLRequestContextHTTPDescription{Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.9", UserAgent: "rie-test"},
		},
	}
	if body != "" {
		ev.Headers["content-type"] = "application/x-www-form-urlencoded"
	}
	if len(cookies) > 0 {
		ev.Headers["cookie"] = strings.Join(cookies, "; ")
	}
	return ev
}

// parseStream reads a streamed Function URL response: a JSON prelude with
// the status, headers and cookies, eight zero bytes, then the body.
func parseStream(t *testing.T, b []byte) response {
	t.Helper()
	prelude, body, ok := strings.Cut(string(b), "\x00\x00\x00\x00\x00\x00\x00\x00")
	if !ok {
		t.Fatalf("not a streamed Function URL response: %q", b)
	}
	var p struct {
		StatusCode int               `json:"statusCode"`
		Headers    map[string]string `json:"headers"`
		Cookies    []string          `json:"cookies"`
	}
	if err := json.Unmarshal([]byte(prelude), &p); err != nil {
		t.Fatalf("prelude %q: %v", prelude, err)
	}
	return response{status: p.StatusCode, headers: p.Headers, cookies: p.Cookies, body: body}
}

// The orgchart function, invoked with S3's event for a form post, reads
// the uploaded file from the bucket, replaces the org chart and marks the
// upload done; the same event again changes nothing.
func TestOrgChartParsesTheUploadedFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	id := ids.New()
	now := time.Now().UTC()
	if err := f.store.CreateOrgUpload(ctx, store.OrgUpload{ID: id, By: f.coord, ByRole: store.RoleAdministrator, IssuedAt: now, UpdatedAt: now, Status: store.UploadWaiting}); err != nil {
		t.Fatal(err)
	}
	key := "orgcharts/" + id + ".csv"
	csv := "employee_email,manager_email\nceo@example.org,\nana@example.org,ceo@example.org\n"
	if _, err := w.s3Client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(w.bucket), Key: aws.String(key), Body: strings.NewReader(csv)}); err != nil {
		t.Fatal(err)
	}
	var ev events.S3Event
	if err := json.Unmarshal(testdata(t, "shared/orgchart/testdata/s3-post-event.json"), &ev); err != nil {
		t.Fatal(err)
	}
	ev.Records[0].S3.Bucket.Name, ev.Records[0].S3.Object.Key = w.bucket, key
	fn := f.start(t, "orgchart", "OrgChartFunction")
	invoke(t, fn, ev)
	u, err := f.store.GetOrgUpload(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if u.Status != store.UploadDone || u.Rows != 2 {
		t.Fatalf("upload = %+v, want done with 2 rows\n%s", u, fn.Output())
	}
	_, before, err := f.store.OrgChartLines(ctx)
	if err != nil || before.Upload != id {
		t.Fatalf("chart = %+v, %v", before, err)
	}
	invoke(t, fn, ev)
	if _, after, _ := f.store.OrgChartLines(ctx); after.Version != before.Version {
		t.Errorf("the same event again replaced the chart: %s → %s", before.Version, after.Version)
	}
}
