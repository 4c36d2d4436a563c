package mail

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	c.line("SUMMARY:" + text(fmt.Sprintf("Reverse mentoring: %s and %s", senior.Name, junior.Name)))
	c.line("DESCRIPTION:" + text(fmt.Sprintf("%s\n\nSuggested agenda for the first meeting: agree your mutual objectives; how often, how long and how you'll meet; your confidentiality agreement; what each of you hopes to learn.", prog.PurposeStatement)))
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
