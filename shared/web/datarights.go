package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"net/http"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// participantExport is everything Upward holds about one person, for a
// subject access request: their profile and status, the pairs they were in
// (ids and dates, not the partner's data), their answers, the text of their
// replies, their stories and the thank-yous they sent.
//
// Every name in it is snake_case (the records' own field names, as stored)
// and a time never set is left out rather than written as year 1.
type participantExport struct {
	ExportedAt  time.Time       `json:"exported_at"`
	Programme   exportProgramme `json:"programme"`
	Participant any             `json:"participant"`
	Pairs       []exportPair    `json:"pairs"`
	Answers     []any           `json:"answers"`
	Replies     []any           `json:"replies"`
	Stories     []any           `json:"stories"`
	ThanksSent  []any           `json:"thanks_sent"`
	// NotesReceived are the coordinators' personal notes to them.
	NotesReceived []any `json:"notes_received"`
	// Goals are their goals, in their words, with how far they came.
	Goals []any `json:"goals"`
	// Applied is, for a senior, what they applied and who they let hear
	// of it; for a junior, their consents to their manager hearing of it
	// (the senior's words are the senior's, not in this export).
	Applied []any `json:"applied"`
	// StoryConsents are their answers about stories their partners told
	// of a pairing with them (the stories are their authors').
	StoryConsents []storyConsent `json:"story_consents"`
	// NotWith are the private preferences they set (NOT WITH), as they
	// named each person; Assistant is who they named to manage their
	// diary. Preferences others set about them are others' data and are
	// never shown to anyone: not here either.
	NotWith   []exportNotWith  `json:"not_with"`
	Assistant *exportAssistant `json:"assistant,omitempty"`
	// Publications are the stories they were asked to let be published
	// beyond the coordinators, and their answers.
	Publications []exportPublication `json:"publications"`
}

type storyConsent struct {
	PairID    string    `json:"pair_id"`
	Story     string    `json:"story"`
	ToldAt    time.Time `json:"told_at"`
	ConsentAt time.Time `json:"consent_at,omitzero"`
	RefusedAt time.Time `json:"refused_at,omitzero"`
}

// juniorSide is a junior's part of a senior's applied answer.
type juniorSide struct {
	PairID          string    `dynamodbav:"pair_id"`
	ConsentAt       time.Time `dynamodbav:"junior_consent_at"`
	WithdrewAt      time.Time `dynamodbav:"junior_withdrew_at"`
	RecognitionSent time.Time `dynamodbav:"recognition_sent"`
}

// plain is a record as the export shows it: its stored (snake_case) field
// names, without times that were never set.
func plain(v any) (any, error) {
	av, err := attributevalue.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := attributevalue.Unmarshal(av, &out); err != nil {
		return nil, err
	}
	return dropZeroTimes(out), nil
}

const zeroTime = "0001-01-01T00:00:00Z"

func dropZeroTimes(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && s == zeroTime {
				delete(v, k)
				continue
			}
			v[k] = dropZeroTimes(x)
		}
	case []any:
		for i := range v {
			v[i] = dropZeroTimes(v[i])
		}
	}
	return v
}

