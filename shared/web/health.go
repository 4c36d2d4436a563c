package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sync"
	"time"

	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/totals"
)

// HealthStore is what following a programme needs from the table: its
// participants, pairs and answers (never reply text), stories, the
// quarantine and suppression lists, and the coordinator's actions.
type HealthStore interface {
	ListParticipants(ctx context.Context, programmeID string) ([]programme.Participant, error)
	ListPairs(ctx context.Context, programmeID string) ([]programme.Pair, error)
	ListAnswers(ctx context.Context, programmeID string) ([]store.Answer, error)
	// ReadTotals is the programme's running totals: the dashboard reads
	// these few items, never every participant, pair and answer.
	ReadTotals(ctx context.Context, programmeID string) (totals.Vector, error)
	// Goals and applied answers without their words: the figures' only view.
	GoalFigures(ctx context.Context, programmeID string) ([]store.GoalFigure, error)
	AppliedFigures(ctx context.Context, programmeID string) ([]store.AppliedFigure, error)
	ListStories(ctx context.Context, programmeID string) ([]store.Story, error)
	ListQuarantine(ctx context.Context) ([]store.Quarantined, error)
	Suppressions(ctx context.Context, emails []string) (map[string]store.Suppression, error)
	GetParticipant(ctx context.Context, programmeID, id string) (programme.Participant, error)
	GetPair(ctx context.Context, programmeID, id string) (programme.Pair, error)
	PutNote(ctx context.Context, n store.Note) error
	GetQuarantined(ctx context.Context, id string) (store.Quarantined, error)
	// The attention list, a page at a time: the index's entries, then the
	// records of those alone.
	Attention(ctx context.Context, programmeID, after, before string, limit int) (store.AttentionPage, error)
	ListPairAnswers(ctx context.Context, programmeID, pairID string) ([]store.Answer, error)
	GetPairs(ctx context.Context, programmeID string, ids []string) (map[string]programme.Pair, error)
	GetParticipants(ctx context.Context, programmeID string, ids []string) (map[string]programme.Participant, error)
	FindParticipantByEmail(ctx context.Context, programmeID, email string) (programme.Participant, error)
	AddOtherEmail(ctx context.Context, programmeID, id, addr string, now time.Time) error
	// Pairs change only through their lifecycle.
	lifecycle.Store
}

var _ HealthStore = (*store.Store)(nil)

// healthRoutes are the pages that follow a programme once pairs run.
func (s *Server) healthRoutes() {
	s.handle("GET /programmes/{id}/dashboard", ProgrammeView, s.dashboard)
	s.handle("GET /programmes/{id}/attention", ProgrammeEdit, s.attention)
	s.handle("POST /programmes/{id}/pairs/{pair}/{action}", ProgrammeEdit, s.pairAction)
	s.handle("POST /programmes/{id}/quarantine/release", ProgrammeEdit, s.releaseReply)
	s.handle("POST /programmes/{id}/quarantine/address", ProgrammeEdit, s.addSenderAddress)
	s.handle("GET /programmes/{id}/participants/{pid}/note", ProgrammeEdit, s.noteForm)
	s.handle("POST /programmes/{id}/participants/{pid}/note", ProgrammeEdit, s.sendNote)
	s.handle("GET /programmes/{id}/stories", ProgrammeView, s.stories)
	s.handle("GET /programmes/{id}/report", ProgrammeView, s.report)
	s.handle("GET /programmes/{id}/export/{file}", ProgrammeEdit, s.export)
}

// healthPageNames are parsed with the health partials (navigation, figures).
var healthPageNames = []string{"dashboard", "attention", "note", "stories", "report"}

// addHealthPages parses the health pages with the site's functions and a few
// of their own.
func (ps *pages) addHealthPages(funcs template.FuncMap) error {
	all := template.FuncMap{
		"pct":      func(r health.Rate) string { return fmt.Sprintf("%d%%", r.Percent()) },
		"mean":     func(a health.Average) string { return fmt.Sprintf("%.1f", a.Mean()) },
		"day":      func(t time.Time) string { return t.Format("2 Jan 2006") },
		"roleName": roleName,
	}
	for k, v := range funcs {
		all[k] = v
	}
	for _, n := range healthPageNames {
		t, err := template.New(n).Funcs(all).ParseFS(files, "templates/layout.html", "templates/health_parts.html", "templates/"+n+".html")
		if err != nil {
			return fmt.Errorf("parse page %s: %w", n, err)
		}
		ps.t[n] = t
	}
	return nil
}

// roleName says which side someone is on, in the words pages use.
func roleName(r programme.Role) string {
	if r == programme.Senior {
		return "senior"
	}
	return "junior mentor"
}

