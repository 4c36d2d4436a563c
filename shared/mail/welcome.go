package mail

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/token"
)

type welcomeData struct {
	common
	Person         programme.Participant
	IsSenior       bool
	Start, End     string
	Duration       string
	MeetingCadence string
	MeetingMode    string
	CheckInCadence string
	ExampleTopics  string
	Resources      []programme.Resource
}

func (d *Deliverer) composeWelcome(ctx context.Context, j sendqueue.Welcome) (Email, func(context.Context, time.Time) error, error) {
	prog, person, err := d.programmeAndPerson(ctx, j.ProgrammeID, j.ParticipantID)
	if err != nil {
		return Email{}, nil, err
	}
	if err := d.mailable(ctx, person); err != nil {
		return Email{}, nil, err
	}

	ref := token.Ref{ProgrammeID: prog.ID, ParticipantID: person.ID, Kind: sendqueue.KindWelcome.ReplyKind(), Cycle: j.Round}
	replyTo, err := d.signer.ReplyAddress(ref, d.settings.MailDomain)
	if err != nil {
		return Email{}, nil, err
	}
	unsub, err := d.unsubscribeURL(ref)
	if err != nil {
		return Email{}, nil, err
	}
	data := welcomeData{
		common:         common{Programme: prog, UnsubscribeURL: unsub},
		Person:         person,
		IsSenior:       person.Role == programme.Senior,
		Start:          dateLabel(prog.Start()),
		End:            dateLabel(prog.End()),
		Duration:       prog.DurationLabel(),
		MeetingCadence: cadencePhrase(prog.MeetingCadence),
		MeetingMode:    strings.ToLower(prog.MeetingMode.Label()),
		CheckInCadence: prog.CheckInCadence.Label(),
		ExampleTopics:  exampleTopics(prog.Topics),
	}
	data.Resources = d.resources(prog)
	data.Subject = fmt.Sprintf("You're invited: %s — reply JOIN to take part", prog.Name)
	text, html, err := d.r.render(sendqueue.KindWelcome, data)
	if err != nil {
		return Email{}, nil, err
	}
	e := Email{
		From:    d.from(prog),
		To:      []string{person.Email},
		ReplyTo: []string{replyTo},
		Subject: data.Subject,
		Text:    text,
		HTML:    html,
		Headers: listHeaders(unsub),
	}
	after := func(ctx context.Context, at time.Time) error {
		return d.data.MarkWelcomeSent(ctx, prog.ID, person.ID, at)
	}
	return e, after, nil
}

func cadencePhrase(c programme.Cadence) string {
	switch c {
	case programme.Weekly:
		return "every week"
	case programme.Biweekly:
		return "every two weeks"
	case programme.Monthly:
		return "once a month"
	}
	return string(c)
}

// exampleTopics shows how to answer with the programme's own vocabulary.
func exampleTopics(topics []string) string {
	switch len(topics) {
	case 0:
		return "and the topics you care about"
	case 1:
		return "1"
	case 2:
		return "1, 2"
	}
	return "1, 3, " + strings.ToLower(topics[len(topics)-1])
}
