package mail

import (
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
)

// meetingInvite proposes the programme's cadence as a recurring meeting a
// week after the introduction, at 10:00 in the senior's time zone (their
// diary is the harder one). It is published, not sent as a request, so it
// lands in either calendar as a suggestion they can move.
func meetingInvite(prog programme.Programme, pair programme.Pair, senior, junior programme.Participant) ([]byte, error) {
	first := schedule.Morning(pair.Start().AddDate(0, 0, 7), senior.Loc()).In(senior.Loc())
	first = time.Date(first.Year(), first.Month(), first.Day(), 10, 0, 0, 0, senior.Loc())
	cal := ics.NewCalendarFor("Upward")
	cal.SetMethod(ics.MethodPublish)
	ev := cal.AddEvent(fmt.Sprintf("%s-first-meeting@upward", pair.ID))
	ev.SetDtStampTime(pair.ApprovedAt)
	ev.SetStartAt(first.UTC())
	ev.SetEndAt(first.Add(time.Duration(prog.MeetingMinutes) * time.Minute).UTC())
	ev.SetSummary(fmt.Sprintf("Reverse mentoring: %s and %s", senior.Name, junior.Name))
	ev.SetDescription(fmt.Sprintf("%s\n\nSuggested agenda for the first meeting: agree your mutual objectives; how often, how long and how you'll meet; your confidentiality agreement; what each of you hopes to learn.", prog.PurposeStatement))
	weeks := prog.MeetingCadence.Days() / 7
	until := prog.End().Add(24*time.Hour - time.Second)
	ev.AddRrule(fmt.Sprintf("FREQ=WEEKLY;INTERVAL=%d;UNTIL=%s", max(weeks, 1), until.UTC().Format("20060102T150405Z")))
	ev.AddAttendee("mailto:"+senior.Email, ics.WithCN(senior.Name))
	ev.AddAttendee("mailto:"+junior.Email, ics.WithCN(junior.Name))
	return []byte(cal.Serialize()), nil
}