// plainAll is plain for each record.
func plainAll[T any](xs []T) ([]any, error) {
	out := make([]any, 0, len(xs))
	for _, x := range xs {
		p, err := plain(x)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

type exportNotWith struct {
	Email string    `json:"email,omitempty"`
	Name  string    `json:"name,omitempty"`
	Note  string    `json:"note,omitempty"`
	At    time.Time `json:"at"`
}

type exportAssistant struct {
	Email string    `json:"email"`
	At    time.Time `json:"at"`
}

type exportProgramme struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type exportPair struct {
	ID         string              `json:"id"`
	Role       programme.Role      `json:"role"`
	State      programme.PairState `json:"state"`
	StartDate  string              `json:"start_date"`
	ApprovedAt time.Time           `json:"approved_at"`
	EndedAt    time.Time           `json:"ended_at,omitzero"`
	Reasons    []string            `json:"reasons,omitempty"`
	// ReorgAt is when the reorganisation guard found the two in one
	// reporting line (the chain itself names others: their partner and
	// managers); EndedForReorganisation says the pair ended for it.
	ReorgAt                time.Time `json:"reorg_flagged_at,omitzero"`
	EndedForReorganisation bool      `json:"ended_for_reorganisation,omitempty"`
}

func (s *Server) exportParticipant(w http.ResponseWriter, r *http.Request) {
	p, x, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	out := participantExport{ExportedAt: s.Clock.Now(), Programme: exportProgramme{p.ID, p.Name}}
	var perr error
	if out.Participant, perr = plain(x); perr != nil {
		s.serverError(w, r, perr)
		return
	}
	pairs, err := s.Store.ListPairs(ctx, p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, pr := range pairs {
		if pr.SeniorID != x.ID && pr.JuniorID != x.ID {
			continue
		}
		role := programme.Junior
		if pr.SeniorID == x.ID {
			role = programme.Senior
		}
		out.Pairs = append(out.Pairs, exportPair{ID: pr.ID, Role: role, State: pr.State, StartDate: pr.StartDate, ApprovedAt: pr.ApprovedAt, EndedAt: pr.EndedAt, Reasons: pr.Reasons,
			ReorgAt: pr.ReorgAt, EndedForReorganisation: pr.State == programme.PairRematched && len(pr.ReorgChain) > 0 && strings.HasPrefix(pr.EndReason, "ended for an organisational change")})
	}
	all, err := s.Store.ListAnswers(ctx, p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var answers []store.Answer
	for _, a := range all {
		if a.ParticipantID == x.ID {
			answers = append(answers, a)
		}
	}
	replies, err := s.Store.ListReplies(ctx, p.ID, x.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	allStories, err := s.Store.ListStories(ctx, p.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var stories []store.Story
	for _, st := range allStories {
		if st.ParticipantID == x.ID {
			stories = append(stories, st)
		}
		if st.PartnerID == x.ID {
			out.StoryConsents = append(out.StoryConsents, storyConsent{PairID: st.PairID, Story: st.Key, ToldAt: st.At, ConsentAt: st.PartnerConsentAt, RefusedAt: st.PartnerRefusedAt})
		}
	}
	goals, err := s.Store.ListGoalsOf(ctx, p.ID, x.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	appliedAll, err := s.Store.ListAppliedOf(ctx, p.ID, x.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var applied []any
	for _, a := range appliedAll {
		if a.SeniorID == x.ID {
			applied = append(applied, a)
			continue
		}
		applied = append(applied, juniorSide{PairID: a.PairID, ConsentAt: a.JuniorConsentAt, WithdrewAt: a.JuniorWithdrewAt, RecognitionSent: a.RecognitionSent})
	}
	thanks, err := s.Store.ListThanksFrom(ctx, p.ID, x.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	notes, err := s.Store.ListNotes(ctx, p.ID, x.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, c := range []struct {
		dst *[]any
		err func() ([]any, error)
	}{
		{&out.Answers, func() ([]any, error) { return plainAll(answers) }},
		{&out.Replies, func() ([]any, error) { return plainAll(replies) }},
		{&out.Stories, func() ([]any, error) { return plainAll(stories) }},
		{&out.ThanksSent, func() ([]any, error) { return plainAll(thanks) }},
		{&out.NotesReceived, func() ([]any, error) { return plainAll(notes) }},
		{&out.Goals, func() ([]any, error) { return plainAll(goals) }},
		{&out.Applied, func() ([]any, error) { return plainAll(applied) }},
	} {
		if *c.dst, err = c.err(); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if err := s.exportPrivate(r, p, x, &out); err != nil {
		s.serverError(w, r, err)
		return
	}
	if out.Publications, err = s.exportPublications(ctx, p.ID, x.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	sess, _ := s.session(r)
	if err := s.auditFirst(r, ActExport, p.ID, s.personRef(p.ID, x.ID), "participant data (JSON)"); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.Log.Info("participant data exported", "programme", p.ID, "participant", x.ID, "coordinator", sess.Email)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="upward-participant-%s.json"`, x.ID))
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

func (s *Server) eraseForm(w http.ResponseWriter, r *http.Request) {
	p, x, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	s.message(w, r, http.StatusOK, messageData{
		Heading: "Erase " + x.Name + "'s data?",
		Paragraphs: []string{
			"This deletes their profile, email address, the text of their replies, their goals, stories and thank-yous, what they applied, and stops all email to them. It cannot be undone.",
			"Their anonymous answers (whether they met, how they rated it) stay in the programme's figures. If they are in a pair, the pair ends: their partner is told kindly and paired again.",
			"Consider exporting their data first if they asked for a copy.",
		},
		Form: &messageForm{Action: r.URL.Path, Hidden: map[string]string{"csrf": mustCSRF(s, r)}, Button: "Erase their data"},
		Link: &messageLink{URL: "/programmes/" + p.ID, Text: "Cancel"},
	})
}

func mustCSRF(s *Server, r *http.Request) string {
	sess, _ := s.session(r)
	return sess.CSRF
}

func (s *Server) erase(w http.ResponseWriter, r *http.Request) {
	p, x, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	// Quarantined messages sent to their reply addresses name them through
	// the signed token, even when the sender was someone else.
	theirs := func(q store.Quarantined) bool {
		for _, addr := range q.Recipients {
			if ref, err := s.Signer.ParseReplyAddress(addr, addrDomain(addr)); err == nil && ref.ParticipantID == x.ID {
				return true
			}
		}
		return false
	}
	// Their live pairs end first, as a stop: the partner is told kindly
	// and paired again. Then the data goes.
	sess, _ := s.session(r)
	stop := lifecycle.Change{Transition: lifecycle.Stop, By: lifecycle.Coordinator(sess.Email), At: s.Clock.Now(), Of: x.ID, Erased: true}
	if _, err := s.pairs.ApplyToPairsOf(r.Context(), p, x.ID, stop); err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := s.Store.Erase(r.Context(), p.ID, x.ID, theirs, s.Clock.Now()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.Log.Info("participant erased", "programme", p.ID, "participant", x.ID, "coordinator", sess.Email)
	// The trail says a person was erased, never who.
	s.audit(r, ActErase, p.ID, "", "a participant's data was erased")
	s.toParticipants(w, r, p.ID, "erased", noticeArgs{})
}

func addrDomain(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[i+1:]
		}
	}
	return ""
}

// exportPrivate adds what the person told Upward privately by reply.
func (s *Server) exportPrivate(r *http.Request, p programme.Programme, x programme.Participant, out *participantExport) error {
	prefs, err := s.Store.NotWithOf(r.Context(), p.ID, x.ID)
	if err != nil {
		return err
	}
	out.NotWith = []exportNotWith{}
	for _, n := range prefs {
		e := exportNotWith{Email: n.Email, Name: n.Name, At: n.At}
		if n.Email == "" && n.Name == "" {
			e.Note = "someone whose data has since been erased"
		}
		out.NotWith = append(out.NotWith, e)
	}
	a, err := s.Store.GetAssistant(r.Context(), p.ID, x.ID)
	switch {
	case err == nil:
		out.Assistant = &exportAssistant{Email: a.Email, At: a.At}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	return nil
}
