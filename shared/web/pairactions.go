package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/upward-mentoring/upward/shared/lifecycle"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
)

// pairAction is a coordinator's button for a pair change. What the change
// does, and from which states, is shared/lifecycle's; here are only its
// words.
type pairAction struct {
	label      string
	danger     bool
	transition lifecycle.Transition
	done       string // "%s" is the pair's names
	past       string
}

var pairActionOrder = []string{"pause", "resume", "end", "rematch"}

var pairActions = map[string]pairAction{
	"pause": {
		label: "Pause", transition: lifecycle.Pause, past: "paused",
		done: "%s are paused: check-ins are held until you resume them (the closing survey still goes out).",
	},
	"resume": {
		label: "Resume", transition: lifecycle.Resume, past: "resumed",
		done: "%s are active again: check-ins resume from the next one.",
	},
	"end": {
		label: "End pair", danger: true, transition: lifecycle.End, past: "ended",
		done: "%s have ended: no more check-ins go to them.",
	},
	"rematch": {
		label: "End for a rematch", danger: true, transition: lifecycle.Rematch, past: "ended for a rematch",
		done: "%s have ended for a rematch: both are told, kindly, and wait for a new partner.",
	},
	"handled": {transition: lifecycle.Handled, past: "taken off the attention list"},
	"reorg": {
		label: "End: organisational change", danger: true, transition: lifecycle.EndReorg, past: "ended for an organisational change",
		done: "%s have ended for an organisational change: both are told, kindly, that it is nobody's doing, and wait for a new partner. They will never be paired again.",
	},
}

// reorgButtons are the actions on a pair a reorganisation put in one
// reporting line: end it for that reason, or pause it meanwhile.
func reorgButtons(p programme.Pair) []actionButton {
	var out []actionButton
	for _, name := range []string{"reorg", "pause", "resume"} {
		a := pairActions[name]
		if lifecycle.Allows(p.State, a.transition) {
			out = append(out, actionButton{Action: name, Label: a.label, Danger: a.danger})
		}
	}
	return out
}

func (s *Server) pairAction(w http.ResponseWriter, r *http.Request) {
	p, ok := s.loadProgramme(w, r)
	if !ok {
		return
	}
	name := r.PathValue("action")
	a, known := pairActions[name]
	if !known {
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
	c := lifecycle.Change{Transition: a.transition, By: lifecycle.Coordinator(sess.Email), At: now}
	if a.transition == lifecycle.Resume {
		// The stall count starts again from the latest check-in, as when
		// a pause ends on its own.
		loc := time.UTC
		if senior, err := s.Store.GetParticipant(r.Context(), p.ID, pair.SeniorID); err == nil {
			loc = senior.Loc()
		}
		c.Cycle = schedule.NewPlan(p, pair).LatestDue(loc, now)
	}
	res, err := s.pairs.Apply(r.Context(), p, pair, c)
	if err != nil {
		if res.Outcome == lifecycle.Changed || res.Outcome == lifecycle.AlreadyDone {
			// The pair changed, but what follows (the emails) did not all
			// happen: say so, and that trying again finishes it.
			s.Log.Error("pair changed, its emails not all queued", "programme", p.ID, "pair", pair.ID, "action", name, "err", err)
			s.message(w, r, http.StatusInternalServerError, messageData{
				Heading:    "Partly done",
				Paragraphs: []string{fmt.Sprintf("%s were %s, but not everything that follows could be done. Please do it again in a moment: it finishes what is missing and does nothing twice.", names, a.past)},
				Link:       &messageLink{URL: "/programmes/" + p.ID + "/attention", Text: "Back to the attention list"},
			})
			return
		}
		s.serverError(w, r, err)
		return
	}
	switch res.Outcome {
	case lifecycle.Refused:
		why := fmt.Sprintf("%s are %s, so they cannot be %s.", names, res.Pair.State, a.past)
		if a.transition == lifecycle.EndReorg && res.Pair.State.Live() {
			why = fmt.Sprintf("%s are no longer in one reporting line (a later org chart or enrolment separated them), so there is no organisational change to end their pair for.", names)
		}
		s.message(w, r, http.StatusConflict, messageData{
			Heading:    "Nothing was changed",
			Paragraphs: []string{why},
			Link:       &messageLink{URL: "/programmes/" + p.ID + "/attention", Text: "Back to the attention list"},
		})
	case lifecycle.AlreadyDone:
		code := "pair-already"
		if name == "handled" {
			code = "pair-not-listed"
		}
		s.redirectWith(w, r, "/programmes/"+p.ID+"/attention", code, noticeArgs{Pair: pair.ID})
	default:
		s.Log.Info("pair changed by a coordinator", "programme", p.ID, "pair", pair.ID, "action", name, "coordinator", sess.Email)
		code := "pair-" + name
		if name == "handled" && res.Pair.State.Live() {
			code = "pair-carry-on"
		}
		s.audit(r, ActPairAction, p.ID, pair.ID, name)
		s.redirectWith(w, r, "/programmes/"+p.ID+"/attention", code, noticeArgs{Pair: pair.ID})
	}
}

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
