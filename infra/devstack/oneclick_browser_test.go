package devstack_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/chromedp/chromedp"

	"github.com/upward-mentoring/upward/infra/browsertest"
	"github.com/upward-mentoring/upward/infra/devstack"
	"github.com/upward-mentoring/upward/infra/localstack"
	"github.com/upward-mentoring/upward/shared/oneclick"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// One-click answers and the personal page, on the local stack: the links
// are taken from the emails the stack sent, as a participant's mail client
// shows them, and opened in Chromium.

var anchorRE = regexp.MustCompile(`<a href="([^"]+)"[^>]*>([^<]*)</a>`)

// linkIn is the link in e whose text is text and whose path starts with
// prefix.
func linkIn(t *testing.T, e localstack.Email, text, prefix string) string {
	t.Helper()
	for _, m := range anchorRE.FindAllStringSubmatch(e.Body.HTML, -1) {
		u, label := html.UnescapeString(m[1]), strings.TrimSpace(html.UnescapeString(m[2]))
		if label == text && strings.Contains(u, prefix) {
			return u
		}
	}
	t.Fatalf("%q has no link %q to %s:\n%s", e.Subject, text, prefix, e.Body.HTML)
	return ""
}

// pageLinkIn is the link to the reader's own page in e's footer.
func pageLinkIn(t *testing.T, e localstack.Email) string {
	t.Helper()
	for _, m := range anchorRE.FindAllStringSubmatch(e.Body.HTML, -1) {
		if u := html.UnescapeString(m[1]); strings.Contains(u, oneclick.PagePath) {
			return u
		}
	}
	t.Fatalf("%q has no link to its reader's page", e.Subject)
	return ""
}

