package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/orgchart"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// AuditStore is the audit trail: entries are added and read, never changed.
type AuditStore interface {
	AppendAudit(ctx context.Context, e store.AuditEntry) error
	ListAudit(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, string, error)
}

// The actions the audit trail records: everything a coordinator does that
// changes or reveals data.
const (
	ActProgrammeCreated = "programme created"
	ActSettingsChanged  = "settings changed"
	ActEnrolUpload      = "enrolment uploaded"
	ActEnrolOne         = "participant enrolled"
	ActStatusSet        = "status set"
	ActWelcomeResent    = "welcome resent"
	ActBulk             = "bulk action"
	ActPropose          = "matches proposed"
	ActLock             = "pair locked"
	ActUnlock           = "pair unlocked"
	ActForbid           = "pair forbidden"
	ActAllow            = "pair allowed again"
	ActResolve          = "re-solved"
	ActPairByHand       = "paired by hand"
	ActApprove          = "round approved"
	ActOrgChart         = orgchart.AuditAction
	ActPairAction       = "pair action"
	ActNoteSent         = "personal note sent"
	ActExport           = "export"
	ActErase            = "participant erased"
	ActAccountInvited   = "account invited"
	ActAccountChanged   = "account changed"
	ActAccountRemoved   = "account removed"
	ActAuditExport      = "audit trail exported"
	ActReplyReleased    = "quarantined reply released"
	ActAddressAdded     = "sender address added"
)

// AuditActions lists the actions for the trail's filter.
var AuditActions = []string{ActApprove, ActPairByHand, ActForbid, ActAllow, ActLock, ActUnlock, ActPropose, ActResolve,
	ActProgrammeCreated, ActSettingsChanged, ActEnrolUpload, ActEnrolOne, ActStatusSet, ActWelcomeResent, ActBulk,
	ActOrgChart, ActPairAction, ActNoteSent, ActReplyReleased, ActAddressAdded, ActExport, ActErase, ActAccountInvited, ActAccountChanged, ActAccountRemoved, ActAuditExport,
	ActStoryPrepared}

// audit records what the signed-in person just did. subject names what it
// was done to by id, detail adds counts or file names: never what anyone
// wrote. A failure to record is logged; for what reveals data, use
// auditFirst, which refuses to reveal anything unrecorded.
func (s *Server) audit(r *http.Request, action, programmeID, subject, detail string) {
	if err := s.auditFirst(r, action, programmeID, subject, detail); err != nil {
		s.Log.Error("audit entry not recorded", "action", action, "programme", programmeID, "err", err)
	}
}

func (s *Server) auditFirst(r *http.Request, action, programmeID, subject, detail string) error {
	a := s.account(r)
	return s.Store.AppendAudit(r.Context(), store.AuditEntry{
		ID: ids.New(), At: s.Clock.Now(), Actor: a.Email, ActorRole: a.Role, Action: action,
		ProgrammeID: programmeID, Subject: subject, Detail: detail,
	})
}

// personRef names a participant in the audit trail without their id: a
// keyed hash of it, which the trail's pages turn back into the person's
// name while they are enrolled. Once they are erased nothing names them:
// their id is gone, and no entry ever held it.
func (s *Server) personRef(programmeID, participantID string) string {
	if participantID == "" {
		return ""
	}
	return "person " + s.Signer.MAC("audit|" + programmeID + "|" + participantID)[:12]
}

// personNames maps the trail's person references of a programme to names.
func (s *Server) personNames(ctx context.Context, programmeID string) map[string]string {
	people, err := s.Store.ListParticipants(ctx, programmeID)
	if err != nil {
		return nil
	}
	out := make(map[string]string, len(people))
	for _, x := range people {
		out[s.personRef(programmeID, x.ID)] = x.Name
	}
	return out
}

// subjectWords shows an entry's subject with the names of the people it
// refers to (or "someone since erased").
func subjectWords(subject string, names map[string]string) string {
	if !strings.Contains(subject, "person ") {
		return subject
	}
	parts := strings.Split(subject, " and ")
	for i, p := range parts {
		if strings.HasPrefix(p, "person ") {
			if n, ok := names[p]; ok {
				parts[i] = n
			} else {
				parts[i] = "someone no longer enrolled"
			}
		}
	}
	return strings.Join(parts, " and ")
}

type auditData struct {
	Programme *programme.Programme
	Entries   []auditRow
	Actions   []string
	Query     store.AuditQuery
	From, To  string
	Next      string
	CSV       string
	Names     map[string]string
}

type auditRow struct {
	store.AuditEntry
	Programme string
}

const auditPageSize = 100

