package mail

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/upward-mentoring/upward/shared/lang"
	"github.com/upward-mentoring/upward/shared/programme"
)

// The first meeting is proposed inside both people's working day (09:00 to
// 18:00, weekdays) whenever one exists, across the time zones programmes
// really span; otherwise at the fairest time, and never on a weekend.
func TestTheFirstMeetingIsFairToBoth(t *testing.T) {
	zones := []string{"Europe/Lisbon", "America/New_York", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney"}
	prog := programme.New(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC))
	pair := programme.Pair{ID: "p", StartDate: "2027-01-18"}
	inDay := func(t time.Time) bool {
		m := t.Hour()*60 + t.Minute()
		return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday && m >= dayStart && m+prog.MeetingMinutes <= dayEnd
	}
	for _, sz := range zones {
		for _, jz := range zones {
			senior := programme.Participant{Name: "S", TimeZone: sz}
			junior := programme.Participant{Name: "J", TimeZone: jz}
			s := meetingSlot(prog, pair, senior, junior)
			name := fmt.Sprintf("%s senior, %s junior", sz, jz)
			if !s.Senior.Equal(s.Junior) || s.Senior.Location().String() != sz || s.Junior.Location().String() != jz {
				t.Errorf("%s: the two times are not one instant in each one's zone: %v / %v", name, s.Senior, s.Junior)
			}
			if s.Senior.Before(pair.Start().AddDate(0, 0, 6)) {
				t.Errorf("%s: %v is before the week after the pair starts", name, s.Senior)
			}
			both := inDay(s.Senior) && inDay(s.Junior)
			if s.Fair != both {
				t.Errorf("%s: fair = %v, but inside both days = %v (%v / %v)", name, s.Fair, both, s.Senior, s.Junior)
			}
			if s.Senior.Weekday() == time.Saturday || s.Senior.Weekday() == time.Sunday || s.Junior.Weekday() == time.Saturday || s.Junior.Weekday() == time.Sunday {
				t.Errorf("%s: a weekend meeting %v / %v", name, s.Senior, s.Junior)
			}
		}
	}
	// Where the working days overlap, the meeting is inside both; the
	// pairs of this list that overlap by at least 45 minutes:
	for _, c := range [][2]string{
		{"Europe/Lisbon", "America/New_York"}, {"Asia/Tokyo", "Asia/Kolkata"}, {"Asia/Tokyo", "Australia/Sydney"},
		{"Europe/Lisbon", "Asia/Kolkata"}, {"America/New_York", "Australia/Sydney"},
	} {
		s := meetingSlot(prog, pair, programme.Participant{TimeZone: c[0]}, programme.Participant{TimeZone: c[1]})
		if !s.Fair {
			t.Errorf("%s and %s overlap, yet the proposal %v / %v is not inside both days", c[0], c[1], s.Senior, s.Junior)
		}
	}
	// Lisbon and Tokyo do not overlap (Tokyo's day ends at 09:00 in Lisbon):
	// the proposal stretches neither day by more than it must.
	s := meetingSlot(prog, pair, programme.Participant{TimeZone: "Europe/Lisbon"}, programme.Participant{TimeZone: "Asia/Tokyo"})
	if s.Fair || max(outside(s.Senior, 45*time.Minute), outside(s.Junior, 45*time.Minute)) > 45 {
		t.Errorf("Lisbon/Tokyo: %v / %v, want the least stretch of either day", s.Senior, s.Junior)
	}
}

// The introduction's calendar file recurs at the meeting cadence until the
// programme's last day, and says when in UTC.
func TestTheInviteRecursUntilTheEnd(t *testing.T) {
	prog := programme.New(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC))
	prog.EndDate, prog.MeetingCadence = "2027-06-30", programme.Monthly
	pair := programme.Pair{ID: "p", StartDate: "2027-01-18"}
	senior, junior := programme.Participant{TimeZone: "America/New_York"}, programme.Participant{TimeZone: "Europe/Lisbon"}
	at := meetingSlot(prog, pair, senior, junior)
	b, err := meetingInvite(prog, pair, senior, junior, at, "s", "d")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RRULE:FREQ=WEEKLY;INTERVAL=4;UNTIL=20270630T235959Z", "DTSTART:" + utc(at.Senior)} {
		if !strings.Contains(string(b), want) {
			t.Errorf("invite lacks %q:\n%s", want, b)
		}
	}
}

