package spreadsheet_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/spreadsheet"
)

// evil are cells a spreadsheet could run: a name from an HR export, a
// free-text answer. Those with a separator inside open a formula in the
// next cell for a reader whose locale splits there.
var evil = []string{
	`=HYPERLINK("http://evil.example","Click")`,
	"+1+cmd|' /C calc'!A0",
	"-2+3",
	"@SUM(A1:A9)",
	"\tTabbed",
	"\rReturned",
	"  =1+1",
	"Smith;=1+2",
	"Smith; =1+2",
	"Smith,@SUM(A1)",
	"Smith\t-1+1",
	"Smith|+1",
	"a;\r=1",
}

// readAs reads CSV the way a spreadsheet in a locale with the given list
// separator does: quotes honoured, or (lazy) ignored as some imports do.
func readAs(t *testing.T, data string, sep rune, honourQuotes bool) [][]string {
	t.Helper()
	if !honourQuotes {
		var rows [][]string
		for _, line := range strings.Split(strings.TrimSuffix(data, "\r\n"), "\r\n") {
			rows = append(rows, strings.Split(line, string(sep)))
		}
		return rows
	}
	r := csv.NewReader(strings.NewReader(data))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = sep, -1, true
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("read with %q: %v", sep, err)
	}
	return rows
}

func write(t *testing.T, rows [][]string) string {
	t.Helper()
	var buf bytes.Buffer
	w := spreadsheet.NewWriter(&buf)
	w.UseCRLF = true
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestNoCellRunsAsAFormulaInAnyLocale(t *testing.T) {
	var rows [][]string
	for _, e := range evil {
		rows = append(rows, []string{"before", e, "after"})
	}
	data := write(t, rows)
	for _, sep := range []rune{',', ';', '\t', '|'} {
		for _, honour := range []bool{true, false} {
			for r, row := range readAs(t, data, sep, honour) {
				for c, cell := range row {
					if trimmed := strings.TrimLeft(cell, " \"\r"); trimmed != "" && strings.ContainsRune("=+-@\t", rune(trimmed[0])) {
						t.Errorf("separator %q (quotes honoured: %v): row %d cell %d %q starts a formula", sep, honour, r+1, c+1, cell)
					}
				}
			}
		}
	}
}

func TestCellsReadBackWhole(t *testing.T) {
	var rows [][]string
	for _, e := range evil {
		rows = append(rows, []string{e, "O'Brien", "Ana Silva", "-3", "+1.5", "2027-03-01", "a=b", ""})
	}
	got := readAs(t, write(t, rows), ',', true)
	for i, e := range evil {
		// A lone carriage return is dropped from a cell (none of these has a line break).
		want := []string{strings.ReplaceAll(spreadsheet.Cell(e), "\r", ""), "O'Brien", "Ana Silva", "-3", "+1.5", "2027-03-01", "a=b", ""}
		if diff := cmp.Diff(want, got[i]); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", i+1, diff)
		}
	}
}

func TestCell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example","click")`, `'=HYPERLINK("http://evil.example","click")`},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"  =1", "  '=1"},
		{"Smith;=1+2", "Smith;'=1+2"},
		{"Smith, -x", "Smith, '-x"},
		{"a\t@b", "a\t'@b"},
		{"Ana Silva", "Ana Silva"},
		{"O'Brien", "O'Brien"},
		{"a=b", "a=b"},
		{"Sales - Retail", "Sales - Retail"},
		{"", ""},
		{"-3", "-3"},
		{"+1.5", "+1.5"},
		{"-inf", "'-inf"},
		{"2027-03-01", "2027-03-01"},
	} {
		if got := spreadsheet.Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
