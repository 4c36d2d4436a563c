package web

import (
	"embed"
	"html"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/mail"
)

// The pages participants reach from their emails speak the participant's
// language: the words are in messages/<language>.yaml.
//
//go:embed messages
var messageFiles embed.FS

var loadWords = sync.OnceValues(func() (*lang.Catalog, error) {
	return lang.LoadCatalog(messageFiles, "messages")
})

// pageWords is the data a participant page's messages read.
type pageWords struct {
	Programme string
	Words     map[string]string
	// Partner is the other person of the pair (their greeting); Date a
	// day written in the page's language; N a number (a rating); Name a
	// name of a language.
	Partner, Date, Name string
	N                   int
}

// say is one message of the participant pages in l.
func say(l lang.Tag, key string, data pageWords) (string, error) {
	words, err := loadWords()
	if err != nil {
		return "", err
	}
	if data.Words == nil {
		if data.Words, err = mail.ReplyWords(l); err != nil {
			return "", err
		}
	}
	return words.Text(l, key, data)
}

// readerLanguage is the language to show a page in when no participant is
// known: the link's own (?lang=, as emails write it), else the browser's
// first language Upward writes, else English.
func readerLanguage(r *http.Request) lang.Tag {
	if l, ok := lang.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l, ok := lang.Parse(tag); ok {
			return l
		}
	}
	return lang.Default
}

// guideMarkup turns a guide written in the catalogs' markup into HTML: "## "
// headings, "- " and "1. " list items, **bold**, paragraphs. The text is
// escaped first: a guide holds no HTML of its own.
func guideMarkup(src string) template.HTML {
	var b strings.Builder
	list := ""
	closeList := func() {
		if list != "" {
			b.WriteString("</" + list + ">\n")
			list = ""
		}
	}
	openList := func(kind string) {
		if list != kind {
			closeList()
			b.WriteString("<" + kind + ">\n")
			list = kind
		}
	}
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		text := func(s string) string { return strongRE.ReplaceAllString(html.EscapeString(s), "<strong>$1</strong>") }
		switch {
		case line == "":
			closeList()
		case strings.HasPrefix(line, "## "):
			closeList()
			b.WriteString("<h2>" + text(line[3:]) + "</h2>\n")
		case strings.HasPrefix(line, "- "):
			openList("ul")
			b.WriteString("<li>" + text(line[2:]) + "</li>\n")
		case numbered.MatchString(line):
			openList("ol")
			b.WriteString("<li>" + text(numbered.ReplaceAllString(line, "")) + "</li>\n")
		default:
			closeList()
			b.WriteString("<p>" + text(line) + "</p>\n")
		}
	}
	closeList()
	return template.HTML(b.String())
}

var (
	// The catalog turns **x** into *x* (its own emphasis), so either marks
	// bold here.
	strongRE = regexp.MustCompile(`\*{1,2}([^*\n]+)\*{1,2}`)
	numbered = regexp.MustCompile(`^\d+\.\s+`)
)
