package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// AccountStore is what managing accounts needs from the table.
type AccountStore interface {
	CreateAccount(ctx context.Context, a store.Account) error
	GetAccount(ctx context.Context, email string) (store.Account, error)
	UpdateAccount(ctx context.Context, a store.Account) (store.Account, error)
	DeleteAccount(ctx context.Context, email string) error
	ListAccounts(ctx context.Context) ([]store.Account, error)
}

func (s *Server) accountRoutes() {
	s.handle("GET /accounts", Admin, s.listAccounts)
	s.handle("POST /accounts", Admin, s.inviteAccount)
	s.handle("GET /accounts/{email}", Admin, s.editAccount)
	s.handle("POST /accounts/{email}", Admin, s.updateAccount)
	s.handle("POST /accounts/{email}/remove", Admin, s.removeAccount)
	s.handle("POST /accounts/{email}/invite", Admin, s.reinvite)
	s.handle("GET /audit", Admin, s.auditPage)
	s.handle("GET /audit.csv", Admin, s.auditCSV)
	s.handle("GET /programmes/{id}/audit", Admin, s.auditPage)
	s.handle("GET /programmes/{id}/audit.csv", Admin, s.auditCSV)
	s.handle("POST /account/digest", SignedIn, s.setDigest)
	s.handle("GET /digest/off", Public, s.digestOffForm)
	s.handle("POST /digest/off", Public, s.digestOff)
}

type programmeChoice struct {
	ID, Name string
	Checked  bool
}

type accountsData struct {
	Accounts   []accountRow
	Invite     store.Account
	Roles      []store.Role
	Programmes []programmeChoice
}

type accountRow struct {
	store.Account
	ProgrammeNames []string
	You            bool
}

type accountData struct {
	Account    store.Account
	Roles      []store.Role
	Programmes []programmeChoice
	You        bool
}

