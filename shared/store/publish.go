package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Publication is a consented story on its way beyond the coordinators:
// the anonymised text a coordinator prepared, and the answers of the
// people asked — its teller and, for a story from a pairing, the partner.
// It is published (into later cohorts' welcome emails and the printable
// page) only once everyone asked agreed to the very version of the text
// they were shown, and a NO from any of them, or the story's consent
// ending, withdraws it for good.
type Publication struct {
	ProgrammeID string `dynamodbav:"programme_id"`
	ID          string `dynamodbav:"id"`
	AuthorID    string `dynamodbav:"author_id"`
	StoryKey    string `dynamodbav:"story_key"`
	PairID      string `dynamodbav:"pair_id"`
	PartnerID   string `dynamodbav:"partner_id"`
	Text        string `dynamodbav:"text"`
	// Version counts the texts prepared: an edited text is asked again.
	Version    int       `dynamodbav:"version"`
	PreparedAt time.Time `dynamodbav:"prepared_at"`
	// The version each person agreed to (0: none), and when they said no.
	AuthorAgreed     int       `dynamodbav:"author_agreed"`
	AuthorAgreedAt   time.Time `dynamodbav:"author_agreed_at"`
	AuthorRefusedAt  time.Time `dynamodbav:"author_refused_at"`
	PartnerAgreed    int       `dynamodbav:"partner_agreed"`
	PartnerAgreedAt  time.Time `dynamodbav:"partner_agreed_at"`
	PartnerRefusedAt time.Time `dynamodbav:"partner_refused_at"`
	PublishedAt      time.Time `dynamodbav:"published_at"`
	// WithdrawnAt ends it for good: someone asked said no, the story's
	// consent ended, or it can no longer be asked about.
	WithdrawnAt time.Time `dynamodbav:"withdrawn_at"`
}

// Published reports whether the text may be shown beyond the coordinators.
func (p Publication) Published() bool { return !p.PublishedAt.IsZero() && p.WithdrawnAt.IsZero() }

// Withdrawn reports whether it has ended for good.
func (p Publication) Withdrawn() bool { return !p.WithdrawnAt.IsZero() }

// Asked lists who must agree: the teller, and the partner of a story from
// a pairing.
func (p Publication) Asked() []string {
	if p.PartnerID == "" {
		return []string{p.AuthorID}
	}
	return []string{p.AuthorID, p.PartnerID}
}

// Agreed reports whether a person asked agreed to the current text.
func (p Publication) Agreed(participantID string) bool {
	switch participantID {
	case p.AuthorID:
		return p.AuthorAgreed == p.Version
	case p.PartnerID:
		return p.PartnerAgreed == p.Version
	}
	return false
}

// Waiting counts the people asked who have not agreed to the current text.
func (p Publication) Waiting() int {
	n := 0
	for _, id := range p.Asked() {
		if !p.Agreed(id) {
			n++
		}
	}
	return n
}

type publicationItem struct {
	keys
	Publication
}

// MaxPublicationVersion is how often a text can be prepared again: a
// version travels in the one byte a reply token has for it.
const MaxPublicationVersion = 255

// Errors of preparing a publication.
var (
	// ErrPublicationWithdrawn: someone asked said no (or the story ended):
	// nobody is asked again about that story.
	ErrPublicationWithdrawn = errors.New("the publication was withdrawn")
	ErrTooManyVersions      = errors.New("the text was prepared too many times")
)

// publishedIndex is the gsi2 partition of the stories published now.
const publishedIndex = "PUBLISHED"

// PublicationID is the id of a story's publication: derived from the
// story, so a form sent twice prepares the same one.
func PublicationID(authorID, storyKey string) string {
	sum := sha256.Sum256([]byte("publication|" + authorID + "|" + storyKey))
	return hex.EncodeToString(sum[:8])
}

func publicationSK(id string) string { return "PUB#" + id }

// GetPublication reads one publication.
func (s *Store) GetPublication(ctx context.Context, programmeID, id string) (Publication, error) {
	var it publicationItem
	if err := s.get(ctx, programmePK(programmeID), publicationSK(id), &it); err != nil {
		return Publication{}, fmt.Errorf("publication: %w", err)
	}
	return it.Publication, nil
}

// ListPublications lists a programme's publications, withdrawn ones too.
func (s *Store) ListPublications(ctx context.Context, programmeID string) ([]Publication, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "PUB#", "publication", func(it publicationItem) Publication { return it.Publication })
	if err != nil {
		return nil, fmt.Errorf("publications of %s: %w", programmeID, err)
	}
	return out, nil
}

