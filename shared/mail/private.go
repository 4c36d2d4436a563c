package mail

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// PrivateStore is what the emails about private preferences and
// assistants read.
type PrivateStore interface {
	NotWithOf(ctx context.Context, programmeID, participantID string) ([]store.NotWith, error)
	GetAssistant(ctx context.Context, programmeID, seniorID string) (store.Assistant, error)
}

// assistantOf is a senior's assistant's address, "" when none.
func (d *Deliverer) assistantOf(ctx context.Context, programmeID, seniorID string) (string, error) {
	a, err := d.data.GetAssistant(ctx, programmeID, seniorID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return a.Email, err
}

type preferencesData struct {
	common
	Person  programme.Participant
	BodyKey string
	// Listed are the person's preferences as they named them (only ever
	// shown to them).
	Listed    bool
	Items     []string
	Notes     []preferenceNote
	Partner   bool
	RemoveKey string
	Assistant string
	SentNow   bool
}

// preferenceNote is a question about one name: several people fit it, or
// nobody does yet.
type preferenceNote struct {
	lang       lang.Tag
	Key        string
	Name       string
	Candidates []string
}

func (n preferenceNote) language() lang.Tag { return n.lang }

// composePreferences answers a NOT WITH or ASSISTANT reply, in the
// person's language, with what is now kept, as it is when the answer goes
// out. Whom a preference names is shown to nobody but the person who set
// it.
func (d *Deliverer) composePreferences(ctx context.Context, j sendqueue.Preferences) (Email, func(context.Context, time.Time) error, error) {
	prog, person, err := d.answerable(ctx, j.ProgrammeID, j.ParticipantID)
	if err != nil {
		return Email{}, nil, err
	}
	l := person.EmailLanguage(prog)
	key := "preferences." + string(j.Topic)
	data := preferencesData{common: d.newCommon(prog, l), Person: person, BodyKey: key + ".body"}
	if data.PageURL, err = d.pageURL(prog, person.ID, j.PairID); err != nil {
		return Email{}, nil, err
	}
	switch j.Topic {
	case sendqueue.NotWithSet, sendqueue.NotWithRemoved, sendqueue.NotWithEmpty:
		if err := d.listPreferences(ctx, prog, person, j, &data); err != nil {
			return Email{}, nil, err
		}
	case sendqueue.AssistantSet:
		a, err := d.data.GetAssistant(ctx, prog.ID, person.ID)
		if err != nil {
			// Removed since: the later answer says so.
			return Email{}, nil, gone(err)
		}
		data.Assistant = a.Email
		if j.PairID != "" {
			if p, err := d.data.GetPair(ctx, prog.ID, j.PairID); err == nil && p.State.Live() && p.SeniorID == person.ID {
				data.SentNow = true
			}
		}
	}
	if data.Subject, err = d.r.say(data, key+".subject"); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(sendqueue.KindPreferences, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(prog), To: []string{person.Email}, Subject: data.Subject + " — " + prog.Name, Text: text, HTML: html, Lang: l,
		Headers: map[string]string{"Auto-Submitted": "auto-replied"}}, noAfter, nil
}

// listPreferences fills in the person's preferences, the questions about
// names that fit several people or nobody, and whether one names their
// current partner.
func (d *Deliverer) listPreferences(ctx context.Context, prog programme.Programme, person programme.Participant, j sendqueue.Preferences, data *preferencesData) error {
	prefs, err := d.data.NotWithOf(ctx, prog.ID, person.ID)
	if err != nil {
		return err
	}
	data.Listed = true
	var people []programme.Participant
	var partner string
	if j.PairID != "" {
		if p, err := d.data.GetPair(ctx, prog.ID, j.PairID); err == nil && p.State.Live() {
			if x, err := d.data.GetParticipant(ctx, prog.ID, p.Other(person.ID)); err == nil {
				partner = x.Email
			}
		}
	}
	for _, n := range prefs {
		switch {
		case n.Email != "":
			// As they named them: a name found in the programme is shown as
			// they wrote it, not as the address it found.
			data.Items = append(data.Items, cmp.Or(n.Name, n.Email))
			data.Partner = data.Partner || n.Email == partner
		case n.Name != "":
			data.Items = append(data.Items, n.Name)
			if j.Topic != sendqueue.NotWithSet {
				continue
			}
			if people == nil {
				if people, err = d.data.ListParticipants(ctx, prog.ID); err != nil {
					return err
				}
			}
			var found []string
			for _, x := range matching.FindByName(people, n.Name) {
				if x.ID == person.ID {
					continue
				}
				found = append(found, whoIs(x))
				data.Partner = data.Partner || x.Email == partner
			}
			switch {
			case len(found) > 1:
				data.Notes = append(data.Notes, preferenceNote{lang: data.Lang, Key: "preferences.ambiguous", Name: n.Name, Candidates: found})
			case len(found) == 0:
				data.Notes = append(data.Notes, preferenceNote{lang: data.Lang, Key: "preferences.unknown", Name: n.Name})
			}
		default:
			s, err := d.r.say(data, "preferences.erased")
			if err != nil {
				return err
			}
			data.Items = append(data.Items, s)
		}
	}
	if len(data.Items) > 0 {
		data.RemoveKey = "preferences.remove_hint"
	}
	return nil
}

// whoIs tells apart people of one name for the person who named them:
// their name with their title and department, never their address.
func whoIs(p programme.Participant) string {
	var more []string
	for _, s := range []string{p.Title, p.Department} {
		if s = strings.TrimSpace(s); s != "" {
			more = append(more, s)
		}
	}
	if len(more) == 0 {
		return p.Name
	}
	return p.Name + " (" + strings.Join(more, ", ") + ")"
}

type assistantCopyData struct {
	common
	programmeWords
	Senior, Junior programme.Participant
	Slot           slot
}

// composeAssistantCopy sends a senior's assistant the scheduling part of
// an introduction — who the senior meets, the suggested first meeting and
// the calendar file — in the senior's language, with Reply-To the two, so
// the assistant books with them directly. Nothing else of the programme
// reaches the assistant, and nothing goes to an assistant the senior has
// since removed or replaced.
func (d *Deliverer) composeAssistantCopy(ctx context.Context, j sendqueue.AssistantCopy) (Email, func(context.Context, time.Time) error, error) {
	a, err := d.data.GetAssistant(ctx, j.ProgrammeID, j.SeniorID)
	if err != nil {
		return Email{}, nil, gone(err)
	}
	if a.Rev != j.Assistant {
		return Email{}, nil, fmt.Errorf("the senior's assistant changed since this copy was queued: %w", ErrSkipped)
	}
	pc, err := d.loadPair(ctx, sendqueue.KindAssistant, j.ProgrammeID, j.PairID)
	if err != nil {
		return Email{}, nil, err
	}
	if pc.senior.ID != j.SeniorID {
		return Email{}, nil, fmt.Errorf("%s is not the senior of pair %s: %w", j.SeniorID, pc.pair.ID, ErrSkipped)
	}
	if err := d.mailable(ctx, pc.senior, pc.junior); err != nil {
		return Email{}, nil, err
	}
	if sup, err := d.data.IsSuppressed(ctx, a.Email); err != nil || sup {
		if err != nil {
			return Email{}, nil, err
		}
		return Email{}, nil, fmt.Errorf("the assistant's address is suppressed: %w", ErrSkipped)
	}
	l := pc.senior.EmailLanguage(pc.prog)
	data := assistantCopyData{common: d.newCommon(pc.prog, l), Senior: pc.senior, Junior: pc.junior}
	// The participants' privacy note is not about the assistant, whose
	// own note says what they receive and why.
	data.ForCoordinator = true
	if data.programmeWords, err = d.programmeWords(pc.prog, l); err != nil {
		return Email{}, nil, err
	}
	// Named after the introduction, an assistant is offered a first
	// meeting from today on, not one already past.
	from := pc.pair
	if today := d.clock.Now().UTC().Format(programme.DateLayout); today > from.StartDate {
		from.StartDate = today
	}
	data.Slot = meetingSlot(pc.prog, from, pc.senior, pc.junior)
	if data.Subject, err = d.r.say(data, "assistant_copy.subject"); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(sendqueue.KindAssistant, data)
	if err != nil {
		return Email{}, nil, err
	}
	// The same event as the pair's own calendar file (one UID), described
	// without the agenda.
	summary, err := d.r.say(introData{common: data.common, Senior: pc.senior, Junior: pc.junior}, "intro.ics_summary")
	if err != nil {
		return Email{}, nil, err
	}
	description, err := d.r.say(data, "assistant_copy.ics_description")
	if err != nil {
		return Email{}, nil, err
	}
	invite, err := meetingInvite(pc.prog, pc.pair, pc.senior, pc.junior, data.Slot, summary, description)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{
		From: d.from(pc.prog), To: []string{a.Email}, ReplyTo: []string{pc.senior.Email, pc.junior.Email}, Subject: data.Subject, Text: text, HTML: html, Lang: l,
		Attachments: []Attachment{{Name: "first-meeting.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: invite}},
	}, noAfter, nil
}
