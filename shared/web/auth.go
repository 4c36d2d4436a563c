package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

const (
	secureCookie   = "__Host-upward" // __Host- binds it to this origin, Secure, path /
	insecureCookie = "upward_session"
	// signinFloor is how long every sign-in request takes at least, so the
	// answer's timing does not tell a coordinator address from another.
	signinFloor = 400 * time.Millisecond
	// maxFormBody bounds an ordinary form post.
	maxFormBody = 256 << 10
)

type sessionKey struct{}

func randomToken() string {
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

func (s *Server) cookieName() string {
	if s.cfg.Insecure {
		return insecureCookie
	}
	return secureCookie
}

// session returns the signed-in coordinator's session, if any.
func (s *Server) session(r *http.Request) (store.Session, bool) {
	if sess, ok := r.Context().Value(sessionKey{}).(store.Session); ok {
		return sess, true
	}
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" {
		return store.Session{}, false
	}
	sess, err := s.Store.GetSession(r.Context(), hash(c.Value), s.Clock.Now())
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.Log.Error("read session", "err", err)
		}
		return store.Session{}, false
	}
	// A coordinator removed from the allow-list loses access at once.
	if !slices.Contains(s.cfg.Coordinators, sess.Email) {
		return store.Session{}, false
	}
	return sess, true
}

// coordinator guards a handler: signed in, and for anything but GET and
// HEAD, a CSRF token that matches the session's.
func (s *Server) coordinator(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, ok := s.session(r)
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/signin", http.StatusSeeOther)
				return
			}
			s.message(w, r, http.StatusUnauthorized, messageData{
				Heading:    "Please sign in again",
				Paragraphs: []string{"Your session has ended, so nothing was changed. Sign in and try again."},
				Link:       &messageLink{URL: "/signin", Text: "Sign in"},
			})
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if isMultipart(r) {
				r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
				if err := r.ParseMultipartForm(1 << 20); err != nil {
					s.uploadTooLarge(w, r, err)
					return
				}
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
				if err := r.ParseForm(); err != nil {
					s.message(w, r, http.StatusRequestEntityTooLarge, messageData{Heading: "Nothing was saved", Paragraphs: []string{"The form was too large to accept. Shorten the longest fields and try again."}})
					return
				}
			}
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(sess.CSRF)) != 1 {
				s.Log.Warn("csrf token missing or wrong", "path", r.URL.Path, "coordinator", sess.Email)
				s.message(w, r, http.StatusForbidden, messageData{
					Heading:    "This form has expired",
					Paragraphs: []string{"For your security the request was refused and nothing was changed. Go back, reload the page and try again."},
				})
				return
			}
		}
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess)))
	})
}

type signinData struct {
	Email string
	Sent  bool
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signin", view{Title: "Sign in", Data: signinData{}})
}

// signinRequest emails a magic link to an allow-listed address. Known and
// unknown addresses get the same answer, in about the same time.
func (s *Server) signinRequest(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	raw := r.PostFormValue("email")
	email, err := programme.NormalizeEmail(raw)
	if err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "signin", view{
			Title:  "Sign in",
			Errors: programme.FieldErrors{"email": "Enter your email address, like name@example.org."},
			Data:   signinData{Email: raw},
		})
		return
	}
	if slices.Contains(s.cfg.Coordinators, email) {
		if err := s.sendLoginLink(r, email); err != nil {
			s.serverError(w, r, err)
			return
		}
	} else {
		s.Log.Info("sign-in requested for an address not on the allow-list")
	}
	if wait := signinFloor - time.Since(start); wait > 0 {
		time.Sleep(wait)
	}
	s.render(w, r, http.StatusOK, "signin", view{Title: "Check your email", Data: signinData{Email: email, Sent: true}})
}

func (s *Server) sendLoginLink(r *http.Request, email string) error {
	base := s.baseURL(r)
	if base == "" {
		return errors.New("no base URL to build the sign-in link")
	}
	secret := randomToken()
	now := s.Clock.Now()
	if err := s.Store.CreateLoginLink(r.Context(), store.LoginLink{Hash: hash(secret), Email: email, CreatedAt: now, Expires: now.Add(s.cfg.LoginTTL)}); err != nil {
		return err
	}
	e, err := mail.LoginEmail(s.cfg.FromAddress, email, base+"/signin/verify?token="+url.QueryEscape(secret), s.cfg.LoginTTL)
	if err != nil {
		return err
	}
	if _, err := s.Sender.Send(r.Context(), e); err != nil {
		return err
	}
	s.Log.Info("sign-in link sent", "coordinator", email)
	return nil
}

type verifyData struct {
	Token   string
	Problem string
}

// verifyForm shows a button rather than signing in on GET: mail scanners
// (Safe Links and the like) open links on their own and would use up a
// single-use link before the coordinator clicks it.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("token")
	if tok == "" {
		s.render(w, r, http.StatusBadRequest, "verify", view{Title: "Sign in", Data: verifyData{Problem: "The link is incomplete. Copy the whole link from the email, or ask for a new one."}})
		return
	}
	s.render(w, r, http.StatusOK, "verify", view{Title: "Sign in", Data: verifyData{Token: tok}})
}

func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	tok := r.PostFormValue("token")
	now := s.Clock.Now()
	link, err := s.Store.RedeemLoginLink(r.Context(), hash(tok), now)
	var problem string
	switch {
	case err == nil && !slices.Contains(s.cfg.Coordinators, link.Email):
		problem = "This address is no longer allowed to sign in."
	case err == nil:
	case errors.Is(err, store.ErrLinkUsed):
		problem = "This sign-in link has already been used. Each link works once."
	case errors.Is(err, store.ErrLinkExpired):
		problem = "This sign-in link has expired. Links work for 15 minutes."
	case errors.Is(err, store.ErrNotFound):
		problem = "This sign-in link is not valid. Copy the whole link from the email, or ask for a new one."
	default:
		s.serverError(w, r, err)
		return
	}
	if problem != "" {
		s.Log.Info("sign-in link refused", "reason", problem)
		s.render(w, r, http.StatusForbidden, "verify", view{Title: "Sign in", Data: verifyData{Problem: problem}})
		return
	}
	secret := randomToken()
	sess := store.Session{Hash: hash(secret), Email: link.Email, CSRF: randomToken(), CreatedAt: now, Expires: now.Add(s.cfg.SessionTTL)}
	if err := s.Store.CreateSession(r.Context(), sess); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: secret, Path: "/", HttpOnly: true, Secure: !s.cfg.Insecure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.SessionTTL.Seconds()),
	})
	s.Log.Info("coordinator signed in", "coordinator", link.Email)
	http.Redirect(w, r, "/programmes", http.StatusSeeOther)
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	sess, _ := s.session(r)
	if err := s.Store.DeleteSession(r.Context(), sess.Hash); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", HttpOnly: true, Secure: !s.cfg.Insecure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
