package web_test

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// closedExplicitly are the elements the pages use whose end tag the HTML
// standard never lets one leave out: a missing or stray one is a mistake
// the browser repairs silently, often by moving the rest of the page into
// a form or a link.
var closedExplicitly = map[string]bool{
	"a": true, "article": true, "aside": true, "button": true, "details": true, "div": true, "fieldset": true,
	"figcaption": true, "figure": true, "footer": true, "form": true, "h1": true, "h2": true, "h3": true,
	"h4": true, "header": true, "label": true, "legend": true, "main": true, "nav": true, "ol": true,
	"section": true, "select": true, "span": true, "strong": true, "summary": true, "svg": true, "table": true, "ul": true, "em": true, "small": true, "code": true,
	"time": true, "progress": true,
}

// markupProblems lists what makes a served page invalid HTML in ways a
// browser hides but a checker (and a screen reader) does not: end tags
// that do not match, forms inside forms, ids used twice, labels and ARIA
// references to ids the page lacks, a figure's caption anywhere but first
// or last, a details whose first child is not its summary. The raw bytes
// are read, not a parsed tree, because parsing repairs exactly these.
func markupProblems(page string) []string {
	var problems []string
	var open []string // the explicitly closed elements, innermost last
	ids := map[string]int{}
	var refs [][2]string // {attribute, id}
	// The children seen so far of each open figure and details.
	type parent struct {
		name     string
		depth    int
		children []string
	}
	var parents []*parent
	z := xhtml.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			if z.Err() != io.EOF {
				problems = append(problems, "unreadable: "+z.Err().Error())
			}
			break
		}
		tok := z.Token()
		name := tok.Data
		switch tt {
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			for _, a := range tok.Attr {
				switch a.Key {
				case "id":
					ids[a.Val]++
				case "for":
					if name == "label" {
						refs = append(refs, [2]string{"label for", a.Val})
					}
				case "aria-labelledby", "aria-describedby", "aria-controls":
					for _, id := range strings.Fields(a.Val) {
						refs = append(refs, [2]string{a.Key, id})
					}
				}
			}
			if n := len(parents); n > 0 && parents[n-1].depth == len(open) {
				parents[n-1].children = append(parents[n-1].children, name)
			}
			if tt == xhtml.SelfClosingTagToken || !closedExplicitly[name] {
				continue
			}
			if name == "form" && slices.Contains(open, "form") {
				problems = append(problems, "a form inside a form")
			}
			open = append(open, name)
			if name == "figure" || name == "details" {
				parents = append(parents, &parent{name: name, depth: len(open)})
			}
		case xhtml.EndTagToken:
			if !closedExplicitly[name] {
				continue
			}
			if len(open) == 0 || open[len(open)-1] != name {
				problems = append(problems, fmt.Sprintf("</%s> closes %s", name, describeOpen(open)))
				// Recover as a browser would, if the element is open at all.
				if i := slices.Index(open, name); i >= 0 {
					open = open[:i]
				}
				continue
			}
			if n := len(parents); n > 0 && parents[n-1].depth == len(open) {
				p := parents[n-1]
				parents = parents[:n-1]
				switch {
				case p.name == "figure" && slices.Contains(p.children, "figcaption") &&
					p.children[0] != "figcaption" && p.children[len(p.children)-1] != "figcaption":
					problems = append(problems, fmt.Sprintf("a figure's caption between its other children %v", p.children))
				case p.name == "details" && (len(p.children) == 0 || p.children[0] != "summary"):
					problems = append(problems, fmt.Sprintf("a details that does not start with its summary %v", p.children))
				}
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		problems = append(problems, "never closed: "+describeOpen(open))
	}
	for id, n := range ids {
		if n > 1 {
			problems = append(problems, fmt.Sprintf("id %q used %d times", id, n))
		}
	}
	for _, r := range refs {
		if ids[r[1]] == 0 {
			problems = append(problems, fmt.Sprintf("%s=%q names no element of the page", r[0], r[1]))
		}
	}
	slices.Sort(problems)
	return problems
}

func describeOpen(open []string) string {
	if len(open) == 0 {
		return "nothing open"
	}
	return "<" + strings.Join(open, "> <") + ">"
}

// checkMarkup fails the test for each markup problem of an HTML page the
// site served; body calls it, so every page any test reads is checked.
func checkMarkup(t *testing.T, what, page string) {
	t.Helper()
	if p := markupProblems(page); len(p) > 0 {
		t.Errorf("%s is not valid HTML:\n  %s", what, strings.Join(p, "\n  "))
	}
}

func TestMarkupProblemsFindsWhatBrowsersHide(t *testing.T) {
	const head = `<!doctype html><html lang="en"><head><title>t</title></head><body>`
	for _, tc := range []struct {
		name, page string
		want       []string
	}{
		{"right", head + `<main><form><label for="e">Email</label><input id="e"><p>one<p>two</form>` +
			`<figure><figcaption>C</figcaption><svg><rect/></svg><details><summary>S</summary><table><tr><td>1</table></details></figure>` +
			`<ul><li>a<li>b</ul></main></body></html>`, nil},
		{"form in a form", head + `<form><div><form></form></div></form>`, []string{"a form inside a form"}},
		{"unclosed div", head + `<main><div></main>`, []string{"</main> closes <main> <div>"}},
		{"stray end tag", head + `<div></span></div>`, []string{"</span> closes <div>"}},
		{"never closed", head + `<section><h2>x</h2>`, []string{"never closed: <section>"}},
		{"duplicate id", head + `<p id="x"></p><div id="x"></div>`, []string{`id "x" used 2 times`}},
		{"label for nothing", head + `<label for="nope">X</label><input id="yes">`, []string{`label for="nope" names no element of the page`}},
		{"aria ref to nothing", head + `<svg aria-labelledby="a b"><title id="a">t</title></svg>`, []string{`aria-labelledby="b" names no element of the page`}},
		{"caption in the middle", head + `<figure><svg></svg><figcaption>C</figcaption><details><summary>s</summary></details></figure>`,
			[]string{"a figure's caption between its other children [svg figcaption details]"}},
		{"details without summary first", head + `<details><p>x</p><summary>s</summary></details>`,
			[]string{"a details that does not start with its summary [p summary]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := markupProblems(tc.page)
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems = %q, want %q", got, tc.want)
			}
		})
	}
}
