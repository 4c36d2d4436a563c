package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/token"
)

type welcomeData struct {
	common
	programmeWords
	Person        programme.Participant
	IsSenior      bool
	ExampleTopics string
	Resources     []programme.Resource
	// Story is a story an earlier pair agreed to publish, quoted under
	// its own heading ("" when none is published).
	Story string
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
	l := person.EmailLanguage(prog)
	data := welcomeData{common: d.newCommon(prog, l), Person: person, IsSenior: person.Role == programme.Senior}
	data.UnsubscribeURL = unsub
	if data.Click, err = d.clicks(ref, prog); err != nil {
		return Email{}, nil, err
	}
	if data.PageURL, err = d.pageURL(prog, person.ID, ""); err != nil {
		return Email{}, nil, err
	}
	if data.programmeWords, err = d.programmeWords(prog, l); err != nil {
		return Email{}, nil, err
	}
	data.ExampleTopics = exampleTopics(data.Texts.Topics)
	data.Resources = data.Texts.Resources
	if data.Story, err = d.publishedStory(ctx); err != nil {
		return Email{}, nil, err
	}
	if data.Subject, err = d.r.say(data, "welcome.subject"); err != nil {
		return Email{}, nil, err
	}
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
		Lang:    l,
		Headers: listHeaders(unsub),
	}
	after := func(ctx context.Context, at time.Time) error {
		return d.data.MarkWelcomeSent(ctx, prog.ID, person.ID, at)
	}
	return e, after, nil
}

// exampleTopics shows how to answer with the programme's own vocabulary:
// two numbers and a name, so people see both work.
func exampleTopics(topics []string) string {
	switch len(topics) {
	case 0:
		return ""
	case 1:
		return "1"
	case 2:
		return "1, 2"
	}
	return "1, 3, " + topics[len(topics)-1]
}

type prepareData struct {
	common
	programmeWords
	Person     programme.Participant
	GuideURL   string
	GuideTitle string
}

// composePrepare readies a senior before their first introduction: the
// fear of looking uninformed, protecting the first meetings, tension.
func (d *Deliverer) composePrepare(ctx context.Context, j sendqueue.Prepare) (Email, func(context.Context, time.Time) error, error) {
	prog, person, err := d.programmeAndPerson(ctx, j.ProgrammeID, j.ParticipantID)
	if err != nil {
		return Email{}, nil, err
	}
	if person.Role != programme.Senior {
		return Email{}, nil, fmt.Errorf("%s is not a senior: %w", person.ID, ErrSkipped)
	}
	if err := d.mailable(ctx, person); err != nil {
		return Email{}, nil, err
	}
	ref := token.Ref{ProgrammeID: prog.ID, ParticipantID: person.ID, Kind: sendqueue.KindPrepare.ReplyKind()}
	replyTo, err := d.signer.ReplyAddress(ref, d.settings.MailDomain)
	if err != nil {
		return Email{}, nil, err
	}
	unsub, err := d.unsubscribeURL(ref)
	if err != nil {
		return Email{}, nil, err
	}
	l := person.EmailLanguage(prog)
	data := prepareData{common: d.newCommon(prog, l), Person: person, GuideURL: d.guideLink("/guides/senior", l)}
	data.UnsubscribeURL = unsub
	if data.PageURL, err = d.pageURL(prog, person.ID, ""); err != nil {
		return Email{}, nil, err
	}
	if data.programmeWords, err = d.programmeWords(prog, l); err != nil {
		return Email{}, nil, err
	}
	if data.GuideTitle, err = d.r.words.Text(l, "defaults.resource_senior", nil); err != nil {
		return Email{}, nil, err
	}
	if data.Subject, err = d.r.say(data, "prepare.subject"); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(sendqueue.KindPrepare, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(prog), To: []string{person.Email}, ReplyTo: []string{replyTo}, Subject: data.Subject,
		Text: text, HTML: html, Lang: l, Headers: listHeaders(unsub)}, noAfter, nil
}

var _ = lang.EN
