// Package signin lets coordinators in: a single-use link emailed to the
// address of an account, or the organisation's identity provider by OpenID
// Connect (oidc.go); then a session cookie, and a CSRF token per session
// that every form must carry. Accounts live in the table; the deployment
// names only the first administrators. The coordinator site (shared/web)
// draws the pages and decides what each role may do; this package owns the
// secrets and the rules about them, so anything that serves coordinators
// can ask who is signed in without reaching into the site.
package signin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

const (
	// SecureCookie is the session cookie over HTTPS: the __Host- prefix
	// binds it to this origin, Secure, path /.
	SecureCookie = "__Host-upward"
	// InsecureCookie is the session cookie on http://localhost, where a
	// browser refuses __Host- cookies.
	InsecureCookie = "upward_session"
	// Floor is how long every request for a link takes at least, so the
	// answer's timing does not tell a coordinator's address from another.
	Floor = 400 * time.Millisecond
	// CSRFField is the form field that carries the session's CSRF token.
	CSRFField = "csrf"
)

// Errors a link can be refused with.
var (
	ErrLinkUsed    = errors.New("sign-in link already used")
	ErrLinkExpired = errors.New("sign-in link expired")
	ErrLinkInvalid = errors.New("sign-in link not valid")
	// ErrNotAllowed: the person has no account (any more), or is not in
	// the identity provider's group that may sign in.
	ErrNotAllowed = errors.New("no account allowed to sign in")
	// ErrLinksOff: this deployment signs in by single sign-on only.
	ErrLinksOff = errors.New("sign-in links are switched off")
)

// Store keeps accounts, links and sessions (secrets by their hash).
type Store interface {
	CreateLoginLink(ctx context.Context, l store.LoginLink) error
	RedeemLoginLink(ctx context.Context, hash string, now time.Time) (store.LoginLink, error)
	CreateSession(ctx context.Context, s store.Session) error
	GetSession(ctx context.Context, hash string, now time.Time) (store.Session, error)
	DeleteSession(ctx context.Context, hash string) error
	GetAccount(ctx context.Context, email string) (store.Account, error)
	CreateAccount(ctx context.Context, a store.Account) error
	MarkSignedIn(ctx context.Context, email string, at time.Time) error
	CountAttempt(ctx context.Context, key string, window time.Duration, now time.Time) (int, error)
}

var _ Store = (*store.Store)(nil)

// Limits bound how often a sign-in link may be asked for. An address or a
// source over its limit gets the same page and nothing is sent.
type Limits struct {
	PerAddressMinute, PerAddressHour, PerSourceHour int
}

// DefaultLimits: one link a minute and five an hour per address, thirty an
// hour from one source (an office behind one address).
var DefaultLimits = Limits{PerAddressMinute: 1, PerAddressHour: 5, PerSourceHour: 30}

// Config says who may sign in, how and for how long.
type Config struct {
	// Administrators are the first administrators (lower-case addresses):
	// each gets an administrator account the first time they sign in
	// without one. Everyone else is invited from the accounts page.
	Administrators []string
	// Insecure drops the Secure flag from cookies, for http://localhost only.
	Insecure bool
	// LoginTTL, InviteTTL and SessionTTL bound sign-in links (default 15
	// minutes), invitations (7 days) and sessions (12 hours).
	LoginTTL, InviteTTL, SessionTTL time.Duration
	// LinksOff switches magic links off, for organisations that sign in
	// by their identity provider only.
	LinksOff bool
	// OIDC is the organisation's identity provider (empty Issuer: none).
	OIDC OIDC
	// Limits default to DefaultLimits.
	Limits Limits
}

// Gate issues links and sessions and tells who is signed in. Its clock
// should be real time: sessions and links follow the wall clock even where
// the programmes' clock is moved (`upward dev`).
type Gate struct {
	store  Store
	queue  sendqueue.Queue
	signer *token.Signer
	clock  clock.Clock
	log    *slog.Logger
	cfg    Config
	oidc   *oidcClient
}

// New builds a gate. Sign-in emails are queued, not sent: the request
// answers in the same time whether or not an email goes, and sending
// shares the send function's rate with every other email.
func New(st Store, q sendqueue.Queue, signer *token.Signer, clk clock.Clock, log *slog.Logger, cfg Config) (*Gate, error) {
	if st == nil || q == nil || signer == nil || clk == nil || log == nil {
		return nil, errors.New("signin: store, queue, signer, clock and log are required")
	}
	if cfg.LoginTTL == 0 {
		cfg.LoginTTL = 15 * time.Minute
	}
	if cfg.InviteTTL == 0 {
		cfg.InviteTTL = 7 * 24 * time.Hour
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits
	}
	for i, a := range cfg.Administrators {
		cfg.Administrators[i] = strings.ToLower(strings.TrimSpace(a))
	}
	g := &Gate{store: st, queue: q, signer: signer, clock: clk, log: log, cfg: cfg}
	if cfg.OIDC.Issuer != "" {
		if cfg.OIDC.ClientID == "" || cfg.OIDC.ClientSecret == "" {
			return nil, errors.New("signin: single sign-on needs the client id and secret as well as the issuer")
		}
		g.oidc = newOIDCClient(cfg.OIDC)
	}
	if cfg.LinksOff && g.oidc == nil {
		return nil, errors.New("signin: with sign-in links switched off, an identity provider (OIDC issuer) is required")
	}
	return g, nil
}

