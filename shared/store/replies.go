package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/totals"
)

const (
	typeAnswer     = "answer"
	typeReply      = "reply"
	typeQuarantine = "quarantine"
	typeStory      = "story"
)

// Answer is what one person said about one check-in cycle of a pair: the
// only part of a reply coordinators' figures are made of. A later reply to
// the same check-in replaces it (people correct themselves).
type Answer struct {
	ProgrammeID   string         `dynamodbav:"programme_id"`
	PairID        string         `dynamodbav:"pair_id"`
	ParticipantID string         `dynamodbav:"participant_id"`
	Role          programme.Role `dynamodbav:"role"`
	Cycle         int            `dynamodbav:"cycle"`
	Kind          string         `dynamodbav:"kind"` // checkin, midpoint, nudge, closing
	Met           *bool          `dynamodbav:"met"`
	Rating        *int           `dynamodbav:"rating"`
	At            time.Time      `dynamodbav:"at"`
}

type answerItem struct {
	keys
	Answer
}

func answerSK(pairID string, cycle int, role programme.Role) string {
	return fmt.Sprintf("ANS#%s#%04d#%s", pairID, cycle, role)
}

// PutAnswer records an answer (idempotent: the same reply twice writes the
// same item) and counts it in the programme's running totals, once
// however often it is recorded. Every way an answer arrives (a reply, a
// one-click link) records it here, so this is where it is counted.
func (s *Store) PutAnswer(ctx context.Context, a Answer) error {
	it := answerItem{keys: keys{PK: programmePK(a.ProgrammeID), SK: answerSK(a.PairID, a.Cycle, a.Role), Type: typeAnswer}, Answer: a}
	if err := s.put(ctx, it, nil, nil); err != nil {
		return fmt.Errorf("record answer: %w", err)
	}
	ans := totals.Answer{Kind: a.Kind, Met: a.Met, Rating: a.Rating}
	mine := ans
	mine.Role = a.Role
	err := s.tallyBoth(ctx, a.ProgrammeID, a.PairID, func(p *totals.Pair) { p.ReplaceAnswer(a.Role, a.Cycle, ans) },
		a.ParticipantID, func(p *totals.Person) { p.AddPair(a.PairID, a.Role); p.ReplaceAnswer(a.PairID, a.Cycle, mine) })
	if err != nil {
		return fmt.Errorf("record answer: %w", err)
	}
	return nil
}

// GetAnswer reads one person's answer to one cycle of a pair, by their
// role in it: the page a link opens shows what is already recorded.
func (s *Store) GetAnswer(ctx context.Context, programmeID, pairID string, cycle int, role programme.Role) (Answer, error) {
	var it answerItem
	if err := s.get(ctx, programmePK(programmeID), answerSK(pairID, cycle, role), &it); err != nil {
		return Answer{}, fmt.Errorf("answer to %s#%d: %w", pairID, cycle, err)
	}
	return it.Answer, nil
}

// ListAnswers returns every answer of a programme (for its figures).
func (s *Store) ListAnswers(ctx context.Context, programmeID string) ([]Answer, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "ANS#", "answer", func(it answerItem) Answer { return it.Answer })
	if err != nil {
		return nil, fmt.Errorf("answers of %s: %w", programmeID, err)
	}
	return out, nil
}

// ListPairAnswers returns one pair's answers (for its line on the
// attention list).
func (s *Store) ListPairAnswers(ctx context.Context, programmeID, pairID string) ([]Answer, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "ANS#"+pairID+"#", "answer", func(it answerItem) Answer { return it.Answer })
	if err != nil {
		return nil, fmt.Errorf("answers of pair %s: %w", pairID, err)
	}
	return out, nil
}

