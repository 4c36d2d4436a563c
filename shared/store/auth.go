package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
)

const (
	typeLoginLink = "login_link"
	typeSession   = "session"
)

// Login link outcomes.
var (
	ErrLinkUsed    = errors.New("sign-in link already used")
	ErrLinkExpired = errors.New("sign-in link expired")
)

// LoginLink is a magic sign-in link, stored by the hash of its secret so a
// leaked table does not leak working links.
type LoginLink struct {
	Hash      string    `dynamodbav:"-"`
	Email     string    `dynamodbav:"email"`
	CreatedAt time.Time `dynamodbav:"created_at"`
	Expires   time.Time `dynamodbav:"expires"`
	Used      bool      `dynamodbav:"used"`
	UsedAt    time.Time `dynamodbav:"used_at,omitempty"`
	// InvitedBy is set on an invitation: the administrator who sent it.
	InvitedBy string `dynamodbav:"invited_by,omitempty"`
	// OIDC marks the state of a sign-in at the identity provider, kept
	// like a link so that it is used once and expires.
	OIDC bool `dynamodbav:"oidc,omitempty"`
}

type loginItem struct {
	keys
	LoginLink
}

func loginPK(hash string) string { return "LOGIN#" + hash }

// CreateLoginLink stores a new link.
func (s *Store) CreateLoginLink(ctx context.Context, l LoginLink) error {
	it := loginItem{keys: keys{PK: loginPK(l.Hash), SK: "META", Type: typeLoginLink, ExpiresAt: l.Expires.Add(24 * time.Hour).Unix()}, LoginLink: l}
	if err := s.put(ctx, it, notExists(), ErrConflict); err != nil {
		return fmt.Errorf("create login link: %w", err)
	}
	return nil
}

// RedeemLoginLink marks a link used and returns it, exactly once: the
// conditional update lets only one of two racing requests through.
func (s *Store) RedeemLoginLink(ctx context.Context, hash string, now time.Time) (LoginLink, error) {
	cond := expression.AttributeExists(expression.Name(AttrPK)).
		And(expression.Name("used").Equal(expression.Value(false))).
		And(expression.Name("expires").GreaterThan(expression.Value(now)))
	upd := expression.Set(expression.Name("used"), expression.Value(true)).Set(expression.Name("used_at"), expression.Value(now))
	var it loginItem
	err := s.update(ctx, loginPK(hash), "META", upd, &cond, ErrConflict, &it)
	if err == nil {
		it.LoginLink.Hash = hash
		return it.LoginLink, nil
	}
	if !errors.Is(err, ErrConflict) {
		return LoginLink{}, fmt.Errorf("redeem login link: %w", err)
	}
	// Say precisely why: the person should know whether to ask for a new link.
	var old loginItem
	if err := s.get(ctx, loginPK(hash), "META", &old); err != nil {
		return LoginLink{}, fmt.Errorf("redeem login link: %w", err)
	}
	if old.Used {
		return LoginLink{}, ErrLinkUsed
	}
	return LoginLink{}, ErrLinkExpired
}

// Session is a signed-in coordinator.
type Session struct {
	Hash      string    `dynamodbav:"-"`
	Email     string    `dynamodbav:"email"`
	CSRF      string    `dynamodbav:"csrf"`
	CreatedAt time.Time `dynamodbav:"created_at"`
	Expires   time.Time `dynamodbav:"expires"`
	// Generation is the account's generation when the session began: a
	// change that takes rights away ends it.
	Generation int `dynamodbav:"generation"`
	// Method is how the coordinator signed in: "link" or "oidc".
	Method string `dynamodbav:"method,omitempty"`
}

type sessionItem struct {
	keys
	Session
}

func sessionPK(hash string) string { return "SESSION#" + hash }

// CreateSession stores a session under the hash of its cookie value.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	it := sessionItem{keys: keys{PK: sessionPK(sess.Hash), SK: "META", Type: typeSession, ExpiresAt: sess.Expires.Unix()}, Session: sess}
	if err := s.put(ctx, it, notExists(), ErrConflict); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// GetSession returns a live session, or ErrNotFound when it is absent or
// expired (TTL deletes lazily, so expiry is checked here too).
func (s *Store) GetSession(ctx context.Context, hash string, now time.Time) (Session, error) {
	var it sessionItem
	if err := s.get(ctx, sessionPK(hash), "META", &it); err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	if !now.Before(it.Expires) {
		return Session{}, fmt.Errorf("session expired: %w", ErrNotFound)
	}
	it.Session.Hash = hash
	return it.Session, nil
}

// DeleteSession signs a session out.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.delete(ctx, sessionPK(hash), "META")
}

// GetLoginLink reads a link by the hash of its secret (for the email that
// carries it: the send job names the link, never its secret).
func (s *Store) GetLoginLink(ctx context.Context, hash string) (LoginLink, error) {
	var it loginItem
	if err := s.get(ctx, loginPK(hash), "META", &it); err != nil {
		return LoginLink{}, fmt.Errorf("login link: %w", err)
	}
	it.LoginLink.Hash = hash
	return it.LoginLink, nil
}

// CountAttempt adds one to the counter named key for the window of length
// window that now falls in, and returns the count so far. Sign-in requests
// are limited with it; the counters expire on their own.
func (s *Store) CountAttempt(ctx context.Context, key string, window time.Duration, now time.Time) (int, error) {
	start := now.Truncate(window)
	pk := fmt.Sprintf("LIMIT#%s#%d#%d", key, int64(window.Seconds()), start.Unix())
	upd := expression.Add(expression.Name("n"), expression.Value(1)).
		Set(expression.Name("type"), expression.Value("limit")).
		Set(expression.Name(AttrTTL), expression.Value(start.Add(window+time.Hour).Unix()))
	var out struct {
		N int `dynamodbav:"n"`
	}
	if err := s.update(ctx, pk, "META", upd, nil, nil, &out); err != nil {
		return 0, fmt.Errorf("count attempt: %w", err)
	}
	return out.N, nil
}
