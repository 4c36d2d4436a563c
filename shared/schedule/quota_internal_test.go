package schedule

import (
	"testing"
	"time"

	"github.com/upward-mentoring/upward/shared/sendqueue"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestAFullDaySendsSurveysThenNudgesThenCheckIns(t *testing.T) {
	today := time.Date(2027, 1, 18, 0, 0, 0, 0, time.UTC)
	p := &planner{budget: 10, today: "2027-01-18", planned: map[string]store.DayCounts{},
		base: store.DayPlan{Planned: store.DayCounts{Survey: 5, Nudge: 3, CheckIn: 20}}}
	// The worst order: every check-in is reached before the nudges and
	// surveys planned for the same day.
	var order []sendqueue.Kind
	for range 20 {
		order = append(order, sendqueue.KindCheckIn)
	}
	for range 3 {
		order = append(order, sendqueue.KindNudge)
	}
	for range 4 {
		order = append(order, sendqueue.KindMidpoint)
	}
	order = append(order, sendqueue.KindClosing)
	sent := map[sendqueue.Kind]int{}
	for _, k := range order {
		if p.admit(k) {
			sent[k]++
		} else {
			p.plan(today.AddDate(0, 0, 1), k)
		}
	}
	if sent[sendqueue.KindMidpoint]+sent[sendqueue.KindClosing] != 5 || sent[sendqueue.KindNudge] != 3 || sent[sendqueue.KindCheckIn] != 2 {
		t.Errorf("sent %v; want every survey, every nudge and the 2 check-ins that fit in 10", sent)
	}
	if got := p.planned["2027-01-19"]; got.CheckIn != 18 || got.Total() != 18 {
		t.Errorf("planned for the next day: %+v, want the 18 check-ins moved", got)
	}
	// Unlimited (SES's sandbox answers -1 for no limit in some regions).
	u := &planner{budget: -1}
	for range 100 {
		if !u.admit(sendqueue.KindCheckIn) {
			t.Fatal("an unlimited quota moved an email")
		}
	}
}

func TestTheBudgetIsSpentOverSESsRolling24Hours(t *testing.T) {
	// Yesterday queued 30 at 08:00 UTC and 60 at 19:00 (Auckland's
	// morning); today 20 at 00:00 (Tokyo's). The budget is 100 a day.
	var yesterday, today store.DayPlan
	yesterday.SentByHour[8], yesterday.SentByHour[19] = 30, 60
	today.SentByHour[0] = 20
	for _, tt := range []struct {
		hour    int
		sesSent int // what SES counted in its window
		want    int // check-ins admitted of 100 asked
	}{
		{0, 0, 0},   // 30 + 60 + 20 in the window: full (a UTC day's budget would take 80)
		{9, 0, 20},  // yesterday's 08:00 is out, its 19:00 still in
		{19, 0, 80}, // yesterday's 19:00 is out too
		{23, 0, 80},
		{19, 15, 80}, // SES counts less than was queued: some is still unsent
		{19, 95, 5},  // SES counts email outside the schedule too
	} {
		p := &planner{budget: 100, today: "2027-01-18", hour: tt.hour, base: today, yesterday: yesterday, sesSent: tt.sesSent, planned: map[string]store.DayCounts{}}
		admitted := 0
		for range 100 {
			if p.admit(sendqueue.KindCheckIn) {
				admitted++
			}
		}
		if admitted != tt.want {
			t.Errorf("at %02d:00 with %d counted by SES: admitted %d, want %d", tt.hour, tt.sesSent, admitted, tt.want)
		}
	}
}
