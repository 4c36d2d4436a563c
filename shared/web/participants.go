package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/upward-mentoring/upward/shared/enrol"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// maxUploadBody bounds a whole upload request: the file plus the form's
// other fields and multipart overhead.
const maxUploadBody = enrol.MaxBytes + 64<<10

type statusCount struct {
	Status programme.Status
	N      int
}

type importProblem struct {
	Filename string
	Message  string // the whole file is wrong (too large, not a file)
	Rows     enrol.Errors
}

type programmeData struct {
	Programme    programme.Programme
	Participants []programme.Participant
	Counts       []statusCount
	Settable     []programme.Status
	Columns      []enrol.Column
	MaxUploadMB  int
	NewPerson    programme.Participant
	Import       *importProblem
	Zones        []string
	Matching     matchingSection
}

// commonZones are offered while typing a time zone; any IANA name works.
var commonZones = []string{
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Madrid", "Europe/Paris", "Europe/Amsterdam", "Europe/Berlin",
	"Europe/Rome", "Europe/Warsaw", "Europe/Athens", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "Asia/Dubai",
	"Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
	"America/Sao_Paulo", "America/Mexico_City", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "UTC",
}

func (s *Server) programmePage(w http.ResponseWriter, r *http.Request, status int, p programme.Programme, v view, newPerson programme.Participant, imp *importProblem) {
	people, err := s.Store.ListParticipants(r.Context(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	counts := map[programme.Status]int{}
	for _, x := range people {
		counts[x.Status]++
	}
	var cs []statusCount
	for _, st := range programme.Statuses {
		if counts[st] > 0 {
			cs = append(cs, statusCount{st, counts[st]})
		}
	}
	m, err := s.matchingSection(r.Context(), p, people)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Title = p.Name
	v.Data = programmeData{
		Programme: p, Participants: people, Counts: cs, Settable: programme.SettableStatuses,
		Columns: enrol.Columns, MaxUploadMB: enrol.MaxBytes >> 20, NewPerson: newPerson, Import: imp, Zones: commonZones,
		Matching: m,
	}
	s.render(w, r, status, "programme", v)
}

func (s *Server) showProgramme(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	s.programmePage(w, r, http.StatusOK, p, view{Notice: r.URL.Query().Get("notice")}, programme.Participant{}, nil)
}

func redirectWithNotice(w http.ResponseWriter, r *http.Request, path, notice string) {
	http.Redirect(w, r, path+"?notice="+urlQueryEscape(notice)+"#participants", http.StatusSeeOther)
}

func (s *Server) addParticipant(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	f := r.PostFormValue
	person := programme.Participant{
		Email: f("email"), Name: f("name"), Title: f("title"), Department: f("department"), Division: f("division"),
		Location: f("location"), ManagerEmail: f("manager_email"), TimeZone: f("time_zone"),
	}
	errs := programme.FieldErrors{}
	if role, ok := programme.ParseRole(f("role")); ok {
		person.Role = role
	}
	if langs, err := programme.SplitLanguages(f("languages")); err != nil {
		errs.Add("languages", "Languages: "+err.Error()+".")
	} else {
		person.Languages = langs
	}
	if v := strings.TrimSpace(f("level")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs.Add("level", fmt.Sprintf("%q is not a whole number.", v))
		}
		person.Level = n
	}
	for k, m := range person.Validate() {
		errs.Add(k, m)
	}
	if len(errs) > 0 {
		s.programmePage(w, r, http.StatusUnprocessableEntity, p, view{Errors: errs}, person, nil)
		return
	}
	res, err := s.enrol(r, p, []programme.Participant{person})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	notice := fmt.Sprintf("%s is enrolled; their welcome email is on its way.", person.Name)
	if len(res.Created) == 0 {
		notice = fmt.Sprintf("%s was already enrolled; their details are updated.", person.Name)
	}
	notice += s.guardAfterEnrolment(r, p)
	redirectWithNotice(w, r, "/programmes/"+p.ID, notice)
}

// enrol stores people and queues the welcome for everyone who has not had
// it yet: the new, and anyone whose earlier welcome was interrupted. The
// send ledger makes the extra jobs harmless.
func (s *Server) enrol(r *http.Request, p programme.Programme, people []programme.Participant) (store.EnrolResult, error) {
	res, err := s.Store.Enrol(r.Context(), p.ID, people, s.Clock.Now())
	if err != nil {
		return res, err
	}
	var jobs []sendqueue.Job
	for _, x := range append(append([]programme.Participant(nil), res.Created...), res.Updated...) {
		if x.Status == programme.Invited && x.WelcomeSentAt.IsZero() {
			jobs = append(jobs, sendqueue.Welcome{ProgrammeID: p.ID, ParticipantID: x.ID, Round: x.WelcomeRound})
		}
	}
	if err := s.Queue.Enqueue(r.Context(), jobs...); err != nil {
		return res, fmt.Errorf("queue welcome emails: %w", err)
	}
	sess, _ := s.session(r)
	s.Log.Info("participants enrolled", "programme", p.ID, "created", len(res.Created), "updated", len(res.Updated), "welcomes_queued", len(jobs), "coordinator", sess.Email)
	return res, nil
}

func (s *Server) uploadTooLarge(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	msg := "The upload could not be read. Choose the file again and resubmit."
	status := http.StatusBadRequest
	if errors.As(err, &tooBig) {
		msg = fmt.Sprintf("The file is larger than %d MB. Split it into smaller files and upload each.", enrol.MaxBytes>>20)
		status = http.StatusRequestEntityTooLarge
	}
	s.message(w, r, status, messageData{
		Heading:    "Nothing was imported",
		Paragraphs: []string{msg},
		Link:       &messageLink{URL: strings.TrimSuffix(r.URL.Path, "/import"), Text: "Back to the programme"},
	})
}

func (s *Server) importCSV(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.programmePage(w, r, http.StatusBadRequest, p, view{}, programme.Participant{}, &importProblem{Message: "Choose a CSV file to upload."})
		return
	}
	defer file.Close()
	rows, err := enrol.Parse(file)
	var rowErrs enrol.Errors
	switch {
	case errors.As(err, &rowErrs):
		s.programmePage(w, r, http.StatusUnprocessableEntity, p, view{}, programme.Participant{}, &importProblem{Filename: hdr.Filename, Rows: rowErrs})
		return
	case errors.Is(err, enrol.ErrTooLarge):
		s.programmePage(w, r, http.StatusRequestEntityTooLarge, p, view{}, programme.Participant{}, &importProblem{Filename: hdr.Filename, Message: "The file is larger than 5 MB. Split it into smaller files and upload each."})
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	people := make([]programme.Participant, len(rows))
	for i, row := range rows {
		people[i] = row.Participant
	}
	res, err := s.enrol(r, p, people)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	notice := fmt.Sprintf("Imported %d %s from %s: %d new (welcome emails on their way), %d already enrolled and updated.",
		len(rows), plural(len(rows), "person", "people"), hdr.Filename, len(res.Created), len(res.Updated))
	notice += s.guardAfterEnrolment(r, p)
	redirectWithNotice(w, r, "/programmes/"+p.ID, notice)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (s *Server) exampleCSV(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="upward-enrolment-example.csv"`)
	_, _ = w.Write([]byte(enrol.ExampleCSV()))
}

// loadPerson reads the programme and participant named in the path,
// answering 404 itself.
func (s *Server) loadPerson(w http.ResponseWriter, r *http.Request) (programme.Programme, programme.Participant, bool) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return p, programme.Participant{}, false
	}
	x, ok := s.loadParticipant(w, r, p)
	return p, x, ok
}

func (s *Server) loadParticipant(w http.ResponseWriter, r *http.Request, p programme.Programme) (programme.Participant, bool) {
	pid := r.PathValue("pid")
	if !ids.Valid(pid) {
		s.notFound(w, r, "Participant")
		return programme.Participant{}, false
	}
	x, err := s.Store.GetParticipant(r.Context(), p.ID, pid)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "Participant")
		return x, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return x, false
	}
	return x, true
}

func (s *Server) setStatus(w http.ResponseWriter, r *http.Request) {
	p, x, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	st := programme.Status(r.PostFormValue("status"))
	if !st.Settable() {
		s.programmePage(w, r, http.StatusUnprocessableEntity, p, view{Errors: programme.FieldErrors{"status-" + x.ID: fmt.Sprintf("%q is not a status a coordinator can set.", st)}}, programme.Participant{}, nil)
		return
	}
	if !x.Status.Mailable() {
		// Bounced and stopped come from the mail system and the person: a
		// coordinator cannot opt someone back into email.
		s.programmePage(w, r, http.StatusConflict, p, view{Errors: programme.FieldErrors{"status-" + x.ID: fmt.Sprintf("%s is %s; only they can start receiving email again.", x.Name, strings.ToLower(x.Status.Label()))}}, programme.Participant{}, nil)
		return
	}
	sess, _ := s.session(r)
	note := fmt.Sprintf("set by %s on %s", sess.Email, s.Clock.Now().Format("2 Jan 2006"))
	if _, err := s.Store.SetStatus(r.Context(), p.ID, x.ID, st, note, s.Clock.Now()); err != nil {
		s.serverError(w, r, err)
		return
	}
	redirectWithNotice(w, r, "/programmes/"+p.ID, fmt.Sprintf("%s is now %s.", x.Name, strings.ToLower(st.Label())))
}

func (s *Server) resendWelcome(w http.ResponseWriter, r *http.Request) {
	p, x, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	if !x.Status.Mailable() {
		s.programmePage(w, r, http.StatusConflict, p, view{Errors: programme.FieldErrors{"participants": fmt.Sprintf("%s is %s, so no email can be sent to them.", x.Name, strings.ToLower(x.Status.Label()))}}, programme.Participant{}, nil)
		return
	}
	x, err := s.Store.NextWelcomeRound(r.Context(), p.ID, x.ID, s.Clock.Now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.Queue.Enqueue(r.Context(), sendqueue.Welcome{ProgrammeID: p.ID, ParticipantID: x.ID, Round: x.WelcomeRound}); err != nil {
		s.serverError(w, r, err)
		return
	}
	redirectWithNotice(w, r, "/programmes/"+p.ID, fmt.Sprintf("The welcome email is on its way to %s again.", x.Name))
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}
