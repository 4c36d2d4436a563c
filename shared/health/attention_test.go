package health

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestSeededProgrammeAttentionList(t *testing.T) {
	in := seeded()
	ex := Extras{
		Suppressed: map[string]store.Suppression{"s5@example.org": {Email: "s5@example.org", Reason: "complaint", At: day(2, 25, 8)}},
		Quarantined: []store.Quarantined{
			{Key: "q1", ReceivedAt: day(2, 26, 8), Reason: "the sender is not the participant the reply address belongs to", From: "someone@else.example", ProgrammeID: in.Programme.ID},
			{Key: "q2", ReceivedAt: day(2, 27, 8), Reason: "unreadable message: too large", From: " J1@Example.org", ProgrammeID: in.Programme.ID},
			{Key: "q3", ReceivedAt: day(2, 27, 9), Reason: "another programme's", From: "s1@example.org", ProgrammeID: "00000000000000b2"},
		},
	}
	want := []Concern{
		// p5 never met and the nudge did not help: first. Its silences are
		// told on its line (s5 is suppressed: listed for the address).
		{Kind: ConcernStalled, PairID: "p5", Status: "No meeting reported yet; still stalled after the nudge. The junior has answered none of 4 check-ins.", Urgent: true},
		{Kind: ConcernStalled, PairID: "p2", Status: "No meeting reported since 18 Jan 2027; the senior has just been nudged. The senior has not answered the last 2 check-ins (last answered: check-in 2).", Since: day(1, 18, 10)},
		{Kind: ConcernRematch, PairID: "p6", ParticipantID: "j6", Status: "The junior asked for a new partner.", Since: day(2, 20, 8), Urgent: true},
		// p5's and p6's flags are covered above; p4's is not.
		{Kind: ConcernFlagged, PairID: "p4", Status: "One of the pair stopped all programme email; the other needs a new pair.", Since: day(2, 5, 10)},
		{Kind: ConcernAddress, ParticipantID: "j2", Status: "No email is sent to this person: Email address bounced (5.1.1).", Since: day(2, 20, 8), Urgent: true},
		{Kind: ConcernAddress, ParticipantID: "s5", Status: "No email is sent to this address: complaint.", Since: day(2, 25, 8), Urgent: true},
		{Kind: ConcernQuarantine, Status: "Quarantined: the sender is not the participant the reply address belongs to", Since: day(2, 26, 8), Urgent: true, Quarantined: &ex.Quarantined[0]},
		{Kind: ConcernQuarantine, ParticipantID: "j1", Status: "Quarantined: unreadable message: too large", Since: day(2, 27, 8), Urgent: true, Quarantined: &ex.Quarantined[1]},
	}
	if diff := cmp.Diff(want, Concerns(in, ex)); diff != "" {
		t.Errorf("attention list (-want +got):\n%s", diff)
	}
}

func TestAddressConcerns(t *testing.T) {
	complained := person("c", S, programme.Stopped)
	complained.MailProblem, complained.MailProblemAt = "Marked a programme email as spam", day(2, 2, 2)
	oldBounce := person("b", S, programme.Bounced)
	oldBounce.UpdatedAt = day(2, 3, 3)
	in := Input{Programme: testProgramme(), Now: now, Participants: []programme.Participant{
		complained, oldBounce, person("left", J, programme.Stopped), person("no", J, programme.Declined), person("ok", J, programme.OptedIn),
	}}
	sup := map[string]store.Suppression{"left@example.org": {Reason: "unsubscribed"}, "ok@example.org": {Reason: "hard bounce", At: day(2, 4, 4)}}
	want := []Concern{
		{Kind: ConcernAddress, ParticipantID: "c", Status: "No email is sent to this person: Marked a programme email as spam.", Since: day(2, 2, 2), Urgent: true},
		{Kind: ConcernAddress, ParticipantID: "b", Status: "Email to this address bounced.", Since: day(2, 3, 3), Urgent: true},
		{Kind: ConcernAddress, ParticipantID: "ok", Status: "No email is sent to this address: hard bounce.", Since: day(2, 4, 4), Urgent: true},
	}
	if diff := cmp.Diff(want, Concerns(in, Extras{Suppressed: sup})); diff != "" {
		t.Errorf("address concerns (-want +got):\n%s", diff)
	}
}

func TestRematchRequests(t *testing.T) {
	endedByReply := pair("r1", "s1", "j1", programme.PairRematched)
	endedByReply.RematchRequestedBy, endedByReply.RematchRequestedAt = "s1", day(2, 2, 2)
	endedByReply.Attention, endedByReply.AttentionReason = true, "Rematch requested by the senior; both wait for a new partner"
	repaired := endedByReply
	repaired.ID, repaired.Attention, repaired.AttentionReason = "r2", false, ""
	byCoordinator := pair("r3", "s2", "j2", programme.PairRematched)
	byCoordinator.Attention, byCoordinator.AttentionReason, byCoordinator.UpdatedAt = true, "Ended for a rematch; both wait for a new partner", day(2, 3, 3)
	in := Input{Programme: testProgramme(), Now: now, Pairs: []programme.Pair{endedByReply, repaired, byCoordinator}}
	want := []Concern{
		{Kind: ConcernRematch, PairID: "r1", ParticipantID: "s1", Status: "The senior asked for a new partner; the pair has ended and both wait for a new one.", Since: day(2, 2, 2), Urgent: true},
		{Kind: ConcernFlagged, PairID: "r3", Status: "Ended for a rematch; both wait for a new partner.", Since: day(2, 3, 3)},
	}
	if diff := cmp.Diff(want, Concerns(in, Extras{})); diff != "" {
		t.Errorf("rematch concerns (-want +got):\n%s", diff)
	}
}

