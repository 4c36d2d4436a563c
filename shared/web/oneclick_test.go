package web_test

import (
	"context"
	"crypto/rand"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/oneclick"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// The pages the links in participants' emails open (links.go, answer.go,
// personal.go), through the real site, store and reply handler.

// links signs links as the emails do, pointing at the test site.
func (s *site) links() oneclick.Links { return oneclick.Links{Signer: s.signer, BaseURL: s.URL} }

// answerLink is the link in f's check-in cycle to pair i's person who,
// standing for c; its path on the site.
func (s *site) answerLink(t *testing.T, f followed, i int, who programme.Participant, kind token.Kind, cycle int, c oneclick.Choice) string {
	t.Helper()
	link, err := s.links().Answer(token.Ref{ProgrammeID: f.id, ParticipantID: who.ID, PairID: f.pairs[i].ID, Kind: kind, Cycle: cycle}, f.prog, c)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(link, s.URL)
}

// pageLink is the path of who's own page.
func (s *site) pageLink(t *testing.T, f followed, who programme.Participant) string {
	t.Helper()
	link, err := s.links().Page(f.prog, who.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(link, s.URL)
}

var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)
	hiddenRE   = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)
	checkedRE  = regexp.MustCompile(`<input type="(?:radio|checkbox)" name="([^"]+)" value="([^"]*)"[^>]*\bchecked\b`)
)

// pageForm reads a participant page's form as a browser would send it
// unchanged: its action, hidden fields and what is checked.
func pageForm(t *testing.T, page string) (string, url.Values) {
	t.Helper()
	m := formAction.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form on the page:\n%s", page)
	}
	form := url.Values{}
	for _, h := range hiddenRE.FindAllStringSubmatch(page, -1) {
		form.Add(h[1], html.UnescapeString(h[2]))
	}
	for _, c := range checkedRE.FindAllStringSubmatch(page, -1) {
		form.Add(c[1], c[2])
	}
	return html.UnescapeString(m[1]), form
}

