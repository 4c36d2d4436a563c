package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// QuarantineStore is what the sender notice needs besides Data.
type QuarantineStore interface {
	GetQuarantined(ctx context.Context, id string) (store.Quarantined, error)
}

type noticeData struct {
	common
	Person programme.Participant
	// Other is the address the reply came from.
	Other string
}

// composeSenderNotice tells a participant, at their own address, that a
// reply to their email came from another address and was not acted on:
// so a person who replied from a personal mailbox knows what to do, and
// someone whose name was used knows it happened.
func (d *Deliverer) composeSenderNotice(ctx context.Context, j sendqueue.SenderNotice) (Email, func(context.Context, time.Time) error, error) {
	q, err := d.data.GetQuarantined(ctx, j.Quarantined)
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
	ref := token.Ref{ProgrammeID: prog.ID, ParticipantID: person.ID, Kind: sendqueue.KindSenderNotice.ReplyKind()}
	replyTo, err := d.signer.ReplyAddress(ref, d.settings.MailDomain)
	if err != nil {
		return Email{}, nil, err
	}
	l := person.EmailLanguage(prog)
	data := noticeData{common: d.newCommon(prog, l), Person: person, Other: q.From}
	if data.PageURL, err = d.pageURL(prog, person.ID, ""); err != nil {
		return Email{}, nil, err
	}
	if data.Subject, err = d.r.say(data, "sender_notice.subject"); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(sendqueue.KindSenderNotice, data)
	if err != nil {
		return Email{}, nil, fmt.Errorf("sender notice: %w", err)
	}
	return Email{From: d.from(prog), To: []string{person.Email}, ReplyTo: []string{replyTo}, Subject: data.Subject, Text: text, HTML: html, Lang: l,
		Headers: map[string]string{"Auto-Submitted": "auto-replied"}}, noAfter, nil
}
