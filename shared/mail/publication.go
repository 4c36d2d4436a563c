package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/upward-mentoring/upward/shared/anonymise"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// PublicationStore is what the emails about publishing a story need: the
// publication asked about, and the newest story published, which opens
// later cohorts' welcome emails.
type PublicationStore interface {
	GetPublication(ctx context.Context, programmeID, id string) (store.Publication, error)
	PublishedStories(ctx context.Context, limit int) ([]store.Publication, error)
}

type publicationData struct {
	common
	Person programme.Participant
	// Other is the other person asked, for a story from a pairing: the
	// partner when Person told it, the teller when Person is the partner.
	Other    *programme.Participant
	IsAuthor bool
	LeadKey  string
	Message  string
}

// composePublicationAsk asks one person whether a story's anonymised text
// may be published, quoting it exactly. Its reply address carries the
// publication and the version quoted, so a YES agrees to that text only;
// a version replaced since, or a publication withdrawn, sends nothing.
func (d *Deliverer) composePublicationAsk(ctx context.Context, j sendqueue.PublicationAsk) (Email, func(context.Context, time.Time) error, error) {
	prog, person, err := d.programmeAndPerson(ctx, j.ProgrammeID, j.ParticipantID)
	if err != nil {
		return Email{}, nil, err
	}
	pub, err := d.data.GetPublication(ctx, j.ProgrammeID, j.Publication)
	if err != nil {
		return Email{}, nil, gone(err)
	}
	switch {
	case pub.Withdrawn():
		return Email{}, nil, fmt.Errorf("publication %s was withdrawn: %w", pub.ID, ErrSkipped)
	case pub.Version != j.Version:
		return Email{}, nil, fmt.Errorf("publication %s is at version %d, not %d: %w", pub.ID, pub.Version, j.Version, ErrSkipped)
	case person.ID != pub.AuthorID && person.ID != pub.PartnerID:
		return Email{}, nil, fmt.Errorf("publication %s does not ask %s: %w", pub.ID, person.ID, ErrSkipped)
	}
	if err := d.mailable(ctx, person); err != nil {
		return Email{}, nil, err
	}
	l := person.EmailLanguage(prog)
	data := publicationData{common: d.newCommon(prog, l), Person: person, IsAuthor: person.ID == pub.AuthorID, Message: pub.Text,
		LeadKey: "publication.ask.lead_author"}
	if pub.PartnerID != "" {
		otherID := pub.PartnerID
		if !data.IsAuthor {
			otherID, data.LeadKey = pub.AuthorID, "publication.ask.lead_partner"
		}
		other, err := d.data.GetParticipant(ctx, j.ProgrammeID, otherID)
		if err != nil {
			return Email{}, nil, gone(err)
		}
		data.Other = &other
	}
	ref := token.Ref{ProgrammeID: prog.ID, ParticipantID: person.ID, PairID: pub.ID, Kind: j.Kind().ReplyKind(), Cycle: pub.Version}
	replyTo, err := d.signer.ReplyAddress(ref, d.settings.MailDomain)
	if err != nil {
		return Email{}, nil, err
	}
	// The unsubscribe link names the person only: it has no use for the
	// publication.
	if data.UnsubscribeURL, err = d.unsubscribeURL(token.Ref{ProgrammeID: prog.ID, ParticipantID: person.ID, Kind: ref.Kind}); err != nil {
		return Email{}, nil, err
	}
	// Yes and No by link name the same publication and version as the
	// reply address: a click agrees to the text quoted, nothing newer.
	if data.Click, err = d.clicks(ref, prog); err != nil {
		return Email{}, nil, err
	}
	if data.PageURL, err = d.pageURL(prog, person.ID, pub.PairID); err != nil {
		return Email{}, nil, err
	}
	subject := "publication.ask.subject_author"
	if !data.IsAuthor {
		subject = "publication.ask.subject_partner"
	}
	if data.Subject, err = d.r.say(data, subject); err != nil {
		return Email{}, nil, err
	}
	text, html, err := d.r.render(sendqueue.KindPublicationAsk, data)
	if err != nil {
		return Email{}, nil, err
	}
	return Email{From: d.from(prog), To: []string{person.Email}, ReplyTo: []string{replyTo}, Subject: data.Subject,
		Text: text, HTML: html, Lang: l, Headers: listHeaders(data.UnsubscribeURL)}, noAfter, nil
}

// publishedStory is the story that opens a welcome email: the newest one
// published now, read when the email is rendered, so a story withdrawn
// since the welcome was queued never goes out ("" when there is none).
func (d *Deliverer) publishedStory(ctx context.Context) (string, error) {
	list, err := d.data.PublishedStories(ctx, 1)
	if err != nil {
		return "", fmt.Errorf("the published story for a welcome: %w", err)
	}
	if len(list) == 0 {
		return "", nil
	}
	return list[0].Text, nil
}

// StandIns are the words that take the place of a pair's names and
// details in a story written in l, as anonymise wants them: the senior
// and the junior at their first mention and after, and the details.
type StandIns struct {
	SeniorFirst, SeniorAgain, JuniorFirst, JuniorAgain string
	Details                                            anonymise.Words
}

// StandInsFor reads the stand-ins of language l.
func StandInsFor(l lang.Tag) (StandIns, error) {
	words, err := loadWords()
	if err != nil {
		return StandIns{}, err
	}
	var s StandIns
	for key, dst := range map[string]*string{
		"senior_first": &s.SeniorFirst, "senior_again": &s.SeniorAgain, "junior_first": &s.JuniorFirst, "junior_again": &s.JuniorAgain,
		"department": &s.Details.Department, "place": &s.Details.Place, "title": &s.Details.Title, "address": &s.Details.Address,
	} {
		if *dst, err = words.Text(l, "publication.stand_in."+key, nil); err != nil {
			return StandIns{}, err
		}
	}
	return s, nil
}

// For is a participant as anonymise sees them, with their role's stand-ins.
func (s StandIns) For(p programme.Participant) anonymise.Person {
	a := anonymise.Person{Name: p.Name, PreferredName: p.PreferredName, Emails: append([]string{p.Email}, p.OtherEmails...),
		Title: p.Title, Department: p.Department, Division: p.Division, Location: p.Location, First: s.JuniorFirst, Again: s.JuniorAgain}
	if p.Role == programme.Senior {
		a.First, a.Again = s.SeniorFirst, s.SeniorAgain
	}
	return a
}
