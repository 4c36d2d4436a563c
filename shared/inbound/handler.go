// Package inbound records participants' email replies: it checks SES's
// verdicts, finds who wrote and which email they answer from the signed
// reply address, understands the reply (shared/replies), and records the
// answers and carries out the commands. It is the same code in the inbound
// Lambda function and in `upward dev`'s local SMTP server.
package inbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"log/slog"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// Verdicts are SES's findings on a message: PASS, FAIL, GRAY or
// PROCESSING_FAILED; empty when nobody judged it (the local SMTP server).
type Verdicts struct {
	Spam, Virus, SPF, DKIM, DMARC string
}

// Message is one inbound email as the receiving side hands it over.
type Message struct {
	// ID is SES's message id (the S3 object's name); locally a random id.
	ID string
	// Recipients are the envelope recipients, which SES vouches for;
	// the To header is only what the sender wrote.
	Recipients []string
	// EnvelopeFrom is the SMTP MAIL FROM address, whose domain SPF
	// vouches for.
	EnvelopeFrom string
	Verdicts     Verdicts
	Raw          []byte
	// Location is where the raw message is kept, for the quarantine view.
	Location   string
	ReceivedAt time.Time
	// trusted is the participant a coordinator vouched for when releasing
	// the message from quarantine: its sender counts as them.
	trusted string
}

// Outcome is what happened to a message.
type Outcome string

const (
	Recorded    Outcome = "recorded"
	Duplicate   Outcome = "duplicate"
	Quarantined Outcome = "quarantined"
	Dropped     Outcome = "dropped" // a virus: not even kept
	Ignored     Outcome = "ignored" // an auto-reply or a bounce: nothing to record
)

// Result says what was done and why.
type Result struct {
	Outcome       Outcome
	Reason        string
	ProgrammeID   string
	ParticipantID string
	Command       replies.Command
	Answer        replies.Answer
}

// Store is what recording replies needs from the table.
type Store interface {
	GetProgramme(ctx context.Context, id string) (programme.Programme, error)
	GetParticipant(ctx context.Context, programmeID, id string) (programme.Participant, error)
	HasReply(ctx context.Context, programmeID, participantID, key string) (bool, error)
	PutReply(ctx context.Context, r store.Reply) error
	PutAnswer(ctx context.Context, a store.Answer) error
	RecordContact(ctx context.Context, programmeID, pairID string, cycle int, met bool, at time.Time) error
	SetStatus(ctx context.Context, programmeID, id string, status programme.Status, note string, now time.Time) (programme.Participant, error)
	SetTopics(ctx context.Context, programmeID, id string, topics []string, now time.Time) error
	PutStory(ctx context.Context, st store.Story) error
	WithdrawStories(ctx context.Context, programmeID, participantID string, now time.Time) (int, error)
	WithdrawPartnerConsents(ctx context.Context, programmeID, partnerID string, now time.Time) ([]store.Story, error)
	PutThanks(ctx context.Context, t store.Thanks) error
	Quarantine(ctx context.Context, q store.Quarantined, keepFor time.Duration) error
	MarkUnclear(ctx context.Context, programmeID, id string, at time.Time) error
	MarkReleased(ctx context.Context, id, by string, at time.Time) error
	SetGoal(ctx context.Context, g store.Goal) (store.Goal, error)
	GetGoal(ctx context.Context, programmeID, participantID, pairID string) (store.Goal, error)
	MarkGoalShared(ctx context.Context, programmeID, participantID, pairID string, version int) error
	SetGoalProgress(ctx context.Context, programmeID, participantID, pairID string, progress int, at time.Time) error
	PutApplied(ctx context.Context, a store.Applied) error
	GetApplied(ctx context.Context, programmeID, pairID string) (store.Applied, error)
	RecordAppliedConsent(ctx context.Context, programmeID, pairID string, step store.AppliedConsent, at time.Time) (store.Applied, error)
	ListStories(ctx context.Context, programmeID string) ([]store.Story, error)
	PartnerAnswer(ctx context.Context, programmeID, authorID, key string, consent bool, at time.Time) error
	// Publishing a story (publish.go).
	GetStory(ctx context.Context, programmeID, authorID, key string) (store.Story, error)
	GetPublication(ctx context.Context, programmeID, id string) (store.Publication, error)
	AnswerPublication(ctx context.Context, programmeID, id, participantID string, version int, yes bool, at time.Time) (store.Publication, error)
	WithdrawPublication(ctx context.Context, programmeID, id string, at time.Time) error
	WithdrawPublicationsOf(ctx context.Context, programmeID, authorID, storyKey string, at time.Time) error
	SetLanguage(ctx context.Context, programmeID, id string, l lang.Tag, now time.Time) error
	SpendMailBudget(ctx context.Context, programmeID, participantID, kind, replyKey string, limit int, now time.Time) (bool, error)
	// NOT WITH and ASSISTANT (preferences.go).
	PrivateStore
	// Pairs change only through their lifecycle.
	lifecycle.Store
}