func TestUnresponsive(t *testing.T) {
	// p6 meets (s6 says so every time); j6 answered 1 to 3, not 4.
	base := seeded()
	tests := []struct {
		name   string
		change func(in *Input)
		want   []Concern
	}{
		{"one check-in unanswered is not yet silence", func(*Input) {}, nil},
		{"two in a row", func(in *Input) { in.Answers = drop(in.Answers, "p6", "j6", 3) }, []Concern{
			{Kind: ConcernUnresponsive, PairID: "p6", ParticipantID: "j6", Status: "No answer to the last 2 check-ins (last answered: check-in 2).", Since: sent("p6", 2, 15)},
		}},
		{"three in a row is urgent", func(in *Input) { in.Answers = drop(drop(in.Answers, "p6", "j6", 3), "p6", "j6", 2) }, []Concern{
			{Kind: ConcernUnresponsive, PairID: "p6", ParticipantID: "j6", Status: "No answer to the last 3 check-ins (last answered: check-in 1).", Since: sent("p6", 2, 1), Urgent: true},
		}},
		{"not while paused", func(in *Input) {
			in.Answers = drop(in.Answers, "p6", "j6", 3)
			in.Pairs[5].State, in.Pairs[5].PausedAt = programme.PairPaused, day(2, 28, 8)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			in.Pairs = append([]programme.Pair(nil), base.Pairs...)
			in.Answers = append([]store.Answer(nil), base.Answers...)
			tt.change(&in)
			var got []Concern
			for _, c := range Concerns(in, Extras{}) {
				if c.Kind == ConcernUnresponsive {
					got = append(got, c)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("unresponsive (-want +got):\n%s", diff)
			}
		})
	}
}

func drop(as []store.Answer, pair, who string, cycle int) []store.Answer {
	var out []store.Answer
	for _, a := range as {
		if a.PairID != pair || a.ParticipantID != who || a.Cycle != cycle {
			out = append(out, a)
		}
	}
	return out
}

func TestPairRecordsForTheExports(t *testing.T) {
	got := Pairs(seeded())
	yes, no := true, false
	c := func(k int, date time.Time, sAsked, sAns, jAsked, jAns bool, met *bool) PairCycle {
		return PairCycle{Cycle: k, Date: date, SeniorAsked: sAsked, SeniorAnswered: sAns, JuniorAsked: jAsked, JuniorAnswered: jAns, Met: met}
	}
	type summary struct {
		ID                        string
		Stalled                   bool
		Asked, Answered, Meetings int
	}
	var sums []summary
	for _, h := range got {
		sums = append(sums, summary{h.Pair.ID, h.Stalled, h.Asked(), h.Answered(), h.Meetings()})
	}
	want := []summary{{"p1", false, 7, 7, 4}, {"p2", true, 8, 6, 1}, {"p3", false, 4, 2, 1}, {"p4", false, 4, 1, 0}, {"p5", true, 8, 0, 0}, {"p6", false, 8, 7, 4}}
	if diff := cmp.Diff(want, sums); diff != "" {
		t.Errorf("pairs (-want +got):\n%s", diff)
	}
	// p1: j1 in New York had not had check-in 4 yet; s1 answered it.
	wantP1 := []PairCycle{
		c(1, sent("p1", 1, 18), true, true, true, true, &yes), c(2, sent("p1", 2, 1), true, true, true, true, &yes),
		c(3, sent("p1", 2, 15), true, true, true, true, &yes), c(4, sent("p1", 3, 1), true, true, false, false, &yes),
	}
	if diff := cmp.Diff(wantP1, got[0].Cycles); diff != "" {
		t.Errorf("p1 cycles (-want +got):\n%s", diff)
	}
	// p4 stopped on 5 February: s4 said no meeting at 1.
	wantP4 := []PairCycle{c(1, sent("p4", 1, 18), true, true, true, false, &no), c(2, sent("p4", 2, 1), true, false, true, false, nil)}
	if diff := cmp.Diff(wantP4, got[3].Cycles); diff != "" {
		t.Errorf("p4 cycles (-want +got):\n%s", diff)
	}
}

func TestSomeoneWhoseReplyCouldNotBeReadIsListedWithoutTheirWords(t *testing.T) {
	in := seeded()
	at := in.Now.Add(-time.Hour)
	in.Participants[0].UnclearAt = at
	var found []Concern
	for _, c := range Concerns(in, Extras{}) {
		if c.Kind == ConcernUnclear {
			found = append(found, c)
		}
	}
	if len(found) != 1 || found[0].ParticipantID != in.Participants[0].ID || !found[0].Since.Equal(at) {
		t.Fatalf("unclear concerns = %+v, want one for %s", found, in.Participants[0].ID)
	}
}
