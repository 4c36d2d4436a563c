package mail

import (
	"net/url"
	"strings"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
)

// texts are a programme's own words in one language: the coordinator's
// translation where there is one, else Upward's own translation of a text
// the programme kept from Upward's defaults, else the programme's default
// language. Each paragraph is whole in one language, never mixed.
func (d *Deliverer) texts(p programme.Programme, l lang.Tag) programme.Texts {
	out := textsIn(d.r.words, p, l)
	out.Resources = d.localResources(out.Resources, l)
	return out
}

// Topics are a programme's topics as people reading l see them, in the
// programme's order (so "1, 3" names the same topics in every language).
func Topics(p programme.Programme, l lang.Tag) ([]string, error) {
	words, err := loadWords()
	if err != nil {
		return nil, err
	}
	return textsIn(words, p, l).Topics, nil
}

// ProgrammeTexts are a programme's own words (purpose, confidentiality,
// topics, resources) as people reading l see them in its emails;
// resources' links are left as the programme has them.
func ProgrammeTexts(p programme.Programme, l lang.Tag) (programme.Texts, error) {
	words, err := loadWords()
	if err != nil {
		return programme.Texts{}, err
	}
	return textsIn(words, p, l), nil
}

// textsIn works out the texts of l, resources' titles included but their
// links left as the programme has them.
func textsIn(words *lang.Catalog, p programme.Programme, l lang.Tag) programme.Texts {
	out := programme.Texts{PurposeStatement: p.PurposeStatement, Confidentiality: p.Confidentiality, Topics: p.Topics, Resources: p.Resources}
	if l == p.Language.Or(lang.Default) {
		return out
	}
	tr := p.Translations[l]
	builtIn := func(english, key string) string {
		if english != "" && p.Language.Or(lang.Default) == lang.EN {
			if s, _ := words.Source(lang.EN, key); s == english {
				if t, ok := words.Source(l, key); ok && t != "" {
					return t
				}
			}
		}
		return ""
	}
	switch {
	case tr.PurposeStatement != "":
		out.PurposeStatement = tr.PurposeStatement
	default:
		for _, key := range []string{"defaults.purpose_digital", "defaults.purpose_generational", "defaults.purpose_inclusion"} {
			if t := builtIn(p.PurposeStatement, key); t != "" {
				out.PurposeStatement = t
			}
		}
	}
	switch {
	case tr.Confidentiality != "":
		out.Confidentiality = tr.Confidentiality
	default:
		if t := builtIn(p.Confidentiality, "defaults.confidentiality"); t != "" {
			out.Confidentiality = t
		}
	}
	switch {
	case len(tr.Topics) == len(p.Topics):
		out.Topics = tr.Topics
	default:
		out.Topics = make([]string, len(p.Topics))
		for i, topic := range p.Topics {
			out.Topics[i] = topic
			for _, key := range defaultTopicKeys {
				if t := builtIn(topic, key); t != "" {
					out.Topics[i] = t
				}
			}
		}
	}
	if len(tr.Resources) == len(p.Resources) {
		out.Resources = tr.Resources
	} else {
		out.Resources = make([]programme.Resource, len(p.Resources))
		for i, r := range p.Resources {
			out.Resources[i] = r
			for _, key := range defaultResourceKeys {
				if t := builtIn(r.Title, key); t != "" {
					out.Resources[i].Title = t
				}
			}
		}
	}
	return out
}

var defaultTopicKeys = []string{"defaults.topic_ai", "defaults.topic_social", "defaults.topic_newjoiner", "defaults.topic_hybrid",
	"defaults.topic_inclusion", "defaults.topic_collaboration", "defaults.topic_customers", "defaults.topic_careers"}

var defaultResourceKeys = []string{"defaults.resource_senior", "defaults.resource_junior", "defaults.resource_listening", "defaults.resource_feedback"}

// localResources are resources with absolute links; the guides this
// deployment serves open in the reader's language.
func (d *Deliverer) localResources(rs []programme.Resource, l lang.Tag) []programme.Resource {
	out := make([]programme.Resource, len(rs))
	for i, r := range rs {
		out[i] = programme.Resource{Title: r.Title, URL: d.guideLink(r.URL, l)}
	}
	return out
}

// guideLink makes a resource link absolute; a link to one of Upward's own
// guides asks for it in the reader's language.
func (d *Deliverer) guideLink(u string, l lang.Tag) string {
	if !strings.HasPrefix(u, "/") {
		return u
	}
	if strings.HasPrefix(u, "/guides/") && !strings.Contains(u, "?") {
		u += "?lang=" + url.QueryEscape(string(l))
	}
	return d.settings.BaseURL + u
}

// ReplyWords are the words the emails in l ask people to reply with
// ("yes", "pause", …), for pages that mention them.
func ReplyWords(l lang.Tag) (map[string]string, error) {
	words, err := loadWords()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, w := range []string{"yes", "no", "join", "decline", "pause", "resume", "stop", "rematch", "help", "story", "withdraw", "thanks", "language", "goal"} {
		out[w] = words.Word(l, w)
	}
	return out, nil
}
