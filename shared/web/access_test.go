package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/web"
)

// person is a signed-in role for the route walk: a session made in the
// table, carried by a cookie.
type person struct {
	name  string
	role  store.Role // "" = signed out
	email string
	c     *http.Client
	csrf  string
}

// sessionFor makes an account of role, assigned to programmes, with a
// live session, and returns a client carrying it.
func sessionFor(t *testing.T, s *site, role store.Role, programmes ...string) person {
	t.Helper()
	ctx := context.Background()
	email := string(role) + "-" + ids.New()[:6] + "@example.org"
	if err := s.store.CreateAccount(ctx, store.Account{Email: email, Role: role, Programmes: programmes}); err != nil {
		t.Fatal(err)
	}
	secret, csrf := "cookie-"+ids.New()+ids.New(), "csrf-"+ids.New()
	sum := sha256.Sum256([]byte(secret))
	now := s.clock.Now()
	if err := s.store.CreateSession(ctx, store.Session{Hash: hex.EncodeToString(sum[:]), Email: email, CSRF: csrf, CreatedAt: now, Expires: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	c := client()
	u, _ := url.Parse(s.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: signin.InsecureCookie, Value: secret, Path: "/"}})
	return person{name: string(role), role: role, email: email, c: c, csrf: csrf}
}

// snapshot is every item of the table, to prove a refused request changed
// nothing.
func snapshot(t *testing.T, s *site) string {
	t.Helper()
	db := stacktest.DynamoDB(t)
	var items []string
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(s.store.Table()), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range page.Items {
			b, _ := json.Marshal(item)
			items = append(items, string(b))
		}
	}
	sort.Strings(items)
	return strings.Join(items, "\n")
}

