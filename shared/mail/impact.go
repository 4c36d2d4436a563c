package mail

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// ImpactStore is what the emails about goals, applied learning, consents
// and journals need besides Data.
type ImpactStore interface {
	GetGoal(ctx context.Context, programmeID, participantID, pairID string) (store.Goal, error)
	GetApplied(ctx context.Context, programmeID, pairID string) (store.Applied, error)
	ListStories(ctx context.Context, programmeID string) ([]store.Story, error)
	ListReplies(ctx context.Context, programmeID, participantID string) ([]store.Reply, error)
	OrgChartLines(ctx context.Context) ([]store.OrgLine, store.OrgChart, error)
}

// Reflection is something a person wrote to Upward in a pairing.
type Reflection struct {
	At   time.Time
	Text string
}

type pairNoteData struct {
	common
	Person, Partner programme.Participant
	IsSenior        bool
	// About is the person whose words the email carries (the partner).
	About programme.Participant
	// LeadKey and AfterKey frame Message, their quoted words.
	LeadKey, AfterKey string
	Message           string
	Goal              string
	Reflections       []Reflection
}

// composePairNote renders the emails about a pairing itself: the goal
// question, a partner's shared goal or applied learning (quoted, as they
// wrote it and chose to share it), the questions of consent, and the
// closing journal of a person's own words.
func (d *Deliverer) composePairNote(ctx context.Context, j sendqueue.PairNote) (Email, func(context.Context, time.Time) error, error) {
	pc, err := d.loadPair(ctx, j.Email, j.ProgrammeID, j.PairID)
	if err != nil {
		return Email{}, nil, err
	}
	data := pairNoteData{}
	switch j.ParticipantID {
	case pc.pair.SeniorID:
		data.Person, data.Partner, data.IsSenior = pc.senior, pc.junior, true
	case pc.pair.JuniorID:
		data.Person, data.Partner = pc.junior, pc.senior
	default:
		return Email{}, nil, fmt.Errorf("participant %s is not in pair %s: %w", j.ParticipantID, pc.pair.ID, ErrSkipped)
	}
	if err := d.mailable(ctx, data.Person); err != nil {
		return Email{}, nil, err
	}
	data.About = data.Partner
	l := data.Person.EmailLanguage(pc.prog)
	data.common = d.newCommon(pc.prog, l)
	template := j.Email
	switch j.Email {
	case sendqueue.KindGoalAsk:
	case sendqueue.KindGoalShared:
		g, err := d.data.GetGoal(ctx, j.ProgrammeID, j.About, j.PairID)
		if err != nil {
			return Email{}, nil, gone(err)
		}
		if g.SharedVersion == 0 {
			return Email{}, nil, fmt.Errorf("the goal is not shared: %w", ErrSkipped)
		}
		data.Message, data.LeadKey, data.AfterKey = g.Text, "goal_shared.lead", "goal_shared.after"
	case sendqueue.KindAppliedShared, sendqueue.KindRecognitionAsk:
		a, err := d.data.GetApplied(ctx, j.ProgrammeID, j.PairID)
		if err != nil {
			return Email{}, nil, gone(err)
		}
		if a.SharedAt.IsZero() {
			return Email{}, nil, fmt.Errorf("what was applied is not shared: %w", ErrSkipped)
		}
		data.Message = a.Text
		data.LeadKey, data.AfterKey = "applied_shared.lead", "applied_shared.after"
		if j.Email == sendqueue.KindRecognitionAsk {
			data.LeadKey, data.AfterKey = "recognition_ask.lead", "recognition_ask.after"
		}
	case sendqueue.KindStoryConsentAsk:
		st, err := d.story(ctx, j.ProgrammeID, j.About, j.Ref)
		if err != nil {
			return Email{}, nil, err
		}
		data.Message, data.LeadKey, data.AfterKey = st.Text, "story_consent_ask.lead", "story_consent_ask.after"
	case sendqueue.KindJournal:
		if j.Reply != "" {
			if _, err := d.data.GetReply(ctx, j.ProgrammeID, data.Person.ID, j.Reply); err != nil {
				return Email{}, nil, fmt.Errorf("the answer the journal follows: %w", err)
			}
		}
		if data.Goal, data.Reflections, err = d.journal(ctx, j.ProgrammeID, data.Person.ID, j.PairID); err != nil {
			return Email{}, nil, err
		}
	default:
		return Email{}, nil, fmt.Errorf("no note about a pairing of kind %q", j.Email)
	}
	ref := token.Ref{ProgrammeID: pc.prog.ID, ParticipantID: data.Person.ID, PairID: pc.pair.ID, Kind: j.Email.ReplyKind()}
	replyTo, err := d.signer.ReplyAddress(ref, d.settings.MailDomain)
	if err != nil {
		return Email{}, nil, err
	}
	if data.UnsubscribeURL, err = d.unsubscribeURL(ref); err != nil {
		return Email{}, nil, err
	}
	if data.Click, err = d.clicks(ref, pc.prog); err != nil {
		return Email{}, nil, err
	}
	if data.PageURL, err = d.pageURL(pc.prog, data.Person.ID, pc.pair.ID); err != nil {
		return Email{}, nil, err
	}
	if data.Subject, err = d.r.say(data, string(j.Email)+".subject"); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(template, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(pc.prog), To: []string{data.Person.Email}, ReplyTo: []string{replyTo}, Subject: data.Subject,
		Text: text, HTML: html, Lang: l, Headers: listHeaders(data.UnsubscribeURL)}, noAfter, nil
}

