package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
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
	// SentByHour counts Sent by the UTC hour the tick queued them in: SES
	// counts its quota over a rolling 24 hours, not a calendar day, so the
	// tick needs to know how much of yesterday is still inside that window.
	SentByHour [24]int
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
	// The sent emails by UTC hour are "sent_h00"…"sent_h23", each added
	// when its hour first has any.
}

func sentHourAttr(h int) string { return fmt.Sprintf("sent_h%02d", h) }

func dayPlanPK(day string) string { return "PLAN#" + day }

// GetDayPlan reads a day's plan (all zero when nothing was planned).
func (s *Store) GetDayPlan(ctx context.Context, day string) (DayPlan, error) {
	// Read raw: the hours' attributes are added one by one, as they come.
	res, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key(dayPlanPK(day), "META"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return DayPlan{}, fmt.Errorf("day plan %s: %w", day, err)
	}
	raw := res.Item
	if raw == nil {
		return DayPlan{Day: day}, nil
	}
	var it dayPlanItem
	if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
		return DayPlan{}, fmt.Errorf("day plan %s: %w", day, err)
	}
	p := DayPlan{Day: day,
		Planned: DayCounts{it.PlannedSurvey, it.PlannedNudge, it.PlannedCheckIn},
		Sent:    DayCounts{it.SentSurvey, it.SentNudge, it.SentCheckIn},
		Moved:   DayCounts{it.MovedSurvey, it.MovedNudge, it.MovedCheckIn},
	}
	// Plans written before the hours were counted have none: their day
	// counts as sent in no particular hour, which only the first day after
	// an upgrade can notice.
	for h := range p.SentByHour {
		if v, ok := raw[sentHourAttr(h)]; ok {
			if err := attributevalue.Unmarshal(v, &p.SentByHour[h]); err != nil {
				return DayPlan{}, fmt.Errorf("day plan %s hour %d: %w", day, h, err)
			}
		}
	}
	return p, nil
}

// AddToDayPlan adds counts to a day's plan: one UpdateItem, so a tick
// writes a day's plan once per run, not once per email. The sent ones are
// also counted in hour, the UTC hour the tick queued them in.
func (s *Store) AddToDayPlan(ctx context.Context, day string, hour int, planned, sent, moved DayCounts) error {
	if hour < 0 || hour > 23 {
		return fmt.Errorf("day plan %s: hour %d is not an hour of the day", day, hour)
	}
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
	if n := sent.Total(); n > 0 {
		upd = upd.Add(expression.Name(sentHourAttr(hour)), expression.Value(n))
	}
	if err := s.update(ctx, dayPlanPK(day), "META", upd, nil, nil, nil); err != nil {
		return fmt.Errorf("day plan %s: %w", day, err)
	}
	return nil
}
