package health

import (
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

// Impact is what the goals and the closing loop add up to, in counts and
// rates only: never anyone's words.
type Impact struct {
	// GoalsSet: people who told us a goal, of the people paired.
	GoalsSet Rate
	// Progress is how far people say they came towards their goal (1–5),
	// by role.
	Progress []RoleValue
	// Applied: seniors who said what they applied, of the seniors paired;
	// SharedApplied: of those, the ones who let their junior read it;
	// Recognised: of those, the ones whose junior's manager heard of it.
	Applied, SharedApplied, Recognised Rate
}

const (
	noGoals    = "Nobody has been paired yet."
	noProgress = "Nobody has said how far they came yet."
	noApplied  = "No senior has said what they applied yet."
)

func (m *model) impact(goals []store.GoalFigure, applied []store.AppliedFigure) Impact {
	paired := map[string]programme.Role{}
	for _, s := range m.in.Pairs {
		paired[s.SeniorID] = programme.Senior
		paired[s.JuniorID] = programme.Junior
	}
	seniors := 0
	for _, r := range paired {
		if r == programme.Senior {
			seniors++
		}
	}
	withGoal := map[string]bool{}
	progress := map[programme.Role]*valueTally{}
	for _, g := range goals {
		if _, ok := paired[g.ParticipantID]; !ok {
			continue // erased, or a pair since removed
		}
		withGoal[g.ParticipantID] = true
		if g.Progress >= 1 && g.Progress <= 5 {
			tallyOf(progress, g.Role).add(g.ParticipantID, g.Progress)
		}
	}
	var im Impact
	im.GoalsSet = newRate(len(withGoal), len(paired), len(paired), noGoals)
	im.Progress = byRoleOr(progress, noProgress)
	said, shared, recognised := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, a := range applied {
		if paired[a.SeniorID] != programme.Senior {
			continue
		}
		said[a.SeniorID] = true
		if a.Shared {
			shared[a.SeniorID] = true
		}
		if a.Recognised {
			recognised[a.SeniorID] = true
		}
	}
	im.Applied = newRate(len(said), seniors, seniors, noGoals)
	// The shares of those who answered are about the answerers: withheld
	// until five of them did.
	im.SharedApplied = newRate(len(shared), len(said), len(said), noApplied)
	im.Recognised = newRate(len(recognised), len(said), len(said), noApplied)
	return im
}
