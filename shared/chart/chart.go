// Package chart draws the coordinator's charts as inline SVG on the server:
// no script, no font and nothing fetched from elsewhere, so they pass the
// site's Content-Security-Policy and print as they show. Each chart is an
// image with a title and a description for screen readers, followed by the
// same figures as a table, which is also what a reader without sight or
// without SVG uses.
package chart

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"math"
	"strconv"
)

//go:embed templates/*.html
var files embed.FS

var tmpl = template.Must(template.New("chart").Funcs(template.FuncMap{"num": num}).ParseFS(files, "templates/*.html"))

// Colours in the order series and bars take them: the site's brand green,
// then colours that stay apart for the common kinds of colour blindness.
var Colours = []string{"#1f6f43", "#b35c00", "#0969da", "#8250df", "#57606a", "#b42318"}

// num writes a coordinate compactly: one decimal at most.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// Value is one figure on a chart. A value that is not Shown is not drawn;
// its Text (such as "withheld") goes in the table instead.
type Value struct {
	V     float64
	Shown bool
	// Text is how the table and the label write it, such as "64%".
	Text string
}

// Bar is a horizontal bar chart, one bar per item.
type Bar struct {
	ID      string // unique on the page
	Title   string
	Summary string // one or two sentences saying what the chart shows
	// Max is the value of a full-length bar (0: the largest value).
	Max float64
	// Column heads the table's label and value columns.
	Column, ValueColumn string
	Items               []BarItem
	// OpenTable shows the table instead of folding it away (printing).
	OpenTable bool
}

// BarItem is one bar.
type BarItem struct {
	Label  string
	Value  Value
	Colour string // "" takes the next of Colours
}

// Line is a line chart of series over the same categories.
type Line struct {
	ID, Title, Summary string
	// Categories run along the x axis (the table's rows); Notes, when
	// given, add to each in the table (such as the date of a check-in).
	Categories []string
	Notes      []string
	// Column heads the table's category column.
	Column     string
	YMin, YMax float64
	YTicks     []float64
	// YFormat writes a tick label (nil: the number).
	YFormat   func(float64) string
	Series    []Series
	OpenTable bool
	// Empty is said instead of drawing axes with nothing on them when no
	// value is shown; the table still lists what there is.
	Empty string
}

// Series is one line: a value per category.
type Series struct {
	Name   string
	Colour string
	Values []Value
}

// Geometry shared by the templates.
const (
	width     = 640.0
	barHeight = 30.0
	barLabelW = 170.0
	barValueW = 70.0
	lineH     = 260.0
	lineLeft  = 52.0
	lineRight = 16.0
	lineTop   = 14.0
	lineBot   = 44.0
)

type barGeom struct {
	Bar
	Width, Height float64
	Rows          []barRow
}

type barRow struct {
	BarItem
	Y, TextY, W, LabelX, BarX, ValueX float64
}

// HTML renders the chart and its table.
func (b Bar) HTML() (template.HTML, error) {
	if b.ID == "" {
		return "", fmt.Errorf("chart %q: no id", b.Title)
	}
	max := b.Max
	for _, it := range b.Items {
		if it.Value.Shown && it.Value.V > max {
			max = it.Value.V
		}
	}
	g := barGeom{Bar: b, Width: width, Height: float64(len(b.Items))*barHeight + 8}
	span := width - barLabelW - barValueW
	for i, it := range b.Items {
		if it.Colour == "" {
			it.Colour = Colours[i%len(Colours)]
		}
		r := barRow{BarItem: it, Y: 4 + float64(i)*barHeight + 4, LabelX: barLabelW - 8, BarX: barLabelW}
		r.TextY = r.Y + (barHeight-8)/2 + 5
		if it.Value.Shown && max > 0 {
			r.W = math.Max(0, it.Value.V/max*span)
		}
		r.ValueX = barLabelW + r.W + 6
		g.Rows = append(g.Rows, r)
	}
	return execute("bar", g)
}

type lineGeom struct {
	Line
	Drawn                                   bool
	Width, Height, Left, Right, Top, Bottom float64
	Ticks                                   []tick
	Xs                                      []xMark
	Paths                                   []path
	Rows                                    []lineRow
}

type tick struct {
	Y     float64
	Label string
}

type xMark struct {
	X     float64
	Label string
}

type path struct {
	Colour, D string
	Dots      []dot
}

type dot struct{ X, Y float64 }

type lineRow struct {
	Category string
	Values   []Value
}

// HTML renders the chart and its table.
func (l Line) HTML() (template.HTML, error) {
	if l.ID == "" {
		return "", fmt.Errorf("chart %q: no id", l.Title)
	}
	if l.YMax <= l.YMin {
		return "", fmt.Errorf("chart %q: y axis from %v to %v", l.Title, l.YMin, l.YMax)
	}
	for _, s := range l.Series {
		if len(s.Values) != len(l.Categories) {
			return "", fmt.Errorf("chart %q: series %q has %d values for %d categories", l.Title, s.Name, len(s.Values), len(l.Categories))
		}
	}
	g := lineGeom{Line: l, Width: width, Height: lineH, Left: lineLeft, Right: width - lineRight, Top: lineTop, Bottom: lineH - lineBot}
	format := l.YFormat
	if format == nil {
		format = num
	}
	y := func(v float64) float64 {
		v = math.Min(math.Max(v, l.YMin), l.YMax)
		return g.Bottom - (v-l.YMin)/(l.YMax-l.YMin)*(g.Bottom-g.Top)
	}
	for _, t := range l.YTicks {
		g.Ticks = append(g.Ticks, tick{Y: y(t), Label: format(t)})
	}
	x := func(i int) float64 {
		if len(l.Categories) == 1 {
			return (g.Left + g.Right) / 2
		}
		return g.Left + 12 + float64(i)*(g.Right-g.Left-24)/float64(len(l.Categories)-1)
	}
	// Label at most about a dozen categories so labels never collide.
	every := (len(l.Categories) + 11) / 12
	for i, c := range l.Categories {
		if i%every == 0 || i == len(l.Categories)-1 {
			g.Xs = append(g.Xs, xMark{X: x(i), Label: c})
		}
	}
	for si, s := range l.Series {
		for _, v := range s.Values {
			g.Drawn = g.Drawn || v.Shown
		}
		p := path{Colour: s.Colour}
		if p.Colour == "" {
			p.Colour = Colours[si%len(Colours)]
		}
		var d bytes.Buffer
		pen := false // a withheld point breaks the line
		for i, v := range s.Values {
			if !v.Shown {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%s %s ", cmd, num(x(i)), num(y(v.V)))
			pen = true
			p.Dots = append(p.Dots, dot{x(i), y(v.V)})
		}
		p.D = string(bytes.TrimSpace(d.Bytes()))
		g.Paths = append(g.Paths, p)
	}
	for i, c := range l.Categories {
		r := lineRow{Category: c}
		if i < len(l.Notes) && l.Notes[i] != "" {
			r.Category += " (" + l.Notes[i] + ")"
		}
		for _, s := range l.Series {
			r.Values = append(r.Values, s.Values[i])
		}
		g.Rows = append(g.Rows, r)
	}
	for i := range g.Series {
		if g.Series[i].Colour == "" {
			g.Series[i].Colour = Colours[i%len(Colours)]
		}
	}
	return execute("line", g)
}

func execute(name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return "", fmt.Errorf("draw %s chart: %w", name, err)
	}
	return template.HTML(buf.String()), nil // html/template escaped every value
}
