package signin

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// OIDC is the organisation's identity provider.
type OIDC struct {
	// Issuer is the provider's issuer URL (its discovery document is at
	// Issuer + "/.well-known/openid-configuration").
	Issuer string
	// ClientID and ClientSecret are Upward's registration at the provider.
	ClientID, ClientSecret string
	// Name is the provider as people know it, on the sign-in button
	// ("Sign in with Okta"); default "your organisation's account".
	Name string
	// GroupsClaim names the ID token's claim that lists the person's groups
	// (default "groups"); Group, when set, is the group they must be in.
	// Either way, only people with an account get in.
	GroupsClaim, Group string
}

// CallbackPath is where the provider sends the browser back; register
// BaseURL + CallbackPath as the client's redirect URI.
const CallbackPath = "/signin/oidc/callback"

// stateCookie binds a sign-in attempt to the browser that began it, so a
// callback URL planted in someone else's browser signs nobody in.
const stateCookie = "upward_oidc"

// stateTTL is how long a sign-in at the provider may take.
const stateTTL = 10 * time.Minute

// Errors of a sign-in by the identity provider.
var (
	// ErrOIDCState: the callback belongs to no sign-in this browser began,
	// or to one already finished or too old.
	ErrOIDCState = errors.New("single sign-on: unknown, used or expired sign-in attempt")
	// ErrOIDCRefused: the provider refused, or what it returned did not
	// prove who the person is (signature, issuer, audience, expiry, nonce).
	ErrOIDCRefused = errors.New("single sign-on: the identity provider's answer was refused")
	// ErrUnverified: the provider does not vouch for the email address.
	ErrUnverified = errors.New("single sign-on: email address not verified")
)

// oidcClient is the provider, discovered on first use (not at start, so a
// provider that is down does not stop the site or magic links).
type oidcClient struct {
	cfg OIDC
	mu  sync.Mutex
	p   *oidc.Provider
	// audience and now stand in for the client id and the wall clock when
	// checking ID tokens; only tests change them.
	audience string
	now      func() time.Time
}

func newOIDCClient(cfg OIDC) *oidcClient {
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = "groups"
	}
	if cfg.Name == "" {
		cfg.Name = "your organisation's account"
	}
	return &oidcClient{cfg: cfg, audience: cfg.ClientID, now: time.Now}
}

func (c *oidcClient) provider(ctx context.Context) (*oidc.Provider, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.p != nil {
		return c.p, nil
	}
	p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover the identity provider %s: %w", c.cfg.Issuer, err)
	}
	c.p = p
	return p, nil
}

func (c *oidcClient) oauth(p *oidc.Provider, base string) *oauth2.Config {
	scopes := []string{oidc.ScopeOpenID, "email", "profile"}
	if c.cfg.Group != "" {
		scopes = append(scopes, c.cfg.GroupsClaim)
	}
	return &oauth2.Config{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, Endpoint: p.Endpoint(), RedirectURL: base + CallbackPath, Scopes: scopes}
}

// OIDCOn reports whether single sign-on is offered, and OIDCName names the
// provider for its button.
func (g *Gate) OIDCOn() bool { return g.oidc != nil }

// OIDCName is the identity provider as people know it.
func (g *Gate) OIDCName() string {
	if g.oidc == nil {
		return ""
	}
	return g.oidc.cfg.Name
}

// Derived per attempt from its state with the HMAC key, so nothing but the
// state's hash is stored.
func (g *Gate) nonce(state string) string    { return g.signer.Secret("oidc-nonce|" + state) }
func (g *Gate) verifier(state string) string { return g.signer.Secret("oidc-pkce|" + state) }

// StartOIDC begins a sign-in at the identity provider (authorization code
// with PKCE, a state bound to this browser, a nonce) and returns the URL to
// send the browser to. base is the site's public address.
func (g *Gate) StartOIDC(ctx context.Context, w http.ResponseWriter, base string) (string, error) {
	if g.oidc == nil {
		return "", errors.New("single sign-on is not configured")
	}
	p, err := g.oidc.provider(ctx)
	if err != nil {
		return "", err
	}
	state := randomSecret()
	now := g.clock.Now()
	if err := g.store.CreateLoginLink(ctx, store.LoginLink{Hash: token.Hash(state), OIDC: true, CreatedAt: now, Expires: now.Add(stateTTL)}); err != nil {
		return "", fmt.Errorf("single sign-on: %w", err)
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: CallbackPath, HttpOnly: true, Secure: !g.cfg.Insecure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(stateTTL.Seconds())})
	return g.oidc.oauth(p, base).AuthCodeURL(state, oidc.Nonce(g.nonce(state)), oauth2.S256ChallengeOption(g.verifier(state))), nil
}

