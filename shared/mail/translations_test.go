package mail

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/oneclick"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/token"
)

// translated are the languages whose catalogs are complete; the test below
// holds each to every key of English. A language joins the list when its
// translation is written.
var translated = []lang.Tag{lang.EN, lang.DE, lang.NL, lang.ES, lang.PT, lang.FR, lang.IT}

// sameInEveryLanguage are messages that may read the same as in English.
var sameInEveryLanguage = regexp.MustCompile(`^(words\.|grammar\.)`)

// words counts the words of a message outside its template actions.
func wordsOf(s string) int {
	return len(strings.Fields(regexp.MustCompile(`\{\{[^}]*\}\}`).ReplaceAllString(s, " ")))
}

func TestEveryMessageIsTranslated(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range translated {
		for _, key := range r.words.Keys() {
			src, ok := r.words.Source(l, key)
			if !ok || src == "" {
				t.Errorf("%s: %s is missing", l, key)
				continue
			}
			en, _ := r.words.Source(lang.EN, key)
			if l != lang.EN && src == en && wordsOf(en) >= 3 && !sameInEveryLanguage.MatchString(key) {
				t.Errorf("%s: %s is still in English: %q", l, key, src)
			}
		}
	}
}

// fixtures are one email of every kind and variant, for the render test.
func fixtures(d *Deliverer, l lang.Tag) map[string]struct {
	kind sendqueue.Kind
	data speaker
} {
	prog := programme.New(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC))
	prog.ID, prog.Name, prog.StartDate, prog.EndDate = "p", "Bridges", "2027-01-18", "2027-07-16"
	c := d.newCommon(prog, l)
	c.UnsubscribeURL = "https://upward.test/u/x"
	c.PageURL = "https://upward.test/p/x"
	pw, err := d.programmeWords(prog, l)
	if err != nil {
		panic(err)
	}
	senior := programme.Participant{ID: "s", Name: "Helen Carter", Role: programme.Senior, Department: "Finance", Location: "Lisbon", Topics: []string{prog.Topics[0]}}
	junior := programme.Participant{ID: "j", Name: "Kenji Sato", Role: programme.Junior, Department: "Retail", Location: "Tokyo", Topics: []string{prog.Topics[0], prog.Topics[2]}}
	at := time.Date(2027, 2, 2, 10, 0, 0, 0, time.UTC)
	out := map[string]struct {
		kind sendqueue.Kind
		data speaker
	}{}
	add := func(name string, kind sendqueue.Kind, data speaker) {
		out[name] = struct {
			kind sendqueue.Kind
			data speaker
		}{kind, data}
	}
	for _, person := range []programme.Participant{senior, junior} {
		w := welcomeData{common: withClicks(token.KindWelcome, c), programmeWords: pw, Person: person, IsSenior: person.Role == programme.Senior, ExampleTopics: exampleTopics(c.Texts.Topics), Resources: c.Texts.Resources}
		add("welcome "+string(person.Role), sendqueue.KindWelcome, w)
		partner := junior
		if person.Role == programme.Junior {
			partner = senior
		}
		for _, k := range []sendqueue.Kind{sendqueue.KindCheckIn, sendqueue.KindMidpoint, sendqueue.KindNudge, sendqueue.KindClosing, sendqueue.KindRoundEnd, sendqueue.KindPairEnded} {
			p := personData{common: withClicks(k.ReplyKind(), c), programmeWords: pw, Kind: k, Midpoint: k == sendqueue.KindMidpoint, Person: person, Partner: partner,
				IsSenior: person.Role == programme.Senior, Cycle: 1, Since: at, Question: "Q?", NextRound: at.AddDate(0, 0, 14), NextKey: "pair_ended.next_round"}
			p.Tip, _ = d.tipFor(person.Role, 1, l)
			if k == sendqueue.KindMidpoint || k == sendqueue.KindClosing {
				p.Goal = "Understand how new joiners see our tools"
			}
			template := k
			if k == sendqueue.KindMidpoint {
				template = sendqueue.KindCheckIn
			}
			add(string(k)+" "+string(person.Role), template, p)
		}
	}
	for _, next := range []string{"pair_ended.coordinator", "pair_ended.too_late"} {
		add(next, sendqueue.KindPairEnded, personData{common: c, programmeWords: pw, Person: junior, NextKey: next})
	}
	add("prepare", sendqueue.KindPrepare, prepareData{common: c, programmeWords: pw, Person: senior, GuideURL: "https://upward.test/guides/senior", GuideTitle: "Guide"})
	for _, slotKey := range []string{"intro.slot_same", "intro.slot_both", "intro.slot_unfair"} {
		in := introData{common: c, programmeWords: pw, Senior: senior, Junior: junior, SeniorTopics: senior.Topics, JuniorTopics: junior.Topics,
			SharedTopics: senior.Topics, Why: []string{"intro.why_topics", "intro.why_departments", "intro.why_locations", "intro.why_general"},
			Slot: slot{Senior: at, Junior: at.Add(9 * time.Hour)}, SlotKey: slotKey, Resources: c.Texts.Resources}
		add("intro both "+slotKey, sendqueue.KindIntro, in)
		in.Reader = &junior
		add("intro copy "+slotKey, sendqueue.KindIntro, in)
	}
	for topic, key := range ackKeys {
		a := ackData{common: c, programmeWords: pw, What: topic, Person: senior, Partner: &junior, BodyKey: key + ".body", Until: at, PauseDays: 30, NextRound: at, Topics: senior.Topics}
		switch topic {
		case sendqueue.AckHelp, sendqueue.AckUnclearCheckIn:
			a.Help = []string{"help.join", "help.decline", "help.yes_no", "help.pause", "help.resume", "help.rematch", "help.story", "help.language", "help.stop", "help.help"}
		case sendqueue.AckLanguageUnknown:
			a.Help = []string{"help.language"}
		}
		switch topic {
		case sendqueue.AckUnclear, sendqueue.AckUnclearCheckIn:
			a.Read, a.AfterKey = "Busy weeks", key+".after"
		case sendqueue.AckThanks:
			a.Message = "You changed how I run meetings."
		case sendqueue.AckGoalSet:
			a.Message, a.AfterKey = "Understand how new joiners see our tools", key+".after"
		case sendqueue.AckRecognitionScheduled, sendqueue.AckRecognitionAsked:
			a.Due, a.IsJunior = at, true
			a.Click.No = withClicks(token.KindRecognition, c).Click.No
		}
		add("ack "+string(topic), sendqueue.KindAck, a)
	}
	add("ack paused unpaired", sendqueue.KindAck, ackData{common: c, Person: senior, BodyKey: "ack.paused_unpaired.body"})
	add("ack rematch late", sendqueue.KindAck, ackData{common: c, Person: senior, BodyKey: "ack.rematch.body", TooLate: true})
	add("thanks", sendqueue.KindThanks, ackData{common: c, Person: junior, Partner: &senior, Message: "You changed how I run meetings."})
	add("sender notice", sendqueue.KindSenderNotice, noticeData{common: c, Person: junior, Other: "kenji@home.example"})
	for _, person := range []programme.Participant{senior, junior} {
		partner := junior
		if person.Role == programme.Junior {
			partner = senior
		}
		n := pairNoteData{common: c, Person: person, Partner: partner, About: partner, IsSenior: person.Role == programme.Senior}
		ask := n
		ask.common = withClicks(token.KindGoal, c)
		add("goal_ask "+string(person.Role), sendqueue.KindGoalAsk, ask)
		q := n
		q.Message = "Learn how our apps feel to someone new.\nAnd how to listen better."
		for _, k := range []sendqueue.Kind{sendqueue.KindGoalShared, sendqueue.KindAppliedShared, sendqueue.KindRecognitionAsk, sendqueue.KindStoryConsentAsk} {
			q.LeadKey, q.AfterKey = string(k)+".lead", string(k)+".after"
			q.common = withClicks(k.ReplyKind(), c)
			add(string(k)+" "+string(person.Role), k, q)
		}
		jn := n
		jn.Goal = "Understand how new joiners see our tools"
		jn.Reflections = []Reflection{{At: at, Text: "We met in the canteen."}, {At: at.AddDate(0, 0, 14), Text: "Kenji showed me the app."}}
		add("journal "+string(person.Role), sendqueue.KindJournal, jn)
	}
	add("journal empty", sendqueue.KindJournal, pairNoteData{common: c, Person: junior, Partner: senior})
	rc := recognitionData{common: c, Senior: senior, Junior: junior, Message: "I now test every rollout with a junior colleague first."}
	rc.ForCoordinator = true
	add("recognition", sendqueue.KindRecognition, rc)
	add("note", sendqueue.KindNote, noteData{common: c, Person: junior, Coordinator: "coord@example.org", Text: "Hello", Paragraphs: []string{"Hello"}})
	guardFixtures(c, pw, senior, junior, at, add)
	publicationFixtures(c, pw, senior, junior, add)
	return out
}