// PreparePublication records a new version of a story's anonymised text,
// to be asked about, and takes the story off publication until everyone
// asked agrees to it. The same text again changes nothing (changed is
// false). It is refused once withdrawn, and when someone else prepared
// another version since the one read (ErrConflict).
func (s *Store) PreparePublication(ctx context.Context, p Publication, at time.Time) (Publication, bool, error) {
	cur, err := s.GetPublication(ctx, p.ProgrammeID, p.ID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return cur, false, err
	case cur.Withdrawn():
		return cur, false, ErrPublicationWithdrawn
	case cur.Text == p.Text:
		return cur, false, nil
	case cur.Version >= MaxPublicationVersion:
		return cur, false, ErrTooManyVersions
	}
	next := cur.Version + 1
	upd := expression.Set(expression.Name("text"), expression.Value(p.Text)).
		Set(expression.Name("version"), expression.Value(next)).
		Set(expression.Name("prepared_at"), expression.Value(at)).
		Set(expression.Name("programme_id"), expression.Value(p.ProgrammeID)).
		Set(expression.Name("id"), expression.Value(p.ID)).
		Set(expression.Name("author_id"), expression.Value(p.AuthorID)).
		Set(expression.Name("story_key"), expression.Value(p.StoryKey)).
		Set(expression.Name("type"), expression.Value("publication")).
		Remove(expression.Name("published_at")).Remove(expression.Name(AttrGSI2PK)).Remove(expression.Name(AttrGSI2SK))
	if p.PartnerID != "" {
		upd = upd.Set(expression.Name("pair_id"), expression.Value(p.PairID)).Set(expression.Name("partner_id"), expression.Value(p.PartnerID))
	}
	cond := expression.AttributeNotExists(expression.Name("withdrawn_at"))
	if cur.Version == 0 {
		cond = cond.And(expression.AttributeNotExists(expression.Name("version")))
	} else {
		cond = cond.And(expression.Name("version").Equal(expression.Value(cur.Version)))
	}
	var it publicationItem
	if err := s.update(ctx, programmePK(p.ProgrammeID), publicationSK(p.ID), upd, &cond, ErrConflict, &it); err != nil {
		return cur, false, fmt.Errorf("prepare publication: %w", err)
	}
	return it.Publication, true, nil
}

// AnswerPublication records a person's YES or NO to a version of the
// text and returns the publication as it is then. A NO withdraws it, also
// once published. A YES counts only for the current version and only
// while it stands; when it is the last one missing, the story is
// published. A replayed answer changes nothing.
func (s *Store) AnswerPublication(ctx context.Context, programmeID, id, participantID string, version int, yes bool, at time.Time) (Publication, error) {
	for attempt := 0; attempt < 3; attempt++ {
		p, err := s.GetPublication(ctx, programmeID, id)
		if err != nil {
			return p, err
		}
		role := ""
		switch participantID {
		case p.AuthorID:
			role = "author"
		case p.PartnerID:
			role = "partner"
		default:
			return p, fmt.Errorf("publication %s does not ask %s: %w", id, participantID, ErrNotFound)
		}
		if !yes {
			refused := p.AuthorRefusedAt
			if role == "partner" {
				refused = p.PartnerRefusedAt
			}
			if !refused.IsZero() {
				return p, nil
			}
			upd := expression.Set(expression.Name(role+"_refused_at"), expression.Value(at)).
				Set(expression.Name("withdrawn_at"), expression.IfNotExists(expression.Name("withdrawn_at"), expression.Value(at))).
				Remove(expression.Name(AttrGSI2PK)).Remove(expression.Name(AttrGSI2SK))
			var it publicationItem
			if err := s.update(ctx, programmePK(programmeID), publicationSK(id), upd, exists(), ErrNotFound, &it); err != nil {
				return p, fmt.Errorf("refuse publication: %w", err)
			}
			return it.Publication, nil
		}
		if p.Withdrawn() || version != p.Version || p.Agreed(participantID) {
			return p, nil
		}
		upd := expression.Set(expression.Name(role+"_agreed"), expression.Value(version)).
			Set(expression.Name(role+"_agreed_at"), expression.Value(at))
		if role == "author" {
			p.AuthorAgreed = version
		} else {
			p.PartnerAgreed = version
		}
		if p.Waiting() == 0 {
			upd = upd.Set(expression.Name("published_at"), expression.Value(at)).
				Set(expression.Name(AttrGSI2PK), expression.Value(publishedIndex)).
				Set(expression.Name(AttrGSI2SK), expression.Value(at.UTC().Format(dueLayout)+"#"+programmeID+"#"+id))
		}
		// Only for the version read, and only while nobody has withdrawn
		// it: a NO arriving at the same moment must not be published over.
		cond := expression.Name("version").Equal(expression.Value(version)).And(expression.AttributeNotExists(expression.Name("withdrawn_at")))
		var it publicationItem
		err = s.update(ctx, programmePK(programmeID), publicationSK(id), upd, &cond, ErrConflict, &it)
		if errors.Is(err, ErrConflict) {
			continue // changed since it was read: read it again
		}
		if err != nil {
			return p, fmt.Errorf("agree to publication: %w", err)
		}
		return it.Publication, nil
	}
	return Publication{}, fmt.Errorf("answer publication %s: %w", id, ErrConflict)
}

