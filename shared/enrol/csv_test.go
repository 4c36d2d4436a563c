package enrol

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/programme"
)

func TestParseCleanFiles(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []programme.Participant
	}{
		{
			name: "comma with BOM and CRLF",
			in:   "\xEF\xBB\xBFemail,name,role,department,languages,time_zone\r\nAna@Example.org,Ana Silva,junior,Finance,Portuguese|English,Europe/Lisbon\r\njoao@example.org,João Costa,Senior,Operations,,\r\n",
			want: []programme.Participant{
				{Email: "ana@example.org", Name: "Ana Silva", Role: programme.Junior, Department: "Finance", Languages: []string{"portuguese", "english"}, TimeZone: "Europe/Lisbon"},
				{Email: "joao@example.org", Name: "João Costa", Role: programme.Senior, Department: "Operations"},
			},
		},
		{
			name: "semicolon from a European spreadsheet, aliases and extras",
			in:   "E-mail;Full Name;Role;Manager Email;Timezone;Level;diversity_generation;attr_team\njo@example.org;\"Jo \"\"JJ\"\" Lee\";junior;boss@example.org;America/New_York;2;Gen Z;Platform\n",
			want: []programme.Participant{
				{Email: "jo@example.org", Name: `Jo "JJ" Lee`, Role: programme.Junior, ManagerEmail: "boss@example.org", TimeZone: "America/New_York", Level: 2,
					Attributes: map[string]string{"diversity_generation": "Gen Z", "attr_team": "Platform"}},
			},
		},
		{
			name: "quoted fields with commas and blank lines",
			in:   "email,name,role,title,topics,capacity\n\nkim@example.org,\"Kim, Jr.\",junior,\"Analyst, Data\",AI tools|Social media,2\n,,,,,\n",
			want: []programme.Participant{
				{Email: "kim@example.org", Name: "Kim, Jr.", Role: programme.Junior, Title: "Analyst, Data", Topics: []string{"AI tools", "Social media"}, Capacity: 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ParseBytes([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			var got []programme.Participant
			for _, r := range rows {
				got = append(got, r.Participant)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("participants (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseReportsEveryBadRowAndImportsNothing(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Errors
	}{
		{
			name: "bad values on several rows",
			in: "email,name,role,manager_email,time_zone,level\n" +
				"ok@example.org,Ok,junior,,,\n" +
				"not-an-email,Bad Email,junior,,,\n" +
				"x@example.org,,mentor-ish,,Mars/Olympus,high\n" +
				"ok@example.org,Again,senior,,,\n" +
				"self@example.org,Self,senior,self@example.org,,\n",
			want: Errors{
				{Line: 3, Column: "email", Msg: `email "not-an-email" is not an email address`},
				{Line: 4, Column: "name", Msg: "name is empty"},
				{Line: 4, Column: "role", Msg: `"mentor-ish" is not a role; write senior or junior`},
				{Line: 4, Column: "time_zone", Msg: `"Mars/Olympus" is not an IANA time zone such as Europe/Lisbon or America/New_York`},
				{Line: 4, Column: "level", Msg: `"high" is not a whole number`},
				{Line: 5, Column: "email", Msg: "ok@example.org is already on line 2"},
				{Line: 6, Column: "manager_email", Msg: "a person cannot be their own manager"},
			},
		},
		{
			name: "unknown, duplicate and missing columns",
			in:   "email,nmae,Department,department,favourite_colour\na@example.org,A,Finance,Finance,blue\n",
			want: Errors{
				{Line: 1, Column: "nmae", Msg: `unknown column "nmae"; did you mean "name"?`},
				{Line: 1, Column: "department", Msg: "column department appears twice"},
				{Line: 1, Column: "favourite_colour", Msg: `unknown column "favourite_colour"; rename it to attr_favourite_colour to keep it as an extra attribute, or delete it`},
				{Line: 1, Column: "name", Msg: "required column name is missing"},
				{Line: 1, Column: "role", Msg: "required column role is missing"},
			},
		},
		{
			name: "wrong number of fields",
			in:   "email,name,role\na@example.org,A,junior,extra\n",
			want: Errors{{Line: 2, Msg: `has 4 fields but the header has 3; check for a stray "," or a missing quote`}},
		},
		{
			name: "broken quote",
			in:   "email,name,role\na@example.org,\"A,junior\n",
			want: Errors{{Line: 2, Msg: `a quote (") is not closed or stands inside an unquoted field`}},
		},
		{
			name: "not UTF-8",
			in:   "email,name,role\na@example.org,Jos\xe9,junior\n",
			want: Errors{{Line: 2, Msg: `this line is not UTF-8 text. Save the file as "CSV UTF-8" and upload it again.`}},
		},
		{
			name: "UTF-16",
			in:   "\xFF\xFEe\x00m\x00",
			want: Errors{{Msg: `The file is saved as UTF-16. Save it as "CSV UTF-8" and upload it again.`}},
		},
		{name: "empty", in: " \n", want: Errors{{Msg: "The file is empty."}}},
		{name: "header only", in: "email,name,role\n", want: Errors{{Msg: "The file has a header but no people."}}},
		{
			name: "capacity on a senior",
			in:   "email,name,role,capacity\ns@example.org,S,senior,2\n",
			want: Errors{{Line: 2, Column: "capacity", Msg: "capacity applies to juniors only; leave it empty for seniors"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ParseBytes([]byte(tt.in))
			if rows != nil {
				t.Errorf("got %d rows from a bad file, want none", len(rows))
			}
			var got Errors
			if !errors.As(err, &got) {
				t.Fatalf("err = %v, want Errors", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRejectsOversizedUpload(t *testing.T) {
	big := strings.Repeat("x", MaxBytes+1)
	if _, err := Parse(strings.NewReader(big)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}

func TestExampleCSVParses(t *testing.T) {
	rows, err := ParseBytes([]byte(ExampleCSV()))
	if err != nil {
		t.Fatalf("the example we offer for download does not parse: %v", err)
	}
	if len(rows) != 2 || rows[0].Participant.Role != programme.Junior || rows[1].Participant.Role != programme.Senior {
		t.Errorf("example rows = %+v", rows)
	}
}
