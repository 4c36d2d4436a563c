package sendqueue

import (
	"encoding/json"
	"fmt"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/token"
)

// Every kind of email Upward sends.
const (
	// To one participant, before they take part.
	KindWelcome Kind = "welcome"
	// To a senior, once, before their first introduction: how to get the
	// most from being mentored by someone junior.
	KindPrepare Kind = "prepare"
	// To both people of a new pair, in one email.
	KindIntro Kind = "intro"
	// The pair's schedule, to each person in their own morning.
	KindCheckIn  Kind = "checkin"
	KindMidpoint Kind = "midpoint"
	KindNudge    Kind = "nudge"
	KindClosing  Kind = "closing"
	// Answers to a participant's reply.
	KindAck    Kind = "ack"
	KindThanks Kind = "thanks"
	// A pair ended early (rematch, stop): a no-fault note to whoever did
	// not ask for it.
	KindPairEnded Kind = "pair_ended"
	// A reorganisation put a pair inside one reporting line and the
	// coordinator ended it: a no-fault note to each of the two
	// (shared/guard).
	KindReorgEnded Kind = "reorg_ended"
	// To a senior's assistant (ASSISTANT by reply): the introduction's
	// scheduling part and its calendar file, nothing else.
	KindAssistant Kind = "assistant_copy"
	// Answers a reply that set or removed a private preference (NOT WITH)
	// or an assistant (ASSISTANT).
	KindPreferences Kind = "preferences"
	// A rotation round ended the pair: what did you learn, thank your partner.
	KindRoundEnd Kind = "round_end"
	// To a coordinator, after a scheduled matching round.
	KindRoundSummary Kind = "round_summary"
	// A coordinator's personal note to one participant.
	KindNote Kind = "note"
	// A reply to someone's email came from another address: they are told
	// at their own, and how to answer.
	KindSenderNotice Kind = "sender_notice"
	// After an introduction, to each person: what do you want from it?
	KindGoalAsk Kind = "goal_ask"
	// A person's goal, to their partner, when they replied SHARE GOAL.
	KindGoalShared Kind = "goal_shared"
	// What a senior applied, to their junior, when they replied SHARE.
	KindAppliedShared Kind = "applied_shared"
	// To a junior: may your manager hear what your mentoring changed?
	KindRecognitionAsk Kind = "recognition_ask"
	// To a junior's manager, with both consents: what the mentoring changed.
	KindRecognition Kind = "recognition"
	// To a partner: may a story about your pairing be shown?
	KindStoryConsentAsk Kind = "story_consent_ask"
	// To a story's teller, and the partner of a story from a pairing: may
	// this anonymised text of it be published to later cohorts?
	KindPublicationAsk Kind = "publication_ask"
	// At the end, to each person: their own goal and reflections.
	KindJournal Kind = "journal"
	// To a coordinator: a sign-in link, or an invitation to an account.
	KindSignIn Kind = "signin"
	// To a coordinator, weekly: their programmes' figures and attention
	// lists, counted, never any content.
	KindDigest Kind = "digest"
)

// kinds is the one list of kinds: how each is read off the queue, and the
// kind a reply to it carries in its signed reply address (0: the email
// has no reply address of Upward's: replies go to a person).
var kinds = map[Kind]struct {
	decode func(json.RawMessage) (Job, error)
	reply  token.Kind
}{
	KindWelcome:         {decodeAs[Welcome], token.KindWelcome},
	KindPrepare:         {decodeAs[Prepare], token.KindAck},
	KindIntro:           {decodeAs[Intro], 0},
	KindCheckIn:         {decodeAs[Scheduled], token.KindCheckIn},
	KindMidpoint:        {decodeAs[Scheduled], token.KindMidpoint},
	KindNudge:           {decodeAs[Scheduled], token.KindNudge},
	KindClosing:         {decodeAs[Scheduled], token.KindClosing},
	KindAck:             {decodeAs[Ack], 0},
	KindThanks:          {decodeAs[Thanks], 0},
	KindPairEnded:       {decodeAs[PairEnded], token.KindAck},
	KindReorgEnded:      {decodeAs[ReorgEnded], token.KindAck},
	KindAssistant:       {decodeAs[AssistantCopy], 0},
	KindPreferences:     {decodeAs[Preferences], 0},
	KindRoundEnd:        {decodeAs[RoundEnd], token.KindRoundEnd},
	KindRoundSummary:    {decodeAs[RoundSummary], 0},
	KindNote:            {decodeAs[Note], 0},
	KindSenderNotice:    {decodeAs[SenderNotice], token.KindAck},
	KindGoalAsk:         {decodeAs[PairNote], token.KindGoal},
	KindGoalShared:      {decodeAs[PairNote], token.KindAck},
	KindAppliedShared:   {decodeAs[PairNote], token.KindAck},
	KindRecognitionAsk:  {decodeAs[PairNote], token.KindRecognition},
	KindRecognition:     {decodeAs[Recognition], 0},
	KindStoryConsentAsk: {decodeAs[PairNote], token.KindStoryConsent},
	KindPublicationAsk:  {decodeAs[PublicationAsk], token.KindPublication},
	KindJournal:         {decodeAs[PairNote], token.KindAck},
	KindSignIn:          {decodeAs[SignIn], 0},
	KindDigest:          {decodeAs[Digest], 0},
}

