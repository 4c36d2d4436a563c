package devstack_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/upward-mentoring/upward/infra/browsertest"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/programme"
)

// replier answers the programme's emails as each person would, through the
// local inbox and the real reply addresses.
type replier struct {
	w       *world
	seen    map[string]bool
	answers map[string]func(n int) string // by address: the body of their n-th answer ("" = silent)
	count   map[string]int
}

func (r *replier) reply(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	all, err := localstack.Emails(ctx, r.w.st.SESURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if r.seen[e.MessageID] || len(e.ReplyTo) != 1 || len(e.Destination.To) != 1 {
			continue
		}
		r.seen[e.MessageID] = true
		to := e.Destination.To[0]
		k := kindOf(e.Subject)
		if k != "checkin" && k != "midpoint" && k != "nudge" && k != "story_consent" {
			continue
		}
		answer := r.answers[to]
		if answer == nil {
			continue
		}
		var body string
		if k == "story_consent" {
			body = "YES" // everyone who answers agrees to their partner's story
		} else {
			r.count[to]++
			body = answer(r.count[to])
		}
		if body == "" {
			continue
		}
		raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <%s@example.org>\r\n\r\n%s\r\n", to, e.ReplyTo[0], e.Subject, e.MessageID, body)
		if out, err := r.w.st.Inbox.ReceiveUpload(ctx, []byte(raw)); err != nil || !strings.Contains(out, "recorded") {
			t.Fatalf("reply from %s: %q %v", to, out, err)
		}
	}
}

func always(body string) func(int) string { return func(int) string { return body } }

// publishMiasStory prepares Mia's story to publish from the stories page
// (the form comes anonymised), has Mia and Noa agree by reply, and reads
// the printable page of published stories.
func publishMiasStory(t *testing.T, w *world, bctx context.Context) {
	t.Helper()
	browsertest.Step(t, bctx, "prepare Mia's story to publish",
		chromedp.Click(browsertest.Button("Prepare to publish")),
		chromedp.WaitVisible(chromedp.ID("text")),
	)
	draft := browsertest.Get(t, bctx, "read the anonymised text", chromedp.Value(chromedp.ID("text")))
	if want := "A junior mentor showed me how our younger customers really use the app"; !strings.HasPrefix(draft, want) || strings.Contains(draft, "Noa") {
		t.Errorf("the text to publish is %q, want it to start %q, without Noa", draft, want)
	}
	browsertest.Screenshot(t, bctx, "publish-story")
	browsertest.Step(t, bctx, "ask Mia and Noa",
		chromedp.Click(browsertest.Button("Ask both to agree")),
		chromedp.WaitVisible(chromedp.Search(`//div[contains(@class,"notice")][contains(normalize-space(.),"Mia and their partner are asked by email")]`)),
	)
	// Replying attributes every email sent so far, the coordinator's
	// sign-in link and note among them: give the coordinator a zone too.
	w.zones[coordinator] = time.UTC
	w.st.Queue.Drain()
	w.collect(t)
	for _, who := range []string{"mia@example.org", "noa@example.org"} {
		asks := emailsAbout(t, w.st, who, "future participants")
		if len(asks) != 1 || !strings.Contains(asks[0].Body.Text, draft) {
			t.Fatalf("%s was asked %d times, want once, quoting the text", who, len(asks))
		}
		w.reply(t, who, asks[0], "YES")
	}
	browsertest.Step(t, bctx, "open the published stories",
		chromedp.Click(browsertest.Button("published stories")),
		chromedp.WaitVisible(chromedp.CSS("blockquote.story")),
	)
	browsertest.Screenshot(t, bctx, "published-stories")
	if got := browsertest.Get(t, bctx, "read the published story", chromedp.Text(chromedp.CSS("article.published"))); !strings.Contains(got, draft) || strings.Contains(got, "Mia") {
		t.Errorf("the printable page:\n%s", got)
	}
}

