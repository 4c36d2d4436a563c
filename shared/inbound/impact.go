package inbound

import (
	"errors"
	"strconv"
	"strings"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/replies"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
	"github.com/upward-mentoring/upward/shared/token"
)

// The loop the programme literature asks for, by reply: each person's goal
// (private unless shared), what the senior applied (private unless
// shared, and a note to the junior's manager only with both consents), and
// stories shown only when both partners agree.

// pairOf is the reply's pair, whatever its state, and the person's role
// in it (false when the reply names no pair of theirs).
func (r *reply) pairOf() (programme.Pair, programme.Role, bool, error) {
	if r.ref.PairID == "" {
		return programme.Pair{}, "", false, nil
	}
	p, err := r.h.store.GetPair(r.ctx, r.prog.ID, r.ref.PairID)
	if errors.Is(err, store.ErrNotFound) {
		return p, "", false, nil
	}
	if err != nil {
		return p, "", false, err
	}
	switch r.person.ID {
	case p.SeniorID:
		return p, programme.Senior, true, nil
	case p.JuniorID:
		return p, programme.Junior, true, nil
	}
	return p, "", false, nil
}

// goalReply reads an answer to the goal question: the person's own words,
// however they put them. A GOAL line with words counts instead (the
// command loop sets it); "SHARE GOAL" or a progress figure beside the
// words leaves the words the goal.
func (r *reply) goalReply() error {
	a := r.answer
	for _, in := range a.Commands {
		if in.Command == replies.CommandGoal && replies.GoalWhat(in.Text).Text != "" {
			return nil
		}
	}
	text := strings.TrimSpace(a.FreeText)
	if text == "" {
		return nil
	}
	return r.setGoal(text)
}

// goal sets a goal (GOAL …); with a number from 1 to 5 alone, records how
// far the person has come towards it; GOAL SHARE (the word order of some
// languages) shares it.
func (r *reply) goal(text string) error {
	g := replies.GoalWhat(text)
	switch {
	case g.Share:
		return r.share(replies.Shared{Goal: true})
	case g.Text != "":
		return r.setGoal(g.Text)
	case g.Progress >= 1 && g.Progress <= 5:
		return r.goalProgress(g.Progress)
	}
	r.ack(sendqueue.AckGoalHow)
	return nil
}

func (r *reply) setGoal(text string) error {
	p, role, ok, err := r.pairOf()
	if err != nil {
		return err
	}
	if !ok {
		r.ack(sendqueue.AckGoalHow)
		return nil
	}
	if _, err := r.h.store.SetGoal(r.ctx, store.Goal{ProgrammeID: r.prog.ID, ParticipantID: r.person.ID, PairID: p.ID, Role: role,
		Text: text, SetAt: r.now}); err != nil {
		return err
	}
	r.acted = true
	r.ack(sendqueue.AckGoalSet)
	return nil
}

func (r *reply) goalProgress(n int) error {
	p, _, ok, err := r.pairOf()
	if err != nil {
		return err
	}
	if !ok {
		r.ack(sendqueue.AckGoalHow)
		return nil
	}
	err = r.h.store.SetGoalProgress(r.ctx, r.prog.ID, r.person.ID, p.ID, n, r.now)
	if errors.Is(err, store.ErrNotFound) {
		r.ack(sendqueue.AckGoalHow) // no goal set yet: say how
		return nil
	}
	if err != nil {
		return err
	}
	r.acted = true
	return nil
}

