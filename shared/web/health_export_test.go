package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/ids"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/schedule"
)

// download fetches a CSV export and reads it as a spreadsheet would.
func download(t *testing.T, s *site, f followed, file string) [][]string {
	t.Helper()
	resp, err := f.c.Get(s.URL + "/programmes/" + f.id + "/export/" + file)
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="bridges-2027-`+file+`"` {
		t.Fatalf("GET %s = %d %q %q", file, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	if !strings.HasPrefix(b, "\ufeff") {
		t.Errorf("%s has no byte order mark: spreadsheets would garble names", file)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("%s is not CSV: %v", file, err)
	}
	return rows
}

// TestExportsAreSafeInASpreadsheet enrols people whose names a spreadsheet
// would run as formulas (an HR export can hold anything) and checks that
// no cell of any export starts with a formula character.
func TestExportsAreSafeInASpreadsheet(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	f := followProgramme(t, s, 1)
	ctx := context.Background()
	tag := ids.New()[:6]
	// Enrolled directly: the enrolment form would tidy leading tabs away,
	// but the export must not rely on that.
	evil := []string{`=HYPERLINK("http://evil.example","Click")`, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTabbed", "\rReturned"}
	var people []programme.Participant
	for i, name := range evil {
		role := programme.Senior
		if i%2 == 1 {
			role = programme.Junior
		}
		people = append(people, programme.Participant{Email: ids.New()[:8] + "-" + tag + "@example.org", Name: name, Role: role})
	}
	res, err := s.store.Enrol(ctx, f.id, people, s.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]programme.Participant{}
	for _, x := range res.Created {
		byName[x.Name] = x
	}
	var proposal []programme.Pair
	for i := 0; i < len(evil); i += 2 {
		proposal = append(proposal, programme.Pair{SeniorID: byName[evil[i]].ID, JuniorID: byName[evil[i+1]].ID})
	}
	if _, err := schedule.Approve(ctx, s.store, s.queue, f.prog, proposal, s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	f.answer(t, s, 0, programme.Senior, 1, true, 4)

	pairs := download(t, s, f, "pairs.csv")
	meetings := download(t, s, f, "meetings.csv")
	ratings := download(t, s, f, "ratings.csv")
	for file, rows := range map[string][][]string{"pairs.csv": pairs, "meetings.csv": meetings, "ratings.csv": ratings} {
		for r, row := range rows {
			for c, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("%s row %d column %d starts a formula: %q", file, r+1, c+1, cell)
				}
			}
		}
	}
	names := map[string]bool{}
	for _, row := range pairs[1:] {
		names[row[1]], names[row[3]] = true, true
	}
	for _, n := range evil {
		// encoding/csv writing CRLF lines drops a lone carriage return.
		if !names["'"+strings.ReplaceAll(n, "\r", "")] {
			t.Errorf("pairs.csv lacks %q as text ('%s)", n, n)
		}
	}
	// Pairs made today have had no check-in yet: pair 1 has its four.
	if diff := cmp.Diff([]string{"pair", "senior", "junior", "cycle", "survey", "sent_on", "senior_asked", "senior_answered", "junior_asked", "junior_answered", "met"}, meetings[0]); diff != "" {
		t.Errorf("meetings.csv header (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{f.pairs[0].ID, "Senior 1", "Junior 1", "1", "check-in", "2027-01-18", "yes", "yes", "yes", "no", "yes"}, meetings[1]); diff != "" {
		t.Errorf("meetings.csv first row (-want +got):\n%s", diff)
	}
	if len(meetings) != 1+4 {
		t.Errorf("meetings.csv has %d rows, want a header and pair 1's four check-ins", len(meetings))
	}
	// One senior rated: withheld, by role, never by person.
	if diff := cmp.Diff([]string{"all check-ins", "senior", "1", "", "", "", "", "", "", "", "Withheld: only 1 person is behind this figure. Figures are shown from 5 people, so that nobody's answers can be read off them."}, ratings[1]); diff != "" {
		t.Errorf("ratings.csv (-want +got):\n%s", diff)
	}
}
