package programme

import (
	"strings"
	"testing"
)

// Participants' profile fields are entered by coordinators (form or CSV)
// and reach email headers and calendars: white space is folded to single
// spaces, any other control character is refused by name.
func TestParticipantFieldsRefuseControlCharacters(t *testing.T) {
	base := func() Participant {
		return Participant{Email: "ana@example.org", Name: "Ana Silva", Role: Junior}
	}
	for _, tt := range []struct {
		field  string
		change func(*Participant)
		want   string
	}{
		{"name", func(p *Participant) { p.Name = "Ana\x07Silva" }, "Name contains an invisible control character (U+0007)"},
		{"name", func(p *Participant) { p.Name = "Ana \u202eavliS" }, "(U+202E)"},
		{"title", func(p *Participant) { p.Title = "Head\x00of Sales" }, "title contains an invisible control character (U+0000)"},
		{"department", func(p *Participant) { p.Department = "Sales\x7f" }, "(U+007F)"},
		{"division", func(p *Participant) { p.Division = "Retail\u0080" }, "(U+0080)"},
		{"location", func(p *Participant) { p.Location = "Lisbon\x1b" }, "(U+001B)"},
	} {
		p := base()
		tt.change(&p)
		errs := p.Validate()
		if !strings.Contains(errs[tt.field], tt.want) || len(errs) != 1 {
			t.Errorf("%s: errors = %v, want %q", tt.field, errs, tt.want)
		}
	}
	p := base()
	p.Name, p.Title = "Ana\r\n  Silva", "Head\tof\u2028Sales"
	if errs := p.Validate(); len(errs) != 0 || p.Name != "Ana Silva" || p.Title != "Head of Sales" {
		t.Errorf("white space is folded, not refused: %v, %q, %q", errs, p.Name, p.Title)
	}
}
