package web

import (
	"net/http"
	"strings"

	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
)

// Access is who may use a route. Every route of the site is registered
// with one (Server.Routes lists them), so a test walks them all.
type Access string

const (
	// Public: anyone (sign-in, guides, unsubscribe).
	Public Access = "public"
	// SignedIn: anyone with an account (their own programmes list,
	// signing out).
	SignedIn Access = "signed in"
	// Creator: administrators and coordinators (a new programme, assigned
	// to the coordinator who creates it).
	Creator Access = "creator"
	// ProgrammeView: administrators, and coordinators and viewers assigned
	// to the programme in the path (its dashboard, stories, report).
	ProgrammeView Access = "programme view"
	// ProgrammeEdit: administrators, and coordinators assigned to the
	// programme in the path (everything else about it).
	ProgrammeEdit Access = "programme edit"
	// Admin: administrators only (accounts, audit trail, org chart).
	Admin Access = "admin"
)

// Route is one route of the site and who may use it.
type Route struct {
	Method, Pattern string
	Access          Access
}

// Routes lists every route of the site with its access.
func (s *Server) Routes() []Route { return append([]Route(nil), s.table...) }

// allows reports whether account a may use a route of access x about the
// programme id ("" when the route names none).
func allows(a store.Account, x Access, id string) bool {
	switch x {
	case Public, SignedIn:
		return true
	case Creator:
		return a.Role == store.RoleAdministrator || a.Role == store.RoleCoordinator
	case ProgrammeView:
		return a.Assigned(id)
	case ProgrammeEdit:
		return a.Assigned(id) && (a.Role == store.RoleAdministrator || a.Role == store.RoleCoordinator)
	case Admin:
		return a.Role == store.RoleAdministrator
	}
	return false
}

// handle registers a route: "METHOD /pattern", guarded for its access.
func (s *Server) handle(pattern string, x Access, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.table = append(s.table, Route{Method: method, Pattern: path, Access: x})
	if x == Public {
		s.mux.HandleFunc(pattern, h)
		return
	}
	s.mux.Handle(pattern, s.guard(x, h))
}

// guard lets a request through when it is signed in with an account whose
// role and programmes allow the route, and, for anything but GET and HEAD,
// carries the session's CSRF token. Signed out, a page redirects to the
// sign-in page and a form is refused with 401; signed in without the
// right, 403. A refused request changes nothing.
func (s *Server) guard(x Access, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, acct, ok := s.who(r)
		if !ok {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
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
		r = signin.RememberAccount(r, sess, acct)
		if !allows(acct, x, r.PathValue("id")) {
			s.Log.Warn("refused: not allowed", "path", r.URL.Path, "coordinator", acct.Email, "role", acct.Role, "access", x)
			s.forbidden(w, r, acct, x)
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
		next(w, r)
	})
}

// forbidden says why a signed-in person cannot use a page, and where to go.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, a store.Account, x Access) {
	say := "Your account does not give you access to this page, so nothing was shown or changed. If you need it, ask one of your organisation's Upward administrators."
	switch {
	case x == Admin:
		say = "Only administrators can use this page. Nothing was shown or changed."
	case a.Role == store.RoleViewer && a.Assigned(r.PathValue("id")):
		say = "As a viewer you can read this programme's dashboard, success stories and closing report; nothing was changed."
	case x == ProgrammeView || x == ProgrammeEdit:
		say = "This programme is not one of yours, so nothing was shown or changed. If you should follow it, ask an administrator to assign it to you."
	}
	s.message(w, r, http.StatusForbidden, messageData{
		Heading:    "Not available to your account",
		Paragraphs: []string{say},
		Link:       &messageLink{URL: "/programmes", Text: "Back to your programmes"},
	})
}

// who is the signed-in person: their session and account.
func (s *Server) who(r *http.Request) (store.Session, store.Account, bool) {
	sess, ok := s.SignIn.SignedIn(r)
	if !ok {
		return sess, store.Account{}, false
	}
	a, ok := s.SignIn.Account(r)
	return sess, a, ok
}

// account is the signed-in person's account (zero when signed out).
func (s *Server) account(r *http.Request) store.Account {
	a, _ := s.SignIn.Account(r)
	return a
}
