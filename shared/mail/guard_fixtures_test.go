package mail

import (
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

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