// share lets the partner read a goal (SHARE GOAL), or, from the closing
// survey, what the senior applied (SHARE), with the manager's note asked
// for too (SHARE MANAGER).
func (r *reply) share(what replies.Shared) error {
	p, role, ok, err := r.pairOf()
	if err != nil {
		return err
	}
	if !ok {
		r.ack(sendqueue.AckHelp)
		return nil
	}
	if what.Goal {
		g, err := r.h.store.GetGoal(r.ctx, r.prog.ID, r.person.ID, p.ID)
		if errors.Is(err, store.ErrNotFound) {
			r.ack(sendqueue.AckGoalHow)
			return nil
		}
		if err != nil {
			return err
		}
		if err := r.h.store.MarkGoalShared(r.ctx, r.prog.ID, r.person.ID, p.ID, g.Version); err != nil {
			return err
		}
		r.jobs = append(r.jobs, sendqueue.PairNote{Email: sendqueue.KindGoalShared, ProgrammeID: r.prog.ID, ParticipantID: p.Other(r.person.ID),
			PairID: p.ID, About: r.person.ID, Ref: strconv.Itoa(g.Version)})
		r.acted = true
		r.ack(sendqueue.AckGoalShared)
		return nil
	}
	if role != programme.Senior {
		r.ack(sendqueue.AckHelp)
		return nil
	}
	a, err := r.h.store.GetApplied(r.ctx, r.prog.ID, p.ID)
	if errors.Is(err, store.ErrNotFound) {
		r.ack(sendqueue.AckAppliedHow)
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := r.h.store.RecordAppliedConsent(r.ctx, r.prog.ID, p.ID, store.ShareWithJunior, r.now); err != nil {
		return err
	}
	r.jobs = append(r.jobs, sendqueue.PairNote{Email: sendqueue.KindAppliedShared, ProgrammeID: r.prog.ID, ParticipantID: a.JuniorID, PairID: p.ID, About: r.person.ID})
	r.acted = true
	if !what.Manager {
		r.ack(sendqueue.AckAppliedShared)
		return nil
	}
	if _, err := r.h.store.RecordAppliedConsent(r.ctx, r.prog.ID, p.ID, store.SeniorConsents, r.now); err != nil {
		return err
	}
	// The junior is asked, in an email of its own; the senior's answer
	// says how to withdraw before anything is sent.
	r.jobs = append(r.jobs, sendqueue.PairNote{Email: sendqueue.KindRecognitionAsk, ProgrammeID: r.prog.ID, ParticipantID: a.JuniorID, PairID: p.ID, About: r.person.ID})
	r.ack(sendqueue.AckRecognitionAsked)
	return nil
}

// appliedAnswer keeps what a senior says they applied, from their closing
// survey: their words beside the answers and commands, private.
func (r *reply) appliedAnswer(p programme.Pair) error {
	text := strings.TrimSpace(r.answer.FreeText)
	if text == "" || r.ref.Kind != token.KindClosing || p.SeniorID != r.person.ID {
		return nil
	}
	return r.h.store.PutApplied(r.ctx, store.Applied{ProgrammeID: r.prog.ID, PairID: p.ID, SeniorID: p.SeniorID, JuniorID: p.JuniorID, Text: text, At: r.now})
}

// recognitionReply reads YES or NO to the manager's note: the junior's
// consent or refusal, or either person withdrawing before it is sent.
func (r *reply) recognitionReply() error {
	a := r.answer
	if a.Met == nil {
		return nil // not a yes or a no: answered as not understood
	}
	p, role, ok, err := r.pairOf()
	if err != nil || !ok {
		return err
	}
	var step store.AppliedConsent
	switch yes := *a.Met; {
	case role == programme.Junior && yes:
		step = store.JuniorConsents
	case role == programme.Junior:
		step = store.JuniorWithdraws
	case yes:
		step = store.SeniorConsents
	default:
		step = store.SeniorWithdraws
	}
	applied, err := r.h.store.RecordAppliedConsent(r.ctx, r.prog.ID, p.ID, step, r.now)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	r.acted = true
	switch {
	case !applied.RecognitionSent.IsZero():
		r.ack(sendqueue.AckRecognitionSent)
	case applied.ManagerMayHear():
		r.ack(sendqueue.AckRecognitionScheduled)
	default:
		r.ack(sendqueue.AckRecognitionWithdrawn)
	}
	return nil
}

// storyConsentReply reads a partner's YES or NO to showing a story about
// their pairing.
func (r *reply) storyConsentReply() error {
	a := r.answer
	if a.Met == nil {
		return nil
	}
	p, _, ok, err := r.pairOf()
	if err != nil || !ok {
		return err
	}
	author := p.Other(r.person.ID)
	stories, err := r.h.store.ListStories(r.ctx, r.prog.ID)
	if err != nil {
		return err
	}
	for _, st := range stories {
		if st.ParticipantID != author || st.PairID != p.ID || st.PartnerID != r.person.ID {
			continue
		}
		if err := r.h.store.PartnerAnswer(r.ctx, r.prog.ID, author, st.Key, *a.Met, r.now); err != nil {
			return err
		}
		// Consent taken back ends the story's publication, for good.
		if !*a.Met {
			if err := r.h.store.WithdrawPublicationsOf(r.ctx, r.prog.ID, author, st.Key, r.now); err != nil {
				return err
			}
		}
	}
	r.acted = true
	if *a.Met {
		r.ack(sendqueue.AckStoryConsented)
	} else {
		r.ack(sendqueue.AckStoryRefused)
	}
	return nil
}
