package signin_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

var linkRE = regexp.MustCompile(`/signin/verify\?token=([A-Za-z0-9_-]+)`)

type fixture struct {
	sys   *stacktest.System
	coord string
}

func setup(t *testing.T) fixture {
	t.Helper()
	return fixture{sys: stacktest.NewSystem(t, stacktest.Options{}), coord: "coord-" + ids.New()[:8] + "@example.org"}
}

// gate is a gate whose first administrators are admins; the fixture's
// coordinator has a coordinator account of their own.
func (f fixture) gate(t *testing.T, insecure bool, admins ...string) *signin.Gate {
	t.Helper()
	g, err := signin.New(f.sys.Store, f.sys.Queue, f.sys.Signer, f.sys.Clock, f.sys.Log, signin.Config{Administrators: admins, Insecure: insecure})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func (f fixture) account(t *testing.T) {
	t.Helper()
	if err := f.sys.Store.CreateAccount(context.Background(), store.Account{Email: f.coord, Role: store.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
}

// link asks for a link for the coordinator and returns its secret from
// the email.
func (f fixture) link(t *testing.T, g *signin.Gate) string {
	t.Helper()
	// One link a minute per address: each request is a minute later.
	f.sys.Clock.Add(time.Minute)
	if err := g.RequestLink(context.Background(), f.coord, ""); err != nil {
		t.Fatal(err)
	}
	f.sys.Queue.Drain()
	mails := stacktest.Emails(t, f.coord)
	if len(mails) == 0 {
		t.Fatal("no sign-in email")
	}
	m := linkRE.FindStringSubmatch(mails[len(mails)-1].Body.Text)
	if m == nil {
		t.Fatalf("no link in %q", mails[len(mails)-1].Body.Text)
	}
	return m[1]
}

func TestRedeemRefusesEveryLinkThatCannotSignIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(t *testing.T, f fixture, g *signin.Gate) (secret string, redeemWith *signin.Gate)
		want    error
	}{
		{"a fresh link signs in", func(t *testing.T, f fixture, g *signin.Gate) (string, *signin.Gate) { return f.link(t, g), g }, nil},
		{"made up", func(t *testing.T, f fixture, g *signin.Gate) (string, *signin.Gate) { return "made-up", g }, signin.ErrLinkInvalid},
		{"used", func(t *testing.T, f fixture, g *signin.Gate) (string, *signin.Gate) {
			secret := f.link(t, g)
			if _, err := g.Redeem(context.Background(), httptest.NewRecorder(), secret); err != nil {
				t.Fatal(err)
			}
			return secret, g
		}, signin.ErrLinkUsed},
		{"expired", func(t *testing.T, f fixture, g *signin.Gate) (string, *signin.Gate) {
			secret := f.link(t, g)
			f.sys.Clock.Add(15*time.Minute + time.Second)
			return secret, g
		}, signin.ErrLinkExpired},
		{"account removed since", func(t *testing.T, f fixture, g *signin.Gate) (string, *signin.Gate) {
			secret := f.link(t, g)
			if err := f.sys.Store.DeleteAccount(context.Background(), f.coord); err != nil {
				t.Fatal(err)
			}
			return secret, g
		}, signin.ErrNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.account(t)
			g := f.gate(t, true)
			secret, redeemWith := tt.prepare(t, f, g)
			w := httptest.NewRecorder()
			email, err := redeemWith.Redeem(context.Background(), w, secret)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Redeem = %q, %v; want %v", email, err, tt.want)
			}
			cookies := w.Result().Cookies()
			if tt.want != nil {
				if len(cookies) != 0 {
					t.Errorf("a refused link set cookies: %v", cookies)
				}
				return
			}
			if email != f.coord || len(cookies) != 1 || cookies[0].Name != signin.InsecureCookie || !cookies[0].HttpOnly {
				t.Errorf("Redeem = %q with cookies %v; want the coordinator and one HttpOnly %s", email, cookies, signin.InsecureCookie)
			}
		})
	}
}

