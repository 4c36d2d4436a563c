package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/upward-mentoring/upward/shared/mail"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

// pairAction is a coordinator's change to a pair. It applies only from the
// states in from; asking again once done changes nothing, and says so.
type pairAction struct {
	label  string
	danger bool
	from   []programme.PairState
	to     programme.PairState
	// update builds the change; who and when go into the pair's record.
	update func(s *Server, r *http.Request, p programme.Programme, pair programme.Pair, who string, now time.Time) expression.UpdateBuilder
	done   string // "%s" is the pair's names
}

var live = []programme.PairState{programme.PairActive, programme.PairPaused}

var pairActionOrder = []string{"pause", "resume", "end", "rematch"}

var pairActions = map[string]pairAction{
	"pause": {
		label: "Pause", from: []programme.PairState{programme.PairActive}, to: programme.PairPaused,
		done: "%s are paused: check-ins are held until you resume them (the closing survey still goes out).",
		update: func(_ *Server, _ *http.Request, _ programme.Programme, _ programme.Pair, _ string, now time.Time) expression.UpdateBuilder {
			// No end date: a coordinator's pause lasts until they resume it.
			return expression.Set(expression.Name("state"), expression.Value(programme.PairPaused)).
				Set(expression.Name("paused_at"), expression.Value(now)).
				Remove(expression.Name("paused_until"))
		},
	},
	"resume": {
		label: "Resume", from: []programme.PairState{programme.PairPaused}, to: programme.PairActive,
		done: "%s are active again: check-ins resume from the next one.",
		update: func(s *Server, r *http.Request, p programme.Programme, pair programme.Pair, _ string, now time.Time) expression.UpdateBuilder {
			// The stall count starts again from the latest check-in, as when
			// a pause ends on its own.
			loc := time.UTC
			if senior, err := s.Store.GetParticipant(r.Context(), p.ID, pair.SeniorID); err == nil {
				loc = senior.Loc()
			}
			return expression.Set(expression.Name("state"), expression.Value(programme.PairActive)).
				Set(expression.Name("resumed_at"), expression.Value(now)).
				Set(expression.Name("resumed_cycle"), expression.Value(schedule.NewPlan(p, pair).LatestDue(loc, now))).
				Remove(expression.Name("paused_until"))
		},
	},
	"end": {
		label: "End pair", danger: true, from: live, to: programme.PairEnded,
		done: "%s have ended: no more check-ins go to them.",
		update: func(_ *Server, _ *http.Request, _ programme.Programme, _ programme.Pair, who string, now time.Time) expression.UpdateBuilder {
			return ended(programme.PairEnded, fmt.Sprintf("ended by %s on %s", who, now.Format("2 Jan 2006")), "", now)
		},
	},
	"rematch": {
		label: "End for a rematch", danger: true, from: live, to: programme.PairRematched,
		done: "%s have ended for a rematch: both are told, kindly, and wait for a new partner.",
		update: func(_ *Server, _ *http.Request, p programme.Programme, _ programme.Pair, who string, now time.Time) expression.UpdateBuilder {
			flag := ""
			if p.MatchingMode == programme.ModeCohort || p.MatchingMode == "" {
				// No round will pair them again: keep it on the list until
				// the coordinator has.
				flag = "Ended for a rematch; both wait for a new partner"
			}
			return ended(programme.PairRematched, rematchReasonPrefix+fmt.Sprintf("%s on %s", who, now.Format("2 Jan 2006")), flag, now)
		},
	},
}

// rematchReasonPrefix starts the end reason of a coordinator's rematch, so
// that a repeated request can finish what an interrupted one began.
const rematchReasonPrefix = "ended for a rematch by "

// afterRematch does what a REMATCH reply does besides ending the pair: the
// two go on the never-pair list and each gets the short, no-fault email
// that their pair has ended. Both steps are safe to repeat.
func (s *Server) afterRematch(r *http.Request, p programme.Programme, pair programme.Pair, who string, now time.Time) error {
	ctx := r.Context()
	senior, err := s.Store.GetParticipant(ctx, p.ID, pair.SeniorID)
	if err != nil {
		return err
	}
	junior, err := s.Store.GetParticipant(ctx, p.ID, pair.JuniorID)
	if err != nil {
		return err
	}
	if err := s.Store.AddNeverPair(ctx, p.ID, store.NeverPair{EmailPair: store.NewEmailPair(senior.Email, junior.Email),
		AddedBy: who, AddedAt: now, Source: "rematch"}); err != nil {
		return err
	}
	return s.Queue.Enqueue(ctx,
		sendqueue.Job{Kind: mail.KindPairEnded, ProgrammeID: p.ID, ParticipantID: senior.ID, PairID: pair.ID},
		sendqueue.Job{Kind: mail.KindPairEnded, ProgrammeID: p.ID, ParticipantID: junior.ID, PairID: pair.ID})
}

