package programme

import (
	"strings"
	"testing"
	"time"
)

func valid() Programme {
	p := New(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	p.Name = "Bridges"
	return p
}

func TestDefaultsNeedOnlyAName(t *testing.T) {
	p := valid()
	if errs := p.Validate(); len(errs) != 0 {
		t.Fatalf("a programme with defaults and a name is invalid: %v", errs)
	}
	if p.DurationLabel() != "about 6 months" {
		t.Errorf("duration = %q", p.DurationLabel())
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Programme)
		field  string
		want   string
	}{
		{"no name", func(p *Programme) { p.Name = "  " }, "name", "Give the programme a name."},
		{"long name", func(p *Programme) { p.Name = strings.Repeat("x", MaxNameLen+1) }, "name", "Keep the name under"},
		{"unknown purpose", func(p *Programme) { p.Purpose = "profit" }, "purpose", "Choose one of the purposes"},
		{"custom purpose needs words", func(p *Programme) { p.Purpose, p.PurposeStatement = PurposeCustom, "" }, "purpose_statement", "Say in your own words"},
		{"bad start", func(p *Programme) { p.StartDate = "5/1/2026" }, "start_date", "YYYY-MM-DD"},
		{"end before start", func(p *Programme) { p.EndDate = "2025-01-01" }, "end_date", "after the start date"},
		{"too short", func(p *Programme) { p.EndDate = p.Start().AddDate(0, 0, 20).Format(DateLayout) }, "end_date", "at least four weeks"},
		{"too long", func(p *Programme) { p.EndDate = p.Start().AddDate(4, 0, 0).Format(DateLayout) }, "end_date", "three years"},
		{"bad cadence", func(p *Programme) { p.CheckInCadence = "daily" }, "checkin_cadence", "Choose weekly"},
		{"short meetings", func(p *Programme) { p.MeetingMinutes = 5 }, "meeting_minutes", "between 15 and 240"},
		{"no confidentiality", func(p *Programme) { p.Confidentiality = "" }, "confidentiality", "needs a confidentiality agreement"},
		{"no topics", func(p *Programme) { p.Topics = []string{" ", ""} }, "topics", "at least one topic"},
		{"resource without link", func(p *Programme) { p.Resources = []Resource{{Title: "x", URL: "ftp://x"}} }, "resources", "not a web address"},
		{"protocol-relative link", func(p *Programme) { p.Resources = []Resource{{Title: "x", URL: "//evil.example"}} }, "resources", "not a web address"},
		{"javascript link", func(p *Programme) { p.Resources = []Resource{{Title: "x", URL: "javascript:alert(1)"}} }, "resources", "not a web address"},
		{"negative weight", func(p *Programme) { p.Weights.Topic = -1 }, "weight_topic", "from 0 to"},
		{"capacity", func(p *Programme) { p.JuniorCapacity = 0 }, "junior_capacity", "from 1 to"},
		// A name reaches email Subjects and calendar lines: a line break there
		// would start a header of the coordinator's choosing.
		{"name over two lines", func(p *Programme) { p.Name = "Bridges\r\nBcc: all@example.org" }, "name", "The name must be on one line"},
		{"name with a bare newline", func(p *Programme) { p.Name = "Bridges\n2027" }, "name", "The name must be on one line"},
		{"name with a tab", func(p *Programme) { p.Name = "Bridges\t2027" }, "name", "The name contains a tab"},
		{"name with a control character", func(p *Programme) { p.Name = "Bridges\x1b[31m" }, "name", "The name contains an invisible control character (U+001B)"},
		{"name with a direction override", func(p *Programme) { p.Name = "Bridges \u202e7202" }, "name", "(U+202E)"},
		{"name with a line separator", func(p *Programme) { p.Name = "Bridges\u20282027" }, "name", "on one line"},
		{"topic with a control character", func(p *Programme) { p.Topics = []string{"AI\x00tools"} }, "topics", "The topic \"AI\\x00tools\" contains an invisible control character (U+0000)"},
		{"resource title over two lines", func(p *Programme) { p.Resources = []Resource{{Title: "Guide\r\nX", URL: "/guides/senior"}} }, "resources", "Line 1: the title must be on one line"},
		{"resource path with a line break", func(p *Programme) { p.Resources = []Resource{{Title: "Guide", URL: "/guides\r\nsenior"}} }, "resources", "Line 1: the link must be on one line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.change(&p)
			errs := p.Validate()
			if !strings.Contains(errs[tt.field], tt.want) {
				t.Errorf("errors = %v, want %s: %q", errs, tt.field, tt.want)
			}
			if len(errs) != 1 {
				t.Errorf("one bad field gave %d errors: %v", len(errs), errs)
			}
		})
	}
}

func TestTopicsAreCleanedAndDeduplicated(t *testing.T) {
	p := valid()
	p.Topics = []string{"  AI   tools ", "ai tools", "", "Hybrid work"}
	if errs := p.Validate(); len(errs) != 0 {
		t.Fatal(errs)
	}
	if strings.Join(p.Topics, "|") != "AI tools|Hybrid work" {
		t.Errorf("topics = %q", p.Topics)
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{" Ana.Silva@Example.ORG ", "ana.silva@example.org", true},
		{"ana@localhost", "", false},
		{"Ana <ana@example.org>", "", false},
		{"ana@@example.org", "", false},
		{"", "", false},
		{"a b@example.org", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
