package lifecycle

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/sendqueue"
)

var t0 = time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)

func cohort() programme.Programme {
	p := programme.New(t0)
	p.ID, p.StartDate, p.EndDate = "prog", "2027-01-04", "2027-06-30"
	return p
}

func rolling() programme.Programme {
	p := cohort()
	p.MatchingMode, p.RoundCadence = programme.ModeRolling, programme.Monthly
	return p
}

func pairIn(state programme.PairState) programme.Pair {
	p := programme.Pair{ID: "pair", ProgrammeID: "prog", SeniorID: "sen", JuniorID: "jun", State: state, Round: 1, StartDate: "2027-01-04"}
	switch state {
	case programme.PairPaused:
		p.PausedAt, p.PausedUntil = t0.Add(-20*24*time.Hour), t0.Add(10*24*time.Hour)
	case programme.PairEnded, programme.PairRematched, programme.PairStopped:
		p.EndedAt, p.EndReason, p.EndedBy = t0.Add(-24*time.Hour), "earlier", "coordinator:other@example.org"
	}
	return p
}

var states = []programme.PairState{programme.PairActive, programme.PairPaused, programme.PairEnded, programme.PairRematched, programme.PairStopped}

// changes are one request of each transition, as their usual caller makes it.
var changes = map[Transition]Change{
	Pause:    {Transition: Pause, By: Participant("sen"), At: t0, Until: t0.Add(30 * 24 * time.Hour)},
	Resume:   {Transition: Resume, By: Participant("jun"), At: t0, Cycle: 3},
	Stall:    {Transition: Stall, By: Schedule, At: t0, Reason: "No meeting reported for three check-ins"},
	Flag:     {Transition: Flag, By: Schedule, At: t0, Reason: "An address bounced"},
	Handled:  {Transition: Handled, By: Coordinator("c@example.org"), At: t0},
	End:      {Transition: End, By: Coordinator("c@example.org"), At: t0},
	Finish:   {Transition: Finish, By: Schedule, At: t0},
	EndRound: {Transition: EndRound, By: Schedule, At: t0, Cycle: 300},
	Rematch:  {Transition: Rematch, By: Participant("sen"), At: t0},
	Stop:     {Transition: Stop, By: Participant("sen"), At: t0, Of: "sen"},
	Reorg:    {Transition: Reorg, By: Schedule, At: t0, Chain: chain},
	EndReorg: {Transition: EndReorg, By: Coordinator("c@example.org"), At: t0},
}

// chain is a reporting line a reorganisation made: the junior's new
// manager reports to the senior.
var chain = []string{"jun@example.org", "mid@example.org", "sen@example.org"}

// flaggedFirst are the transitions that apply only to a pair the
// reorganisation guard flagged; the table test flags the pair first.
var flaggedFirst = map[Transition]bool{EndReorg: true}

