package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/enrol"
	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/orgchart"
	"github.com/upward-mentoring/upward/shared/store"
)

// uploadStalled is how long a parse may go unheard of before its page says
// it stopped: the orgchart function's timeout (template.yaml) with margin.
const uploadStalled = 16 * time.Minute

type orgChartData struct {
	Chart    store.OrgChart
	Has      bool
	Warnings []string
	Columns  []enrol.Column
	MaxMB    int
	Import   *importProblem
	// Form is the upload form straight to S3; nil when the site has no
	// bucket for uploads, and files are posted to the site (up to
	// directMaxMB).
	Form *orgchart.Form
}

// directMaxMB is what the fallback upload through the site takes: a
// Function URL's request is 6 MB at most, the multipart wrapping included.
const directMaxMB = 5

// orgChartPage shows the organisation's org chart: what is loaded, the
// problems in it (cycles, managers nobody reports for), and the upload.
func (s *Server) orgChartPage(w http.ResponseWriter, r *http.Request, status int, v view, imp *importProblem) {
	lines, meta, err := s.Store.OrgChartLines(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := orgChartData{Chart: meta, Has: meta.Version != "", Columns: enrol.OrgColumns, MaxMB: directMaxMB, Import: imp}
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
	if s.OrgUploads != nil {
		a := s.account(r)
		base := s.uploadBase(r)
		f, err := s.orgcharts.NewForm(r.Context(), *s.OrgUploads, a.Email, a.Role, func(id string) string { return base + "/orgchart/uploads/" + id })
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Form, d.MaxMB = &f, enrol.OrgMaxBytes>>20
		// The form posts to the bucket: the page's policy allows that one
		// origin as a form action, besides the site itself.
		if origin := f.Origin(); origin != "" {
			w.Header().Set("Content-Security-Policy", strings.Replace(csp, "form-action 'self'", "form-action 'self' "+origin, 1))
		}
	}
	v.Title = "Org chart"
	v.Data = d
	s.render(w, r, status, "orgchart", v)
}

// uploadBase is the site's address for S3's redirect after an upload. With
// no configured base URL (locally, in tests) the request's own host is
// used: the form goes back to the browser that asked for it, so a forged
// Host header could only send that same browser astray.
func (s *Server) uploadBase(r *http.Request) string {
	if b := s.baseURL(r); b != "" {
		return b
	}
	scheme := "https"
	if s.cfg.Insecure {
		scheme = "http"
	}
	return scheme + "://" + r.Host
}

func (s *Server) showOrgChart(w http.ResponseWriter, r *http.Request) {
	s.orgChartPage(w, r, http.StatusOK, view{Notice: s.notice(r)}, nil)
}

// uploadOrgChart replaces the org chart with a file posted to the site, all
// or nothing: the fallback when no bucket is configured (and what small
// test stacks use). The work is orgchart.Importer's, as for an upload to S3.
func (s *Server) uploadOrgChart(w http.ResponseWriter, r *http.Request) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.orgChartPage(w, r, http.StatusBadRequest, view{}, &importProblem{Message: "Choose a CSV file to upload."})
		return
	}
	defer file.Close()
	a := s.account(r)
	res, err := s.orgcharts.Import(r.Context(), orgchart.Source{Filename: hdr.Filename, By: a.Email, ByRole: a.Role}, file)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	switch res.Outcome {
	case orgchart.Invalid:
		s.orgChartPage(w, r, http.StatusUnprocessableEntity, view{}, &importProblem{Filename: hdr.Filename, Rows: res.Problems})
		return
	case orgchart.TooLarge:
		s.orgChartPage(w, r, http.StatusRequestEntityTooLarge, view{}, &importProblem{Filename: hdr.Filename, Message: orgchart.TooLargeMessage})
		return
	case orgchart.Conflict:
		s.orgChartPage(w, r, http.StatusConflict, view{}, &importProblem{Filename: hdr.Filename, Message: orgchart.ConflictMessage})
		return
	}
	g := guardOutcome{Flagged: res.Flagged, Pending: res.GuardPending}
	s.redirectWith(w, r, "/orgchart", "orgchart", noticeArgs{N: []int{res.Chart.Rows}, Guard: g.param()})
}

type orgUploadData struct {
	Upload store.OrgUpload
	// Received: S3 has sent the browser back (the page's query names the
	// object), so the file is there, waiting for its parse.
	Received bool
	Stalled  bool
	// Expired: the form's time ran out with nothing received.
	Expired bool
	Guard   string
}

// showOrgUpload is an upload's progress, refreshing itself until its parse
// ends, then its result: the rows stored, or every problem found.
func (s *Server) showOrgUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !orgchart.ValidID(id) {
		s.notFound(w, r, "Upload")
		return
	}
	u, err := s.Store.GetOrgUpload(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "Upload")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := orgUploadData{Upload: u, Received: r.URL.Query().Get("key") == orgchart.Key(id), Stalled: u.Stalled(s.Clock.Now(), uploadStalled)}

	now := s.Clock.Now()
	d.Expired = u.Status == store.UploadWaiting && !d.Received && now.Sub(u.IssuedAt) > orgchart.FormExpiry+time.Minute
	if u.Status == store.UploadDone {
		d.Guard, _ = guardText(guardOutcome{Flagged: u.Flagged, Pending: u.GuardPending}.param())
	}
	v := view{Title: "Org chart upload", Data: d}
	if !u.Finished() && !d.Stalled && !d.Expired {
		v.Refresh = 2
	}
	s.render(w, r, http.StatusOK, "orgupload", v)
}

func (s *Server) orgChartExample(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="upward-org-chart-example.csv"`)
	_, _ = w.Write([]byte(enrol.OrgExampleCSV()))
}