// ReplyKind is the kind a reply to this email carries in its reply address.
func (k Kind) ReplyKind() token.Kind { return kinds[k].reply }

// Kinds lists every kind of email, for tests that walk them all.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	return out
}

// Recipient is the participant a job writes to, or "" for emails to a
// pair (the introduction) or a coordinator. SES tags each email with it, so
// a bounce or complaint finds the person.
func Recipient(j Job) string {
	switch j := j.(type) {
	case Welcome:
		return j.ParticipantID
	case Prepare:
		return j.ParticipantID
	case Intro:
		return j.ParticipantID
	case Scheduled:
		return j.ParticipantID
	case Ack:
		return j.ParticipantID
	case Thanks:
		return j.ToID
	case PairEnded:
		return j.ParticipantID
	case ReorgEnded:
		return j.ParticipantID
	case Preferences:
		return j.ParticipantID
	case AssistantCopy:
		// None: the assistant is not a participant, so a bounce of their
		// copy must never mark the senior.
		return ""
	case RoundEnd:
		return j.ParticipantID
	case Note:
		return j.ParticipantID
	case SenderNotice:
		return j.ParticipantID
	case PairNote:
		return j.ParticipantID
	case PublicationAsk:
		return j.ParticipantID
	}
	return ""
}

// Welcome invites one participant to opt in.
type Welcome struct {
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
	// Round counts resends: each resend is a new email.
	Round int `json:"round"`
}

func (Welcome) Kind() Kind          { return KindWelcome }
func (j Welcome) Programme() string { return j.ProgrammeID }
func (j Welcome) identity() []string {
	return []string{j.ProgrammeID, j.ParticipantID, itoa(j.Round)}
}
func (j Welcome) check() error {
	return required(KindWelcome, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID)
}

// Prepare readies a senior for their first introduction.
type Prepare struct {
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
}

func (Prepare) Kind() Kind           { return KindPrepare }
func (j Prepare) Programme() string  { return j.ProgrammeID }
func (j Prepare) identity() []string { return []string{j.ProgrammeID, j.ParticipantID} }
func (j Prepare) check() error {
	return required(KindPrepare, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID)
}

// Intro introduces the two people of a pair to each other. Each person has
// a job: when both read the same language, the senior's job sends one
// email to both and the junior's sends nothing; otherwise each gets their
// own copy in their own language.
type Intro struct {
	ProgrammeID   string `json:"programme_id"`
	PairID        string `json:"pair_id"`
	ParticipantID string `json:"participant_id"`
}

func (Intro) Kind() Kind           { return KindIntro }
func (j Intro) Programme() string  { return j.ProgrammeID }
func (j Intro) identity() []string { return []string{j.ProgrammeID, j.PairID, j.ParticipantID} }
func (j Intro) check() error {
	return required(KindIntro, "programme_id", j.ProgrammeID, "pair_id", j.PairID, "participant_id", j.ParticipantID)
}

// Scheduled is an email of a pair's schedule to one person: a check-in,
// the midpoint survey, a nudge or the closing survey.
type Scheduled struct {
	Email         Kind   `json:"email"`
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
	PairID        string `json:"pair_id"`
	// Cycle is the check-in's number in the pair's plan (the closing is
	// the last).
	Cycle int `json:"cycle"`
}

