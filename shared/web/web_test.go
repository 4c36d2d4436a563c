package web_test

import (
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/enrol"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/review"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/signin"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
	"github.com/upward-mentoring/upward/shared/web"
)

func TestMain(m *testing.M) { stacktest.Main(m) }

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

type site struct {
	*httptest.Server
	store  *store.Store
	clock  *stacktest.Clock
	queue  stacktest.Queue
	signer *token.Signer
	coord  string
	// faults lets a test break the site's queue (the emulator cannot).
	faults *breakableQueue
	web    *web.Server
}

// breakableQueue is the site's send queue with a switch that makes it fail,
// as SQS does in an outage.
type breakableQueue struct {
	sendqueue.Queue
	mu     sync.Mutex
	broken bool
}

func (q *breakableQueue) Enqueue(ctx context.Context, jobs ...sendqueue.Job) error {
	q.mu.Lock()
	broken := q.broken
	q.mu.Unlock()
	if broken {
		return errors.New("SQS is unavailable")
	}
	return q.Queue.Enqueue(ctx, jobs...)
}

func (q *breakableQueue) set(broken bool) {
	q.mu.Lock()
	q.broken = broken
	q.mu.Unlock()
}

// siteOption changes what the site is built from before it serves.
type siteOption func(t *testing.T, sys *stacktest.System, d *web.Deps)

func newSite(t *testing.T, opts ...siteOption) *site {
	t.Helper()
	return newSiteWith(t, web.Config{}, opts...)
}