// loadInput reads what the figures are made of. The three queries are
// independent, so they run together: in DynamoDB each page of each is a
// round trip, and a 5,000-pair programme has dozens of pages.
func (s *Server) loadInput(ctx context.Context, p programme.Programme) (health.Input, error) {
	in := health.Input{Programme: p, Now: s.Clock.Now()}
	var wg sync.WaitGroup
	errs := make([]error, 5)
	wg.Add(5)
	go func() { defer wg.Done(); in.Participants, errs[0] = s.Store.ListParticipants(ctx, p.ID) }()
	go func() { defer wg.Done(); in.Pairs, errs[1] = s.Store.ListPairs(ctx, p.ID) }()
	go func() { defer wg.Done(); in.Answers, errs[2] = s.Store.ListAnswers(ctx, p.ID) }()
	go func() { defer wg.Done(); in.Goals, errs[3] = s.Store.GoalFigures(ctx, p.ID) }()
	go func() { defer wg.Done(); in.Applied, errs[4] = s.Store.AppliedFigures(ctx, p.ID) }()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return in, fmt.Errorf("load figures of %s: %w", p.ID, err)
	}
	return in, nil
}

// HealthNav is the sub-navigation every health page shows (exported so that
// templates reach it through the pages' data).
type HealthNav struct {
	Programme programme.Programme
	Current   string
	// Edit: the reader may use the programme's other pages (not a viewer).
	Edit bool
}

// canEdit reports whether the signed-in person may change programme id.
func (s *Server) canEdit(r *http.Request, id string) bool {
	return allows(s.account(r), ProgrammeEdit, id)
}

type dashboardData struct {
	HealthNav
	F          health.Figures
	Headline   []headline
	Impact     []headline
	States     template.HTML
	Rates      template.HTML
	ValueTrend template.HTML
	Ratings    []roleChart
}

// headline is one figure at the top of the dashboard.
type headline struct {
	Label, Value, Note string
}

// roleChart is a role's rating distribution, or why it is withheld.
type roleChart struct {
	Role     programme.Role
	Chart    template.HTML
	Withheld string
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	v, err := s.Store.ReadTotals(r.Context(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f := health.FromTotals(v, s.Clock.Now())
	d := dashboardData{HealthNav: HealthNav{Programme: p, Current: "dashboard", Edit: s.canEdit(r, p.ID)}, F: f, Headline: headlines(f), Impact: impactHeadlines(f)}
	charts, err := drawCharts(f, false)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.States, d.Rates, d.ValueTrend, d.Ratings = charts.states, charts.rates, charts.valueTrend, charts.ratings
	s.render(w, r, http.StatusOK, "dashboard", view{Title: "Dashboard · " + p.Name, Data: d})
}

func headlines(f health.Figures) []headline {
	rate := func(label string, r health.Rate, of string) headline {
		if !r.Shown() {
			return headline{Label: label, Value: "—", Note: r.Withheld}
		}
		return headline{Label: label, Value: fmt.Sprintf("%d%%", r.Percent()), Note: fmt.Sprintf("%d of %d %s, from %d people", r.Num, r.Den, of, r.People)}
	}
	out := []headline{
		{Label: "Pairs", Value: fmt.Sprint(f.Pairs), Note: fmt.Sprintf("%d people paired of %d enrolled", f.Paired, f.Enrolled)},
		rate("Meeting rate", f.Meeting, "pair check-ins answered said they met"),
		rate("Response rate", f.Response, "check-ins sent were answered"),
	}
	for _, v := range f.Value {
		h := headline{Label: "Value to " + roleName(v.Role) + "s", Value: "—", Note: v.Value.Withheld}
		if v.Value.Shown() {
			h.Value = fmt.Sprintf("%.1f / 5", v.Value.Mean())
			h.Note = fmt.Sprintf("%d ratings from %d people", v.Value.N(), v.Value.People)
		}
		out = append(out, h)
	}
	return out
}

// impactHeadlines are the goals and the closing loop in figures: counts and
// rates, never anyone's words.
func impactHeadlines(f health.Figures) []headline {
	im := f.Impact
	rate := func(label string, r health.Rate, of string) headline {
		if !r.Shown() {
			return headline{Label: label, Value: "—", Note: r.Withheld}
		}
		return headline{Label: label, Value: fmt.Sprintf("%d%%", r.Percent()), Note: fmt.Sprintf("%d of %d %s", r.Num, r.Den, of)}
	}
	out := []headline{rate("Set a goal", im.GoalsSet, "people paired told us what they want from it")}
	for _, v := range im.Progress {
		h := headline{Label: "Progress of " + roleName(v.Role) + "s towards their goal", Value: "—", Note: v.Value.Withheld}
		if v.Value.Shown() {
			h.Value = fmt.Sprintf("%.1f / 5", v.Value.Mean())
			h.Note = fmt.Sprintf("as %d people rate it themselves", v.Value.People)
		}
		out = append(out, h)
	}
	return append(out,
		rate("Seniors who said what they applied", im.Applied, "seniors paired answered"),
		rate("Shared it with their junior mentor", im.SharedApplied, "who answered"),
		rate("Their junior's manager heard of it", im.Recognised, "who answered, with both consents"),
	)
}