// TestFollowingAProgrammeInTheBrowser lives ten people through two months of
// check-ins, then follows the programme as a coordinator would: the
// dashboard, the attention list and its actions, a personal note, the
// stories, the printable report and a CSV download.
func TestFollowingAProgrammeInTheBrowser(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	more := []programme.Participant{
		{Email: "mia@example.org", Name: "Mia", Role: programme.Senior, TimeZone: "Europe/London"},
		{Email: "noa@example.org", Name: "Noa", Role: programme.Junior, TimeZone: "Europe/London"},
		{Email: "ola@example.org", Name: "Ola", Role: programme.Senior, TimeZone: "Europe/London"},
		{Email: "pia@example.org", Name: "Pia", Role: programme.Junior, TimeZone: "Europe/London"},
	}
	res, err := w.st.Store.Enrol(ctx, w.prog.ID, more, w.st.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range res.Created {
		if _, err := w.st.Store.SetStatus(ctx, w.prog.ID, x.ID, programme.OptedIn, "test", w.st.Now()); err != nil {
			t.Fatal(err)
		}
		w.people[x.Email], w.zones[x.Email] = x, x.Loc()
	}
	pairs := w.approve(t, [2]string{"joao@example.org", "ana@example.org"}, [2]string{"tom@example.org", "kim@example.org"},
		[2]string{"sam@example.org", "lee@example.org"}, [2]string{"mia@example.org", "noa@example.org"}, [2]string{"ola@example.org", "pia@example.org"})
	joaoAna, samLee, olaPia := pairs[0], pairs[2], pairs[4]

	// João and Ana never answer; Lee asks for a rematch at the first
	// check-in, which ends the pair; Mia shares a story at the third; Pia
	// never answers.
	r := &replier{w: w, seen: map[string]bool{}, count: map[string]int{}, answers: map[string]func(int) string{
		"tom@example.org": always("YES 5"), "kim@example.org": always("YES 4"),
		"sam@example.org": always("YES 3"),
		"lee@example.org": func(n int) string {
			if n == 1 {
				return "REMATCH"
			}
			return "YES 2"
		},
		"mia@example.org": func(n int) string {
			if n == 3 {
				return "STORY Noa showed me how our younger customers really use the app; we changed the onboarding."
			}
			return "YES 4"
		},
		"noa@example.org": always("YES 5"),
		"ola@example.org": always("YES 4"),
	}}
	w.liveUntil(t, time.Date(2027, 3, 2, 0, 0, 0, 0, time.UTC), func(time.Time) { r.reply(t) })
	// Pia answers her latest check-in once, from her home address: the reply
	// waits in quarantine for the coordinator to vouch for it.
	var toPia localstack.Email
	for _, e := range emailsTo(t, w.st, "pia@example.org") {
		if kindOf(e.Subject) == "checkin" && len(e.ReplyTo) == 1 {
			toPia = e
		}
	}
	if toPia.MessageID == "" {
		t.Fatal("Pia received no check-in")
	}
	fromHome := fmt.Sprintf("From: pia.home@example.net\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <home-%s@example.net>\r\n\r\nYES 4\r\n", toPia.ReplyTo[0], toPia.Subject, toPia.MessageID)
	if out, err := w.st.Inbox.ReceiveUpload(ctx, []byte(fromHome)); err != nil || !strings.HasPrefix(out, "quarantined") {
		t.Fatalf("Pia's reply from home: %q %v, want it quarantined", out, err)
	}

	bctx := browsertest.New(t)
	signIn(t, bctx, w.st)
	base := w.st.WebURL + "/programmes/" + w.prog.ID

	browsertest.Step(t, bctx, "open the dashboard from the programme page",
		chromedp.Navigate(base),
		chromedp.Click(browsertest.Button("Dashboard")),
		chromedp.WaitVisible(chromedp.ID("chart-states")),
	)
	browsertest.Screenshot(t, bctx, "dashboard")
	browsertest.Accessible(t, bctx, "the dashboard")
	figures := browsertest.Get(t, bctx, "read the headline figures", chromedp.Text(chromedp.CSS("ul.figures")))
	for _, want := range []string{"Pairs", "5", "Meeting rate", "Response rate", "Value to seniors", "Value to junior mentors"} {
		if !strings.Contains(figures, want) {
			t.Errorf("headline figures lack %q:\n%s", want, figures)
		}
	}
	// Four seniors and three juniors rated: the value chart has nothing it
	// may draw, and says so; states and rates are drawn.
	charts := browsertest.Get(t, bctx, "count the charts", chromedp.Nodes(chromedp.CSSAll(`figure.chart svg[role="img"]`)))
	empty := browsertest.Get(t, bctx, "read the value chart", chromedp.Text(chromedp.ID("chart-value")))
	if len(charts) != 2 || !strings.Contains(empty, "Nothing to draw yet") {
		t.Errorf("charts drawn = %d, value chart says %q; want states and rates drawn, value withheld", len(charts), empty)
	}

	browsertest.Step(t, bctx, "open the attention list",
		chromedp.Click(browsertest.Button("Attention list")),
		chromedp.WaitVisible(chromedp.ID("stalled")),
	)
	browsertest.Screenshot(t, bctx, "attention")
	browsertest.Accessible(t, bctx, "the attention list")
	for id, want := range map[string][]string{
		"stalled":      {"João", "Ana", "No meeting reported yet"},
		"unresponsive": {"Pia", "No answer to any of 4 check-ins"},
		"rematch":      {"Sam", "Lee", "The junior asked for a new partner; the pair has ended and both wait for a new one."},
	} {
		sec := browsertest.Get(t, bctx, "read "+id, chromedp.Text(chromedp.ID(id)))
		for _, s := range want {
			if !strings.Contains(sec, s) {
				t.Errorf("section %s lacks %q:\n%s", id, s, sec)
			}
		}
	}

	quarantine := browsertest.Get(t, bctx, "read the quarantine", chromedp.Text(chromedp.ID("quarantine")))
	if !strings.Contains(quarantine, "Add pia.home@example.net as Pia's address") || strings.Contains(quarantine, "YES 4") {
		t.Errorf("the quarantine section should offer to add Pia's home address, never show the reply:\n%s", quarantine)
	}
	inPair := func(pairID, label string) chromedp.Search {
		return chromedp.Search(fmt.Sprintf(`//li[@data-pair="%s"]//*[self::button or self::a][normalize-space()="%s"]`, pairID, label))
	}
	// Each action answers with a notice saying what it did.
	notice := func(saying string) chromedp.Search {
		return chromedp.Search(fmt.Sprintf(`//div[contains(@class,"notice")][contains(normalize-space(.),"%s")]`, saying))
	}
	browsertest.Step(t, bctx, "pause the stalled pair",
		chromedp.Click(inPair(joaoAna.ID, "Pause")),
		chromedp.WaitVisible(notice("João and Ana are paused")),
	)
	browsertest.Step(t, bctx, "write Pia a note",
		chromedp.Click(browsertest.Button("Send Pia a note")),
		chromedp.WaitVisible(chromedp.ID("text")),
	)
	browsertest.Accessible(t, bctx, "the form for a personal note")
	browsertest.Step(t, bctx, "send Pia the note",
		chromedp.SendKeys(chromedp.ID("text"), "Hi Pia, is everything all right? Happy to help you and Ola find a time."),
		chromedp.Click(browsertest.Button("Send the note")),
		chromedp.WaitVisible(notice("Your note to Pia is on its way")),
	)
	browsertest.Accessible(t, bctx, "the attention list with a notice")
	w.st.Queue.Drain()
	var note []localstack.Email
	for _, e := range emailsTo(t, w.st, "pia@example.org") {
		if strings.HasPrefix(e.Subject, "A note from the coordinator") {
			note = append(note, e)
		}
	}
	if len(note) != 1 || note[0].ReplyTo[0] != coordinator || !strings.Contains(note[0].Body.Text, "is everything all right?") {
		t.Errorf("Pia's note: %+v", note)
	}
	browsertest.Step(t, bctx, "end Ola and Pia's pair for a rematch",
		chromedp.Click(inPair(olaPia.ID, "End for a rematch")),
		chromedp.WaitVisible(notice("Ola and Pia have ended for a rematch")),
	)
	browsertest.Step(t, bctx, "Sam and Lee have new partners: take them off the list",
		chromedp.Click(inPair(samLee.ID, "Mark as re-paired")),
		chromedp.WaitVisible(notice("Sam and Lee are off the attention list")),
	)
	browsertest.Step(t, bctx, "vouch for Pia's home address",
		chromedp.Click(chromedp.Search(`//section[@id="quarantine"]//button[starts-with(normalize-space(),"Add pia.home@example.net")]`)),
		chromedp.WaitVisible(notice("The reply's address is now also Pia's")),
	)
	browsertest.Accessible(t, bctx, "the attention list after vouching for an address")
	if got, _ := w.st.Store.GetParticipant(ctx, w.prog.ID, w.people["pia@example.org"].ID); !got.Owns("pia.home@example.net") {
		t.Errorf("after the coordinator vouched for it, Pia's addresses are %q and %v", got.Email, got.OtherEmails)
	}
	for p, want := range map[string]programme.PairState{joaoAna.ID: programme.PairPaused, samLee.ID: programme.PairRematched, olaPia.ID: programme.PairRematched} {
		if got, _ := w.st.Store.GetPair(ctx, w.prog.ID, p); got.State != want {
			t.Errorf("pair %s is %s, want %s", p, got.State, want)
		}
	}
	if got, _ := w.st.Store.GetPair(ctx, w.prog.ID, samLee.ID); got.Attention || got.RematchRequestedBy != "" {
		t.Errorf("Sam and Lee still on the list: %+v", got)
	}

	browsertest.Step(t, bctx, "read the stories",
		chromedp.Click(browsertest.Button("Success stories")),
		chromedp.WaitVisible(chromedp.CSS("h1")),
	)
	browsertest.Accessible(t, bctx, "the success stories")
	if got := browsertest.Get(t, bctx, "read the story", chromedp.Text(chromedp.ID("main"))); !strings.Contains(got, "how our younger customers really use the app") || !strings.Contains(got, "Mia, senior") {
		t.Errorf("stories page:\n%s", got)
	}
	publishMiasStory(t, w, bctx)

	// On a phone, no page of these makes the reader scroll sideways.
	browsertest.Step(t, bctx, "hold a phone", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 2, Mobile: true})
		return err
	}))
	for _, page := range []string{"/dashboard", "/attention", "/report"} {
		browsertest.Step(t, bctx, "open "+page+" on a phone", chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS("h1")))
		wide := browsertest.Get(t, bctx, "measure "+page, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if wide {
			t.Errorf("%s is wider than a phone's screen", page)
		}
		browsertest.Accessible(t, bctx, page+" on a phone")
	}
	browsertest.Step(t, bctx, "back to the desk", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, struct{}{})
		return err
	}))

	browsertest.Step(t, bctx, "open the closing report",
		chromedp.Click(browsertest.Button("Closing report")),
		chromedp.WaitVisible(chromedp.CSS("article.report")),
	)
	browsertest.Accessible(t, bctx, "the closing report")
	// Printed, the report drops the navigation and keeps its figures.
	browsertest.Step(t, bctx, "print", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	printed := browsertest.Get(t, bctx, "read the printed layout", chromedp.Evaluate[string](
		`[getComputedStyle(document.querySelector('.subnav')).display, getComputedStyle(document.querySelector('header.top')).display, getComputedStyle(document.querySelector('#chart-rates table')).display].join(' ')`))
	if printed != "none none table" {
		t.Errorf("printed: nav, header, chart table display as %q, want \"none none table\"", printed)
	}
	browsertest.Step(t, bctx, "back to the screen", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}))

	// Download the pairs CSV as a coordinator would, from the dashboard.
	dir := t.TempDir()
	progress := chromedp.Events(bctx, browser.DownloadProgress)
	browsertest.Step(t, bctx, "download the pairs CSV",
		chromedp.Navigate(base+"/dashboard"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			on := true
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &on})
			return err
		}),
		chromedp.Click(browsertest.Button("Pairs (CSV)")),
	)
	file := ""
	dctx, cancel := context.WithTimeout(bctx, 20*time.Second)
	defer cancel()
	for ev, err := range progress {
		if err != nil {
			t.Fatal(err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
		if dctx.Err() != nil {
			t.Fatal("the download did not complete")
		}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+5 || rows[0][0] != "pair" {
		t.Fatalf("pairs.csv: %d rows, header %v", len(rows), rows[0])
	}
	states := map[string]string{}
	for _, row := range rows[1:] {
		states[row[1]+"+"+row[3]] = row[5]
	}
	if states["João+Ana"] != "paused" || states["Sam+Lee"] != "rematched" || states["Ola+Pia"] != "rematched" || states["Tom+Kim"] != "active" {
		t.Errorf("pairs.csv states: %v", states)
	}
}