// What happens after a pair ends early follows the programme's mode and
// dates: the next round, else the coordinator, else nothing (too late).
func TestWhatComesAfterAPairEnds(t *testing.T) {
	cohort := programme.New(time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC))
	cohort.StartDate, cohort.EndDate = "2027-01-04", "2027-06-30"
	rolling := cohort
	rolling.MatchingMode, rolling.RoundCadence = programme.ModeRolling, programme.Monthly
	tests := []struct {
		name string
		p    programme.Programme
		now  time.Time
		want string
	}{
		{"a cohort with months left", cohort, time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), "pair_ended.coordinator"},
		{"a cohort a week before the end", cohort, time.Date(2027, 6, 23, 9, 0, 0, 0, time.UTC), "pair_ended.too_late"},
		{"a cohort after the end", cohort, time.Date(2027, 7, 2, 9, 0, 0, 0, time.UTC), "pair_ended.too_late"},
		{"a rolling programme", rolling, time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC), "pair_ended.next_round"},
		{"a rolling programme past its last round", rolling, time.Date(2027, 6, 23, 9, 0, 0, 0, time.UTC), "pair_ended.too_late"},
	}
	for _, tt := range tests {
		if got := nextAfterEnd(tt.p, tt.now); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

// HELP answers for where the person is.
func TestHelpListsWhatTheyCanDoWhereTheyAre(t *testing.T) {
	live := &programme.Pair{State: programme.PairActive}
	paused := &programme.Pair{State: programme.PairPaused}
	ended := &programme.Pair{State: programme.PairRematched}
	tests := []struct {
		name   string
		status programme.Status
		pair   *programme.Pair
		has    []string
		hasNot []string
	}{
		{"before joining", programme.Invited, nil, []string{"help.join", "help.decline"}, []string{"help.yes_no", "help.rematch", "help.resume"}},
		{"in a pair", programme.OptedIn, live, []string{"help.yes_no", "help.pause", "help.rematch", "help.story"}, []string{"help.join", "help.resume"}},
		{"paused pair", programme.OptedIn, paused, []string{"help.resume"}, []string{"help.pause", "help.join"}},
		{"paused, no pair", programme.Paused, nil, []string{"help.resume"}, []string{"help.yes_no", "help.join"}},
		{"waiting for a partner", programme.OptedIn, ended, []string{"help.pause"}, []string{"help.yes_no", "help.rematch", "help.join"}},
	}
	for _, tt := range tests {
		got := strings.Join(helpFor(programme.Participant{Status: tt.status}, tt.pair), " ")
		for _, k := range append(tt.has, "help.stop", "help.help", "help.language") {
			if !strings.Contains(got, k) {
				t.Errorf("%s: HELP lacks %s (%s)", tt.name, k, got)
			}
		}
		for _, k := range tt.hasNot {
			if strings.Contains(got, k) {
				t.Errorf("%s: HELP offers %s (%s)", tt.name, k, got)
			}
		}
	}
}

// The English emails, as a participant reads them: one vocabulary, the
// programme's own meeting length, first names, consistent numbering,
// guides with the first three check-ins.
func TestTheJourneyReadsRight(t *testing.T) {
	r, err := newRenderer()
	if err != nil {
		t.Fatal(err)
	}
	d := &Deliverer{r: r, settings: Settings{BaseURL: "https://upward.test"}}
	fx := fixtures(d, lang.EN)
	text := func(name string, edit func(*personData)) string {
		t.Helper()
		f := fx[name]
		data := f.data
		if p, ok := data.(personData); ok && edit != nil {
			edit(&p)
			data = p
		}
		s, _, err := r.render(f.kind, data)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	nudge := text("nudge senior", func(p *personData) { p.Programme.MeetingMinutes = 60 })
	for _, want := range []string{"YES 4", "PAUSE", "REMATCH", "book 60 minutes", "Hi Helen,"} {
		if !strings.Contains(nudge, want) {
			t.Errorf("nudge lacks %q:\n%s", want, nudge)
		}
	}
	if strings.Contains(nudge, "MET") || strings.Count(nudge, "PAUSE") != 1 || strings.Count(nudge, "REMATCH") != 1 || strings.Contains(nudge, "30 minutes") {
		t.Errorf("nudge repeats a command, asks for MET, or ignores the programme's meeting length:\n%s", nudge)
	}
	mid := text("midpoint senior", nil)
	if strings.Contains(mid, "Three") || !strings.Contains(mid, "\n4. ") || strings.Contains(mid, "\n5. ") {
		t.Errorf("midpoint survey numbering:\n%s", mid)
	}
	closing := text("closing senior", nil)
	if strings.Contains(closing, "first line") || !strings.Contains(closing, "Start a line with THANKS") || !strings.Contains(closing, "Start a line with STORY") {
		t.Errorf("closing survey says what the parser does not do:\n%s", closing)
	}
	for cycle, want := range map[int]bool{1: true, 2: true, 3: true, 4: false} {
		got := text("checkin senior", func(p *personData) {
			p.Cycle = cycle
			p.Tip, _ = d.tipFor(programme.Senior, cycle, lang.EN)
		})
		if strings.Contains(got, "A TIP FOR THIS STAGE") != want {
			t.Errorf("check-in %d: tip shown = %v, want %v", cycle, !want, want)
		}
	}
	if got := text("checkin junior", nil); strings.Contains(got, "Kenji Sato") || !strings.Contains(got, "Hi Kenji,") {
		t.Errorf("check-in greets by the full name:\n%s", got)
	}
}