// Reply is one email a participant sent, as understood. Its text is
// private: no coordinator page shows it. It expires with the programme's
// retention (the TTL attribute).
type Reply struct {
	ProgrammeID   string    `dynamodbav:"programme_id"`
	ParticipantID string    `dynamodbav:"participant_id"`
	PairID        string    `dynamodbav:"pair_id,omitempty"`
	Key           string    `dynamodbav:"key"` // identifies the message: a hash of its Message-ID
	ReceivedAt    time.Time `dynamodbav:"received_at"`
	Context       string    `dynamodbav:"context"` // the kind of email it answers
	Cycle         int       `dynamodbav:"cycle"`
	Command       string    `dynamodbav:"command,omitempty"`
	Met           *bool     `dynamodbav:"met"`
	Rating        *int      `dynamodbav:"rating"`
	Join          *bool     `dynamodbav:"join"`
	Topics        []string  `dynamodbav:"topics,omitempty"`
	Text          string    `dynamodbav:"text,omitempty"`
	// Read is the person's words as understood, on one line (for an
	// answer that says what was read); Language is theirs, where known.
	Read     string `dynamodbav:"read,omitempty"`
	Language string `dynamodbav:"language,omitempty"`
	// Via is how the answer came: "" by reply, ViaLink on the page a link
	// in the email opened. A page's Text is only the words typed in its
	// text box; a reply's is the whole message as trimmed.
	Via string `dynamodbav:"via,omitempty"`
	// Expires is when the text is deleted (zero: kept).
	Expires time.Time `dynamodbav:"-"`
}

// ViaLink marks an answer given on the page of one of the email's links.
const ViaLink = "link"

type replyItem struct {
	keys
	Reply
}

func replySK(participantID, key string) string { return "REPLY#" + participantID + "#" + key }

// HasReply reports whether a message was already recorded: the reply is
// written last, so its presence means everything else was done.
func (s *Store) HasReply(ctx context.Context, programmeID, participantID, key string) (bool, error) {
	var it replyItem
	err := s.get(ctx, programmePK(programmeID), replySK(participantID, key), &it)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// GetReply reads one recorded reply.
func (s *Store) GetReply(ctx context.Context, programmeID, participantID, key string) (Reply, error) {
	var it replyItem
	if err := s.get(ctx, programmePK(programmeID), replySK(participantID, key), &it); err != nil {
		return Reply{}, fmt.Errorf("reply %s: %w", key, err)
	}
	return it.Reply, nil
}

// PutReply records a reply once; a second write of the same message
// returns ErrConflict.
func (s *Store) PutReply(ctx context.Context, r Reply) error {
	it := replyItem{keys: keys{PK: programmePK(r.ProgrammeID), SK: replySK(r.ParticipantID, r.Key), Type: typeReply}, Reply: r}
	if !r.Expires.IsZero() {
		it.ExpiresAt = r.Expires.Unix()
	}
	if err := s.put(ctx, it, notExists(), ErrConflict); err != nil {
		return fmt.Errorf("record reply: %w", err)
	}
	return nil
}

// ListReplies returns one participant's replies (for their data export).
func (s *Store) ListReplies(ctx context.Context, programmeID, participantID string) ([]Reply, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "REPLY#"+participantID+"#", "reply", func(it replyItem) Reply { return it.Reply })
	if err != nil {
		return nil, fmt.Errorf("replies of %s: %w", participantID, err)
	}
	return out, nil
}

