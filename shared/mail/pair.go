package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// pairContext is everything about a pair an email may mention.
type pairContext struct {
	prog           programme.Programme
	pair           programme.Pair
	senior, junior programme.Participant
}

func (d *Deliverer) loadPair(ctx context.Context, j sendqueue.Job) (pairContext, error) {
	var pc pairContext
	var err error
	if pc.prog, err = d.data.GetProgramme(ctx, j.ProgrammeID); err != nil {
		return pc, gone(err)
	}
	if pc.pair, err = d.data.GetPair(ctx, j.ProgrammeID, j.PairID); err != nil {
		return pc, gone(err)
	}
	// The closing survey still goes to a pair the programme's end has just
	// closed; nothing goes to a pair that was rematched or stopped.
	endedOK := (j.Kind == KindClosing || j.Kind == KindRoundEnd) && pc.pair.State == programme.PairEnded ||
		j.Kind == KindPairEnded && pc.pair.State == programme.PairRematched
	if !pc.pair.State.Live() && !endedOK {
		return pc, fmt.Errorf("pair %s is %s: %w", pc.pair.ID, pc.pair.State, ErrSkipped)
	}
	if pc.senior, err = d.data.GetParticipant(ctx, j.ProgrammeID, pc.pair.SeniorID); err != nil {
		return pc, gone(err)
	}
	if pc.junior, err = d.data.GetParticipant(ctx, j.ProgrammeID, pc.pair.JuniorID); err != nil {
		return pc, gone(err)
	}
	return pc, nil
}

// programmeAndPerson reads a programme and one of its participants; either
// being gone (erased since the job was queued) is a skip, not a failure.
func (d *Deliverer) programmeAndPerson(ctx context.Context, programmeID, personID string) (programme.Programme, programme.Participant, error) {
	prog, err := d.data.GetProgramme(ctx, programmeID)
	if err != nil {
		return prog, programme.Participant{}, gone(err)
	}
	person, err := d.data.GetParticipant(ctx, programmeID, personID)
	return prog, person, gone(err)
}

// gone turns "not found" into a skip: data erased since the job was queued
// means there is nobody to write to.
func gone(err error) error {
	if err != nil && errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrSkipped, err)
	}
	return err
}

func (d *Deliverer) mailable(ctx context.Context, people ...programme.Participant) error {
	for _, p := range people {
		if !p.Status.Mailable() {
			return fmt.Errorf("%s is %s: %w", p.ID, p.Status, ErrSkipped)
		}
		sup, err := d.data.IsSuppressed(ctx, p.Email)
		if err != nil {
			return err
		}
		if sup {
			return fmt.Errorf("%s is on the suppression list: %w", p.ID, ErrSkipped)
		}
	}
	return nil
}

type introData struct {
	common
	Pair           programme.Pair
	Senior, Junior programme.Participant
	SeniorTopics   string
	JuniorTopics   string
	MeetingCadence string
	MeetingMode    string
	CheckInCadence string
	Resources      []programme.Resource
}

