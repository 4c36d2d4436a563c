package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

//go:embed templates messages
var templateFiles embed.FS

// loadWords reads the emails' words in every language, once.
var loadWords = sync.OnceValues(func() (*lang.Catalog, error) {
	return lang.LoadCatalog(templateFiles, "messages")
})

// speaker is an email's data: it says which language it is written in.
type speaker interface{ language() lang.Tag }

// renderer turns an email's data into its text and HTML bodies. Each kind
// of email is a pair of templates, <kind>.txt and <kind>.html, that lay
// out the words of messages/<language>.yaml: {{t . "key"}} is a message in
// the email's language.
type renderer struct {
	words *lang.Catalog
	text  map[sendqueue.Kind]*texttemplate.Template
	html  map[sendqueue.Kind]*htmltemplate.Template
}

// templateKinds are the emails with templates of their own; the midpoint
// survey is a check-in.
var templateKinds = []sendqueue.Kind{sendqueue.KindWelcome, sendqueue.KindPrepare, sendqueue.KindIntro, sendqueue.KindCheckIn, sendqueue.KindNudge,
	sendqueue.KindClosing, sendqueue.KindAck, sendqueue.KindThanks, sendqueue.KindRoundEnd, sendqueue.KindPairEnded,
	sendqueue.KindRoundSummary, sendqueue.KindNote, sendqueue.KindSenderNotice, sendqueue.KindDigest,
	sendqueue.KindGoalAsk, sendqueue.KindGoalShared, sendqueue.KindAppliedShared, sendqueue.KindRecognitionAsk, sendqueue.KindRecognition,
	sendqueue.KindStoryConsentAsk, sendqueue.KindJournal,
	sendqueue.KindReorgEnded, sendqueue.KindPreferences, sendqueue.KindAssistant,
	sendqueue.KindPublicationAsk}

func newRenderer() (*renderer, error) {
	words, err := loadWords()
	if err != nil {
		return nil, err
	}
	r := &renderer{words: words, text: map[sendqueue.Kind]*texttemplate.Template{}, html: map[sendqueue.Kind]*htmltemplate.Template{}}
	say := func(data any, key string) (string, error) {
		sp, ok := data.(speaker)
		if !ok {
			return "", fmt.Errorf("%T does not say its language", data)
		}
		return words.Text(sp.language(), key, data)
	}
	sayHTML := func(data any, key string) (htmltemplate.HTML, error) {
		sp, ok := data.(speaker)
		if !ok {
			return "", fmt.Errorf("%T does not say its language", data)
		}
		return words.HTML(sp.language(), key, data)
	}
	day := func(data any, at time.Time) (string, error) {
		sp, ok := data.(speaker)
		if !ok {
			return "", fmt.Errorf("%T does not say its language", data)
		}
		return sp.language().LongDate(at), nil
	}
	textFuncs := texttemplate.FuncMap{"t": say, "upper": strings.ToUpper, "inc": func(i int) int { return i + 1 }, "day": day, "indent": indent}
	htmlFuncs := htmltemplate.FuncMap{"t": sayHTML, "inc": func(i int) int { return i + 1 }, "day": day}
	for _, k := range templateKinds {
		t, err := texttemplate.New(string(k)).Funcs(textFuncs).Option("missingkey=error").ParseFS(templateFiles, "templates/common.txt", "templates/"+string(k)+".txt")
		if err != nil {
			return nil, fmt.Errorf("parse %s.txt: %w", k, err)
		}
		h, err := htmltemplate.New(string(k)).Funcs(htmlFuncs).Option("missingkey=error").ParseFS(templateFiles, "templates/layout.html", "templates/"+string(k)+".html")
		if err != nil {
			return nil, fmt.Errorf("parse %s.html: %w", k, err)
		}
		r.text[k], r.html[k] = t, h
	}
	return r, nil
}

func (r *renderer) render(kind sendqueue.Kind, data any) (text, html string, err error) {
	if r.text[kind] == nil {
		return "", "", fmt.Errorf("render %s: no templates for this kind", kind)
	}
	var tb, hb bytes.Buffer
	if err := r.text[kind].ExecuteTemplate(&tb, "text", data); err != nil {
		return "", "", fmt.Errorf("render %s text: %w", kind, err)
	}
	if err := r.html[kind].ExecuteTemplate(&hb, "layout", data); err != nil {
		return "", "", fmt.Errorf("render %s html: %w", kind, err)
	}
	return strings.TrimSpace(tb.String()) + "\n", hb.String(), nil
}

// say is one message as plain text, for subjects and calendar files.
func (r *renderer) say(data speaker, key string) (string, error) {
	return r.words.Text(data.language(), key, data)
}

// indent sets quoted words apart in plain text: every line of them four
// spaces in, as mail clients show a quotation without markup.
func indent(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		if l = strings.TrimRight(l, " \t\r"); l != "" {
			l = "    " + l
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}
