package mail

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// Every reply an email suggests, in every language, is read by the reply
// parser as exactly what the email promises. The emails take their reply
// words from the catalog (words.*), so checking the words checks every
// email; the last part checks that the emails do show them.
func TestEverySuggestedReplyIsUnderstood(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	d := &Deliverer{r: r, settings: Settings{BaseURL: "https://upward.test"}}
	prog := programme.New(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC))
	yes, no := true, false
	for _, l := range lang.All {
		w := func(word string) string { return r.words.Word(l, word) }
		topics := d.texts(prog, l).Topics
		welcome := replies.Options{Context: replies.Welcome, Topics: topics}
		checkin := replies.Options{Context: replies.CheckIn}
		type want struct {
			command replies.Command
			text    string // the command's words
			met     *bool
			rating  int
			join    *bool
			topics  []string
			thanks  string
		}
		cases := []struct {
			reply string
			opts  replies.Options
			want  want
		}{
			{w("join") + " 1, 3", welcome, want{join: &yes, topics: []string{topics[0], topics[2]}}},
			{w("join") + " " + exampleTopics(topics), welcome, want{join: &yes, topics: []string{topics[0], topics[2], topics[len(topics)-1]}}},
			{w("decline"), welcome, want{join: &no}},
			{w("help"), welcome, want{command: replies.CommandHelp}},
			{w("language") + " " + lang.DE.Name(), welcome, want{command: replies.CommandLanguage, text: lang.DE.Name()}},
			{w("yes") + " 4", checkin, want{met: &yes, rating: 4}},
			{w("yes") + " 5", checkin, want{met: &yes, rating: 5}},
			{w("no"), checkin, want{met: &no}},
			{w("pause"), checkin, want{command: replies.CommandPause}},
			{w("resume"), checkin, want{command: replies.CommandResume}},
			{w("rematch"), checkin, want{command: replies.CommandRematch}},
			{w("stop"), checkin, want{command: replies.CommandStop}},
			{w("help"), checkin, want{command: replies.CommandHelp}},
			{w("language") + " " + lang.FR.Name(), checkin, want{command: replies.CommandLanguage, text: lang.FR.Name()}},
			{w("story") + " We rebuilt the onboarding together.", checkin, want{command: replies.CommandStory, text: "We rebuilt the onboarding together."}},
			{w("withdraw"), checkin, want{command: replies.CommandStory, text: strings.TrimSpace(strings.TrimPrefix(w("withdraw"), w("story")))}},
			// Private preferences and a senior's assistant (issue 14).
			{w("not_with") + " sam.lee@example.org", welcome, want{command: replies.CommandNotWith, text: "sam.lee@example.org"}},
			{w("not_with") + " Sam Lee", checkin, want{command: replies.CommandNotWith, text: "Sam Lee"}},
			{w("not_with_remove") + " Sam Lee", checkin, want{command: replies.CommandNotWith, text: strings.TrimSpace(strings.TrimPrefix(w("not_with_remove"), w("not_with"))) + " Sam Lee"}},
			{w("assistant") + " ea@example.org", welcome, want{command: replies.CommandAssistant, text: "ea@example.org"}},
			{w("assistant_remove"), checkin, want{command: replies.CommandAssistant, text: strings.TrimSpace(strings.TrimPrefix(w("assistant_remove"), w("assistant")))}},
			// The closing survey: the answer, then a line of thanks.
			{w("yes") + " 5\n" + w("thanks") + " You changed how I run meetings.", checkin,
				want{met: &yes, rating: 5, thanks: "You changed how I run meetings."}},
		}
		for _, c := range cases {
			a := replies.Understand(c.reply, c.opts)
			got := want{command: a.Command, met: a.Met, join: a.Join, topics: a.Topics, thanks: a.Thanks}
			if a.Rating != nil {
				got.rating = *a.Rating
			}
			for _, in := range a.Commands {
				if in.Command == a.Command {
					got.text = in.Text
					break
				}
			}
			g := describe(got.command, got.text, got.met, got.rating, got.join, got.topics, got.thanks)
			e := describe(c.want.command, c.want.text, c.want.met, c.want.rating, c.want.join, c.want.topics, c.want.thanks)
			if g != e {
				t.Errorf("%s: %q is read as\n\t%s\nthe email promises\n\t%s", l, c.reply, g, e)
			}
		}
		// Goals and sharing: what counts is what the reply does, whatever
		// the word order ("SHARE GOAL" in English, "ZIEL TEILEN" in
		// German is GOAL's word first).
		command := func(reply string) (replies.Command, string) {
			a := replies.Understand(reply, checkin)
			if len(a.Commands) == 0 {
				return "", ""
			}
			return a.Commands[0].Command, a.Commands[0].Text
		}
		if c, text := command(w("goal") + " 3"); c != replies.CommandGoal || replies.GoalWhat(text).Progress != 3 {
			t.Errorf("%s: %q is read as %s %q, not progress 3 towards the goal", l, w("goal")+" 3", c, text)
		}
		goal := "Learn how the app feels to someone new"
		if c, text := command(w("goal") + " " + goal); c != replies.CommandGoal || replies.GoalWhat(text).Text != goal {
			t.Errorf("%s: %q is read as %s %q, not the goal %q", l, w("goal")+" "+goal, c, text, goal)
		}
		switch c, text := command(w("share_goal")); {
		case c == replies.CommandShare && replies.ShareWhat(text).Goal && !replies.ShareWhat(text).Manager:
		case c == replies.CommandGoal && replies.GoalWhat(text).Share:
		default:
			t.Errorf("%s: %q is read as %s %q, not sharing the goal", l, w("share_goal"), c, text)
		}
		if c, text := command(w("share")); c != replies.CommandShare || replies.ShareWhat(text) != (replies.Shared{}) {
			t.Errorf("%s: %q is read as %s %q, not sharing what was applied", l, w("share"), c, text)
		}
		if c, text := command(w("share_manager")); c != replies.CommandShare || replies.ShareWhat(text) != (replies.Shared{Manager: true}) {
			t.Errorf("%s: %q is read as %s %q, not sharing with the manager", l, w("share_manager"), c, text)
		}
		// The REMOVE forms take back, in every language.
		for _, word := range []string{"not_with_remove", "assistant_remove"} {
			a := replies.Understand(w(word)+" Sam Lee", checkin)
			if len(a.Commands) != 1 {
				t.Errorf("%s: %q is read as %v", l, w(word)+" Sam Lee", a.Commands)
				continue
			}
			if remove, rest := replies.Removal(a.Commands[0].Text); !remove || rest != "Sam Lee" {
				t.Errorf("%s: %q does not take back Sam Lee (remove %v, %q)", l, w(word)+" Sam Lee", remove, rest)
			}
		}
		if _, ok := lang.Parse(lang.DE.Name()); !ok {
			t.Errorf("the LANGUAGE example %q is not a language", lang.DE.Name())
		}
		// The emails show the words as the parser reads them (once the
		// language's emails are written).
		if !slices.Contains(translated, l) {
			continue
		}
		for name, f := range fixtures(d, l) {
			text, _, err := r.render(f.kind, f.data)
			if err != nil {
				t.Fatalf("%s %s: %v", l, name, err)
			}
			for kind, words := range suggests {
				if f.kind != kind || (kind == sendqueue.KindPairEnded && !strings.HasPrefix(name, string(kind))) {
					continue
				}
				for _, word := range words {
					if word == "assistant" && !strings.HasSuffix(name, string(programme.Senior)) {
						continue // ASSISTANT is for seniors' diaries
					}
					if !strings.Contains(text, w(word)) {
						t.Errorf("%s %s does not suggest %s (%q)", l, name, word, w(word))
					}
				}
			}
		}
	}
}

