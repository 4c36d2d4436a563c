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

// loadPair reads a pair and both its people for an email of kind. The
// closing survey and a round's end still go to a pair that has just ended,
// and the no-fault note to a pair ended early; nothing else goes to a pair
// that is over.
func (d *Deliverer) loadPair(ctx context.Context, kind sendqueue.Kind, programmeID, pairID string) (pairContext, error) {
	var pc pairContext
	var err error
	if pc.prog, err = d.data.GetProgramme(ctx, programmeID); err != nil {
		return pc, gone(err)
	}
	if pc.pair, err = d.data.GetPair(ctx, programmeID, pairID); err != nil {
		return pc, gone(err)
	}
	endedOK := (kind == sendqueue.KindClosing || kind == sendqueue.KindRoundEnd) && pc.pair.State == programme.PairEnded ||
		kind == sendqueue.KindPairEnded && !pc.pair.State.Live()
	if !pc.pair.State.Live() && !endedOK {
		return pc, fmt.Errorf("pair %s is %s: %w", pc.pair.ID, pc.pair.State, ErrSkipped)
	}
	if pc.senior, err = d.data.GetParticipant(ctx, programmeID, pc.pair.SeniorID); err != nil && !(kind == sendqueue.KindPairEnded && errors.Is(err, store.ErrNotFound)) {
		return pc, gone(err)
	}
	if pc.junior, err = d.data.GetParticipant(ctx, programmeID, pc.pair.JuniorID); err != nil && !(kind == sendqueue.KindPairEnded && errors.Is(err, store.ErrNotFound)) {
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
func (d *Deliverer) composeIntro(ctx context.Context, j sendqueue.Intro) (Email, func(context.Context, time.Time) error, error) {
	pc, err := d.loadPair(ctx, sendqueue.KindIntro, j.ProgrammeID, j.PairID)
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
	text, html, err := d.r.render(sendqueue.KindIntro, data)
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

// personJob is an email to one person of a pair.
type personJob struct {
	kind                               sendqueue.Kind
	programmeID, participantID, pairID string
	// cycle is the check-in's number (0 for emails outside the schedule).
	cycle int
}

type personData struct {
	common
	Kind   sendqueue.Kind
	Person programme.Participant
	// Partner is empty when the partner's data was erased (a pair ended
	// by an erasure).
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
func (d *Deliverer) composeForPerson(ctx context.Context, j personJob) (Email, func(context.Context, time.Time) error, error) {
	pc, err := d.loadPair(ctx, j.kind, j.programmeID, j.pairID)
	if err != nil {
		return Email{}, nil, err
	}
	var person, partner programme.Participant
	switch j.participantID {
	case pc.pair.SeniorID:
		person, partner = pc.senior, pc.junior
	case pc.pair.JuniorID:
		person, partner = pc.junior, pc.senior
	default:
		return Email{}, nil, fmt.Errorf("participant %s is not in pair %s: %w", j.participantID, pc.pair.ID, ErrSkipped)
	}
	if person.ID == "" {
		return Email{}, nil, fmt.Errorf("participant %s was erased: %w", j.participantID, ErrSkipped)
	}
	if err := d.mailable(ctx, person); err != nil {
		return Email{}, nil, err
	}
	plan := schedule.NewPlan(pc.prog, pc.pair)
	since := pc.pair.Start()
	switch {
	case j.kind == sendqueue.KindRoundEnd:
		// "since" is the last check-in.
		if k := plan.LatestDue(person.Loc(), d.clock.Now()); k > 0 {
			since = plan.Date(k)
		}
	case j.cycle > 1:
		since = plan.Date(j.cycle - 1)
	}
	// A reply's token names the check-in it answers; emails outside the
	// schedule are told apart by their kind and pair alone.
	ref := token.Ref{ProgrammeID: pc.prog.ID, ParticipantID: person.ID, PairID: pc.pair.ID, Kind: j.kind.ReplyKind(), Cycle: j.cycle}
	replyTo, err := d.signer.ReplyAddress(ref, d.settings.MailDomain)
	if err != nil {
		return Email{}, nil, err
	}
	unsub, err := d.unsubscribeURL(ref)
	if err != nil {
		return Email{}, nil, err
	}
	data := personData{
		common: common{Programme: pc.prog, UnsubscribeURL: unsub}, Kind: j.kind, Person: person, Partner: partner,
		IsSenior: person.Role == programme.Senior, Cycle: j.cycle, Since: since.Format("Monday 2 January"),
		Question: question(person.Role == programme.Senior, j.cycle),
	}
	template := sendqueue.KindCheckIn
	switch j.kind {
	case sendqueue.KindMidpoint:
		data.Subject = fmt.Sprintf("Halfway through %s: how is it going with %s?", pc.prog.Name, partner.Name)
	case sendqueue.KindNudge:
		template = sendqueue.KindNudge
		data.Subject = fmt.Sprintf("Time to catch up with %s?", partner.Name)
	case sendqueue.KindClosing:
		template = sendqueue.KindClosing
		data.Subject = fmt.Sprintf("%s ends today: a last check-in and a thank-you", pc.prog.Name)
	case sendqueue.KindRoundEnd:
		template = sendqueue.KindRoundEnd
		data.Subject = fmt.Sprintf("Your pairing with %s ends today: thank you", partner.Name)
	case sendqueue.KindPairEnded:
		template = sendqueue.KindPairEnded
		data.Subject = "Your pairing has ended"
		if partner.Name != "" {
			data.Subject = fmt.Sprintf("Your pairing with %s has ended", partner.Name)
		}
		if at, ok := pc.prog.NextRound(d.clock.Now()); ok {
			data.NextRound = at.In(person.Loc()).Format("Monday 2 January")
		}
	case sendqueue.KindCheckIn:
		data.Subject = fmt.Sprintf("Check-in: did you and %s meet since %s?", partner.Name, data.Since)
	default:
		return Email{}, nil, fmt.Errorf("no email to one person of a pair for kind %q", j.kind)
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