func TestAnswerLinksThatDoNotHoldSayHowToReplyAndChangeNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 1)
	sen := f.seniors[0]
	good := s.answerLink(t, f, 0, sen, token.KindCheckIn, 4, oneclick.Yes)
	tok := strings.TrimPrefix(good, oneclick.AnswerPath)

	// A character changed in the middle of the MAC.
	tampered := []byte(tok)
	i := len(tampered) - 5
	tampered[i] = map[bool]byte{true: 'b', false: 'a'}[tampered[i] == 'a']
	// The same answer signed when it expired two days ago.
	expired, err := s.signer.SignLink(token.Link{Ref: token.Ref{Purpose: token.PurposeAnswer, ProgrammeID: f.id, ParticipantID: sen.ID,
		PairID: f.pairs[0].ID, Kind: token.KindCheckIn, Cycle: 4}, Answer: byte(oneclick.Yes), Expires: s.clock.Now().AddDate(0, 0, -2)})
	if err != nil {
		t.Fatal(err)
	}
	// Another deployment's key: well formed, never Upward's here.
	key := make([]byte, token.MinKeyLen)
	_, _ = rand.Read(key)
	other, _ := token.NewSigner(key)
	foreignKey, _ := oneclick.Links{Signer: other}.Answer(token.Ref{ProgrammeID: f.id, ParticipantID: sen.ID, PairID: f.pairs[0].ID,
		Kind: token.KindCheckIn, Cycle: 4}, f.prog, oneclick.Yes)
	// Genuine tokens of Upward's made for another page.
	page := strings.TrimPrefix(s.pageLink(t, f, sen), oneclick.PagePath)
	unsubscribe, _ := s.signer.Sign(token.Ref{Purpose: token.PurposeUnsubscribe, ProgrammeID: f.id, ParticipantID: sen.ID})
	// A link no email offers: a welcome's "join" answering a check-in.
	offered, _ := s.signer.SignLink(token.Link{Ref: token.Ref{Purpose: token.PurposeAnswer, ProgrammeID: f.id, ParticipantID: sen.ID,
		PairID: f.pairs[0].ID, Kind: token.KindCheckIn, Cycle: 4}, Answer: byte(oneclick.Join), Expires: oneclick.Expiry(f.prog)})

	before := snapshot(t, s)
	for _, tc := range []struct {
		name, path string
		status     int
		says       string
	}{
		{"tampered", oneclick.AnswerPath + string(tampered), http.StatusBadRequest, "This link does not work"},
		{"truncated", good[:len(good)-3], http.StatusBadRequest, "This link does not work"},
		{"another deployment's key", foreignKey, http.StatusBadRequest, "This link does not work"},
		{"expired", oneclick.AnswerPath + expired, http.StatusGone, "This link has expired"},
		{"a page's token as an answer's", oneclick.AnswerPath + page, http.StatusNotFound, "This link belongs to another page"},
		{"an unsubscribe token", oneclick.AnswerPath + unsubscribe, http.StatusNotFound, "This link belongs to another page"},
		{"an answer's token as a page's", oneclick.PagePath + tok, http.StatusNotFound, "This link belongs to another page"},
		{"an answer no email offers", oneclick.AnswerPath + offered, http.StatusBadRequest, "This link does not work"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			methods := []string{http.MethodGet, http.MethodPost}
			if strings.HasPrefix(tc.path, oneclick.PagePath) {
				methods = methods[:1] // a page's own link takes no POST
			}
			for _, method := range methods {
				req, _ := http.NewRequest(method, s.URL+tc.path, strings.NewReader("met=yes&rating=5"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				page := text(body(t, resp))
				if resp.StatusCode != tc.status {
					t.Errorf("%s = %d, want %d\n%s", method, resp.StatusCode, tc.status, page)
				}
				if !strings.Contains(page, tc.says) {
					t.Errorf("%s: the page does not say %q:\n%s", method, tc.says, page)
				}
				if !strings.Contains(page, "repl") {
					t.Errorf("%s: the page does not say how to answer by reply:\n%s", method, page)
				}
				if strings.Contains(page, sen.Name) {
					t.Errorf("%s: a link that does not hold shows whose it was", method)
				}
			}
		})
	}
	if after := snapshot(t, s); after != before {
		t.Error("a link that does not hold changed the table")
	}
	// The expired page is in its owner's language.
	if err := s.store.SetLanguage(context.Background(), f.id, sen.ID, lang.DE, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if got := text(s.get(t, client(), oneclick.AnswerPath+expired, http.StatusGone)); !strings.Contains(got, "Dieser Link ist abgelaufen") {
		t.Errorf("the expired page is not in German:\n%s", got)
	}
}

func TestAnswerByClickIsConfirmedOnceAndAReplyReplacesIt(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 5)
	ctx := context.Background()
	sen, jun := f.seniors[0], f.juniors[0]
	s.queue.Drain()

	// Opening the links (Yes, then 4) shows the answer chosen and changes
	// nothing, however often it is opened.
	before := snapshot(t, s)
	yes := s.answerLink(t, f, 0, sen, token.KindCheckIn, 4, oneclick.Yes)
	for range 3 {
		page := s.get(t, client(), yes, http.StatusOK)
		if !regexp.MustCompile(`name="met" value="yes"[^>]*checked`).MatchString(page) {
			t.Fatalf("the Yes link does not open with Yes chosen:\n%s", page)
		}
	}
	four := s.get(t, client(), s.answerLink(t, f, 0, sen, token.KindCheckIn, 4, oneclick.Rate(4)), http.StatusOK)
	if !regexp.MustCompile(`name="rating" value="4"[^>]*checked`).MatchString(four) {
		t.Fatalf("the 4 link does not open with 4 chosen:\n%s", four)
	}
	for _, want := range []string{"Did you meet Junior since the last check-in?", "Send my answer", "Kept private"} {
		if !strings.Contains(four, want) {
			t.Errorf("the answer page lacks %q", want)
		}
	}
	if after := snapshot(t, s); after != before {
		t.Fatal("opening answer links changed the table")
	}

	// A POST without the page's seal (a scanner, a form elsewhere) is
	// refused and changes nothing.
	s.post(t, client(), yes, url.Values{"met": {"yes"}, "rating": {"5"}}, http.StatusForbidden)
	action, form := pageForm(t, four)
	forged := url.Values{"met": {"yes"}, "rating": {"5"}, "n": form["n"], "seal": {"x" + form.Get("seal")}}
	s.post(t, client(), action, forged, http.StatusForbidden)
	// Nothing chosen: asked again, nothing recorded.
	empty := url.Values{"n": form["n"], "seal": form["seal"]}
	if got := text(s.post2(t, action, empty, http.StatusUnprocessableEntity)); !strings.Contains(got, "Choose an answer") {
		t.Errorf("an empty answer is not asked again:\n%s", got)
	}
	if after := snapshot(t, s); after != before {
		t.Fatal("a refused POST changed the table")
	}

	// Confirm Yes and 4; the same POST again (a double click, a resent
	// form) records nothing more.
	form.Set("met", "yes")
	form.Set("words", "I assumed juniors avoid the phone.")
	done := text(s.post2(t, action, form, http.StatusOK))
	for _, want := range []string{"your answer is recorded", "You met.", "You rated it 4 out of 5."} {
		if !strings.Contains(done, want) {
			t.Errorf("the thank-you page lacks %q:\n%s", want, done)
		}
	}
	s.queue.Drain()
	once := snapshot(t, s)
	s.post2(t, action, form, http.StatusOK)
	s.queue.Drain()
	if again := snapshot(t, s); again != once {
		t.Error("the same POST sent twice changed the table twice")
	}
	a, err := s.store.GetAnswer(ctx, f.id, f.pairs[0].ID, 4, programme.Senior)
	if err != nil || a.Met == nil || !*a.Met || a.Rating == nil || *a.Rating != 4 {
		t.Fatalf("after the click the answer is %+v (%v), want met, 4", a, err)
	}

	// A reply to the same email replaces the click, as a second reply
	// would; a later click replaces the reply.
	replyAs(t, s, f, sen, token.KindCheckIn, 4, "NO")
	if a, _ = s.store.GetAnswer(ctx, f.id, f.pairs[0].ID, 4, programme.Senior); a.Met == nil || *a.Met || a.Rating != nil {
		t.Errorf("after the reply NO the answer is %+v, want not met and no rating", a)
	}
	two := s.get(t, client(), s.answerLink(t, f, 0, sen, token.KindCheckIn, 4, oneclick.Rate(2)), http.StatusOK)
	action, form = pageForm(t, two)
	if form.Get("met") != "no" {
		t.Errorf("the page does not open with the recorded answer (met = %q, want no)", form.Get("met"))
	}
	form.Set("met", "yes")
	s.post2(t, action, form, http.StatusOK)
	if a, _ = s.store.GetAnswer(ctx, f.id, f.pairs[0].ID, 4, programme.Senior); a.Met == nil || !*a.Met || a.Rating == nil || *a.Rating != 2 {
		t.Errorf("after the second click the answer is %+v, want met, 2", a)
	}

	// The dashboard counts the senior once however they answered, and the
	// junior's reply as well: 2 of the 40 check-ins sent.
	replyAs(t, s, f, jun, token.KindCheckIn, 4, "YES 3")
	answers, err := s.store.ListAnswers(ctx, f.id)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 2 {
		t.Errorf("%d answers stored, want 2 (one per person per check-in): %+v", len(answers), answers)
	}
	dash := text(s.get(t, f.c, "/programmes/"+f.id+"/dashboard", http.StatusOK))
	if !strings.Contains(dash, "2 of 40 check-ins sent were answered") {
		t.Errorf("the response rate does not count the click and the replies once each:\n%s", dash)
	}
	// The reflection typed on the page is private: no coordinator page
	// shows it.
	if strings.Contains(dash, "avoid the phone") {
		t.Error("the dashboard shows words written on an answer page")
	}
}

