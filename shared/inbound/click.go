package inbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// Click is an answer given on the page one of an email's links opens,
// instead of by reply.
type Click struct {
	// Ref names the email answered, as that email's reply address does.
	Ref token.Ref
	// Answer is what the page's form said, in the reply parser's terms:
	// Met and Rating, Join and Topics (as the programme stores them),
	// Commands, and FreeText for the words typed in its text box.
	Answer replies.Answer
	// Submission names this sending of the form: the same form sent again
	// (a double click, a browser resending it) carries the same one.
	Submission string
	// At is when it was sent (zero: now).
	At time.Time
}

// ErrEmptyAnswer is a click that says nothing: no answer, no command and
// no words. Its page asks again; nothing is recorded.
var ErrEmptyAnswer = errors.New("the answer says nothing")

// Answer records an answer given on a page exactly as a reply saying the
// same would be recorded: through the same rules (apply.go) into the same
// records, so that a click and a reply to one email are one answer and the
// later replaces the earlier (answers are kept per pair, check-in and
// role), and with the same acknowledgements. Sending the same submission
// again changes nothing: its outcome is Duplicate.
func (h *Handler) Answer(ctx context.Context, c Click) (Result, error) {
	a := c.Answer
	a.FreeText = strings.TrimSpace(a.FreeText)
	if !a.Understood() && a.FreeText == "" {
		return Result{}, ErrEmptyAnswer
	}
	if c.Submission == "" {
		return Result{}, errors.New("answer by link: no submission named")
	}
	if c.At.IsZero() {
		c.At = h.clock.Now()
	}
	prog, err := h.store.GetProgramme(ctx, c.Ref.ProgrammeID)
	if err != nil {
		return Result{}, fmt.Errorf("answer by link: %w", err)
	}
	person, err := h.store.GetParticipant(ctx, c.Ref.ProgrammeID, c.Ref.ParticipantID)
	if errors.Is(err, store.ErrNotFound) {
		// Erased at their request: keep nothing of what they send now,
		// as with a reply.
		return Result{Outcome: Dropped, Reason: "the participant's data was erased"}, nil
	}
	if err != nil {
		return Result{}, fmt.Errorf("answer by link: %w", err)
	}
	// The first command other than THANKS, as the parser names it.
	a.Command = ""
	for _, in := range a.Commands {
		if in.Command != replies.CommandThanks {
			a.Command = in.Command
			break
		}
	}
	res := Result{ProgrammeID: prog.ID, ParticipantID: person.ID}
	ref, publication := c.Ref, ""
	if ref.Kind == token.KindPublication {
		// As in a reply's token: the pair slot names the publication.
		publication, ref.PairID = ref.PairID, ""
	}
	res, err = h.record(ctx, answered{prog: prog, person: person, ref: ref, key: submissionKey(c.Submission), answer: a, text: a.FreeText,
		at: c.At, via: store.ViaLink, publication: publication}, res)
	if err != nil {
		return Result{}, err
	}
	h.log.Info("answer by link", "programme", prog.ID, "participant", person.ID, "answers", c.Ref.Kind.String(), "cycle", c.Ref.Cycle,
		"outcome", res.Outcome, "command", a.Command, "met", a.Met != nil, "rating", a.Rating != nil)
	return res, nil
}

// submissionKey names a page's submission as a reply's key names its
// message: a hash of the same length, apart from every Message-ID's.
func submissionKey(submission string) string {
	sum := sha256.Sum256([]byte("link\x00" + submission))
	return hex.EncodeToString(sum[:12])
}
