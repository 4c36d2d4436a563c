package mail

import (
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

// publicationFixtures are the emails about publishing a story, for the
// render and round-trip tests: the question to a teller (of a story from
// a pairing, and of one of their own) and to the partner, and a welcome
// that quotes a published story. The story is made of fixtureData's
// words, which read the same in every language.
func publicationFixtures(c common, pw programmeWords, senior, junior programme.Participant, add func(string, sendqueue.Kind, speaker)) {
	story := "We met in the canteen.\nKenji showed me the app."
	ask := publicationData{common: c, Person: senior, Other: &junior, IsAuthor: true, LeadKey: "publication.ask.lead_author", Message: story}
	add("publication_ask teller of a pairing", sendqueue.KindPublicationAsk, ask)
	alone := ask
	alone.Other = nil
	add("publication_ask teller alone", sendqueue.KindPublicationAsk, alone)
	add("publication_ask partner", sendqueue.KindPublicationAsk,
		publicationData{common: c, Person: junior, Other: &senior, LeadKey: "publication.ask.lead_partner", Message: story})
	w := welcomeData{common: c, programmeWords: pw, Person: junior, ExampleTopics: exampleTopics(c.Texts.Topics), Resources: c.Texts.Resources, Story: story}
	add("welcome with a story", sendqueue.KindWelcome, w)
}
