package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/token"
)

type ackData struct {
	common
	programmeWords
	What    sendqueue.AckTopic
	Person  programme.Participant
	Partner *programme.Participant
	// BodyKey is the message that answers, AfterKey what follows a quote;
	// Help the lines of a HELP answer.
	BodyKey  string
	AfterKey string
	Help     []string
	Topics   []string
	Until    time.Time
	// PauseDays is how long PAUSE pauses.
	PauseDays int
	NextRound time.Time
	TooLate   bool
	Message   string
	// Read is what Upward read of a reply it could not understand.
	Read string
	// IsJunior says whose manager a note about the mentoring goes to; Due
	// is when it goes.
	IsJunior bool
	Due      time.Time
}

// ackKeys are the acknowledgement topics with their own message.
var ackKeys = map[sendqueue.AckTopic]string{
	sendqueue.AckPaused: "ack.paused", sendqueue.AckResumed: "ack.resumed", sendqueue.AckStopped: "ack.stopped",
	sendqueue.AckRematch: "ack.rematch", sendqueue.AckHelp: "ack.help", sendqueue.AckStory: "ack.story",
	sendqueue.AckStoryWithdrawn: "ack.story_withdrawn", sendqueue.AckJoined: "ack.joined", sendqueue.AckDeclined: "ack.declined",
	sendqueue.AckUnclear: "ack.unclear", sendqueue.AckThanks: "ack.thanks_forwarded", sendqueue.AckLanguage: "ack.language",
	sendqueue.AckLanguageUnknown: "ack.language_unknown", sendqueue.AckUnclearCheckIn: "ack.unclear_checkin",
	sendqueue.AckThanksEmpty: "ack.thanks_empty",
	sendqueue.AckGoalSet:     "ack.goal_set", sendqueue.AckGoalHow: "ack.goal_how", sendqueue.AckGoalShared: "ack.goal_shared",
	sendqueue.AckAppliedShared: "ack.applied_shared", sendqueue.AckAppliedHow: "ack.applied_how",
	sendqueue.AckRecognitionAsked: "ack.recognition_asked", sendqueue.AckRecognitionScheduled: "ack.recognition_scheduled",
	sendqueue.AckRecognitionWithdrawn: "ack.recognition_withdrawn", sendqueue.AckRecognitionSent: "ack.recognition_sent",
	sendqueue.AckStoryPending: "ack.story_pending", sendqueue.AckStoryConsented: "ack.story_consented",
	sendqueue.AckStoryRefused: "ack.story_refused",
	// Publishing a story: the answers live with its other messages.
	sendqueue.AckPublicationAgreed: "publication.agreed", sendqueue.AckPublicationRefused: "publication.refused",
	sendqueue.AckPublicationChanged: "publication.changed", sendqueue.AckPublicationClosed: "publication.closed",
}

