package lang

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]Tag{
		"fr": FR, "FR": FR, "fr-CA": FR, "pt_BR": PT, "Français": FR, "french": FR, "Französisch": FR,
		"Deutsch": DE, "German": DE, "Português": PT, "Nederlands": NL, "Vlaams": NL, "español": ES,
		"Castellano": ES, "Italiano": IT, "English": EN, " en ": EN,
	} {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "ru", "Russian", "klingon", "e", "english please"} {
		if got, ok := Parse(in); ok {
			t.Errorf("Parse(%q) = %q, want not a language Upward writes", in, got)
		}
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		name   string
		chosen string
		speaks []string
		prog   Tag
		want   Tag
	}{
		{"the chosen language wins", "nl", []string{"english", "french"}, DE, NL},
		{"else the first spoken language Upward writes", "", []string{"polish", "french", "english"}, DE, FR},
		{"a chosen language Upward does not write is passed over", "polish", []string{"italian"}, DE, IT},
		{"else the programme's", "", []string{"polish"}, DE, DE},
		{"else English", "", nil, "", EN},
	}
	for _, tt := range tests {
		if got := Choose(tt.chosen, tt.speaks, tt.prog); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDatesReadAsInEachLanguage(t *testing.T) {
	d := time.Date(2027, 1, 19, 9, 30, 0, 0, time.UTC)
	want := map[Tag][2]string{
		EN: {"Tuesday 19 January", "Tuesday 19 January 2027"},
		DE: {"Dienstag, 19. Januar", "Dienstag, 19. Januar 2027"},
		FR: {"mardi 19 janvier", "mardi 19 janvier 2027"},
		ES: {"martes 19 de enero", "martes 19 de enero de 2027"},
		IT: {"martedì 19 gennaio", "martedì 19 gennaio 2027"},
		PT: {"terça-feira, 19 de janeiro", "terça-feira, 19 de janeiro de 2027"},
		NL: {"dinsdag 19 januari", "dinsdag 19 januari 2027"},
	}
	if len(want) != len(All) {
		t.Fatalf("the test covers %d languages of %d", len(want), len(All))
	}
	if got := FR.Date(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)); got != "lundi 1er mars" {
		t.Errorf("fr first of the month = %q, want lundi 1er mars", got)
	}
	for _, l := range All {
		if got := l.Date(d); got != want[l][0] {
			t.Errorf("%s date = %q, want %q", l, got, want[l][0])
		}
		if got := l.LongDate(d); got != want[l][1] {
			t.Errorf("%s long date = %q, want %q", l, got, want[l][1])
		}
	}
}
