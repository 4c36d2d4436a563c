package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

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

// guide serves the short training guides built into Upward. They hold no
// personal data, so they are public: participants open them from emails.
func (s *Server) guide(w http.ResponseWriter, r *http.Request) {
	g, ok := guides[r.PathValue("name")]
	if !ok {
		s.notFound(w, r, "Guide")
		return
	}
	s.render(w, r, http.StatusOK, "guide", view{Title: g.Title, Data: g})
}

// unsubscribeForm asks before stopping: a GET must change nothing, because
// mail scanners follow links.
func (s *Server) unsubscribeForm(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if _, err := s.Signer.Verify(tok, token.PurposeUnsubscribe); err != nil {
		s.badUnsubscribe(w, r)
		return
	}
	s.message(w, r, http.StatusOK, messageData{
		Heading:    "Stop emails from this programme?",
		Paragraphs: []string{"You will receive no more emails from this reverse mentoring programme. If you are in a pair, your partner is told kindly that your pairing has ended, and the coordinator that you have stopped, but not why."},
		Form:       &messageForm{Action: "/u/" + tok, Button: "Stop all emails"},
	})
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
	x, err := s.Store.GetParticipant(r.Context(), ref.ProgrammeID, ref.ParticipantID)
	if errors.Is(err, store.ErrNotFound) {
		// Erased or never stored: there is nobody left to email.
		s.unsubscribed(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if x.Status != programme.Stopped {
		if _, err := s.Store.SetStatus(r.Context(), x.ProgrammeID, x.ID, programme.Stopped, "unsubscribed by email link on "+s.Clock.Now().Format("2 Jan 2006"), s.Clock.Now()); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.Log.Info("participant unsubscribed", "programme", x.ProgrammeID, "participant", x.ID)
	}
	prog, err := s.Store.GetProgramme(r.Context(), x.ProgrammeID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// Their pairs end as with a STOP reply: the partner is told kindly and
	// paired again.
	now := s.Clock.Now()
	stop := lifecycle.Change{Transition: lifecycle.Stop, By: lifecycle.Participant(x.ID), At: now, Of: x.ID}
	if _, err := s.pairs.ApplyToPairsOf(r.Context(), prog, x.ID, stop); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.unsubscribed(w, r)
}

func (s *Server) unsubscribed(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, http.StatusOK, messageData{
		Heading:    "You won't get any more emails from this programme",
		Paragraphs: []string{"Changed your mind? Reply RESUME to any programme email, or tell the programme coordinator."},
	})
}

func (s *Server) badUnsubscribe(w http.ResponseWriter, r *http.Request) {
	s.message(w, r, http.StatusBadRequest, messageData{
		Heading:    "This link is not valid",
		Paragraphs: []string{"Copy the whole link from the email. To stop emails you can also reply STOP to any programme email."},
	})
}