func TestEveryStateAndTransition(t *testing.T) {
	type want struct {
		outcome Outcome
		state   programme.PairState
		emails  int
	}
	changed := func(s programme.PairState, emails int) want { return want{Changed, s, emails} }
	done := func(s programme.PairState) want { return want{AlreadyDone, s, 0} }
	refused := func(s programme.PairState) want { return want{Refused, s, 0} }
	const (
		active, paused, ended = programme.PairActive, programme.PairPaused, programme.PairEnded
		rematched, stopped    = programme.PairRematched, programme.PairStopped
	)
	table := map[Transition]map[programme.PairState]want{
		// A second PAUSE extends a timed pause.
		Pause:    {active: changed(paused, 0), paused: changed(paused, 0), ended: refused(ended), rematched: refused(rematched), stopped: refused(stopped)},
		Resume:   {active: done(active), paused: changed(active, 0), ended: refused(ended), rematched: refused(rematched), stopped: refused(stopped)},
		Stall:    {active: changed(active, 0), paused: changed(paused, 0), ended: refused(ended), rematched: refused(rematched), stopped: refused(stopped)},
		Flag:     {active: changed(active, 0), paused: changed(paused, 0), ended: refused(ended), rematched: refused(rematched), stopped: refused(stopped)},
		Handled:  {active: done(active), paused: done(paused), ended: done(ended), rematched: done(rematched), stopped: done(stopped)},
		End:      {active: changed(ended, 0), paused: changed(ended, 0), ended: done(ended), rematched: refused(rematched), stopped: refused(stopped)},
		Finish:   {active: changed(ended, 0), paused: changed(ended, 0), ended: done(ended), rematched: refused(rematched), stopped: refused(stopped)},
		EndRound: {active: changed(ended, 2), paused: changed(ended, 2), ended: done(ended), rematched: refused(rematched), stopped: refused(stopped)},
		// The senior asked: the junior is told.
		Rematch: {active: changed(rematched, 1), paused: changed(rematched, 1), ended: refused(ended), rematched: done(rematched), stopped: refused(stopped)},
		Stop:    {active: changed(stopped, 1), paused: changed(stopped, 1), ended: refused(ended), rematched: refused(rematched), stopped: done(stopped)},
		// The guard records the line on live pairs only.
		Reorg: {active: changed(active, 0), paused: changed(paused, 0), ended: refused(ended), rematched: refused(rematched), stopped: refused(stopped)},
		// Both are told it is an organisational change.
		EndReorg: {active: changed(rematched, 2), paused: changed(rematched, 2), ended: refused(ended), rematched: done(rematched), stopped: refused(stopped)},
	}
	if len(table) != len(rules) {
		t.Fatalf("the table covers %d transitions, the machine has %d", len(table), len(rules))
	}
	for tr, byState := range table {
		for _, st := range states {
			w, ok := byState[st]
			if !ok {
				t.Fatalf("%s from %s: no expectation", tr, st)
			}
			t.Run(fmt.Sprintf("%s from %s", tr, st), func(t *testing.T) {
				before := pairIn(st)
				if flaggedFirst[tr] {
					before.ReorgChain, before.ReorgAt = chain, t0.Add(-time.Hour)
				}
				after, eff, outcome, err := Decide(cohort(), before, changes[tr])
				if err != nil {
					t.Fatal(err)
				}
				if outcome != w.outcome || after.State != w.state || len(eff.Emails) != w.emails {
					t.Errorf("got %s, state %s, %d emails; want %s, state %s, %d emails", outcome, after.State, len(eff.Emails), w.outcome, w.state, w.emails)
				}
				if outcome != Changed && !cmp.Equal(before, after) {
					t.Errorf("a change that was not made altered the pair: %s", cmp.Diff(before, after))
				}
				for _, j := range eff.Emails {
					if err := sendqueue.Check(j); err != nil {
						t.Errorf("effect email: %v", err)
					}
				}
			})
		}
	}
}