func (s *Server) choices(ctx context.Context, checked []string) ([]programmeChoice, map[string]string, error) {
	list, err := s.Store.ListProgrammes(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	var out []programmeChoice
	for _, p := range list {
		names[p.ID] = p.Name
		out = append(out, programmeChoice{ID: p.ID, Name: p.Name, Checked: slices.Contains(checked, p.ID)})
	}
	return out, names, nil
}

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request, status int, v view, invite store.Account) {
	ctx := r.Context()
	accounts, err := s.Store.ListAccounts(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	progs, names, err := s.choices(ctx, invite.Programmes)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if invite.Role == "" {
		invite.Role = store.RoleCoordinator
	}
	me := s.account(r).Email
	d := accountsData{Invite: invite, Roles: store.Roles, Programmes: progs}
	for _, a := range accounts {
		row := accountRow{Account: a, You: a.Email == me}
		for _, id := range a.Programmes {
			if n, ok := names[id]; ok {
				row.ProgrammeNames = append(row.ProgrammeNames, n)
			}
		}
		sort.Strings(row.ProgrammeNames)
		d.Accounts = append(d.Accounts, row)
	}
	v.Title, v.Data = "Accounts", d
	s.render(w, r, status, "accounts", v)
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	s.accountsPage(w, r, http.StatusOK, view{Notice: s.notice(r)}, store.Account{})
}

// readAccountForm reads role, name and programmes, checking each: a role
// of the list, programmes that exist.
func (s *Server) readAccountForm(r *http.Request, a *store.Account) (programme.FieldErrors, error) {
	errs := programme.FieldErrors{}
	a.Name = strings.TrimSpace(r.PostFormValue("name"))
	if utf8.RuneCountInString(a.Name) > programme.MaxNameLen {
		errs.Add("name", fmt.Sprintf("Keep the name under %d characters.", programme.MaxNameLen))
	}
	a.Role = store.Role(r.PostFormValue("role"))
	if !a.Role.Valid() {
		errs.Add("role", "Choose administrator, coordinator or viewer.")
	}
	_, names, err := s.choices(r.Context(), nil)
	if err != nil {
		return errs, err
	}
	a.Programmes = nil
	for _, id := range r.PostForm["programme"] {
		if _, ok := names[id]; !ok {
			errs.Add("programme", "One of the programmes chosen no longer exists; reload the page and choose again.")
			continue
		}
		if !slices.Contains(a.Programmes, id) {
			a.Programmes = append(a.Programmes, id)
		}
	}
	sort.Strings(a.Programmes)
	if a.Role == store.RoleAdministrator {
		a.Programmes = nil // administrators see every programme
	}
	return errs, nil
}

// inviteAccount creates an account and emails its invitation.
func (s *Server) inviteAccount(w http.ResponseWriter, r *http.Request) {
	raw := r.PostFormValue("email")
	a := store.Account{Email: raw}
	errs, err := s.readAccountForm(r, &a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	email, eerr := programme.NormalizeEmail(raw)
	if eerr != nil {
		errs.Add("email", "Enter the person's work email address, like name@example.org.")
	}
	if len(errs) > 0 {
		s.accountsPage(w, r, http.StatusUnprocessableEntity, view{Errors: errs}, a)
		return
	}
	me := s.account(r)
	a.Email, a.InvitedBy, a.InvitedAt = email, me.Email, s.Clock.Now()
	err = s.Store.CreateAccount(r.Context(), a)
	if errors.Is(err, store.ErrConflict) {
		errs.Add("email", fmt.Sprintf("%s already has an account; change it from the list below.", email))
		s.accountsPage(w, r, http.StatusConflict, view{Errors: errs}, a)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.SignIn.Invite(r.Context(), email, me.Email); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, ActAccountInvited, "", email, fmt.Sprintf("as %s, %d %s", a.Role, len(a.Programmes), plural(len(a.Programmes), "programme", "programmes")))
	s.redirectNotice(w, r, "/accounts", "invited", email)
}

// loadAccount reads the account named in the path, answering 404 itself.
func (s *Server) loadAccount(w http.ResponseWriter, r *http.Request) (store.Account, bool) {
	email, err := programme.NormalizeEmail(r.PathValue("email"))
	if err != nil {
		s.message(w, r, http.StatusNotFound, messageData{Heading: "Account not found", Link: &messageLink{URL: "/accounts", Text: "Back to accounts"}})
		return store.Account{}, false
	}
	a, err := s.Store.GetAccount(r.Context(), email)
	if errors.Is(err, store.ErrNotFound) {
		s.message(w, r, http.StatusNotFound, messageData{Heading: "Account not found", Paragraphs: []string{"It may have been removed meanwhile."}, Link: &messageLink{URL: "/accounts", Text: "Back to accounts"}})
		return a, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return a, false
	}
	return a, true
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, status int, v view, a store.Account) {
	progs, _, err := s.choices(r.Context(), a.Programmes)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Title = "Account of " + a.Email
	v.Data = accountData{Account: a, Roles: store.Roles, Programmes: progs, You: a.Email == s.account(r).Email}
	s.render(w, r, status, "account", v)
}

func (s *Server) editAccount(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAccount(w, r)
	if !ok {
		return
	}
	s.accountPage(w, r, http.StatusOK, view{}, a)
}

// lastAdministrator reports whether a is the only administrator left.
func (s *Server) lastAdministrator(ctx context.Context, a store.Account) (bool, error) {
	if a.Role != store.RoleAdministrator {
		return false, nil
	}
	all, err := s.Store.ListAccounts(ctx)
	if err != nil {
		return false, err
	}
	for _, x := range all {
		if x.Role == store.RoleAdministrator && x.Email != a.Email {
			return false, nil
		}
	}
	return true, nil
}

// updateAccount changes a role, a name or the programmes assigned. A
// change that takes a right away ends the account's sessions at once.
func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request) {
	old, ok := s.loadAccount(w, r)
	if !ok {
		return
	}
	a := old
	errs, err := s.readAccountForm(r, &a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if v := r.PostFormValue("version"); v != fmt.Sprint(old.Version) {
		errs.Add("form", "Someone else changed this account while you were editing it. Check it below and save again.")
	}
	if a.Role != store.RoleAdministrator && old.Role == store.RoleAdministrator {
		last, err := s.lastAdministrator(r.Context(), old)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if last {
			errs.Add("role", "This is the only administrator: make someone else an administrator first.")
		}
	}
	if len(errs) > 0 {
		s.accountPage(w, r, http.StatusUnprocessableEntity, view{Errors: errs}, a)
		return
	}
	if takesAway(old, a) {
		a.Generation++
	}
	if _, err := s.Store.UpdateAccount(r.Context(), a); err != nil {
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrNotFound) {
			errs.Add("form", "Someone else changed or removed this account meanwhile; nothing was saved. Open it again from the list.")
			s.accountPage(w, r, http.StatusConflict, view{Errors: errs}, a)
			return
		}
		s.serverError(w, r, err)
		return
	}
	s.audit(r, ActAccountChanged, "", a.Email, accountChange(old, a))
	s.redirectNotice(w, r, "/accounts", "account-saved", a.Email)
}

// takesAway reports whether a change removes a right: a lower role, or a
// programme taken away.
func takesAway(old, a store.Account) bool {
	rank := map[store.Role]int{store.RoleViewer: 1, store.RoleCoordinator: 2, store.RoleAdministrator: 3}
	if rank[a.Role] < rank[old.Role] {
		return true
	}
	if old.Role == store.RoleAdministrator {
		return false // from every programme to some is covered above
	}
	for _, id := range old.Programmes {
		if !slices.Contains(a.Programmes, id) {
			return true
		}
	}
	return false
}

func accountChange(old, a store.Account) string {
	var parts []string
	if old.Role != a.Role {
		parts = append(parts, fmt.Sprintf("role %s to %s", old.Role, a.Role))
	}
	var added, removed int
	for _, id := range a.Programmes {
		if !slices.Contains(old.Programmes, id) {
			added++
		}
	}
	for _, id := range old.Programmes {
		if !slices.Contains(a.Programmes, id) {
			removed++
		}
	}
	if added > 0 {
		parts = append(parts, fmt.Sprintf("%d %s assigned", added, plural(added, "programme", "programmes")))
	}
	if removed > 0 {
		parts = append(parts, fmt.Sprintf("%d %s taken away", removed, plural(removed, "programme", "programmes")))
	}
	if old.Name != a.Name {
		parts = append(parts, "name changed")
	}
	if len(parts) == 0 {
		return "nothing changed"
	}
	return strings.Join(parts, ", ")
}

func (s *Server) removeAccount(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAccount(w, r)
	if !ok {
		return
	}
	if a.Email == s.account(r).Email {
		s.accountPage(w, r, http.StatusConflict, view{Errors: programme.FieldErrors{"remove": "You cannot remove your own account; ask another administrator."}}, a)
		return
	}
	if last, err := s.lastAdministrator(r.Context(), a); err != nil || last {
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.accountPage(w, r, http.StatusConflict, view{Errors: programme.FieldErrors{"remove": "This is the only administrator: make someone else an administrator first."}}, a)
		return
	}
	if err := s.Store.DeleteAccount(r.Context(), a.Email); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, ActAccountRemoved, "", a.Email, "was "+string(a.Role))
	s.redirectNotice(w, r, "/accounts", "account-removed", a.Email)
}