// ended closes a pair. What needed attention has been dealt with, unless
// flag says what still does.
func ended(state programme.PairState, reason, flag string, now time.Time) expression.UpdateBuilder {
	upd := expression.Set(expression.Name("state"), expression.Value(state)).
		Set(expression.Name("ended_at"), expression.Value(now)).
		Set(expression.Name("end_reason"), expression.Value(reason))
	if flag != "" {
		return upd.Set(expression.Name("attention"), expression.Value(true)).Set(expression.Name("attention_reason"), expression.Value(flag))
	}
	return upd.Set(expression.Name("attention"), expression.Value(false)).Remove(expression.Name("attention_reason"))
}

func (s *Server) pairAction(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	name := r.PathValue("action")
	a, known := pairActions[name]
	if !known && name != "handled" {
		s.notFound(w, r, "Action")
		return
	}
	pair, ok := s.loadPairOf(w, r, p, r.PathValue("pair"))
	if !ok {
		return
	}
	sess, _ := s.session(r)
	now := s.Clock.Now()
	names := s.pairNames(r, p, pair)
	if name == "handled" {
		err := s.Store.ClearAttention(r.Context(), p.ID, pair.ID, now)
		switch {
		case errors.Is(err, store.ErrConflict):
			backToAttention(w, r, p.ID, fmt.Sprintf("Nothing changed: %s were not on the attention list.", names))
		case err != nil:
			s.serverError(w, r, err)
		default:
			s.Log.Info("pair taken off the attention list", "programme", p.ID, "pair", pair.ID, "coordinator", sess.Email)
			notice := fmt.Sprintf("%s are off the attention list.", names)
			if pair.State.Live() {
				notice = fmt.Sprintf("%s are off the attention list and carry on as a pair.", names)
			}
			backToAttention(w, r, p.ID, notice)
		}
		return
	}
	for attempt := 0; ; attempt++ {
		if pair.State == a.to {
			if name == "rematch" && strings.HasPrefix(pair.EndReason, rematchReasonPrefix) {
				// Finish what an interrupted request may have left undone.
				if err := s.afterRematch(r, p, pair, sess.Email, now); err != nil {
					s.serverError(w, r, err)
					return
				}
			}
			backToAttention(w, r, p.ID, fmt.Sprintf("Nothing changed: %s were already %s.", names, pair.State))
			return
		}
		if !allowed(pair.State, a.from) {
			s.message(w, r, http.StatusConflict, messageData{
				Heading:    "Nothing was changed",
				Paragraphs: []string{fmt.Sprintf("%s are %s, so they cannot be %s.", names, pair.State, actionPast[name])},
				Link:       &messageLink{URL: "/programmes/" + p.ID + "/attention", Text: "Back to the attention list"},
			})
			return
		}
		changed, err := s.Store.ChangePair(r.Context(), p.ID, pair.ID, a.from, a.update(s, r, p, pair, sess.Email, now), now)
		if err == nil {
			pair = changed
			break
		}
		if !errors.Is(err, store.ErrConflict) || attempt > 0 {
			s.serverError(w, r, err)
			return
		}
		// Changed meanwhile (another coordinator, the tick): judge again.
		if pair, ok = s.loadPairOf(w, r, p, pair.ID); !ok {
			return
		}
	}
	if name == "rematch" {
		if err := s.afterRematch(r, p, pair, sess.Email, now); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.Log.Info("pair changed by a coordinator", "programme", p.ID, "pair", pair.ID, "action", name, "coordinator", sess.Email)
	backToAttention(w, r, p.ID, fmt.Sprintf(a.done, names))
}

var actionPast = map[string]string{"pause": "paused", "resume": "resumed", "end": "ended", "rematch": "ended for a rematch"}

// pairNames names a pair for notices: "Ana and João".
func (s *Server) pairNames(r *http.Request, p programme.Programme, pair programme.Pair) string {
	name := func(id string) string {
		if x, err := s.Store.GetParticipant(r.Context(), p.ID, id); err == nil {
			return x.Name
		}
		return "someone whose data was erased"
	}
	return name(pair.SeniorID) + " and " + name(pair.JuniorID)
}