func TestWhatEachChangeRecords(t *testing.T) {
	until := t0.Add(30 * 24 * time.Hour)
	tests := []struct {
		name   string
		prog   programme.Programme
		before programme.Pair
		change Change
		edit   func(p *programme.Pair) // the expected pair, from before
		emails []sendqueue.Job
		never  bool
	}{
		{
			name: "a participant pauses for 30 days", prog: cohort(), before: pairIn(programme.PairActive), change: changes[Pause],
			edit: func(p *programme.Pair) { p.State, p.PausedAt, p.PausedUntil = programme.PairPaused, t0, until },
		},
		{
			name: "a second pause extends the first and keeps its start", prog: cohort(), before: pairIn(programme.PairPaused), change: changes[Pause],
			edit: func(p *programme.Pair) { p.PausedUntil = until },
		},
		{
			name: "a coordinator's pause lasts until resumed", prog: cohort(), before: pairIn(programme.PairActive),
			change: Change{Transition: Pause, By: Coordinator("c@example.org"), At: t0},
			edit:   func(p *programme.Pair) { p.State, p.PausedAt = programme.PairPaused, t0 },
		},
		{
			name: "a pause that ran out resumes from when its check-in was due", prog: cohort(), before: pairIn(programme.PairPaused),
			change: Change{Transition: Resume, By: Schedule, At: t0, Cycle: 4, ResumedAt: t0.Add(-3 * time.Hour)},
			edit: func(p *programme.Pair) {
				p.State, p.ResumedCycle, p.ResumedAt, p.PausedUntil = programme.PairActive, 4, t0.Add(-3*time.Hour), time.Time{}
			},
		},
		{
			name: "a stall marks the pair and flags it", prog: cohort(), before: pairIn(programme.PairActive), change: changes[Stall],
			edit: func(p *programme.Pair) {
				p.Stalled, p.Attention, p.AttentionReason = true, true, "No meeting reported for three check-ins"
			},
		},
		{
			name: "a bounce flags the pair without calling it stalled", prog: cohort(), before: pairIn(programme.PairActive), change: changes[Flag],
			edit: func(p *programme.Pair) { p.Attention, p.AttentionReason = true, "An address bounced" },
		},
		{
			name: "handled clears the flag and a rematch request", prog: cohort(),
			before: func() programme.Pair {
				p := pairIn(programme.PairActive)
				p.Attention, p.AttentionReason, p.RematchRequestedBy, p.RematchRequestedAt = true, "x", "jun", t0
				return p
			}(),
			change: changes[Handled],
			edit: func(p *programme.Pair) {
				p.Attention, p.AttentionReason, p.RematchRequestedBy, p.RematchRequestedAt = false, "", "", time.Time{}
			},
		},
		{
			name: "a coordinator ends a flagged pair: the flag is settled", prog: cohort(),
			before: func() programme.Pair {
				p := pairIn(programme.PairActive)
				p.Attention, p.AttentionReason = true, "No replies"
				return p
			}(),
			change: changes[End],
			edit: func(p *programme.Pair) {
				p.State, p.EndedAt, p.EndReason, p.EndedBy = programme.PairEnded, t0, "ended by c@example.org on 1 Mar 2027", "coordinator:c@example.org"
				p.Attention, p.AttentionReason = false, ""
			},
		},
		{
			name: "the programme's end keeps what the attention list says", prog: cohort(),
			before: func() programme.Pair {
				p := pairIn(programme.PairActive)
				p.Stalled, p.Attention, p.AttentionReason = true, true, "No replies to the last three check-ins"
				return p
			}(),
			change: changes[Finish],
			edit: func(p *programme.Pair) {
				p.State, p.EndedAt, p.EndReason, p.EndedBy = programme.PairEnded, t0, "the programme ended", "schedule"
			},
		},
		{
			name: "a rotation round ends with a thank-you to both, past round 255", prog: cohort(), before: pairIn(programme.PairActive), change: changes[EndRound],
			edit: func(p *programme.Pair) {
				p.State, p.EndedAt, p.EndReason, p.EndedBy = programme.PairEnded, t0, "rotation round 300 ended", "schedule"
			},
			emails: []sendqueue.Job{
				sendqueue.RoundEnd{ProgrammeID: "prog", ParticipantID: "sen", PairID: "pair", Round: 300},
				sendqueue.RoundEnd{ProgrammeID: "prog", ParticipantID: "jun", PairID: "pair", Round: 300},
			},
		},
		{
			name: "REMATCH by reply in a one-cohort programme: the partner is told, the coordinator asked", prog: cohort(),
			before: pairIn(programme.PairActive), change: changes[Rematch],
			edit: func(p *programme.Pair) {
				p.State, p.EndedAt, p.EndReason, p.EndedBy = programme.PairRematched, t0, "rematch requested by the senior", "participant:sen"
				p.RematchRequestedBy, p.RematchRequestedAt = "sen", t0
				p.Attention, p.AttentionReason = true, "Rematch requested by the senior; both wait for a new partner"
			},
			emails: []sendqueue.Job{sendqueue.PairEnded{ProgrammeID: "prog", ParticipantID: "jun", PairID: "pair"}},
			never:  true,
		},
		{
			name: "REMATCH by reply in a rolling programme: the next round pairs them, nobody is flagged", prog: rolling(),
			before: pairIn(programme.PairActive), change: Change{Transition: Rematch, By: Participant("jun"), At: t0},
			edit: func(p *programme.Pair) {
				p.State, p.EndedAt, p.EndReason, p.EndedBy = programme.PairRematched, t0, "rematch requested by the junior", "participant:jun"
				p.RematchRequestedBy, p.RematchRequestedAt = "jun", t0
			},
			emails: []sendqueue.Job{sendqueue.PairEnded{ProgrammeID: "prog", ParticipantID: "sen", PairID: "pair"}},
			never:  true,
		},
		{
			name: "the coordinator's End for a rematch is the same change: both are told", prog: cohort(),
			before: pairIn(programme.PairPaused), change: Change{Transition: Rematch, By: Coordinator("c@example.org"), At: t0},
			edit: func(p *programme.Pair) {
				p.State, p.EndedAt, p.EndReason, p.EndedBy = programme.PairRematched, t0, "ended for a rematch by c@example.org on 1 Mar 2027", "coordinator:c@example.org"
				p.Attention, p.AttentionReason = true, "Ended for a rematch; both wait for a new partner"
			},
			emails: []sendqueue.Job{
				sendqueue.PairEnded{ProgrammeID: "prog", ParticipantID: "sen", PairID: "pair"},
				sendqueue.PairEnded{ProgrammeID: "prog", ParticipantID: "jun", PairID: "pair"},
			},
			never: true,
		},
		{
			name: "STOP tells the partner kindly and flags the pair where no round follows", prog: cohort(),
			before: pairIn(programme.PairActive), change: changes[Stop],
			edit: func(p *programme.Pair) {
				p.State, p.EndedAt, p.EndReason, p.EndedBy = programme.PairStopped, t0, "one of the pair stopped all programme email", "participant:sen"
				p.Attention, p.AttentionReason = true, "One of the pair stopped all programme email; the other needs a new pair"
			},
			emails: []sendqueue.Job{sendqueue.PairEnded{ProgrammeID: "prog", ParticipantID: "jun", PairID: "pair"}},
		},
		{
			name: "STOP in a rolling programme: the partner waits for the next round", prog: rolling(),
			before: pairIn(programme.PairActive), change: Change{Transition: Stop, By: Participant("jun"), At: t0, Of: "jun"},
			edit: func(p *programme.Pair) {
				p.State, p.EndedAt, p.EndReason, p.EndedBy = programme.PairStopped, t0, "one of the pair stopped all programme email", "participant:jun"
			},
			emails: []sendqueue.Job{sendqueue.PairEnded{ProgrammeID: "prog", ParticipantID: "sen", PairID: "pair"}},
		},
		{
			name: "an erasure stops the pair and tells the partner", prog: cohort(),
			before: pairIn(programme.PairActive), change: Change{Transition: Stop, By: Coordinator("c@example.org"), At: t0, Of: "jun", Erased: true},
			edit: func(p *programme.Pair) {
				p.State, p.EndedAt, p.EndReason, p.EndedBy = programme.PairStopped, t0, "a participant's data was erased at their request", "coordinator:c@example.org"
				p.Attention, p.AttentionReason = true, "A participant's data was erased; their partner needs a new pair"
			},
			emails: []sendqueue.Job{sendqueue.PairEnded{ProgrammeID: "prog", ParticipantID: "sen", PairID: "pair"}},
		},
		{
			name: "the guard records the reporting line that now links the two; the pair carries on", prog: cohort(),
			before: pairIn(programme.PairActive), change: changes[Reorg],
			edit: func(p *programme.Pair) { p.ReorgChain, p.ReorgAt = chain, t0 },
		},
		{
			name: "a later chart that separates them clears the line", prog: cohort(),
			before: func() programme.Pair {
				p := pairIn(programme.PairPaused)
				p.ReorgChain, p.ReorgAt = chain, t0.Add(-time.Hour)
				return p
			}(),
			change: Change{Transition: Reorg, By: Schedule, At: t0},
			edit:   func(p *programme.Pair) { p.ReorgChain, p.ReorgAt = nil, time.Time{} },
		},
		{
			name: "the coordinator ends a reorganised pair: no-fault notes to both, never paired again, the line kept as the record", prog: cohort(),
			before: func() programme.Pair {
				p := pairIn(programme.PairActive)
				p.ReorgChain, p.ReorgAt = chain, t0.Add(-time.Hour)
				p.Attention, p.AttentionReason = true, "No meeting reported for three check-ins"
				return p
			}(),
			change: changes[EndReorg],
			edit: func(p *programme.Pair) {
				p.State, p.EndedAt, p.EndedBy = programme.PairRematched, t0, "coordinator:c@example.org"
				p.EndReason = "ended for an organisational change by c@example.org on 1 Mar 2027: the two are now in one reporting line"
				p.Attention, p.AttentionReason = true, "Ended for an organisational change; both wait for a new partner"
			},
			emails: []sendqueue.Job{
				sendqueue.ReorgEnded{ProgrammeID: "prog", ParticipantID: "sen", PairID: "pair"},
				sendqueue.ReorgEnded{ProgrammeID: "prog", ParticipantID: "jun", PairID: "pair"},
			},
			never: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			after, eff, outcome, err := Decide(tc.prog, tc.before, tc.change)
			if err != nil || outcome != Changed {
				t.Fatalf("Decide = %s, %v; want changed", outcome, err)
			}
			want := tc.before
			tc.edit(&want)
			if diff := cmp.Diff(want, after); diff != "" {
				t.Errorf("pair (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.emails, eff.Emails); diff != "" {
				t.Errorf("emails (-want +got):\n%s", diff)
			}
			if eff.NeverPair != tc.never {
				t.Errorf("never pair again = %v, want %v", eff.NeverPair, tc.never)
			}
		})
	}
}