// TestEveryRouteByRoleAndAssignment walks every route of the site for
// each role, on a programme assigned to them and one that is not: 200 (or
// the page's own answer) where the role allows it, 403 where it does not,
// the sign-in page (GET) or 401 (POST) when signed out; and a refused
// request changes nothing in the table.
func TestEveryRouteByRoleAndAssignment(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	// Two programmes with a pair each: "mine" is assigned, "theirs" not.
	c, csrf := s.signIn(t)
	type fixture struct{ id, participant, pair string }
	fixtures := map[string]fixture{}
	for _, which := range []string{"mine", "theirs"} {
		id := s.createProgramme(t, c, csrf, "Programme "+which)
		tag := ids.New()[:6]
		upload(t, s, c, csrf, id, "people.csv", []byte(fmt.Sprintf("email,name,role\ns-%s@example.org,Sen %s,senior\nj-%s@example.org,Jun %s,junior\n", tag, which, tag, which)), http.StatusSeeOther)
		people, _ := s.store.ListParticipants(ctx, id)
		prog, _ := s.store.GetProgramme(ctx, id)
		var sen, jun programme.Participant
		for _, x := range people {
			if x.Role == programme.Senior {
				sen = x
			} else {
				jun = x
			}
		}
		pairs, err := schedule.Approve(ctx, s.store, s.queue, prog, []programme.Pair{{SeniorID: sen.ID, JuniorID: jun.ID}}, s.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		fixtures[which] = fixture{id: id, participant: jun.ID, pair: pairs[0].ID}
	}
	s.queue.Drain()
	mine := fixtures["mine"].id
	people := []person{
		{name: "signed out", c: client()},
		sessionFor(t, s, store.RoleAdministrator),
		sessionFor(t, s, store.RoleCoordinator, mine),
		sessionFor(t, s, store.RoleViewer, mine),
	}
	// What each access allows, by role and by whether the programme in
	// the path is assigned.
	allowed := func(x web.Access, role store.Role, assigned bool) bool {
		switch {
		case x == web.Public:
			return true
		case role == "":
			return false
		case x == web.SignedIn:
			return true
		case role == store.RoleAdministrator:
			return true
		case x == web.Creator:
			return role == store.RoleCoordinator
		case x == web.ProgrammeView:
			return assigned
		case x == web.ProgrammeEdit:
			return assigned && role == store.RoleCoordinator
		}
		return false // Admin
	}
	// path fills a route's pattern for one programme: real ids where a
	// page needs them, so GET pages answer 200; made-up ones for what a
	// POST would destroy.
	path := func(rt web.Route, f fixture, forPost bool) string {
		p := strings.TrimSuffix(rt.Pattern, "{$}")
		other := ids.New()
		subs := map[string]string{
			"{id}": f.id, "{pid}": f.participant, "{pair}": f.pair, "{action}": "pause", "{file}": "pairs.csv",
			"{email}": s.coord, "{name}": "senior", "{token}": "not-a-token", "{story}": other,
		}
		if strings.Contains(p, "/proposals/") {
			subs["{pid}"] = other
		}
		if forPost {
			subs["{pid}"], subs["{pair}"], subs["{email}"] = other, other, "nobody-"+other+"@example.org"
		}
		for k, v := range subs {
			p = strings.ReplaceAll(p, k, v)
		}
		if strings.Contains(p, "{") {
			t.Fatalf("route %s %s: no value for a path parameter in %s", rt.Method, rt.Pattern, p)
		}
		return p
	}
	// GET pages that must answer 200 when allowed (the others answer with
	// their own 404 for a made-up id, or a download).
	mustOK := map[string]bool{}
	for _, p := range []string{"/programmes", "/programmes/new", "/programmes/{id}", "/programmes/{id}/edit", "/programmes/{id}/dashboard",
		"/programmes/{id}/attention", "/programmes/{id}/stories", "/programmes/{id}/report", "/programmes/{id}/participants/{pid}/note",
		"/programmes/{id}/participants/{pid}/erase", "/programmes/{id}/participants/{pid}/export.json", "/programmes/{id}/export/{file}",
		"/orgchart", "/accounts", "/accounts/{email}", "/audit", "/programmes/{id}/audit", "/audit.csv", "/programmes/{id}/audit.csv",
		"/signin", "/guides/{name}", "/programmes/{id}/example.csv", "/orgchart/example.csv", "/stories/published"} {
		mustOK[p] = true
	}
	routes := s.web.Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes listed", len(routes))
	}
	do := func(p person, method, target string) *http.Response {
		t.Helper()
		var resp *http.Response
		var err error
		if method == http.MethodGet {
			resp, err = p.c.Get(s.URL + target)
		} else {
			resp, err = p.c.PostForm(s.URL+target, url.Values{"csrf": {p.csrf}})
		}
		if err != nil {
			t.Fatal(err)
		}
		body(t, resp)
		return resp
	}
	checked := 0
	// Refusals first, each proving it changed nothing; then what is
	// allowed, with forms that are empty or name nothing that exists, so
	// the walk itself destroys nothing.
	for _, phase := range []string{"refused", "allowed"} {
		for _, rt := range routes {
			if rt.Pattern == "/signout" && phase == "allowed" {
				continue // signing out is tested on its own; it would end the walk's sessions
			}
			for _, which := range []string{"mine", "theirs"} {
				if which == "theirs" && !strings.Contains(rt.Pattern, "{id}") {
					continue
				}
				for _, p := range people {
					ok := allowed(rt.Access, p.role, which == "mine")
					if ok != (phase == "allowed") {
						continue
					}
					target := path(rt, fixtures[which], rt.Method == http.MethodPost)
					what := fmt.Sprintf("%s %s as %s (%s programme)", rt.Method, target, p.name, which)
					var before string
					if !ok {
						before = snapshot(t, s)
					}
					resp := do(p, rt.Method, target)
					checked++
					switch {
					case !ok && p.role == "" && rt.Method == http.MethodGet:
						if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
							t.Errorf("%s = %d to %q, want 303 to /signin", what, resp.StatusCode, resp.Header.Get("Location"))
						}
					case !ok && p.role == "":
						if resp.StatusCode != http.StatusUnauthorized {
							t.Errorf("%s = %d, want 401", what, resp.StatusCode)
						}
					case !ok:
						if resp.StatusCode != http.StatusForbidden {
							t.Errorf("%s = %d, want 403", what, resp.StatusCode)
						}
					case rt.Method == http.MethodGet && mustOK[rt.Pattern]:
						if resp.StatusCode != http.StatusOK {
							t.Errorf("%s = %d, want 200", what, resp.StatusCode)
						}
					case rt.Access == web.Public:
						// Public pages answer for themselves (a bad
						// sign-in link is refused by its own page).
					default:
						if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized || resp.Header.Get("Location") == "/signin" {
							t.Errorf("%s = %d: refused, but the role allows it", what, resp.StatusCode)
						}
					}
					if !ok {
						if after := snapshot(t, s); after != before {
							t.Errorf("%s changed the table", what)
						}
					}
				}
			}
		}
	}
	t.Logf("%d requests over %d routes", checked, len(routes))
}
