// Package signin lets coordinators in: a single-use link emailed to an
// allow-listed address, a session cookie once the link is redeemed, and a
// CSRF token per session that every form must carry. The coordinator site
// (shared/web) draws the pages; this package owns the secrets and the rules
// about them, so anything that serves coordinators can ask who is signed in
// without reaching into the site.
package signin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/store"
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
	// ErrNotAllowed: the link is sound but its address has since left the
	// allow-list.
	ErrNotAllowed = errors.New("address no longer allowed to sign in")
)

// Store keeps links and sessions, by the hash of their secrets.
type Store interface {
	CreateLoginLink(ctx context.Context, l store.LoginLink) error
	RedeemLoginLink(ctx context.Context, hash string, now time.Time) (store.LoginLink, error)
	CreateSession(ctx context.Context, s store.Session) error
	GetSession(ctx context.Context, hash string, now time.Time) (store.Session, error)
	DeleteSession(ctx context.Context, hash string) error
}

var _ Store = (*store.Store)(nil)

// Sender sends the sign-in email; it is sent directly, not queued, because
// the coordinator is waiting for it.
type Sender interface {
	Send(ctx context.Context, e mail.Email) (string, error)
}

// Config says who may sign in and for how long.
type Config struct {
	// Coordinators may sign in (lower-case addresses).
	Coordinators []string
	// FromAddress sends sign-in links.
	FromAddress string
	// Insecure drops the Secure flag from cookies, for http://localhost only.
	Insecure bool
	// LoginTTL and SessionTTL bound sign-in links (default 15 minutes) and
	// sessions (default 12 hours).
	LoginTTL, SessionTTL time.Duration
}

// Gate issues links and sessions and tells who is signed in.
type Gate struct {
	store  Store
	sender Sender
	clock  clock.Clock
	log    *slog.Logger
	cfg    Config
}

// New builds a gate.
func New(st Store, sender Sender, clk clock.Clock, log *slog.Logger, cfg Config) (*Gate, error) {
	if st == nil || sender == nil || clk == nil || log == nil {
		return nil, errors.New("signin: store, sender, clock and log are required")
	}
	if cfg.FromAddress == "" {
		return nil, errors.New("signin: FromAddress is required")
	}
	if cfg.LoginTTL == 0 {
		cfg.LoginTTL = 15 * time.Minute
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	return &Gate{store: st, sender: sender, clock: clk, log: log, cfg: cfg}, nil
}

// randomSecret is 256 random bits, URL-safe.
func randomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hash is how secrets are stored: a leaked table holds no usable link or
// session.
func hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func (g *Gate) cookieName() string {
	if g.cfg.Insecure {
		return InsecureCookie
	}
	return SecureCookie
}

// allowed reports whether a (normalised) address may sign in.
func (g *Gate) allowed(email string) bool { return slices.Contains(g.cfg.Coordinators, email) }

// RequestLink emails a sign-in link to email if it is allow-listed, built
// on base (the site's public address); any other address gets nothing.
// Either way the call takes at least Floor, so neither the answer nor its
// timing tells the caller which addresses are coordinators'. email must be
// normalised (programme.NormalizeEmail).
func (g *Gate) RequestLink(ctx context.Context, email, base string) error {
	start := time.Now()
	if g.allowed(email) {
		if err := g.sendLink(ctx, email, base); err != nil {
			return err
		}
	} else {
		g.log.Info("sign-in requested for an address not on the allow-list")
	}
	if wait := Floor - time.Since(start); wait > 0 {
		time.Sleep(wait)
	}
	return nil
}

func (g *Gate) sendLink(ctx context.Context, email, base string) error {
	if base == "" {
		return errors.New("no base URL to build the sign-in link")
	}
	secret := randomSecret()
	now := g.clock.Now()
	if err := g.store.CreateLoginLink(ctx, store.LoginLink{Hash: hash(secret), Email: email, CreatedAt: now, Expires: now.Add(g.cfg.LoginTTL)}); err != nil {
		return fmt.Errorf("sign-in link: %w", err)
	}
	e, err := mail.LoginEmail(g.cfg.FromAddress, email, base+"/signin/verify?token="+url.QueryEscape(secret), g.cfg.LoginTTL)
	if err != nil {
		return fmt.Errorf("sign-in link: %w", err)
	}
	if _, err := g.sender.Send(ctx, e); err != nil {
		return fmt.Errorf("sign-in link: %w", err)
	}
	g.log.Info("sign-in link sent", "coordinator", email)
	return nil
}

// Redeem uses a link's secret up, starts a session and sets its cookie on
// w. It returns the coordinator's address, or one of the ErrLink errors or
// ErrNotAllowed when the link cannot sign anyone in.
func (g *Gate) Redeem(ctx context.Context, w http.ResponseWriter, secret string) (string, error) {
	now := g.clock.Now()
	link, err := g.store.RedeemLoginLink(ctx, hash(secret), now)
	switch {
	case err == nil && !g.allowed(link.Email):
		err = ErrNotAllowed
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
	cookie := randomSecret()
	sess := store.Session{Hash: hash(cookie), Email: link.Email, CSRF: randomSecret(), CreatedAt: now, Expires: now.Add(g.cfg.SessionTTL)}
	if err := g.store.CreateSession(ctx, sess); err != nil {
		return "", fmt.Errorf("start session: %w", err)
	}
	http.SetCookie(w, &http.Cookie{
		Name: g.cookieName(), Value: cookie, Path: "/", HttpOnly: true, Secure: !g.cfg.Insecure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(g.cfg.SessionTTL.Seconds()),
	})
	g.log.Info("coordinator signed in", "coordinator", link.Email)
	return link.Email, nil
}

type sessionKey struct{}

// SignedIn returns the signed-in coordinator's session, if the request
// carries a live one whose address is still allow-listed.
func (g *Gate) SignedIn(r *http.Request) (store.Session, bool) {
	if sess, ok := r.Context().Value(sessionKey{}).(store.Session); ok {
		return sess, true
	}
	c, err := r.Cookie(g.cookieName())
	if err != nil || c.Value == "" {
		return store.Session{}, false
	}
	sess, err := g.store.GetSession(r.Context(), hash(c.Value), g.clock.Now())
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			g.log.Error("read session", "err", err)
		}
		return store.Session{}, false
	}
	// A coordinator removed from the allow-list loses access at once.
	if !g.allowed(sess.Email) {
		return store.Session{}, false
	}
	return sess, true
}

// Remember returns r carrying sess, so that later calls of SignedIn while
// handling r do not read the table again.
func Remember(r *http.Request, sess store.Session) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess))
}

// ValidCSRF reports whether the request's (already parsed) form carries
// the session's CSRF token, compared in constant time.
func ValidCSRF(r *http.Request, sess store.Session) bool {
	return sess.CSRF != "" && subtle.ConstantTimeCompare([]byte(r.PostFormValue(CSRFField)), []byte(sess.CSRF)) == 1
}

// SignOut ends the request's session and clears its cookie.
func (g *Gate) SignOut(w http.ResponseWriter, r *http.Request) error {
	sess, _ := g.SignedIn(r)
	if err := g.store.DeleteSession(r.Context(), sess.Hash); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	http.SetCookie(w, &http.Cookie{Name: g.cookieName(), Value: "", Path: "/", HttpOnly: true, Secure: !g.cfg.Insecure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return nil
}
