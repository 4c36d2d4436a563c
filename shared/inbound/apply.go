package inbound

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// What an acknowledgement email says (Job.Ref's second half).
const (
	AckPaused         = "paused"
	AckResumed        = "resumed"
	AckStopped        = "stopped"
	AckRematch        = "rematch"
	AckHelp           = "help"
	AckStory          = "story"
	AckStoryWithdrawn = "story_withdrawn"
	AckJoined         = "joined"
	AckDeclined       = "declined"
	AckUnclear        = "unclear"
	AckThanks         = "thanks_forwarded"
)

// KindAck, KindThanks and KindPairEnded are the emails replies cause.
const (
	KindAck       = "ack"
	KindThanks    = "thanks"
	KindPairEnded = "pair_ended"
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

func (r *reply) ack(what string) {
	r.jobs = append(r.jobs, sendqueue.Job{Kind: KindAck, ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, PairID: r.ref.PairID, Ref: r.key + "|" + what})
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
		r.ack(AckHelp)
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
		until := r.now.Add(PauseFor)
		upd := expression.Set(expression.Name("state"), expression.Value(programme.PairPaused)).
			Set(expression.Name("paused_until"), expression.Value(until))
		if p.State == programme.PairActive {
			// A second PAUSE extends the pause; it does not move its start.
			upd = upd.Set(expression.Name("paused_at"), expression.Value(r.now))
		}
		if _, err := r.h.store.UpdatePair(r.ctx, r.prog.ID, p.ID, upd, r.now); err != nil {
			return err
		}
	} else if r.person.Status == programme.OptedIn || r.person.Status == programme.Invited {
		if _, err := r.h.store.SetStatus(r.ctx, r.prog.ID, r.person.ID, programme.Paused, "paused by reply", r.now); err != nil {
			return err
		}
	}
	r.ack(AckPaused)
	return nil
}

func (r *reply) resume() error {
	p, live, err := r.livePair()
	if err != nil {
		return err
	}
	if live && p.State == programme.PairPaused {
		upd := expression.Set(expression.Name("state"), expression.Value(programme.PairActive)).
			Set(expression.Name("resumed_cycle"), expression.Value(r.ref.Cycle)).
			Set(expression.Name("resumed_at"), expression.Value(r.now)).
			Remove(expression.Name("paused_until"))
		if _, err := r.h.store.UpdatePair(r.ctx, r.prog.ID, p.ID, upd, r.now); err != nil {
			return err
		}
	}
	if r.person.Status == programme.Paused || r.person.Status == programme.Stopped {
		if _, err := r.h.store.SetStatus(r.ctx, r.prog.ID, r.person.ID, programme.OptedIn, "resumed by reply", r.now); err != nil {
			return err
		}
	}
	r.ack(AckResumed)
	return nil
}

func (r *reply) stop() error {
	if r.person.Status != programme.Stopped {
		if _, err := r.h.store.SetStatus(r.ctx, r.prog.ID, r.person.ID, programme.Stopped, "stopped by reply", r.now); err != nil {
			return err
		}
	}
	if err := r.h.store.StopPairsOf(r.ctx, r.prog.ID, r.person.ID, r.now); err != nil {
		return err
	}
	r.ack(AckStopped)
	return nil
}

// rematch ends the pair gently: a short, no-fault email to the partner,
// the pair goes on the programme's never-pair list, and both wait for the
// next round (rolling and rotation programmes) or for the coordinator, who
// sees the pair on the attention list in a one-cohort programme.
func (r *reply) rematch() error {
	p, live, err := r.livePair()
	if err != nil {
		return err
	}
	if p.ID != "" && (live || p.State == programme.PairRematched) {
		role := "junior"
		if p.SeniorID == r.person.ID {
			role = "senior"
		}
		upd := expression.Set(expression.Name("rematch_requested_by"), expression.Value(r.person.ID)).
			Set(expression.Name("rematch_requested_at"), expression.Value(r.now))
		if _, err := r.h.store.UpdatePair(r.ctx, r.prog.ID, p.ID, upd, r.now); err != nil {
			return err
		}
		if _, err := r.h.store.EndPair(r.ctx, r.prog.ID, p.ID, programme.PairRematched, "rematch requested by the "+role, r.now); err != nil {
			return err
		}
		senior, err := r.h.store.GetParticipant(r.ctx, r.prog.ID, p.SeniorID)
		if err != nil {
			return err
		}
		junior, err := r.h.store.GetParticipant(r.ctx, r.prog.ID, p.JuniorID)
		if err != nil {
			return err
		}
		if err := r.h.store.AddNeverPair(r.ctx, r.prog.ID, store.NeverPair{
			EmailPair: store.NewEmailPair(senior.Email, junior.Email), AddedBy: "rematch requested by the " + role, AddedAt: r.now, Source: "rematch",
		}); err != nil {
			return err
		}
		if r.prog.MatchingMode == programme.ModeCohort || r.prog.MatchingMode == "" {
			if err := r.h.store.FlagPair(r.ctx, r.prog.ID, p.ID, "Rematch requested by the "+role+"; both wait for a new partner", r.now); err != nil {
				return err
			}
		}
		r.jobs = append(r.jobs, sendqueue.Job{Kind: KindPairEnded, ProgrammeID: r.prog.ID, ParticipantID: p.Other(r.person.ID), PairID: p.ID})
	}
	r.ack(AckRematch)
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
		r.ack(AckStoryWithdrawn)
		return nil
	}
	text := strings.TrimSpace(story)
	if text == "" {
		r.ack(AckHelp)
		return nil
	}
	if err := r.h.store.PutStory(r.ctx, store.Story{ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, Key: r.key, Text: text, At: r.now, Consent: true}); err != nil {
		return err
	}
	r.ack(AckStory)
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
		r.ack(AckJoined)
	case a.Join != nil && !*a.Join:
		if r.person.Status == programme.Invited || r.person.Status == programme.OptedIn {
			if _, err := r.h.store.SetStatus(r.ctx, r.prog.ID, r.person.ID, programme.Declined, "declined by reply", r.now); err != nil {
				return err
			}
		}
		r.ack(AckDeclined)
	default:
		// Not understood: keep the text, change nothing, and ask plainly.
		r.ack(AckUnclear)
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
			r.jobs = append(r.jobs, sendqueue.Job{Kind: KindThanks, ProgrammeID: r.prog.ID, ParticipantID: to, PairID: p.ID, Ref: r.person.ID + "|" + r.key})
			r.ack(AckThanks)
		}
	}
	return nil
}
