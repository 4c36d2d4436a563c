package devstack_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upward-mentoring/upward/infra/browsertest"
	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/stacktest"
)

const coordinator = "lead@example.org"

// startStack starts a stack whose proposal pages wait for their run to
// end, however long a loaded machine takes.
func startStack(t *testing.T) *devstack.Stack {
	t.Helper()
	st, err := devstack.Start(context.Background(), devstack.Options{Coordinators: []string{coordinator}, ProposalWait: time.Hour,
		SQSURL: stacktest.SQSURL(t), S3URL: stacktest.S3URL(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

// emailsTo returns the emails addr has received once every email queued so
// far has been sent: it drains the queue, then reads the SES emulator's
// store once, so what it sees never depends on the machine's speed.
func emailsTo(t *testing.T, st *devstack.Stack, addr string) []localstack.Email {
	t.Helper()
	st.Queue.Drain()
	all, err := localstack.Emails(context.Background(), st.SESURL)
	if err != nil {
		t.Fatal(err)
	}
	var got []localstack.Email
	for _, e := range all {
		if e.SentTo(addr) {
			got = append(got, e)
		}
	}
	return got
}

var linkRE = regexp.MustCompile(`https?://\S+/signin/verify\?token=[A-Za-z0-9_%-]+`)

// signIn goes through the magic-link flow in the browser.
func signIn(t *testing.T, ctx context.Context, st *devstack.Stack) {
	t.Helper()
	browsertest.Step(t, ctx, "request a sign-in link",
		chromedp.Navigate(st.WebURL+"/"),
		chromedp.WaitVisible(chromedp.ID("email")),
	)
	browsertest.Screenshot(t, ctx, "sign-in")
	browsertest.Accessible(t, ctx, "the sign-in page")
	browsertest.Step(t, ctx, "ask for the link",
		chromedp.SendKeys(chromedp.ID("email"), coordinator),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("p[role=status]")),
	)
	status := browsertest.Get(t, ctx, "read the confirmation", chromedp.Text(chromedp.CSS("p[role=status]")))
	if !strings.Contains(status, coordinator) {
		t.Fatalf("after asking for a link the page says %q", status)
	}
	browsertest.Accessible(t, ctx, "the sign-in page saying a link is on its way")
	mails := emailsTo(t, st, coordinator)
	if len(mails) != 1 {
		t.Fatalf("sign-in emails = %d, want 1", len(mails))
	}
	link := linkRE.FindString(mails[0].Body.Text)
	if link == "" {
		t.Fatalf("no sign-in link in:\n%s", mails[0].Body.Text)
	}
	browsertest.Step(t, ctx, "follow the link", chromedp.Navigate(link), chromedp.WaitVisible(browsertest.Button("Sign in")))
	browsertest.Accessible(t, ctx, "the page confirming a sign-in link")
	browsertest.Step(t, ctx, "confirm",
		chromedp.Click(browsertest.Button("Sign in")),
		chromedp.WaitVisible(browsertest.Button("New programme")),
	)
	if h1 := browsertest.Get(t, ctx, "read the heading", chromedp.Text(chromedp.CSS("h1"))); h1 != "Programmes" {
		t.Fatalf("after signing in the page is %q, want Programmes", h1)
	}
	browsertest.Accessible(t, ctx, "the list of programmes")
}
func TestCoordinatorEnrolsByCSVInTheBrowser(t *testing.T) {
	st := startStack(t)
	ctx := browsertest.New(t)
	signIn(t, ctx, st)

	browsertest.Step(t, ctx, "create a programme with only a name and dates",
		chromedp.Click(browsertest.Button("New programme")),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Bridges 2027"),
		chromedp.SetValue(chromedp.ID("start_date"), "2027-01-11"),
		chromedp.SetValue(chromedp.ID("end_date"), "2027-07-09"),
	)
	browsertest.Screenshot(t, ctx, "programme-form")
	browsertest.Accessible(t, ctx, "the new programme form")
	browsertest.Step(t, ctx, "save the programme",
		chromedp.Click(browsertest.Button("Create programme")),
		chromedp.WaitVisible(chromedp.ID("participants")),
	)
	if h1 := browsertest.Get(t, ctx, "read the heading", chromedp.Text(chromedp.CSS("h1"))); h1 != "Bridges 2027" {
		t.Fatalf("programme page heading = %q", h1)
	}
	browsertest.Accessible(t, ctx, "the programme page with nobody enrolled")

	dir := t.TempDir()
	bad := filepath.Join(dir, "hris-export.csv")
	good := filepath.Join(dir, "hris-export-fixed.csv")
	header := "email,name,role,title,department,manager_email,time_zone,languages\n"
	rows := []string{
		"ana.silva@example.org,Ana Silva,junior,Data Analyst,Finance,rui@example.org,Europe/Lisbon,Portuguese|English\n",
		"joao.costa@example.org,João Costa,senior,COO,Operations,,Europe/Lisbon,Portuguese\n",
		"kim.lee@example.org,Kim <b>Lee</b>,junior,Designer,Marketing,,America/New_York,English\n",
	}
	badRow := "not-an-email,Broken Row,junior,,,,,\n"
	if err := os.WriteFile(bad, []byte(header+rows[0]+badRow+rows[1]+rows[2]), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte(header+strings.Join(rows, "")), 0o600); err != nil {
		t.Fatal(err)
	}

	browsertest.Step(t, ctx, "upload a CSV with one bad row",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{bad}),
		chromedp.Click(browsertest.Button("Upload and enrol")),
		chromedp.WaitVisible(chromedp.ID("import-errors")),
	)
	problems := browsertest.Get(t, ctx, "read the import errors", chromedp.Text(chromedp.ID("import-errors")))
	browsertest.Screenshot(t, ctx, "import-errors")
	browsertest.Accessible(t, ctx, "the programme page listing a CSV's errors")
	listText := browsertest.Get(t, ctx, "read the page", chromedp.Text(chromedp.ID("main")))
	for _, want := range []string{"Nothing was imported from hris-export.csv", "3", "email", `email "not-an-email" is not an email address`} {
		if !strings.Contains(problems, want) {
			t.Errorf("import errors lack %q:\n%s", want, problems)
		}
	}
	if !strings.Contains(listText, "Nobody is enrolled yet") {
		t.Errorf("after a bad upload somebody is enrolled:\n%s", listText)
	}
	if got := emailsTo(t, st, "ana.silva@example.org"); len(got) != 0 {
		t.Errorf("a bad upload sent %d emails", len(got))
	}

	browsertest.Step(t, ctx, "upload the fixed CSV",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{good}),
		chromedp.Click(browsertest.Button("Upload and enrol")),
		chromedp.WaitVisible(chromedp.ID("participant-list")),
	)
	notice := browsertest.Get(t, ctx, "read the notice", chromedp.Text(chromedp.CSS("div.notice.ok")))
	browsertest.Screenshot(t, ctx, "participants")
	browsertest.Accessible(t, ctx, "the programme page listing participants")
	table := browsertest.Get(t, ctx, "read the list", chromedp.Text(chromedp.ID("participant-list")))
	kimHTML := browsertest.Get(t, ctx, "read Kim's row", chromedp.InnerHTML(chromedp.CSS(`tr[data-email="kim.lee@example.org"] td`)))
	if !strings.Contains(notice, "Imported 3 people: 3 new") {
		t.Errorf("notice = %q", notice)
	}
	for _, want := range []string{"Ana Silva", "João Costa", "Kim <b>Lee</b>", "Invited"} {
		if !strings.Contains(table, want) {
			t.Errorf("participant list lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(kimHTML, "<b>") {
		t.Errorf("a name with HTML was rendered as HTML: %s", kimHTML)
	}

	// Each welcome is in the first of the person's languages Upward writes.
	for addr, join := range map[string]string{"ana.silva@example.org": "SIM", "joao.costa@example.org": "SIM", "kim.lee@example.org": "JOIN"} {
		got := emailsTo(t, st, addr)
		if len(got) != 1 {
			t.Errorf("%s received %d welcome emails, want 1", addr, len(got))
			continue
		}
		if !strings.Contains(got[0].Subject, "Bridges 2027") || !strings.Contains(got[0].Body.Text, join+" 1, 3") {
			t.Errorf("welcome to %s: subject %q, body lacks the %s instructions", addr, got[0].Subject, join)
		}
	}

	// Uploading the same file again updates people and sends nothing new.
	here := browsertest.Get(t, ctx, "read the address", chromedp.Location())
	browsertest.Step(t, ctx, "upload the same file again",
		chromedp.Navigate(strings.Split(here, "?")[0]),
		chromedp.WaitVisible(chromedp.ID("file")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{good}),
		chromedp.Click(browsertest.Button("Upload and enrol")),
		chromedp.WaitVisible(chromedp.CSS("div.notice.ok")),
	)
	notice = browsertest.Get(t, ctx, "read the notice", chromedp.Text(chromedp.CSS("div.notice.ok")))
	if !strings.Contains(notice, "0 new") || !strings.Contains(notice, "3 already enrolled") {
		t.Errorf("re-upload notice = %q", notice)
	}
	st.Queue.Drain()
	if got := emailsTo(t, st, "ana.silva@example.org"); len(got) != 1 {
		t.Errorf("after re-upload Ana has %d welcome emails, want still 1", len(got))
	}
}