// newSiteWith is a site with settings of a test's own (the base address,
// Insecure and ProposalWait are set here).
func newSiteWith(t *testing.T, cfg web.Config, opts ...siteOption) *site {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	sys := stacktest.NewSystem(t, stacktest.Options{Start: t0, Mail: mail.Settings{BaseURL: base}})
	coord := "coord-" + ids.New()[:6] + "@example.org"
	matches := &review.Service{Store: sys.Store, Queue: sys.Queue, Clock: sys.Clock, Log: sys.Log}
	// The coordinator is the first administrator; tests sign in many
	// times a minute, so the request limits are raised (their own test is
	// in shared/signin).
	gate, err := signin.New(sys.Store, sys.Queue, sys.Signer, sys.Clock, sys.Log, signin.Config{Administrators: []string{coord}, Insecure: true,
		Limits: signin.Limits{PerAddressMinute: 1000, PerAddressHour: 1000, PerSourceHour: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	// ProposalWait: a proposal's page waits for its in-process run however
	// slow the machine, so what a test sees never depends on its speed.
	faults := &breakableQueue{Queue: sys.Queue}
	// Answers on the participants' pages go through the same handler as
	// replies, sending its acknowledgements through the breakable queue.
	answers, err := inbound.New(sys.Store, faults, sys.Signer, sys.Clock, sys.Log, inbound.Settings{MailDomain: "upward.test", Local: true})
	if err != nil {
		t.Fatal(err)
	}
	deps := web.Deps{Store: sys.Store, SignIn: gate, Queue: faults, Signer: sys.Signer, Clock: sys.Clock, Log: sys.Log,
		Matches: matches, Proposals: review.InProcess{Service: matches}, Answers: answers}
	for _, o := range opts {
		o(t, sys, &deps)
	}
	w, err := web.New(deps, web.Config{BaseURL: base, Insecure: true, ProposalWait: time.Hour, AttentionPageSize: cfg.AttentionPageSize})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = w
	srv.Start()
	t.Cleanup(srv.Close)
	return &site{Server: srv, store: sys.Store, clock: sys.Clock, queue: sys.Queue, signer: sys.Signer, coord: coord, faults: faults, web: w}
}

func client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		checkMarkup(t, r.Request.Method+" "+r.Request.URL.Path, string(b))
	}
	return string(b)
}

var tokenRE = regexp.MustCompile(`/signin/verify\?token=([A-Za-z0-9_-]+)`)

// requestLink asks for a sign-in link and returns the token from the email.
func (s *site) requestLink(t *testing.T, c *http.Client) string {
	t.Helper()
	before := len(stacktest.Emails(t, s.coord))
	resp, err := c.PostForm(s.URL+"/signin", url.Values{"email": {strings.ToUpper(s.coord)}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /signin = %d", resp.StatusCode)
	}
	resp.Body.Close()
	s.queue.Drain()
	mails := stacktest.Emails(t, s.coord)
	if len(mails) != before+1 {
		t.Fatalf("sign-in emails = %d, want %d", len(mails), before+1)
	}
	m := tokenRE.FindStringSubmatch(mails[len(mails)-1].Body.Text)
	if m == nil {
		t.Fatalf("no link in %q", mails[len(mails)-1].Body.Text)
	}
	return m[1]
}

func (s *site) signIn(t *testing.T) (*http.Client, string) {
	t.Helper()
	c := client()
	tok := s.requestLink(t, c)
	resp, err := c.PostForm(s.URL+"/signin/verify", url.Values{"token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/programmes" {
		t.Fatalf("verify = %d to %q, want 303 to /programmes", resp.StatusCode, resp.Header.Get("Location"))
	}
	page := s.get(t, c, "/programmes/new", http.StatusOK)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on the form")
	}
	return c, m[1]
}

var noticeRE = regexp.MustCompile(`(?s)<div class="notice ok" role="status">(.*?)</div>`)

// noticeAt opens the page a form redirected to and returns its notice.
func (s *site) noticeAt(t *testing.T, c *http.Client, resp *http.Response) string {
	t.Helper()
	page := s.get(t, c, resp.Header.Get("Location"), http.StatusOK)
	m := noticeRE.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func (s *site) get(t *testing.T, c *http.Client, path string, want int) string {
	t.Helper()
	resp, err := c.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, resp)
	if resp.StatusCode != want {
		t.Fatalf("GET %s = %d, want %d\n%s", path, resp.StatusCode, want, b)
	}
	return b
}

func (s *site) post(t *testing.T, c *http.Client, path string, form url.Values, want int) (string, *http.Response) {
	t.Helper()
	resp, err := c.PostForm(s.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, resp)
	if resp.StatusCode != want {
		t.Fatalf("POST %s = %d, want %d\n%s", path, resp.StatusCode, want, b)
	}
	return b, resp
}

func programmeForm(csrf, name, start, end string) url.Values {
	return url.Values{"csrf": {csrf}, "name": {name}, "start_date": {start}, "end_date": {end}, "purpose": {"generational_insight"},
		"meeting_cadence": {"biweekly"}, "checkin_cadence": {"biweekly"}, "meeting_mode": {"either"}, "meeting_minutes": {"45"},
		"confidentiality": {programme.DefaultConfidentiality}, "topics": {"AI tools\nHybrid work"}, "junior_capacity": {"1"}}
}

func (s *site) createProgramme(t *testing.T, c *http.Client, csrf, name string) string {
	t.Helper()
	_, resp := s.post(t, c, "/programmes", programmeForm(csrf, name, "2027-01-04", "2027-06-30"), http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/programmes/") {
		t.Fatalf("create redirected to %q", loc)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(loc, "/programmes/"), "?")
	return id
}

func TestUnknownAddressGetsTheSameAnswerAndNoEmail(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := client()
	stranger := "stranger-" + ids.New()[:6] + "@example.org"
	known, _ := s.post(t, c, "/signin", url.Values{"email": {s.coord}}, http.StatusOK)
	unknown, _ := s.post(t, c, "/signin", url.Values{"email": {stranger}}, http.StatusOK)
	if strings.ReplaceAll(known, s.coord, "X") != strings.ReplaceAll(unknown, stranger, "X") {
		t.Error("the answer for an unknown address differs from the answer for a coordinator's")
	}
	if n := len(stacktest.Emails(t, stranger)); n != 0 {
		t.Errorf("an address not on the allow-list received %d emails", n)
	}
	bad, _ := s.post(t, c, "/signin", url.Values{"email": {"not an email"}}, http.StatusUnprocessableEntity)
	if !strings.Contains(bad, `class="field-error" id="email-error"`) {
		t.Errorf("invalid address: no error next to the field:\n%s", bad)
	}
}

func TestMagicLinksAreSingleUseAndExpire(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := client()
	tok := s.requestLink(t, c)
	// The GET only shows a button: a mail scanner opening it uses nothing up.
	for i := 0; i < 2; i++ {
		page := s.get(t, c, "/signin/verify?token="+tok, http.StatusOK)
		if !strings.Contains(page, `name="token"`) {
			t.Fatal("verify page has no confirm form")
		}
	}
	s.post(t, c, "/signin/verify", url.Values{"token": {tok}}, http.StatusSeeOther)
	used, _ := s.post(t, client(), "/signin/verify", url.Values{"token": {tok}}, http.StatusForbidden)
	if !strings.Contains(used, "already been used") {
		t.Errorf("reused link: %s", used)
	}

	late := s.requestLink(t, client())
	s.clock.Add(15*time.Minute + time.Second)
	expired, _ := s.post(t, client(), "/signin/verify", url.Values{"token": {late}}, http.StatusForbidden)
	if !strings.Contains(expired, "expired") {
		t.Errorf("expired link: %s", expired)
	}
	forged, _ := s.post(t, client(), "/signin/verify", url.Values{"token": {"made-up"}}, http.StatusForbidden)
	if !strings.Contains(forged, "not valid") {
		t.Errorf("made-up link: %s", forged)
	}
}

func TestCoordinatorPagesNeedSignInAndCSRF(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	anon := client()
	resp, err := anon.Get(s.URL + "/programmes")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
		t.Errorf("signed-out GET /programmes = %d to %q, want redirect to /signin", resp.StatusCode, resp.Header.Get("Location"))
	}
	s.post(t, anon, "/programmes", programmeForm("", "Sneaky", "2027-01-04", "2027-06-30"), http.StatusUnauthorized)

	c, csrf := s.signIn(t)
	noToken := programmeForm("", "No token", "2027-01-04", "2027-06-30")
	s.post(t, c, "/programmes", noToken, http.StatusForbidden)
	wrong := programmeForm(csrf+"x", "Wrong token", "2027-01-04", "2027-06-30")
	s.post(t, c, "/programmes", wrong, http.StatusForbidden)

	// A cross-site form post is refused even with the right token.
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/programmes", strings.NewReader(programmeForm(csrf, "Cross", "2027-01-04", "2027-06-30").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", resp.StatusCode)
	}
	list, err := s.store.ListProgrammes(context.Background())
	if err != nil || len(list) != 0 {
		t.Errorf("refused posts created %d programmes (%v)", len(list), err)
	}

	s.post(t, c, "/signout", url.Values{"csrf": {csrf}}, http.StatusSeeOther)
	s.post(t, c, "/programmes", programmeForm(csrf, "After sign-out", "2027-01-04", "2027-06-30"), http.StatusUnauthorized)
}

