package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/inbound"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/oneclick"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// The pages participants open from the links in their emails: an answer
// confirmed (answer.go) and their own page (personal.go). Nobody signs in:
// the link's signed token says whose page it is. A GET shows and never
// changes anything, because mail scanners fetch every link; a change
// needs the page's button, whose POST carries the token (in its path) and
// a seal only the page gives, and is refused from another site by the
// server's cross-origin protection.

// AnswerRecorder records what participants answer on these pages, as
// their replies are recorded (inbound.Handler.Answer).
type AnswerRecorder interface {
	Answer(ctx context.Context, c inbound.Click) (inbound.Result, error)
}

var _ AnswerRecorder = (*inbound.Handler)(nil)

// LinkStore is what the participants' own pages read besides Store.
type LinkStore interface {
	PairsOf(ctx context.Context, programmeID, participantID string) ([]programme.Pair, error)
	GetAnswer(ctx context.Context, programmeID, pairID string, cycle int, role programme.Role) (store.Answer, error)
	GetGoal(ctx context.Context, programmeID, participantID, pairID string) (store.Goal, error)
	GetApplied(ctx context.Context, programmeID, pairID string) (store.Applied, error)
	GetDue(ctx context.Context, programmeID, pairID string, role programme.Role) (store.DueItem, error)
}

var _ LinkStore = (*store.Store)(nil)

// maxWords bounds what a page's text box takes: more than any reply's
// answer needs, little enough to keep.
const maxWords = 5000

// linked is a verified link with the person it names.
type linked struct {
	link   token.Link
	tok    string
	prog   programme.Programme
	person programme.Participant
	lang   lang.Tag
}

// verifyLink checks the token in the path for purpose. When it does not
// hold, it answers with the page that says why (and how to answer by
// reply instead) and returns false.
func (s *Server) verifyLink(w http.ResponseWriter, r *http.Request, purpose token.Purpose) (linked, bool) {
	tok := strings.ToLower(strings.TrimSpace(r.PathValue("token")))
	link, err := s.Signer.VerifyLink(tok, purpose, s.Clock.Now())
	switch {
	case err == nil:
		return s.loadLinked(w, r, link, tok)
	case errors.Is(err, token.ErrExpired):
		s.expiredLink(w, r, link)
	case errors.Is(err, token.ErrWrongPurpose) || s.Signer.Made(tok):
		// A genuine link of Upward's, made for another page (an answer's
		// link pasted as a page's, an unsubscribe or reply token).
		s.linkMessage(w, r, http.StatusNotFound, readerLanguage(r), pageWords{}, "link.foreign_heading", "link.foreign_body")
	default:
		s.Log.Info("participant link refused", "path", strings.SplitN(r.URL.Path, "/", 3)[1], "err", err)
		s.linkMessage(w, r, http.StatusBadRequest, readerLanguage(r), pageWords{}, "link.invalid_heading", "link.invalid_body")
	}
	return linked{}, false
}

// loadLinked reads the programme and person a verified link names.
func (s *Server) loadLinked(w http.ResponseWriter, r *http.Request, link token.Link, tok string) (linked, bool) {
	x := linked{link: link, tok: tok}
	var err error
	x.prog, err = s.Store.GetProgramme(r.Context(), link.ProgrammeID)
	if err == nil {
		x.person, err = s.Store.GetParticipant(r.Context(), link.ProgrammeID, link.ParticipantID)
	}
	if errors.Is(err, store.ErrNotFound) {
		// Erased, or the programme deleted: there is nothing to show, and
		// nothing about anyone.
		s.linkMessage(w, r, http.StatusGone, x.prog.Language.Or(readerLanguage(r)), pageWords{}, "link.gone_heading", "link.gone_body")
		return x, false
	}
	if err != nil {
		s.serverError(w, r, err)
		return x, false
	}
	x.lang = x.person.EmailLanguage(x.prog)
	return x, true
}

// expiredLink says a genuine link's time is over, in its owner's language
// when they are still known, and how to answer by reply instead.
func (s *Server) expiredLink(w http.ResponseWriter, r *http.Request, link token.Link) {
	l := readerLanguage(r)
	d := pageWords{}
	if prog, err := s.Store.GetProgramme(r.Context(), link.ProgrammeID); err == nil {
		d.Programme = prog.Name
		l = prog.Language.Or(l)
		if x, err := s.Store.GetParticipant(r.Context(), link.ProgrammeID, link.ParticipantID); err == nil {
			l = x.EmailLanguage(prog)
		}
	}
	d.Date = l.LongDate(link.Expires.Add(-time.Hour))
	s.linkMessage(w, r, http.StatusGone, l, d, "link.expired_heading", "link.expired_body")
}

// linkMessage is a message page about a link, in l.
func (s *Server) linkMessage(w http.ResponseWriter, r *http.Request, status int, l lang.Tag, d pageWords, heading, body string) {
	s.participantMessage(w, r, status, l, d, heading, body, nil)
}

// seal is the hidden field of a participant page's form: a MAC of the
// link's token, what the form does and the nonce the page was shown with.
// A POST without it (a scanner posting to the link, a form elsewhere)
// changes nothing.
func (s *Server) seal(tok, action, nonce string) string {
	return s.Signer.MAC("participant-form\x00" + tok + "\x00" + action + "\x00" + nonce)
}

// newSeal is a fresh nonce and its seal, for a page being shown.
func (s *Server) newSeal(tok, action string) (nonce, seal string) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	nonce = hex.EncodeToString(b[:])
	return nonce, s.seal(tok, action, nonce)
}

// sealed parses a participant page's POST and checks its seal; when it
// does not hold it answers and returns false, having changed nothing.
func (s *Server) sealed(w http.ResponseWriter, r *http.Request, x linked, action string) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		s.linkMessage(w, r, http.StatusRequestEntityTooLarge, x.lang, pageWords{}, "link.too_large_heading", "link.too_large_body")
		return false
	}
	nonce, seal := r.PostForm.Get("n"), r.PostForm.Get("seal")
	if nonce == "" || !s.Signer.ValidMAC("participant-form\x00"+x.tok+"\x00"+action+"\x00"+nonce, seal) {
		s.Log.Warn("participant form without its seal", "programme", x.prog.ID, "participant", x.person.ID, "action", action)
		s.linkMessage(w, r, http.StatusForbidden, x.lang, pageWords{}, "link.unsealed_heading", "link.unsealed_body")
		return false
	}
	return true
}

// submission names one sending of a page's form: the same form sent again
// (a double click, a browser resending it) is the same submission, and
// is recorded once; another answer from the same page is another.
func submission(x linked, action string, r *http.Request) string {
	return x.tok + "\x00" + action + "\x00" + r.PostForm.Encode()
}

// pageLink is the link to the person's own page, from one of theirs.
func (s *Server) pageLink(x linked, pairID string) (string, error) {
	return oneclick.Links{Signer: s.Signer}.Page(x.prog, x.person.ID, pairID)
}
