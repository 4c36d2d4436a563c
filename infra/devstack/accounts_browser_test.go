package devstack_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/upward-mentoring/upward/infra/browsertest"
	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/shared/ids"
)

var inviteRE = regexp.MustCompile(`https?://\S+/signin/verify\?token=[A-Za-z0-9_%-]+`)

// acceptInvitation signs addr in, in a fresh browser, from the link in
// their invitation email.
func acceptInvitation(t *testing.T, st *devstack.Stack, addr string) context.Context {
	t.Helper()
	mails := emailsTo(t, st, addr)
	if len(mails) != 1 || mails[0].Subject != "You are invited to Upward" {
		t.Fatalf("%s received %d emails, want their invitation", addr, len(mails))
	}
	link := inviteRE.FindString(mails[0].Body.Text)
	if link == "" {
		t.Fatalf("no link in the invitation:\n%s", mails[0].Body.Text)
	}
	ctx := browsertest.New(t)
	browsertest.Step(t, ctx, addr+" accepts the invitation",
		chromedp.Navigate(link),
		chromedp.Click(browsertest.Button("Sign in")),
		chromedp.WaitVisible(chromedp.Search(`//h1[normalize-space()="Programmes"]`)),
	)
	return ctx
}

// TestAdministratorManagesAccountsInTheBrowser: the first administrator
// signs in by single sign-on against a real OpenID provider, runs a round,
// invites a coordinator and the sponsor (view-only), and reads in the audit
// trail who approved the round; the invited sign in from their emails and
// see what their role allows; moving the dev clock a month signs nobody out.
func TestAdministratorManagesAccountsInTheBrowser(t *testing.T) {
	st, err := devstack.Start(context.Background(), devstack.Options{Coordinators: []string{coordinator}, ProposalWait: time.Hour, OIDC: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	ctx := browsertest.New(t)

	browsertest.Step(t, ctx, "sign in with the identity provider",
		chromedp.Navigate(st.WebURL+"/"),
		chromedp.WaitVisible(chromedp.ID("oidc")),
	)
	browsertest.Screenshot(t, ctx, "sign-in")
	browsertest.Accessible(t, ctx, "the sign-in page with single sign-on")
	browsertest.Step(t, ctx, "at the provider",
		chromedp.Click(chromedp.ID("oidc")),
		chromedp.WaitVisible(chromedp.CSS(`input[name=login]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=login]`), coordinator),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "any password"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(browsertest.Button("Continue")),
		chromedp.Click(browsertest.Button("Continue")),
		chromedp.WaitVisible(browsertest.Button("New programme")),
	)

	browsertest.Step(t, ctx, "create a programme",
		chromedp.Click(browsertest.Button("New programme")),
		chromedp.WaitVisible(chromedp.ID("name")),
	)
	browsertest.Accessible(t, ctx, "the new programme form")
	// The essentials first: every other setting waits in a closed section
	// (rounds among them, which a one-cohort programme never needs). A
	// closed details hides its content with content-visibility, which
	// checkVisibility sees and the element's boxes do not.
	shown := browsertest.Get(t, ctx, "list the fields shown", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("main form input, main form select, main form textarea")].filter(e => e.type !== "hidden" && e.checkVisibility()).map(e => e.name)`))
	if want := []string{"name", "start_date", "end_date", "purpose", "purpose_statement"}; !slices.Equal(shown, want) {
		t.Errorf("the new programme form shows %v, want only %v", shown, want)
	}
	browsertest.Step(t, ctx, "end it before it starts",
		chromedp.SendKeys(chromedp.ID("name"), "Bridges 2027"),
		chromedp.SetValue(chromedp.ID("start_date"), "2027-07-09"),
		chromedp.SetValue(chromedp.ID("end_date"), "2027-01-11"),
		chromedp.Click(browsertest.Button("Create programme")),
		chromedp.WaitVisible(chromedp.CSS(`#end_date[aria-invalid="true"]`)),
	)
	browsertest.Accessible(t, ctx, "the new programme form with an error")
	browsertest.Step(t, ctx, "put the dates right",
		chromedp.SetValue(chromedp.ID("start_date"), "2027-01-11"),
		chromedp.SetValue(chromedp.ID("end_date"), "2027-07-09"),
		chromedp.Click(browsertest.Button("Create programme")),
		chromedp.WaitVisible(chromedp.ID("participants")),
	)
	browsertest.Accessible(t, ctx, "a new programme's page")
	if browsertest.Get(t, ctx, "is there a propose button", chromedp.Evaluate[bool](`document.getElementById("propose") !== null`)) {
		t.Error("Propose matches is offered with nobody opted in")
	}
	csv := "email,name,role,department\nrita@example.org,Rita Reis,senior,Finance\ntom@example.org,Tom Tan,senior,Operations\nkim@example.org,Kim Kato,junior,Operations\nlia@example.org,Lia Lopes,junior,Finance\n"
	file := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	browsertest.Step(t, ctx, "enrol, tick everyone and mark them opted in at once",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Click(browsertest.Button("Upload and enrol")),
		chromedp.WaitVisible(chromedp.ID("participant-list")),
		chromedp.Click(chromedp.CSS(`tr[data-email="rita@example.org"] input[type=checkbox]`)),
		chromedp.Click(chromedp.CSS(`tr[data-email="tom@example.org"] input[type=checkbox]`)),
		chromedp.Click(chromedp.CSS(`tr[data-email="kim@example.org"] input[type=checkbox]`)),
		chromedp.Click(chromedp.CSS(`tr[data-email="lia@example.org"] input[type=checkbox]`)),
		chromedp.SetValue(chromedp.ID("bulk-action"), "opted_in"),
		chromedp.Click(chromedp.ID("bulk-apply")),
		chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"notice")][contains(.,"Marked as opted in: 4.")]`)),
	)
	if n := browsertest.Get(t, ctx, "count opted in", chromedp.Evaluate[int](`document.querySelectorAll("#participant-list .badge.opted_in").length`)); n != 4 {
		t.Fatalf("%d opted in after the bulk action, want 4", n)
	}
	browsertest.Accessible(t, ctx, "the participants after a bulk action")
	browsertest.Step(t, ctx, "propose and approve",
		chromedp.Click(browsertest.Button("Propose matches")),
		chromedp.WaitVisible(chromedp.ID("pair-list")),
		chromedp.Click(browsertest.Button("Approve and send introductions")),
		chromedp.WaitVisible(chromedp.ID("approved-pairs")),
	)
	progURL := browsertest.Get(t, ctx, "read the programme's address", chromedp.Location())
	progPath := strings.TrimPrefix(progURL, st.WebURL)
	if i := strings.IndexAny(progPath, "?#"); i >= 0 {
		progPath = progPath[:i]
	}

	// Invite a coordinator for the programme, and the sponsor to view it.
	for _, inv := range []struct{ email, role string }{{"carla@example.org", "coordinator"}, {"sponsor@example.org", "viewer"}} {
		browsertest.Step(t, ctx, "invite "+inv.email,
			chromedp.Navigate(st.WebURL+"/accounts"),
			chromedp.WaitVisible(chromedp.ID("invite-button")),
			chromedp.SendKeys(chromedp.ID("email"), inv.email),
			chromedp.Click(chromedp.CSS(`input[name=role][value=`+inv.role+`]`)),
			chromedp.Click(chromedp.CSS(`input[name=programme]`)),
			chromedp.Click(chromedp.ID("invite-button")),
			chromedp.WaitVisible(chromedp.CSS(`tr[data-email="`+inv.email+`"]`)),
		)
	}
	browsertest.Screenshot(t, ctx, "accounts")
	browsertest.Accessible(t, ctx, "the accounts page")
	accounts := browsertest.Get(t, ctx, "read the accounts", chromedp.Text(chromedp.ID("accounts")))
	for _, want := range []string{"carla@example.org", "Coordinator", "sponsor@example.org", "Viewer", "Bridges 2027"} {
		if !strings.Contains(accounts, want) {
			t.Errorf("the accounts list lacks %q:\n%s", want, accounts)
		}
	}

	browsertest.Step(t, ctx, "open Carla's account",
		chromedp.Click(chromedp.CSS(`tr[data-email="carla@example.org"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/accounts/carla@example.org"]`)),
	)
	browsertest.Accessible(t, ctx, "an account's page")
	browsertest.Step(t, ctx, "open the org chart", chromedp.Navigate(st.WebURL+"/orgchart"), chromedp.WaitVisible(chromedp.ID("upload-form")))
	browsertest.Accessible(t, ctx, "the org chart page")
	browsertest.Step(t, ctx, "read the audit trail",
		chromedp.Navigate(st.WebURL+"/audit?action=round+approved"),
		chromedp.WaitVisible(chromedp.ID("audit")),
	)
	browsertest.Accessible(t, ctx, "the audit trail, filtered")
	trail := browsertest.Get(t, ctx, "read the entries", chromedp.Text(chromedp.ID("audit")))
	if !strings.Contains(trail, "round approved") || !strings.Contains(trail, coordinator) || !strings.Contains(trail, "Bridges 2027") {
		t.Errorf("the audit trail does not say who approved the round:\n%s", trail)
	}
	browsertest.Step(t, ctx, "the whole trail", chromedp.Navigate(st.WebURL+"/audit"), chromedp.WaitVisible(chromedp.ID("audit")))
	browsertest.Screenshot(t, ctx, "audit")
	browsertest.Accessible(t, ctx, "the audit trail")
	trail = browsertest.Get(t, ctx, "read the entries", chromedp.Text(chromedp.ID("audit")))
	for _, want := range []string{"account invited", "enrolment uploaded", "bulk action", "matches proposed", "programme created"} {
		if !strings.Contains(trail, want) {
			t.Errorf("the trail lacks %q", want)
		}
	}

	// The coordinator works on the programme.
	carla := acceptInvitation(t, st, "carla@example.org")
	browsertest.Step(t, carla, "open the programme", chromedp.Navigate(st.WebURL+progPath), chromedp.WaitVisible(chromedp.ID("participants")))
	// The sponsor reads the dashboard, and nothing else.
	sponsor := acceptInvitation(t, st, "sponsor@example.org")
	browsertest.Step(t, sponsor, "open the programme from the list",
		chromedp.Navigate(st.WebURL+"/programmes"),
		chromedp.Click(chromedp.CSS(`a[href$="/dashboard"]`)),
		chromedp.WaitVisible(chromedp.CSS(".figures")),
	)
	browsertest.Accessible(t, sponsor, "the dashboard as the sponsor sees it")
	if browsertest.Get(t, sponsor, "attention link", chromedp.Evaluate[bool](`document.querySelector('a[href$="/attention"]') !== null`)) {
		t.Error("the sponsor is offered the attention list")
	}
	browsertest.Step(t, sponsor, "try the programme page", chromedp.Navigate(st.WebURL+progPath), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h := browsertest.Get(t, sponsor, "read the heading", chromedp.Text(chromedp.CSS("h1"))); h != "Not available to your account" {
		t.Errorf("the sponsor opening the programme page sees %q", h)
	}
	browsertest.Accessible(t, sponsor, "the page refusing the sponsor")

	// The pages a coordinator reaches less often: erasing someone (not
	// pressed), a guide the emails link to, the per-programme trail, the
	// local inbox, and a programme that does not exist.
	for _, page := range []struct {
		what  string
		steps []chromedp.Action[chromedp.Void]
	}{
		{"the erase confirmation", []chromedp.Action[chromedp.Void]{chromedp.Navigate(st.WebURL + progPath),
			chromedp.Click(chromedp.CSS(`tr[data-email="lia@example.org"] a[href$="/erase"]`)), chromedp.WaitVisible(chromedp.CSS(`form[action$="/erase"]`))}},
		{"the programme's audit trail", []chromedp.Action[chromedp.Void]{chromedp.Navigate(st.WebURL + progPath + "/audit"), chromedp.WaitVisible(chromedp.ID("audit"))}},
		{"a guide for participants", []chromedp.Action[chromedp.Void]{chromedp.Navigate(st.WebURL + "/guides/feedback"), chromedp.WaitVisible(chromedp.CSS("h1"))}},
		{"the local inbox", []chromedp.Action[chromedp.Void]{chromedp.Navigate(st.WebURL + "/dev/inbox"), chromedp.WaitVisible(chromedp.CSS(`form[action="/dev/inbox"]`))}},
		{"a programme that does not exist", []chromedp.Action[chromedp.Void]{chromedp.Navigate(st.WebURL + "/programmes/" + ids.New()), chromedp.WaitVisible(chromedp.CSS("h1"))}},
	} {
		browsertest.Step(t, ctx, "open "+page.what, page.steps...)
		browsertest.Accessible(t, ctx, page.what)
	}
	browsertest.Step(t, ctx, "open the programme's settings", chromedp.Navigate(st.WebURL+progPath+"/edit"), chromedp.WaitVisible(chromedp.ID("name")))
	browsertest.Accessible(t, ctx, "a programme's settings")
	// On a phone (390 px) no page scrolls sideways: tables become cards.
	browsertest.Step(t, ctx, "a phone's width", chromedp.EmulateViewport(390, 844))
	for _, page := range []string{"/programmes", progPath, progPath + "/edit", "/programmes/new", "/accounts", "/audit", progPath + "/dashboard"} {
		browsertest.Step(t, ctx, "open "+page+" on a phone", chromedp.Navigate(st.WebURL+page), chromedp.WaitVisible(chromedp.CSS("h1")))
		if w := browsertest.Get(t, ctx, "measure "+page, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
			t.Errorf("%s is %d px wide on a 390 px phone: it scrolls sideways", page, w)
		}
		if page == progPath {
			browsertest.Screenshot(t, ctx, "participants-phone")
		}
		// Contrast and names hold at any width: the cards are other markup.
		browsertest.Accessible(t, ctx, page+" on a phone")
	}
	browsertest.Step(t, ctx, "a desktop's width again", chromedp.EmulateViewport(1280, 900))

	// Sessions follow real time: a month on the dev clock signs nobody out.
	browsertest.Step(t, ctx, "open the programmes", chromedp.Navigate(st.WebURL+"/programmes"), chromedp.WaitVisible(chromedp.ID("dev-now")))
	before := browsertest.Get(t, ctx, "read the dev clock", chromedp.Text(chromedp.ID("dev-now")))
	browsertest.Step(t, ctx, "move the dev clock a month on", chromedp.Click(browsertest.Button("+30 days")))
	// The page after shows the moved clock (read until it does: the click
	// answers once a month of emails is sent, however long that takes).
	for i := 0; ; i++ {
		sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		now, err := chromedp.Run(sctx, chromedp.Text(chromedp.ID("dev-now")))
		cancel()
		if err == nil && now != before {
			break
		}
		if i == 150 {
			t.Fatalf("the page never showed the moved clock (still %q)", before)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if h := browsertest.Get(t, ctx, "read the heading", chromedp.Text(chromedp.CSS("h1"))); h != "Programmes" {
		t.Errorf("after +30 days the page is %q, want Programmes (still signed in)", h)
	}
}
