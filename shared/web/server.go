// Package web serves the coordinator's pages: the sign-in pages (the links,
// sessions and CSRF tokens behind them are shared/signin's), programmes,
// enrolment, and the public pages participants reach from their emails
// (guides, one-click unsubscribe). It is one net/http handler, served by
// lambdaurl in AWS and by `upward dev` locally.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdaurl"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/guard"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

//go:embed templates static
var files embed.FS

// Store is what the pages need from the table.
type Store interface {
	CreateProgramme(ctx context.Context, p programme.Programme) error
	UpdateProgramme(ctx context.Context, p programme.Programme) error
	GetProgramme(ctx context.Context, id string) (programme.Programme, error)
	ListProgrammes(ctx context.Context) ([]programme.Programme, error)

	Enrol(ctx context.Context, programmeID string, people []programme.Participant, now time.Time) (store.EnrolResult, error)
	ListParticipants(ctx context.Context, programmeID string) ([]programme.Participant, error)
	GetParticipant(ctx context.Context, programmeID, id string) (programme.Participant, error)
	SetStatus(ctx context.Context, programmeID, id string, status programme.Status, note string, now time.Time) (programme.Participant, error)
	NextWelcomeRound(ctx context.Context, programmeID, id string, now time.Time) (programme.Participant, error)

	ListPairs(ctx context.Context, programmeID string) ([]programme.Pair, error)
	ListAnswers(ctx context.Context, programmeID string) ([]store.Answer, error)
	ListReplies(ctx context.Context, programmeID, participantID string) ([]store.Reply, error)
	ListStories(ctx context.Context, programmeID string) ([]store.Story, error)
	ListThanksFrom(ctx context.Context, programmeID, fromID string) ([]store.Thanks, error)
	ListNotes(ctx context.Context, programmeID, participantID string) ([]store.Note, error)
	Erase(ctx context.Context, programmeID, participantID string, quarantined func(store.Quarantined) bool, now time.Time) (string, error)
	// A person's private preferences and assistant, for their own export.
	NotWithOf(ctx context.Context, programmeID, participantID string) ([]store.NotWith, error)
	GetAssistant(ctx context.Context, programmeID, seniorID string) (store.Assistant, error)

	// The review of proposed matches and the org chart (review.go, orgchart.go).
	ListProposals(ctx context.Context, programmeID string) ([]store.Proposal, error)
	FailProposal(ctx context.Context, programmeID, id, reason string, now time.Time) error
	ListNeverPairs(ctx context.Context, programmeID string) ([]store.NeverPair, error)
	GetOrgChart(ctx context.Context) (store.OrgChart, error)
	OrgChartLines(ctx context.Context) ([]store.OrgLine, store.OrgChart, error)
	ReplaceOrgChart(ctx context.Context, lines []store.OrgLine, meta store.OrgChart) (store.OrgChart, error)

	HealthStore
	// The reorganisation guard's reads and records (guard.go).
	guard.Store
}

var _ Store = (*store.Store)(nil)

// Config is the web function's settings.
type Config struct {
	// BaseURL is the site's public address. Empty in AWS behind a Function
	// URL: the URL's own domain, which AWS sets, is used.
	BaseURL string
	// Insecure is for http://localhost only: no Strict-Transport-Security.
	// (Cookies follow signin.Config.Insecure.)
	Insecure bool
	// ProposalWait is how long proposing waits for an in-process run to
	// finish before showing its progress page (default 20s: in AWS an
	// in-process run must end before the function answers).
	ProposalWait time.Duration
}

// Deps are the parts the server is built from.
type Deps struct {
	Store Store
	// SignIn lets coordinators in and says who is signed in.
	SignIn *signin.Gate
	Queue  sendqueue.Queue
	Signer *token.Signer
	Clock  clock.Clock
	Log    *slog.Logger
	// Matches is the review of proposed matches; Proposals starts their
	// runs (in-process or in the match function).
	Matches   Matches
	Proposals ProposalStarter
	// Replies releases quarantined replies (optional: without it the
	// attention list offers only to add the sender's address).
	Replies ReplyReleaser
}

// Server is the coordinator site.
type Server struct {
	Deps
	// pairs changes pairs (the attention list's actions, STOP by link,
	// erasure).
	pairs *lifecycle.Service
	// guard re-checks live pairs against the reporting lines after an org
	// chart upload or an enrolment.
	guard *guard.Guard
	cfg   Config
	pages *pages
	mux   *http.ServeMux
}

