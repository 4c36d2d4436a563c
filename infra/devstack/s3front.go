package devstack

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/upward-mentoring/upward/shared/enrol"
)

// s3Front stands in front of gofakes3 for the browser's org chart uploads
// and does the part of S3's POST Object that gofakes3 leaves out:
//
//   - gofakes3 stores a form post (createObjectBrowserUpload) but ignores
//     success_action_redirect and answers 200 with no body; S3 sends the
//     browser to that page with bucket, key and etag added. This does.
//   - gofakes3 sends no event notifications; S3 invokes the orgchart
//     function for each object created under orgcharts/. This delivers the
//     same event to the same handler, in the background as S3 does.
//   - gofakes3 checks no POST policy. This checks the conditions the site
//     sets (expiry, key, redirect, size), so a form the site signs wrongly
//     fails here as it would in AWS; the signature itself is not checked.
//
// Everything else (the SDK's own requests) is passed through unchanged.
type s3Front struct {
	target  *url.URL
	proxy   *httputil.ReverseProxy
	bucket  string
	deliver func(context.Context, events.S3Event) error
	// now is the machine's time, which the SDK signs with (not the dev
	// clock, which can be moved forward).
	now func() time.Time
	log *slog.Logger

	// hold keeps events until Deliver is called (tests that look at an
	// upload's page before its parse).
	hold    bool
	mu      sync.Mutex
	pending []events.S3Event

	URL    string
	server *http.Server
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startS3Front(s3URL, bucket string, deliver func(context.Context, events.S3Event) error, now func() time.Time, log *slog.Logger) (*s3Front, error) {
	target, err := url.Parse(s3URL)
	if err != nil {
		return nil, fmt.Errorf("s3 front: %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("s3 front: %w", err)
	}
	f := &s3Front{target: target, proxy: httputil.NewSingleHostReverseProxy(target), bucket: bucket, deliver: deliver, now: now, log: log,
		// The site's own host name (localhost), so the browser comes back
		// to the site from the same site, as it keeps its cookies.
		URL: "http://" + displayAddr(l.Addr().String())}
	f.ctx, f.cancel = context.WithCancel(context.Background())
	f.server = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := f.server.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("s3 front stopped", "err", err)
		}
	}()
	return f, nil
}

// Close stops the front and waits for the events it is delivering.
func (f *s3Front) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = f.server.Shutdown(ctx)
	f.cancel()
	f.wg.Wait()
}

func (f *s3Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method != http.MethodPost || mt != "multipart/form-data" || strings.Trim(r.URL.Path, "/") != f.bucket {
		f.proxy.ServeHTTP(w, r)
		return
	}
	// Spooled to a file: the fields are read here, and the whole body is
	// then passed on (an org chart may be 100 MB).
	spool, err := os.CreateTemp("", "upward-s3-post-*")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	n, err := io.Copy(spool, http.MaxBytesReader(w, r.Body, enrol.OrgMaxBytes+1<<20))
	if err != nil {
		s3Error(w, http.StatusBadRequest, "EntityTooLarge", err.Error())
		return
	}
	fields, size, err := readPost(spool, params["boundary"])
	if err != nil {
		s3Error(w, http.StatusBadRequest, "MalformedPOSTRequest", err.Error())
		return
	}
	if err := f.checkPolicy(fields, size); err != nil {
		s3Error(w, http.StatusForbidden, "AccessDenied", err.Error())
		return
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, f.target.String()+r.URL.Path, spool)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	req.ContentLength = n
	req.Header.Set("Content-Type", r.Header.Get("Content-Type"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s3Error(w, http.StatusBadGateway, "InternalError", err.Error())
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
		return
	}
	key, etag := fields["key"], resp.Header.Get("ETag")
	var ev events.S3Event
	rec := events.S3EventRecord{EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: "us-east-1", EventTime: f.now().UTC(), EventName: "ObjectCreated:Post"}
	rec.S3.Bucket.Name, rec.S3.Object.Key, rec.S3.Object.Size, rec.S3.Object.ETag = f.bucket, url.QueryEscape(key), size, strings.Trim(etag, `"`)
	ev.Records = append(ev.Records, rec)
	f.mu.Lock()
	if f.hold {
		f.pending = append(f.pending, ev)
	} else {
		f.wg.Go(func() {
			if err := f.deliver(f.ctx, ev); err != nil {
				f.log.Error("org chart upload event failed (S3 would retry it twice)", "key", key, "err", err)
			}
		})
	}
	f.mu.Unlock()
	redirect := fields["success_action_redirect"]
	if redirect == "" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	q := url.Values{"bucket": {f.bucket}, "key": {key}, "etag": {etag}}
	sep := "?"
	if strings.Contains(redirect, "?") {
		sep = "&"
	}
	http.Redirect(w, r, redirect+sep+q.Encode(), http.StatusSeeOther)
}

// deliverHeld delivers the events held so far, one after the other, and
// returns how many.
func (f *s3Front) deliverHeld(ctx context.Context) (int, error) {
	f.mu.Lock()
	evs := f.pending
	f.pending = nil
	f.mu.Unlock()
	for _, ev := range evs {
		if err := f.deliver(ctx, ev); err != nil {
			return 0, err
		}
	}
	return len(evs), nil
}

// readPost reads a form post's fields, and the size of its file.
func readPost(body io.ReadSeeker, boundary string) (map[string]string, int64, error) {
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return nil, 0, err
	}
	mr := multipart.NewReader(body, boundary)
	fields := map[string]string{}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, 0, errors.New("no file in the form")
		}
		if err != nil {
			return nil, 0, err
		}
		if p.FormName() == "file" {
			// S3 ignores fields after the file.
			n, err := io.Copy(io.Discard, p)
			return fields, n, err
		}
		b, err := io.ReadAll(io.LimitReader(p, 1<<20))
		if err != nil {
			return nil, 0, err
		}
		// Field names are not case-sensitive (X-Amz-Signature, policy).
		fields[strings.ToLower(p.FormName())] = string(b)
	}
}

// checkPolicy checks the post against the conditions of its policy that
// the site sets.
func (f *s3Front) checkPolicy(fields map[string]string, size int64) error {
	raw, err := base64.StdEncoding.DecodeString(fields["policy"])
	if err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	var pol struct {
		Expiration time.Time `json:"expiration"`
		Conditions []any     `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &pol); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	if f.now().After(pol.Expiration) {
		return errors.New("Invalid according to Policy: Policy expired.")
	}
	for _, c := range pol.Conditions {
		switch c := c.(type) {
		case map[string]any:
			for k, v := range c {
				k = strings.ToLower(k)
				if k == "bucket" {
					if v != f.bucket {
						return fmt.Errorf("Invalid according to Policy: bucket %v", v)
					}
					continue
				}
				if fields[k] != fmt.Sprint(v) {
					return fmt.Errorf("Invalid according to Policy: Policy Condition failed: [\"eq\", \"$%s\", %q]", k, v)
				}
			}
		case []any:
			if len(c) == 3 && c[0] == "content-length-range" {
				lo, _ := c[1].(float64)
				hi, _ := c[2].(float64)
				if size < int64(lo) {
					return errors.New("Your proposed upload is smaller than the minimum allowed size")
				}
				if size > int64(hi) {
					return errors.New("Your proposed upload exceeds the maximum allowed size")
				}
			}
		}
	}
	return nil
}

func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message></Error>\n", code, xmlEscape(msg))
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