func (s *Server) reinvite(w http.ResponseWriter, r *http.Request) {
	a, ok := s.loadAccount(w, r)
	if !ok {
		return
	}
	if err := s.SignIn.Invite(r.Context(), a.Email, s.account(r).Email); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, ActAccountInvited, "", a.Email, "invitation sent again")
	s.redirectNotice(w, r, "/accounts", "invited", a.Email)
}

// setDigest turns the signed-in person's weekly digest on or off.
func (s *Server) setDigest(w http.ResponseWriter, r *http.Request) {
	a := s.account(r)
	a.DigestOff = r.PostFormValue("digest") != "on"
	if _, err := s.Store.UpdateAccount(r.Context(), a); err != nil {
		s.serverError(w, r, err)
		return
	}
	code := "digest-on"
	if a.DigestOff {
		code = "digest-off"
	}
	s.redirectNotice(w, r, "/programmes", code, "")
}

// digestLabel is what a digest's switch-off link signs.
func digestLabel(email string) string { return "digest-off|" + strings.ToLower(email) }

// digestOffForm asks before switching off: mail scanners open links.
func (s *Server) digestOffForm(w http.ResponseWriter, r *http.Request) {
	email, sig := r.URL.Query().Get("account"), r.URL.Query().Get("sig")
	if !s.Signer.ValidMAC(digestLabel(email), sig) {
		s.message(w, r, http.StatusBadRequest, messageData{Heading: "This link is not complete", Paragraphs: []string{"Copy the whole link from the digest email, or switch the digest off from the programmes page after signing in."}})
		return
	}
	s.message(w, r, http.StatusOK, messageData{
		Heading:    "Stop the weekly digest?",
		Paragraphs: []string{fmt.Sprintf("%s will no longer get the weekly digest of their programmes. It can be switched on again from the programmes page.", email)},
		Form:       &messageForm{Action: "/digest/off", Hidden: map[string]string{"account": email, "sig": sig}, Button: "Stop the weekly digest"},
	})
}

func (s *Server) digestOff(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	email, sig := r.PostFormValue("account"), r.PostFormValue("sig")
	if !s.Signer.ValidMAC(digestLabel(email), sig) {
		s.message(w, r, http.StatusBadRequest, messageData{Heading: "Nothing was changed", Paragraphs: []string{"The link is not complete. Copy the whole link from the digest email."}})
		return
	}
	for attempt := 0; attempt < 3; attempt++ {
		a, err := s.Store.GetAccount(r.Context(), email)
		if errors.Is(err, store.ErrNotFound) {
			break // no account, no digest
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if a.DigestOff {
			break
		}
		a.DigestOff = true
		if _, err = s.Store.UpdateAccount(r.Context(), a); err == nil || !errors.Is(err, store.ErrConflict) {
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			break
		}
	}
	s.message(w, r, http.StatusOK, messageData{Heading: "The weekly digest is off", Paragraphs: []string{"No more digests will be sent to " + email + "."}})
}