// A change asked for again finishes what it began (its emails are queued
// again; the ledger sends each once), but someone else's request for a
// change already made by another causes nothing.
func TestRepeatedChanges(t *testing.T) {
	first, eff1, _, err := Decide(cohort(), pairIn(programme.PairActive), changes[Rematch])
	if err != nil {
		t.Fatal(err)
	}
	again, eff2, outcome, err := Decide(cohort(), first, Change{Transition: Rematch, By: Participant("sen"), At: t0.Add(time.Hour)})
	if err != nil || outcome != AlreadyDone {
		t.Fatalf("repeat = %s, %v", outcome, err)
	}
	if !cmp.Equal(first, again) || !cmp.Equal(eff1, eff2) {
		t.Errorf("a repeated REMATCH should leave the pair and redo its effects: pair %s effects %s", cmp.Diff(first, again), cmp.Diff(eff1, eff2))
	}
	_, eff3, outcome, err := Decide(cohort(), first, Change{Transition: Rematch, By: Participant("jun"), At: t0.Add(time.Hour)})
	if err != nil || outcome != AlreadyDone || len(eff3.Emails) != 0 || eff3.NeverPair {
		t.Errorf("the partner's REMATCH after the senior's = %s, %+v, %v; want already done with no effects", outcome, eff3, err)
	}
	round, _, _, _ := Decide(cohort(), pairIn(programme.PairActive), changes[EndRound])
	_, eff4, outcome, _ := Decide(cohort(), round, changes[EndRound])
	if outcome != AlreadyDone || len(eff4.Emails) != 2 {
		t.Errorf("a repeated round end = %s with %d emails; want already done, both thank-yous queued again", outcome, len(eff4.Emails))
	}
	next := changes[EndRound]
	next.Cycle = 301
	_, eff5, _, _ := Decide(cohort(), round, next)
	if len(eff5.Emails) != 0 {
		t.Errorf("a later round's end re-sent an earlier round's thank-yous: %v", eff5.Emails)
	}
	// A coordinator's open-ended pause is not shortened by a PAUSE reply.
	open, _, _, _ := Decide(cohort(), pairIn(programme.PairActive), Change{Transition: Pause, By: Coordinator("c@example.org"), At: t0})
	if _, _, outcome, _ := Decide(cohort(), open, changes[Pause]); outcome != AlreadyDone {
		t.Errorf("PAUSE during a coordinator's pause = %s, want already done", outcome)
	}
}

