package devstack

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
)

//go:embed devsite
var devFiles embed.FS

var devPages = template.Must(template.ParseFS(devFiles, "devsite/*.html"))

// maxDevUpload bounds an uploaded reply, as SES bounds what it receives.
const maxDevUpload = maxInbound

// devSite is the coordinator site as `upward dev` serves it: the production
// site, untouched, with the local stack's own pages beside it (/dev/clock
// moves the dev clock, /dev/inbox receives a reply by upload) and the dev
// clock bar added to every page a signed-in coordinator sees. The
// production site knows nothing of either, so none of it reaches AWS.
type devSite struct {
	site  http.Handler
	gate  *signin.Gate
	clock interface {
		Now() time.Time
		Advance(ctx context.Context, d time.Duration) error
	}
	inbox interface {
		ReceiveUpload(ctx context.Context, raw []byte) (string, error)
	}
	log *slog.Logger
	dev http.Handler
}

func newDevSite(site http.Handler, gate *signin.Gate, st *Stack, log *slog.Logger) *devSite {
	d := &devSite{site: site, gate: gate, clock: st, inbox: st.Inbox, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /dev/devclock.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		http.ServeFileFS(w, r, devFiles, "devsite/devclock.css")
	})
	mux.Handle("POST /dev/clock", d.coordinator(d.advanceClock))
	mux.Handle("GET /dev/inbox", d.coordinator(d.inboxForm))
	mux.Handle("POST /dev/inbox", d.coordinator(d.inboxUpload))
	// The same protection the production site gives its own forms.
	d.dev = http.NewCrossOriginProtection().Handler(mux)
	return d
}

func (d *devSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/dev" || strings.HasPrefix(r.URL.Path, "/dev/") {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		d.dev.ServeHTTP(w, r)
		return
	}
	sess, ok := d.gate.SignedIn(r)
	if !ok {
		d.site.ServeHTTP(w, r)
		return
	}
	bw := &barWriter{ResponseWriter: w, bar: d.bar(sess, r.URL.Path)}
	d.site.ServeHTTP(bw, r)
	bw.finish()
}

// barData is what the clock bar shows.
type barData struct {
	Coordinator, CSRF string
	Now               string
	Back              string
}

func (d *devSite) barData(sess store.Session, back string) *barData {
	return &barData{Coordinator: sess.Email, CSRF: sess.CSRF, Now: d.clock.Now().Format("Mon 2 Jan 2006 15:04 MST"), Back: back}
}

// bar renders the clock bar and the link to its stylesheet.
func (d *devSite) bar(sess store.Session, back string) []byte {
	var b bytes.Buffer
	if err := devPages.ExecuteTemplate(&b, "bar", d.barData(sess, back)); err != nil {
		d.log.Error("render the dev clock bar", "err", err)
		return nil
	}
	return b.Bytes()
}

const barStylesheet = `<link rel="stylesheet" href="/dev/devclock.css">` + "\n"

// barWriter holds back an HTML page until it is complete, then adds the
// bar under the site's header; anything else (redirects without a page,
// CSV downloads, the stylesheet) passes straight through.
type barWriter struct {
	http.ResponseWriter
	bar     []byte
	decided bool
	page    *bytes.Buffer // non-nil: an HTML page being held back
	status  int
}

func (b *barWriter) WriteHeader(code int) {
	if b.decided {
		return
	}
	b.decided = true
	if len(b.bar) > 0 && strings.HasPrefix(b.Header().Get("Content-Type"), "text/html") {
		b.page, b.status = &bytes.Buffer{}, code
		return
	}
	b.ResponseWriter.WriteHeader(code)
}

