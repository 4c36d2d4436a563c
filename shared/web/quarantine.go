package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// ReplyReleaser records a quarantined reply a coordinator vouched for
// (shared/inbound does it in AWS and locally alike).
type ReplyReleaser interface {
	Release(ctx context.Context, q store.Quarantined, by string) (string, error)
}

// senderUnknown loads the quarantined reply a form names: one of this
// programme's, from an address that is not the participant's.
func (s *Server) senderUnknown(w http.ResponseWriter, r *http.Request, p programme.Programme) (store.Quarantined, programme.Participant, bool) {
	q, err := s.Store.GetQuarantined(r.Context(), r.PostFormValue("message"))
	if errors.Is(err, store.ErrNotFound) || err == nil && (q.ProgrammeID != p.ID || !q.SenderUnknown || q.ParticipantID == "") {
		s.notFound(w, r, "Quarantined reply")
		return q, programme.Participant{}, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return q, programme.Participant{}, false
	}
	x, err := s.Store.GetParticipant(r.Context(), p.ID, q.ParticipantID)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, "Participant")
		return q, x, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return q, x, false
	}
	return q, x, true
}

// releaseReply records one quarantined reply as the participant's: the
// coordinator knows the other address is theirs. The message is handled as
// SES delivered it, with its answers and commands; who released it is
// kept with the entry and logged.
func (s *Server) releaseReply(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	q, x, ok := s.senderUnknown(w, r, p)
	if !ok {
		return
	}
	if s.Replies == nil {
		s.message(w, r, http.StatusNotImplemented, messageData{Heading: "Replies cannot be released here", Paragraphs: []string{"This deployment cannot read kept messages."}})
		return
	}
	if !q.ReleasedAt.IsZero() {
		s.backToAttention(w, r, p.ID, "reply-already-released", x.ID)
		return
	}
	sess, _ := s.session(r)
	outcome, err := s.Replies.Release(r.Context(), q, sess.Email)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.Log.Info("quarantined reply released", "programme", p.ID, "participant", x.ID, "coordinator", sess.Email, "outcome", outcome)
	// The trail says whose reply it became and what the handler made of
	// it, never what it said nor where it came from.
	s.audit(r, ActReplyReleased, p.ID, s.personRef(p.ID, x.ID), "outcome: "+outcome)
	s.backToAttention(w, r, p.ID, "reply-released", x.ID)
}

// addSenderAddress accepts the address a quarantined reply came from as
// one of the participant's: their next replies from it are recorded.
func (s *Server) addSenderAddress(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	q, x, ok := s.senderUnknown(w, r, p)
	if !ok {
		return
	}
	addr, err := programme.NormalizeEmail(q.From)
	if err != nil {
		s.message(w, r, http.StatusUnprocessableEntity, messageData{Heading: "Nothing was changed", Paragraphs: []string{"The reply's sender " + err.Error() + "."}})
		return
	}
	if x.Owns(addr) {
		s.backToAttention(w, r, p.ID, "address-already", x.ID)
		return
	}
	err = s.Store.AddOtherEmail(r.Context(), p.ID, x.ID, addr, s.Clock.Now())
	if errors.Is(err, store.ErrConflict) {
		s.message(w, r, http.StatusConflict, messageData{Heading: "Nothing was changed", Paragraphs: []string{fmt.Sprintf("%s belongs to another participant of this programme.", addr)},
			Link: &messageLink{URL: "/programmes/" + p.ID + "/attention", Text: "Back to the attention list"}})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	sess, _ := s.session(r)
	s.Log.Info("participant address added from a quarantined reply", "programme", p.ID, "participant", x.ID, "coordinator", sess.Email)
	// The address itself is personal data the trail does not keep: the
	// participant's own record holds it, and an erasure removes it there.
	s.audit(r, ActAddressAdded, p.ID, s.personRef(p.ID, x.ID), "a quarantined reply's sender became one of their addresses")
	s.backToAttention(w, r, p.ID, "address-added", x.ID)
}

// backToAttention shows the attention list again with a notice naming the
// participant.
func (s *Server) backToAttention(w http.ResponseWriter, r *http.Request, programmeID, code, participantID string) {
	s.redirectWith(w, r, "/programmes/"+programmeID+"/attention", code, noticeArgs{Person: participantID})
}