func TestInvalidChanges(t *testing.T) {
	for name, c := range map[string]Change{
		"unknown transition":                     {Transition: "promote", By: Schedule, At: t0},
		"no time":                                {Transition: Pause, By: Participant("sen")},
		"no actor":                               {Transition: Pause, At: t0},
		"stall without a reason":                 {Transition: Stall, By: Schedule, At: t0},
		"flag without a reason":                  {Transition: Flag, By: Schedule, At: t0},
		"a stop without whose":                   {Transition: Stop, By: Coordinator("c@example.org"), At: t0},
		"a participant stops others":             {Transition: Stop, By: Participant("jun"), At: t0, Of: "sen"},
		"the schedule rematches":                 {Transition: Rematch, By: Schedule, At: t0},
		"a participant records a reporting line": {Transition: Reorg, By: Participant("sen"), At: t0, Chain: chain},
		"a reporting line of one":                {Transition: Reorg, By: Schedule, At: t0, Chain: chain[:1]},
		"the schedule ends for a reorganisation": {Transition: EndReorg, By: Schedule, At: t0},
	} {
		before := pairIn(programme.PairActive)
		after, _, _, err := Decide(cohort(), before, c)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
		if !cmp.Equal(before, after) {
			t.Errorf("%s: an invalid change altered the pair", name)
		}
	}
}

