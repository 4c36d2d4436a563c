package web

import (
	"fmt"
	"html/template"

	"github.com/upward-mentoring/upward/shared/chart"
	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/programme"
)

// stateColours keep a state's colour the same on every chart.
var stateColours = map[health.State]string{
	"active": "#1f6f43", health.StateStalled: "#b35c00", "paused": "#0969da",
	"ended": "#57606a", "rematched": "#8250df", "stopped": "#b42318",
}

var roleColours = map[programme.Role]string{programme.Senior: "#1f6f43", programme.Junior: "#8250df"}

type charts struct {
	states, rates, valueTrend template.HTML
	ratings                   []roleChart
}

// briefly says in a few words why a figure is not on a chart, for tables.
func briefly(people int) string {
	if people == 0 {
		return "none yet"
	}
	return fmt.Sprintf("withheld (%d %s)", people, plural(people, "person", "people"))
}

func rateValue(r health.Rate) chart.Value {
	if !r.Shown() {
		return chart.Value{Text: briefly(r.People)}
	}
	return chart.Value{V: r.Share(), Shown: true, Text: fmt.Sprintf("%d%%", r.Percent())}
}

func meanValue(a health.Average) chart.Value {
	if !a.Shown() {
		return chart.Value{Text: briefly(a.People)}
	}
	return chart.Value{V: a.Mean(), Shown: true, Text: fmt.Sprintf("%.1f", a.Mean())}
}

// drawCharts draws a programme's charts; open unfolds their tables (for
// printing).
func drawCharts(f health.Figures, open bool) (charts, error) {
	var c charts
	var err error
	states := chart.Bar{ID: "chart-states", Title: "Pairs by state", Column: "State", ValueColumn: "Pairs", OpenTable: open,
		Summary: fmt.Sprintf("How the programme's %d pairs stand today. Stalled pairs are active pairs that reported no meeting across their last two check-ins.", f.Pairs)}
	for _, st := range f.States {
		states.Items = append(states.Items, chart.BarItem{Label: st.State.Label(), Colour: stateColours[st.State],
			Value: chart.Value{V: float64(st.N), Shown: true, Text: fmt.Sprint(st.N)}})
	}
	if c.states, err = states.HTML(); err != nil {
		return c, err
	}

	var cycles, notes []string
	meeting := chart.Series{Name: "Meeting rate", Colour: "#1f6f43"}
	response := chart.Series{Name: "Response rate", Colour: "#0969da"}
	byRole := map[programme.Role]*chart.Series{}
	for _, r := range health.Roles {
		byRole[r] = &chart.Series{Name: "Value to " + roleName(r) + "s", Colour: roleColours[r]}
	}
	for _, p := range f.Trend {
		cycles = append(cycles, fmt.Sprint(p.Cycle))
		note := ""
		if !p.First.IsZero() {
			note = "from " + p.First.Format("2 Jan")
		}
		notes = append(notes, note)
		meeting.Values = append(meeting.Values, rateValue(p.Meeting))
		response.Values = append(response.Values, rateValue(p.Response))
		for _, v := range p.Value {
			byRole[v.Role].Values = append(byRole[v.Role].Values, meanValue(v.Value))
		}
	}
	const withheldNote = " Points from fewer than 5 people are left out, so nobody's answers can be read off the chart."
	rates := chart.Line{ID: "chart-rates", Title: "Meeting and response rates by check-in", Column: "Check-in", OpenTable: open,
		Summary:    "The share of pairs that met, and of check-ins answered, at each check-in since pairs started." + withheldNote,
		Categories: cycles, Notes: notes, YMin: 0, YMax: 1, YTicks: []float64{0, 0.25, 0.5, 0.75, 1},
		YFormat: func(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }, Series: []chart.Series{meeting, response},
		Empty: "Nothing to draw yet: every check-in's rates rest on fewer than 5 people, or on none."}
	if c.rates, err = rates.HTML(); err != nil {
		return c, err
	}
	value := chart.Line{ID: "chart-value", Title: "Value by role at each check-in", Column: "Check-in", OpenTable: open,
		Summary:    "The average rating, from 1 (not at all valuable) to 5 (very), that seniors and junior mentors gave their meetings at each check-in." + withheldNote,
		Categories: cycles, Notes: notes, YMin: 1, YMax: 5, YTicks: []float64{1, 2, 3, 4, 5},
		Series: []chart.Series{*byRole[programme.Senior], *byRole[programme.Junior]},
		Empty:  "Nothing to draw yet: at every check-in, fewer than 5 people of each role gave a rating (or none did)."}
	if c.valueTrend, err = value.HTML(); err != nil {
		return c, err
	}

	labels := []string{"1 · not at all", "2", "3", "4", "5 · very"}
	for _, v := range f.Value {
		rc := roleChart{Role: v.Role, Withheld: v.Value.Withheld}
		if v.Value.Shown() {
			b := chart.Bar{ID: "chart-ratings-" + string(v.Role), Title: "How valuable " + roleName(v.Role) + "s found their meetings",
				Column: "Rating", ValueColumn: "Share of ratings", Max: 1, OpenTable: open,
				Summary: fmt.Sprintf("The share of each rating among the %d ratings %d %ss gave at check-ins.", v.Value.N(), v.Value.People, roleName(v.Role))}
			for i, share := range v.Value.Shares() {
				b.Items = append(b.Items, chart.BarItem{Label: labels[i], Colour: roleColours[v.Role],
					Value: chart.Value{V: share, Shown: true, Text: fmt.Sprintf("%.0f%%", share*100)}})
			}
			if rc.Chart, err = b.HTML(); err != nil {
				return c, err
			}
		}
		c.ratings = append(c.ratings, rc)
	}
	return c, nil
}