func (j Scheduled) Kind() Kind        { return j.Email }
func (j Scheduled) Programme() string { return j.ProgrammeID }
func (j Scheduled) identity() []string {
	return []string{j.ProgrammeID, j.PairID, j.ParticipantID, itoa(j.Cycle)}
}
func (j Scheduled) check() error {
	switch j.Email {
	case KindCheckIn, KindMidpoint, KindNudge, KindClosing:
	default:
		return fmt.Errorf("scheduled job: %q is not an email of the schedule", j.Email)
	}
	if j.Cycle < 1 {
		return fmt.Errorf("%s job: cycle %d, want 1 or more", j.Email, j.Cycle)
	}
	return required(j.Email, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID, "pair_id", j.PairID)
}

// AckTopic is what an acknowledgement confirms.
type AckTopic string

// What a reply can be acknowledged for.
const (
	AckPaused         AckTopic = "paused"
	AckResumed        AckTopic = "resumed"
	AckStopped        AckTopic = "stopped"
	AckRematch        AckTopic = "rematch"
	AckHelp           AckTopic = "help"
	AckStory          AckTopic = "story"
	AckStoryWithdrawn AckTopic = "story_withdrawn"
	AckJoined         AckTopic = "joined"
	AckDeclined       AckTopic = "declined"
	AckUnclear        AckTopic = "unclear"
	AckThanks         AckTopic = "thanks_forwarded"
	AckLanguage       AckTopic = "language"
	// AckLanguageUnknown: LANGUAGE named a language Upward does not write.
	AckLanguageUnknown AckTopic = "language_unknown"
	// AckUnclearCheckIn: a reply to a check-in with no answer or command.
	AckUnclearCheckIn AckTopic = "unclear_checkin"
	// AckThanksEmpty: THANKS with no words to forward.
	AckThanksEmpty AckTopic = "thanks_empty"
	// Goals: noted (privately), how to set one, shared with the partner.
	AckGoalSet    AckTopic = "goal_set"
	AckGoalHow    AckTopic = "goal_how"
	AckGoalShared AckTopic = "goal_shared"
	// What a senior applied: shared with the junior, or nothing to share.
	AckAppliedShared AckTopic = "applied_shared"
	AckAppliedHow    AckTopic = "applied_how"
	// The manager's note: the junior is asked; it will go (both consent);
	// it will not (one withdrew); it already went.
	AckRecognitionAsked     AckTopic = "recognition_asked"
	AckRecognitionScheduled AckTopic = "recognition_scheduled"
	AckRecognitionWithdrawn AckTopic = "recognition_withdrawn"
	AckRecognitionSent      AckTopic = "recognition_sent"
	// Stories: waiting for the partner; the partner agreed; refused.
	AckStoryPending   AckTopic = "story_pending"
	AckStoryConsented AckTopic = "story_consented"
	AckStoryRefused   AckTopic = "story_refused"
	// Publishing a story: agreed (published once all asked agree); not
	// published, or taken out; a YES to a text changed since; a YES to a
	// publication already withdrawn.
	AckPublicationAgreed  AckTopic = "publication_agreed"
	AckPublicationRefused AckTopic = "publication_refused"
	AckPublicationChanged AckTopic = "publication_changed"
	AckPublicationClosed  AckTopic = "publication_closed"
)

var ackTopics = map[AckTopic]bool{
	AckPaused: true, AckResumed: true, AckStopped: true, AckRematch: true, AckHelp: true, AckStory: true,
	AckStoryWithdrawn: true, AckJoined: true, AckDeclined: true, AckUnclear: true, AckThanks: true, AckLanguage: true,
	AckLanguageUnknown: true, AckUnclearCheckIn: true, AckThanksEmpty: true,
	AckGoalSet: true, AckGoalHow: true, AckGoalShared: true, AckAppliedShared: true, AckAppliedHow: true,
	AckRecognitionAsked: true, AckRecognitionScheduled: true, AckRecognitionWithdrawn: true, AckRecognitionSent: true,
	AckStoryPending: true, AckStoryConsented: true, AckStoryRefused: true,
	AckPublicationAgreed: true, AckPublicationRefused: true, AckPublicationChanged: true, AckPublicationClosed: true,
}

// Ack answers one reply of a participant: what was done about it.
type Ack struct {
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
	// PairID is the pair the reply was about, if any.
	PairID string `json:"pair_id,omitempty"`
	// Reply is the key of the reply answered: one acknowledgement of each
	// topic per reply.
	Reply string   `json:"reply"`
	Topic AckTopic `json:"topic"`
	// Language, when set, is the language to answer in rather than the
	// person's: the language of words Upward could not understand.
	Language lang.Tag `json:"language,omitempty"`
}

