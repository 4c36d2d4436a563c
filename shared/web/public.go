package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

type guideData struct {
	Title string
	Body  template.HTML
}

// guideNames are the guides this deployment serves.
var guideNames = map[string]bool{"senior": true, "junior": true, "listening": true, "feedback": true}

// guide serves the short training guides built into Upward, in the
// reader's language. They hold no personal data, so they are public:
// participants open them from emails.
func (s *Server) guide(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !guideNames[name] {
		s.notFound(w, r, "Guide")
		return
	}
	l := readerLanguage(r)
	title, err := say(l, "guides."+name+".title", pageWords{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	body, err := say(l, "guides."+name+".body", pageWords{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "guide", view{Title: title, Lang: l, Data: guideData{Title: title, Body: guideMarkup(body)}})
}

// participantMessage renders a message page in a participant's language.
func (s *Server) participantMessage(w http.ResponseWriter, r *http.Request, status int, l lang.Tag, d pageWords, heading, body string, form *messageForm) {
	h, err := say(l, heading, d)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	b, err := say(l, body, d)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if form != nil {
		if form.Button, err = say(l, form.Button, d); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, status, "message", view{Title: h, Lang: l, Data: messageData{Heading: h, Paragraphs: []string{b}, Form: form}})
}

// unsubscriber is who an unsubscribe link names, with their programme, in
// the language their emails are in (nil: erased, or never stored).
func (s *Server) unsubscriber(r *http.Request, ref token.Ref) (*programme.Participant, programme.Programme, lang.Tag, error) {
	prog, err := s.Store.GetProgramme(r.Context(), ref.ProgrammeID)
	if errors.Is(err, store.ErrNotFound) {
		// The programme is gone: the pages name Upward instead.
		return nil, programme.Programme{Name: "Upward"}, readerLanguage(r), nil
	}
	if err != nil {
		return nil, prog, "", err
	}
	x, err := s.Store.GetParticipant(r.Context(), ref.ProgrammeID, ref.ParticipantID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, prog, prog.Language.Or(readerLanguage(r)), nil
	}
	if err != nil {
		return nil, prog, "", err
	}
	return &x, prog, x.EmailLanguage(prog), nil
}

// unsubscribeForm asks before stopping: a GET must change nothing, because
// mail scanners follow links.
func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	ref, err := s.Signer.Verify(tok, token.PurposeUnsubscribe)
	if err != nil {
		s.badUnsubscribe(w, r)
		return
	}
	_, prog, l, err := s.unsubscriber(r, ref)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.participantMessage(w, r, http.StatusOK, l, pageWords{Programme: prog.Name}, "unsubscribe.heading", "unsubscribe.body",
		&messageForm{Action: "/u/" + tok, Button: "unsubscribe.button"})
}

// unsubscribe handles the visible button and RFC 8058 one-click POSTs from
// mail providers: no session, no CSRF token (the signed token is the
// authority), and safe to repeat.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	ref, err := s.Signer.Verify(r.PathValue("token"), token.PurposeUnsubscribe)
	if err != nil {
		s.badUnsubscribe(w, r)
		return
	}
	x, prog, l, err := s.unsubscriber(r, ref)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if x == nil {
		// Erased or never stored: there is nobody left to email.
		s.unsubscribed(w, r, l, prog)
		return
	}
	if x.Status != programme.Stopped {
		if _, err := s.Store.SetStatus(r.Context(), x.ProgrammeID, x.ID, programme.Stopped, "unsubscribed by email link on "+s.Clock.Now().Format("2 Jan 2006"), s.Clock.Now()); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.Log.Info("participant unsubscribed", "programme", x.ProgrammeID, "participant", x.ID)
	}
	// Their pairs end as with a STOP reply: the partner is told kindly and
	// paired again.
	now := s.Clock.Now()
	stop := lifecycle.Change{Transition: lifecycle.Stop, By: lifecycle.Participant(x.ID), At: now, Of: x.ID}
	if _, err := s.pairs.ApplyToPairsOf(r.Context(), prog, x.ID, stop); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.unsubscribed(w, r, l, prog)
}

func (s *Server) unsubscribed(w http.ResponseWriter, r *http.Request, l lang.Tag, prog programme.Programme) {
	s.participantMessage(w, r, http.StatusOK, l, pageWords{Programme: prog.Name}, "unsubscribe.done_heading", "unsubscribe.done_body", nil)
}

func (s *Server) badUnsubscribe(w http.ResponseWriter, r *http.Request) {
	s.participantMessage(w, r, http.StatusBadRequest, readerLanguage(r), pageWords{}, "unsubscribe.invalid_heading", "unsubscribe.invalid_body", nil)
}
