package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/upward-mentoring/upward/shared/enrol"
	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lang"
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
	Languages    []lang.Tag
	// OptedIn: someone can be matched, so proposing makes sense.
	OptedIn bool
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
		Matching: m, Languages: lang.All, OptedIn: counts[programme.OptedIn] > 0,
	}
	s.render(w, r, status, "programme", v)
}

func (s *Server) showProgramme(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	s.programmePage(w, r, http.StatusOK, p, view{Notice: s.notice(r)}, programme.Participant{}, nil)
}

// toParticipants returns to the programme's participants with a notice.
func (s *Server) toParticipants(w http.ResponseWriter, r *http.Request, programmeID, code string, a noticeArgs) {
	s.redirectWith(w, r, "/programmes/"+programmeID+"#participants", code, a)
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
		PreferredName: strings.TrimSpace(f("preferred_name")),
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
	if v := strings.TrimSpace(f("language")); v != "" {
		t, ok := lang.Parse(v)
		if !ok {
			errs.Add("language", "Choose one of the languages listed, or leave it to follow the languages they speak.")
		}
		person.Language = t
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
	code, x := "enrolled", res.Created
	if len(res.Created) == 0 {
		code, x = "updated-person", res.Updated
	}
	id := ""
	if len(x) > 0 {
		id = x[0].ID
	}
	s.audit(r, ActEnrolOne, p.ID, s.personRef(p.ID, id), code)
	g := s.guardAfterEnrolment(r, p)
	s.toParticipants(w, r, p.ID, code, noticeArgs{Person: id, Guard: g.param()})
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
	s.audit(r, ActEnrolUpload, p.ID, "", fmt.Sprintf("%s: %d rows, %d new, %d updated", hdr.Filename, len(rows), len(res.Created), len(res.Updated)))
	g := s.guardAfterEnrolment(r, p)
	s.toParticipants(w, r, p.ID, "imported", noticeArgs{N: []int{len(rows), len(res.Created), len(res.Updated)}, Guard: g.param()})
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
	s.audit(r, ActStatusSet, p.ID, s.personRef(p.ID, x.ID), string(x.Status)+" to "+string(st))
	s.toParticipants(w, r, p.ID, "status", noticeArgs{Person: x.ID})
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
	s.audit(r, ActWelcomeResent, p.ID, s.personRef(p.ID, x.ID), fmt.Sprintf("round %d", x.WelcomeRound))
	s.toParticipants(w, r, p.ID, "welcome-resent", noticeArgs{Person: x.ID})
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// bulkAction applies one action to the participants ticked on the list:
// mark them opted in, or send their welcome again. People the action does
// not suit (already paired, no longer receiving email) are left as they
// are and counted.
func (s *Server) bulkAction(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	action := r.PostFormValue("action")
	chosen := r.PostForm["participant"]
	errs := programme.FieldErrors{}
	if action != "opted_in" && action != "welcome" {
		errs.Add("bulk", "Choose what to do with the people ticked.")
	}
	if len(chosen) == 0 {
		errs.Add("bulk", "Tick at least one person in the list first.")
	}
	people, err := s.Store.ListParticipants(r.Context(), p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	byID := map[string]programme.Participant{}
	for _, x := range people {
		byID[x.ID] = x
	}
	for _, id := range chosen {
		if _, ok := byID[id]; !ok {
			errs.Add("bulk", "Someone ticked is no longer enrolled; reload the page and tick again.")
			break
		}
	}
	if len(errs) > 0 {
		s.programmePage(w, r, http.StatusUnprocessableEntity, p, view{Errors: errs}, programme.Participant{}, nil)
		return
	}
	now := s.Clock.Now()
	done, left := 0, 0
	var jobs []sendqueue.Job
	for _, id := range chosen {
		x := byID[id]
		switch {
		case !x.Status.Mailable():
			left++
		case action == "opted_in" && x.Status == programme.Invited:
			note := fmt.Sprintf("set by %s on %s", s.account(r).Email, now.Format("2 Jan 2006"))
			if _, err := s.Store.SetStatus(r.Context(), p.ID, x.ID, programme.OptedIn, note, now); err != nil {
				s.serverError(w, r, err)
				return
			}
			done++
		case action == "welcome" && x.Status == programme.Invited:
			x, err := s.Store.NextWelcomeRound(r.Context(), p.ID, x.ID, now)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			jobs = append(jobs, sendqueue.Welcome{ProgrammeID: p.ID, ParticipantID: x.ID, Round: x.WelcomeRound})
			done++
		default:
			left++
		}
	}
	if err := s.Queue.Enqueue(r.Context(), jobs...); err != nil {
		s.serverError(w, r, err)
		return
	}
	code := "bulk-opted-in"
	if action == "welcome" {
		code = "bulk-welcome"
	}
	s.audit(r, ActBulk, p.ID, "", fmt.Sprintf("%s: %d done, %d left as they were", action, done, left))
	s.toParticipants(w, r, p.ID, code, noticeArgs{N: []int{done, left}})
}
