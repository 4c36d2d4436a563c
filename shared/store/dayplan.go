package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
)

const typeDayPlan = "day_plan"

// DayCounts counts scheduled emails of one UTC day by priority: surveys
// (midpoint, closing) before nudges before check-ins.
type DayCounts struct {
	Survey, Nudge, CheckIn int
}

// Total is every email counted.
func (c DayCounts) Total() int { return c.Survey + c.Nudge + c.CheckIn }

// Plus adds o.
func (c DayCounts) Plus(o DayCounts) DayCounts {
	return DayCounts{Survey: c.Survey + o.Survey, Nudge: c.Nudge + o.Nudge, CheckIn: c.CheckIn + o.CheckIn}
}

// DayPlan is one UTC day's scheduled email against the sending quota:
// Planned are the due items scheduled for the day (by the kind they are
// expected to be), Sent those the tick queued that day, Moved those it
// moved to the next morning because the day was planned full.
type DayPlan struct {
	Day                  string
	Planned, Sent, Moved DayCounts
}

// dayPlanItem keeps the counts as flat attributes: ADD cannot reach into a
// map that does not exist yet.
type dayPlanItem struct {
	keys
	PlannedSurvey  int `dynamodbav:"planned_survey"`
	PlannedNudge   int `dynamodbav:"planned_nudge"`
	PlannedCheckIn int `dynamodbav:"planned_checkin"`
	SentSurvey     int `dynamodbav:"sent_survey"`
	SentNudge      int `dynamodbav:"sent_nudge"`
	SentCheckIn    int `dynamodbav:"sent_checkin"`
	MovedSurvey    int `dynamodbav:"moved_survey"`
	MovedNudge     int `dynamodbav:"moved_nudge"`
	MovedCheckIn   int `dynamodbav:"moved_checkin"`
}

func dayPlanPK(day string) string { return "PLAN#" + day }

// GetDayPlan reads a day's plan (all zero when nothing was planned).
func (s *Store) GetDayPlan(ctx context.Context, day string) (DayPlan, error) {
	var it dayPlanItem
	err := s.get(ctx, dayPlanPK(day), "META", &it)
	if errors.Is(err, ErrNotFound) {
		return DayPlan{Day: day}, nil
	}
	if err != nil {
		return DayPlan{}, fmt.Errorf("day plan %s: %w", day, err)
	}
	return DayPlan{Day: day,
		Planned: DayCounts{it.PlannedSurvey, it.PlannedNudge, it.PlannedCheckIn},
		Sent:    DayCounts{it.SentSurvey, it.SentNudge, it.SentCheckIn},
		Moved:   DayCounts{it.MovedSurvey, it.MovedNudge, it.MovedCheckIn},
	}, nil
}

// AddToDayPlan adds counts to a day's plan: one UpdateItem, so a tick
// writes a day's plan once per run, not once per email.
func (s *Store) AddToDayPlan(ctx context.Context, day string, planned, sent, moved DayCounts) error {
	upd := expression.Set(expression.Name("type"), expression.Value(typeDayPlan)).Set(expression.Name("day"), expression.Value(day))
	for _, group := range []struct {
		name string
		c    DayCounts
	}{{"planned", planned}, {"sent", sent}, {"moved", moved}} {
		for _, f := range []struct {
			name string
			n    int
		}{{"survey", group.c.Survey}, {"nudge", group.c.Nudge}, {"checkin", group.c.CheckIn}} {
			upd = upd.Add(expression.Name(group.name+"_"+f.name), expression.Value(f.n))
		}
	}
	if err := s.update(ctx, dayPlanPK(day), "META", upd, nil, nil, nil); err != nil {
		return fmt.Errorf("day plan %s: %w", day, err)
	}
	return nil
}
