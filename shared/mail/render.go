package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/upward-mentoring/upward/shared/sendqueue"
)

//go:embed templates
var templateFiles embed.FS

var funcs = map[string]any{
	"inc":  func(i int) int { return i + 1 },
	"join": strings.Join,
}

// renderer turns an email's data into its text and HTML bodies. Each kind
// of email is a pair of templates: <kind>.txt and <kind>.html.
type renderer struct {
	text map[sendqueue.Kind]*texttemplate.Template
	html map[sendqueue.Kind]*htmltemplate.Template
}

func newRenderer(kinds ...sendqueue.Kind) (*renderer, error) {
	r := &renderer{text: map[sendqueue.Kind]*texttemplate.Template{}, html: map[sendqueue.Kind]*htmltemplate.Template{}}
	for _, k := range kinds {
		t, err := texttemplate.New(string(k)).Funcs(funcs).ParseFS(templateFiles, "templates/common.txt", "templates/"+string(k)+".txt")
		if err != nil {
			return nil, fmt.Errorf("parse %s.txt: %w", k, err)
		}
		h, err := htmltemplate.New(string(k)).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+string(k)+".html")
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
