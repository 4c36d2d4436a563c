package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/health"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/spreadsheet"
)

// exports are the CSV files a coordinator can download: status and numbers
// only, never what anyone wrote.
var exports = map[string]func(health.Input, map[string]programme.Participant) [][]string{
	"pairs.csv":    pairsCSV,
	"meetings.csv": meetingsCSV,
	"ratings.csv":  ratingsCSV,
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	file := r.PathValue("file")
	rowsOf, known := exports[file]
	if !known {
		s.notFound(w, r, "Export")
		return
	}
	in, err := s.loadInput(r.Context(), p)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	people := map[string]programme.Participant{}
	for _, x := range in.Participants {
		people[x.ID] = x
	}
	var buf bytes.Buffer
	if err := writeExport(&buf, rowsOf(in, people)); err != nil {
		s.serverError(w, r, err)
		return
	}
	sess, _ := s.session(r)
	if err := s.auditFirst(r, ActExport, p.ID, "", file); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.Log.Info("programme exported", "programme", p.ID, "file", file, "coordinator", sess.Email)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s"`, slug(p.Name), file))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// writeExport writes rows as a CSV file for spreadsheets: a byte order
// mark, so they read UTF-8 names right, then cells no spreadsheet runs as
// formulas in any locale (shared/spreadsheet).
func writeExport(w io.Writer, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	sw := spreadsheet.NewWriter(w)
	sw.UseCRLF = true
	for _, row := range rows {
		if err := sw.Write(row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// slug makes a programme's name safe for a file name.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "programme"
	}
	return out
}

func nameOf(people map[string]programme.Participant, id string) (name, email string) {
	if x, ok := people[id]; ok {
		return x.Name, x.Email
	}
	return "(erased)", ""
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(programme.DateLayout)
}

func pairsCSV(in health.Input, people map[string]programme.Participant) [][]string {
	rows := [][]string{{"pair", "senior", "senior_email", "junior", "junior_email", "state", "stalled", "approved_on", "start_date",
		"ended_on", "end_reason", "check_ins_sent", "check_ins_answered", "meetings_reported", "last_meeting_on", "attention", "rematch_requested_by"}}
	for _, h := range health.Pairs(in) {
		p := h.Pair
		sn, se := nameOf(people, p.SeniorID)
		jn, je := nameOf(people, p.JuniorID)
		attention := ""
		if p.Attention {
			attention = p.AttentionReason
			if attention == "" {
				attention = "yes"
			}
		}
		rematch := ""
		switch p.RematchRequestedBy {
		case "":
		case p.SeniorID:
			rematch = "senior"
		default:
			rematch = "junior"
		}
		rows = append(rows, []string{p.ID, sn, se, jn, je, string(p.State), yesNo(h.Stalled), date(p.ApprovedAt), p.StartDate,
			date(p.EndedAt), p.EndReason, strconv.Itoa(h.Asked()), strconv.Itoa(h.Answered()), strconv.Itoa(h.Meetings()),
			date(p.LastMetAt), attention, rematch})
	}
	return rows
}

func meetingsCSV(in health.Input, people map[string]programme.Participant) [][]string {
	rows := [][]string{{"pair", "senior", "junior", "cycle", "survey", "sent_on", "senior_asked", "senior_answered", "junior_asked", "junior_answered", "met"}}
	for _, h := range health.Pairs(in) {
		sn, _ := nameOf(people, h.Pair.SeniorID)
		jn, _ := nameOf(people, h.Pair.JuniorID)
		for _, c := range h.Cycles {
			survey := "check-in"
			if c.Closing {
				survey = "closing"
			}
			met := ""
			if c.Met != nil {
				met = yesNo(*c.Met)
			}
			rows = append(rows, []string{h.Pair.ID, sn, jn, strconv.Itoa(c.Cycle), survey, date(c.Date),
				yesNo(c.SeniorAsked), yesNo(c.SeniorAnswered), yesNo(c.JuniorAsked), yesNo(c.JuniorAnswered), met})
		}
	}
	return rows
}

// ratingsCSV holds the ratings as the dashboard shows them: per role and
// per check-in, never per person, with groups of fewer than five people
// withheld.
func ratingsCSV(in health.Input, _ map[string]programme.Participant) [][]string {
	f := health.Compute(in)
	rows := [][]string{{"scope", "role", "people", "ratings", "average", "rated_1", "rated_2", "rated_3", "rated_4", "rated_5", "note"}}
	add := func(scope string, vs []health.RoleValue) {
		for _, v := range vs {
			a := v.Value
			row := []string{scope, string(v.Role), strconv.Itoa(a.People)}
			if !a.Shown() {
				rows = append(rows, append(row, "", "", "", "", "", "", "", a.Withheld))
				continue
			}
			row = append(row, strconv.Itoa(a.N()), fmt.Sprintf("%.2f", a.Mean()))
			for _, c := range a.Counts {
				row = append(row, strconv.Itoa(c))
			}
			rows = append(rows, append(row, ""))
		}
	}
	add("all check-ins", f.Value)
	for _, p := range f.Trend {
		add(fmt.Sprintf("check-in %d", p.Cycle), p.Value)
	}
	add("final surveys: the closing survey or a rotation round's end", f.ProgrammeValue)
	return rows
}