// withClicks gives an email's common data the one-click links an email
// of kind offers, with made-up tokens.
func withClicks(kind token.Kind, c common) common {
	c.Click = offered(kind, func(ch oneclick.Choice) string { return fmt.Sprintf("https://upward.test/a/%s-%d", kind, ch) })
	return c
}

// fixtureData are the fixtures' own words, which read the same in every
// language: the people's names, departments and places (the introduction's
// "Helen Carter · Finance · Lisbon") and the message a person wrote.
var fixtureData = []string{"Helen Carter", "Kenji Sato", "Finance", "Retail", "Lisbon", "Tokyo", "You changed how I run meetings.", "·",
	"Understand how new joiners see our tools", "Learn how our apps feel to someone new.", "And how to listen better.",
	"We met in the canteen.", "Kenji showed me the app.", "I now test every rollout with a junior colleague first."}

// withoutFixtureData is a line of an email without the fixtures' own words,
// so that only the catalog's words count as English left behind.
func withoutFixtureData(line string) string {
	for _, s := range fixtureData {
		line = strings.ReplaceAll(line, s, " ")
	}
	return line
}

// Every email renders in every language, and none of a translated email's
// paragraphs is left in English.
func TestEveryEmailRendersInEveryLanguage(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	d := &Deliverer{r: r, settings: Settings{BaseURL: "https://upward.test"}}
	english := map[string]string{}
	for name, f := range fixtures(d, lang.EN) {
		text, _, err := r.render(f.kind, f.data)
		if err != nil {
			t.Fatalf("en %s: %v", name, err)
		}
		english[name] = text
	}
	for _, l := range translated {
		if l == lang.EN {
			continue
		}
		for name, f := range fixtures(d, l) {
			text, html, err := r.render(f.kind, f.data)
			if err != nil {
				t.Errorf("%s %s: %v", l, name, err)
				continue
			}
			if !strings.Contains(html, `lang="`+string(l)+`"`) {
				t.Errorf("%s %s: the HTML does not say its language", l, name)
			}
			for _, line := range strings.Split(english[name], "\n") {
				line = strings.TrimSpace(line)
				if wordsOf(withoutFixtureData(line)) >= 6 && strings.Contains(text, line) && !strings.Contains(line, "http") {
					t.Errorf("%s %s: a paragraph is still in English: %q", l, name, line)
				}
			}
		}
	}
}