func TestProgrammeFormReportsEachBadFieldAndSavesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	form := programmeForm(csrf, "", "2027-06-30", "2027-01-04")
	form.Set("meeting_minutes", "an hour")
	form.Set("topics", "")
	form.Set("resources", "Guide without a link")
	page, _ := s.post(t, c, "/programmes", form, http.StatusUnprocessableEntity)
	for field, msg := range map[string]string{
		"name":            "Give the programme a name.",
		"end_date":        "The end date must be after the start date.",
		"meeting_minutes": "&#34;an hour&#34; is not a whole number.",
		"topics":          "List at least one topic",
		"resources":       "Line 1: ",
	} {
		if !strings.Contains(page, `id="`+field+`-error">`+msg) {
			t.Errorf("no error %q next to %s", msg, field)
		}
	}
	if list, _ := s.store.ListProgrammes(context.Background()); len(list) != 0 {
		t.Errorf("an invalid form saved %d programmes", len(list))
	}

	// Markup in a name is shown, never run.
	id := s.createProgramme(t, c, csrf, `<script>alert("x")</script> Bridges`)
	page = s.get(t, c, "/programmes/"+id, http.StatusOK)
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Bridges") {
		t.Error("a programme name with markup is not escaped")
	}
}

func TestEditingAProgrammeSomeoneElseSavedIsAConflictNotALoss(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Original")
	first := programmeForm(csrf, "First edit", "2027-01-04", "2027-06-30")
	first.Set("version", "1")
	s.post(t, c, "/programmes/"+id, first, http.StatusSeeOther)
	second := programmeForm(csrf, "Second edit", "2027-01-04", "2027-06-30")
	second.Set("version", "1")
	page, _ := s.post(t, c, "/programmes/"+id, second, http.StatusConflict)
	if !strings.Contains(page, "Someone else saved this programme") || !strings.Contains(page, `value="Second edit"`) {
		t.Error("the conflict page does not explain or keep the coordinator's input")
	}
	p, _ := s.store.GetProgramme(context.Background(), id)
	if p.Name != "First edit" {
		t.Errorf("stored name = %q, want the first edit kept", p.Name)
	}
}