// suggests are the reply words each email shows.
var suggests = map[sendqueue.Kind][]string{
	sendqueue.KindWelcome:         {"join", "decline", "help", "language", "not_with", "assistant"},
	sendqueue.KindCheckIn:         {"yes", "no", "pause", "rematch", "stop", "help"},
	sendqueue.KindNudge:           {"yes", "pause", "rematch", "stop", "help"},
	sendqueue.KindClosing:         {"yes", "no", "story"},
	sendqueue.KindRoundEnd:        {"yes", "no", "thanks"},
	sendqueue.KindPairEnded:       {"stop", "help"},
	sendqueue.KindGoalAsk:         {"share_goal"},
	sendqueue.KindGoalShared:      {"share_goal"},
	sendqueue.KindRecognitionAsk:  {"yes", "no"},
	sendqueue.KindStoryConsentAsk: {"yes", "no"},
	sendqueue.KindPublicationAsk:  {"yes", "no"},
}

// describe writes what a reply was read as, comparably.
func describe(command replies.Command, text string, met *bool, rating int, join *bool, topics []string, thanks string) string {
	b := func(p *bool) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	return fmt.Sprintf("command=%q text=%q met=%s rating=%d join=%s topics=%q thanks=%q", command, text, b(met), rating, b(join), topics, thanks)
}