// LinksOn reports whether sign-in links are offered.
func (g *Gate) LinksOn() bool { return !g.cfg.LinksOff }

// LoginTTL is how long a sign-in link works.
func (g *Gate) LoginTTL() time.Duration { return g.cfg.LoginTTL }

// randomSecret is 256 random bits, URL-safe.
func randomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (g *Gate) cookieName() string {
	if g.cfg.Insecure {
		return InsecureCookie
	}
	return SecureCookie
}

// account returns the account of a (normalised) address: the stored one,
// or, for a first administrator named by the deployment, a new
// administrator account.
func (g *Gate) account(ctx context.Context, email string) (store.Account, error) {
	a, err := g.store.GetAccount(ctx, email)
	if !errors.Is(err, store.ErrNotFound) || !slices.Contains(g.cfg.Administrators, email) {
		return a, err
	}
	a = store.Account{Email: email, Role: store.RoleAdministrator, InvitedBy: "the deployment", InvitedAt: g.clock.Now()}
	if err := g.store.CreateAccount(ctx, a); err != nil && !errors.Is(err, store.ErrConflict) {
		return a, err
	}
	g.log.Info("first administrator's account created", "account", email)
	return g.store.GetAccount(ctx, email)
}

// RequestLink queues a sign-in link to email if it has an account, built
// on base (the site's public address); any other address gets nothing, and
// so does an address or a source (the requester's IP address) over its
// limits. Either way the call takes at least Floor, so neither the answer
// nor its timing tells the caller which addresses have accounts. email
// must be normalised (programme.NormalizeEmail).
func (g *Gate) RequestLink(ctx context.Context, email, source string) error {
	start := time.Now()
	defer func() {
		if wait := Floor - time.Since(start); wait > 0 {
			time.Sleep(wait)
		}
	}()
	if g.cfg.LinksOff {
		return ErrLinksOff
	}
	over, err := g.overLimit(ctx, email, source)
	if err != nil {
		return err
	}
	if over {
		return nil
	}
	_, err = g.account(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		g.log.Info("sign-in requested for an address without an account")
		return nil
	}
	if err != nil {
		return fmt.Errorf("sign-in link: %w", err)
	}
	return g.queueLink(ctx, email, "", g.cfg.LoginTTL)
}

// overLimit counts the request against its address and its source.
func (g *Gate) overLimit(ctx context.Context, email, source string) (bool, error) {
	now := g.clock.Now()
	addr := "addr#" + token.Hash(email)[:32]
	checks := []struct {
		key    string
		window time.Duration
		max    int
	}{
		{addr, time.Minute, g.cfg.Limits.PerAddressMinute},
		{addr, time.Hour, g.cfg.Limits.PerAddressHour},
		{"src#" + source, time.Hour, g.cfg.Limits.PerSourceHour},
	}
	over := false
	for _, c := range checks {
		if c.max <= 0 || (strings.HasPrefix(c.key, "src#") && source == "") {
			continue
		}
		n, err := g.store.CountAttempt(ctx, c.key, c.window, now)
		if err != nil {
			return false, fmt.Errorf("sign-in limits: %w", err)
		}
		if n > c.max {
			over = true
		}
	}
	if over {
		g.log.Warn("sign-in link refused: too many requests", "source", source)
	}
	return over, nil
}

// queueLink stores a link and queues its email. The link's id names it in
// the job; its secret is derived from the id with the HMAC key.
func (g *Gate) queueLink(ctx context.Context, email, invitedBy string, ttl time.Duration) error {
	id := randomSecret()
	secret := mail.LinkSecret(g.signer, id)
	now := g.clock.Now()
	if err := g.store.CreateLoginLink(ctx, store.LoginLink{Hash: token.Hash(secret), Email: email, CreatedAt: now, Expires: now.Add(ttl), InvitedBy: invitedBy}); err != nil {
		return fmt.Errorf("sign-in link: %w", err)
	}
	if err := g.queue.Enqueue(ctx, sendqueue.SignIn{Link: id}); err != nil {
		return fmt.Errorf("sign-in link: %w", err)
	}
	g.log.Info("sign-in link queued", "coordinator", email, "invitation", invitedBy != "")
	return nil
}

// Invite queues an invitation (a sign-in link valid for InviteTTL) to the
// account of email, from the administrator by.
func (g *Gate) Invite(ctx context.Context, email, by string) error {
	return g.queueLink(ctx, email, by, g.cfg.InviteTTL)
}

