package devstack_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/infra/localstack"
)

func noRedirects() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func do(t testing.TB, c *http.Client, req *http.Request, want int) (string, *http.Response) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d\n%s", req.Method, req.URL.Path, resp.StatusCode, want, b)
	}
	return string(b), resp
}

func postForm(t testing.TB, c *http.Client, u string, form url.Values, want int) (string, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req, want)
}

func get(t testing.TB, c *http.Client, u string, want int) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	b, _ := do(t, c, req, want)
	return b
}

var (
	tokenRE = regexp.MustCompile(`/signin/verify\?token=([A-Za-z0-9_-]+)`)
	csrfRE  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// signInHTTP signs the coordinator in without a browser and returns the
// client and the session's CSRF token. The link is queued before the
// answer to POST /signin (never sent inside the request, so the answer
// takes as long whether or not the address has an account): it is read
// once the queue is drained, never polled for.
func signInHTTP(t testing.TB, st *devstack.Stack) (*http.Client, string) {
	t.Helper()
	c := noRedirects()
	postForm(t, c, st.WebURL+"/signin", url.Values{"email": {coordinator}}, http.StatusOK)
	st.Queue.Drain()
	all, err := localstack.Emails(context.Background(), st.SESURL)
	if err != nil {
		t.Fatal(err)
	}
	var tok string
	for _, e := range all {
		if m := tokenRE.FindStringSubmatch(e.Body.Text); e.SentTo(coordinator) && m != nil {
			tok = m[1]
		}
	}
	if tok == "" {
		t.Fatal("no sign-in link was sent")
	}
	postForm(t, c, st.WebURL+"/signin/verify", url.Values{"token": {tok}}, http.StatusSeeOther)
	m := csrfRE.FindStringSubmatch(get(t, c, st.WebURL+"/programmes/new", http.StatusOK))
	if m == nil {
		t.Fatal("no CSRF token on the form")
	}
	return c, m[1]
}

func TestDevClockBarAndPagesNeedASessionAndCSRF(t *testing.T) {
	st := startStack(t)
	anon := noRedirects()
	if page := get(t, anon, st.WebURL+"/signin", http.StatusOK); strings.Contains(page, "dev-now") {
		t.Error("the clock bar is shown to someone signed out")
	}
	before := st.Clock.Offset()
	postForm(t, anon, st.WebURL+"/dev/clock", url.Values{"by": {"24h"}}, http.StatusUnauthorized)
	postForm(t, anon, st.WebURL+"/dev/inbox", nil, http.StatusUnauthorized)
	req, _ := http.NewRequest(http.MethodGet, st.WebURL+"/dev/inbox", nil)
	if _, resp := do(t, anon, req, http.StatusSeeOther); resp.Header.Get("Location") != "/signin" {
		t.Errorf("signed-out GET /dev/inbox redirects to %q, want /signin", resp.Header.Get("Location"))
	}

	c, csrf := signInHTTP(t, st)
	page := get(t, c, st.WebURL+"/programmes", http.StatusOK)
	for _, want := range []string{`id="dev-now"`, `action="/dev/clock"`, `name="back" value="/programmes"`, `href="/dev/devclock.css"`, `value="` + csrf + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("a signed-in page lacks %s", want)
		}
	}
	if i, j := strings.Index(page, "</header>"), strings.Index(page, `class="devclock"`); i < 0 || j < i {
		t.Error("the clock bar is not under the site's header")
	}
	if css := get(t, c, st.WebURL+"/dev/devclock.css", http.StatusOK); !strings.Contains(css, ".devclock") {
		t.Error("the bar's stylesheet is not served")
	}

	postForm(t, c, st.WebURL+"/dev/clock", url.Values{"by": {"24h"}}, http.StatusForbidden)
	postForm(t, c, st.WebURL+"/dev/clock", url.Values{"by": {"24h"}, "csrf": {csrf + "x"}}, http.StatusForbidden)
	cross, _ := http.NewRequest(http.MethodPost, st.WebURL+"/dev/clock", strings.NewReader(url.Values{"by": {"24h"}, "csrf": {csrf}}.Encode()))
	cross.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	cross.Header.Set("Sec-Fetch-Site", "cross-site")
	do(t, c, cross, http.StatusForbidden)
	postForm(t, c, st.WebURL+"/dev/clock", url.Values{"by": {"-1h"}, "csrf": {csrf}}, http.StatusBadRequest)
	if got := st.Clock.Offset(); got != before {
		t.Fatalf("refused requests moved the clock by %s", got-before)
	}

	now := st.Now()
	for _, tt := range []struct{ back, want string }{
		{"/programmes/new", "/programmes/new"},
		{"//evil.example/x", "/programmes"},
		{`/\evil.example`, "/programmes"},
		{"https://evil.example/", "/programmes"},
	} {
		_, resp := postForm(t, c, st.WebURL+"/dev/clock", url.Values{"by": {"1h"}, "back": {tt.back}, "csrf": {csrf}}, http.StatusSeeOther)
		if loc := resp.Header.Get("Location"); loc != tt.want {
			t.Errorf("back=%q redirected to %q, want %q", tt.back, loc, tt.want)
		}
	}
	if got := st.Now(); got.Before(now.Add(4 * time.Hour)) {
		t.Errorf("after four moves of an hour the clock says %s, want at least %s", got, now.Add(4*time.Hour))
	}

	if page := get(t, c, st.WebURL+"/dev/inbox", http.StatusOK); !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `id="dev-now"`) {
		t.Errorf("the inbox page:\n%s", page)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", "reply.eml")
	_, _ = fw.Write([]byte("From: someone@example.org\r\nTo: nobody@upward.localhost\r\nSubject: hi\r\n\r\nhello\r\n"))
	_ = mw.Close()
	upload, _ := http.NewRequest(http.MethodPost, st.WebURL+"/dev/inbox", &body)
	upload.Header.Set("Content-Type", mw.FormDataContentType())
	if page, _ := do(t, c, upload, http.StatusOK); !strings.Contains(page, "Outcome: ") {
		t.Errorf("the upload's answer:\n%s", page)
	}
}
