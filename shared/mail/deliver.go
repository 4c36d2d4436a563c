package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// Data is what delivering needs from the store.
type Data interface {
	GetProgramme(ctx context.Context, id string) (programme.Programme, error)
	GetParticipant(ctx context.Context, programmeID, id string) (programme.Participant, error)
	ClaimSend(ctx context.Context, r store.SendRecord) (store.SendRecord, error)
	MarkSent(ctx context.Context, key, messageID string, at time.Time) error
	ReleaseSend(ctx context.Context, key string) error
	MarkWelcomeSent(ctx context.Context, programmeID, id string, at time.Time) error
	RecordQuestionAsked(ctx context.Context, programmeID, id, entry string) error
	GetPair(ctx context.Context, programmeID, id string) (programme.Pair, error)
	IsSuppressed(ctx context.Context, email string) (bool, error)
	GetThanks(ctx context.Context, programmeID, fromID, key string) (store.Thanks, error)
	GetReply(ctx context.Context, programmeID, participantID, key string) (store.Reply, error)
	GetProposal(ctx context.Context, programmeID, id string) (store.Proposal, error)
	ProposalResult(ctx context.Context, p store.Proposal, out any) error
	ListParticipants(ctx context.Context, programmeID string) ([]programme.Participant, error)
	PrivateStore
	NoteStore
	QuarantineStore
	ImpactStore
	PublicationStore
	// Coordinator emails: sign-in links, invitations, the weekly digest.
	GetLoginLink(ctx context.Context, hash string) (store.LoginLink, error)
	GetAccount(ctx context.Context, email string) (store.Account, error)
	DigestData
}

// Sender hands a rendered email to the mail service.
type Sender interface {
	Send(ctx context.Context, e Email) (messageID string, err error)
}

var _ Data = (*store.Store)(nil)
var _ Sender = (*SES)(nil)

// Settings are the addresses and links every email uses.
type Settings struct {
	FromAddress string // the verified sender, e.g. programmes@mentoring.example.org
	MailDomain  string // reply addresses are reply+<token>@MailDomain
	BaseURL     string // the coordinator site, for links such as unsubscribe and guides
}

// Deliverer does send jobs: it renders the email from current data and
// sends it at most once, whatever the queue does.
type Deliverer struct {
	data     Data
	sender   Sender
	signer   *token.Signer
	clock    clock.Clock
	log      *slog.Logger
	settings Settings
	r        *renderer
	// followUps takes the emails that follow another once it is sent.
	followUps sendqueue.Queue
}

// FollowUpsOn gives the deliverer the queue for emails that must follow
// another (the goal question follows the introduction). Without it they
// are not sent.
func (d *Deliverer) FollowUpsOn(q sendqueue.Queue) { d.followUps = q }

var _ sendqueue.Handler = (*Deliverer)(nil)

// NewDeliverer checks the settings and parses the templates once.
func NewDeliverer(data Data, sender Sender, signer *token.Signer, clk clock.Clock, log *slog.Logger, s Settings) (*Deliverer, error) {
	if s.FromAddress == "" || s.MailDomain == "" || s.BaseURL == "" {
		return nil, errors.New("mail: FromAddress, MailDomain and BaseURL are required")
	}
	r, err := newRenderer()
	if err != nil {
		return nil, err
	}
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
	return &Deliverer{data: data, sender: sender, signer: signer, clock: clk, log: log, settings: s, r: r}, nil
}

// ErrSkipped marks jobs that need no email (the person stopped, bounced, or
// the data is gone); they are done, not failed.
var ErrSkipped = errors.New("nothing to send")

