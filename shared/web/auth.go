package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
)

// maxFormBody bounds an ordinary form post.
const maxFormBody = 256 << 10

// randomToken is a one-time form key (see note.go).
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// session returns the signed-in coordinator's session, if any.
func (s *Server) session(r *http.Request) (store.Session, bool) { return s.SignIn.SignedIn(r) }

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
			if !signin.ValidCSRF(r, sess) {
				s.Log.Warn("csrf token missing or wrong", "path", r.URL.Path, "coordinator", sess.Email)
				s.message(w, r, http.StatusForbidden, messageData{
					Heading:    "This form has expired",
					Paragraphs: []string{"For your security the request was refused and nothing was changed. Go back, reload the page and try again."},
				})
				return
			}
		}
		next(w, signin.Remember(r, sess))
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
	if err := s.SignIn.RequestLink(r.Context(), email, s.baseURL(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "signin", view{Title: "Check your email", Data: signinData{Email: email, Sent: true}})
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
	_, err := s.SignIn.Redeem(r.Context(), w, r.PostFormValue("token"))
	var problem string
	switch {
	case err == nil:
		http.Redirect(w, r, "/programmes", http.StatusSeeOther)
		return
	case errors.Is(err, signin.ErrNotAllowed):
		problem = "This address is no longer allowed to sign in."
	case errors.Is(err, signin.ErrLinkUsed):
		problem = "This sign-in link has already been used. Each link works once."
	case errors.Is(err, signin.ErrLinkExpired):
		problem = "This sign-in link has expired. Links work for 15 minutes."
	case errors.Is(err, signin.ErrLinkInvalid):
		problem = "This sign-in link is not valid. Copy the whole link from the email, or ask for a new one."
	default:
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusForbidden, "verify", view{Title: "Sign in", Data: verifyData{Problem: problem}})
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	if err := s.SignIn.SignOut(w, r); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
