package lang

import (
	"bytes"
	"fmt"
	"html"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	texttemplate "text/template"
	"time"

	"gopkg.in/yaml.v3"
)

// A Catalog holds the words of one part of Upward (the emails, the public
// pages) in every language, one YAML file per language named <tag>.yaml.
//
// Each message is a Go text/template, executed with the data of the email or
// page it belongs to, so a translation can order a sentence as its language
// needs. Messages are grouped in maps; a key names the path ("checkin.met").
// Besides the data, a message may use:
//
//	{{w "yes"}}          a reply word of this language, from the words group
//	{{date .T}}          "mardi 19 janvier"; longdate adds the year
//	{{time .T}}          "09:30"
//	{{list .Names}}      "A, B and C" with this language's "and" (grammar.and)
//
// *Bold* marks words to type in a reply: bold in HTML, plain in text.
type Catalog struct {
	msgs map[Tag]map[string]*texttemplate.Template
	raw  map[Tag]map[string]string
}

// LoadCatalog reads dir/<tag>.yaml for every language Upward writes. Every
// language must be present; English must hold every key the others use.
func LoadCatalog(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{msgs: map[Tag]map[string]*texttemplate.Template{}, raw: map[Tag]map[string]string{}}
	for _, t := range All {
		b, err := fs.ReadFile(fsys, path.Join(dir, string(t)+".yaml"))
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", t, err)
		}
		var tree map[string]any
		if err := yaml.Unmarshal(b, &tree); err != nil {
			return nil, fmt.Errorf("catalog %s.yaml: %w", t, err)
		}
		flat := map[string]string{}
		if err := flatten("", tree, flat); err != nil {
			return nil, fmt.Errorf("catalog %s.yaml: %w", t, err)
		}
		c.raw[t] = flat
	}
	for _, t := range All {
		c.msgs[t] = map[string]*texttemplate.Template{}
		for k, v := range c.raw[t] {
			if _, ok := c.raw[EN][k]; !ok {
				return nil, fmt.Errorf("catalog %s.yaml: %q is not a key of en.yaml", t, k)
			}
			tpl, err := texttemplate.New(k).Funcs(c.funcs(t)).Option("missingkey=error").Parse(v)
			if err != nil {
				return nil, fmt.Errorf("catalog %s.yaml: %w", t, err)
			}
			c.msgs[t][k] = tpl
		}
	}
	return c, nil
}

func flatten(prefix string, v any, out map[string]string) error {
	switch v := v.(type) {
	case nil:
		// An empty file or group: nothing written yet.
	case map[string]any:
		for k, x := range v {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			if err := flatten(key, x, out); err != nil {
				return err
			}
		}
	case string:
		out[prefix] = strings.TrimSpace(v)
	default:
		return fmt.Errorf("%s: want text or a group, got %T", prefix, v)
	}
	return nil
}

func (c *Catalog) funcs(t Tag) texttemplate.FuncMap {
	return texttemplate.FuncMap{
		"w": func(word string) (string, error) {
			if s, ok := c.raw[t]["words."+word]; ok {
				return s, nil
			}
			if s, ok := c.raw[EN]["words."+word]; ok {
				return s, nil
			}
			return "", fmt.Errorf("no reply word %q", word)
		},
		"date":     func(d time.Time) string { return t.Date(d) },
		"longdate": func(d time.Time) string { return t.LongDate(d) },
		"time":     func(d time.Time) string { return t.Time(d) },
		"list": func(items []string) string {
			and := c.raw[t]["grammar.and"]
			if and == "" {
				and = "and"
			}
			switch len(items) {
			case 0:
				return ""
			case 1:
				return items[0]
			}
			return strings.Join(items[:len(items)-1], ", ") + " " + and + " " + items[len(items)-1]
		},
		"inc": func(i int) int { return i + 1 },
	}
}

// Has reports whether key is a message.
func (c *Catalog) Has(key string) bool { _, ok := c.raw[EN][key]; return ok }

// Text renders message key in language t with data, as plain text. A key
// missing in t falls back to English, a whole message at a time.
func (c *Catalog) Text(t Tag, key string, data any) (string, error) {
	tpl, ok := c.msgs[t.Or(Default)][key]
	if !ok {
		if tpl, ok = c.msgs[EN][key]; !ok {
			return "", fmt.Errorf("no message %q", key)
		}
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, data); err != nil {
		return "", fmt.Errorf("message %s %q: %w", t, key, err)
	}
	return bold.ReplaceAllString(b.String(), "$1"), nil
}

// HTML renders message key as HTML: the text escaped, *bold* in bold.
func (c *Catalog) HTML(t Tag, key string, data any) (htmltemplate.HTML, error) {
	tpl, ok := c.msgs[t.Or(Default)][key]
	if !ok {
		if tpl, ok = c.msgs[EN][key]; !ok {
			return "", fmt.Errorf("no message %q", key)
		}
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, data); err != nil {
		return "", fmt.Errorf("message %s %q: %w", t, key, err)
	}
	return htmltemplate.HTML(bold.ReplaceAllString(html.EscapeString(b.String()), "<strong>$1</strong>")), nil
}

// Word is one of a language's reply words ("yes", "pause"), as its emails
// suggest it.
func (c *Catalog) Word(t Tag, word string) string {
	if s, ok := c.raw[t.Or(Default)]["words."+word]; ok {
		return s
	}
	return c.raw[EN]["words."+word]
}

// Keys lists every message key, sorted.
func (c *Catalog) Keys() []string {
	out := make([]string, 0, len(c.raw[EN]))
	for k := range c.raw[EN] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Source is a message as written in the catalog, for tests that compare
// translations with English.
func (c *Catalog) Source(t Tag, key string) (string, bool) {
	s, ok := c.raw[t][key]
	return s, ok
}

// bold is *word* (not across lines, not empty, not "* item" bullets).
var bold = regexp.MustCompile(`\*([^*\s\n](?:[^*\n]*[^*\s\n])?)\*`)
