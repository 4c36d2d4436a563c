package devstack_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upward-mentoring/upward/infra/browsertest"
	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/orgchart"
	"github.com/upward-mentoring/upward/shared/store"
)

// An org chart goes from the browser straight to S3 (gofakes3 behind the
// dev stack's front, which does what S3 adds: the redirect and the event).
// The upload's page shows it received, then, once the event is delivered
// and parsed, the result; a bad file shows every problem and changes
// nothing.
func TestOrgChartUploadsStraightToS3InTheBrowser(t *testing.T) {
	st, err := devstack.Start(context.Background(), devstack.Options{Coordinators: []string{coordinator}, ProposalWait: time.Hour,
		SQSURL: stacktest.SQSURL(t), S3URL: stacktest.S3URL(t), HoldOrgChartUploads: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	ctx := browsertest.New(t)
	signIn(t, ctx, st)
	dir := t.TempDir()
	write := func(name, csv string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	upload := func(file string) string {
		t.Helper()
		browsertest.Step(t, ctx, "open the org chart", chromedp.Navigate(st.WebURL+"/orgchart"), chromedp.WaitVisible(chromedp.ID("upload-form")))
		action := browsertest.Get(t, ctx, "read the form's action", chromedp.Evaluate[string](`document.getElementById("upload-form").action`))
		if !strings.HasPrefix(action, st.S3FrontURL+"/") {
			t.Fatalf("the form posts to %q, want the bucket at %s", action, st.S3FrontURL)
		}
		browsertest.Step(t, ctx, "send "+filepath.Base(file)+" to S3",
			chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
			chromedp.Click(browsertest.Button("Upload and replace")),
			chromedp.WaitVisible(chromedp.ID("upload-status")),
		)
		loc := browsertest.Get(t, ctx, "read the address", chromedp.Location())
		id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], st.WebURL+"/orgchart/uploads/")
		if !orgchart.ValidID(id) || !strings.Contains(loc, "key=orgcharts%2F"+id+".csv") {
			t.Fatalf("after the upload the browser is at %q, want the upload's page with S3's bucket, key and etag", loc)
		}
		status := browsertest.Get(t, ctx, "read the progress", chromedp.Text(chromedp.ID("upload-status")))
		if !strings.Contains(status, "Received") {
			t.Errorf("before its parse the upload's page says %q, want Received", status)
		}
		if !browsertest.Get(t, ctx, "does it refresh", chromedp.Evaluate[bool](`document.querySelector('meta[http-equiv="refresh"]') !== null`)) {
			t.Error("the upload's page does not refresh itself while the file waits")
		}
		// Not run through axe while it waits: axe refuses any timed
		// refresh (meta-refresh), which this page uses, as the proposal's
		// progress page does, because the site runs no script.
		// S3's event, held until now so the page above is seen first.
		if n, err := st.DeliverOrgChartUploads(context.Background()); err != nil || n != 1 {
			t.Fatalf("delivered %d events (%v), want 1", n, err)
		}
		return id
	}

	good := upload(write("org.csv", "employee_email,manager_email\nceo@example.org,\nana@example.org,ceo@example.org\nrui@example.org,ana@example.org\n"))
	// The page refreshes itself every two seconds: the result appears
	// without anyone reloading it.
	browsertest.Step(t, ctx, "wait for the result", chromedp.WaitVisible(chromedp.ID("upload-result")))
	if got := browsertest.Get(t, ctx, "read the result", chromedp.Text(chromedp.ID("upload-result"))); !strings.Contains(got, "3 reporting lines") {
		t.Errorf("the result says %q, want 3 reporting lines", got)
	}
	browsertest.Screenshot(t, ctx, "orgchart-upload")
	browsertest.Accessible(t, ctx, "an upload's result")
	if browsertest.Get(t, ctx, "does it still refresh", chromedp.Evaluate[bool](`document.querySelector('meta[http-equiv="refresh"]') !== null`)) {
		t.Error("the finished upload's page keeps refreshing")
	}
	_, before, err := st.Store.OrgChartLines(context.Background())
	if err != nil || before.Upload != good || before.Rows != 3 {
		t.Fatalf("chart = %+v (%v), want 3 rows from upload %s", before, err, good)
	}

	upload(write("bad.csv", "employee_email,manager_email\nnot-an-address,\nana@example.org,ana@example.org\n"))
	browsertest.Step(t, ctx, "wait for the problems", chromedp.WaitVisible(chromedp.ID("import-errors")))
	problems := browsertest.Get(t, ctx, "read the problems", chromedp.Text(chromedp.ID("import-errors")))
	for _, want := range []string{"Nothing was uploaded", "these 2 problems", "employee_email", "ana@example.org cannot be their own manager"} {
		if !strings.Contains(problems, want) {
			t.Errorf("the problems lack %q:\n%s", want, problems)
		}
	}
	browsertest.Accessible(t, ctx, "an upload's problems")
	_, after, err := st.Store.OrgChartLines(context.Background())
	if err != nil || after.Version != before.Version {
		t.Errorf("a bad file changed the chart: %s → %s (%v)", before.Version, after.Version, err)
	}
	trail, _, err := st.Store.ListAudit(context.Background(), store.AuditQuery{Action: orgchart.AuditAction})
	if err != nil || len(trail) != 1 || trail[0].Actor != coordinator {
		t.Errorf("audit entries = %+v (%v), want the good upload's only", trail, err)
	}
	browsertest.Step(t, ctx, "the org chart page", chromedp.Navigate(st.WebURL+"/orgchart"), chromedp.WaitVisible(chromedp.ID("current")))
	if cur := browsertest.Get(t, ctx, "read the chart", chromedp.Text(chromedp.ID("current"))); !strings.Contains(cur, "3 reporting lines") || !strings.Contains(cur, coordinator) {
		t.Errorf("the org chart page says %q", cur)
	}
}
