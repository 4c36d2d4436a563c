package web

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
)

// Each kind of reason for being left unmatched gets its own next step,
// worded for how many people and which role, naming the setting or the
// page where it is taken.
func TestEveryKindOfUnmatchedReasonSaysWhatToDo(t *testing.T) {
	p := programme.Programme{ID: "p1", JuniorCapacity: 2, MaxTimezoneDiffHours: 3}
	settings := &messageLink{URL: "/programmes/p1/edit?open=matching#section-matching", Text: "Matching settings"}
	people := &messageLink{URL: "/programmes/p1#participants", Text: "Participants"}
	later := "or leave them for the next round (they stay opted in)."
	tests := []struct {
		kind     matching.Why
		role     programme.Role
		n        int
		hasNever bool
		want     nextStep
	}{
		{matching.WhyNobody, programme.Senior, 3, false, nextStep{
			Heading: "3 seniors without a pair: no juniors are taking part yet.",
			Step:    "Enrol juniors, or wait until those invited opt in by replying to their welcome, then propose matches again.", Link: people}},
		{matching.WhyFull, programme.Junior, 4, false, nextStep{
			Heading: "4 juniors left over: every senior already has a junior.",
			Step:    "Invite more seniors, " + later, Link: people}},
		{matching.WhyFull, programme.Senior, 1, false, nextStep{
			Heading: "1 senior left over: every junior already mentors as many seniors as they may.",
			Step:    "Invite more juniors, let each junior mentor more seniors (Seniors per junior is 2 now), " + later, Link: settings}},
		{matching.WhyLocked, programme.Senior, 2, false, nextStep{
			Heading: "2 seniors whose only possible juniors are in locked pairs.",
			Step:    "Unlock one of those pairs, then re-solve: the matcher weighs everyone again, them included.", Link: &messageLink{URL: "#pairs", Text: "Pairs"}}},
		{matching.WhyReportingLine, programme.Junior, 1, false, nextStep{
			Heading: "1 junior: every senior still available is in their reporting line.",
			Step:    "Pairs never cross a reporting line. Invite seniors from other parts of the organisation, ask an administrator to upload a current org chart if this one is out of date, " + later, Link: people}},
		{matching.WhyNeverPair, programme.Senior, 1, true, nextStep{
			Heading: "1 senior: every junior still available is on a never-pair list with them.",
			Step:    "If one of those pairs may meet after all, choose Allow again under Never paired in this programme and re-solve; otherwise invite more juniors, " + later,
			Link:    &messageLink{URL: "#never", Text: "Never paired in this programme"}}},
		// Without the list on the page there is nothing to link to.
		{matching.WhyNeverPair, programme.Senior, 1, false, nextStep{
			Heading: "1 senior: every junior still available is on a never-pair list with them.",
			Step:    "If one of those pairs may meet after all, choose Allow again under Never paired in this programme and re-solve; otherwise invite more juniors, " + later}},
		{matching.WhyStruckOut, programme.Junior, 2, false, nextStep{
			Heading: "2 juniors: every senior still available was struck out for them.",
			Step:    "Allow one of those pairs again and re-solve, invite more seniors, " + later}},
		{matching.WhyEarlierPartner, programme.Senior, 1, false, nextStep{
			Heading: "1 senior: every junior still available has been their partner before.",
			Step:    "Pairs never repeat. Invite new juniors, " + later, Link: people}},
		{matching.WhyLanguage, programme.Junior, 2, false, nextStep{
			Heading: "2 juniors: no senior still available shares their language.",
			Step:    "Untick Pairs must share a language in the matching settings, invite seniors who speak it, " + later, Link: settings}},
		{matching.WhyTimeZone, programme.Senior, 1, false, nextStep{
			Heading: "1 senior: every junior still available is more than 3 hours away.",
			Step:    "Raise Largest time-zone gap (3 hours now) in the matching settings, invite juniors nearer to them, " + later, Link: settings}},
		{matching.WhyPrivate, programme.Junior, 1, false, nextStep{
			Heading: "1 junior: a private preference rules out every senior still available.",
			Step:    "Whose preference it is stays private. Invite more seniors, " + later, Link: people}},
		{matching.WhySeveralRules, programme.Senior, 5, false, nextStep{
			Heading: "5 seniors: different rules rule out every junior still available (each reason below says which).",
			Step:    "Invite more juniors, relax Pairs must share a language or Largest time-zone gap in the matching settings where those are the reasons, " + later, Link: settings}},
	}
	covered := map[matching.Why]bool{}
	for _, tt := range tests {
		covered[tt.kind] = true
		tt.want.Kind, tt.want.Role = tt.kind, tt.role
		if diff := cmp.Diff(tt.want, stepFor(p, tt.role, tt.kind, tt.n, tt.hasNever)); diff != "" {
			t.Errorf("%s, %d %s (-want +got):\n%s", tt.kind, tt.n, tt.role, diff)
		}
	}
	for _, w := range matching.Whys {
		if !covered[w] {
			t.Errorf("no next step is tested for %q", w)
		}
	}
}

// The page lists one step per role and kind, counting its people, seniors
// first and in the matcher's order of kinds; people from a result kept
// before kinds existed get none.
func TestNextStepsGroupByRoleAndKind(t *testing.T) {
	p := programme.Programme{ID: "p1", JuniorCapacity: 1}
	u := func(role programme.Role, kind matching.Why) matching.Unmatched {
		return matching.Unmatched{Email: "x@example.org", Role: role, Kind: kind}
	}
	got := nextSteps(p, []matching.Unmatched{
		u(programme.Senior, matching.WhyLanguage), u(programme.Junior, matching.WhyFull), u(programme.Junior, matching.WhyFull),
		u(programme.Senior, matching.WhyFull), u(programme.Junior, matching.WhyFull), u(programme.Junior, ""),
	}, false)
	var headings []string
	for _, s := range got {
		headings = append(headings, s.Heading)
	}
	want := []string{
		"1 senior left over: every junior already mentors as many seniors as they may.",
		"1 senior: no junior still available shares their language.",
		"3 juniors left over: every senior already has a junior.",
	}
	if diff := cmp.Diff(want, headings); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	if len(nextSteps(p, nil, false)) != 0 {
		t.Error("steps with nobody unmatched")
	}
}
