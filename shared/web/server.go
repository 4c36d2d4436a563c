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
	"github.com/upward-mentoring/upward/shared/oneclick"
	"github.com/upward-mentoring/upward/shared/orgchart"
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
	// A person's own goals and applied answers: for their data export only.
	ListGoalsOf(ctx context.Context, programmeID, participantID string) ([]store.Goal, error)
	ListAppliedOf(ctx context.Context, programmeID, participantID string) ([]store.Applied, error)
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
	// The pages participants open from their emails' links (links.go).
	LinkStore
	AccountStore
	AuditStore
	// The reorganisation guard's reads and records (guard.go).
	guard.Store
	// Org chart uploads (orgchart.go).
	orgchart.Store
	// Stories published beyond the coordinators (publish.go).
	PublicationStore
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
	// AttentionPageSize is how many entries a page of the attention list
	// shows (default AttentionPageSize; tests page through a few).
	AttentionPageSize int
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
	// Answers records what participants answer on the pages their
	// emails' links open, exactly as their replies are recorded.
	Answers AnswerRecorder
	// OrgUploads is the bucket org charts are uploaded to, straight from
	// the browser (optional: without it the org chart page posts the file
	// to the site, which takes a few MB at most).
	OrgUploads *orgchart.Bucket
}

// Server is the coordinator site.
type Server struct {
	Deps
	// pairs changes pairs (the attention list's actions, STOP by link,
	// erasure).
	pairs *lifecycle.Service
	// reorg re-checks live pairs against the reporting lines after an org
	// chart upload or an enrolment.
	reorg *guard.Guard
	// orgcharts replaces the org chart with an upload (and signs the
	// forms that upload straight to S3).
	orgcharts *orgchart.Importer
	cfg       Config
	pages     *pages
	mux       *http.ServeMux
	// table lists every route with who may use it (access.go).
	table []Route
}

// New builds the site.
func New(d Deps, cfg Config) (*Server, error) {
	if d.Store == nil || d.SignIn == nil || d.Queue == nil || d.Signer == nil || d.Clock == nil || d.Log == nil || d.Matches == nil || d.Proposals == nil || d.Answers == nil {
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
		reorg: &guard.Guard{Store: d.Store, Clock: d.Clock, Log: d.Log}}
	s.orgcharts = &orgchart.Importer{Store: d.Store, Guard: s.reorg, Clock: d.Clock, Log: d.Log, GuardBudget: guardBudget}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	static, _ := fs.Sub(files, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(24*time.Hour, http.FileServerFS(static))))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })

	// Public: sign-in, guides, unsubscribe.
	s.handle("GET /{$}", Public, s.home)
	s.handle("GET /signin", Public, s.signinForm)
	s.handle("POST /signin", Public, s.signinRequest)
	s.handle("GET /signin/verify", Public, s.verifyForm)
	s.handle("POST /signin/verify", Public, s.verify)
	// A link, not a form: the site's CSP (form-action 'self') would stop a
	// form's redirect to the identity provider.
	s.handle("GET /signin/oidc", Public, s.oidcStart)
	s.handle("GET "+signin.CallbackPath, Public, s.oidcCallback)
	s.handle("GET /guides/{name}", Public, s.guide)
	s.handle("GET /u/{token}", Public, s.unsubscribeForm)
	s.handle("POST /u/{token}", Public, s.unsubscribe)
	// One-click answers and each person's own page (links.go): a GET shows,
	// only the page's button changes anything.
	s.handle("GET "+oneclick.AnswerPath+"{token}", Public, s.answerForm)
	s.handle("POST "+oneclick.AnswerPath+"{token}", Public, s.answer)
	s.handle("GET "+oneclick.PagePath+"{token}", Public, s.personal)
	s.handle("GET "+oneclick.PagePath+"{token}/{action}", Public, s.personalConfirm)
	s.handle("POST "+oneclick.PagePath+"{token}/{action}", Public, s.personalChange)

	// Coordinators, by role and programme (access.go).
	s.handle("POST /signout", SignedIn, s.signout)
	s.handle("GET /programmes", SignedIn, s.listProgrammes)
	s.handle("GET /programmes/new", Creator, s.newProgramme)
	s.handle("POST /programmes", Creator, s.createProgramme)
	s.handle("GET /programmes/{id}", ProgrammeEdit, s.showProgramme)
	s.handle("GET /programmes/{id}/edit", ProgrammeEdit, s.editProgramme)
	s.handle("POST /programmes/{id}", ProgrammeEdit, s.updateProgramme)
	s.handle("POST /programmes/{id}/participants", ProgrammeEdit, s.addParticipant)
	s.handle("POST /programmes/{id}/participants/bulk", ProgrammeEdit, s.bulkAction)
	s.handle("POST /programmes/{id}/import", ProgrammeEdit, s.importCSV)
	s.handle("GET /programmes/{id}/example.csv", ProgrammeEdit, s.exampleCSV)
	s.handle("POST /programmes/{id}/participants/{pid}/status", ProgrammeEdit, s.setStatus)
	s.handle("POST /programmes/{id}/participants/{pid}/welcome", ProgrammeEdit, s.resendWelcome)
	s.handle("GET /programmes/{id}/participants/{pid}/export.json", ProgrammeEdit, s.exportParticipant)
	s.handle("GET /programmes/{id}/participants/{pid}/erase", ProgrammeEdit, s.eraseForm)
	s.handle("POST /programmes/{id}/participants/{pid}/erase", ProgrammeEdit, s.erase)
	s.reviewRoutes()
	s.healthRoutes()
	s.accountRoutes()
	s.publishRoutes()
}

// csp is every page's Content-Security-Policy: no script runs on these
// pages at all, styles only from this origin, forms post to the site only
// (the org chart page adds the upload bucket's origin: orgchart.go).
const csp = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// ServeHTTP adds the security headers every response carries, and rejects
// cross-origin state changes before any handler runs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
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
