package web

import (
	"fmt"

	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
)

// nextStep is what the coordinator can do for the people left unmatched
// for one kind of reason: the review page lists one per kind, with how
// many people it concerns, above the person-by-person reasons.
type nextStep struct {
	Kind matching.Why
	Role programme.Role
	// Heading says how many and why in a sentence; Step what to do.
	Heading, Step string
	// Link is where the step is taken, when a page takes it.
	Link *messageLink
}

// nextSteps groups a proposal's unmatched people by role and kind, in the
// matcher's order of kinds, seniors first. People from a result kept
// before kinds existed have none and get no step (their own reason
// remains).
func nextSteps(p programme.Programme, unmatched []matching.Unmatched, hasNever bool) []nextStep {
	type key struct {
		role programme.Role
		kind matching.Why
	}
	counts := map[key]int{}
	for _, u := range unmatched {
		counts[key{u.Role, u.Kind}]++
	}
	var out []nextStep
	for _, role := range []programme.Role{programme.Senior, programme.Junior} {
		for _, kind := range matching.Whys {
			if n := counts[key{role, kind}]; n > 0 {
				out = append(out, stepFor(p, role, kind, n, hasNever))
			}
		}
	}
	return out
}

// stepFor words one kind of reason for n people of one role. Every step
// is something the coordinator can do, or a reason why nothing should be
// done about a rule that protects people; every step offers the next round.
func stepFor(p programme.Programme, role programme.Role, kind matching.Why, n int, hasNever bool) nextStep {
	me, other := "senior", "junior"
	if role == programme.Junior {
		me, other = "junior", "senior"
	}
	who := fmt.Sprintf("%d %s", n, plural(n, me, me+"s"))
	later := "or leave them for the next round (they stay opted in)."
	settings := &messageLink{URL: "/programmes/" + p.ID + "/edit?open=matching#section-matching", Text: "Matching settings"}
	people := &messageLink{URL: "/programmes/" + p.ID + "#participants", Text: "Participants"}
	s := nextStep{Kind: kind, Role: role}
	switch kind {
	case matching.WhyNobody:
		s.Heading = fmt.Sprintf("%s without a pair: no %ss are taking part yet.", who, other)
		s.Step = fmt.Sprintf("Enrol %ss, or wait until those invited opt in by replying to their welcome, then propose matches again.", other)
		s.Link = people
	case matching.WhyFull:
		if role == programme.Senior {
			s.Heading = fmt.Sprintf("%s left over: every junior already mentors as many seniors as they may.", who)
			s.Step = fmt.Sprintf("Invite more juniors, let each junior mentor more seniors (Seniors per junior is %d now), %s", max(1, p.JuniorCapacity), later)
			s.Link = settings
		} else {
			s.Heading = fmt.Sprintf("%s left over: every senior already has a junior.", who)
			s.Step = "Invite more seniors, " + later
			s.Link = people
		}
	case matching.WhyLocked:
		s.Heading = fmt.Sprintf("%s whose only possible %ss are in locked pairs.", who, other)
		s.Step = "Unlock one of those pairs, then re-solve: the matcher weighs everyone again, them included."
		s.Link = &messageLink{URL: "#pairs", Text: "Pairs"}
	case matching.WhyReportingLine:
		s.Heading = fmt.Sprintf("%s: every %s still available is in their reporting line.", who, other)
		s.Step = fmt.Sprintf("Pairs never cross a reporting line. Invite %ss from other parts of the organisation, ask an administrator to upload a current org chart if this one is out of date, %s", other, later)
		s.Link = people
	case matching.WhyNeverPair:
		s.Heading = fmt.Sprintf("%s: every %s still available is on a never-pair list with them.", who, other)
		s.Step = fmt.Sprintf("If one of those pairs may meet after all, choose Allow again under Never paired in this programme and re-solve; otherwise invite more %ss, %s", other, later)
		if hasNever {
			s.Link = &messageLink{URL: "#never", Text: "Never paired in this programme"}
		}
	case matching.WhyStruckOut:
		s.Heading = fmt.Sprintf("%s: every %s still available was struck out for them.", who, other)
		s.Step = fmt.Sprintf("Allow one of those pairs again and re-solve, invite more %ss, %s", other, later)
	case matching.WhyEarlierPartner:
		s.Heading = fmt.Sprintf("%s: every %s still available has been their partner before.", who, other)
		s.Step = fmt.Sprintf("Pairs never repeat. Invite new %ss, %s", other, later)
		s.Link = people
	case matching.WhyLanguage:
		s.Heading = fmt.Sprintf("%s: no %s still available shares their language.", who, other)
		s.Step = fmt.Sprintf("Untick Pairs must share a language in the matching settings, invite %ss who speak it, %s", other, later)
		s.Link = settings
	case matching.WhyTimeZone:
		s.Heading = fmt.Sprintf("%s: every %s still available is more than %d hours away.", who, other, p.MaxTimezoneDiffHours)
		s.Step = fmt.Sprintf("Raise Largest time-zone gap (%d hours now) in the matching settings, invite %ss nearer to them, %s", p.MaxTimezoneDiffHours, other, later)
		s.Link = settings
	case matching.WhyPrivate:
		s.Heading = fmt.Sprintf("%s: a private preference rules out every %s still available.", who, other)
		s.Step = fmt.Sprintf("Whose preference it is stays private. Invite more %ss, %s", other, later)
		s.Link = people
	default: // matching.WhySeveralRules
		s.Heading = fmt.Sprintf("%s: different rules rule out every %s still available (each reason below says which).", who, other)
		s.Step = fmt.Sprintf("Invite more %ss, relax Pairs must share a language or Largest time-zone gap in the matching settings where those are the reasons, %s", other, later)
		s.Link = settings
	}
	return s
}
