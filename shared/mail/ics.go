package mail

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/upward-mentoring/upward/shared/programme"
)

// Working hours: a first meeting is proposed inside both people's working
// day when there is such a time.
const (
	dayStart = 9 * 60  // 09:00, in minutes
	dayEnd   = 18 * 60 // 18:00
	// slotStep is fine enough for half-hour and quarter-hour time zones
	// (Kolkata, Kathmandu).
	slotStep = 15 * time.Minute
)

// slot is a proposed first meeting, as each of the two reads it.
type slot struct {
	Senior, Junior time.Time // the same instant in each one's zone
	// Fair: inside both working days (weekday, 09:00–18:00).
	Fair bool
}

// meetingSlot proposes the first meeting a week after the pair starts: the
// first weekday with a time inside both people's working day, as close to
// 10:00 for the senior as it can be (their diary is the harder one). When
// their days never overlap, it is the time that asks least of either: the
// smallest stretch outside working hours for whichever of the two it
// stretches more.
func meetingSlot(prog programme.Programme, pair programme.Pair, senior, junior programme.Participant) slot {
	sLoc, jLoc := senior.Loc(), junior.Loc()
	length := time.Duration(max(prog.MeetingMinutes, 15)) * time.Minute
	from := pair.Start().AddDate(0, 0, 7)
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, sLoc)
	var best slot
	bestCost, bestNear := -1, 0
	for d := 0; d < 7; d++ {
		start := day.AddDate(0, 0, d)
		if start.Weekday() == time.Saturday || start.Weekday() == time.Sunday {
			continue
		}
		// Every start on the senior's weekday, in steps.
		for t := start; t.Before(start.AddDate(0, 0, 1)); t = t.Add(slotStep) {
			cost := max(outside(t.In(sLoc), length), outside(t.In(jLoc), length))
			local := t.In(sLoc)
			near := abs(local.Hour()*60 + local.Minute() - 10*60)
			if bestCost < 0 || cost < bestCost || cost == bestCost && near < bestNear {
				best, bestCost, bestNear = slot{Senior: t.In(sLoc), Junior: t.In(jLoc), Fair: cost == 0}, cost, near
			}
		}
		if bestCost == 0 {
			break // the first day with a fair time
		}
	}
	return best
}

// outside is how far a meeting from t for length falls outside a working
// day, in minutes; a weekend day counts as wholly outside.
func outside(t time.Time, length time.Duration) int {
	if t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		return 24 * 60
	}
	begin := t.Hour()*60 + t.Minute()
	end := begin + int(length/time.Minute)
	return max(dayStart-begin, 0) + max(end-dayEnd, 0)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// meetingInvite is the proposed first meeting as a calendar file,
// recurring at the programme's meeting cadence until its last day. It is
// published, not sent as a request, so it lands in either calendar as a
// suggestion the two can move. summary and description are in the
// reader's language.
func meetingInvite(prog programme.Programme, pair programme.Pair, senior, junior programme.Participant, at slot, summary, description string) ([]byte, error) {
	first := at.Senior
	weeks := prog.MeetingCadence.Days() / 7
	until := prog.End().Add(24*time.Hour - time.Second)

	var c calendar
	c.line("BEGIN:VCALENDAR")
	c.line("VERSION:2.0")
	c.line("PRODID:-//Upward//Reverse mentoring//EN")
	c.line("METHOD:PUBLISH")
	c.line("BEGIN:VEVENT")
	c.line("UID:" + text(pair.ID+"-first-meeting@upward"))
	c.line("DTSTAMP:" + utc(pair.ApprovedAt))
	c.line("DTSTART:" + utc(first))
	c.line("DTEND:" + utc(first.Add(time.Duration(prog.MeetingMinutes)*time.Minute)))
	c.line("SUMMARY:" + text(summary))
	c.line("DESCRIPTION:" + text(description))
	c.line(fmt.Sprintf("RRULE:FREQ=WEEKLY;INTERVAL=%d;UNTIL=%s", max(weeks, 1), utc(until)))
	c.line("ATTENDEE;CN=" + quotedParam(senior.Name) + ":mailto:" + senior.Email)
	c.line("ATTENDEE;CN=" + quotedParam(junior.Name) + ":mailto:" + junior.Email)
	c.line("END:VEVENT")
	c.line("END:VCALENDAR")
	return []byte(c.String()), nil
}

// calendar writes iCalendar content lines (RFC 5545 §3.1): CRLF ends, and
// lines longer than 75 octets folded onto continuation lines that start
// with a space, never inside a UTF-8 character.
type calendar struct{ strings.Builder }

func (c *calendar) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		c.WriteString(s[:cut])
		c.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	c.WriteString(s)
	c.WriteString("\r\n")
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// text escapes a TEXT value (RFC 5545 §3.3.11): line breaks become \n and
// other control characters, which a TEXT value may not hold, are dropped.
func text(s string) string {
	s = textEscaper.Replace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

var textEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// quotedParam makes a parameter value such as CN (RFC 5545 §3.1,
// §3.2.2): parameter values take no backslash escapes, so the value is
// wrapped in double quotes, which keeps ; : and , inside it literal. A
// double quote cannot appear inside one and becomes a single quote;
// control characters, which none may hold, are dropped.
func quotedParam(s string) string {
	return `"` + strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s) + `"`
}