// post2 posts from a fresh client: participants are never signed in.
func (s *site) post2(t *testing.T, path string, form url.Values, want int) string {
	t.Helper()
	b, _ := s.post(t, client(), path, form, want)
	return b
}

func TestPersonalPageInEveryState(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 4)
	ctx := context.Background()
	now := s.clock.Now()
	// Pair 2 is paused; the senior of pair 3 stopped; pair 4's junior
	// set a goal and wrote a reflection.
	pause := f.pairs[1]
	pause.State, pause.PausedAt, pause.PausedUntil = programme.PairPaused, now, now.AddDate(0, 0, 30)
	if _, err := s.store.ChangePair(ctx, f.pairs[1], pause, now); err != nil {
		t.Fatal(err)
	}
	replyAs(t, s, f, f.seniors[2], token.KindCheckIn, 4, "STOP")
	// Two people who joined later: one invited, one opted in and waiting.
	c, csrf := f.c, f.csrf
	tag := strings.ToLower(f.id[:5])
	upload(t, s, c, csrf, f.id, "late.csv", []byte("email,name,role\ninvited-"+tag+"@example.org,Ivy Invited,junior\nwaiting-"+tag+"@example.org,Wren Waiting,junior\n"), http.StatusSeeOther)
	people, _ := s.store.ListParticipants(ctx, f.id)
	var invited, waiting programme.Participant
	for _, x := range people {
		switch x.Name {
		case "Ivy Invited":
			invited = x
		case "Wren Waiting":
			waiting = x
		}
	}
	if _, err := s.store.SetStatus(ctx, f.id, waiting.ID, programme.OptedIn, "test", now); err != nil {
		t.Fatal(err)
	}
	s.queue.Drain()

	others := []string{"Senior 4", "Junior 4", "Junior 3", "Ivy Invited", "Wren Waiting"}
	for _, tc := range []struct {
		name    string
		who     programme.Participant
		says    []string
		actions []string
		// others' names the page may show: only the partner's.
		partner string
	}{
		{"paired", f.seniors[0], []string{"You are in a pair.", "You are paired with Junior.", "Name Junior 1", "Your next check-in comes on"}, []string{"pause", "rematch", "stop"}, "Junior 1"},
		{"pair paused", f.juniors[1], []string{"Your pair is paused.", "paused until"}, []string{"resume", "rematch", "stop"}, "Senior 2"},
		{"stopped", f.seniors[2], []string{"You have stopped"}, []string{"resume"}, ""},
		{"invited", invited, []string{"You have been invited", "Join the programme"}, []string{"stop"}, ""},
		{"opted in", waiting, []string{"still looking for a partner"}, []string{"pause", "stop"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot(t, s)
			path := s.pageLink(t, f, tc.who)
			page := s.get(t, client(), path, http.StatusOK)
			plain := text(page)
			for _, want := range append(tc.says, "Your programme", "This link is personal", "Bridges 2027") {
				if !strings.Contains(plain, want) {
					t.Errorf("the page lacks %q:\n%s", want, plain)
				}
			}
			for _, name := range append(others, "Senior 1", "Senior 2", "Senior 3", "Junior 1", "Junior 2") {
				if name != tc.partner && name != tc.who.Name && strings.Contains(plain, name) {
					t.Errorf("the page shows %s, who is not the partner", name)
				}
			}
			var got []string
			for _, m := range regexp.MustCompile(`href="`+regexp.QuoteMeta(path)+`/([a-z]+)"`).FindAllStringSubmatch(page, -1) {
				got = append(got, m[1])
			}
			if strings.Join(got, ",") != strings.Join(tc.actions, ",") {
				t.Errorf("actions %v, want %v", got, tc.actions)
			}
			// Every action's confirmation page changes nothing either.
			for _, a := range got {
				if confirm := s.get(t, client(), path+"/"+a, http.StatusOK); !strings.Contains(confirm, `<form method="post"`) {
					t.Errorf("%s: no confirm button", a)
				}
			}
			if after := snapshot(t, s); after != before {
				t.Error("showing the page changed the table")
			}
		})
	}

	// Erased: the page shows nothing about anyone.
	erased := f.juniors[3]
	path := s.pageLink(t, f, erased)
	s.post(t, c, "/programmes/"+f.id+"/participants/"+erased.ID+"/erase", url.Values{"csrf": {csrf}}, http.StatusSeeOther)
	page := text(s.get(t, client(), path, http.StatusGone))
	if !strings.Contains(page, "There is nothing to show here") || strings.Contains(page, "Junior 4") || strings.Contains(page, "Senior 4") || strings.Contains(page, "Bridges") {
		t.Errorf("the erased person's page:\n%s", page)
	}
}

