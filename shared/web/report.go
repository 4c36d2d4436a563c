package web

import (
	"html/template"
	"net/http"
	"sync"

	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

type reportData struct {
	HealthNav
	F                         health.Figures
	Headline                  []headline
	States, Rates, ValueTrend template.HTML
	Ratings                   []roleChart
	// Stories are told by role only: a printed report travels further
	// than the coordinator's own pages.
	SeniorStories, JuniorStories []store.Story
	MinPeople                    int
}

// report is the closing report: the programme's figures and charts, and the
// stories shared with consent, laid out to print (or save as PDF) from the
// browser.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	var in health.Input
	var stories []store.Story
	var inErr, stErr error
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); in, inErr = s.loadInput(ctx, p) }()
	go func() { defer wg.Done(); stories, stErr = s.Store.ListStories(ctx, p.ID) }()
	wg.Wait()
	for _, err := range []error{inErr, stErr} {
		if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	f := health.Compute(in)
	c, err := drawCharts(f, true)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := reportData{HealthNav: HealthNav{Programme: p, Current: "report", Edit: s.canEdit(r, p.ID)}, F: f, Headline: headlines(f), MinPeople: health.MinPeople,
		States: c.states, Rates: c.rates, ValueTrend: c.valueTrend, Ratings: c.ratings}
	for _, st := range sharedStories(stories, in.Participants) {
		if st.Role == programme.Senior {
			d.SeniorStories = append(d.SeniorStories, st.Story)
		} else {
			d.JuniorStories = append(d.JuniorStories, st.Story)
		}
	}
	s.render(w, r, http.StatusOK, "report", view{Title: "Closing report · " + p.Name, Data: d})
}
