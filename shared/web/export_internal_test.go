package web

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// TestExportCellsStayCellsInEveryLocale writes cells that hold a separator
// before a formula and reads the file as spreadsheets in comma, semicolon,
// tab and bar locales would: no cell may start a formula.
func TestExportCellsStayCellsInEveryLocale(t *testing.T) {
	rows := [][]string{{"pair", "senior", "junior"}}
	for _, name := range []string{"Smith;=1+2", "Smith; =HYPERLINK(\"http://evil.example\")", "Smith,@SUM(A1)", "Smith\t-1+1", "Smith|+1", `=HYPERLINK("http://evil.example")`, "\tTabbed"} {
		rows = append(rows, []string{"p1", name, "Ana Silva"})
	}
	var buf bytes.Buffer
	if err := writeExport(&buf, rows); err != nil {
		t.Fatal(err)
	}
	data := strings.TrimPrefix(buf.String(), "\ufeff")
	for _, sep := range []rune{',', ';', '\t', '|'} {
		r := csv.NewReader(strings.NewReader(data))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = sep, -1, true
		got, err := r.ReadAll()
		if err != nil {
			t.Fatalf("read with %q: %v", sep, err)
		}
		for i, row := range got {
			for j, cell := range row {
				if c := strings.TrimLeft(cell, " \""); c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("read with %q: row %d cell %d %q starts a formula", sep, i+1, j+1, cell)
				}
			}
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"Bridges 2027": "bridges-2027", `<script>"x"`: "script-x", "Ünïcode!!": "n-code", "   ": "programme"} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}