// tableSnapshot is every item of the stack's table, sorted: two equal
// snapshots mean nothing was written in between.
func tableSnapshot(t *testing.T, st *devstack.Stack) string {
	t.Helper()
	ctx := context.Background()
	st.Queue.Drain()
	cfg, err := localstack.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db := localstack.DynamoDB(cfg, st.DynamoDBURL)
	var items []string
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(st.Store.Table()), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
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

// answersOf are who's answers in the programme.
func answersOf(t *testing.T, w *world, who programme.Participant) []store.Answer {
	t.Helper()
	all, err := w.st.Store.ListAnswers(context.Background(), w.prog.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Answer
	for _, a := range all {
		if a.ParticipantID == who.ID {
			out = append(out, a)
		}
	}
	return out
}

func mainText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return browsertest.Get(t, ctx, "read the page", chromedp.Text(chromedp.ID("main")))
}

// TestACheckInAnsweredByClicksThenByReplyInTheBrowser: João opens the Yes
// link of his first check-in, picks 4 and confirms; then replies NO to the
// same email, which replaces the click. His own page, on a phone, pauses
// the pair behind a confirmation. Every page he sees passes axe-core.
func TestACheckInAnsweredByClicksThenByReplyInTheBrowser(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pairs := w.approve(t, [2]string{"joao@example.org", "ana@example.org"}, [2]string{"tom@example.org", "kim@example.org"})
	w.liveUntil(t, time.Date(2027, 1, 19, 12, 0, 0, 0, time.UTC), nil)
	joao := w.people["joao@example.org"]
	checkins := emailsAbout(t, w.st, "joao@example.org", "Check-in:")
	if len(checkins) != 1 {
		t.Fatalf("João's check-ins = %d, want 1", len(checkins))
	}
	checkin := checkins[0]
	yes := linkIn(t, checkin, "Yes", oneclick.AnswerPath)

	b := browsertest.New(t)
	before := tableSnapshot(t, w.st)
	browsertest.Step(t, b, "open the Yes link", chromedp.Navigate(yes), chromedp.WaitVisible(chromedp.CSS("button[type=submit]")))
	if !browsertest.Get(t, b, "is Yes chosen", chromedp.Evaluate[bool](`document.querySelector('input[name=met][value=yes]').checked`)) {
		t.Error("the Yes link's page opens without Yes chosen")
	}
	browsertest.Accessible(t, b, "the check-in's answer page")
	browsertest.Step(t, b, "choose 4 and write a reflection",
		chromedp.Click(chromedp.CSS(`input[name=rating][value="4"]`)),
		chromedp.SendKeys(chromedp.ID("words"), "I assumed juniors avoid phone calls; Ana prefers them."),
	)
	browsertest.Screenshot(t, b, "answer-page")
	if after := tableSnapshot(t, w.st); after != before {
		t.Fatal("opening the link and filling in its page changed the table")
	}
	browsertest.Step(t, b, "confirm", chromedp.Click(chromedp.CSS("button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("ul.recorded")))
	done := mainText(t, b)
	for _, want := range []string{"your answer is recorded", "You met.", "You rated it 4 out of 5."} {
		if !strings.Contains(done, want) {
			t.Errorf("the thank-you page lacks %q:\n%s", want, done)
		}
	}
	browsertest.Accessible(t, b, "the thank-you page")
	got := answersOf(t, w, joao)
	if len(got) != 1 || got[0].Met == nil || !*got[0].Met || got[0].Rating == nil || *got[0].Rating != 4 {
		t.Fatalf("after the click João's answers are %+v, want one: met, 4", got)
	}

	// A reply to the same email replaces the click, as a second reply
	// would: one answer, the later one.
	w.reply(t, "joao@example.org", checkin, "NO, we had to cancel")
	got = answersOf(t, w, joao)
	if len(got) != 1 || got[0].Met == nil || *got[0].Met || got[0].Rating != nil {
		t.Errorf("after the reply NO João's answers are %+v, want one: not met", got)
	}

	// His own page on a 390 px phone: nothing scrolls sideways, it names
	// his partner and nobody else, and says the link is his.
	page := pageLinkIn(t, checkin)
	browsertest.Step(t, b, "open João's page on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
		chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("h1")))
	if width := browsertest.Get(t, b, "measure the page", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); width > 390 {
		t.Errorf("the personal page is %d px wide on a 390 px screen", width)
	}
	own := mainText(t, b)
	for _, want := range []string{"Your programme", "This link is personal", "Bridges 2027", "ana@example.org", "Your next check-in comes on"} {
		if !strings.Contains(own, want) {
			t.Errorf("João's page lacks %q:\n%s", want, own)
		}
	}
	for _, other := range []string{"Tom", "Kim", "kim@example.org", "Sam", "Lee"} {
		if strings.Contains(own, other) {
			t.Errorf("João's page shows %q, who is not his partner", other)
		}
	}
	browsertest.Accessible(t, b, "the personal page")
	browsertest.Screenshot(t, b, "personal-phone")

	before = tableSnapshot(t, w.st)
	browsertest.Step(t, b, "ask to pause", chromedp.Click(browsertest.Button("Pause")), chromedp.WaitVisible(chromedp.CSS("form button[type=submit]")))
	browsertest.Accessible(t, b, "the pause confirmation")
	browsertest.Screenshot(t, b, "personal-confirm-phone")
	if after := tableSnapshot(t, w.st); after != before {
		t.Fatal("the confirmation page changed the table before its button was pressed")
	}
	browsertest.Step(t, b, "confirm the pause", chromedp.Click(chromedp.CSS("form button[type=submit]")),
		chromedp.WaitNotPresent(chromedp.CSS("form")), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h1 := browsertest.Get(t, b, "read the heading", chromedp.Text(chromedp.CSS("h1"))); h1 != "You have paused" {
		t.Errorf("after confirming the pause the page says %q", h1)
	}
	browsertest.Accessible(t, b, "the pause done page")
	if p, _ := w.st.Store.GetPair(ctx, w.prog.ID, pairs[0].ID); p.State != programme.PairPaused {
		t.Errorf("after the pause the pair is %s", p.State)
	}
	// The guides his page links to are participant pages too.
	browsertest.Step(t, b, "open a guide", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.ID("guides")),
		chromedp.Click(chromedp.CSS(`#guides ~ ul a`)), chromedp.WaitNotPresent(chromedp.ID("guides")), chromedp.WaitVisible(chromedp.CSS("h1")))
	browsertest.Accessible(t, b, "a guide")
}

// TestEveryKindOfParticipantPagePassesAxe opens the page of every kind of
// link an email carries, each failure page, and an unsubscribe page, at
// desktop and phone widths.
func TestEveryKindOfParticipantPagePassesAxe(t *testing.T) {
	w := newWorld(t)
	pairs := w.approve(t, [2]string{"joao@example.org", "ana@example.org"})
	joao, ana := w.people["joao@example.org"], w.people["ana@example.org"]
	links := oneclick.Links{Signer: w.st.Signer, BaseURL: w.st.WebURL}
	answer := func(who programme.Participant, kind token.Kind, c oneclick.Choice) string {
		ref := token.Ref{ProgrammeID: w.prog.ID, ParticipantID: who.ID, PairID: pairs[0].ID, Kind: kind, Cycle: 1}
		if kind == token.KindWelcome {
			ref.PairID = ""
		}
		u, err := links.Answer(ref, w.prog, c)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	page, _ := links.Page(w.prog, ana.ID, "")
	expired, _ := w.st.Signer.SignLink(token.Link{Ref: token.Ref{Purpose: token.PurposeAnswer, ProgrammeID: w.prog.ID, ParticipantID: joao.ID,
		PairID: pairs[0].ID, Kind: token.KindCheckIn, Cycle: 1}, Answer: byte(oneclick.Yes), Expires: w.st.Now().AddDate(0, 0, -3)})
	yes := answer(joao, token.KindCheckIn, oneclick.Yes)
	tampered := yes[:len(yes)-2] + map[bool]string{true: "aa", false: "ab"}[strings.HasSuffix(yes, "ab")]
	unsubscribe, _ := w.st.Signer.Sign(token.Ref{Purpose: token.PurposeUnsubscribe, ProgrammeID: w.prog.ID, ParticipantID: ana.ID})

	before := tableSnapshot(t, w.st)
	b := browsertest.New(t)
	for _, pg := range []struct{ name, url, says string }{
		{"a check-in's answer", yes, "Did you meet"},
		{"a welcome's answer", answer(ana, token.KindWelcome, oneclick.Join), "What could you share?"},
		{"a nudge's pause", answer(joao, token.KindNudge, oneclick.Pause), "Pause your check-ins?"},
		{"a nudge's new partner", answer(joao, token.KindNudge, oneclick.Rematch), "Find someone else for you?"},
		{"the midpoint survey", answer(ana, token.KindMidpoint, oneclick.Rate(5)), "What has changed for you so far?"},
		{"the closing survey", answer(joao, token.KindClosing, oneclick.No), "What have you applied"},
		{"the goal question", answer(ana, token.KindGoal, oneclick.None), "What would you like to gain"},
		{"a story's consent", answer(joao, token.KindStoryConsent, oneclick.Yes), "May this story be shared?"},
		{"a manager note's consent", answer(ana, token.KindRecognition, oneclick.Yes), "May your manager hear"},
		{"the personal page", page, "Your programme"},
		{"the personal page's new partner", page + "/rematch", "Ask for a new partner?"},
		{"the personal page's leave", page + "/stop", "Leave Bridges 2027?"},
		{"an expired link", w.st.WebURL + oneclick.AnswerPath + expired, "This link has expired"},
		{"an altered link", tampered, "This link does not work"},
		{"a link for another page", strings.Replace(page, oneclick.PagePath, oneclick.AnswerPath, 1), "This link belongs to another page"},
		{"unsubscribing", w.st.WebURL + "/u/" + unsubscribe, "Stop emails from Bridges 2027?"},
	} {
		for _, width := range []int64{1280, 390} {
			browsertest.Step(t, b, "open "+pg.name, chromedp.EmulateViewport(width, 900), chromedp.Navigate(pg.url), chromedp.WaitVisible(chromedp.CSS("h1")))
			if text := mainText(t, b); !strings.Contains(text, pg.says) {
				t.Errorf("%s: the page does not say %q:\n%s", pg.name, pg.says, text)
			}
			if width := browsertest.Get(t, b, "measure the page", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); width > 390 && width < 1280 {
				t.Errorf("%s: the page is %d px wide on a 390 px screen", pg.name, width)
			}
			browsertest.Accessible(t, b, pg.name)
		}
	}
	if after := tableSnapshot(t, w.st); after != before {
		t.Error("opening the pages changed the table")
	}
}

// TestAMailScannerOpeningEveryLinkChangesNothing lives through a whole
// programme, then fetches every link in every email the stack sent, as a
// corporate mail scanner does, and every link on the pages they open: the
// table is the same before and after.
func TestAMailScannerOpeningEveryLinkChangesNothing(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// Eve is invited and gets a welcome; the others are paired.
	res, err := w.st.Store.Enrol(ctx, w.prog.ID, []programme.Participant{{Email: "eve@example.org", Name: "Eve", Role: programme.Junior, TimeZone: "Europe/London"}}, w.st.Now())
	if err != nil {
		t.Fatal(err)
	}
	w.zones["eve@example.org"] = res.Created[0].Loc()
	if err := w.st.Queue.Enqueue(ctx, sendqueue.Welcome{ProgrammeID: w.prog.ID, ParticipantID: res.Created[0].ID}); err != nil {
		t.Fatal(err)
	}
	w.approve(t, [2]string{"joao@example.org", "ana@example.org"}, [2]string{"tom@example.org", "kim@example.org"}, [2]string{"sam@example.org", "lee@example.org"})
	storyAsked := false
	w.liveUntil(t, time.Date(2027, 3, 31, 12, 0, 0, 0, time.UTC), func(time.Time) {
		// Ana tells a story at her first check-in: João is asked to agree.
		if cs := emailsAbout(t, w.st, "ana@example.org", "Check-in:"); len(cs) > 0 && !storyAsked {
			storyAsked = true
			w.reply(t, "ana@example.org", cs[0], "YES 5\r\nSTORY João now runs his staff meeting without slides.")
		}
	})
	all, err := localstack.Emails(ctx, w.st.SESURL)
	if err != nil {
		t.Fatal(err)
	}
	// Every kind of email that asks something is among them.
	sent := map[string]bool{}
	for _, e := range all {
		sent[kindOf(e.Subject)] = true
	}
	for _, k := range []string{"welcome", "intro", "goal", "checkin", "nudge", "midpoint", "closing", "story_consent"} {
		if !sent[k] {
			t.Errorf("no %s email was sent: its links go unchecked", k)
		}
	}
	urlRE := regexp.MustCompile(regexp.QuoteMeta(w.st.WebURL) + `[^\s"'<>)\]]*`)
	seen := map[string]bool{}
	var queue []string
	add := func(u string) {
		u = html.UnescapeString(u)
		if !seen[u] {
			seen[u] = true
			queue = append(queue, u)
		}
	}
	for _, e := range all {
		for _, u := range urlRE.FindAllString(e.Body.HTML+"\n"+e.Body.Text, -1) {
			add(u)
		}
	}
	fromEmails := len(queue)
	kinds := map[string]int{}
	for _, u := range queue {
		for _, p := range []string{oneclick.AnswerPath, oneclick.PagePath, "/u/", "/guides/"} {
			if strings.HasPrefix(strings.TrimPrefix(u, w.st.WebURL), p) {
				kinds[p]++
			}
		}
	}
	if kinds[oneclick.AnswerPath] < 50 || kinds[oneclick.PagePath] < 7 || kinds["/u/"] < 7 {
		t.Fatalf("the emails' links are too few to prove anything: %v", kinds)
	}

	before := tableSnapshot(t, w.st)
	scanner := &http.Client{Timeout: 30 * time.Second}
	hrefRE := regexp.MustCompile(`href="(/[^"]*)"`)
	statuses := map[int]int{}
	for i := 0; i < len(queue); i++ {
		resp, err := scanner.Get(queue[i])
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		statuses[resp.StatusCode]++
		if resp.StatusCode >= 500 {
			t.Errorf("GET %s = %d", queue[i], resp.StatusCode)
		}
		// One level further, as scanners that follow a page's links do.
		if i < fromEmails {
			for _, m := range hrefRE.FindAllStringSubmatch(string(body), -1) {
				if !strings.HasPrefix(m[1], "/static/") {
					add(w.st.WebURL + m[1])
				}
			}
		}
	}
	t.Logf("%d links from %d emails (%v), %d more from their pages; statuses %v", fromEmails, len(all), kinds, len(queue)-fromEmails, statuses)
	if after := tableSnapshot(t, w.st); after != before {
		t.Error("fetching the links in the emails changed the table")
	}
	if !storyAsked {
		t.Error("no check-in reached Ana: the story's consent email was never asked for")
	}
}