var _ Store = (*store.Store)(nil)

// Settings of the handler.
type Settings struct {
	MailDomain string // reply addresses are reply+<token>@MailDomain
	// Retention is how long reply text is kept (0: 365 days).
	Retention time.Duration
	// QuarantineFor is how long quarantined entries stay listed (0: 30 days).
	QuarantineFor time.Duration
	Limits        replies.Limits
	// Local is `upward dev`'s delivery (its SMTP server, an uploaded file):
	// no SES judged the message, and the reply token may be read from the
	// To header. Never set in AWS, where only SES's verdicts and envelope
	// recipients are trusted.
	Local bool
}

// Handler records replies.
type Handler struct {
	store    Store
	queue    sendqueue.Queue
	signer   *token.Signer
	clock    clock.Clock
	log      *slog.Logger
	settings Settings
	pairs    *lifecycle.Service
}

// New builds a handler.
func New(s Store, q sendqueue.Queue, signer *token.Signer, clk clock.Clock, log *slog.Logger, settings Settings) (*Handler, error) {
	if s == nil || q == nil || signer == nil || clk == nil || log == nil || settings.MailDomain == "" {
		return nil, errors.New("inbound: store, queue, signer, clock, log and mail domain are required")
	}
	if settings.Retention == 0 {
		settings.Retention = 365 * 24 * time.Hour
	}
	if settings.QuarantineFor == 0 {
		settings.QuarantineFor = 30 * 24 * time.Hour
	}
	return &Handler{store: s, queue: q, signer: signer, clock: clk, log: log, settings: settings,
		pairs: &lifecycle.Service{Store: s, Queue: q}}, nil
}

// Handle records one inbound message. It is safe to run twice on the same
// message: every step is idempotent and the reply itself is written last,
// so a replay either finds it recorded or finishes what a crash left.
func (h *Handler) Handle(ctx context.Context, m Message) (Result, error) {
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = h.clock.Now()
	}
	log := h.log.With("message", m.ID)
	if v := m.Verdicts; v.Virus == "FAIL" {
		log.Warn("inbound message dropped: virus verdict FAIL")
		return Result{Outcome: Dropped, Reason: "virus scan failed"}, nil
	}
	msg, err := replies.Parse(m.Raw, h.settings.Limits)
	if err != nil {
		return h.quarantine(ctx, m, nil, "", "unreadable message: "+err.Error())
	}
	if reason := h.verdictProblem(m, msg.From); reason != "" && m.trusted == "" {
		return h.quarantine(ctx, m, msg, "", reason)
	}
	ref, ok := h.findRef(m, msg)
	if !ok {
		return h.quarantine(ctx, m, msg, "", "no valid reply token in the recipient address")
	}
	// The question about publishing a story carries the publication in
	// the token's pair slot: it names no pair.
	var publication string
	if ref.Kind == token.KindPublication {
		publication, ref.PairID = ref.PairID, ""
	}
	prog, err := h.store.GetProgramme(ctx, ref.ProgrammeID)
	if errors.Is(err, store.ErrNotFound) {
		return h.quarantine(ctx, m, msg, "", "the programme no longer exists")
	}
	if err != nil {
		return Result{}, err
	}
	if msg.SenderProblem != "" {
		// Several authors, or a Sender that is someone else: nobody can
		// tell whose reply it is, so it acts in nobody's name.
		return h.quarantine(ctx, m, msg, prog.ID, "ambiguous sender: "+msg.SenderProblem)
	}
	person, err := h.store.GetParticipant(ctx, ref.ProgrammeID, ref.ParticipantID)
	if errors.Is(err, store.ErrNotFound) {
		// Erased at their request: keep nothing of what they send now.
		log.Info("reply from an erased participant dropped")
		return Result{Outcome: Dropped, Reason: "the participant's data was erased"}, nil
	}
	if err != nil {
		return Result{}, err
	}
	if !person.Owns(msg.From) && m.trusted != person.ID {
		return h.senderUnknown(ctx, m, msg, prog, person)
	}
	res := Result{ProgrammeID: prog.ID, ParticipantID: person.ID}
	log = log.With("programme", prog.ID, "participant", person.ID)
	switch msg.Kind {
	case replies.KindAutoReply:
		log.Info("auto-reply ignored", "why", msg.KindReason)
		res.Outcome, res.Reason = Ignored, "auto-reply: "+msg.KindReason
		return res, nil
	case replies.KindBounce:
		log.Info("bounce to a reply address ignored", "why", msg.KindReason)
		res.Outcome, res.Reason = Ignored, "bounce: "+msg.KindReason
		return res, nil
	}

	key := messageKey(m, msg)
	text := msg.TrimmedText()
	opts := replies.Options{Context: replies.CheckIn}
	if ref.Kind == token.KindWelcome {
		// The topics as the welcome showed them, in the person's language;
		// the answer names them as the programme stores them.
		shown, err := mail.Topics(prog, person.EmailLanguage(prog))
		if err != nil {
			return Result{}, err
		}
		opts = replies.Options{Context: replies.Welcome, Topics: shown}
	}
	a := replies.Understand(text, opts)
	if opts.Context == replies.Welcome {
		a.Topics = storedTopics(prog, opts.Topics, a.Topics)
	}
	res, err = h.record(ctx, answered{prog: prog, person: person, ref: ref, key: key, answer: a, text: text, at: m.ReceivedAt, publication: publication}, res)
	if err != nil {
		return Result{}, err
	}
	if res.Outcome == Duplicate {
		log.Info("replayed message: already recorded")
		return res, nil
	}
	log.Info("reply recorded", "answers", ref.Kind.String(), "cycle", ref.Cycle, "command", a.Command, "met", a.Met != nil, "rating", a.Rating != nil)
	return res, nil
}