func TestAnUnknownAddressGetsNoLink(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.account(t)
	g := f.gate(t, false)
	stranger := "stranger-" + ids.New()[:8] + "@example.org"
	if err := g.RequestLink(context.Background(), stranger, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	f.sys.Queue.Drain()
	if n := len(stacktest.Emails(t, stranger)); n != 0 {
		t.Errorf("an address without an account received %d emails", n)
	}
}

func TestAFirstAdministratorGetsAnAccountOnFirstSignIn(t *testing.T) {
	t.Parallel()
	f := setup(t)
	g := f.gate(t, true, f.coord)
	if _, err := g.Redeem(context.Background(), httptest.NewRecorder(), f.link(t, g)); err != nil {
		t.Fatal(err)
	}
	a, err := f.sys.Store.GetAccount(context.Background(), f.coord)
	if err != nil || a.Role != store.RoleAdministrator || a.SignedInAt.IsZero() {
		t.Fatalf("account %+v, %v; want an administrator who signed in", a, err)
	}
}

func TestSignInRequestsAreLimitedPerAddressAndSource(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.account(t)
	g := f.gate(t, true)
	ctx := context.Background()
	ask := func(email, source string) {
		t.Helper()
		if err := g.RequestLink(ctx, email, source); err != nil {
			t.Fatal(err)
		}
	}
	count := func() int { f.sys.Queue.Drain(); return len(stacktest.Emails(t, f.coord)) }
	ask(f.coord, "192.0.2.1")
	ask(f.coord, "192.0.2.2") // the same minute: the address's limit
	if n := count(); n != 1 {
		t.Fatalf("two requests in a minute sent %d links, want 1", n)
	}
	for i := 1; i <= 5; i++ {
		f.sys.Clock.Add(time.Minute)
		ask(f.coord, "192.0.2.3")
	}
	// Seven requests this hour, the refused one included: five are let
	// through, the first and three more.
	if n := count(); n != 4 {
		t.Fatalf("seven requests in an hour sent %d links, want 4 (the hour's limit of five requests)", n)
	}
	f.sys.Clock.Add(time.Hour)
	for i := 0; i < signin.DefaultLimits.PerSourceHour; i++ {
		ask("nobody-"+ids.New()[:6]+"@example.org", "192.0.2.9")
	}
	ask(f.coord, "192.0.2.9")
	if n := count(); n != 4 {
		t.Fatalf("a source over its limit still got a link (%d links)", n)
	}
	f.sys.Clock.Add(time.Minute)
	ask(f.coord, "192.0.2.10")
	if n := count(); n != 5 {
		t.Fatalf("another source: %d links, want 5", n)
	}
}

func TestTakingARightAwayEndsTheSessions(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.account(t)
	g := f.gate(t, true)
	ctx := context.Background()
	w := httptest.NewRecorder()
	if _, err := g.Redeem(ctx, w, f.link(t, g)); err != nil {
		t.Fatal(err)
	}
	cookie := w.Result().Cookies()[0]
	request := func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/programmes", nil)
		r.AddCookie(cookie)
		return r
	}
	if a, ok := g.Account(request()); !ok || a.Role != store.RoleCoordinator {
		t.Fatalf("Account = %+v, %v", a, ok)
	}
	a, _ := f.sys.Store.GetAccount(ctx, f.coord)
	a.Generation++
	if _, err := f.sys.Store.UpdateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, ok := g.SignedIn(request()); ok {
		t.Error("a session outlives a change of its account's generation")
	}
}

func TestSignedInFollowsTheCookieAndTheAllowList(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.account(t)
	g := f.gate(t, false)
	w := httptest.NewRecorder()
	if _, err := g.Redeem(context.Background(), w, f.link(t, g)); err != nil {
		t.Fatal(err)
	}
	cookie := w.Result().Cookies()[0]
	if cookie.Name != signin.SecureCookie || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie %+v, want %s, Secure, SameSite=Lax", cookie, signin.SecureCookie)
	}
	request := func() *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/programmes", nil)
		r.AddCookie(cookie)
		return r
	}
	sess, ok := g.SignedIn(request())
	if !ok || sess.Email != f.coord || sess.CSRF == "" {
		t.Fatalf("SignedIn = %+v, %v; want the coordinator's session with a CSRF token", sess, ok)
	}
	if _, ok := f.gate(t, true).SignedIn(request()); ok {
		t.Error("the secure cookie signs in where the insecure one is expected")
	}
	remembered := signin.Remember(httptest.NewRequest(http.MethodGet, "/", nil), sess)
	if got, ok := g.SignedIn(remembered); !ok || got != sess {
		t.Errorf("a remembered session: %+v, %v", got, ok)
	}

	out := httptest.NewRecorder()
	if err := g.SignOut(out, request()); err != nil {
		t.Fatal(err)
	}
	if c := out.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("sign-out cookies %v, want the session cookie cleared", c)
	}
	if _, ok := g.SignedIn(request()); ok {
		t.Error("the session still works after signing out")
	}
	w = httptest.NewRecorder()
	if _, err := g.Redeem(context.Background(), w, f.link(t, g)); err != nil {
		t.Fatal(err)
	}
	cookie = w.Result().Cookies()[0]
	if err := f.sys.Store.DeleteAccount(context.Background(), f.coord); err != nil {
		t.Fatal(err)
	}
	if _, ok := g.SignedIn(request()); ok {
		t.Error("a session outlives its account's removal")
	}
}

func TestValidCSRF(t *testing.T) {
	sess := store.Session{CSRF: "right-token"}
	tests := []struct {
		name string
		form url.Values
		sess store.Session
		want bool
	}{
		{"the session's token", url.Values{"csrf": {"right-token"}}, sess, true},
		{"no token", url.Values{}, sess, false},
		{"a wrong token", url.Values{"csrf": {"right-token-x"}}, sess, false},
		{"a prefix", url.Values{"csrf": {"right"}}, sess, false},
		{"a session without a token", url.Values{"csrf": {""}}, store.Session{}, false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodPost, "/programmes", strings.NewReader(tt.form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		if got := signin.ValidCSRF(r, tt.sess); got != tt.want {
			t.Errorf("%s: ValidCSRF = %v, want %v", tt.name, got, tt.want)
		}
	}
}
