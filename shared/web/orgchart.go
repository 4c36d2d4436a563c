package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/upward-mentoring/upward/shared/enrol"
	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/store"
)

type orgChartData struct {
	Chart    store.OrgChart
	Has      bool
	Warnings []string
	Columns  []enrol.Column
	MaxMB    int
	Import   *importProblem
}

// orgChartPage shows the organisation's org chart: what is loaded, the
// problems in it (cycles, managers nobody reports for), and the upload.
func (s *Server) orgChartPage(w http.ResponseWriter, r *http.Request, status int, v view, imp *importProblem) {
	lines, meta, err := s.Store.OrgChartLines(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := orgChartData{Chart: meta, Has: meta.Version != "", Columns: enrol.OrgColumns, MaxMB: enrol.OrgMaxBytes >> 20, Import: imp}
	if d.Has {
		// The matcher reads the chart the same way for every programme;
		// with nobody enrolled it reports only the chart's own problems.
		org := make([]matching.ReportsTo, len(lines))
		for i, l := range lines {
			org[i] = matching.ReportsTo{Employee: l.Employee, Manager: l.Manager}
		}
		if m, err := matching.New(matching.Input{Org: org}); err == nil {
			d.Warnings = m.Warnings()
		}
	}
	v.Title = "Org chart"
	v.Data = d
	s.render(w, r, status, "orgchart", v)
}

func (s *Server) showOrgChart(w http.ResponseWriter, r *http.Request) {
	s.orgChartPage(w, r, http.StatusOK, view{Notice: s.notice(r)}, nil)
}

// uploadOrgChart replaces the org chart with the file, all or nothing.
func (s *Server) uploadOrgChart(w http.ResponseWriter, r *http.Request) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.orgChartPage(w, r, http.StatusBadRequest, view{}, &importProblem{Message: "Choose a CSV file to upload."})
		return
	}
	defer file.Close()
	rows, err := enrol.ParseOrgChart(file)
	var rowErrs enrol.Errors
	switch {
	case errors.As(err, &rowErrs):
		s.orgChartPage(w, r, http.StatusUnprocessableEntity, view{}, &importProblem{Filename: hdr.Filename, Rows: rowErrs})
		return
	case errors.Is(err, enrol.ErrTooLarge):
		s.orgChartPage(w, r, http.StatusRequestEntityTooLarge, view{}, &importProblem{Filename: hdr.Filename,
			Message: fmt.Sprintf("The file is larger than %d MB. Leave out columns other than employee_email and manager_email and upload it again.", enrol.OrgMaxBytes>>20)})
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	lines := make([]store.OrgLine, len(rows))
	for i, row := range rows {
		lines[i] = store.OrgLine{Employee: row.Employee, Manager: row.Manager}
	}
	who := s.coordinatorEmail(r)
	meta, err := s.Store.ReplaceOrgChart(r.Context(), lines, store.OrgChart{Filename: hdr.Filename, UploadedBy: who, UploadedAt: s.Clock.Now()})
	if errors.Is(err, store.ErrConflict) {
		s.orgChartPage(w, r, http.StatusConflict, view{}, &importProblem{Filename: hdr.Filename,
			Message: "Someone else uploaded an org chart at the same moment, so this one was not saved. Look at the chart below and upload again if it is not the one you meant."})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.Log.Info("org chart replaced", "rows", meta.Rows, "coordinator", who)
	s.audit(r, ActOrgChart, "", "", fmt.Sprintf("%s: %d reporting lines", hdr.Filename, meta.Rows))
	g := s.guardAfterUpload(r)
	s.redirectWith(w, r, "/orgchart", "orgchart", noticeArgs{N: []int{meta.Rows}, Guard: g.param()})
}

func (s *Server) orgChartExample(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="upward-org-chart-example.csv"`)
	_, _ = w.Write([]byte(enrol.OrgExampleCSV()))
}