// Quarantined is an inbound message that was not recorded as an answer:
// a failed spam or authentication verdict, a bad token, a sender who is not
// the participant. The raw message stays in the inbound bucket for review.
type Quarantined struct {
	Key         string    `dynamodbav:"key"`
	ReceivedAt  time.Time `dynamodbav:"received_at"`
	Reason      string    `dynamodbav:"reason"`
	From        string    `dynamodbav:"from,omitempty"`
	Recipients  []string  `dynamodbav:"recipients,omitempty"`
	Location    string    `dynamodbav:"location,omitempty"` // where the raw message is kept
	ProgrammeID string    `dynamodbav:"programme_id,omitempty"`
	// SenderUnknown: a valid reply to ParticipantID's email, from an address
	// that is not theirs (a personal mailbox, or someone else). The
	// coordinator may release it, or add the address as theirs.
	SenderUnknown bool   `dynamodbav:"sender_unknown,omitempty"`
	ParticipantID string `dynamodbav:"participant_id,omitempty"`
	// ReleasedAt and ReleasedBy: a coordinator released the message and it
	// was recorded as the participant's reply.
	ReleasedAt time.Time `dynamodbav:"released_at,omitempty"`
	ReleasedBy string    `dynamodbav:"released_by,omitempty"`
}

// ID names a quarantined message for pages and jobs.
func (q Quarantined) ID() string { return quarantineSK(q.ReceivedAt, q.Key) }

func quarantineSK(at time.Time, key string) string {
	return at.UTC().Format(time.RFC3339Nano) + "#" + key
}

type quarantineItem struct {
	keys
	Quarantined
}

// Quarantine keeps a message for review, once per message.
func (s *Store) Quarantine(ctx context.Context, q Quarantined, keepFor time.Duration) error {
	it := quarantineItem{keys: keys{PK: "QUARANTINE", SK: q.ID(), Type: typeQuarantine}, Quarantined: q}
	if q.ProgrammeID != "" && q.ReleasedAt.IsZero() {
		// On the programme's attention list until released.
		it.GSI1PK, it.GSI1SK = quarantineAttentionKeys(q)
	}
	if keepFor > 0 {
		it.ExpiresAt = q.ReceivedAt.Add(keepFor).Unix()
	}
	err := s.put(ctx, it, notExists(), ErrConflict)
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("quarantine: %w", err)
	}
	return nil
}

// GetQuarantined reads one quarantined message by its ID.
func (s *Store) GetQuarantined(ctx context.Context, id string) (Quarantined, error) {
	var it quarantineItem
	if err := s.get(ctx, "QUARANTINE", id, &it); err != nil {
		return Quarantined{}, fmt.Errorf("quarantined message %s: %w", id, err)
	}
	return it.Quarantined, nil
}

// MarkReleased records that a coordinator released a quarantined message,
// once: a second release gets ErrConflict.
func (s *Store) MarkReleased(ctx context.Context, id, by string, at time.Time) error {
	upd := expression.Set(expression.Name("released_at"), expression.Value(at)).Set(expression.Name("released_by"), expression.Value(by)).
		Remove(expression.Name(AttrGSI1PK)).Remove(expression.Name(AttrGSI1SK)) // off the attention list
	// released_by, not released_at: a zero time is stored, not left out.
	cond := expression.AttributeExists(expression.Name(AttrPK)).And(expression.AttributeNotExists(expression.Name("released_by")))
	if err := s.update(ctx, "QUARANTINE", id, upd, &cond, ErrConflict, nil); err != nil {
		return fmt.Errorf("release %s: %w", id, err)
	}
	return nil
}

// quarantineAttentionKeys places an unreleased quarantined reply on its
// programme's attention list.
func quarantineAttentionKeys(q Quarantined) (pk, sk string) {
	return attentionIndex(q.ProgrammeID), totals.AttentionKey(totals.AttnQuarantine, true, q.ReceivedAt, "Q"+q.ID())
}

