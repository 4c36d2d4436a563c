package mail

import (
	"context"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// NoteStore is what sending a note needs besides Data.
type NoteStore interface {
	GetNote(ctx context.Context, programmeID, participantID, id string) (store.Note, error)
}

type noteData struct {
	common
	Person      programme.Participant
	Coordinator string
	Paragraphs  []string
	Text        string
}

// composeNote sends a coordinator's words as they wrote them, from the
// programme's address with Reply-To the coordinator: the answer is a
// conversation between two people, not something Upward records.
func (d *Deliverer) composeNote(ctx context.Context, j sendqueue.Note) (Email, func(context.Context, time.Time) error, error) {
	n, err := d.data.GetNote(ctx, j.ProgrammeID, j.ParticipantID, j.NoteID)
	if err != nil {
		return Email{}, nil, gone(err)
	}
	prog, person, err := d.programmeAndPerson(ctx, j.ProgrammeID, j.ParticipantID)
	if err != nil {
		return Email{}, nil, err
	}
	if err := d.mailable(ctx, person); err != nil {
		return Email{}, nil, err
	}
	l := person.EmailLanguage(prog)
	data := noteData{common: d.newCommon(prog, l), Person: person, Coordinator: n.From, Text: n.Text, Paragraphs: paragraphs(n.Text)}
	if data.PageURL, err = d.pageURL(prog, person.ID, ""); err != nil {
		return Email{}, nil, err
	}
	if data.Subject, err = d.r.say(data, "note.subject"); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(sendqueue.KindNote, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(prog), To: []string{person.Email}, ReplyTo: []string{n.From}, Subject: data.Subject, Text: text, HTML: html, Lang: l}, noAfter, nil
}

// paragraphs splits text at blank lines, for the HTML body.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
