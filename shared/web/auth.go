package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/aws/aws-lambda-go/lambdaurl"

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

type signinData struct {
	Email   string
	Sent    bool
	Links   bool
	OIDC    string // the identity provider's name; "" = no single sign-on
	Minutes int
	Problem string
}

func (s *Server) signinData(email string, sent bool) signinData {
	return signinData{Email: email, Sent: sent, Links: s.SignIn.LinksOn(), OIDC: s.SignIn.OIDCName(), Minutes: int(s.SignIn.LoginTTL().Minutes())}
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signin", view{Title: "Sign in", Data: s.signinData("", false)})
}

// source is the address a request comes from, for the sign-in limits:
// behind a Function URL, the one AWS saw; locally, the connection's.
func source(r *http.Request) string {
	if ev, ok := lambdaurl.RequestFromContext(r.Context()); ok && ev.RequestContext.HTTP.SourceIP != "" {
		return ev.RequestContext.HTTP.SourceIP
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// signinRequest emails a magic link to an allow-listed address. Known and
// unknown addresses get the same answer, in about the same time.
func (s *Server) signinRequest(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if !s.SignIn.LinksOn() {
		s.render(w, r, http.StatusNotFound, "signin", view{Title: "Sign in", Data: s.signinData("", false)})
		return
	}
	raw := r.PostFormValue("email")
	email, err := programme.NormalizeEmail(raw)
	if err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, "signin", view{
			Title:  "Sign in",
			Errors: programme.FieldErrors{"email": "Enter your email address, like name@example.org."},
			Data:   s.signinData(raw, false),
		})
		return
	}
	if err := s.SignIn.RequestLink(r.Context(), email, source(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "signin", view{Title: "Check your email", Data: s.signinData(email, true)})
}

// oidcStart sends the browser to the organisation's identity provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	if !s.SignIn.OIDCOn() {
		s.notFound(w, r, "Single sign-on")
		return
	}
	to, err := s.SignIn.StartOIDC(r.Context(), w, s.baseURL(r))
	if err != nil {
		s.Log.Error("single sign-on could not start", "err", err)
		d := s.signinData("", false)
		d.Problem = "Signing in with " + d.OIDC + " is not available right now. Try again in a moment" + map[bool]string{true: ", or ask for a sign-in link by email.", false: "."}[d.Links]
		s.render(w, r, http.StatusBadGateway, "signin", view{Title: "Sign in", Data: d})
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// oidcCallback finishes a sign-in at the identity provider.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if !s.SignIn.OIDCOn() {
		s.notFound(w, r, "Single sign-on")
		return
	}
	_, err := s.SignIn.FinishOIDC(r.Context(), w, r, s.baseURL(r))
	d := s.signinData("", false)
	switch {
	case err == nil:
		http.Redirect(w, r, "/programmes", http.StatusSeeOther)
		return
	case errors.Is(err, signin.ErrOIDCState):
		d.Problem = "This sign-in was not started here, was already used, or took too long. Start again."
	case errors.Is(err, signin.ErrUnverified):
		d.Problem = d.OIDC + " did not confirm your email address, so Upward cannot tell whose account to open. Ask your IT team."
	case errors.Is(err, signin.ErrNotAllowed):
		d.Problem = "Your organisation's account is not allowed to sign in to Upward. Ask one of your Upward administrators to invite you."
	case errors.Is(err, signin.ErrOIDCRefused):
		d.Problem = "Signing in with " + d.OIDC + " did not succeed, so you are not signed in. Start again; if it keeps happening, tell your IT team."
	default:
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusForbidden, "signin", view{Title: "Sign in", Data: d})
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
		problem = "This address has no Upward account (any more). Ask one of your Upward administrators to invite you."
	case errors.Is(err, signin.ErrLinksOff):
		problem = "Sign-in links are switched off here: sign in with your organisation's account."
	case errors.Is(err, signin.ErrLinkUsed):
		problem = "This sign-in link has already been used. Each link works once."
	case errors.Is(err, signin.ErrLinkExpired):
		problem = fmt.Sprintf("This sign-in link has expired. Links work for %d minutes; invitations for a week.", int(s.SignIn.LoginTTL().Minutes()))
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