// Handle sends the email a job asks for. Order matters for exactly-once:
// render first (so a rendering problem leaves no claim), then claim in the
// ledger, then send. A crash after sending and before recording leaves a
// claim without "sent": a redelivery sees the claim and does not send again.
// An error from SES releases the claim so that the redelivery can send;
// throttling and a spent quota come back as sendqueue.Later, which the
// queue answers by waiting rather than by counting a failure.
func (d *Deliverer) Handle(ctx context.Context, j sendqueue.Job) error {
	key := sendqueue.Key(j)
	e, after, err := d.compose(ctx, j)
	if errors.Is(err, ErrSkipped) {
		d.log.Info("send job skipped", "key", key, "kind", j.Kind(), "reason", err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("compose %s %s: %w", j.Kind(), key, err)
	}
	e.Tags = map[string]string{"programme": j.Programme(), "kind": string(j.Kind())}
	if who := sendqueue.Recipient(j); who != "" {
		e.Tags["participant"] = who
	}
	if h, ok := d.sender.(interface{ Held() error }); ok {
		// The sender is holding back (SES pushed back a moment ago): wait
		// on the queue without touching the ledger.
		if err := h.Held(); err != nil {
			return err
		}
	}
	now := d.clock.Now()
	rec, err := d.data.ClaimSend(ctx, store.SendRecord{Key: key, Recipients: len(e.To), Kind: string(j.Kind()), ClaimedAt: now})
	if errors.Is(err, store.ErrAlreadyClaimed) {
		if rec.State == store.SendSent {
			d.log.Info("duplicate send job ignored", "key", key)
			return after(ctx, rec.SentAt)
		}
		// Claimed but never confirmed: a previous attempt died around the
		// SES call. Sending again could duplicate, so it is left for the
		// operator (the log line is the alarm's source).
		d.log.Warn("send claimed but unconfirmed; not resending to avoid a duplicate", "key", key, "claimed_at", rec.ClaimedAt)
		return nil
	}
	if err != nil {
		return fmt.Errorf("claim %s: %w", key, err)
	}
	id, err := d.sender.Send(ctx, e)
	if err != nil {
		if rerr := d.data.ReleaseSend(ctx, key); rerr != nil {
			return errors.Join(fmt.Errorf("send %s: %w", key, err), rerr)
		}
		return fmt.Errorf("send %s: %w", key, err)
	}
	if err := d.data.MarkSent(ctx, key, id, now); err != nil {
		return fmt.Errorf("record %s as sent (SES message %s): %w", key, id, err)
	}
	d.log.Info("email sent", "key", key, "ses_message_id", id)
	return after(ctx, now)
}

// compose renders the email of a job and returns what to record once sent.
// A job of a type it does not know is an error, never a skip: the queue
// retries it and dead-letters it where an operator sees it.
func (d *Deliverer) compose(ctx context.Context, j sendqueue.Job) (Email, func(context.Context, time.Time) error, error) {
	switch j := j.(type) {
	case sendqueue.Welcome:
		return d.composeWelcome(ctx, j)
	case sendqueue.Prepare:
		return d.composePrepare(ctx, j)
	case sendqueue.Intro:
		return d.composeIntro(ctx, j)
	case sendqueue.Scheduled:
		return d.composeForPerson(ctx, personJob{kind: j.Email, programmeID: j.ProgrammeID, participantID: j.ParticipantID, pairID: j.PairID, cycle: j.Cycle})
	case sendqueue.RoundEnd:
		return d.composeForPerson(ctx, personJob{kind: sendqueue.KindRoundEnd, programmeID: j.ProgrammeID, participantID: j.ParticipantID, pairID: j.PairID})
	case sendqueue.PairEnded:
		return d.composeForPerson(ctx, personJob{kind: sendqueue.KindPairEnded, programmeID: j.ProgrammeID, participantID: j.ParticipantID, pairID: j.PairID})
	case sendqueue.ReorgEnded:
		return d.composeForPerson(ctx, personJob{kind: sendqueue.KindReorgEnded, programmeID: j.ProgrammeID, participantID: j.ParticipantID, pairID: j.PairID})
	case sendqueue.RoundSummary:
		return d.composeRoundSummary(ctx, j)
	case sendqueue.Ack:
		return d.composeAck(ctx, j)
	case sendqueue.Thanks:
		return d.composeThanks(ctx, j)
	case sendqueue.Note:
		return d.composeNote(ctx, j)
	case sendqueue.PairNote:
		return d.composePairNote(ctx, j)
	case sendqueue.Recognition:
		return d.composeRecognition(ctx, j)
	case sendqueue.SenderNotice:
		return d.composeSenderNotice(ctx, j)
	case sendqueue.SignIn:
		return d.composeSignIn(ctx, j)
	case sendqueue.Digest:
		return d.composeDigest(ctx, j)
	case sendqueue.Preferences:
		return d.composePreferences(ctx, j)
	case sendqueue.AssistantCopy:
		return d.composeAssistantCopy(ctx, j)
	case sendqueue.PublicationAsk:
		return d.composePublicationAsk(ctx, j)
	}
	return Email{}, nil, fmt.Errorf("no email for a %T job", j)
}

func (d *Deliverer) from(p programme.Programme) string {
	return (&mail.Address{Name: p.Name, Address: d.settings.FromAddress}).String()
}

// common is the data every email template uses.
type common struct {
	Subject        string
	Programme      programme.Programme
	UnsubscribeURL string
	// PageURL is the reader's own page (shared/oneclick), in the footer of
	// every email to one participant.
	PageURL string
	// Click are the email's one-click answers, when it asks something.
	Click clickLinks
	// ForCoordinator drops the participant's privacy note from the footer.
	ForCoordinator bool
	// Lang is the language the email is written in; Texts are the
	// programme's own words in it.
	Lang  lang.Tag
	Texts programme.Texts
}

func (c common) language() lang.Tag { return c.Lang }

// newCommon is the common data of an email to someone reading l.
func (d *Deliverer) newCommon(p programme.Programme, l lang.Tag) common {
	return common{Programme: p, Lang: l, Texts: d.texts(p, l)}
}

// programmeWords are the programme's settings in words, in l.
type programmeWords struct {
	MeetingEvery, MeetingMode, CheckInEvery, Duration string
	Start, End                                        time.Time
}

func (d *Deliverer) programmeWords(p programme.Programme, l lang.Tag) (programmeWords, error) {
	w := programmeWords{Start: p.Start(), End: p.End()}
	var err error
	say := func(key string, data any) string {
		if err != nil {
			return ""
		}
		var s string
		s, err = d.r.words.Text(l, key, data)
		return s
	}
	w.MeetingEvery = say("cadence."+string(p.MeetingCadence), nil)
	w.CheckInEvery = say("cadence."+string(p.CheckInCadence), nil)
	w.MeetingMode = say("mode."+string(p.MeetingMode), nil)
	days := int(p.End().Sub(p.Start()).Hours()/24) + 1
	switch {
	case days >= 56:
		w.Duration = say("duration.months", (days+15)/30)
	case days >= 14:
		w.Duration = say("duration.weeks", (days+3)/7)
	default:
		w.Duration = say("duration.days", days)
	}
	return w, err
}

func (d *Deliverer) unsubscribeURL(ref token.Ref) (string, error) {
	ref.Purpose = token.PurposeUnsubscribe
	tok, err := d.signer.Sign(ref)
	if err != nil {
		return "", err
	}
	return d.settings.BaseURL + "/u/" + tok, nil
}

// listHeaders make mail clients show an unsubscribe button that works in one
// click (RFC 8058), which large mailbox providers require of bulk senders.
func listHeaders(unsubscribeURL string) map[string]string {
	return map[string]string{
		"List-Unsubscribe":      "<" + unsubscribeURL + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}
}