// New builds the site.
func New(d Deps, cfg Config) (*Server, error) {
	if d.Store == nil || d.SignIn == nil || d.Queue == nil || d.Signer == nil || d.Clock == nil || d.Log == nil || d.Matches == nil || d.Proposals == nil {
		return nil, errors.New("web: every dependency is required")
	}
	if cfg.ProposalWait == 0 {
		cfg.ProposalWait = 20 * time.Second
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, cfg: cfg, pages: p, mux: http.NewServeMux(), pairs: &lifecycle.Service{Store: d.Store, Queue: d.Queue},
		guard: &guard.Guard{Store: d.Store, Clock: d.Clock, Log: d.Log}}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	static, _ := fs.Sub(files, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(24*time.Hour, http.FileServerFS(static))))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })

	// Public: sign-in, guides, unsubscribe.
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.HandleFunc("GET /signin", s.signinForm)
	s.mux.HandleFunc("POST /signin", s.signinRequest)
	s.mux.HandleFunc("GET /signin/verify", s.verifyForm)
	s.mux.HandleFunc("POST /signin/verify", s.verify)
	s.mux.HandleFunc("GET /guides/{name}", s.guide)
	s.mux.HandleFunc("GET /u/{token}", s.unsubscribeForm)
	s.mux.HandleFunc("POST /u/{token}", s.unsubscribe)

	// Coordinators only.
	s.mux.Handle("POST /signout", s.coordinator(s.signout))
	s.mux.Handle("GET /programmes", s.coordinator(s.listProgrammes))
	s.mux.Handle("GET /programmes/new", s.coordinator(s.newProgramme))
	s.mux.Handle("POST /programmes", s.coordinator(s.createProgramme))
	s.mux.Handle("GET /programmes/{id}", s.coordinator(s.showProgramme))
	s.mux.Handle("GET /programmes/{id}/edit", s.coordinator(s.editProgramme))
	s.mux.Handle("POST /programmes/{id}", s.coordinator(s.updateProgramme))
	s.mux.Handle("POST /programmes/{id}/participants", s.coordinator(s.addParticipant))
	s.mux.Handle("POST /programmes/{id}/import", s.coordinator(s.importCSV))
	s.mux.Handle("GET /programmes/{id}/example.csv", s.coordinator(s.exampleCSV))
	s.mux.Handle("POST /programmes/{id}/participants/{pid}/status", s.coordinator(s.setStatus))
	s.mux.Handle("POST /programmes/{id}/participants/{pid}/welcome", s.coordinator(s.resendWelcome))
	s.mux.Handle("GET /programmes/{id}/participants/{pid}/export.json", s.coordinator(s.exportParticipant))
	s.mux.Handle("GET /programmes/{id}/participants/{pid}/erase", s.coordinator(s.eraseForm))
	s.mux.Handle("POST /programmes/{id}/participants/{pid}/erase", s.coordinator(s.erase))
	s.reviewRoutes()
	s.healthRoutes()
}

// ServeHTTP adds the security headers every response carries, and rejects
// cross-origin state changes before any handler runs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// No script runs on these pages at all; styles only from this origin.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// Sign-in and unsubscribe URLs carry secrets: never leak them onwards.
	h.Set("Referrer-Policy", "no-referrer")
	if !s.cfg.Insecure {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	crossOrigin.Handler(s.mux).ServeHTTP(w, r)
}

// crossOrigin refuses state-changing requests a browser marks as coming from
// another site (Sec-Fetch-Site / Origin). Requests without those headers,
// such as a mail provider's one-click unsubscribe POST, pass; the per-session
// CSRF token still guards every coordinator form.
var crossOrigin = http.NewCrossOriginProtection()

// baseURL is where links in emails point.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	// Behind a Function URL, AWS sets the domain in the event; the Host
	// header is not trusted, so a forged Host cannot redirect sign-in links.
	if ev, ok := lambdaurl.RequestFromContext(r.Context()); ok && ev.RequestContext.DomainName != "" {
		return "https://" + ev.RequestContext.DomainName
	}
	return ""
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.session(r); ok {
		http.Redirect(w, r, "/programmes", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
