package web

import (
	"regexp"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/shared/lang"
)

// translatedPages are the languages whose participant pages are written;
// the test holds each to every key of English.
var translatedPages = []lang.Tag{lang.EN, lang.DE, lang.FR, lang.ES, lang.IT, lang.PT, lang.NL}

func TestEveryParticipantPageIsTranslated(t *testing.T) {
	words, err := loadWords()
	if err != nil {
		t.Fatal(err)
	}
	actions := regexp.MustCompile(`\{\{[^}]*\}\}`)
	for _, l := range translatedPages {
		for _, key := range words.Keys() {
			src, ok := words.Source(l, key)
			if !ok || src == "" {
				t.Errorf("%s: %s is missing", l, key)
				continue
			}
			en, _ := words.Source(lang.EN, key)
			if l != lang.EN && src == en && len(strings.Fields(actions.ReplaceAllString(en, " "))) >= 3 {
				t.Errorf("%s: %s is still in English", l, key)
			}
			if _, err := say(l, key, pageWords{Programme: "Bridges"}); err != nil {
				t.Errorf("%s: %s: %v", l, key, err)
			}
		}
		for name := range guideNames {
			body, _ := say(l, "guides."+name+".body", pageWords{})
			html := string(guideMarkup(body))
			if !strings.Contains(html, "<li>") && !strings.Contains(html, "<p>") {
				t.Errorf("%s: the %s guide renders as nothing", l, name)
			}
			if strings.Contains(html, "*") {
				t.Errorf("%s: the %s guide shows its markup:\n%s", l, name, html)
			}
		}
	}
}

func TestGuideMarkup(t *testing.T) {
	got := string(guideMarkup("Intro <b>x</b>\n## Head\n- one **two**\n- three\n1. first\n2. second\nEnd"))
	want := "<p>Intro &lt;b&gt;x&lt;/b&gt;</p>\n<h2>Head</h2>\n<ul>\n<li>one <strong>two</strong></li>\n<li>three</li>\n</ul>\n<ol>\n<li>first</li>\n<li>second</li>\n</ol>\n<p>End</p>\n"
	if got != want {
		t.Errorf("guideMarkup =\n%s\nwant\n%s", got, want)
	}
}