// answered is one answer to one email, however it came: a reply, or a
// click on one of the email's links.
type answered struct {
	prog   programme.Programme
	person programme.Participant
	ref    token.Ref
	// key names this answer (a reply's Message-ID, a page's submission):
	// the same key twice is recorded once.
	key    string
	answer replies.Answer
	// text is what the person wrote, kept privately.
	text string
	at   time.Time
	// via is how it came: "" by reply, ViaLink by a page.
	via string
	// publication is the story publication a publication question names
	// (carried in the token's pair slot).
	publication string
}

// record applies an answer and keeps it: the one path of replies and
// clicks alike, so that answering by either has the same effect. The
// reply record is written last, so a replay either finds it (and changes
// nothing) or finishes what a crash left.
func (h *Handler) record(ctx context.Context, x answered, res Result) (Result, error) {
	done, err := h.store.HasReply(ctx, x.prog.ID, x.person.ID, x.key)
	if err != nil {
		return Result{}, err
	}
	if done {
		res.Outcome = Duplicate
		return res, nil
	}
	a := x.answer
	res.Answer, res.Command = a, a.Command
	r := reply{h: h, ctx: ctx, now: x.at, prog: x.prog, person: x.person, ref: x.ref, key: x.key, answer: a, text: x.text, publication: x.publication}
	if err := r.apply(); err != nil {
		return Result{}, err
	}
	rec := store.Reply{
		ProgrammeID: x.prog.ID, ParticipantID: x.person.ID, PairID: x.ref.PairID, Key: x.key, ReceivedAt: x.at,
		Context: x.ref.Kind.String(), Cycle: x.ref.Cycle, Command: string(a.Command), Met: a.Met, Rating: a.Rating,
		Text: x.text, Read: a.Read, Language: a.Language, Expires: x.at.Add(h.retention(x.prog)), Via: x.via,
	}
	if x.ref.Kind == token.KindWelcome {
		rec.Join, rec.Topics = a.Join, a.Topics
	}
	if err := h.store.PutReply(ctx, rec); err != nil && !errors.Is(err, store.ErrConflict) {
		return Result{}, err
	}
	res.Outcome = Recorded
	return res, nil
}

// storedTopics maps topics named in a reply (as the person's language
// shows them) to the programme's own wording, by position.
func storedTopics(p programme.Programme, shown, named []string) []string {
	var out []string
	for _, n := range named {
		for i, s := range shown {
			if s == n && i < len(p.Topics) {
				out = append(out, p.Topics[i])
				break
			}
		}
	}
	return out
}

// retention is how long this programme keeps reply text.
func (h *Handler) retention(p programme.Programme) time.Duration {
	if p.ReplyRetentionDays > 0 {
		return time.Duration(p.ReplyRetentionDays) * 24 * time.Hour
	}
	return h.settings.Retention
}

// verdictProblem says why a message cannot be trusted to come from its
// From address. Upward acts on a reply only when SES found no spam and no
// virus, and the From address's domain vouches for it: DMARC passed (SPF
// or DKIM passed, aligned with From), or, where the domain publishes no
// DMARC policy (GRAY), SPF passed for an envelope sender of the same
// domain. Anything SES could not judge (GRAY, PROCESSING_FAILED) is
// quarantined, never acted on.
func (h *Handler) verdictProblem(m Message, from string) string {
	v := m.Verdicts
	if h.settings.Local && v == (Verdicts{}) {
		return ""
	}
	switch {
	case v.Spam == "FAIL":
		return "SES judged it spam"
	case v.Spam != "PASS":
		return fmt.Sprintf("SES could not judge whether it is spam (%s)", orNone(v.Spam))
	case v.Virus != "PASS":
		return fmt.Sprintf("SES could not scan it for viruses (%s)", orNone(v.Virus))
	case v.DMARC == "FAIL":
		return "DMARC failed: the sender's domain does not vouch for it"
	case v.DMARC == "PASS":
		return ""
	case v.DMARC != "GRAY":
		return fmt.Sprintf("SES could not check DMARC (%s)", orNone(v.DMARC))
	case v.SPF != "PASS":
		return fmt.Sprintf("the sender's domain publishes no DMARC policy and SPF did not pass (%s)", orNone(v.SPF))
	case !aligned(domainOf(m.EnvelopeFrom), domainOf(from)):
		return "the sender's domain publishes no DMARC policy and SPF passed for another domain"
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "no verdict"
	}
	return s
}

