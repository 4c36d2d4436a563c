package orgchart_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/guard"
	"github.com/upward-mentoring/upward/shared/orgchart"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

type env struct {
	im     *orgchart.Importer
	db     *store.Store
	s3     *s3.Client
	bucket orgchart.Bucket
	clock  *stacktest.Clock
}

func newEnv(t *testing.T) env {
	t.Helper()
	db, _ := stacktest.Store(t)
	c, name := stacktest.Bucket(t)
	clock := stacktest.NewClock(stacktest.DefaultStart)
	log := slog.New(slog.DiscardHandler)
	im := &orgchart.Importer{Store: db, Guard: &guard.Guard{Store: db, Clock: clock, Log: log}, Clock: clock, Log: log}
	return env{im: im, db: db, s3: c, clock: clock, bucket: orgchart.Bucket{Name: name, Presign: s3.NewPresignClient(c), Objects: c}}
}

// upload issues a form as the site does and puts the file where the form
// would have sent it (the browser test posts the form itself).
func (e env) upload(t *testing.T, csv string) string {
	t.Helper()
	f, err := e.im.NewForm(context.Background(), e.bucket, "admin@example.org", store.RoleAdministrator, func(id string) string { return "https://site.example/orgchart/uploads/" + id })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(e.bucket.Name), Key: aws.String(orgchart.Key(f.ID)), Body: strings.NewReader(csv)}); err != nil {
		t.Fatal(err)
	}
	return f.ID
}

func event(bucket string, keys ...string) events.S3Event {
	var ev events.S3Event
	for _, k := range keys {
		var r events.S3EventRecord
		r.EventName = "ObjectCreated:Post"
		r.S3.Bucket.Name = bucket
		r.S3.Object.Key = k
		ev.Records = append(ev.Records, r)
	}
	return ev
}

func chartCSV(n int) string {
	var b strings.Builder
	b.WriteString("employee_email,manager_email\nceo@example.org,\n")
	for i := range n - 1 {
		fmt.Fprintf(&b, "p%d@example.org,ceo@example.org\n", i)
	}
	return b.String()
}