// UnlistedQuarantine returns a programme's unreleased quarantined replies
// that are missing from its attention list: those kept before the list
// was an index (upgrades from before the running totals).
func (s *Store) UnlistedQuarantine(ctx context.Context, programmeID string) ([]Quarantined, error) {
	var out []Quarantined
	err := s.queryPrefix(ctx, "QUARANTINE", "", func(item map[string]types.AttributeValue) error {
		var it quarantineItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode quarantined message: %w", err)
		}
		if it.ProgrammeID == programmeID && it.ReleasedBy == "" && it.GSI1PK == "" {
			out = append(out, it.Quarantined)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("quarantine of %s: %w", programmeID, err)
	}
	return out, nil
}

// ListOnAttention puts an unreleased quarantined reply on its programme's
// attention list; one released meanwhile is left off.
func (s *Store) ListOnAttention(ctx context.Context, q Quarantined) error {
	pk, sk := quarantineAttentionKeys(q)
	upd := expression.Set(expression.Name(AttrGSI1PK), expression.Value(pk)).Set(expression.Name(AttrGSI1SK), expression.Value(sk))
	cond := expression.AttributeExists(expression.Name(AttrPK)).And(expression.AttributeNotExists(expression.Name("released_by")))
	err := s.update(ctx, "QUARANTINE", q.ID(), upd, &cond, ErrConflict, nil)
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("list %s for attention: %w", q.ID(), err)
	}
	return nil
}

// ListQuarantine returns quarantined messages, newest first.
func (s *Store) ListQuarantine(ctx context.Context) ([]Quarantined, error) {
	var out []Quarantined
	err := s.queryPrefix(ctx, "QUARANTINE", "", func(item map[string]types.AttributeValue) error {
		var it quarantineItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fmt.Errorf("decode quarantined message: %w", err)
		}
		out = append([]Quarantined{it.Quarantined}, out...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	return out, nil
}

// Story is a success story a participant chose to share by replying STORY.
// It is shown to coordinators only while consent stands.
type Story struct {
	ProgrammeID   string    `dynamodbav:"programme_id"`
	ParticipantID string    `dynamodbav:"participant_id"`
	Key           string    `dynamodbav:"key"`
	Text          string    `dynamodbav:"text"`
	At            time.Time `dynamodbav:"at"`
	Consent       bool      `dynamodbav:"consent"`
	WithdrawnAt   time.Time `dynamodbav:"withdrawn_at,omitempty"`
	// PartnerID is the partner of the pairing the story comes from: it is
	// shown only once they consent too (PartnerConsentAt later than any
	// PartnerRefusedAt), and either can take consent back.
	PairID           string    `dynamodbav:"pair_id,omitempty"`
	PartnerID        string    `dynamodbav:"partner_id,omitempty"`
	PartnerConsentAt time.Time `dynamodbav:"partner_consent_at,omitempty"`
	PartnerRefusedAt time.Time `dynamodbav:"partner_refused_at,omitempty"`
}

// Shown reports whether coordinators may read the story: its author
// consents, and so does their partner when it comes from a pairing.
func (st Story) Shown() bool {
	if !st.Consent || !st.WithdrawnAt.IsZero() {
		return false
	}
	return st.PartnerID == "" || st.PartnerConsentAt.After(st.PartnerRefusedAt)
}

// PartnerAnswer records a partner's consent to a story (or its refusal or
// withdrawal), once per answer.
func (s *Store) PartnerAnswer(ctx context.Context, programmeID, authorID, key string, consent bool, at time.Time) error {
	field := "partner_refused_at"
	if consent {
		field = "partner_consent_at"
	}
	upd := expression.Set(expression.Name(field), expression.Value(at))
	if err := s.update(ctx, programmePK(programmeID), "STORY#"+authorID+"#"+key, upd, exists(), ErrNotFound, nil); err != nil {
		return fmt.Errorf("partner's answer on a story: %w", err)
	}
	return nil
}

type storyItem struct {
	keys
	Story
}

// PutStory records a story (idempotent per message).
func (s *Store) PutStory(ctx context.Context, st Story) error {
	it := storyItem{keys: keys{PK: programmePK(st.ProgrammeID), SK: "STORY#" + st.ParticipantID + "#" + st.Key, Type: typeStory}, Story: st}
	err := s.put(ctx, it, notExists(), ErrConflict)
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("record story: %w", err)
	}
	return nil
}

// ListStories returns a programme's stories, withdrawn ones included.
func (s *Store) ListStories(ctx context.Context, programmeID string) ([]Story, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "STORY#", "story", func(it storyItem) Story { return it.Story })
	if err != nil {
		return nil, fmt.Errorf("stories of %s: %w", programmeID, err)
	}
	return out, nil
}

