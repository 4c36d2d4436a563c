package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// view is what every page template receives.
type view struct {
	Title       string
	Coordinator string
	// Admin shows the administrators' pages in the menu.
	Admin  bool
	CSRF   string
	Notice string
	Errors programme.FieldErrors
	Data   any
	// Refresh reloads the page after this many seconds (progress pages:
	// the site runs no script).
	Refresh int
	// Now is the clock's time, for "starts in…".
	Now time.Time
	// Lang is the page's language: a participant's on the pages they reach
	// from emails, English on the coordinators' (empty).
	Lang lang.Tag
}

// Language is the page's language for the html element.
func (v view) Language() lang.Tag { return v.Lang.Or(lang.EN) }

// SkipLink is "Skip to content" in the page's language.
func (v view) SkipLink() string {
	if s, err := say(v.Language(), "page.skip", pageWords{}); err == nil {
		return s
	}
	return "Skip to content"
}

type fieldErr struct{ Field, Msg string }

type pages struct {
	t map[string]*template.Template
}

var pageNames = []string{"signin", "verify", "programmes", "programme_form", "programme", "message", "guide", "review", "orgchart", "orgupload", "accounts", "account", "audit",
	"answer", "answered", "personal", "confirm"}

func parsePages() (*pages, error) {
	funcs := template.FuncMap{
		"fe": func(errs programme.FieldErrors, field string) *fieldErr {
			if m, ok := errs[field]; ok {
				return &fieldErr{field, m}
			}
			return nil
		},
		"lines": func(xs []string) string { return strings.Join(xs, "\n") },
		"resources": func(rs []programme.Resource) string {
			var b strings.Builder
			for _, r := range rs {
				fmt.Fprintf(&b, "%s | %s\n", r.Title, r.URL)
			}
			return b.String()
		},
		"join":  strings.Join,
		"lower": strings.ToLower,
		"phase": phase,
		"score": func(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) },
		"add":   func(a, b int) int { return a + b },
		"fit":   fitWord,
		// say is a participant page's message in its language.
		"say": func(l lang.Tag, key string, d pageWords) (string, error) { return saySafe(l, key, d) },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return m
		},
	}
	ps := &pages{t: map[string]*template.Template{}}
	for _, n := range pageNames {
		t, err := template.New(n).Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/parts.html", "templates/"+n+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", n, err)
		}
		ps.t[n] = t
	}
	if err := ps.addHealthPages(funcs); err != nil {
		return nil, err
	}
	if err := ps.addPublishPages(funcs); err != nil {
		return nil, err
	}
	return ps, nil
}

// phase says where a programme is on the calendar.
func phase(now time.Time, p programme.Programme) string {
	today := now.Format(programme.DateLayout)
	switch {
	case today < p.StartDate:
		return "starts " + p.StartDate
	case today > p.EndDate:
		return "ended"
	}
	return "running"
}

// render writes a page; rendering into a buffer first means a template
// error becomes a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	v.Now = s.Clock.Now()
	if sess, a, ok := s.who(r); ok {
		v.Coordinator, v.CSRF, v.Admin = sess.Email, sess.CSRF, a.Role == store.RoleAdministrator
	}
	var buf bytes.Buffer
	if err := s.pages.t[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		s.Log.Error("render page", "page", name, "err", err)
		http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// message renders a simple page with a heading, paragraphs and an optional
// button or link.
type messageData struct {
	Heading    string
	Paragraphs []string
	Form       *messageForm
	Link       *messageLink
}

type messageForm struct {
	Action string
	Hidden map[string]string
	Button string
}

type messageLink struct{ URL, Text string }

func (s *Server) message(w http.ResponseWriter, r *http.Request, status int, d messageData) {
	s.render(w, r, status, "message", view{Title: d.Heading, Data: d})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, what string) {
	s.message(w, r, http.StatusNotFound, messageData{
		Heading:    what + " not found",
		Paragraphs: []string{"It may have been removed, or the link is mistyped."},
		Link:       &messageLink{URL: "/programmes", Text: "Back to programmes"},
	})
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	// A failed page view changed nothing; a failed form may have done part
	// of its work before failing, so it must not claim otherwise. Every
	// form is safe to send again.
	say := "Nothing was changed. Please try again in a moment; if it keeps happening, tell the people who run Upward."
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		say = "It may not all have been done. Please try again in a moment: sending it again finishes what is missing and does nothing twice. If it keeps happening, tell the people who run Upward."
	}
	s.message(w, r, http.StatusInternalServerError, messageData{
		Heading:    "Something went wrong",
		Paragraphs: []string{say},
	})
}