func (Ack) Kind() Kind          { return KindAck }
func (j Ack) Programme() string { return j.ProgrammeID }
func (j Ack) identity() []string {
	return []string{j.ProgrammeID, j.ParticipantID, j.Reply, string(j.Topic)}
}
func (j Ack) check() error {
	if !ackTopics[j.Topic] {
		return fmt.Errorf("ack job: unknown topic %q", j.Topic)
	}
	return required(KindAck, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID, "reply", j.Reply)
}

// Thanks forwards a participant's thank-you (stored with their reply) to
// their partner.
type Thanks struct {
	ProgrammeID string `json:"programme_id"`
	// FromID wrote the thanks in the reply Reply; ToID receives it.
	FromID string `json:"from_id"`
	ToID   string `json:"to_id"`
	PairID string `json:"pair_id"`
	Reply  string `json:"reply"`
}

func (Thanks) Kind() Kind          { return KindThanks }
func (j Thanks) Programme() string { return j.ProgrammeID }
func (j Thanks) identity() []string {
	return []string{j.ProgrammeID, j.ToID, j.FromID, j.Reply}
}
func (j Thanks) check() error {
	return required(KindThanks, "programme_id", j.ProgrammeID, "from_id", j.FromID, "to_id", j.ToID, "pair_id", j.PairID, "reply", j.Reply)
}

// PairEnded tells one person, without blame, that their pair has ended
// early and what happens next.
type PairEnded struct {
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
	PairID        string `json:"pair_id"`
}

func (PairEnded) Kind() Kind          { return KindPairEnded }
func (j PairEnded) Programme() string { return j.ProgrammeID }
func (j PairEnded) identity() []string {
	return []string{j.ProgrammeID, j.PairID, j.ParticipantID}
}
func (j PairEnded) check() error {
	return required(KindPairEnded, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID, "pair_id", j.PairID)
}

// ReorgEnded tells one person of a pair that a reorganisation put inside
// one reporting line that the pair has ended: an organisational change,
// nobody's doing, and what happens next.
type ReorgEnded struct {
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
	PairID        string `json:"pair_id"`
}

func (ReorgEnded) Kind() Kind          { return KindReorgEnded }
func (j ReorgEnded) Programme() string { return j.ProgrammeID }
func (j ReorgEnded) identity() []string {
	return []string{j.ProgrammeID, j.PairID, j.ParticipantID}
}
func (j ReorgEnded) check() error {
	return required(KindReorgEnded, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID, "pair_id", j.PairID)
}

// AssistantCopy sends a senior's assistant the scheduling part of their
// introduction to PairID and its calendar file. Assistant is the revision
// of the senior's assistant it was queued for: the copy goes only while
// that assistant is still the senior's, so a removed or replaced assistant
// gets nothing, and a new one gets their own copy.
type AssistantCopy struct {
	ProgrammeID string `json:"programme_id"`
	PairID      string `json:"pair_id"`
	SeniorID    string `json:"senior_id"`
	Assistant   string `json:"assistant"`
}

func (AssistantCopy) Kind() Kind          { return KindAssistant }
func (j AssistantCopy) Programme() string { return j.ProgrammeID }
func (j AssistantCopy) identity() []string {
	return []string{j.ProgrammeID, j.PairID, j.SeniorID, j.Assistant}
}
func (j AssistantCopy) check() error {
	return required(KindAssistant, "programme_id", j.ProgrammeID, "pair_id", j.PairID, "senior_id", j.SeniorID, "assistant", j.Assistant)
}

// PreferenceTopic is what a Preferences answer confirms.
type PreferenceTopic string

// What a NOT WITH or ASSISTANT reply can be answered with.
const (
	// NotWithSet: a private "not with" preference is kept (with, when a
	// name was ambiguous, the question which person was meant).
	NotWithSet PreferenceTopic = "not_with"
	// NotWithRemoved: NOT WITH REMOVE took one or all of them back.
	NotWithRemoved PreferenceTopic = "not_with_removed"
	// NotWithEmpty: NOT WITH named nobody (or REMOVE matched none).
	NotWithEmpty PreferenceTopic = "not_with_empty"
	// AssistantSet: the senior's assistant now gets the scheduling copy.
	AssistantSet PreferenceTopic = "assistant"
	// AssistantRemoved: ASSISTANT REMOVE.
	AssistantRemoved PreferenceTopic = "assistant_removed"
	// AssistantInvalid: ASSISTANT without a valid address.
	AssistantInvalid PreferenceTopic = "assistant_invalid"
	// AssistantSeniorsOnly: a junior replied ASSISTANT.
	AssistantSeniorsOnly PreferenceTopic = "assistant_seniors_only"
)