func upload(t *testing.T, s *site, c *http.Client, csrf, id, filename string, data []byte, want int) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/programmes/"+id+"/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, resp)
	if resp.StatusCode != want {
		t.Fatalf("upload %s = %d, want %d\n%s", filename, resp.StatusCode, want, b)
	}
	return b
}

func TestBadUploadsImportNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Uploads")

	page := upload(t, s, c, csrf, id, "cols.csv", []byte("email,name,role,favourite_colour\na@example.org,A,junior,blue\n"), http.StatusUnprocessableEntity)
	if !strings.Contains(page, "unknown column &#34;favourite_colour&#34;") {
		t.Errorf("unknown column not reported:\n%s", page)
	}
	page = upload(t, s, c, csrf, id, "rows.csv", []byte("email,name,role\nok@example.org,Ok,junior\nnope,,boss\n"), http.StatusUnprocessableEntity)
	for _, want := range []string{"<td>3</td><td>email</td>", "<td>3</td><td>name</td><td>name is empty</td>", "&#34;boss&#34; is not a role"} {
		if !strings.Contains(page, want) {
			t.Errorf("row errors lack %q", want)
		}
	}
	big := append([]byte("email,name,role\n"), bytes.Repeat([]byte("x"), enrol.MaxBytes)...)
	page = upload(t, s, c, csrf, id, "big.csv", big, http.StatusRequestEntityTooLarge)
	if !strings.Contains(page, "larger than 5 MB") {
		t.Errorf("oversized upload message:\n%s", page)
	}
	people, err := s.store.ListParticipants(context.Background(), id)
	if err != nil || len(people) != 0 {
		t.Errorf("bad uploads enrolled %d people (%v)", len(people), err)
	}
}

func TestAddOnePersonShowsFieldErrors(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Form enrolment")
	page, _ := s.post(t, c, "/programmes/"+id+"/participants", url.Values{
		"csrf": {csrf}, "email": {"ana@"}, "name": {" "}, "role": {""}, "time_zone": {"Europe/Atlantis"}, "manager_email": {"boss"},
	}, http.StatusUnprocessableEntity)
	for field, msg := range map[string]string{
		"email": "Email &#34;ana@&#34; is not an email address.", "name": "Name is empty.", "role": "Role must be senior or junior.",
		"time_zone": "&#34;Europe/Atlantis&#34; is not an IANA time zone", "manager_email": "Manager email &#34;boss&#34; is not an email address.",
	} {
		if !strings.Contains(page, `id="`+field+`-error">`+msg) {
			t.Errorf("no error %q next to %s", msg, field)
		}
	}
	if !strings.Contains(page, `value="ana@"`) {
		t.Error("the form does not keep what was typed")
	}
	addr := "ana-" + ids.New()[:6] + "@example.org"
	s.post(t, c, "/programmes/"+id+"/participants", url.Values{"csrf": {csrf}, "email": {addr}, "name": {"Ana"}, "role": {"junior"}}, http.StatusSeeOther)
	s.queue.Drain()
	if n := len(stacktest.Emails(t, addr)); n != 1 {
		t.Errorf("welcome emails = %d, want 1", n)
	}
}

func TestStatusAndResendWelcome(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Statuses")
	addr := "bo-" + ids.New()[:6] + "@example.org"
	upload(t, s, c, csrf, id, "one.csv", []byte("email,name,role\n"+addr+",Bo,senior\n"), http.StatusSeeOther)
	people, _ := s.store.ListParticipants(context.Background(), id)
	if len(people) != 1 {
		t.Fatalf("people = %d", len(people))
	}
	bo := people[0]
	base := "/programmes/" + id + "/participants/" + bo.ID
	s.post(t, c, base+"/status", url.Values{"csrf": {csrf}, "status": {"opted_in"}}, http.StatusSeeOther)
	s.post(t, c, base+"/status", url.Values{"csrf": {csrf}, "status": {"stopped"}}, http.StatusUnprocessableEntity)
	got, _ := s.store.GetParticipant(context.Background(), id, bo.ID)
	if got.Status != programme.OptedIn || !strings.Contains(got.StatusNote, s.coord) {
		t.Errorf("status = %s (%q), want opted_in set by the coordinator", got.Status, got.StatusNote)
	}
	s.post(t, c, base+"/welcome", url.Values{"csrf": {csrf}}, http.StatusSeeOther)
	s.queue.Drain()
	if n := len(stacktest.Emails(t, addr)); n != 2 {
		t.Errorf("emails after one resend = %d, want 2", n)
	}
}