// Redeem uses a link's secret up, starts a session and sets its cookie on
// w. It returns the coordinator's address, or one of the ErrLink errors or
// ErrNotAllowed when the link cannot sign anyone in.
func (g *Gate) Redeem(ctx context.Context, w http.ResponseWriter, secret string) (string, error) {
	if g.cfg.LinksOff {
		return "", ErrLinksOff
	}
	now := g.clock.Now()
	link, err := g.store.RedeemLoginLink(ctx, token.Hash(secret), now)
	switch {
	case err == nil && link.OIDC:
		err = ErrLinkInvalid // an OIDC state is not a sign-in link
	case err == nil:
	case errors.Is(err, store.ErrLinkUsed):
		err = ErrLinkUsed
	case errors.Is(err, store.ErrLinkExpired):
		err = ErrLinkExpired
	case errors.Is(err, store.ErrNotFound):
		err = ErrLinkInvalid
	default:
		return "", fmt.Errorf("redeem sign-in link: %w", err)
	}
	if err != nil {
		g.log.Info("sign-in link refused", "reason", err.Error())
		return "", err
	}
	if err := g.startSession(ctx, w, link.Email, "link"); err != nil {
		return "", err
	}
	return link.Email, nil
}

// startSession signs the account of email in: ErrNotAllowed if it has none.
func (g *Gate) startSession(ctx context.Context, w http.ResponseWriter, email, method string) error {
	a, err := g.account(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		g.log.Info("sign-in refused: no account", "method", method)
		return ErrNotAllowed
	}
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	now := g.clock.Now()
	cookie := randomSecret()
	sess := store.Session{Hash: token.Hash(cookie), Email: a.Email, CSRF: randomSecret(), CreatedAt: now, Expires: now.Add(g.cfg.SessionTTL),
		Generation: a.Generation, Method: method}
	if err := g.store.CreateSession(ctx, sess); err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	if err := g.store.MarkSignedIn(ctx, a.Email, now); err != nil {
		g.log.Error("record sign-in", "err", err)
	}
	http.SetCookie(w, &http.Cookie{
		Name: g.cookieName(), Value: cookie, Path: "/", HttpOnly: true, Secure: !g.cfg.Insecure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(g.cfg.SessionTTL.Seconds()),
	})
	g.log.Info("coordinator signed in", "coordinator", a.Email, "method", method)
	return nil
}

type whoKey struct{}

// who is a request's signed-in coordinator, once looked up.
type who struct {
	sess    store.Session
	account store.Account
	known   bool // account was read (Remember stores a session only)
}

// SignedIn returns the signed-in coordinator's session, if the request
// carries a live one whose account still exists with the rights it had
// when the session began.
func (g *Gate) SignedIn(r *http.Request) (store.Session, bool) {
	if w, ok := r.Context().Value(whoKey{}).(who); ok {
		return w.sess, true
	}
	sess, _, ok := g.lookup(r)
	return sess, ok
}

// Account returns the signed-in coordinator's account, read with the
// session: their role and programmes as they are now.
func (g *Gate) Account(r *http.Request) (store.Account, bool) {
	_, a, ok := g.lookup(r)
	return a, ok
}

func (g *Gate) lookup(r *http.Request) (store.Session, store.Account, bool) {
	if w, ok := r.Context().Value(whoKey{}).(who); ok && w.known {
		return w.sess, w.account, true
	}
	c, err := r.Cookie(g.cookieName())
	if err != nil || c.Value == "" {
		return store.Session{}, store.Account{}, false
	}
	ctx := r.Context()
	sess, err := g.store.GetSession(ctx, token.Hash(c.Value), g.clock.Now())
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			g.log.Error("read session", "err", err)
		}
		return store.Session{}, store.Account{}, false
	}
	a, err := g.account(ctx, sess.Email)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			g.log.Error("read account", "err", err)
		}
		// A removed account loses access at once.
		return store.Session{}, store.Account{}, false
	}
	if a.Generation != sess.Generation {
		// A role taken away ends the sessions begun with it.
		return store.Session{}, store.Account{}, false
	}
	return sess, a, true
}

// Remember returns r carrying sess, so that later calls of SignedIn while
// handling r do not read the table again.
func Remember(r *http.Request, sess store.Session) *http.Request {
	if w, ok := r.Context().Value(whoKey{}).(who); ok && w.known && w.sess.Hash == sess.Hash {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), whoKey{}, who{sess: sess}))
}

// RememberAccount returns r carrying the session and account, so that later
// calls of SignedIn and Account while handling r do not read them again.
func RememberAccount(r *http.Request, sess store.Session, a store.Account) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), whoKey{}, who{sess: sess, account: a, known: true}))
}

// ValidCSRF reports whether the request's (already parsed) form carries
// the session's CSRF token, compared in constant time.
func ValidCSRF(r *http.Request, sess store.Session) bool {
	return sess.CSRF != "" && subtle.ConstantTimeCompare([]byte(r.PostFormValue(CSRFField)), []byte(sess.CSRF)) == 1
}

// SignOut ends the request's session and clears its cookie.
func (g *Gate) SignOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(g.cookieName()); err == nil && c.Value != "" {
		if err := g.store.DeleteSession(r.Context(), token.Hash(c.Value)); err != nil {
			return fmt.Errorf("sign out: %w", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: g.cookieName(), Value: "", Path: "/", HttpOnly: true, Secure: !g.cfg.Insecure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return nil
}