var preferenceTopics = map[PreferenceTopic]bool{
	NotWithSet: true, NotWithRemoved: true, NotWithEmpty: true,
	AssistantSet: true, AssistantRemoved: true, AssistantInvalid: true, AssistantSeniorsOnly: true,
}

// Preferences answers one reply that set or removed a private preference
// or an assistant. Like Ack it names no content: the answer is rendered
// from what is stored when it is sent.
type Preferences struct {
	ProgrammeID   string          `json:"programme_id"`
	ParticipantID string          `json:"participant_id"`
	PairID        string          `json:"pair_id,omitempty"`
	Reply         string          `json:"reply"`
	Topic         PreferenceTopic `json:"topic"`
}

func (Preferences) Kind() Kind          { return KindPreferences }
func (j Preferences) Programme() string { return j.ProgrammeID }
func (j Preferences) identity() []string {
	return []string{j.ProgrammeID, j.ParticipantID, j.Reply, string(j.Topic)}
}
func (j Preferences) check() error {
	if !preferenceTopics[j.Topic] {
		return fmt.Errorf("preferences job: unknown topic %q", j.Topic)
	}
	return required(KindPreferences, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID, "reply", j.Reply)
}

// RoundEnd closes a rotation round's pair for one person.
type RoundEnd struct {
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
	PairID        string `json:"pair_id"`
	Round         int    `json:"round"`
}

func (RoundEnd) Kind() Kind          { return KindRoundEnd }
func (j RoundEnd) Programme() string { return j.ProgrammeID }
func (j RoundEnd) identity() []string {
	return []string{j.ProgrammeID, j.PairID, j.ParticipantID, itoa(j.Round)}
}
func (j RoundEnd) check() error {
	return required(KindRoundEnd, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID, "pair_id", j.PairID)
}

// RoundSummary tells one coordinator what a scheduled round proposed.
type RoundSummary struct {
	ProgrammeID string `json:"programme_id"`
	ProposalID  string `json:"proposal_id"`
	Round       int    `json:"round"`
	Coordinator string `json:"coordinator"`
}

func (RoundSummary) Kind() Kind          { return KindRoundSummary }
func (j RoundSummary) Programme() string { return j.ProgrammeID }
func (j RoundSummary) identity() []string {
	return []string{j.ProgrammeID, j.ProposalID, j.Coordinator}
}
func (j RoundSummary) check() error {
	return required(KindRoundSummary, "programme_id", j.ProgrammeID, "proposal_id", j.ProposalID, "coordinator", j.Coordinator)
}

// Note sends a coordinator's personal note to one participant.
type Note struct {
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
	PairID        string `json:"pair_id,omitempty"`
	NoteID        string `json:"note_id"`
}

func (Note) Kind() Kind          { return KindNote }
func (j Note) Programme() string { return j.ProgrammeID }
func (j Note) identity() []string {
	return []string{j.ProgrammeID, j.ParticipantID, j.NoteID}
}
func (j Note) check() error {
	return required(KindNote, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID, "note_id", j.NoteID)
}

// SenderNotice tells a participant that a reply to their email came from
// another address and was not acted on.
type SenderNotice struct {
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
	// Quarantined is the kept message's ID.
	Quarantined string `json:"quarantined"`
}

func (SenderNotice) Kind() Kind          { return KindSenderNotice }
func (j SenderNotice) Programme() string { return j.ProgrammeID }
func (j SenderNotice) identity() []string {
	return []string{j.ProgrammeID, j.ParticipantID, j.Quarantined}
}
func (j SenderNotice) check() error {
	return required(KindSenderNotice, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID, "quarantined", j.Quarantined)
}

