package web

import "testing"

func TestSafeCellDefusesFormulas(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example","click")`, `'=HYPERLINK("http://evil.example","click")`},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\tcmd", "'\tcmd"},
		{"\rcmd", "'\rcmd"},
		{"Ana Silva", "Ana Silva"},
		{"O'Brien", "O'Brien"},
		{"a=b", "a=b"},
		{"", ""},
		{"2027-03-01", "2027-03-01"},
	} {
		if got := safeCell(tt.in); got != tt.want {
			t.Errorf("safeCell(%q) = %q, want %q", tt.in, got, tt.want)
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