func TestPersonalPageChangesOnlyByItsButton(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 1)
	ctx := context.Background()
	path := s.pageLink(t, f, f.seniors[0])

	before := snapshot(t, s)
	confirm := s.get(t, client(), path+"/pause", http.StatusOK)
	if !strings.Contains(text(confirm), "Check-ins and reminders for you and Junior stop for a month") {
		t.Errorf("the pause page does not say what happens:\n%s", text(confirm))
	}
	// Without the seal: refused.
	s.post(t, client(), path+"/pause", url.Values{}, http.StatusForbidden)
	// The seal of another action's page does not pause.
	_, stopForm := pageForm(t, s.get(t, client(), path+"/stop", http.StatusOK))
	s.post(t, client(), path+"/pause", stopForm, http.StatusForbidden)
	if after := snapshot(t, s); after != before {
		t.Fatal("a GET or a refused POST changed the table")
	}

	action, form := pageForm(t, confirm)
	if got := text(s.post2(t, action, form, http.StatusOK)); !strings.Contains(got, "You have paused") {
		t.Errorf("after pausing:\n%s", got)
	}
	p, _ := s.store.GetPair(ctx, f.id, f.pairs[0].ID)
	if p.State != programme.PairPaused || p.PausedUntil.IsZero() {
		t.Fatalf("the pair is %s until %v, want paused for a month", p.State, p.PausedUntil)
	}
	s.queue.Drain()
	once := snapshot(t, s)
	// Sent again: nothing left to pause, nothing changes.
	s.post2(t, action, form, http.StatusConflict)
	s.queue.Drain()
	if again := snapshot(t, s); again != once {
		t.Error("pausing twice changed the table twice")
	}
	// Resume from the page.
	action, form = pageForm(t, s.get(t, client(), path+"/resume", http.StatusOK))
	s.post2(t, action, form, http.StatusOK)
	if p, _ = s.store.GetPair(ctx, f.id, f.pairs[0].ID); p.State != programme.PairActive {
		t.Errorf("after resuming the pair is %s", p.State)
	}
	// An action the page never offers.
	s.get(t, client(), path+"/delete", http.StatusNotFound)
}

