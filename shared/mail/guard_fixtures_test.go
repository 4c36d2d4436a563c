package mail

import (
	"regexp"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// awaitingTranslation are the messages of issue 14's reorganisation guard,
// private preferences and assistants, written in English only so far: the
// other languages fall back to English a message at a time until their
// translators add them (README, Languages). The translation tests leave
// them out; every email still renders in every language.
var awaitingTranslation = regexp.MustCompile(`^(reorg_ended|preferences|assistant_copy)\.`)

// awaitingFixture reports a fixture made mostly of such messages.
func awaitingFixture(name string) bool {
	for _, p := range []string{"reorg_ended", "preferences", "assistant_copy"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// guardFixtures are one email of each kind and variant of issue 14's
// guard, preferences and assistants.
func guardFixtures(c common, pw programmeWords, senior, junior programme.Participant, at time.Time, add func(string, sendqueue.Kind, speaker)) {
	for _, next := range []string{"pair_ended.next_round", "pair_ended.coordinator", "pair_ended.too_late"} {
		add("reorg_ended "+next, sendqueue.KindReorgEnded, personData{common: c, programmeWords: pw, Kind: sendqueue.KindReorgEnded, Person: senior, Partner: junior,
			IsSenior: true, NextRound: at.AddDate(0, 0, 14), NextKey: next})
	}
	add("reorg_ended anonymous", sendqueue.KindReorgEnded, personData{common: c, programmeWords: pw, Person: junior, NextKey: "pair_ended.coordinator"})
	for _, topic := range []sendqueue.PreferenceTopic{sendqueue.NotWithSet, sendqueue.NotWithRemoved, sendqueue.NotWithEmpty,
		sendqueue.AssistantSet, sendqueue.AssistantRemoved, sendqueue.AssistantInvalid, sendqueue.AssistantSeniorsOnly} {
		key := "preferences." + string(topic)
		p := preferencesData{common: c, Person: senior, BodyKey: key + ".body"}
		switch topic {
		case sendqueue.NotWithSet:
			p.Listed, p.Items, p.Partner, p.RemoveKey = true, []string{"kenji@example.org", "Sam"}, true, "preferences.remove_hint"
			p.Notes = []preferenceNote{
				{lang: c.Lang, Key: "preferences.ambiguous", Name: "Sam", Candidates: []string{"Sam Lee (Finance)", "Sam Cho (Retail)"}},
				{lang: c.Lang, Key: "preferences.unknown", Name: "Jo Park"},
			}
		case sendqueue.NotWithRemoved:
			p.Listed = true
		case sendqueue.AssistantSet:
			p.Assistant, p.SentNow = "ea@example.org", true
		}
		add("preferences "+string(topic), sendqueue.KindPreferences, p)
	}
	a := assistantCopyData{common: c, programmeWords: pw, Senior: senior, Junior: junior, Slot: slot{Senior: at, Junior: at.Add(9 * time.Hour)}}
	a.ForCoordinator = true
	add("assistant_copy", sendqueue.KindAssistant, a)
	in := introData{common: c, programmeWords: pw, Senior: senior, Junior: junior, Why: []string{"intro.why_general"},
		Slot: slot{Senior: at, Junior: at}, SlotKey: "intro.slot_same", Assistant: "ea@example.org"}
	add("intro with an assistant", sendqueue.KindIntro, in)
}

// awaitingLine reports a line of an English email that holds a message
// awaiting translation (one that needs no data, such as the welcome's
// lines about NOT WITH and ASSISTANT), so its fallback is not taken for
// a paragraph left behind.
func awaitingLine(r *renderer, line string) bool {
	for _, key := range r.words.Keys() {
		if !awaitingTranslation.MatchString(key) {
			continue
		}
		if s, err := r.words.Text(lang.EN, key, struct{}{}); err == nil && s != "" && strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// awaitingWord reports an email that suggests word in English because the
// message that suggests it awaits translation: the parser reads the
// English word in every language, so the suggestion still holds.
func awaitingWord(r *renderer, text, word string) bool {
	switch word {
	case "not_with", "not_with_remove", "assistant", "assistant_remove":
		return strings.Contains(text, r.words.Word(lang.EN, word))
	}
	return false
}