// WithdrawPublication ends a publication for good (the story's consent
// ended); a missing one is nothing to withdraw.
func (s *Store) WithdrawPublication(ctx context.Context, programmeID, id string, at time.Time) error {
	upd := expression.Set(expression.Name("withdrawn_at"), expression.IfNotExists(expression.Name("withdrawn_at"), expression.Value(at))).
		Remove(expression.Name(AttrGSI2PK)).Remove(expression.Name(AttrGSI2SK))
	err := s.update(ctx, programmePK(programmeID), publicationSK(id), upd, exists(), ErrNotFound, nil)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("withdraw publication: %w", err)
	}
	return nil
}

// WithdrawPublicationsOf withdraws the publication of one story of a
// teller's, or of every story of theirs when storyKey is empty.
func (s *Store) WithdrawPublicationsOf(ctx context.Context, programmeID, authorID, storyKey string, at time.Time) error {
	if storyKey != "" {
		return s.WithdrawPublication(ctx, programmeID, PublicationID(authorID, storyKey), at)
	}
	all, err := s.ListPublications(ctx, programmeID)
	if err != nil {
		return err
	}
	for _, p := range all {
		if p.AuthorID == authorID && !p.Withdrawn() {
			if err := s.WithdrawPublication(ctx, programmeID, p.ID, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// GetStory reads one story.
func (s *Store) GetStory(ctx context.Context, programmeID, authorID, key string) (Story, error) {
	var it storyItem
	if err := s.get(ctx, programmePK(programmeID), "STORY#"+authorID+"#"+key, &it); err != nil {
		return Story{}, fmt.Errorf("story: %w", err)
	}
	return it.Story, nil
}

// PublishedStories lists the stories published now, across programmes,
// newest first; at most limit of them (0: all). The index is read
// eventually consistently, so each one it names is read again from the
// table, with its story: a publication or consent withdrawn a moment ago
// is never in the list.
func (s *Store) PublishedStories(ctx context.Context, limit int) ([]Publication, error) {
	kc := expression.Key(AttrGSI2PK).Equal(expression.Value(publishedIndex))
	expr, err := expression.NewBuilder().WithKeyCondition(kc).Build()
	if err != nil {
		return nil, fmt.Errorf("build query: %w", err)
	}
	pager := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName: aws.String(s.table), IndexName: aws.String(IndexGSI2), ScanIndexForward: aws.Bool(false),
		KeyConditionExpression: expr.KeyCondition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
	})
	var out []Publication
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("published stories: %w", err)
		}
		for _, item := range page.Items {
			var it publicationItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return nil, fmt.Errorf("decode publication: %w", err)
			}
			p, ok, err := s.stillPublished(ctx, it.Publication)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			out = append(out, p)
			if limit > 0 && len(out) == limit {
				return out, nil
			}
		}
	}
	return out, nil
}

// stillPublished reads a publication and its story from the table.
func (s *Store) stillPublished(ctx context.Context, seen Publication) (Publication, bool, error) {
	p, err := s.GetPublication(ctx, seen.ProgrammeID, seen.ID)
	if errors.Is(err, ErrNotFound) {
		return p, false, nil
	}
	if err != nil || !p.Published() {
		return p, false, err
	}
	st, err := s.GetStory(ctx, p.ProgrammeID, p.AuthorID, p.StoryKey)
	if errors.Is(err, ErrNotFound) {
		return p, false, nil
	}
	return p, err == nil && st.Shown(), err
}