// TestPersonalPageShowsOnlyTheOwnersWords: a goal and a reflection are on
// their author's page and not on the partner's.
func TestPersonalPageShowsOnlyTheOwnersWords(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 1)
	replyAs(t, s, f, f.juniors[0], token.KindCheckIn, 4, "YES 5\r\nI saw how slowly a board paper travels.")
	replyAs(t, s, f, f.juniors[0], token.KindGoal, 0, "Learn how the board decides")
	if err := s.store.SetGoalProgress(context.Background(), f.id, f.juniors[0].ID, f.pairs[0].ID, 3, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	own := text(s.get(t, client(), s.pageLink(t, f, f.juniors[0]), http.StatusOK))
	for _, want := range []string{"board paper travels", "Learn how the board decides", "3 out of 5"} {
		if !strings.Contains(own, want) {
			t.Errorf("the junior's page lacks %q:\n%s", want, own)
		}
	}
	partner := text(s.get(t, client(), s.pageLink(t, f, f.seniors[0]), http.StatusOK))
	if strings.Contains(partner, "board paper") || strings.Contains(partner, "board decides") {
		t.Error("the senior's page shows the junior's words")
	}
}

// TestEveryKindOfQuestionIsAnsweredOnItsPage: the welcome, a nudge's ways
// out and the goal question, each answered by opening its link and
// pressing the button, do what the reply saying the same does.
func TestEveryKindOfQuestionIsAnsweredOnItsPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 2)
	ctx := context.Background()
	tag := strings.ToLower(f.id[:5])
	upload(t, s, f.c, f.csrf, f.id, "late.csv", []byte("email,name,role\nnew-"+tag+"@example.org,Nia New,junior\n"), http.StatusSeeOther)
	var nia programme.Participant
	people, _ := s.store.ListParticipants(ctx, f.id)
	for _, x := range people {
		if x.Name == "Nia New" {
			nia = x
		}
	}
	welcome := func(c oneclick.Choice) string {
		link, err := s.links().Answer(token.Ref{ProgrammeID: f.id, ParticipantID: nia.ID, Kind: token.KindWelcome, Cycle: nia.WelcomeRound}, f.prog, c)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(link, s.URL)
	}
	// A story the senior of pair 0 told on their own, prepared for
	// publication: only they are asked.
	story := store.Story{ProgrammeID: f.id, ParticipantID: f.seniors[0].ID, Key: "k1", Text: "Jo showed me the app our customers use.", Consent: true, At: s.clock.Now()}
	if err := s.store.PutStory(ctx, story); err != nil {
		t.Fatal(err)
	}
	pub, _, err := s.store.PreparePublication(ctx, store.Publication{ProgrammeID: f.id, ID: store.PublicationID(story.ParticipantID, story.Key),
		AuthorID: story.ParticipantID, StoryKey: story.Key, Text: "A junior mentor showed me the app our customers use."}, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	publication := func(version int, c oneclick.Choice) string {
		link, err := s.links().Answer(token.Ref{ProgrammeID: f.id, ParticipantID: story.ParticipantID, PairID: pub.ID, Kind: token.KindPublication, Cycle: version}, f.prog, c)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(link, s.URL)
	}
	// A link quoting a version that is not the current one opens no form.
	if page := text(s.get(t, client(), publication(pub.Version+1, oneclick.Yes), http.StatusGone)); !strings.Contains(page, "This question is closed") {
		t.Errorf("a link to another version of the text shows:\n%s", page)
	}
	for _, tc := range []struct {
		name string
		path string
		// fill completes the form as the person would.
		fill  func(url.Values)
		check func(t *testing.T)
	}{
		{"the welcome's Join, with a topic", welcome(oneclick.Join), func(v url.Values) { v.Set("topic", "1") }, func(t *testing.T) {
			x, _ := s.store.GetParticipant(ctx, f.id, nia.ID)
			if x.Status != programme.OptedIn || len(x.Topics) != 1 || x.Topics[0] != f.prog.Topics[1] {
				t.Errorf("after Join Nia is %s with topics %v, want opted in with %q", x.Status, x.Topics, f.prog.Topics[1])
			}
		}},
		{"a nudge's Pause", s.answerLink(t, f, 0, f.seniors[0], token.KindNudge, 4, oneclick.Pause), nil, func(t *testing.T) {
			if p, _ := s.store.GetPair(ctx, f.id, f.pairs[0].ID); p.State != programme.PairPaused {
				t.Errorf("after Pause the pair is %s", p.State)
			}
		}},
		{"a nudge's Find me someone else", s.answerLink(t, f, 1, f.juniors[1], token.KindNudge, 4, oneclick.Rematch), nil, func(t *testing.T) {
			if p, _ := s.store.GetPair(ctx, f.id, f.pairs[1].ID); p.State.Live() {
				t.Errorf("after asking for someone else the pair is still %s", p.State)
			}
		}},
		{"a publication question's Yes, quoting the text", publication(pub.Version, oneclick.Yes), nil, func(t *testing.T) {
			if p, err := s.store.GetPublication(ctx, f.id, pub.ID); err != nil || !p.Published() || p.AuthorAgreed != pub.Version {
				t.Errorf("after Yes the publication is %+v (%v), want published with the teller's agreement", p, err)
			}
		}},
		{"the goal question", s.answerLink(t, f, 0, f.juniors[0], token.KindGoal, 0, oneclick.None), func(v url.Values) { v.Set("words", "Learn how the board decides") }, func(t *testing.T) {
			if g, err := s.store.GetGoal(ctx, f.id, f.juniors[0].ID, f.pairs[0].ID); err != nil || g.Text != "Learn how the board decides" {
				t.Errorf("after writing it the goal is %+v (%v)", g, err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.queue.Drain() // the welcome, and the last case's emails, sent
			before := snapshot(t, s)
			action, form := pageForm(t, s.get(t, client(), tc.path, http.StatusOK))
			if after := snapshot(t, s); after != before {
				t.Fatal("opening the link changed the table")
			}
			if tc.fill != nil {
				tc.fill(form)
			}
			if got := text(s.post2(t, action, form, http.StatusOK)); !strings.Contains(got, "Thank you") {
				t.Errorf("after the button:\n%s", got)
			}
			s.queue.Drain()
			tc.check(t)
		})
	}
}
