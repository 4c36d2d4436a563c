package chart

import (
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// svgOf parses the chart's first <svg> as XML and counts its elements.
func svgOf(t *testing.T, html string) map[string][]xml.StartElement {
	t.Helper()
	start, end := strings.Index(html, "<svg"), strings.Index(html, "</svg>")
	if start < 0 || end < start {
		t.Fatalf("no svg in:\n%s", html)
	}
	dec := xml.NewDecoder(strings.NewReader(html[start : end+len("</svg>")]))
	out := map[string][]xml.StartElement{}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("the svg is not well-formed: %v\n%s", err, html[start:end])
		}
		if se, ok := tok.(xml.StartElement); ok {
			out[se.Name.Local] = append(out[se.Name.Local], se)
		}
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func TestBarChartIsAnAccessibleImageWithATable(t *testing.T) {
	b := Bar{ID: "states", Title: "Pairs by state", Summary: "How many pairs are in each state.", Column: "State", ValueColumn: "Pairs",
		Items: []BarItem{
			{Label: "Active", Value: Value{V: 12, Shown: true, Text: "12"}},
			{Label: "<script>alert(1)</script>", Value: Value{V: 3, Shown: true, Text: "3"}},
			{Label: "Withheld", Value: Value{Text: "withheld"}},
		}}
	out, err := b.HTML()
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	els := svgOf(t, html)
	svg := els["svg"][0]
	if attr(svg, "role") != "img" || attr(svg, "aria-labelledby") != "states-title states-desc" {
		t.Errorf("svg role %q labelled by %q", attr(svg, "role"), attr(svg, "aria-labelledby"))
	}
	if len(els["title"]) != 1 || attr(els["title"][0], "id") != "states-title" || len(els["desc"]) != 1 {
		t.Error("no title or description")
	}
	// A bar for each shown value, none for the withheld one; the longest
	// is the full span.
	rects := els["rect"]
	if len(rects) != 2 {
		t.Fatalf("bars = %d, want 2", len(rects))
	}
	if w := attr(rects[0], "width"); w != num(width-barLabelW-barValueW) {
		t.Errorf("largest bar width = %s, want the full span", w)
	}
	if w := attr(rects[1], "width"); w != num((width-barLabelW-barValueW)*3/12) {
		t.Errorf("second bar width = %s, want a quarter of the span", w)
	}
	if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") {
		t.Error("a label is not escaped")
	}
	for _, want := range []string{`<th scope="row">Active</th><td>12</td>`, `<th scope="row">Withheld</th><td>withheld</td>`, "<th scope=\"col\">Pairs</th>"} {
		if !strings.Contains(html, want) {
			t.Errorf("table lacks %s", want)
		}
	}
}

func TestLineChartBreaksAtWithheldPoints(t *testing.T) {
	v := func(f float64) Value { return Value{V: f, Shown: true, Text: num(f)} }
	gap := Value{Text: "withheld"}
	l := Line{ID: "trend", Title: "Meeting rate", Summary: "By check-in.", Column: "Check-in",
		Categories: []string{"1", "2", "3", "4", "5"}, YMin: 0, YMax: 1, YTicks: []float64{0, 0.5, 1},
		YFormat: func(f float64) string { return num(f*100) + "%" },
		Series: []Series{
			{Name: "Met", Values: []Value{v(0.5), v(1), gap, v(0), v(0.25)}},
			{Name: "Answered", Values: []Value{gap, v(0.5), gap, gap, gap}},
		}}
	out, err := l.HTML()
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	els := svgOf(t, html)
	var ds []string
	for _, p := range els["path"] {
		ds = append(ds, attr(p, "d"))
	}
	// x runs from 64 to 612 in four steps of 137; y from 216 (0) to 14 (1).
	want := []string{"M64 115 L201 14 M475 216 L612 165.5", "M201 115"} // a lone point is its dot
	if diff := cmp.Diff(want, ds); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
	if n := len(els["circle"]); n != 5 {
		t.Errorf("dots = %d, want one per shown point (5)", n)
	}
	for _, want := range []string{">50%</text>", "<th scope=\"row\">3</th><td>withheld</td><td>withheld</td>", "<li><svg", "> Answered</li>"} {
		if !strings.Contains(html, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestLineChartWithNothingShownSaysSo(t *testing.T) {
	l := Line{ID: "v", Title: "Value", Summary: "s", Column: "Check-in", Categories: []string{"1"}, YMin: 1, YMax: 5,
		Series: []Series{{Name: "Seniors", Values: []Value{{Text: "withheld (3 people)"}}}}, Empty: "Every check-in is withheld."}
	out, err := l.HTML()
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	if strings.Contains(html, "<svg") || !strings.Contains(html, `<p class="chart-empty">Every check-in is withheld.</p>`) || !strings.Contains(html, "<td>withheld (3 people)</td>") {
		t.Errorf("an empty chart draws empty axes or loses its table:\n%s", html)
	}
}

func TestChartsRefuseWhatTheyCannotDraw(t *testing.T) {
	for name, draw := range map[string]func() error{
		"bar without id":  func() error { _, err := Bar{Title: "x"}.HTML(); return err },
		"line without id": func() error { _, err := Line{Title: "x", YMax: 1}.HTML(); return err },
		"empty y axis":    func() error { _, err := Line{ID: "a", YMin: 1, YMax: 1}.HTML(); return err },
		"ragged series": func() error {
			_, err := Line{ID: "a", YMax: 1, Categories: []string{"1", "2"}, Series: []Series{{Name: "s", Values: []Value{{}}}}}.HTML()
			return err
		},
	} {
		if draw() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// The HTML standard lets a figure's caption be only its first or its last
// child; the legend and the table of figures follow it.
func TestTheCaptionIsTheFiguresFirstChild(t *testing.T) {
	bar, err := Bar{ID: "b", Title: "Pairs", Summary: "s", Column: "State", ValueColumn: "Pairs", Items: []BarItem{{Label: "Active", Value: Value{V: 1, Shown: true, Text: "1"}}}}.HTML()
	if err != nil {
		t.Fatal(err)
	}
	line, err := Line{ID: "l", Title: "Rate", Summary: "s", Column: "Check-in", Categories: []string{"1", "2"}, YMin: 0, YMax: 100,
		Series: []Series{{Name: "Seniors", Values: []Value{{V: 50, Shown: true, Text: "50%"}, {V: 60, Shown: true, Text: "60%"}}}}}.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]string{"bar": string(bar), "line": string(line)} {
		if !regexp.MustCompile(`^<figure class="chart" id="[a-z]+">\s*<figcaption>`).MatchString(h) {
			t.Errorf("%s chart: the caption is not the figure's first child:\n%.200s", name, h)
		}
	}
}
