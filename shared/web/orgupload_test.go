package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/orgchart"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/web"
)

// withOrgUploads gives the site a bucket (gofakes3) for uploads straight
// from the browser.
func withOrgUploads(bucket *string) siteOption {
	return func(t *testing.T, _ *stacktest.System, d *web.Deps) {
		c, name := stacktest.Bucket(t)
		*bucket = name
		d.OrgUploads = &orgchart.Bucket{Name: name, Presign: s3.NewPresignClient(c)}
	}
}

var (
	formActionRE  = regexp.MustCompile(`<form method="post" action="([^"]+)" enctype="multipart/form-data" id="upload-form">`)
	uploadFieldRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// The org chart page of a site with a bucket is a form that posts to the
// bucket, with the fields S3 checks; the page's policy allows that origin.
func TestTheOrgChartFormPostsStraightToTheBucket(t *testing.T) {
	t.Parallel()
	var bucket string
	s := newSite(t, withOrgUploads(&bucket))
	admin := sessionFor(t, s, store.RoleAdministrator)
	resp, err := admin.c.Get(s.URL + "/orgchart")
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /orgchart = %d", resp.StatusCode)
	}
	m := formActionRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no upload form to the bucket:\n%s", page)
	}
	action := html.UnescapeString(m[1])
	if !strings.HasSuffix(action, "/"+bucket) {
		t.Errorf("the form posts to %q, want the bucket %s", action, bucket)
	}
	form := page[strings.Index(page, m[0]):]
	form = form[:strings.Index(form, "</form>")]
	fields := map[string]string{}
	for _, f := range uploadFieldRE.FindAllStringSubmatch(form, -1) {
		fields[f[1]] = html.UnescapeString(f[2])
	}
	id, ok := orgchart.IDFromKey(fields["key"])
	if !ok {
		t.Fatalf("key field %q is not an upload's key; fields %v", fields["key"], fields)
	}
	if fields["success_action_redirect"] != s.URL+"/orgchart/uploads/"+id {
		t.Errorf("success_action_redirect = %q, want %s", fields["success_action_redirect"], s.URL+"/orgchart/uploads/"+id)
	}
	if _, ok := fields["csrf"]; ok {
		t.Error("the form sends the session's CSRF token to S3")
	}
	if !strings.Contains(form, `name="file"`) || strings.Index(form, `name="file"`) < strings.LastIndex(form, `type="hidden"`) {
		t.Error("the file is not the form's last field, as S3 requires")
	}
	origin := action[:strings.Index(action, "/"+bucket)]
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+origin+";") {
		t.Errorf("Content-Security-Policy %q does not allow the form to post to %s", csp, origin)
	}
	u, err := s.store.GetOrgUpload(context.Background(), id)
	if err != nil || u.By != admin.email || u.Status != store.UploadWaiting {
		t.Errorf("upload record = %+v (%v), want waiting, by %s", u, err, admin.email)
	}
	// Every other page keeps forms to the site alone.
	resp, err = admin.c.Get(s.URL + "/programmes")
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp)
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, origin) {
		t.Errorf("/programmes allows forms to the bucket: %q", csp)
	}
}

// Only administrators get the form (and so a signed policy); asking for it
// otherwise records nothing.
func TestOnlyAdministratorsGetTheUploadForm(t *testing.T) {
	t.Parallel()
	var bucket string
	s := newSite(t, withOrgUploads(&bucket))
	for _, role := range []store.Role{store.RoleCoordinator, store.RoleViewer} {
		p := sessionFor(t, s, role)
		before := snapshot(t, s)
		resp, err := p.c.Get(s.URL + "/orgchart")
		if err != nil {
			t.Fatal(err)
		}
		page := body(t, resp)
		if resp.StatusCode != http.StatusForbidden || strings.Contains(page, "policy") {
			t.Errorf("a %s's GET /orgchart = %d", role, resp.StatusCode)
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("a %s's refused GET /orgchart changed the table", role)
		}
	}
}

// An upload's page: its progress, refreshing itself, until the result.
func TestAnUploadsPageShowsProgressThenTheResult(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := sessionFor(t, s, store.RoleAdministrator)
	ctx := context.Background()
	tests := []struct {
		name        string
		change      func(u *store.OrgUpload)
		query       string
		later       time.Duration
		want        []string
		wantRefresh bool
	}{
		{name: "waiting", want: []string{"Waiting for the file"}, wantRefresh: true},
		{name: "back from S3", query: "?bucket=b&etag=%22x%22&key=orgcharts%2F{id}.csv", want: []string{"Received"}, wantRefresh: true},
		{name: "parsing", change: func(u *store.OrgUpload) { u.Status = store.UploadParsing }, want: []string{"Checking every row"}, wantRefresh: true},
		{name: "parsing, half way", change: func(u *store.OrgUpload) { u.Status, u.Checked = store.UploadParsing, 250000 }, want: []string{"250000 lines so far"}, wantRefresh: true},
		{name: "storing", change: func(u *store.OrgUpload) { u.Status, u.Checked, u.Storing = store.UploadParsing, 500000, true }, want: []string{"Storing the org chart", "All 500000 rows are right"}, wantRefresh: true},
		{name: "parsing stopped", change: func(u *store.OrgUpload) { u.Status = store.UploadParsing }, later: 20 * time.Minute, want: []string{"The check stopped"}},
		{name: "form expired", later: time.Hour, want: []string{"Nothing arrived"}},
		{name: "done", change: func(u *store.OrgUpload) { u.Status, u.Rows, u.Flagged = store.UploadDone, 500000, 2 }, want: []string{"500000", "reporting lines", "2 running pairs are now inside one reporting line"}},
		{name: "failed", change: func(u *store.OrgUpload) {
			u.Status, u.ProblemCount = store.UploadFailed, 1500
			u.Problems = []store.OrgProblem{{Line: 7, Column: "manager_email", Msg: "ana@example.org cannot be their own manager"}}
		}, want: []string{"Nothing was uploaded", "these 1500 problems", "The first 1 are listed", "ana@example.org cannot be their own manager"}},
		{name: "too large", change: func(u *store.OrgUpload) { u.Status, u.Message = store.UploadFailed, orgchart.TooLargeMessage }, want: []string{"larger than 100 MB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each case's upload was issued tt.later ago, so no case moves
			// the site's clock under the others.
			u := store.OrgUpload{ID: ids.New(), By: admin.email, IssuedAt: s.clock.Now().Add(-tt.later), Status: store.UploadWaiting}
			u.UpdatedAt = u.IssuedAt
			if err := s.store.CreateOrgUpload(ctx, u); err != nil {
				t.Fatal(err)
			}
			if tt.change != nil {
				tt.change(&u)
				if err := s.store.UpdateOrgUpload(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			page := s.get(t, admin.c, "/orgchart/uploads/"+u.ID+strings.ReplaceAll(tt.query, "{id}", u.ID), http.StatusOK)
			text := html.UnescapeString(page)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("the page lacks %q:\n%s", w, text)
				}
			}
			if got := strings.Contains(page, `http-equiv="refresh"`); got != tt.wantRefresh {
				t.Errorf("refreshes = %v, want %v", got, tt.wantRefresh)
			}
		})
	}
	s.get(t, admin.c, "/orgchart/uploads/not-an-id", http.StatusNotFound)
	s.get(t, admin.c, "/orgchart/uploads/00000000000000ff", http.StatusNotFound)
}