// consentAsks are the emails that ask a person to agree: each is answered
// by a bare YES or NO, mostly above the whole email as a mail client
// quotes it, and the email's own quote (a story, a goal, a senior's words)
// must never be read as part of the answer.
var consentAsks = []sendqueue.Kind{sendqueue.KindRecognitionAsk, sendqueue.KindStoryConsentAsk, sendqueue.KindPublicationAsk}

// Every question asking for consent, in every language, answered as people
// answer it — the word the email suggests, in its case or not, above the
// quoted email, below it, or with a sentence — is read by replies as that
// yes or no and nothing else, through the same parse and trim as inbound.
func TestConsentAnswersRoundTripWithTheEmailQuoted(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	d := &Deliverer{r: r, settings: Settings{BaseURL: "https://upward.test"}}
	asked := map[sendqueue.Kind]int{}
	for _, l := range translated {
		w := func(word string) string { return r.words.Word(l, word) }
		for name, f := range fixtures(d, l) {
			if !slices.Contains(consentAsks, f.kind) {
				continue
			}
			asked[f.kind]++
			text, _, err := r.render(f.kind, f.data)
			if err != nil {
				t.Fatalf("%s %s: %v", l, name, err)
			}
			quoted := "> " + strings.ReplaceAll(strings.TrimSpace(text), "\n", "\r\n> ")
			for _, agree := range []bool{true, false} {
				word := w("no")
				if agree {
					word = w("yes")
				}
				for _, c := range []struct{ how, body string }{
					{"above the quote", word + "\r\n\r\nOn Tue, 2 Feb 2027 at 10:00, Bridges <p@upward.test> wrote:\r\n" + quoted},
					{"in lower case", strings.ToLower(word) + "\r\n\r\nOn Tue, 2 Feb 2027 at 10:00, Bridges <p@upward.test> wrote:\r\n" + quoted},
					{"below the quote", "On Tue, 2 Feb 2027 at 10:00, Bridges <p@upward.test> wrote:\r\n" + quoted + "\r\n\r\n" + word},
					{"with a sentence", word + ", thank you for asking.\r\n\r\nOn Tue, 2 Feb 2027 at 10:00, Bridges <p@upward.test> wrote:\r\n" + quoted},
				} {
					raw := "From: Helen Carter <helen@example.org>\r\nTo: r+x@upward.test\r\nSubject: Re: question\r\nMessage-ID: <m@example.org>\r\n" +
						"Content-Type: text/plain; charset=utf-8\r\n\r\n" + c.body + "\r\n"
					msg, err := replies.Parse([]byte(raw), replies.Limits{})
					if err != nil {
						t.Fatalf("%s %s %s: %v", l, name, c.how, err)
					}
					a := replies.Understand(msg.TrimmedText(), replies.Options{Context: replies.CheckIn})
					if a.Met == nil || *a.Met != agree || a.Command != "" || len(a.Commands) != 0 {
						t.Errorf("%s %s, %q %s: read as met=%v command=%q %v; the email promises agree=%v", l, name, word, c.how, a.Met, a.Command, a.Commands, agree)
					}
				}
			}
		}
	}
	for _, k := range consentAsks {
		if asked[k] == 0 {
			t.Errorf("no fixture of %s: its answers go untested", k)
		}
	}
}
