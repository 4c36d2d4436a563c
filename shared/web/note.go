package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// MaxNoteLen bounds a personal note: a note, not a newsletter.
const MaxNoteLen = 3000

// noteKeyRE is the form's one-time key: randomToken's alphabet and length.
var noteKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

type noteData struct {
	HealthNav
	Person programme.Participant
	PairID string
	Key    string
	Text   string
	From   string
}

// noteForm asks for the note. The form carries a random key, so sending it
// twice (a double click, a resubmitted page) sends one email.
func (s *Server) noteForm(w http.ResponseWriter, r *http.Request) {
	p, x, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	pairID := r.URL.Query().Get("pair")
	if pairID != "" && !ids.Valid(pairID) {
		pairID = ""
	}
	s.renderNote(w, r, http.StatusOK, p, x, noteData{PairID: pairID, Key: randomToken()}, nil)
}

func (s *Server) renderNote(w http.ResponseWriter, r *http.Request, status int, p programme.Programme, x programme.Participant, d noteData, errs programme.FieldErrors) {
	sess, _ := s.session(r)
	d.HealthNav, d.Person, d.From = HealthNav{Programme: p, Current: "attention", Edit: true}, x, sess.Email
	s.render(w, r, status, "note", view{Title: "A note to " + x.Name, Errors: errs, Data: d})
}

func (s *Server) sendNote(w http.ResponseWriter, r *http.Request) {
	p, x, ok := s.loadPerson(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	d := noteData{PairID: r.PostFormValue("pair"), Key: r.PostFormValue("key"), Text: strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n"))}
	if !noteKeyRE.MatchString(d.Key) {
		s.message(w, r, http.StatusBadRequest, messageData{
			Heading:    "Nothing was sent",
			Paragraphs: []string{"The form is incomplete. Open the note form again from the attention list and write your note there."},
			Link:       &messageLink{URL: "/programmes/" + p.ID + "/attention", Text: "Back to the attention list"},
		})
		return
	}
	errs := programme.FieldErrors{}
	switch n := utf8.RuneCountInString(d.Text); {
	case n == 0:
		errs.Add("text", "Write the note before sending it.")
	case n > MaxNoteLen:
		errs.Add("text", fmt.Sprintf("Keep the note under %d characters; it has %d.", MaxNoteLen, n))
	}
	if d.PairID != "" {
		var pair programme.Pair
		err := store.ErrNotFound
		if ids.Valid(d.PairID) {
			pair, err = s.Store.GetPair(ctx, p.ID, d.PairID)
		}
		switch {
		case errors.Is(err, store.ErrNotFound) || (err == nil && pair.SeniorID != x.ID && pair.JuniorID != x.ID):
			errs.Add("pair", fmt.Sprintf("The pair this note is about is not one of %s's pairs; open the form again from the attention list.", x.Name))
		case err != nil:
			s.serverError(w, r, err)
			return
		}
	}
	sup, err := s.Store.Suppressions(ctx, []string{x.Email})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, suppressed := sup[x.Email]; suppressed || !x.Status.Mailable() || x.MailProblem != "" {
		errs.Add("text", fmt.Sprintf("No email can reach %s (%s); talk to them another way.", x.Name, unreachableWhy(x, suppressed)))
		s.renderNote(w, r, http.StatusConflict, p, x, d, errs)
		return
	}
	if len(errs) > 0 {
		s.renderNote(w, r, http.StatusUnprocessableEntity, p, x, d, errs)
		return
	}

	sess, _ := s.session(r)
	sum := sha256.Sum256([]byte(p.ID + "|" + x.ID + "|" + d.Key))
	note := store.Note{ProgrammeID: p.ID, ParticipantID: x.ID, PairID: d.PairID, ID: hex.EncodeToString(sum[:8]), From: sess.Email, Text: d.Text, CreatedAt: s.Clock.Now()}
	code := "note-sent"
	err = s.Store.PutNote(ctx, note)
	switch {
	case errors.Is(err, store.ErrConflict):
		// Sent before from this same form: queue it again anyway (the
		// send ledger keeps it to one email), in case the first attempt
		// stopped between storing and queueing.
		code = "note-again"
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if err := s.Queue.Enqueue(ctx, sendqueue.Note{ProgrammeID: p.ID, ParticipantID: x.ID, PairID: d.PairID, NoteID: note.ID}); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.Log.Info("personal note queued", "programme", p.ID, "participant", x.ID, "note", note.ID, "coordinator", sess.Email)
	if code == "note-sent" {
		// Who it went to and that it was sent; never what it said.
		s.audit(r, ActNoteSent, p.ID, s.personRef(p.ID, x.ID), "")
	}
	s.redirectWith(w, r, "/programmes/"+p.ID+"/attention", code, noticeArgs{Person: x.ID})
}

func unreachableWhy(x programme.Participant, suppressed bool) string {
	switch {
	case x.MailProblem != "":
		return strings.ToLower(strings.TrimSuffix(x.MailProblem, "."))
	case suppressed:
		return "their address is on the suppression list"
	}
	return "they are " + strings.ToLower(x.Status.Label())
}