func (b *barWriter) Write(p []byte) (int, error) {
	if !b.decided {
		b.WriteHeader(http.StatusOK)
	}
	if b.page != nil {
		return b.page.Write(p)
	}
	return b.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the real writer.
func (b *barWriter) Unwrap() http.ResponseWriter { return b.ResponseWriter }

func (b *barWriter) finish() {
	if b.page == nil {
		return
	}
	page := b.page.Bytes()
	if i := bytes.Index(page, []byte("</header>\n")); i >= 0 {
		at := i + len("</header>\n")
		page = append(page[:at:at], append(append([]byte(nil), b.bar...), page[at:]...)...)
		if j := bytes.Index(page, []byte("</head>")); j >= 0 {
			page = append(page[:j:j], append([]byte(barStylesheet), page[j:]...)...)
		}
	}
	b.Header().Del("Content-Length")
	b.ResponseWriter.WriteHeader(b.status)
	_, _ = b.ResponseWriter.Write(page)
}

// pageData is a local page: a heading, paragraphs, and the upload form.
type pageData struct {
	Heading    string
	Paragraphs []string
	Upload     bool
	Link       string
	Bar        *barData
}

func (d *devSite) page(w http.ResponseWriter, status int, p pageData) {
	var b bytes.Buffer
	if err := devPages.ExecuteTemplate(&b, "page", p); err != nil {
		d.log.Error("render a local page", "err", err)
		http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// coordinator guards a local page as the production site guards its own:
// a signed-in coordinator, and for a POST, the session's CSRF token.
func (d *devSite) coordinator(next func(http.ResponseWriter, *http.Request, store.Session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, ok := d.gate.SignedIn(r)
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/signin", http.StatusSeeOther)
				return
			}
			d.page(w, http.StatusUnauthorized, pageData{Heading: "Please sign in again",
				Paragraphs: []string{"Your session has ended, so nothing was changed. Sign in and try again."}, Link: "/signin"})
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxDevUpload)
			var err error
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				err = r.ParseMultipartForm(1 << 20)
			} else {
				err = r.ParseForm()
			}
			if err != nil {
				d.page(w, http.StatusRequestEntityTooLarge, pageData{Heading: "Nothing was received", Paragraphs: []string{"The request was too large or malformed."}, Bar: d.barData(sess, "/programmes")})
				return
			}
			if !signin.ValidCSRF(r, sess) {
				d.log.Warn("csrf token missing or wrong", "path", r.URL.Path, "coordinator", sess.Email)
				d.page(w, http.StatusForbidden, pageData{Heading: "This form has expired",
					Paragraphs: []string{"For your security the request was refused and nothing was changed. Go back, reload the page and try again."}})
				return
			}
		}
		next(w, signin.Remember(r, sess), sess)
	})
}

// advanceClock lives through the chosen span locally: every check-in,
// nudge and survey that falls due in it is sent.
func (d *devSite) advanceClock(w http.ResponseWriter, r *http.Request, sess store.Session) {
	by, err := time.ParseDuration(r.PostFormValue("by"))
	if err != nil || by <= 0 || by > 366*24*time.Hour {
		d.page(w, http.StatusBadRequest, pageData{Heading: "The clock did not move", Paragraphs: []string{"Choose how far to move it forward."}, Bar: d.barData(sess, "/programmes")})
		return
	}
	if err := d.clock.Advance(r.Context(), by); err != nil {
		d.serverError(w, r, sess, err)
		return
	}
	http.Redirect(w, r, safeBack(r.PostFormValue("back")), http.StatusSeeOther)
}

// safeBack is where to go after moving the clock: the page the bar was on,
// if the value names a page of this site. Anything a browser could read as
// another site ("//host", "/\host", "http://host", a path with a tab or
// newline that a browser strips) goes to the programmes list instead.
func safeBack(raw string) string {
	const home = "/programmes"
	if len(raw) < 1 || raw[0] != '/' || strings.HasPrefix(raw, "//") || strings.Contains(raw, `\`) {
		return home
	}
	u, err := url.Parse(raw) // refuses control characters
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	return u.String()
}

// inboxForm lets a developer record a reply without a mail client: upload
// an .eml (a reply saved from the email viewer, edited) and it is handled
// as if SES had received it.
func (d *devSite) inboxForm(w http.ResponseWriter, r *http.Request, sess store.Session) {
	d.page(w, http.StatusOK, pageData{
		Heading: "Receive a reply (local only)",
		Paragraphs: []string{
			"Upload a raw email (.eml) addressed to a reply address; it is recorded exactly as a reply received by SES would be. You can also send it to the local SMTP server that `upward dev` prints.",
		},
		Upload: true, Bar: d.barData(sess, r.URL.Path),
	})
}

func (d *devSite) inboxUpload(w http.ResponseWriter, r *http.Request, sess store.Session) {
	file, _, err := r.FormFile("file")
	if err != nil {
		d.page(w, http.StatusBadRequest, pageData{Heading: "Nothing was received", Paragraphs: []string{"Choose an .eml file to upload."}, Upload: true, Bar: d.barData(sess, r.URL.Path)})
		return
	}
	defer file.Close()
	raw, err := io.ReadAll(io.LimitReader(file, maxDevUpload))
	if err != nil {
		d.serverError(w, r, sess, err)
		return
	}
	outcome, err := d.inbox.ReceiveUpload(r.Context(), raw)
	if err != nil {
		d.serverError(w, r, sess, err)
		return
	}
	d.page(w, http.StatusOK, pageData{Heading: "Reply received", Paragraphs: []string{"Outcome: " + outcome}, Upload: true, Bar: d.barData(sess, r.URL.Path)})
}

func (d *devSite) serverError(w http.ResponseWriter, r *http.Request, sess store.Session, err error) {
	d.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	d.page(w, http.StatusInternalServerError, pageData{Heading: "Something went wrong",
		Paragraphs: []string{"Please try again in a moment; the local log says what failed."}, Bar: d.barData(sess, "/programmes")})
}
