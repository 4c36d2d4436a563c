// Package feedback acts on what SES reports about sent mail: a hard bounce
// or a complaint puts the address on the suppression list (Upward's and, in
// AWS, SES's account list), marks the participant, and puts their pairs on
// the coordinator's attention list, so nothing more is sent to them.
package feedback

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sestypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/upward-mentoring/upward/shared/clock"
	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// Event is the detail of an SES sending event (the same JSON SES publishes
// to SNS and Firehose), as EventBridge delivers it.
type Event struct {
	EventType string `json:"eventType"`
	Mail      struct {
		MessageID   string              `json:"messageId"`
		Destination []string            `json:"destination"`
		Tags        map[string][]string `json:"tags"`
	} `json:"mail"`
	Bounce *struct {
		BounceType        string `json:"bounceType"` // Permanent, Transient, Undetermined
		BounceSubType     string `json:"bounceSubType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
	} `json:"bounce"`
	Complaint *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		ComplaintFeedbackType string `json:"complaintFeedbackType"`
	} `json:"complaint"`
	Reject *struct {
		Reason string `json:"reason"`
	} `json:"reject"`
}

// Store is what acting on feedback needs from the table.
type Store interface {
	Suppress(ctx context.Context, sup store.Suppression) error
	FindParticipantByEmail(ctx context.Context, programmeID, email string) (programme.Participant, error)
	MarkMailProblem(ctx context.Context, programmeID, id string, status programme.Status, problem string, now time.Time) error
	GetProgramme(ctx context.Context, id string) (programme.Programme, error)
	// Pairs change only through their lifecycle.
	lifecycle.Store
}

var _ Store = (*store.Store)(nil)

// AccountSuppressor adds an address to SES's account-level suppression
// list; nil locally, where the emulator has no such list.
type AccountSuppressor interface {
	PutSuppressedDestination(ctx context.Context, in *sesv2.PutSuppressedDestinationInput, opts ...func(*sesv2.Options)) (*sesv2.PutSuppressedDestinationOutput, error)
}

// Handler acts on SES events.
type Handler struct {
	Store   Store
	Account AccountSuppressor
	Clock   clock.Clock
	Log     *slog.Logger
}

// HandleEventBridge is the Lambda entry point for the EventBridge rule.
func (h *Handler) HandleEventBridge(ctx context.Context, ev events.CloudWatchEvent) error {
	var e Event
	if err := json.Unmarshal(ev.Detail, &e); err != nil {
		// Malformed events will never parse: log and let them go.
		h.Log.Error("unreadable SES event", "id", ev.ID, "detail_type", ev.DetailType, "err", err)
		return nil
	}
	return h.Handle(ctx, e)
}

// Handle acts on one event. Safe to repeat: suppression and marking are
// idempotent.
func (h *Handler) Handle(ctx context.Context, e Event) error {
	log := h.Log.With("ses_message_id", e.Mail.MessageID, "event", e.EventType)
	switch e.EventType {
	case "Bounce":
		if e.Bounce == nil || e.Bounce.BounceType != "Permanent" {
			log.Info("transient bounce: SES retries, nothing to do")
			return nil
		}
		var errs []error
		for _, r := range e.Bounce.BouncedRecipients {
			problem := "Email address bounced"
			if r.Status != "" {
				problem += " (" + r.Status + ")"
			}
			errs = append(errs, h.stop(ctx, e, r.EmailAddress, "hard bounce", sestypes.SuppressionListReasonBounce, programme.Bounced, problem))
		}
		return errors.Join(errs...)
	case "Complaint":
		if e.Complaint == nil {
			return nil
		}
		var errs []error
		for _, r := range e.Complaint.ComplainedRecipients {
			errs = append(errs, h.stop(ctx, e, r.EmailAddress, "complaint", sestypes.SuppressionListReasonComplaint, programme.Stopped, "Marked a programme email as spam"))
		}
		return errors.Join(errs...)
	case "Reject":
		reason := ""
		if e.Reject != nil {
			reason = e.Reject.Reason
		}
		log.Error("SES rejected a message it had accepted", "reason", reason)
		return nil
	default:
		log.Debug("delivery event", "recipients", len(e.Mail.Destination))
		return nil
	}
}

func (h *Handler) stop(ctx context.Context, e Event, addr, why string, reason sestypes.SuppressionListReason, status programme.Status, problem string) error {
	addr = strings.ToLower(strings.TrimSpace(addr))
	now := h.Clock.Now()
	if err := h.Store.Suppress(ctx, store.Suppression{Email: addr, Reason: why, At: now}); err != nil {
		return err
	}
	if h.Account != nil {
		if _, err := h.Account.PutSuppressedDestination(ctx, &sesv2.PutSuppressedDestinationInput{EmailAddress: aws.String(addr), Reason: reason}); err != nil {
			return fmt.Errorf("add to SES's suppression list: %w", err)
		}
	}
	progs := e.Mail.Tags["programme"]
	if len(progs) == 0 {
		h.Log.Warn("feedback without a programme tag: address suppressed, no participant marked", "event", e.EventType)
		return nil
	}
	p, err := h.Store.FindParticipantByEmail(ctx, progs[0], addr)
	if errors.Is(err, store.ErrNotFound) {
		return nil // erased since: the suppression is all that is left to do
	}
	if err != nil {
		return err
	}
	if err := h.Store.MarkMailProblem(ctx, p.ProgrammeID, p.ID, status, problem, now); err != nil {
		return err
	}
	prog, err := h.Store.GetProgramme(ctx, p.ProgrammeID)
	if err != nil {
		return err
	}
	// The coordinator decides what happens to the pair (a new address, a
	// new partner); flagging it causes no email.
	pairs := &lifecycle.Service{Store: h.Store}
	flag := lifecycle.Change{Transition: lifecycle.Flag, By: lifecycle.Schedule, At: now, Reason: fmt.Sprintf("%s: %s", roleLabel(p.Role), problem)}
	if _, err := pairs.ApplyToPairsOf(ctx, prog, p.ID, flag); err != nil {
		return err
	}
	h.Log.Info("mail to a participant stopped", "programme", p.ProgrammeID, "participant", p.ID, "why", why)
	return nil
}

func roleLabel(r programme.Role) string {
	if r == programme.Senior {
		return "The senior"
	}
	return "The junior"
}
