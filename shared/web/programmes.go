package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

type programmesData struct {
	Programmes []programme.Programme
	// Edit: the programme pages are theirs (administrators, assigned
	// coordinators); otherwise the dashboard is where a programme opens.
	Edit      bool
	CanCreate bool
	Digest    bool
}

// listProgrammes lists the programmes the signed-in person may see.
func (s *Server) listProgrammes(w http.ResponseWriter, r *http.Request) {
	list, err := s.Store.ListProgrammes(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	a := s.account(r)
	d := programmesData{Edit: a.Role != store.RoleViewer, CanCreate: allows(a, Creator, ""), Digest: !a.DigestOff}
	for _, p := range list {
		if a.Assigned(p.ID) {
			d.Programmes = append(d.Programmes, p)
		}
	}
	s.render(w, r, http.StatusOK, "programmes", view{Title: "Programmes", Notice: s.notice(r), Data: d})
}

type weightField struct {
	Name, Label string
	Value       float64
}

type programmeFormData struct {
	Programme     programme.Programme
	Purposes      []programme.Purpose
	Cadences      []programme.Cadence
	MeetingModes  []programme.MeetingMode
	MatchingModes []programme.MatchingMode
	WeightFields  []weightField
	Languages     []lang.Tag
	Translations  []translationFields
	// Open lists the sections shown open: those with a problem in them.
	Open map[string]bool
}

// translationFields are one other language's texts on the form.
type translationFields struct {
	Tag   lang.Tag
	Texts programme.Texts
}

// formSections are the form's folded sections, by the names sectionOf
// gives.
var formSections = map[string]bool{"structure": true, "topics": true, "matching": true, "rounds": true, "languages": true}

// sectionOf is the form's section that holds a field.
func sectionOf(field string) string {
	switch {
	case strings.HasPrefix(field, "translation_") || field == "language":
		return "languages"
	case strings.HasPrefix(field, "weight_") || field == "junior_capacity" || field == "max_tz_diff_hours":
		return "matching"
	case field == "matching_mode" || field == "round_cadence" || field == "rotation_months":
		return "rounds"
	case field == "topics" || field == "resources":
		return "topics"
	case field == "meeting_cadence" || field == "meeting_minutes" || field == "meeting_mode" || field == "checkin_cadence" || field == "confidentiality" || field == "reply_retention_days":
		return "structure"
	}
	return ""
}

func formDataWith(p programme.Programme, errs programme.FieldErrors) programmeFormData {
	d := formData(p)
	for f := range errs {
		d.Open[sectionOf(f)] = true
	}
	return d
}

func formData(p programme.Programme) programmeFormData {
	w := p.Weights
	d := programmeFormData{
		Programme: p, Purposes: programme.Purposes, Cadences: programme.Cadences, MeetingModes: programme.MeetingModes,
		MatchingModes: programme.MatchingModes,
		WeightFields: []weightField{
			{"weight_topic", "Topic fit", w.Topic},
			{"weight_department", "Different departments", w.Department},
			{"weight_division", "Different divisions", w.Division},
			{"weight_location", "Different locations", w.Location},
			{"weight_seniority", "Real seniority gap", w.Seniority},
			{"weight_diversity", "Different backgrounds (diversity_* columns)", w.Diversity},
		},
		Languages: lang.All,
		Open:      map[string]bool{},
	}
	for _, l := range lang.All {
		if l != p.Language.Or(lang.Default) {
			d.Translations = append(d.Translations, translationFields{Tag: l, Texts: p.Translations[l]})
		}
	}
	return d
}

func (s *Server) newProgramme(w http.ResponseWriter, r *http.Request) {
	p := programme.New(s.Clock.Now())
	s.render(w, r, http.StatusOK, "programme_form", view{Title: "New programme", Data: formData(p)})
}

func (s *Server) createProgramme(w http.ResponseWriter, r *http.Request) {
	p := programme.New(s.Clock.Now())
	errs := readProgrammeForm(r, &p)
	for f, m := range p.Validate() {
		errs.Add(f, m)
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "programme_form", view{Title: "New programme", Errors: errs, Data: formDataWith(p, errs)})
		return
	}
	a := s.account(r)
	now := s.Clock.Now()
	p.ID, p.CreatedBy, p.CreatedAt, p.UpdatedAt = ids.New(), a.Email, now, now
	if err := s.Store.CreateProgramme(r.Context(), p); err != nil {
		s.serverError(w, r, err)
		return
	}
	if a.Role != store.RoleAdministrator {
		// A coordinator coordinates what they create.
		if err := s.assign(r.Context(), a.Email, p.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.Log.Info("programme created", "programme", p.ID, "coordinator", a.Email)
	s.audit(r, ActProgrammeCreated, p.ID, "", "")
	s.redirectWith(w, r, "/programmes/"+p.ID+"#participants", "created", noticeArgs{})
}

// loadProgramme reads the programme named in the path, answering 404 itself.
func (s *Server) loadProgramme(w http.ResponseWriter, r *http.Request) (programme.Programme, bool) {
	id := r.PathValue("id")
	if !ids.Valid(id) {
		s.notFound(w, r, "Programme")
		return programme.Programme{}, false
	}
	p, err := s.Store.GetProgramme(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "Programme")
		return p, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return p, false
	}
	return p, true
}

func (s *Server) editProgramme(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	d := formData(p)
	// A link may open one section, such as the review page's "Matching
	// settings".
	if sec := r.URL.Query().Get("open"); formSections[sec] {
		d.Open[sec] = true
	}
	s.render(w, r, http.StatusOK, "programme_form", view{Title: "Edit " + p.Name, Data: d})
}

func (s *Server) updateProgramme(w http.ResponseWriter, r *http.Request) {
	stored, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	p := stored
	errs := readProgrammeForm(r, &p)
	for f, m := range p.Validate() {
		errs.Add(f, m)
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "programme_form", view{Title: "Edit " + stored.Name, Errors: errs, Data: formDataWith(p, errs)})
		return
	}
	p.UpdatedAt = s.Clock.Now()
	err := s.Store.UpdateProgramme(r.Context(), p)
	if errors.Is(err, store.ErrConflict) {
		// Keep what this coordinator typed, and say what happened.
		errs.Add("form", "Someone else saved this programme while you were editing. Your changes are below; check them against the current settings and save again.")
		latest, _ := s.Store.GetProgramme(r.Context(), p.ID)
		p.Version = latest.Version
		s.render(w, r, http.StatusConflict, "programme_form", view{Title: "Edit " + stored.Name, Errors: errs, Data: formData(p)})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.audit(r, ActSettingsChanged, p.ID, "", changedSettings(stored, p))
	s.redirectWith(w, r, "/programmes/"+p.ID, "saved", noticeArgs{})
}

// assign adds programme id to the account of email.
func (s *Server) assign(ctx context.Context, email, id string) error {
	for attempt := 0; ; attempt++ {
		a, err := s.Store.GetAccount(ctx, email)
		if err != nil {
			return err
		}
		if slices.Contains(a.Programmes, id) {
			return nil
		}
		a.Programmes = append(a.Programmes, id)
		if _, err = s.Store.UpdateAccount(ctx, a); !errors.Is(err, store.ErrConflict) || attempt == 3 {
			return err
		}
	}
}

// changedSettings names the settings a save changed (names of fields,
// never their text), for the audit trail.
func changedSettings(old, p programme.Programme) string {
	var out []string
	add := func(name string, changed bool) {
		if changed {
			out = append(out, name)
		}
	}
	add("name", old.Name != p.Name)
	add("purpose", old.Purpose != p.Purpose || old.PurposeStatement != p.PurposeStatement)
	add("dates", old.StartDate != p.StartDate || old.EndDate != p.EndDate)
	add("meetings", old.MeetingCadence != p.MeetingCadence || old.MeetingMinutes != p.MeetingMinutes || old.MeetingMode != p.MeetingMode)
	add("check-ins", old.CheckInCadence != p.CheckInCadence)
	add("confidentiality", old.Confidentiality != p.Confidentiality)
	add("topics", strings.Join(old.Topics, "\n") != strings.Join(p.Topics, "\n"))
	add("resources", fmt.Sprint(old.Resources) != fmt.Sprint(p.Resources))
	add("matching", old.Weights != p.Weights || old.JuniorCapacity != p.JuniorCapacity || old.MaxTimezoneDiffHours != p.MaxTimezoneDiffHours || old.RequireSharedLanguage != p.RequireSharedLanguage)
	add("rounds", old.MatchingMode != p.MatchingMode || old.RoundCadence != p.RoundCadence || old.RotationMonths != p.RotationMonths || old.AutoApprove != p.AutoApprove)
	add("reply retention", old.ReplyRetentionDays != p.ReplyRetentionDays)
	add("language", old.Language != p.Language)
	add("translations", fmt.Sprint(old.Translations) != fmt.Sprint(p.Translations))
	if len(out) == 0 {
		return "nothing changed"
	}
	return strings.Join(out, ", ")
}

// readProgrammeForm copies the form into p and reports fields that are not
// even well-formed (numbers that are not numbers, lines without a link).
func readProgrammeForm(r *http.Request, p *programme.Programme) programme.FieldErrors {
	errs := programme.FieldErrors{}
	f := r.PostFormValue
	p.Name = f("name")
	p.Purpose = programme.Purpose(f("purpose"))
	p.PurposeStatement = f("purpose_statement")
	// The statement follows the purpose until the coordinator edits it:
	// the standard statement of the purpose the form was shown with,
	// unchanged, becomes the new purpose's.
	if was := programme.Purpose(f("purpose_was")); was != p.Purpose && strings.TrimSpace(p.PurposeStatement) == was.DefaultStatement() {
		p.PurposeStatement = p.Purpose.DefaultStatement()
	}
	p.StartDate = strings.TrimSpace(f("start_date"))
	p.EndDate = strings.TrimSpace(f("end_date"))
	p.MeetingCadence = programme.Cadence(f("meeting_cadence"))
	p.CheckInCadence = programme.Cadence(f("checkin_cadence"))
	p.MeetingMode = programme.MeetingMode(f("meeting_mode"))
	p.Confidentiality = f("confidentiality")
	p.Topics = strings.Split(strings.ReplaceAll(f("topics"), "\r", ""), "\n")
	p.RequireSharedLanguage = f("require_shared_language") == "on"
	if v := f("matching_mode"); v != "" {
		p.MatchingMode = programme.MatchingMode(v)
	}
	if v := f("round_cadence"); v != "" {
		p.RoundCadence = programme.Cadence(v)
	}
	p.AutoApprove = f("auto_approve") == "on"
	if v, err := strconv.Atoi(strings.TrimSpace(f("version"))); err == nil {
		p.Version = v
	}
	ints := []struct {
		field string
		dst   *int
	}{{"meeting_minutes", &p.MeetingMinutes}, {"junior_capacity", &p.JuniorCapacity}, {"max_tz_diff_hours", &p.MaxTimezoneDiffHours}, {"reply_retention_days", &p.ReplyRetentionDays}, {"rotation_months", &p.RotationMonths}}
	for _, x := range ints {
		v := strings.TrimSpace(f(x.field))
		if v == "" {
			continue // keep the default
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs.Add(x.field, fmt.Sprintf("%q is not a whole number.", v))
			continue
		}
		*x.dst = n
	}
	floats := []struct {
		field string
		dst   *float64
	}{
		{"weight_topic", &p.Weights.Topic}, {"weight_department", &p.Weights.Department}, {"weight_division", &p.Weights.Division},
		{"weight_location", &p.Weights.Location}, {"weight_seniority", &p.Weights.Seniority}, {"weight_diversity", &p.Weights.Diversity},
	}
	for _, x := range floats {
		v := strings.TrimSpace(f(x.field))
		if v == "" {
			continue
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs.Add(x.field, fmt.Sprintf("%q is not a number.", v))
			continue
		}
		*x.dst = n
	}
	if v := strings.TrimSpace(f("language")); v != "" {
		p.Language = lang.Tag(v)
	}
	p.Translations = map[lang.Tag]programme.Texts{}
	for _, l := range lang.All {
		pre := "tr_" + string(l) + "_"
		tr := programme.Texts{PurposeStatement: f(pre + "purpose"), Confidentiality: f(pre + "confidentiality"),
			Topics: strings.Split(strings.ReplaceAll(f(pre+"topics"), "\r", ""), "\n")}
		var bad []string
		tr.Resources, bad = readResources(f(pre + "resources"))
		for _, msg := range bad {
			errs.Add("translation_"+string(l), l.English()+", resources: "+msg)
		}
		p.Translations[l] = tr
	}
	var bad []string
	p.Resources, bad = readResources(f("resources"))
	for _, msg := range bad {
		errs.Add("resources", msg)
	}
	return errs
}

// readResources reads "title | link" lines; it returns the problems of
// the lines it could not read.
func readResources(text string) ([]programme.Resource, []string) {
	var out []programme.Resource
	var bad []string
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		title, link, ok := strings.Cut(line, "|")
		if !ok {
			// "Title https://…" without the bar: split at the last space.
			if j := strings.LastIndexByte(line, ' '); j > 0 {
				title, link, ok = line[:j], line[j+1:], true
			}
		}
		if !ok {
			bad = append(bad, fmt.Sprintf("Line %d: write a title, a vertical bar (|), then the link.", i+1))
			continue
		}
		out = append(out, programme.Resource{Title: strings.TrimSpace(title), URL: strings.TrimSpace(link)})
	}
	return out, bad
}
