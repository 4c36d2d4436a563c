package inbound

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/lang"
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
	// acted: the reply said something Upward acted on beyond what the
	// parser names (a goal in the person's own words, a consent).
	acted bool
	// publication is the publication a reply to its question answers.
	publication string
}

func (r *reply) ack(topic sendqueue.AckTopic) {
	r.jobs = append(r.jobs, sendqueue.Ack{ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, PairID: r.ref.PairID, Reply: r.key, Topic: topic})
}

// change asks the pair's lifecycle for a change made by this reply's author.
func (r *reply) change(p programme.Pair, c lifecycle.Change) (lifecycle.Result, error) {
	c.By, c.At = lifecycle.Participant(r.person.ID), r.now
	return r.h.pairs.Apply(r.ctx, r.prog, p, c)
}

// apply records the answers and carries out every command, in the order
// written, then queues the acknowledgements. A reply may answer and
// command at once ("YES 4", then a line "STORY …"): both count. Each step
// is idempotent.
func (r *reply) apply() error {
	a := r.answer
	var err error
	switch r.ref.Kind {
	case token.KindWelcome:
		err = r.optIn()
	case token.KindGoal:
		err = r.goalReply()
	case token.KindRecognition:
		err = r.recognitionReply()
	case token.KindStoryConsent:
		err = r.storyConsentReply()
	case token.KindPublication:
		err = r.publicationReply()
	default:
		err = r.checkIn()
	}
	if err != nil {
		return err
	}
	done := map[replies.Command]bool{}
	for _, in := range a.Commands {
		if done[in.Command] && in.Command != replies.CommandStory {
			continue // "PAUSE … PAUSE": once is enough
		}
		done[in.Command] = true
		switch in.Command {
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
			err = r.story(in.Text)
		case replies.CommandLanguage:
			err = r.language(in.Text)
		case replies.CommandGoal:
			err = r.goal(in.Text)
		case replies.CommandShare:
			err = r.share(replies.ShareWhat(in.Text))
		case replies.CommandNotWith:
			err = r.notWith(in.Text)
		case replies.CommandAssistant:
			err = r.assistant(in.Text)
		case replies.CommandThanks:
			// Forwarded by checkIn, from the closing and round-end emails
			// only; an empty one is answered with how to write it. To the
			// welcome, the word is the decline's ("NO THANKS"), which
			// asks for no thank-you.
			if strings.TrimSpace(a.Thanks) == "" && r.ref.Kind != token.KindWelcome {
				r.ack(sendqueue.AckThanksEmpty)
			}
		}
		if err != nil {
			return err
		}
	}
	if err := r.unclear(); err != nil {
		return err
	}
	jobs, err := r.limit(r.jobs)
	if err != nil {
		return err
	}
	return r.h.queue.Enqueue(r.ctx, jobs...)
}

// unclear answers a reply Upward could not read (kindly: the words are
// kept, privately) and marks the person for the coordinator, status only;
// an understood reply clears the mark.
func (r *reply) unclear() error {
	a := r.answer
	if a.Understood() || r.acted {
		if !r.person.UnclearAt.IsZero() {
			return r.h.store.MarkUnclear(r.ctx, r.prog.ID, r.person.ID, time.Time{})
		}
		return nil
	}
	topic := sendqueue.AckUnclearCheckIn
	if r.ref.Kind == token.KindWelcome {
		topic = sendqueue.AckUnclear
	}
	r.jobs = append(r.jobs, sendqueue.Ack{ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, PairID: r.ref.PairID, Reply: r.key, Topic: topic,
		Language: lang.Tag(a.Language)})
	return r.h.store.MarkUnclear(r.ctx, r.prog.ID, r.person.ID, r.now)
}

// Daily budgets of the emails that answer a participant's replies, counted
// in distinct replies: a loop with an auto-responder or a flood of mail
// cannot make Upward send more than this to anyone, or to their partner.
const (
	AcksPerDay   = 10
	ThanksPerDay = 3
)