func TestOneClickUnsubscribe(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Unsubscribe")
	addr := "cy-" + ids.New()[:6] + "@example.org"
	upload(t, s, c, csrf, id, "one.csv", []byte("email,name,role\n"+addr+",Cy,junior\n"), http.StatusSeeOther)
	s.queue.Drain()
	mails := stacktest.Emails(t, addr)
	if len(mails) != 1 {
		t.Fatalf("welcome emails = %d", len(mails))
	}
	link := strings.Trim(mails[0].Header("List-Unsubscribe"), "<>")
	path := strings.TrimPrefix(link, s.URL)

	anon := client()
	s.get(t, anon, path, http.StatusOK) // a scanner's GET changes nothing
	people, _ := s.store.ListParticipants(context.Background(), id)
	if people[0].Status != programme.Invited {
		t.Fatalf("GET changed the status to %s", people[0].Status)
	}
	// RFC 8058: the mail provider POSTs this body, without cookies or tokens.
	for i := 0; i < 2; i++ {
		resp, err := anon.Post(link, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("one-click POST %d = %d", i+1, resp.StatusCode)
		}
	}
	people, _ = s.store.ListParticipants(context.Background(), id)
	if people[0].Status != programme.Stopped {
		t.Errorf("status after unsubscribe = %s, want stopped", people[0].Status)
	}
	s.post(t, anon, path[:len(path)-4]+"aaaa", nil, http.StatusBadRequest)
	// A stopped person gets no more email, even when a coordinator asks.
	s.post(t, c, "/programmes/"+id+"/participants/"+people[0].ID+"/welcome", url.Values{"csrf": {csrf}}, http.StatusConflict)
}

func TestPublicPagesAndHeaders(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := client()
	resp, err := c.Get(s.URL + "/guides/feedback")
	if err != nil {
		t.Fatal(err)
	}
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Giving and receiving feedback across levels") {
		t.Errorf("guide = %d", resp.StatusCode)
	}
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
	} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, resp.Header.Get(h), want)
		}
	}
	s.get(t, c, "/guides/nope", http.StatusNotFound)
	css := s.get(t, c, "/static/app.css", http.StatusOK)
	if !strings.Contains(css, "--brand") {
		t.Error("stylesheet not served")
	}
}

