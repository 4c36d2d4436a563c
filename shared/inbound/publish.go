package inbound

import (
	"errors"

	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// publicationReply reads a YES or NO to publishing a story's anonymised
// text. The email's token names the publication and the version it
// quoted: a YES agrees to that text only, and publishes it when it is the
// last agreement missing; a NO withdraws it for good, also after it was
// published. Nobody is told who said no, or why.
func (r *reply) publicationReply() error {
	a := r.answer
	if a.Met == nil {
		return nil // neither yes nor no: answered as not understood
	}
	yes := *a.Met
	r.acted = true
	if yes {
		// A YES counts only while the story itself may still be shown:
		// its teller's consent and, from a pairing, the partner's.
		ok, err := r.storyStands()
		if err != nil {
			return err
		}
		if !ok {
			if err := r.h.store.WithdrawPublication(r.ctx, r.prog.ID, r.publication, r.now); err != nil {
				return err
			}
			r.ack(sendqueue.AckPublicationClosed)
			return nil
		}
	}
	p, err := r.h.store.AnswerPublication(r.ctx, r.prog.ID, r.publication, r.person.ID, r.ref.Cycle, yes, r.now)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Deleted with an erasure, or not theirs to answer: nothing is
		// published on this reply.
		if yes {
			r.ack(sendqueue.AckPublicationClosed)
		} else {
			r.ack(sendqueue.AckPublicationRefused)
		}
		return nil
	case err != nil:
		return err
	}
	switch {
	case !yes:
		r.h.log.Info("publication withdrawn by reply", "programme", r.prog.ID, "publication", p.ID)
		r.ack(sendqueue.AckPublicationRefused)
	case p.Withdrawn():
		r.ack(sendqueue.AckPublicationClosed)
	case p.Version != r.ref.Cycle:
		r.ack(sendqueue.AckPublicationChanged)
	default:
		if p.Published() {
			r.h.log.Info("story published", "programme", r.prog.ID, "publication", p.ID, "version", p.Version)
		}
		r.ack(sendqueue.AckPublicationAgreed)
	}
	return nil
}

// storyStands reports whether the story a publication is made from may
// still be shown (false when either is gone).
func (r *reply) storyStands() (bool, error) {
	p, err := r.h.store.GetPublication(r.ctx, r.prog.ID, r.publication)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	st, err := r.h.store.GetStory(r.ctx, r.prog.ID, p.AuthorID, p.StoryKey)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil && st.Shown(), err
}
