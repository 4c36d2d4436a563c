package inbound

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// reply is one message being applied.
type reply struct {
	h      *Handler
	ctx    context.Context
	now    time.Time
	prog   programme.Programme
	person programme.Participant
	ref    token.Ref
	key    string
	answer replies.Answer
	text   string
	jobs   []sendqueue.Job
}

func (r *reply) ack(topic sendqueue.AckTopic) {
	r.jobs = append(r.jobs, sendqueue.Ack{ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, PairID: r.ref.PairID, Reply: r.key, Topic: topic})
}

// change asks the pair's lifecycle for a change made by this reply's author.
func (r *reply) change(p programme.Pair, c lifecycle.Change) (lifecycle.Result, error) {
	c.By, c.At = lifecycle.Participant(r.person.ID), r.now
	return r.h.pairs.Apply(r.ctx, r.prog, p, c)
}

// apply records the answers and carries out the command, then queues the
// acknowledgements. Each step is idempotent.
func (r *reply) apply() error {
	var err error
	switch r.answer.Command {
	case replies.CommandPause:
		err = r.pause()
	case replies.CommandResume:
		err = r.resume()
	case replies.CommandStop:
		err = r.stop()
	case replies.CommandRematch:
		err = r.rematch()
	case replies.CommandHelp:
		r.ack(sendqueue.AckHelp)
	case replies.CommandStory:
		err = r.story()
	default:
		if r.ref.Kind == token.KindWelcome {
			err = r.optIn()
		} else {
			err = r.checkIn()
		}
	}
	if err != nil {
		return err
	}
	return r.h.queue.Enqueue(r.ctx, r.jobs...)
}

// livePair is the pair the reply is about, if it is still running.
func (r *reply) livePair() (programme.Pair, bool, error) {
	if r.ref.PairID == "" {
		return programme.Pair{}, false, nil
	}
	p, err := r.h.store.GetPair(r.ctx, r.prog.ID, r.ref.PairID)
	if errors.Is(err, store.ErrNotFound) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	return p, p.State.Live(), nil
}

func (r *reply) pause() error {
	p, live, err := r.livePair()
	if err != nil {
		return err
	}
	if live {
		if _, err := r.change(p, lifecycle.Change{Transition: lifecycle.Pause, Until: r.now.Add(programme.PauseByReply)}); err != nil {
			return err
		}
	} else if r.person.Status == programme.OptedIn || r.person.Status == programme.Invited {
		if _, err := r.h.store.SetStatus(r.ctx, r.prog.ID, r.person.ID, programme.Paused, "paused by reply", r.now); err != nil {
			return err
		}
	}
	r.ack(sendqueue.AckPaused)
	return nil
}

func (r *reply) resume() error {
	p, live, err := r.livePair()
	if err != nil {
		return err
	}
	if live {
		if _, err := r.change(p, lifecycle.Change{Transition: lifecycle.Resume, Cycle: r.ref.Cycle}); err != nil {
			return err
		}
	}
	if r.person.Status == programme.Paused || r.person.Status == programme.Stopped {
		if _, err := r.h.store.SetStatus(r.ctx, r.prog.ID, r.person.ID, programme.OptedIn, "resumed by reply", r.now); err != nil {
			return err
		}
	}
	r.ack(sendqueue.AckResumed)
	return nil
}

// stop ends all email to the person: their status, and each of their
// pairs, whose partner is told kindly and paired again.
func (r *reply) stop() error {
	if r.person.Status != programme.Stopped {
		if _, err := r.h.store.SetStatus(r.ctx, r.prog.ID, r.person.ID, programme.Stopped, "stopped by reply", r.now); err != nil {
			return err
		}
	}
	c := lifecycle.Change{Transition: lifecycle.Stop, By: lifecycle.Participant(r.person.ID), At: r.now, Of: r.person.ID}
	if _, err := r.h.pairs.ApplyToPairsOf(r.ctx, r.prog, r.person.ID, c); err != nil {
		return err
	}
	r.ack(sendqueue.AckStopped)
	return nil
}

