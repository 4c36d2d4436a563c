package signin_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upward-mentoring/upward/infra/browsertest"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
)

// oidcSite is a relying party on the gate: /start begins a sign-in, the
// callback finishes it (or only records its URL, to replay or tamper with
// it), /whoami says who is signed in.
type oidcSite struct {
	*httptest.Server
	gate    *signin.Gate
	mu      sync.Mutex
	capture bool
	seen    []string
}

func (o *oidcSite) callbacks() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.seen...)
}

func newOIDCSite(t *testing.T, f fixture, group string, adjust func(*signin.Gate)) (*oidcSite, *localstack.Service) {
	t.Helper()
	o := &oidcSite{}
	o.Server = httptest.NewUnstartedServer(nil)
	base := "http://" + o.Listener.Addr().String()
	secret := "client-secret-" + strings.Repeat("x", 24)
	idp, err := localstack.StartOIDC(context.Background(), localstack.OIDCOptions{
		Clients: []localstack.OIDCClient{{ID: "upward", Secret: secret, RedirectURIs: []string{base + signin.CallbackPath}}},
		Accounts: map[string]localstack.OIDCAccount{
			f.coord:                  {EmailVerified: true, Groups: []string{"mentoring"}},
			"outsider@example.org":   {EmailVerified: true, Groups: []string{"finance"}},
			"unverified@example.org": {EmailVerified: false, Groups: []string{"mentoring"}},
			"no-account@example.org": {EmailVerified: true, Groups: []string{"mentoring"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(idp.Stop)
	g, err := signin.New(f.sys.Store, f.sys.Queue, f.sys.Signer, f.sys.Clock, f.sys.Log, signin.Config{Insecure: true,
		OIDC: signin.OIDC{Issuer: idp.URL, ClientID: "upward", ClientSecret: secret, Group: group, Name: "Test IdP"}})
	if err != nil {
		t.Fatal(err)
	}
	if adjust != nil {
		adjust(g)
	}
	o.gate = g
	mux := http.NewServeMux()
	mux.HandleFunc("GET /start", func(w http.ResponseWriter, r *http.Request) {
		to, err := g.StartOIDC(r.Context(), w, base)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	})
	mux.HandleFunc("GET "+signin.CallbackPath, func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.seen = append(o.seen, r.URL.String())
		capture := o.capture
		o.mu.Unlock()
		if capture {
			fmt.Fprint(w, `<p id="result">captured</p>`)
			return
		}
		email, err := g.FinishOIDC(r.Context(), w, r, base)
		if err != nil {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, `<p id="result">refused: %s</p>`, html.EscapeString(err.Error()))
			return
		}
		fmt.Fprintf(w, `<p id="result">signed in as %s</p>`, html.EscapeString(email))
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		sess, ok := g.SignedIn(r)
		fmt.Fprintf(w, `<p id="result">%v %s %s</p>`, ok, html.EscapeString(sess.Email), sess.Method)
	})
	o.Config.Handler = mux
	o.Start()
	t.Cleanup(o.Close)
	return o, idp
}

// signInAt goes through the provider's pages as login, and returns what
// the site's callback page says.
func signInAt(t *testing.T, ctx context.Context, o *oidcSite, login string) string {
	t.Helper()
	browsertest.Step(t, ctx, "open the provider's login page",
		chromedp.Navigate(o.URL+"/start"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), login),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "any password"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(browsertest.Button("Continue")),
		chromedp.Click(browsertest.Button("Continue")),
		chromedp.WaitVisible(chromedp.CSS(`#result`)),
	)
	return browsertest.Get(t, ctx, "read the result", chromedp.Text(chromedp.CSS(`#result`)))
}

func visit(t *testing.T, ctx context.Context, u string) string {
	t.Helper()
	browsertest.Step(t, ctx, "open "+u, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS(`#result`)))
	return browsertest.Get(t, ctx, "read the result", chromedp.Text(chromedp.CSS(`#result`)))
}

func TestSingleSignOnInTheBrowserAgainstARealProvider(t *testing.T) {
	f := setup(t)
	f.account(t)
	ctx := context.Background()
	for _, email := range []string{"outsider@example.org", "unverified@example.org"} {
		if err := f.sys.Store.CreateAccount(ctx, store.Account{Email: email, Role: store.RoleCoordinator}); err != nil {
			t.Fatal(err)
		}
	}
	o, _ := newOIDCSite(t, f, "mentoring", nil)

	t.Run("an account holder in the group signs in", func(t *testing.T) {
		b := browsertest.New(t)
		if got := signInAt(t, b, o, f.coord); got != "signed in as "+f.coord {
			t.Fatalf("callback says %q", got)
		}
		if got := visit(t, b, o.URL+"/whoami"); got != "true "+f.coord+" oidc" {
			t.Fatalf("whoami = %q", got)
		}
		// The same callback again: the state is used up, the code with it.
		seen := o.callbacks()
		if got := visit(t, b, o.URL+seen[len(seen)-1]); !strings.Contains(got, signin.ErrOIDCState.Error()) {
			t.Errorf("a replayed callback (code and state) says %q", got)
		}
	})
	for login, want := range map[string]error{
		"outsider@example.org":   signin.ErrNotAllowed, // an account, but not in the group
		"no-account@example.org": signin.ErrNotAllowed, // in the group, but no account
		"unverified@example.org": signin.ErrUnverified,
	} {
		t.Run("refused: "+login, func(t *testing.T) {
			b := browsertest.New(t)
			if got := signInAt(t, b, o, login); !strings.Contains(got, want.Error()) {
				t.Fatalf("callback says %q, want %v", got, want)
			}
			if got := visit(t, b, o.URL+"/whoami"); !strings.HasPrefix(got, "false") {
				t.Errorf("a refused sign-in left a session: %q", got)
			}
		})
	}
	t.Run("a tampered state is refused", func(t *testing.T) {
		b := browsertest.New(t)
		o.mu.Lock()
		o.capture = true
		o.mu.Unlock()
		signInAt(t, b, o, f.coord)
		o.mu.Lock()
		o.capture = false
		o.mu.Unlock()
		seen := o.callbacks()
		u, _ := url.Parse(seen[len(seen)-1])
		q := u.Query()
		q.Set("state", q.Get("state")+"x")
		u.RawQuery = q.Encode()
		if got := visit(t, b, o.URL+u.String()); !strings.Contains(got, signin.ErrOIDCState.Error()) {
			t.Errorf("tampered state: %q", got)
		}
		if got := visit(t, b, o.URL+"/whoami"); !strings.HasPrefix(got, "false") {
			t.Errorf("a tampered callback left a session: %q", got)
		}
	})
}

func TestSingleSignOnRefusesAnExpiredTokenAndAnotherAudience(t *testing.T) {
	for name, adjust := range map[string]func(*signin.Gate){
		"expired": func(g *signin.Gate) {
			signin.SetOIDCCheck(g, "", func() time.Time { return time.Now().Add(3 * time.Hour) })
		},
		"audience": func(g *signin.Gate) { signin.SetOIDCCheck(g, "another-client", nil) },
	} {
		t.Run(name, func(t *testing.T) {
			f := setup(t)
			f.account(t)
			o, _ := newOIDCSite(t, f, "", adjust)
			b := browsertest.New(t)
			got := signInAt(t, b, o, f.coord)
			if !strings.Contains(got, signin.ErrOIDCRefused.Error()) || !strings.Contains(got, name) {
				t.Fatalf("callback says %q, want %v", got, signin.ErrOIDCRefused)
			}
			if got := visit(t, b, o.URL+"/whoami"); !strings.HasPrefix(got, "false") {
				t.Errorf("a refused token left a session: %q", got)
			}
		})
	}
}
