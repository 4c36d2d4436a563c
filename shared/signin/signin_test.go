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

func (f fixture) gate(t *testing.T, insecure bool, coordinators ...string) *signin.Gate {
	t.Helper()
	g, err := signin.New(f.sys.Store, f.sys.SES, f.sys.Clock, f.sys.Log, signin.Config{Coordinators: coordinators, FromAddress: "p@upward.test", Insecure: insecure})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// link asks for a link for the coordinator and returns its secret from
// the email.
func (f fixture) link(t *testing.T, g *signin.Gate) string {
	t.Helper()
	if err := g.RequestLink(context.Background(), f.coord, "https://upward.test"); err != nil {
		t.Fatal(err)
	}
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
		{"address left the allow-list", func(t *testing.T, f fixture, g *signin.Gate) (string, *signin.Gate) {
			return f.link(t, g), f.gate(t, true, "someone-else@example.org")
		}, signin.ErrNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			g := f.gate(t, true, f.coord)
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
	g := f.gate(t, false, f.coord)
	stranger := "stranger-" + ids.New()[:8] + "@example.org"
	if err := g.RequestLink(context.Background(), stranger, "https://upward.test"); err != nil {
		t.Fatal(err)
	}
	if n := len(stacktest.Emails(t, stranger)); n != 0 {
		t.Errorf("an address not on the allow-list received %d emails", n)
	}
	if err := g.RequestLink(context.Background(), f.coord, ""); err == nil {
		t.Error("a link was made without a base URL to put it on")
	}
}

func TestSignedInFollowsTheCookieAndTheAllowList(t *testing.T) {
	t.Parallel()
	f := setup(t)
	g := f.gate(t, false, f.coord)
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
	if _, ok := f.gate(t, false, "someone-else@example.org").SignedIn(request()); ok {
		t.Error("a session outlives its address's removal from the allow-list")
	}
	if _, ok := f.gate(t, true, f.coord).SignedIn(request()); ok {
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
