package inbound

import (
	"context"
	"errors"
	"fmt"

	"github.com/upward-mentoring/upward/shared/store"
)

// RawMail reads a kept message by its location ("s3://bucket/key"): in
// AWS and locally, inbound.Bucket.
type RawMail interface {
	Fetch(ctx context.Context, location string) ([]byte, error)
}

// ErrNotReleasable is a quarantined message a coordinator cannot release:
// only a valid reply from an unknown sender can be, and only once.
var ErrNotReleasable = errors.New("this message cannot be released")

// Release records a reply that was quarantined because it came from an
// address that is not the participant's, after a coordinator vouched for
// it: the message is handled as if the participant had sent it (its reply
// token must still name them). It happens once; the coordinator who did it
// is recorded with the entry.
func (h *Handler) Release(ctx context.Context, raw RawMail, q store.Quarantined, by string) (Result, error) {
	if !q.SenderUnknown || q.ParticipantID == "" || !q.ReleasedAt.IsZero() {
		return Result{}, ErrNotReleasable
	}
	b, err := raw.Fetch(ctx, q.Location)
	if err != nil {
		return Result{}, err
	}
	m := Message{ID: q.Key, Recipients: q.Recipients, Raw: b, Location: q.Location, ReceivedAt: q.ReceivedAt, trusted: q.ParticipantID}
	res, err := h.Handle(ctx, m)
	if err != nil {
		return res, err
	}
	if res.ParticipantID != q.ParticipantID || (res.Outcome != Recorded && res.Outcome != Duplicate && res.Outcome != Ignored) {
		return res, fmt.Errorf("%w: %s", ErrNotReleasable, res.Reason)
	}
	if err := h.store.MarkReleased(ctx, q.ID(), by, h.clock.Now()); err != nil && !errors.Is(err, store.ErrConflict) {
		return res, err
	}
	h.log.Info("quarantined reply released", "programme", q.ProgrammeID, "participant", q.ParticipantID, "by", by)
	return res, nil
}

// Releaser releases quarantined replies for the coordinator's pages.
type Releaser struct {
	Handler *Handler
	Raw     RawMail
}

// Release records q as its participant's reply and says what came of it.
func (r Releaser) Release(ctx context.Context, q store.Quarantined, by string) (string, error) {
	res, err := r.Handler.Release(ctx, r.Raw, q, by)
	if err != nil {
		return "", err
	}
	return string(res.Outcome), nil
}
