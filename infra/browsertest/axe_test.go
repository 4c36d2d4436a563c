package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/upward-mentoring/upward/infra/browsertest"
)

// The accessibility check finds what it must in pages served with the
// site's own Content-Security-Policy (no script but the site's), and
// nothing failing in a page that is right.
func TestAuditFindsViolationsUnderTheSitesCSP(t *testing.T) {
	const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A page</title></head><body><main><h1>A page</h1>`
	pages := map[string]string{
		"/right":      head + `<form><label for="e">Email</label><input id="e" name="email"><button>Send</button></form><img src="/x.png" alt="A chart"></main></body></html>`,
		"/no-label":   head + `<form><input name="email"><button>Send</button></form></main></body></html>`,
		"/no-alt":     head + `<img src="/x.png"></main></body></html>`,
		"/faint":      head + `<p style="color:#ccc;background:#fff">Hard to read</p></main></body></html>`,
		"/no-lang":    `<!doctype html><html><head><title>A page</title></head><body><main><h1>A page</h1></main></body></html>`,
		"/empty-link": head + `<a href="/somewhere"></a></main></body></html>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(pages[r.URL.Path]))
	}))
	defer srv.Close()
	ctx := browsertest.New(t)

	for _, tc := range []struct {
		path string
		want string // the failing rule expected, "" for none
	}{
		{"/right", ""},
		{"/no-label", "label"},
		{"/no-alt", "image-alt"},
		{"/faint", "color-contrast"},
		{"/no-lang", "html-has-lang"},
		{"/empty-link", "link-name"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			browsertest.Step(t, ctx, "open "+tc.path, chromedp.Navigate(srv.URL+tc.path), chromedp.WaitVisible(chromedp.CSS("h1")))
			found, err := browsertest.Audit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var failing []string
			for _, v := range found {
				if v.Failing() {
					failing = append(failing, v.ID)
				}
			}
			if tc.want == "" {
				if len(failing) != 0 {
					t.Errorf("a right page fails %v: %v", failing, found)
				}
				return
			}
			if !slices.Contains(failing, tc.want) {
				t.Errorf("failing rules %v, want %s among them", failing, tc.want)
			}
		})
	}
}