// Ending for a reorganisation needs a pair the guard flagged, says why on
// the never-pair list, and repeated by the same coordinator queues its
// notes again (the ledger sends each once) while a rematch ended earlier
// is left alone.
func TestEndForAReorganisation(t *testing.T) {
	if _, _, outcome, _ := Decide(cohort(), pairIn(programme.PairActive), changes[EndReorg]); outcome != Refused {
		t.Errorf("ending an unflagged pair for a reorganisation = %s, want refused", outcome)
	}
	flagged := pairIn(programme.PairActive)
	flagged.ReorgChain = chain
	ended, eff, _, err := Decide(cohort(), flagged, changes[EndReorg])
	if err != nil || eff.NeverPairSource != NeverPairReorg {
		t.Fatalf("never-pair source = %q (%v), want %q", eff.NeverPairSource, err, NeverPairReorg)
	}
	if _, again, outcome, _ := Decide(cohort(), ended, changes[EndReorg]); outcome != AlreadyDone || len(again.Emails) != 2 {
		t.Errorf("a repeated end = %s with %d emails; want already done, both notes queued again", outcome, len(again.Emails))
	}
	rematched, _, _, _ := Decide(cohort(), flagged, Change{Transition: Rematch, By: Coordinator("c@example.org"), At: t0})
	if _, e, outcome, _ := Decide(cohort(), rematched, changes[EndReorg]); outcome != AlreadyDone || len(e.Emails) != 0 {
		t.Errorf("ending for a reorganisation after a rematch = %s with %d emails; want already done, nothing sent", outcome, len(e.Emails))
	}
}