// composeIntro is one email to both people, with both in To and Reply-To so
// they answer each other directly and their conversation never reaches
// Upward.
func (d *Deliverer) composeIntro(ctx context.Context, j sendqueue.Job) (Email, func(context.Context, time.Time) error, error) {
	pc, err := d.loadPair(ctx, j)
	if err != nil {
		return Email{}, nil, err
	}
	if err := d.mailable(ctx, pc.senior, pc.junior); err != nil {
		return Email{}, nil, err
	}
	data := introData{
		common: common{Programme: pc.prog}, Pair: pc.pair, Senior: pc.senior, Junior: pc.junior,
		SeniorTopics: strings.Join(pc.senior.Topics, ", "), JuniorTopics: strings.Join(pc.junior.Topics, ", "),
		MeetingCadence: cadencePhrase(pc.prog.MeetingCadence), MeetingMode: strings.ToLower(pc.prog.MeetingMode.Label()),
		CheckInCadence: pc.prog.CheckInCadence.Label(), Resources: d.resources(pc.prog),
	}
	data.Subject = fmt.Sprintf("Meet your reverse mentoring partner: %s and %s", pc.senior.Name, pc.junior.Name)
	text, html, err := d.r.render(KindIntro, data)
	if err != nil {
		return Email{}, nil, err
	}
	invite, err := meetingInvite(pc.prog, pc.pair, pc.senior, pc.junior)
	if err != nil {
		return Email{}, nil, err
	}
	to := []string{pc.senior.Email, pc.junior.Email}
	return Email{
		From: d.from(pc.prog), To: to, ReplyTo: to, Subject: data.Subject, Text: text, HTML: html,
		Attachments: []Attachment{{Name: "first-meeting.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: invite}},
	}, noAfter, nil
}

func noAfter(context.Context, time.Time) error { return nil }

func (d *Deliverer) resources(p programme.Programme) []programme.Resource {
	var out []programme.Resource
	for _, r := range p.Resources {
		out = append(out, programme.Resource{Title: r.Title, URL: d.link(r.URL)})
	}
	return out
}

type personData struct {
	common
	Kind     string
	Person   programme.Participant
	Partner  programme.Participant
	IsSenior bool
	Cycle    int
	Since    string
	Question string
	// NextRound is when a rolling programme next matches (pair_ended).
	NextRound string
}

// composeForPerson renders a check-in, midpoint survey, nudge or closing
// survey for one person, with their own signed reply address.
func (d *Deliverer) composeForPerson(ctx context.Context, j sendqueue.Job) (Email, func(context.Context, time.Time) error, error) {
	pc, err := d.loadPair(ctx, j)
	if err != nil {
		return Email{}, nil, err
	}
	var person, partner programme.Participant
	switch j.ParticipantID {
	case pc.senior.ID:
		person, partner = pc.senior, pc.junior
	case pc.junior.ID:
		person, partner = pc.junior, pc.senior
	default:
		return Email{}, nil, fmt.Errorf("participant %s is not in pair %s: %w", j.ParticipantID, pc.pair.ID, ErrSkipped)
	}
	if err := d.mailable(ctx, person); err != nil {
		return Email{}, nil, err
	}
	plan := schedule.NewPlan(pc.prog, pc.pair)
	since := pc.pair.Start()
	switch {
	case j.Kind == KindRoundEnd:
		// The cycle is the round's; "since" is the last check-in.
		if k := plan.LatestDue(person.Loc(), d.clock.Now()); k > 0 {
			since = plan.Date(k)
		}
	case j.Cycle > 1:
		since = plan.Date(j.Cycle - 1)
	}
	kinds := map[string]token.Kind{
		schedule.KindCheckIn: token.KindCheckIn, schedule.KindMidpoint: token.KindMidpoint,
		schedule.KindNudge: token.KindNudge, schedule.KindClosing: token.KindClosing,
		KindRoundEnd: token.KindRoundEnd, KindPairEnded: token.KindAck,
	}
	ref := token.Ref{ProgrammeID: pc.prog.ID, ParticipantID: person.ID, PairID: pc.pair.ID, Kind: kinds[j.Kind], Cycle: j.Cycle % 256}
	replyTo, err := d.signer.ReplyAddress(ref, d.settings.MailDomain)
	if err != nil {
		return Email{}, nil, err
	}
	unsub, err := d.unsubscribeURL(ref)
	if err != nil {
		return Email{}, nil, err
	}
	data := personData{
		common: common{Programme: pc.prog, UnsubscribeURL: unsub}, Kind: j.Kind, Person: person, Partner: partner,
		IsSenior: person.Role == programme.Senior, Cycle: j.Cycle, Since: since.Format("Monday 2 January"),
		Question: question(person.Role == programme.Senior, j.Cycle),
	}
	template := KindCheckIn
	switch j.Kind {
	case schedule.KindMidpoint:
		data.Subject = fmt.Sprintf("Halfway through %s: how is it going with %s?", pc.prog.Name, partner.Name)
	case schedule.KindNudge:
		template = KindNudge
		data.Subject = fmt.Sprintf("Time to catch up with %s?", partner.Name)
	case schedule.KindClosing:
		template = KindClosing
		data.Subject = fmt.Sprintf("%s ends today: a last check-in and a thank-you", pc.prog.Name)
	case KindRoundEnd:
		template = KindRoundEnd
		data.Subject = fmt.Sprintf("Your pairing with %s ends today: thank you", partner.Name)
	case KindPairEnded:
		template = KindPairEnded
		data.Subject = fmt.Sprintf("Your pairing with %s has ended", partner.Name)
		if at, ok := pc.prog.RoundSlot(pc.prog.LatestRound(d.clock.Now()) + 1); ok && pc.prog.MatchingMode == programme.ModeRolling {
			data.NextRound = at.In(person.Loc()).Format("Monday 2 January")
		}
	default:
		data.Subject = fmt.Sprintf("Check-in: did you and %s meet since %s?", partner.Name, data.Since)
	}
	text, html, err := d.r.render(template, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{
		From: d.from(pc.prog), To: []string{person.Email}, ReplyTo: []string{replyTo},
		Subject: data.Subject, Text: text, HTML: html, Headers: listHeaders(unsub),
	}, noAfter, nil
}
