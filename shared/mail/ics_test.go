package mail

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/upward-mentoring/upward/shared/programme"
)

// TestInviteNamesAreQuotedParameters: a name with , ; : \ or " must reach
// calendars as written. Parameter values in iCalendar are never
// backslash-escaped (RFC 5545 §3.2): a name that needs it is a quoted
// string, and a double quote, which no quoted string may hold, is replaced.
func TestInviteNamesAreQuotedParameters(t *testing.T) {
	prog := programme.New(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC))
	prog.Name = "Bridges"
	pair := programme.Pair{ID: "p1", StartDate: "2027-01-18", ApprovedAt: time.Date(2027, 1, 18, 9, 0, 0, 0, time.UTC)}
	senior := programme.Participant{Name: `Smith, Ana; "Boss": X\Y`, Email: "ana@example.org", TimeZone: "Europe/Lisbon"}
	junior := programme.Participant{Name: "Jun Ng\x07", Email: "jun@example.org"}
	summary := "Reverse mentoring: " + senior.Name + " and " + junior.Name
	b, err := meetingInvite(prog, pair, senior, junior, meetingSlot(prog, pair, senior, junior), summary, "agenda")
	if err != nil {
		t.Fatal(err)
	}
	unfolded := strings.ReplaceAll(string(b), "\r\n ", "")
	for _, want := range []string{
		`ATTENDEE;CN="Smith, Ana; 'Boss': X\Y":mailto:ana@example.org` + "\r\n",
		`ATTENDEE;CN="Jun Ng":mailto:jun@example.org` + "\r\n",
		`SUMMARY:Reverse mentoring: Smith\, Ana\; "Boss": X\\Y and Jun Ng` + "\r\n",
	} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("invite lacks %q:\n%s", want, b)
		}
	}
	for i, line := range strings.SplitAfter(string(b), "\r\n") {
		if len(line) > 77 || (line != "" && !strings.HasSuffix(line, "\r\n")) {
			t.Errorf("line %d is not a content line of at most 75 octets ending CRLF: %q", i+1, line)
		}
	}
	// A calendar parser reads the names back (this one takes a backslash in
	// a quoted string as an escape, which RFC 5545 does not: it is literal).
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events", len(events))
	}
	var cns []string
	for _, a := range events[0].Attendees() {
		cns = append(cns, a.ICalParameters["CN"]...)
	}
	if want := []string{`Smith, Ana; 'Boss': XY`, "Jun Ng"}; strings.Join(cns, "|") != strings.Join(want, "|") {
		t.Errorf("CN parsed back = %q, want %q", cns, want)
	}
}
