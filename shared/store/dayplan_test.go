package store_test

import (
	"context"
	"testing"

	"github.com/upward-mentoring/upward/infra/stacktest"
	"github.com/upward-mentoring/upward/shared/store"
)

func TestADayPlanCountsWhatWasSentByHour(t *testing.T) {
	t.Parallel()
	s, _ := stacktest.Store(t)
	ctx := context.Background()
	day := "2027-01-18"
	for _, w := range []struct {
		hour              int
		planned, sent, mv store.DayCounts
	}{
		{0, store.DayCounts{CheckIn: 30}, store.DayCounts{}, store.DayCounts{}}, // an approval: planned only
		{9, store.DayCounts{}, store.DayCounts{Survey: 2, CheckIn: 10}, store.DayCounts{CheckIn: 4}},
		{9, store.DayCounts{}, store.DayCounts{CheckIn: 3}, store.DayCounts{}},
		{23, store.DayCounts{}, store.DayCounts{Nudge: 1}, store.DayCounts{}},
	} {
		if err := s.AddToDayPlan(ctx, day, w.hour, w.planned, w.sent, w.mv); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetDayPlan(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	var want [24]int
	want[9], want[23] = 15, 1
	if got.SentByHour != want || got.Sent != (store.DayCounts{Survey: 2, Nudge: 1, CheckIn: 13}) || got.Planned.CheckIn != 30 || got.Moved.CheckIn != 4 {
		t.Errorf("plan = %+v, want 15 sent at 09, 1 at 23", got)
	}
	if err := s.AddToDayPlan(ctx, day, 24, store.DayCounts{}, store.DayCounts{CheckIn: 1}, store.DayCounts{}); err == nil {
		t.Error("hour 24 was accepted")
	}
	if empty, err := s.GetDayPlan(ctx, "2027-01-19"); err != nil || empty.SentByHour != [24]int{} {
		t.Errorf("a day never planned: %+v, %v", empty, err)
	}
}