// readAuditQuery reads the trail's filters from the URL: field errors for
// dates that are not dates.
func readAuditQuery(r *http.Request) (store.AuditQuery, string, string, programme.FieldErrors) {
	v := r.URL.Query()
	q := store.AuditQuery{Actor: strings.ToLower(strings.TrimSpace(v.Get("actor"))), Action: v.Get("action"), Before: v.Get("before")}
	errs := programme.FieldErrors{}
	from, to := strings.TrimSpace(v.Get("from")), strings.TrimSpace(v.Get("to"))
	if from != "" {
		t, err := time.Parse(programme.DateLayout, from)
		if err != nil {
			errs.Add("from", "Enter the first day as YYYY-MM-DD.")
		}
		q.From = t
	}
	if to != "" {
		t, err := time.Parse(programme.DateLayout, to)
		if err != nil {
			errs.Add("to", "Enter the last day as YYYY-MM-DD.")
		}
		q.To = t.Add(24*time.Hour - time.Nanosecond)
	}
	if q.Action != "" && !contains(AuditActions, q.Action) {
		errs.Add("action", "Choose one of the actions listed.")
	}
	return q, from, to, errs
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// auditPage is the trail, overall (/audit) or for one programme
// (/programmes/{id}/audit), newest first, filtered by who, what and when.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	d := auditData{Actions: AuditActions}
	base := "/audit"
	if id := r.PathValue("id"); id != "" {
		p, ok := s.loadProgramme(w, r)
		if !ok {
			return
		}
		d.Programme = &p
		base = "/programmes/" + p.ID + "/audit"
	}
	q, from, to, errs := readAuditQuery(r)
	d.Query, d.From, d.To = q, from, to
	title := "Audit trail"
	if d.Programme != nil {
		title = "Audit trail · " + d.Programme.Name
		q.ProgrammeID = d.Programme.ID
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "audit", view{Title: title, Errors: errs, Data: d})
		return
	}
	q.Limit = auditPageSize
	entries, next, err := s.Store.ListAudit(r.Context(), q)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names, err := s.programmeNames(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	people := map[string]map[string]string{}
	for _, e := range entries {
		if _, ok := people[e.ProgrammeID]; !ok && e.ProgrammeID != "" {
			people[e.ProgrammeID] = s.personNames(r.Context(), e.ProgrammeID)
		}
		row := auditRow{AuditEntry: e, Programme: names[e.ProgrammeID]}
		row.Subject = subjectWords(e.Subject, people[e.ProgrammeID])
		d.Entries = append(d.Entries, row)
	}
	params := url.Values{}
	for k, v := range map[string]string{"actor": q.Actor, "action": q.Action, "from": from, "to": to} {
		if v != "" {
			params.Set(k, v)
		}
	}
	d.CSV = base + ".csv?" + params.Encode()
	if next != "" {
		params.Set("before", next)
		d.Next = base + "?" + params.Encode()
	}
	s.render(w, r, http.StatusOK, "audit", view{Title: title, Data: d})
}

func (s *Server) programmeNames(ctx context.Context) (map[string]string, error) {
	list, err := s.Store.ListProgrammes(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, p := range list {
		names[p.ID] = p.Name
	}
	return names, nil
}

// auditCSV exports the filtered trail; the export is itself recorded.
func (s *Server) auditCSV(w http.ResponseWriter, r *http.Request) {
	q, _, _, errs := readAuditQuery(r)
	programmeID := ""
	if id := r.PathValue("id"); id != "" {
		p, ok := s.loadProgramme(w, r)
		if !ok {
			return
		}
		programmeID = p.ID
	}
	if len(errs) > 0 {
		s.message(w, r, http.StatusUnprocessableEntity, messageData{Heading: "Nothing was exported", Paragraphs: []string{errs.Error()}})
		return
	}
	q.ProgrammeID, q.Before = programmeID, ""
	entries, _, err := s.Store.ListAudit(r.Context(), q)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names, err := s.programmeNames(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows := [][]string{{"at", "actor", "actor_role", "action", "programme_id", "programme", "subject", "detail"}}
	for _, e := range entries {
		rows = append(rows, []string{e.At.UTC().Format(time.RFC3339), e.Actor, string(e.ActorRole), e.Action, e.ProgrammeID, names[e.ProgrammeID], e.Subject, e.Detail})
	}
	var buf bytes.Buffer
	if err := writeExport(&buf, rows); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.auditFirst(r, ActAuditExport, programmeID, "", fmt.Sprintf("%d entries", len(entries))); err != nil {
		s.serverError(w, r, err)
		return
	}
	name := "upward-audit.csv"
	if programmeID != "" {
		name = slug(names[programmeID]) + "-audit.csv"
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