// story finds a story by its author and key.
func (d *Deliverer) story(ctx context.Context, programmeID, authorID, key string) (store.Story, error) {
	stories, err := d.data.ListStories(ctx, programmeID)
	if err != nil {
		return store.Story{}, err
	}
	for _, st := range stories {
		if st.ParticipantID == authorID && st.Key == key {
			if !st.Consent || !st.WithdrawnAt.IsZero() {
				return st, fmt.Errorf("the story was withdrawn: %w", ErrSkipped)
			}
			return st, nil
		}
	}
	return store.Story{}, fmt.Errorf("story %s: %w", key, ErrSkipped)
}

// journal is a person's own goal and reflections in one pairing: the words
// of their replies, oldest first.
func (d *Deliverer) journal(ctx context.Context, programmeID, personID, pairID string) (string, []Reflection, error) {
	goal := ""
	g, err := d.data.GetGoal(ctx, programmeID, personID, pairID)
	switch {
	case err == nil:
		goal = g.Text
	case !errors.Is(err, store.ErrNotFound):
		return "", nil, err
	}
	rs, err := d.data.ListReplies(ctx, programmeID, personID)
	if err != nil {
		return "", nil, err
	}
	return goal, Reflections(rs, pairID), nil
}

// Reflections are the words a person wrote in one pairing, oldest first,
// from their replies and from the text boxes of the pages their links
// open: what their journal and their own page show them, and nobody else.
// Their goal is not among them (it has its own place), nor the answers
// and commands a reply held.
func Reflections(rs []store.Reply, pairID string) []Reflection {
	var out []Reflection
	for _, r := range rs {
		if r.PairID != pairID || r.Context == token.KindGoal.String() {
			continue
		}
		text := strings.TrimSpace(r.Text)
		if r.Via != store.ViaLink {
			// A reply is the whole message: its own words are what the
			// parser did not read as answers.
			text = strings.TrimSpace(replies.Understand(r.Text, replies.Options{Context: replies.CheckIn}).FreeText)
		}
		if text == "" {
			continue
		}
		out = append(out, Reflection{At: r.ReceivedAt, Text: text})
	}
	sort.Slice(out, func(i, k int) bool { return out[i].At.Before(out[k].At) })
	return out
}

type recognitionData struct {
	common
	Senior, Junior programme.Participant
	Message        string
}

// composeRecognition writes to the junior's manager, with both consents
// still standing when it goes: what the senior says the mentoring changed.
// It is in the junior's language, the one their workplace most likely
// shares.
func (d *Deliverer) composeRecognition(ctx context.Context, j sendqueue.Recognition) (Email, func(context.Context, time.Time) error, error) {
	a, err := d.data.GetApplied(ctx, j.ProgrammeID, j.PairID)
	if err != nil {
		return Email{}, nil, gone(err)
	}
	if !a.ManagerMayHear() {
		return Email{}, nil, fmt.Errorf("a consent was withdrawn: %w", ErrSkipped)
	}
	prog, junior, err := d.programmeAndPerson(ctx, j.ProgrammeID, j.JuniorID)
	if err != nil {
		return Email{}, nil, err
	}
	senior, err := d.data.GetParticipant(ctx, j.ProgrammeID, j.SeniorID)
	if err != nil {
		return Email{}, nil, gone(err)
	}
	manager, err := d.managerOf(ctx, junior)
	if err != nil {
		return Email{}, nil, err
	}
	if sup, err := d.data.IsSuppressed(ctx, manager); err != nil || sup {
		if err != nil {
			return Email{}, nil, err
		}
		return Email{}, nil, fmt.Errorf("the manager's address is suppressed: %w", ErrSkipped)
	}
	l := junior.EmailLanguage(prog)
	data := recognitionData{common: d.newCommon(prog, l), Senior: senior, Junior: junior, Message: a.Text}
	data.ForCoordinator = true // no participant's privacy line: they are not one
	if data.Subject, err = d.r.say(data, "recognition.subject"); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(sendqueue.KindRecognition, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(prog), To: []string{manager}, Subject: data.Subject, Text: text, HTML: html, Lang: l}, noAfter, nil
}

// managerOf is a person's manager: from their enrolment, else the org
// chart.
func (d *Deliverer) managerOf(ctx context.Context, x programme.Participant) (string, error) {
	if x.ManagerEmail != "" {
		return x.ManagerEmail, nil
	}
	lines, _, err := d.data.OrgChartLines(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	for _, line := range lines {
		if strings.EqualFold(line.Employee, x.Email) && line.Manager != "" {
			return line.Manager, nil
		}
	}
	return "", fmt.Errorf("%s has no known manager: %w", x.ID, ErrSkipped)
}