func domainOf(addr string) string {
	addr = strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>"))
	if at := strings.LastIndexByte(addr, '@'); at >= 0 {
		return addr[at+1:]
	}
	return ""
}

// aligned is DMARC's relaxed alignment, without the public suffix list:
// the same domain, or one a subdomain of the other.
func aligned(a, b string) bool {
	return a != "" && b != "" && (a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a))
}

// findRef verifies the first recipient that carries a reply token. In AWS
// only the envelope recipients count: SES vouches for them, while the To
// and Cc headers say whatever the sender wrote. Locally (`upward dev`) the
// headers count too, as an uploaded file has no envelope.
func (h *Handler) findRef(m Message, msg *replies.Message) (token.Ref, bool) {
	candidates := append([]string{}, m.Recipients...)
	if h.settings.Local {
		candidates = append(append(candidates, msg.DeliveredTo...), append(msg.To, msg.Cc...)...)
	}
	for _, addr := range candidates {
		ref, err := h.signer.ParseReplyAddress(addr, h.settings.MailDomain)
		if err == nil {
			return ref, true
		}
	}
	return token.Ref{}, false
}

// messageKey identifies a message across redeliveries: its Message-ID, or
// SES's id when the sender set none.
func messageKey(m Message, msg *replies.Message) string {
	id := msg.MessageID
	if id == "" {
		id = "ses:" + m.ID
	}
	sum := sha256.Sum256([]byte(strings.ToLower(id)))
	return hex.EncodeToString(sum[:12])
}

func (h *Handler) quarantine(ctx context.Context, m Message, msg *replies.Message, programmeID, reason string) (Result, error) {
	q := store.Quarantined{Key: m.ID, ReceivedAt: m.ReceivedAt, Reason: reason, Recipients: m.Recipients, Location: m.Location, ProgrammeID: programmeID}
	return h.keep(ctx, m, msg, q)
}

// senderUnknown keeps a valid reply that came from an address that is not
// the participant's: it is not acted on, the participant is told at their
// own address (at most once a day, so nobody can use it to flood them),
// and the coordinator may release it or add the address as theirs.
func (h *Handler) senderUnknown(ctx context.Context, m Message, msg *replies.Message, prog programme.Programme, person programme.Participant) (Result, error) {
	q := store.Quarantined{Key: m.ID, ReceivedAt: m.ReceivedAt, Reason: "sender unknown: the reply came from an address that is not the participant's",
		Recipients: m.Recipients, Location: m.Location, ProgrammeID: prog.ID, SenderUnknown: true, ParticipantID: person.ID}
	res, err := h.keep(ctx, m, msg, q)
	if err != nil {
		return res, err
	}
	res.ParticipantID = person.ID
	q.From = msg.From
	if q.Key == "" {
		q.Key = rawKey(m.Raw)
	}
	ok, err := h.store.SpendMailBudget(ctx, prog.ID, person.ID, "notice", q.ID(), 1, m.ReceivedAt)
	if err != nil {
		return Result{}, err
	}
	if ok {
		if err := h.queue.Enqueue(ctx, sendqueue.SenderNotice{ProgrammeID: prog.ID, ParticipantID: person.ID, Quarantined: q.ID()}); err != nil {
			return Result{}, err
		}
	}
	return res, nil
}

func rawKey(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:12])
}

// keep stores a message in quarantine.
func (h *Handler) keep(ctx context.Context, m Message, msg *replies.Message, q store.Quarantined) (Result, error) {
	programmeID, reason := q.ProgrammeID, q.Reason
	if msg != nil {
		q.From = msg.From
	}
	if q.Key == "" {
		q.Key = rawKey(m.Raw)
	}
	if err := h.store.Quarantine(ctx, q, h.settings.QuarantineFor); err != nil {
		return Result{}, err
	}
	h.log.Warn("inbound message quarantined", "message", m.ID, "reason", reason, "location", m.Location)
	return Result{Outcome: Quarantined, Reason: reason, ProgrammeID: programmeID}, nil
}