func audits(t *testing.T, db *store.Store) []store.AuditEntry {
	t.Helper()
	es, _, err := db.ListAudit(context.Background(), store.AuditQuery{Action: orgchart.AuditAction})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestTheFormIsForOneKeyWithItsRedirect(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f, err := e.im.NewForm(context.Background(), e.bucket, "admin@example.org", store.RoleAdministrator, func(id string) string { return "https://site.example/orgchart/uploads/" + id })
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, fl := range f.Fields {
		got[fl.Name] = fl.Value
	}
	if got["key"] != orgchart.Key(f.ID) || got["success_action_redirect"] != "https://site.example/orgchart/uploads/"+f.ID {
		t.Errorf("fields = %v", got)
	}
	for _, name := range []string{"policy", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Algorithm"} {
		if got[name] == "" {
			t.Errorf("field %s missing", name)
		}
	}
	if f.Fields[0].Name != "key" {
		t.Errorf("first field = %s, want key", f.Fields[0].Name)
	}
	if !strings.Contains(f.URL, e.bucket.Name) || f.Origin() == "" {
		t.Errorf("URL %q, origin %q", f.URL, f.Origin())
	}
	u, err := e.db.GetOrgUpload(context.Background(), f.ID)
	if err != nil || u.Status != store.UploadWaiting || u.By != "admin@example.org" {
		t.Errorf("upload = %+v, %v", u, err)
	}
}

// S3 delivers an event at least once: the same event twice, one after
// the other or both at once, stores the chart once and audits it once.
func TestTheSameEventTwiceStoresAndAuditsOnce(t *testing.T) {
	t.Parallel()
	for _, concurrent := range []bool{false, true} {
		t.Run(fmt.Sprintf("concurrent=%v", concurrent), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			id := e.upload(t, chartCSV(50))
			h := e.im.HandleS3(e.s3)
			ev := event(e.bucket.Name, orgchart.Key(id))
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range 2 {
				run := func() { errs[i] = h(context.Background(), ev) }
				if concurrent {
					wg.Go(run)
				} else {
					run()
				}
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			u, err := e.db.GetOrgUpload(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if u.Status != store.UploadDone || u.Rows != 50 || u.Checked != 50 || !u.Storing {
				t.Errorf("upload = %+v, want done with 50 rows, all checked", u)
			}
			lines, meta, err := e.db.OrgChartLines(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) != 50 || meta.Upload != id {
				t.Errorf("chart: %d lines from upload %q, want 50 from %q", len(lines), meta.Upload, id)
			}
			if a := audits(t, e.db); len(a) != 1 || a[0].Actor != "admin@example.org" || !strings.Contains(a[0].Detail, "50 reporting lines") {
				t.Errorf("audit entries = %+v, want one", a)
			}
			// A third delivery after the fact changes nothing at all.
			if err := h(context.Background(), ev); err != nil {
				t.Fatal(err)
			}
			_, again, _ := e.db.OrgChartLines(context.Background())
			if again.Version != meta.Version || len(audits(t, e.db)) != 1 {
				t.Errorf("a third run changed the chart (%s → %s) or the trail", meta.Version, again.Version)
			}
		})
	}
}

func TestABadFileChangesNothingAndKeepsEveryProblem(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	good := e.upload(t, chartCSV(3))
	if err := e.im.HandleS3(e.s3)(context.Background(), event(e.bucket.Name, orgchart.Key(good))); err != nil {
		t.Fatal(err)
	}
	_, before, _ := e.db.OrgChartLines(context.Background())

	bad := e.upload(t, "employee_email,manager_email\nnot-an-address,\nana@example.org,ana@example.org\n")
	if err := e.im.HandleS3(e.s3)(context.Background(), event(e.bucket.Name, orgchart.Key(bad))); err != nil {
		t.Fatal(err)
	}
	u, err := e.db.GetOrgUpload(context.Background(), bad)
	if err != nil {
		t.Fatal(err)
	}
	if u.Status != store.UploadFailed || u.ProblemCount != 2 {
		t.Fatalf("upload = %+v, want failed with 2 problems", u)
	}
	want := []store.OrgProblem{{Line: 2, Column: "employee_email"}, {Line: 3, Column: "manager_email", Msg: "ana@example.org cannot be their own manager"}}
	if diff := cmp.Diff(want, u.Problems, cmp.Comparer(func(a, b store.OrgProblem) bool {
		return a.Line == b.Line && a.Column == b.Column && (a.Msg == "" || b.Msg == "" || a.Msg == b.Msg)
	})); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	_, after, _ := e.db.OrgChartLines(context.Background())
	if after.Version != before.Version {
		t.Errorf("the chart changed: %s → %s", before.Version, after.Version)
	}
	if n := len(audits(t, e.db)); n != 1 {
		t.Errorf("%d audit entries, want only the good upload's", n)
	}
}

// Keys that are not uploads of ours are left alone; keys come URL-encoded.
func TestOnlyUploadKeysAreParsed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key    string
		wantID bool
	}{
		{"orgcharts/0123456789abcdef.csv", true},
		{"orgcharts/0123456789ABCDEF.csv", false},
		{"orgcharts/0123456789abcdef.txt", false},
		{"orgcharts/../incoming/0123456789abcdef.csv", false},
		{"incoming/0123456789abcdef.csv", false},
		{"orgcharts/my+chart.csv", false},
	}
	for _, tt := range tests {
		if _, ok := orgchart.IDFromKey(tt.key); ok != tt.wantID {
			t.Errorf("IDFromKey(%q) = %v, want %v", tt.key, ok, tt.wantID)
		}
	}
	e := newEnv(t)
	// Unknown upload and foreign key: nothing to do, nothing to retry.
	if err := e.im.HandleS3(e.s3)(context.Background(), event(e.bucket.Name, "orgcharts/0123456789abcdef.csv", "other/x.csv")); err != nil {
		t.Errorf("err = %v, want none", err)
	}
}

// The event S3 sends for a form post decodes into what HandleS3 reads.
func TestTheS3SampleEventNamesAnUpload(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/s3-post-event.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.S3Event
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	if len(ev.Records) != 1 {
		t.Fatalf("%d records", len(ev.Records))
	}
	id, ok := orgchart.IDFromKey(ev.Records[0].S3.Object.Key)
	if !ok || id != "0123456789abcdef" || !strings.HasPrefix(ev.Records[0].S3.Bucket.Name, "upward-orgcharts-") {
		t.Errorf("record = %+v", ev.Records[0].S3)
	}
}

// An upload whose file is gone (expired before a late retry) is failed
// with a message, not retried for ever.
func TestAnUploadWhoseFileIsGoneFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f, err := e.im.NewForm(context.Background(), e.bucket, "admin@example.org", store.RoleAdministrator, func(id string) string { return "https://site.example/" + id })
	if err != nil {
		t.Fatal(err)
	}
	if err := e.im.HandleS3(e.s3)(context.Background(), event(e.bucket.Name, orgchart.Key(f.ID))); err != nil {
		t.Fatalf("err = %v, want none (nothing to retry)", err)
	}
	u, err := e.db.GetOrgUpload(context.Background(), f.ID)
	if err != nil || u.Status != store.UploadFailed || u.Message != orgchart.GoneMessage {
		t.Errorf("upload = %+v (%v), want failed: gone", u, err)
	}
}