// composeAck answers a reply's command in a few lines, in the person's
// language (after LANGUAGE, the new one). It goes even to someone who just
// stopped (the one confirmation they expect), but never to a suppressed
// address.
func (d *Deliverer) composeAck(ctx context.Context, j sendqueue.Ack) (Email, func(context.Context, time.Time) error, error) {
	key, known := ackKeys[j.Topic]
	if !known {
		return Email{}, nil, fmt.Errorf("no acknowledgement written for %q", j.Topic)
	}
	prog, person, err := d.answerable(ctx, j.ProgrammeID, j.ParticipantID)
	if err != nil {
		return Email{}, nil, err
	}
	l := person.EmailLanguage(prog)
	if j.Language.Valid() {
		l = j.Language
	}
	now := d.clock.Now()
	data := ackData{common: d.newCommon(prog, l), What: j.Topic, Person: person, BodyKey: key + ".body", PauseDays: int(programme.PauseByReply / (24 * time.Hour))}
	if data.PageURL, err = d.pageURL(prog, person.ID, j.PairID); err != nil {
		return Email{}, nil, err
	}
	if data.programmeWords, err = d.programmeWords(prog, l); err != nil {
		return Email{}, nil, err
	}
	data.Topics = localTopics(prog, data.Texts, person.Topics)
	var pair *programme.Pair
	if j.PairID != "" {
		if p, err := d.data.GetPair(ctx, j.ProgrammeID, j.PairID); err == nil {
			pair = &p
			if partner, err := d.data.GetParticipant(ctx, j.ProgrammeID, p.Other(person.ID)); err == nil {
				data.Partner = &partner
			}
			data.Until = p.PausedUntil
		}
	}
	if data.Until.IsZero() {
		data.Until = now.Add(programme.PauseByReply)
	}
	data.Until = data.Until.In(person.Loc())
	if next, ok := prog.NextRound(now); ok {
		data.NextRound = next.In(person.Loc())
	} else {
		data.TooLate = prog.End().Sub(now) < programme.MinPairRunway
	}
	if j.Topic == sendqueue.AckPaused && (pair == nil || !pair.State.Live()) {
		data.BodyKey = "ack.paused_unpaired.body"
		key = "ack.paused_unpaired"
	}
	switch j.Topic {
	case sendqueue.AckHelp, sendqueue.AckUnclearCheckIn:
		data.Help = helpFor(person, pair)
	case sendqueue.AckLanguageUnknown:
		data.Help = []string{"help.language"}
	}
	switch j.Topic {
	case sendqueue.AckUnclear, sendqueue.AckUnclearCheckIn:
		// Quote what was read. The reply is recorded just after its
		// answers are queued: until it is, try again later.
		rec, err := d.data.GetReply(ctx, j.ProgrammeID, j.ParticipantID, j.Reply)
		if err != nil {
			return Email{}, nil, fmt.Errorf("the reply being answered: %w", err)
		}
		data.Read = rec.Read
		data.AfterKey = key + ".after"
	case sendqueue.AckThanks:
		// Quote exactly what was forwarded.
		t, err := d.data.GetThanks(ctx, j.ProgrammeID, j.ParticipantID, j.Reply)
		if err != nil {
			return Email{}, nil, gone(err)
		}
		data.Message = t.Text
	case sendqueue.AckGoalSet:
		// Quote the goal as it was kept.
		g, err := d.data.GetGoal(ctx, j.ProgrammeID, j.ParticipantID, j.PairID)
		if err != nil {
			return Email{}, nil, gone(err)
		}
		data.Message, data.AfterKey = g.Text, key+".after"
	}
	var replyTo []string
	switch j.Topic {
	case sendqueue.AckRecognitionAsked, sendqueue.AckRecognitionScheduled:
		// These say "reply NO to this email": a reply to it withdraws
		// the consent, so it carries the pairing's recognition token.
		if pair == nil {
			return Email{}, nil, fmt.Errorf("a note to a manager needs its pairing: %w", ErrSkipped)
		}
		data.IsJunior = pair.JuniorID == person.ID
		a, err := d.data.GetApplied(ctx, j.ProgrammeID, pair.ID)
		if err != nil {
			return Email{}, nil, gone(err)
		}
		data.Due = a.RecognitionDue.In(person.Loc())
		ref := token.Ref{ProgrammeID: prog.ID, ParticipantID: person.ID, PairID: pair.ID, Kind: token.KindRecognition}
		addr, err := d.signer.ReplyAddress(ref, d.settings.MailDomain)
		if err != nil {
			return Email{}, nil, err
		}
		replyTo = []string{addr}
		// Or NO by a click: the same link as the question's own.
		click, err := d.clicks(ref, prog)
		if err != nil {
			return Email{}, nil, err
		}
		data.Click.No = click.No
	}
	if data.Subject, err = d.r.say(data, key+".subject"); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(sendqueue.KindAck, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(prog), To: []string{person.Email}, ReplyTo: replyTo, Subject: data.Subject + " — " + prog.Name, Text: text, HTML: html, Lang: l,
		Headers: map[string]string{"Auto-Submitted": "auto-replied"}}, noAfter, nil
}

// answerable is the programme and person an answer to their reply goes
// to: even someone who just stopped (the one confirmation they expect),
// never a bounced or suppressed address.
func (d *Deliverer) answerable(ctx context.Context, programmeID, participantID string) (programme.Programme, programme.Participant, error) {
	prog, person, err := d.programmeAndPerson(ctx, programmeID, participantID)
	if err != nil {
		return prog, person, err
	}
	if person.Status == programme.Bounced {
		return prog, person, fmt.Errorf("%s bounced: %w", person.ID, ErrSkipped)
	}
	if sup, err := d.data.IsSuppressed(ctx, person.Email); err != nil || sup {
		if err != nil {
			return prog, person, err
		}
		return prog, person, fmt.Errorf("%s is suppressed: %w", person.ID, ErrSkipped)
	}
	return prog, person, nil
}

// helpFor lists what someone can reply where they are: before joining,
// joining; in a pair, the pair's answers and commands; paused, resuming.
func helpFor(person programme.Participant, pair *programme.Pair) []string {
	live := pair != nil && pair.State.Live()
	var out []string
	switch {
	case live && pair.State == programme.PairPaused:
		out = append(out, "help.yes_no", "help.resume", "help.rematch", "help.story")
	case live:
		out = append(out, "help.yes_no", "help.pause", "help.rematch", "help.story")
	case person.Status == programme.Invited || person.Status == programme.Declined:
		out = append(out, "help.join", "help.decline")
	case person.Status == programme.Paused || person.Status == programme.Stopped:
		out = append(out, "help.resume")
	default:
		out = append(out, "help.pause", "help.story")
	}
	return append(out, "help.language", "help.stop", "help.help")
}

// composeThanks forwards a thank-you to the partner, in the partner's
// language around the writer's own words.
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
	l := to.EmailLanguage(prog)
	data := ackData{common: d.newCommon(prog, l), Person: to, Partner: &from, Message: t.Text}
	if data.PageURL, err = d.pageURL(prog, to.ID, t.PairID); err != nil {
		return Email{}, nil, err
	}
	if data.Subject, err = d.r.say(data, "thanks.subject"); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(sendqueue.KindThanks, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(prog), To: []string{to.Email}, Subject: data.Subject, Text: text, HTML: html, Lang: l}, noAfter, nil
}
