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

// afterTheEnd are the notes about a pairing that belong to its end or
// after it: what was applied, the consents, a story, the journal.
var afterTheEnd = map[sendqueue.Kind]bool{sendqueue.KindGoalShared: true, sendqueue.KindAppliedShared: true, sendqueue.KindRecognitionAsk: true,
	sendqueue.KindStoryConsentAsk: true, sendqueue.KindJournal: true}

// loadPair reads a pair and both its people for an email of kind. The
// closing survey and a round's end still go to a pair that has just ended,
// and the no-fault note to a pair ended early; nothing else goes to a pair
// that is over, except the notes of afterTheEnd.
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
		endNote(kind) && !pc.pair.State.Live() || afterTheEnd[kind]
	if !pc.pair.State.Live() && !endedOK {
		return pc, fmt.Errorf("pair %s is %s: %w", pc.pair.ID, pc.pair.State, ErrSkipped)
	}
	if pc.senior, err = d.data.GetParticipant(ctx, programmeID, pc.pair.SeniorID); err != nil && !(endNote(kind) && errors.Is(err, store.ErrNotFound)) {
		return pc, gone(err)
	}
	if pc.junior, err = d.data.GetParticipant(ctx, programmeID, pc.pair.JuniorID); err != nil && !(endNote(kind) && errors.Is(err, store.ErrNotFound)) {
		return pc, gone(err)
	}
	return pc, nil
}

// endNote reports the no-fault notes that go to a pair ended early: the
// pair-ended note and the organisational-change note.
func endNote(kind sendqueue.Kind) bool {
	return kind == sendqueue.KindPairEnded || kind == sendqueue.KindReorgEnded
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
	programmeWords
	Pair           programme.Pair
	Senior, Junior programme.Participant
	// Reader is the one person this copy is for, when each reads their own
	// language; nil when one email in one language goes to both.
	Reader       *programme.Participant
	SeniorTopics []string
	JuniorTopics []string
	SharedTopics []string
	// Why are the messages that say what the two can give each other.
	Why       []string
	Slot      slot
	SlotKey   string
	Resources []programme.Resource
	// Assistant is the senior's assistant's address, when they named one:
	// the introduction tells the junior who else sees the scheduling part.
	Assistant string
}