// limit keeps the jobs within the person's daily budgets: acknowledgements
// answer at most AcksPerDay replies a day, forwarded thanks at most
// ThanksPerDay. What is over budget is logged, not sent; the reply itself
// is recorded all the same.
func (r *reply) limit(jobs []sendqueue.Job) ([]sendqueue.Job, error) {
	var out []sendqueue.Job
	allowed := map[string]bool{}
	for _, j := range jobs {
		kind, limit := "ack", AcksPerDay
		if j.Kind() == sendqueue.KindThanks {
			kind, limit = "thanks", ThanksPerDay
		}
		ok, seen := allowed[kind]
		if !seen {
			var err error
			if ok, err = r.h.store.SpendMailBudget(r.ctx, r.prog.ID, r.person.ID, kind, r.key, limit, r.now); err != nil {
				return nil, err
			}
			allowed[kind] = ok
		}
		if !ok {
			r.h.log.Warn("reply answered too often today: email not sent", "programme", r.prog.ID, "participant", r.person.ID, "kind", j.Kind(), "limit", limit)
			continue
		}
		out = append(out, j)
	}
	return out, nil
}

// language changes the language of the person's emails; the answer comes
// in the new language (or says which languages there are).
func (r *reply) language(asked string) error {
	l, ok := lang.Parse(asked)
	if !ok {
		r.ack(sendqueue.AckLanguageUnknown)
		return nil
	}
	if r.person.Language != l {
		if err := r.h.store.SetLanguage(r.ctx, r.prog.ID, r.person.ID, l, r.now); err != nil {
			return err
		}
		r.person.Language = l
	}
	r.ack(sendqueue.AckLanguage)
	return nil
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
func (r *reply) story(text string) error {
	if withdrawWords.MatchString(text) {
		told, err := r.h.store.WithdrawStories(r.ctx, r.prog.ID, r.person.ID, r.now)
		if err != nil {
			return err
		}
		// A story taken back is taken out of publication too, for good.
		if err := r.h.store.WithdrawPublicationsOf(r.ctx, r.prog.ID, r.person.ID, "", r.now); err != nil {
			return err
		}
		if told > 0 {
			// Their own stories: what they agreed to of their partner's
			// is theirs to take back by answering NO to that question.
			r.ack(sendqueue.AckStoryWithdrawn)
			return nil
		}
		// Someone who never told a story can only mean the stories told
		// about them: the agreement those needed is taken back.
		about, err := r.h.store.WithdrawPartnerConsents(r.ctx, r.prog.ID, r.person.ID, r.now)
		if err != nil {
			return err
		}
		for _, st := range about {
			if err := r.h.store.WithdrawPublicationsOf(r.ctx, r.prog.ID, st.ParticipantID, st.Key, r.now); err != nil {
				return err
			}
		}
		if len(about) > 0 {
			r.ack(sendqueue.AckStoryRefused)
			return nil
		}
		r.ack(sendqueue.AckStoryWithdrawn)
		return nil
	}
	text = strings.TrimSpace(text)
	if text == "" {
		r.ack(sendqueue.AckHelp)
		return nil
	}
	st := store.Story{ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, Key: r.key, Text: text, At: r.now, Consent: true}
	// A story from a pairing is about the partner too: it is shown only
	// once they agree, and they are asked with the story quoted.
	p, _, inPair, err := r.pairOf()
	if err != nil {
		return err
	}
	if inPair {
		st.PairID, st.PartnerID = p.ID, p.Other(r.person.ID)
	}
	if err := r.h.store.PutStory(r.ctx, st); err != nil {
		return err
	}
	if inPair {
		r.jobs = append(r.jobs, sendqueue.PairNote{Email: sendqueue.KindStoryConsentAsk, ProgrammeID: r.prog.ID, ParticipantID: st.PartnerID,
			PairID: p.ID, About: r.person.ID, Ref: r.key})
		r.ack(sendqueue.AckStoryPending)
		return nil
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
	}
	// Anything else is a command, or not understood (see unclear): the
	// text is kept and nothing changes.
	return nil
}

// checkIn records the answers to a check-in, survey or nudge and, from the
// closing email, forwards a senior's THANKS to their mentor.
func (r *reply) checkIn() error {
	a := r.answer
	if r.ref.Kind == token.KindAck {
		// A reply to a note that asked nothing (a pair ended, a
		// preparation): commands count, there are no answers to record.
		return nil
	}
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
	if err := r.appliedAnswer(p); err != nil {
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
	// Answering the last survey of a pairing brings the person's journal:
	// their goal and their reflections, this answer's included. One per
	// pairing, however many times they answer.
	if r.ref.Kind == token.KindClosing || r.ref.Kind == token.KindRoundEnd {
		r.jobs = append(r.jobs, sendqueue.PairNote{Email: sendqueue.KindJournal, ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, PairID: p.ID, Reply: r.key})
	}
	return nil
}