func TestUnsubscribeStopsThePairAndFlagsIt(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	id := s.createProgramme(t, c, csrf, "Stop flags the pair")
	tag := ids.New()[:6]
	upload(t, s, c, csrf, id, "two.csv", []byte("email,name,role\nsen-"+tag+"@example.org,Sen,senior\njun-"+tag+"@example.org,Jun,junior\n"), http.StatusSeeOther)
	ctx := context.Background()
	people, _ := s.store.ListParticipants(ctx, id)
	prog, _ := s.store.GetProgramme(ctx, id)
	var sen, jun programme.Participant
	for _, p := range people {
		if p.Role == programme.Senior {
			sen = p
		} else {
			jun = p
		}
	}
	pairs, err := schedule.Approve(ctx, s.store, s.queue, prog, []programme.Pair{{SeniorID: sen.ID, JuniorID: jun.ID}}, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := s.signer.Sign(token.Ref{Purpose: token.PurposeUnsubscribe, ProgrammeID: id, ParticipantID: jun.ID, Kind: token.KindCheckIn, Cycle: 1})
	// The page asks first, names the programme, and speaks the person's
	// language.
	if err := s.store.SetLanguage(ctx, id, jun.ID, lang.FR, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	page := s.get(t, client(), "/u/"+tok, http.StatusOK)
	if !strings.Contains(page, "Stop flags the pair") || !strings.Contains(page, `<html lang="fr">`) {
		t.Errorf("the unsubscribe page does not name the programme in the person's language:\n%s", page)
	}
	if got, _ := s.store.GetParticipant(ctx, id, jun.ID); got.Status == programme.Stopped {
		t.Error("opening the link (as a mail scanner does) stopped the emails")
	}
	s.post(t, client(), "/u/"+tok, url.Values{"List-Unsubscribe": {"One-Click"}}, http.StatusOK)
	got, _ := s.store.GetPair(ctx, id, pairs[0].ID)
	if got.State != programme.PairStopped || !got.Attention {
		t.Errorf("pair after the junior stopped: %s, attention %v; want stopped and flagged", got.State, got.Attention)
	}
}

// The dev clock and the reply upload belong to infra/devstack: the site
// that is deployed answers them as pages that do not exist, and its pages
// link to neither.
func TestTheSiteHasNoLocalOnlyPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	s.post(t, c, "/dev/clock", url.Values{"csrf": {csrf}, "by": {"24h"}}, http.StatusNotFound)
	s.get(t, c, "/dev/inbox", http.StatusNotFound)
	if page := s.get(t, c, "/programmes", http.StatusOK); strings.Contains(page, "/dev/") || strings.Contains(page, "devclock") {
		t.Errorf("a page of the deployed site links to a local-only page:\n%s", page)
	}
	if s.clock.Now() != t0 {
		t.Errorf("the clock moved to %s", s.clock.Now())
	}
}

// The participant list's bulk actions: ticked people are marked opted in
// or sent their welcome again, those it does not apply to are counted and
// left alone, and a form that says too little changes nothing.
func TestBulkActionsOnTheParticipantList(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, csrf := s.signIn(t)
	ctx := context.Background()
	id := s.createProgramme(t, c, csrf, "Bulk")
	tag := ids.New()[:6]
	addr := func(name string) string { return name + "-" + tag + "@example.org" }
	csv := "email,name,role\n" + addr("ana") + ",Ana,junior\n" + addr("bo") + ",Bo,senior\n" + addr("cy") + ",Cy,junior\n"
	upload(t, s, c, csrf, id, "three.csv", []byte(csv), http.StatusSeeOther)
	people, _ := s.store.ListParticipants(ctx, id)
	byName := map[string]programme.Participant{}
	for _, x := range people {
		byName[x.Name] = x
	}
	if _, err := s.store.SetStatus(ctx, id, byName["Cy"].ID, programme.OptedIn, "test", t0); err != nil {
		t.Fatal(err)
	}
	s.queue.Drain()
	bulk := func(action string, who ...string) url.Values {
		v := url.Values{"csrf": {csrf}, "action": {action}}
		for _, n := range who {
			if x, ok := byName[n]; ok {
				v.Add("participant", x.ID)
			} else {
				v.Add("participant", ids.New())
			}
		}
		return v
	}
	path := "/programmes/" + id + "/participants/bulk"

	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no action chosen", bulk("", "Ana"), "Choose what to do with the people ticked."},
		{"an action nobody offers", bulk("stopped", "Ana"), "Choose what to do with the people ticked."},
		{"nobody ticked", bulk("welcome"), "Tick at least one person in the list first."},
		{"someone no longer enrolled", bulk("opted_in", "Ana", "Gone"), "Someone ticked is no longer enrolled"},
	} {
		page, _ := s.post(t, c, path, tc.form, http.StatusUnprocessableEntity)
		if !strings.Contains(page, tc.want) {
			t.Errorf("%s: the page lacks %q", tc.name, tc.want)
		}
	}
	s.queue.Drain()
	for _, n := range []string{"Ana", "Bo", "Cy"} {
		if got := len(stacktest.Emails(t, byName[n].Email)); got != 1 {
			t.Errorf("after refused bulk forms %s has %d emails, want their one welcome", n, got)
		}
	}

	// Welcome again to all three: Cy has opted in already and is left out.
	_, resp := s.post(t, c, path, bulk("welcome", "Ana", "Bo", "Cy"), http.StatusSeeOther)
	if got, want := s.noticeAt(t, c, resp), "Welcome email sent again: 2. Left out: 1 (opted in already, or no longer receiving email)."; got != want {
		t.Errorf("notice = %q, want %q", got, want)
	}
	s.queue.Drain()
	for n, want := range map[string]int{"Ana": 2, "Bo": 2, "Cy": 1} {
		if got := len(stacktest.Emails(t, byName[n].Email)); got != want {
			t.Errorf("%s has %d emails, want %d", n, got, want)
		}
	}

	// Opted in: Ana and Bo change, Cy already had.
	_, resp = s.post(t, c, path, bulk("opted_in", "Ana", "Bo", "Cy"), http.StatusSeeOther)
	if got, want := s.noticeAt(t, c, resp), "Marked as opted in: 2. Left as they were: 1 (already opted in or further, or no longer receiving email)."; got != want {
		t.Errorf("notice = %q, want %q", got, want)
	}
	for _, n := range []string{"Ana", "Bo", "Cy"} {
		if x, _ := s.store.GetParticipant(ctx, id, byName[n].ID); x.Status != programme.OptedIn {
			t.Errorf("%s is %s, want opted in", n, x.Status)
		}
	}
}