// PairNote is an email to one person of a pair about the pairing itself
// (the kinds above that carry no more than who and which pair): the goal
// question, a partner's shared goal or applied learning, the questions of
// consent, the closing journal. About names the person whose words it
// carries, when that is the partner.
type PairNote struct {
	Email         Kind   `json:"email"`
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
	PairID        string `json:"pair_id"`
	About         string `json:"about,omitempty"`
	// Ref tells one such email from another for the ledger (the story's
	// key a consent is asked for; a goal's version).
	Ref string `json:"ref,omitempty"`
	// Reply is a reply the email must wait for (it is recorded just after
	// the jobs it causes are queued): the journal includes the closing
	// answer that asked for it. It does not make the email another one.
	Reply string `json:"reply,omitempty"`
}

var pairNotes = map[Kind]bool{KindGoalAsk: true, KindGoalShared: true, KindAppliedShared: true, KindRecognitionAsk: true,
	KindStoryConsentAsk: true, KindJournal: true}

func (j PairNote) Kind() Kind        { return j.Email }
func (j PairNote) Programme() string { return j.ProgrammeID }
func (j PairNote) identity() []string {
	return []string{j.ProgrammeID, j.PairID, j.ParticipantID, j.About, j.Ref}
}
func (j PairNote) check() error {
	if !pairNotes[j.Email] {
		return fmt.Errorf("pair note: %q is not a note about a pairing", j.Email)
	}
	return required(j.Email, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID, "pair_id", j.PairID)
}

// PublicationAsk asks one person (a story's teller, or the partner of a
// story from a pairing) whether Version of a story's anonymised text may
// be published. Each version is an email of its own; the text is read
// when it is sent, and nothing is sent for a version replaced since.
type PublicationAsk struct {
	ProgrammeID   string `json:"programme_id"`
	ParticipantID string `json:"participant_id"`
	Publication   string `json:"publication"`
	Version       int    `json:"version"`
}

func (PublicationAsk) Kind() Kind          { return KindPublicationAsk }
func (j PublicationAsk) Programme() string { return j.ProgrammeID }
func (j PublicationAsk) identity() []string {
	return []string{j.ProgrammeID, j.Publication, j.ParticipantID, itoa(j.Version)}
}
func (j PublicationAsk) check() error {
	if j.Version < 1 {
		return fmt.Errorf("publication question: version %d", j.Version)
	}
	return required(KindPublicationAsk, "programme_id", j.ProgrammeID, "participant_id", j.ParticipantID, "publication", j.Publication)
}

// Recognition tells a junior's manager, with the senior's and the
// junior's consent, what the junior's mentoring changed.
type Recognition struct {
	ProgrammeID string `json:"programme_id"`
	PairID      string `json:"pair_id"`
	// JuniorID's manager receives it; SeniorID's applied learning is what
	// it quotes.
	JuniorID string `json:"junior_id"`
	SeniorID string `json:"senior_id"`
}

func (Recognition) Kind() Kind          { return KindRecognition }
func (j Recognition) Programme() string { return j.ProgrammeID }
func (j Recognition) identity() []string {
	return []string{j.ProgrammeID, j.PairID, j.JuniorID}
}
func (j Recognition) check() error {
	return required(KindRecognition, "programme_id", j.ProgrammeID, "pair_id", j.PairID, "junior_id", j.JuniorID, "senior_id", j.SeniorID)
}

// NoProgramme is what coordinator emails about no one programme give as
// their programme (the SES tag needs a value).
const NoProgramme = "none"

// SignIn sends the email of a sign-in link or an account invitation. It
// names the link by its id; the sender derives the link's secret from the
// id with the HMAC key (token.Signer.Secret), so the queue never holds a
// working link.
type SignIn struct {
	Link string `json:"link"`
}

func (SignIn) Kind() Kind           { return KindSignIn }
func (SignIn) Programme() string    { return NoProgramme }
func (j SignIn) identity() []string { return []string{j.Link} }
func (j SignIn) check() error       { return required(KindSignIn, "link", j.Link) }

// Digest is one coordinator's weekly digest; Week (the Monday it is for,
// YYYY-MM-DD) makes it one email a week whatever the tick does.
type Digest struct {
	Account string `json:"account"`
	Week    string `json:"week"`
}

func (Digest) Kind() Kind           { return KindDigest }
func (Digest) Programme() string    { return NoProgramme }
func (j Digest) identity() []string { return []string{j.Account, j.Week} }
func (j Digest) check() error {
	return required(KindDigest, "account", j.Account, "week", j.Week)
}