// Thanks is a senior's thank-you to their mentor, given by replying THANKS
// to the closing email: forwarded to the partner and to nobody else.
type Thanks struct {
	ProgrammeID string    `dynamodbav:"programme_id"`
	FromID      string    `dynamodbav:"from_id"`
	ToID        string    `dynamodbav:"to_id"`
	PairID      string    `dynamodbav:"pair_id"`
	Key         string    `dynamodbav:"key"`
	Text        string    `dynamodbav:"text"`
	At          time.Time `dynamodbav:"at"`
}

type thanksItem struct {
	keys
	Thanks
}

func thanksSK(fromID, key string) string { return "THANKS#" + fromID + "#" + key }

// PutThanks records a thank-you before it is forwarded (idempotent).
func (s *Store) PutThanks(ctx context.Context, t Thanks) error {
	it := thanksItem{keys: keys{PK: programmePK(t.ProgrammeID), SK: thanksSK(t.FromID, t.Key), Type: "thanks"}, Thanks: t}
	err := s.put(ctx, it, notExists(), ErrConflict)
	if err != nil && !errors.Is(err, ErrConflict) {
		return fmt.Errorf("record thanks: %w", err)
	}
	return nil
}

// GetThanks reads a thank-you to forward.
func (s *Store) GetThanks(ctx context.Context, programmeID, fromID, key string) (Thanks, error) {
	var it thanksItem
	if err := s.get(ctx, programmePK(programmeID), thanksSK(fromID, key), &it); err != nil {
		return Thanks{}, fmt.Errorf("thanks: %w", err)
	}
	return it.Thanks, nil
}

// WithdrawStories marks every story of a participant as no longer shared,
// and says how many they ever told (withdrawn before or now).
func (s *Store) WithdrawStories(ctx context.Context, programmeID, participantID string, now time.Time) (told int, err error) {
	stories, err := s.ListStories(ctx, programmeID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, st := range stories {
		if st.ParticipantID != participantID {
			continue
		}
		told++
		if !st.Consent {
			continue
		}
		upd := expression.Set(expression.Name("consent"), expression.Value(false)).Set(expression.Name("withdrawn_at"), expression.Value(now))
		if err := s.update(ctx, programmePK(programmeID), "STORY#"+participantID+"#"+st.Key, upd, exists(), ErrNotFound, nil); err != nil {
			return told, fmt.Errorf("withdraw story: %w", err)
		}
		n++
	}
	return told, nil
}

// WithdrawPartnerConsents takes back a participant's agreement to every
// story their partners told about a pairing with them, and returns those
// stories. A later YES to the story's consent question can give it again.
func (s *Store) WithdrawPartnerConsents(ctx context.Context, programmeID, partnerID string, now time.Time) ([]Story, error) {
	stories, err := s.ListStories(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	var out []Story
	for _, st := range stories {
		if st.PartnerID != partnerID {
			continue
		}
		if err := s.PartnerAnswer(ctx, programmeID, st.ParticipantID, st.Key, false, now); err != nil {
			return out, err
		}
		out = append(out, st)
	}
	return out, nil
}

// ListThanksFrom returns the thank-yous a participant sent.
func (s *Store) ListThanksFrom(ctx context.Context, programmeID, fromID string) ([]Thanks, error) {
	out, err := listPrefix(ctx, s, programmePK(programmeID), "THANKS#"+fromID+"#", "thanks", func(it thanksItem) Thanks { return it.Thanks })
	if err != nil {
		return nil, fmt.Errorf("thanks from %s: %w", fromID, err)
	}
	return out, nil
}