// FinishOIDC handles the provider's callback: the state must be the one
// this browser began with, unused and fresh; the code is exchanged with
// the PKCE verifier; the ID token's signature, issuer, audience, expiry and
// nonce are checked; its email must be verified, in the configured group
// if there is one, and have an account. Then the session starts. It
// returns the address signed in, or ErrOIDCState, ErrOIDCRefused,
// ErrUnverified or ErrNotAllowed.
func (g *Gate) FinishOIDC(ctx context.Context, w http.ResponseWriter, r *http.Request, base string) (string, error) {
	if g.oidc == nil {
		return "", errors.New("single sign-on is not configured")
	}
	q := r.URL.Query()
	state := q.Get("state")
	// The attempt's cookie is spent whatever happens next.
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: "", Path: CallbackPath, HttpOnly: true, Secure: !g.cfg.Insecure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	c, err := r.Cookie(stateCookie)
	if state == "" || err != nil || len(c.Value) != len(state) || !constantEqual(c.Value, state) {
		g.log.Warn("single sign-on refused: state does not match this browser's")
		return "", ErrOIDCState
	}
	link, err := g.store.RedeemLoginLink(ctx, token.Hash(state), g.clock.Now())
	if err != nil || !link.OIDC {
		if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrLinkUsed) && !errors.Is(err, store.ErrLinkExpired) {
			return "", fmt.Errorf("single sign-on: %w", err)
		}
		g.log.Warn("single sign-on refused: state unknown, used or expired")
		return "", ErrOIDCState
	}
	if e := q.Get("error"); e != "" {
		g.log.Warn("single sign-on refused by the provider", "error", e)
		return "", fmt.Errorf("%w: %s", ErrOIDCRefused, e)
	}
	p, err := g.oidc.provider(ctx)
	if err != nil {
		return "", err
	}
	tok, err := g.oidc.oauth(p, base).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(g.verifier(state)))
	if err != nil {
		g.log.Warn("single sign-on refused: code exchange failed", "err", err)
		return "", fmt.Errorf("%w: %v", ErrOIDCRefused, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", fmt.Errorf("%w: no ID token", ErrOIDCRefused)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: g.oidc.audience, Now: g.oidc.now}).Verify(ctx, raw)
	if err != nil {
		g.log.Warn("single sign-on refused: ID token", "err", err)
		return "", fmt.Errorf("%w: %v", ErrOIDCRefused, err)
	}
	if !constantEqual(idt.Nonce, g.nonce(state)) {
		g.log.Warn("single sign-on refused: nonce")
		return "", fmt.Errorf("%w: nonce does not match", ErrOIDCRefused)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return "", fmt.Errorf("%w: %v", ErrOIDCRefused, err)
	}
	if _, ok := claims["email_verified"]; !ok || (g.oidc.cfg.Group != "" && claims[g.oidc.cfg.GroupsClaim] == nil) {
		// Providers that keep the ID token small give these at the userinfo
		// endpoint, which the access token opens; its subject must be the
		// ID token's (OpenID Connect Core 5.3.2).
		info, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			g.log.Warn("single sign-on refused: userinfo", "err", err)
			return "", fmt.Errorf("%w: %v", ErrOIDCRefused, err)
		}
		if info.Subject != idt.Subject {
			return "", fmt.Errorf("%w: userinfo is about another subject", ErrOIDCRefused)
		}
		var more map[string]any
		if err := info.Claims(&more); err != nil {
			return "", fmt.Errorf("%w: %v", ErrOIDCRefused, err)
		}
		for _, k := range []string{"email", "email_verified", g.oidc.cfg.GroupsClaim} {
			if _, ok := claims[k]; !ok && more[k] != nil {
				claims[k] = more[k]
			}
		}
	}
	email, _ := claims["email"].(string)
	email = strings.ToLower(strings.TrimSpace(email))
	if verified, _ := claims["email_verified"].(bool); email == "" || !verified {
		g.log.Info("single sign-on refused: email not verified")
		return "", ErrUnverified
	}
	if grp := g.oidc.cfg.Group; grp != "" && !slices.Contains(claimStrings(claims[g.oidc.cfg.GroupsClaim]), grp) {
		g.log.Info("single sign-on refused: not in the group", "group", grp)
		return "", ErrNotAllowed
	}
	if err := g.startSession(ctx, w, email, "oidc"); err != nil {
		return "", err
	}
	return email, nil
}

// claimStrings reads a claim that lists strings (some providers send one
// group as a plain string).
func claimStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func constantEqual(a, b string) bool {
	return len(a) == len(b) && subtleEqual([]byte(a), []byte(b))
}

func subtleEqual(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }
