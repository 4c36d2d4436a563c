package devstack_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
)

// `upward dev` stopped and started again on the same data folder shows the
// same emails in its viewer, as its table still holds the same data; mail
// sent after the restart joins them, and nothing is shown twice however
// often it restarts; only the viewer's "clear" empties it for good.
func TestTheEmailViewerKeepsItsMailAcrossRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Fixed names, as `upward dev` has, but this test's own: the SQS and S3
	// emulators are shared with the package's other tests.
	tag := strings.ToLower(ids.New()[:8])
	first, second := "first-"+tag+"@example.org", "second-"+tag+"@example.org"
	// run starts the stack, sends a sign-in link to send (unless ""),
	// presses the viewer's "clear" when asked, and returns what the viewer
	// then holds.
	run := func(send string, clear bool) []localstack.Email {
		t.Helper()
		st, err := devstack.Start(context.Background(), devstack.Options{DataDir: dir, Coordinators: []string{first, second},
			Queue: "kept-" + tag, Bucket: "kept-" + tag, SQSURL: stacktest.SQSURL(t), S3URL: stacktest.S3URL(t)})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if send != "" {
			postForm(t, noRedirects(), st.WebURL+"/signin", url.Values{"email": {send}}, http.StatusOK)
			st.Queue.Drain()
		}
		if clear {
			resp, err := http.Post(st.SESURL+"/clear-store", "application/json", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("clearing the viewer: %s", resp.Status)
			}
		}
		all, err := localstack.Emails(context.Background(), st.SESURL)
		if err != nil {
			t.Fatal(err)
		}
		return all
	}
	sent := run(first, false)
	if len(sent) != 1 || !sent[0].SentTo(first) || !strings.Contains(sent[0].Body.Text, "/signin/verify?token=") {
		t.Fatalf("before the restart the viewer has %d emails, want the sign-in link to %s", len(sent), first)
	}
	again := run(second, false)
	if len(again) != 2 || !again[1].SentTo(second) {
		t.Fatalf("after a restart and one more email the viewer has %d emails, want 2 ending with %s's", len(again), second)
	}
	// The same email as it was sent: its id, time, headers and body.
	if diff := cmp.Diff(sent[0], again[0]); diff != "" {
		t.Errorf("the email kept across the restart changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(again, run("", false)); diff != "" {
		t.Errorf("a third start shows other emails (-second +third):\n%s", diff)
	}
	// The viewer's "clear" is meant: what was cleared stays gone.
	if left := run("", true); len(left) != 0 {
		t.Fatalf("right after clearing, the viewer still has %d emails", len(left))
	}
	if left := run("", false); len(left) != 0 {
		t.Errorf("a restart after clearing the viewer brings back %d emails", len(left))
	}
}