// composeIntro introduces a pair, with Reply-To both people so they answer
// each other directly and their conversation never reaches Upward. When
// both read the same language it is one email to both, sent by the
// senior's job (the junior's sends nothing); otherwise each gets a copy in
// their own language, so nobody reads half an email in a language they may
// not know, and a reply from either still reaches both.
func (d *Deliverer) composeIntro(ctx context.Context, j sendqueue.Intro) (Email, func(context.Context, time.Time) error, error) {
	pc, err := d.loadPair(ctx, sendqueue.KindIntro, j.ProgrammeID, j.PairID)
	if err != nil {
		return Email{}, nil, err
	}
	if err := d.mailable(ctx, pc.senior, pc.junior); err != nil {
		return Email{}, nil, err
	}
	sl, jl := pc.senior.EmailLanguage(pc.prog), pc.junior.EmailLanguage(pc.prog)
	l, reader := sl, (*programme.Participant)(nil)
	switch j.ParticipantID {
	case pc.senior.ID:
		if sl != jl {
			reader = &pc.senior
		}
	case pc.junior.ID:
		if sl == jl {
			return Email{}, nil, fmt.Errorf("the senior's introduction, in %s, is for both: %w", sl, ErrSkipped)
		}
		l, reader = jl, &pc.junior
	default:
		return Email{}, nil, fmt.Errorf("participant %s is not in pair %s: %w", j.ParticipantID, pc.pair.ID, ErrSkipped)
	}
	data := introData{common: d.newCommon(pc.prog, l), Pair: pc.pair, Senior: pc.senior, Junior: pc.junior, Reader: reader}
	if reader != nil {
		// A copy for one reader links to their own page; one email to
		// both cannot link to either's.
		if data.PageURL, err = d.pageURL(pc.prog, reader.ID, pc.pair.ID); err != nil {
			return Email{}, nil, err
		}
	}
	if data.programmeWords, err = d.programmeWords(pc.prog, l); err != nil {
		return Email{}, nil, err
	}
	data.SeniorTopics = localTopics(pc.prog, data.Texts, pc.senior.Topics)
	data.JuniorTopics = localTopics(pc.prog, data.Texts, pc.junior.Topics)
	data.SharedTopics = localTopics(pc.prog, data.Texts, sharedTopics(pc.senior.Topics, pc.junior.Topics))
	data.Why = whyMatched(pc.senior, pc.junior, data.SharedTopics)
	data.Resources = data.Texts.Resources
	if data.Assistant, err = d.assistantOf(ctx, pc.prog.ID, pc.senior.ID); err != nil {
		return Email{}, nil, err
	}
	data.Slot = meetingSlot(pc.prog, pc.pair, pc.senior, pc.junior)
	switch {
	case !data.Slot.Fair:
		data.SlotKey = "intro.slot_unfair"
	case data.Slot.Senior.Format("15:04 2006-01-02") == data.Slot.Junior.Format("15:04 2006-01-02"):
		data.SlotKey = "intro.slot_same"
	default:
		data.SlotKey = "intro.slot_both"
	}
	if data.Subject, err = d.r.say(data, "intro.subject"); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(sendqueue.KindIntro, data)
	if err != nil {
		return Email{}, nil, err
	}
	summary, err := d.r.say(data, "intro.ics_summary")
	if err != nil {
		return Email{}, nil, err
	}
	description, err := d.r.say(data, "intro.ics_description")
	if err != nil {
		return Email{}, nil, err
	}
	invite, err := meetingInvite(pc.prog, pc.pair, pc.senior, pc.junior, data.Slot, summary, data.Texts.PurposeStatement+"\n\n"+description)
	if err != nil {
		return Email{}, nil, err
	}
	both := []string{pc.senior.Email, pc.junior.Email}
	to := both
	readers := []string{pc.senior.ID, pc.junior.ID}
	if reader != nil {
		to, readers = []string{reader.Email}, []string{reader.ID}
	}
	return Email{
		From: d.from(pc.prog), To: to, ReplyTo: both, Subject: data.Subject, Text: text, HTML: html, Lang: l,
		Attachments: []Attachment{{Name: "first-meeting.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: invite}},
	}, d.askGoals(pc, readers), nil
}

// askGoals queues, once an introduction is sent, the question of what
// each of its readers wants from the pairing: after it, never before it,
// whatever order the queue delivers in. It runs again when the
// introduction's job comes back (the ledger then sends nothing twice).
func (d *Deliverer) askGoals(pc pairContext, readers []string) func(context.Context, time.Time) error {
	return func(ctx context.Context, _ time.Time) error {
		if d.followUps == nil {
			return nil
		}
		var jobs []sendqueue.Job
		for _, id := range readers {
			jobs = append(jobs, sendqueue.PairNote{Email: sendqueue.KindGoalAsk, ProgrammeID: pc.prog.ID, ParticipantID: id, PairID: pc.pair.ID})
		}
		if err := d.followUps.Enqueue(ctx, jobs...); err != nil {
			return fmt.Errorf("queue the goal questions: %w", err)
		}
		return nil
	}
}

// whyMatched says, for the two people, what they can give each other:
// topics one wants and the other shares, different parts of the
// organisation, different places. It never speaks of grades or of anything
// only the coordinator's review should see.
func whyMatched(senior, junior programme.Participant, shared []string) []string {
	var why []string
	if len(shared) > 0 {
		why = append(why, "intro.why_topics")
	}
	if senior.Department != "" && junior.Department != "" && !strings.EqualFold(senior.Department, junior.Department) {
		why = append(why, "intro.why_departments")
	}
	if senior.Location != "" && junior.Location != "" && !strings.EqualFold(senior.Location, junior.Location) {
		why = append(why, "intro.why_locations")
	}
	if len(why) == 0 {
		why = append(why, "intro.why_general")
	}
	return why
}

// sharedTopics are the topics a senior wants that their junior shares.
func sharedTopics(wants, shares []string) []string {
	var out []string
	for _, w := range wants {
		for _, s := range shares {
			if strings.EqualFold(w, s) {
				out = append(out, w)
				break
			}
		}
	}
	return out
}

// localTopics shows a person's topics (stored as the programme's default
// wording) in the reader's language; a topic outside the vocabulary (in the
// person's own words) is shown as written.
func localTopics(p programme.Programme, t programme.Texts, topics []string) []string {
	out := make([]string, 0, len(topics))
	for _, topic := range topics {
		name := topic
		for i, v := range p.Topics {
			if strings.EqualFold(v, topic) && i < len(t.Topics) {
				name = t.Topics[i]
				break
			}
		}
		out = append(out, name)
	}
	return out
}

func noAfter(context.Context, time.Time) error { return nil }

// personJob is an email to one person of a pair.
type personJob struct {
	kind                               sendqueue.Kind
	programmeID, participantID, pairID string
	// cycle is the check-in's number (0 for emails outside the schedule).
	cycle int
}

type personData struct {
	common
	programmeWords
	Kind     sendqueue.Kind
	Midpoint bool
	Person   programme.Participant
	// Partner is empty when the partner's data was erased (a pair ended
	// by an erasure).
	Partner  programme.Participant
	IsSenior bool
	Cycle    int
	Since    time.Time
	Question string
	// Tip is a short guide sent with the first check-ins.
	Tip *tip
	// NextRound is when the next scheduled round pairs people again (zero:
	// none); NextKey says what happens next after a pair ended.
	NextRound time.Time
	NextKey   string
	// Goal is the person's own goal for the pairing, quoted back to them
	// when the midpoint and closing surveys ask how far they came.
	Goal string
}

// composeForPerson renders a check-in, midpoint survey, nudge, closing
// survey, round end or pair-ended note for one person, with their own
// signed reply address, in their language.
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
	now := d.clock.Now()
	plan := schedule.NewPlan(pc.prog, pc.pair)
	since := pc.pair.Start()
	switch {
	case j.kind == sendqueue.KindRoundEnd:
		// "since" is the last check-in.
		if k := plan.LatestDue(person.Loc(), now); k > 0 {
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
	l := person.EmailLanguage(pc.prog)
	data := personData{
		common: d.newCommon(pc.prog, l), Kind: j.kind, Midpoint: j.kind == sendqueue.KindMidpoint, Person: person, Partner: partner,
		IsSenior: person.Role == programme.Senior, Cycle: j.cycle, Since: since,
	}
	data.UnsubscribeURL = unsub
	if data.Click, err = d.clicks(ref, pc.prog); err != nil {
		return Email{}, nil, err
	}
	if data.PageURL, err = d.pageURL(pc.prog, person.ID, pc.pair.ID); err != nil {
		return Email{}, nil, err
	}
	if data.programmeWords, err = d.programmeWords(pc.prog, l); err != nil {
		return Email{}, nil, err
	}
	after := noAfter
	if next, ok := pc.prog.NextRound(now); ok {
		data.NextRound = next
	}
	if j.kind == sendqueue.KindMidpoint || j.kind == sendqueue.KindClosing {
		g, err := d.data.GetGoal(ctx, pc.prog.ID, person.ID, pc.pair.ID)
		switch {
		case err == nil:
			data.Goal = g.Text
		case !errors.Is(err, store.ErrNotFound):
			return Email{}, nil, err
		}
	}
	template, subject := sendqueue.KindCheckIn, "checkin.subject"
	switch j.kind {
	case sendqueue.KindCheckIn, sendqueue.KindMidpoint:
		if data.Midpoint {
			subject = "checkin.subject_midpoint"
		}
		q, err := d.question(ctx, pc.prog, person, pc.pair.ID, j.cycle, l)
		if err != nil {
			return Email{}, nil, err
		}
		data.Question = q.text
		after = q.asked
		if data.Tip, err = d.tipFor(person.Role, j.cycle, l); err != nil {
			return Email{}, nil, err
		}
	case sendqueue.KindNudge:
		template, subject = sendqueue.KindNudge, "nudge.subject"
	case sendqueue.KindClosing:
		template, subject = sendqueue.KindClosing, "closing.subject"
	case sendqueue.KindRoundEnd:
		template, subject = sendqueue.KindRoundEnd, "round_end.subject"
	case sendqueue.KindPairEnded:
		template, subject = sendqueue.KindPairEnded, "pair_ended.subject"
		if partner.Name == "" {
			subject = "pair_ended.subject_anonymous"
		}
		data.NextKey = nextAfterEnd(pc.prog, now)
	case sendqueue.KindReorgEnded:
		// Like the pair-ended note, but saying why: an organisational
		// change, nobody's doing.
		template, subject = sendqueue.KindReorgEnded, "reorg_ended.subject"
		if partner.Name == "" {
			subject = "reorg_ended.subject_anonymous"
		}
		data.NextKey = nextAfterEnd(pc.prog, now)
	default:
		return Email{}, nil, fmt.Errorf("no email to one person of a pair for kind %q", j.kind)
	}
	if data.Subject, err = d.r.say(data, subject); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(template, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{
		From: d.from(pc.prog), To: []string{person.Email}, ReplyTo: []string{replyTo},
		Subject: data.Subject, Text: text, HTML: html, Lang: l, Headers: listHeaders(unsub),
	}, after, nil
}

// nextAfterEnd says what happens to someone whose pair ended early: the
// next round pairs them; else, with enough of the programme left, the
// coordinator looks for a partner; else the programme is nearly over.
func nextAfterEnd(p programme.Programme, now time.Time) string {
	if _, ok := p.NextRound(now); ok {
		return "pair_ended.next_round"
	}
	if p.End().Sub(now) >= programme.MinPairRunway {
		return "pair_ended.coordinator"
	}
	return "pair_ended.too_late"
}
