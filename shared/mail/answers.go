package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

type ackData struct {
	common
	What    sendqueue.AckTopic
	Person  programme.Participant
	Partner *programme.Participant
	Until   string
	Message string
}

var ackSubjects = map[sendqueue.AckTopic]string{
	"paused": "Paused for 30 days", "resumed": "Check-ins resume", "stopped": "You won't get more emails",
	"rematch": "We'll find you a new partner", "help": "How to reply", "story": "Thank you for your story",
	"story_withdrawn": "Your stories are withdrawn", "joined": "You're in", "declined": "Thanks for letting us know",
	"unclear": "Would you like to join?", "thanks_forwarded": "Your thanks is on its way",
}

// composeAck answers a reply's command in a few lines. It goes even to
// someone who just stopped (the one confirmation they expect), but never to
// a suppressed address.
func (d *Deliverer) composeAck(ctx context.Context, j sendqueue.Ack) (Email, func(context.Context, time.Time) error, error) {
	what := j.Topic
	subject, known := ackSubjects[what]
	if !known {
		return Email{}, nil, fmt.Errorf("no acknowledgement written for %q", what)
	}
	prog, person, err := d.programmeAndPerson(ctx, j.ProgrammeID, j.ParticipantID)
	if err != nil {
		return Email{}, nil, err
	}
	if person.Status == programme.Bounced {
		return Email{}, nil, fmt.Errorf("%s bounced: %w", person.ID, ErrSkipped)
	}
	if sup, err := d.data.IsSuppressed(ctx, person.Email); err != nil || sup {
		if err != nil {
			return Email{}, nil, err
		}
		return Email{}, nil, fmt.Errorf("%s is suppressed: %w", person.ID, ErrSkipped)
	}
	data := ackData{common: common{Programme: prog}, What: what, Person: person}
	data.Subject = subject + " — " + prog.Name
	if j.PairID != "" {
		if pair, err := d.data.GetPair(ctx, j.ProgrammeID, j.PairID); err == nil {
			if partner, err := d.data.GetParticipant(ctx, j.ProgrammeID, pair.Other(person.ID)); err == nil {
				data.Partner = &partner
			}
			if !pair.PausedUntil.IsZero() {
				data.Until = pair.PausedUntil.In(person.Loc()).Format("Monday 2 January")
			}
		}
	}
	if data.Until == "" {
		data.Until = d.clock.Now().Add(30 * 24 * time.Hour).In(person.Loc()).Format("Monday 2 January")
	}
	text, html, err := d.r.render(sendqueue.KindAck, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(prog), To: []string{person.Email}, Subject: data.Subject, Text: text, HTML: html,
		Headers: map[string]string{"Auto-Submitted": "auto-replied"}}, noAfter, nil
}

// composeThanks forwards a senior's thank-you to their mentor.
func (d *Deliverer) composeThanks(ctx context.Context, j sendqueue.Thanks) (Email, func(context.Context, time.Time) error, error) {
	t, err := d.data.GetThanks(ctx, j.ProgrammeID, j.FromID, j.Reply)
	if err != nil {
		return Email{}, nil, gone(err)
	}
	prog, to, err := d.programmeAndPerson(ctx, j.ProgrammeID, t.ToID)
	if err != nil {
		return Email{}, nil, err
	}
	from, err := d.data.GetParticipant(ctx, j.ProgrammeID, t.FromID)
	if err != nil {
		return Email{}, nil, gone(err)
	}
	if err := d.mailable(ctx, to); err != nil {
		return Email{}, nil, err
	}
	data := ackData{common: common{Programme: prog}, Person: to, Partner: &from, Message: t.Text}
	data.Subject = fmt.Sprintf("A thank-you from %s", from.Name)
	text, html, err := d.r.render(sendqueue.KindThanks, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(prog), To: []string{to.Email}, Subject: data.Subject, Text: text, HTML: html}, noAfter, nil
}
