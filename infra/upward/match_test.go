package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

const people = `email,name,role,department,division,location,manager_email,time_zone,languages,level,topics
boss@x.org,Bea Boss,senior,Sales,Retail,Lisbon,,Europe/Lisbon,English|Portuguese,9,AI tools|Social media
vp@x.org,Vic Vee,senior,IT,Finance,London,,Europe/London,English,8,Hybrid and remote work
ana@x.org,Ana Silva,junior,Data,Finance,Porto,tl@x.org,Europe/Lisbon,Portuguese|English,3,AI tools
bo@x.org,Bo Chen,junior,Sales,Retail,Lisbon,,Europe/Lisbon,English,2,Hybrid and remote work
cy@x.org,Cy Dee,junior,Ops,Group,Lisbon,,Europe/Lisbon,English,2,
`

func TestMatchCommand(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "people.csv", people)
	// ana@ reports to boss@ through tl@, who is not enrolled: only the org
	// chart shows it.
	org := writeFile(t, dir, "org.csv", "employee_email,manager_email\ntl@x.org,boss@x.org\nboss@x.org,\nvp@x.org,\n")
	history := writeFile(t, dir, "history.csv", "senior_email,junior_email,score\nvp@x.org,bo@x.org,3\n,cy@x.org,\n")
	out := filepath.Join(dir, "pairs.csv")
	code, stdout, stderr := runWithStdin(t, "", "match", "--in", in, "--org", org, "--history", history,
		"--weights", "topic=3, seniority=2", "--at", "2026-03-02", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout %q, want nothing when --out is a file", stdout)
	}
	// boss@ shares a topic with ana@, but ana@ is in her line; vp@ and
	// bo@ were paired before. Scores: seniority counts fully from 4 levels
	// (half the spread 2..9), weight 2; department and division 1 each;
	// location 0.5. boss@–cy@ 4 plus vp@–ana@ 3.5 beats boss@–bo@ 2 plus
	// vp@–cy@ 4.5.
	want := [][]string{
		{"senior_email", "senior_name", "junior_email", "junior_name", "score", "locked", "reason"},
		{"boss@x.org", "Bea Boss", "cy@x.org", "Cy Dee", "4", "false",
			"7 levels apart; different departments (Sales / Ops); different divisions (Retail / Group)."},
		{"vp@x.org", "Vic Vee", "ana@x.org", "Ana Silva", "3.5", "false",
			"5 levels apart; different departments (IT / Data); different locations (London / Porto)."},
		{"", "", "bo@x.org", "Bo Chen", "", "",
			"Unmatched: Every senior already has a junior: the only compatible senior, Bea Boss <boss@x.org>, was matched to a junior with a better fit."},
	}
	got := readCSV(t, out)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pairs.csv (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr, "2 pairs, 1 unmatched") {
		t.Errorf("stderr %q lacks the summary", stderr)
	}

	// The output reads back as history: matching again avoids every pair.
	code, _, stderr = runWithStdin(t, "", "match", "--in", in, "--org", org, "--history", out, "--out", out+".2")
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	for _, row := range readCSV(t, out+".2")[1:] {
		for _, old := range got[1:3] {
			if row[0] != "" && row[0] == old[0] && row[2] == old[2] {
				t.Errorf("pair %s/%s repeated from the history", row[0], row[2])
			}
		}
	}
}

func TestMatchCommandToStdoutWithWarnings(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "people.csv", people)
	never := writeFile(t, dir, "never.csv", "senior_email,junior_email\nboss@x.org,bo@x.org\n")
	code, stdout, stderr := runWithStdin(t, "", "match", "--in", in, "--never", never, "--language", "--max-tz-hours", "3", "--at", "2026-03-02T09:00:00Z")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "senior_email,senior_name,") || strings.Contains(stdout, "boss@x.org,Bea Boss,bo@x.org") {
		t.Errorf("stdout:\n%s", stdout)
	}
	// ana@'s manager tl@ is neither enrolled nor in an org chart.
	if !strings.Contains(stderr, "warning: 1 manager is not in the enrolment or the org chart") {
		t.Errorf("stderr %q lacks the unknown-manager warning", stderr)
	}
}

func TestMatchCommandRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "people.csv", people)
	bad := writeFile(t, dir, "bad.csv", "email,name,role\nnot-an-email,X,senior\n")
	org := writeFile(t, dir, "org.csv", "person,boss\na@x.org,b@x.org\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no --in", nil, "--in is required"},
		{"unknown weight", []string{"--in", in, "--weights", "height=2"}, `"height=2" is not name=number`},
		{"weight out of range", []string{"--in", in, "--weights", "topic=11"}, "topic=11 is not a number from 0 to 10"},
		{"bad capacity", []string{"--in", in, "--capacity", "0"}, "--capacity must be from 1 to 5"},
		{"bad --at", []string{"--in", in, "--at", "tomorrow"}, `--at "tomorrow"`},
		{"bad enrolment row", []string{"--in", bad}, "line 2, column email"},
		{"org chart without its columns", []string{"--in", in, "--org", org}, "the header needs the columns employee_email and manager_email"},
		{"missing file", []string{"--in", filepath.Join(dir, "nope.csv")}, "read participants"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runWithStdin(t, "", append([]string{"match"}, tt.args...)...)
			if code != 1 || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

// TestMatchOutputIsSafeInASpreadsheet: names from an HR export reach the
// pairs file, which coordinators open in a spreadsheet in any locale.
func TestMatchOutputIsSafeInASpreadsheet(t *testing.T) {
	dir := t.TempDir()
	evil := strings.NewReplacer("Bea Boss", "=Bea Boss", "Ana Silva", "Ana;@SUM(A1)").Replace(people)
	in := writeFile(t, dir, "people.csv", evil)
	out := filepath.Join(dir, "pairs.csv")
	if code, _, stderr := runWithStdin(t, "", "match", "--in", in, "--at", "2026-03-02", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, sep := range []string{",", ";"} {
		for _, line := range strings.Split(string(b), "\n") {
			for _, cell := range strings.Split(line, sep) {
				if c := strings.TrimLeft(cell, ` "`); c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
					t.Errorf("split on %q: cell %q starts a formula", sep, cell)
				}
			}
		}
	}
	names := map[string]bool{}
	for _, row := range readCSV(t, out)[1:] {
		names[row[1]], names[row[3]] = true, true
	}
	if !names["'=Bea Boss"] || !names["Ana;'@SUM(A1)"] {
		t.Errorf("names in pairs.csv = %v, want the two defused", names)
	}
}