// rematch ends the pair gently (shared/lifecycle: a no-fault email to the
// partner, never paired again, a new partner at the next round or from the
// coordinator); the person who asked gets the acknowledgement.
func (r *reply) rematch() error {
	if r.ref.PairID != "" {
		p, err := r.h.store.GetPair(r.ctx, r.prog.ID, r.ref.PairID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil {
			if _, err := r.change(p, lifecycle.Change{Transition: lifecycle.Rematch}); err != nil {
				return err
			}
		}
	}
	r.ack(sendqueue.AckRematch)
	return nil
}

var withdrawWords = regexp.MustCompile(`(?i)^\s*(withdraw|delete|remove|retirer|zur(ü|u)ckziehen|retirar|ritirare|intrekken)\b`)

// story stores a success story; replying STORY WITHDRAW takes consent back.
func (r *reply) story() error {
	story := r.answer.Story
	if story == "" {
		story = r.answer.FreeText
	}
	if withdrawWords.MatchString(story) {
		if _, err := r.h.store.WithdrawStories(r.ctx, r.prog.ID, r.person.ID, r.now); err != nil {
			return err
		}
		r.ack(sendqueue.AckStoryWithdrawn)
		return nil
	}
	text := strings.TrimSpace(story)
	if text == "" {
		r.ack(sendqueue.AckHelp)
		return nil
	}
	if err := r.h.store.PutStory(r.ctx, store.Story{ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, Key: r.key, Text: text, At: r.now, Consent: true}); err != nil {
		return err
	}
	r.ack(sendqueue.AckStory)
	return nil
}

func (r *reply) optIn() error {
	a := r.answer
	switch {
	case a.Join != nil && *a.Join:
		if r.person.Status == programme.Invited || r.person.Status == programme.Declined || r.person.Status == programme.Paused {
			if _, err := r.h.store.SetStatus(r.ctx, r.prog.ID, r.person.ID, programme.OptedIn, "joined by reply", r.now); err != nil {
				return err
			}
		}
		if len(a.Topics) > 0 {
			if err := r.h.store.SetTopics(r.ctx, r.prog.ID, r.person.ID, a.Topics, r.now); err != nil {
				return err
			}
		}
		r.ack(sendqueue.AckJoined)
	case a.Join != nil && !*a.Join:
		if r.person.Status == programme.Invited || r.person.Status == programme.OptedIn {
			if _, err := r.h.store.SetStatus(r.ctx, r.prog.ID, r.person.ID, programme.Declined, "declined by reply", r.now); err != nil {
				return err
			}
		}
		r.ack(sendqueue.AckDeclined)
	default:
		// Not understood: keep the text, change nothing, and ask plainly.
		r.ack(sendqueue.AckUnclear)
	}
	return nil
}

// checkIn records the answers to a check-in, survey or nudge and, from the
// closing email, forwards a senior's THANKS to their mentor.
func (r *reply) checkIn() error {
	a := r.answer
	p, _, err := r.livePair()
	if err != nil {
		return err
	}
	if r.ref.PairID == "" || p.ID == "" {
		return nil
	}
	if a.Met != nil || a.Rating != nil {
		role := programme.Junior
		if p.SeniorID == r.person.ID {
			role = programme.Senior
		}
		if err := r.h.store.PutAnswer(r.ctx, store.Answer{
			ProgrammeID: r.prog.ID, PairID: p.ID, ParticipantID: r.person.ID, Role: role,
			Cycle: r.ref.Cycle, Kind: r.ref.Kind.String(), Met: a.Met, Rating: a.Rating, At: r.now,
		}); err != nil {
			return err
		}
	}
	if err := r.h.store.RecordContact(r.ctx, r.prog.ID, p.ID, r.ref.Cycle, a.Met != nil && *a.Met, r.now); err != nil {
		return err
	}
	// A senior thanks their mentor at the programme's end; at the end of a
	// rotation round either may thank the other.
	if r.ref.Kind == token.KindClosing && p.SeniorID == r.person.ID || r.ref.Kind == token.KindRoundEnd {
		// Only an explicit THANKS forwards anything (replies.Answer.Thanks).
		if text := strings.TrimSpace(a.Thanks); text != "" {
			to := p.Other(r.person.ID)
			t := store.Thanks{ProgrammeID: r.prog.ID, FromID: r.person.ID, ToID: to, PairID: p.ID, Key: r.key, Text: text, At: r.now}
			if err := r.h.store.PutThanks(r.ctx, t); err != nil {
				return err
			}
			r.jobs = append(r.jobs, sendqueue.Thanks{ProgrammeID: r.prog.ID, FromID: r.person.ID, ToID: to, PairID: p.ID, Reply: r.key})
			r.ack(sendqueue.AckThanks)
		}
	}
	return nil
}
