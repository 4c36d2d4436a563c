package matching

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/upward-mentoring/upward/shared/programme"
)

func named(n string) mod { return func(p *programme.Participant) { p.Name = n } }

// A private preference is a hard rule by address, by name (an ambiguous
// name keeps everyone it fits apart) and by the hash an erasure leaves; it
// binds both ways, and nothing a coordinator reads says whom it names.
func TestPrivatePreferencesAreHardRulesThatNameNobody(t *testing.T) {
	people := []programme.Participant{
		sen("ana@x.org", named("Ana Silva"), topics("AI")),
		sen("bo@x.org", named("Bo Chen")),
		jun("sam.lee@x.org", named("Sam Lee"), topics("AI")),
		jun("sam.cho@x.org", named("Sam Cho"), topics("AI")),
		jun("kim@x.org", named("Kim Ávila"), topics("AI")),
	}
	for name, tc := range map[string]struct {
		pref   NotWith
		banned []Pairing
	}{
		"an address":                        {NotWith{Person: "ana@x.org", Email: "Sam.Lee@x.org"}, []Pairing{{"ana@x.org", "sam.lee@x.org"}}},
		"set by the junior, about a senior": {NotWith{Person: "kim@x.org", Email: "ana@x.org"}, []Pairing{{"ana@x.org", "kim@x.org"}}},
		"a whole name, accents aside":       {NotWith{Person: "ana@x.org", Name: "kim avila"}, []Pairing{{"ana@x.org", "kim@x.org"}}},
		"a first name that fits two":        {NotWith{Person: "ana@x.org", Name: "Sam"}, []Pairing{{"ana@x.org", "sam.lee@x.org"}, {"ana@x.org", "sam.cho@x.org"}}},
		"an erased address's hash":          {NotWith{Person: "ana@x.org", EmailHash: programme.HashEmail("kim@x.org")}, []Pairing{{"ana@x.org", "kim@x.org"}}},
	} {
		t.Run(name, func(t *testing.T) {
			m, err := New(Input{Programme: prog(), People: people, NotWith: []NotWith{tc.pref}, At: at})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range tc.banned {
				err := m.Check(b.Senior, b.Junior)
				if !errors.Is(err, ErrPrivate) {
					t.Errorf("%s and %s: Check = %v, want the private preference", b.Senior, b.Junior, err)
				}
			}
			if err := m.Check("bo@x.org", "kim@x.org"); err != nil {
				t.Errorf("a pair no preference names is refused: %v", err)
			}
			if len(m.Warnings()) > 0 {
				t.Errorf("warnings: %v", m.Warnings())
			}
		})
	}

	// Ana wants only Sam Lee; her preference leaves her unmatched, and her
	// reason says a private preference exists, never whom it names.
	in := Input{Programme: prog(), People: []programme.Participant{sen("ana@x.org", named("Ana Silva")), jun("sam.lee@x.org", named("Sam Lee"))},
		NotWith: []NotWith{{Person: "ana@x.org", Email: "sam.lee@x.org"}, {Person: "ana@x.org", Email: "gone@x.org"}, {Person: "nobody@x.org", Name: "Ana"}}}
	_, res := mustMatch(t, in)
	if len(res.Pairs) != 0 || len(res.Unmatched) != 2 {
		t.Fatalf("pairs %v, unmatched %v", res.Pairs, res.Unmatched)
	}
	want := []string{"The only junior is ruled out by a private preference.", "The only senior is ruled out by a private preference."}
	got := []string{res.Unmatched[0].Reason, res.Unmatched[1].Reason}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	for _, text := range append(got, res.Warnings...) {
		for _, secret := range []string{"gone@", "nobody@", "Sam Lee"} {
			if strings.Contains(text, secret) {
				t.Errorf("%q names %s", text, secret)
			}
		}
	}
}

// An unmatched person's reason counts the people ruled out by a private
// preference among the others, and gives way to any other rule.
func TestPrivatePreferenceComesLastInReasons(t *testing.T) {
	in := Input{Programme: prog(), People: []programme.Participant{
		sen("ana@x.org"),
		jun("jo@x.org", manager("ana@x.org")),
		jun("kim@x.org"),
	}, NotWith: []NotWith{{Person: "ana@x.org", Email: "kim@x.org"}, {Person: "ana@x.org", Email: "jo@x.org"}}}
	_, res := mustMatch(t, in)
	if got := res.Unmatched[0].Reason; got != "No junior is compatible: 1 in this senior's reporting line, 1 ruled out by a private preference." {
		t.Errorf("reason = %q", got)
	}
}

func TestFindByName(t *testing.T) {
	people := []programme.Participant{{Name: "Sam Lee"}, {Name: "Sam Lee-Cho"}, {Name: "Samuel Park"}, {Name: "José  Núñez"}}
	for given, want := range map[string][]string{
		"sam lee":    {"Sam Lee"},
		"Sam":        {"Sam Lee", "Sam Lee-Cho"},
		"lee":        {"Sam Lee", "Sam Lee-Cho"},
		"jose nunez": {"José  Núñez"},
		"Sa":         nil,
		"  ":         nil,
	} {
		var got []string
		for _, p := range FindByName(people, given) {
			got = append(got, p.Name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FindByName(%q) (-want +got):\n%s", given, diff)
		}
	}
}

// The reporting lines the guard reads are the matcher's: through people
// outside the programme, both ways, with the chain from below to above.
func TestReportingLinesLink(t *testing.T) {
	people := []programme.Participant{sen("ana@x.org"), jun("jo@x.org", manager("sam@x.org")), jun("kim@x.org")}
	lines := NewReportingLines(people, []ReportsTo{{Employee: "sam@x.org", Manager: "ana@x.org"}, {Employee: "ana@x.org", Manager: "kim@x.org"}})
	for _, tc := range []struct {
		a, b string
		want []string
	}{
		{"ana@x.org", "jo@x.org", []string{"jo@x.org", "sam@x.org", "ana@x.org"}},
		{"JO@x.org", "ana@x.org", []string{"jo@x.org", "sam@x.org", "ana@x.org"}},
		{"kim@x.org", "ana@x.org", []string{"ana@x.org", "kim@x.org"}},
		{"kim@x.org", "sam@x.org", []string{"sam@x.org", "ana@x.org", "kim@x.org"}},
		{"jo@x.org", "nobody@x.org", nil},
		{"jo@x.org", "jo@x.org", nil},
	} {
		if diff := cmp.Diff(tc.want, lines.Link(tc.a, tc.b)); diff != "" {
			t.Errorf("Link(%s, %s) (-want +got):\n%s", tc.a, tc.b, diff)
		}
	}
}

// BenchmarkReportingLinesLink is the reorganisation guard's own work for
// the largest deployment: an org chart of 200,000 rows (ten levels) and
// 50,000 live pairs, each looked up both ways.
func BenchmarkReportingLinesLink(b *testing.B) {
	const rows, pairs = 200_000, 50_000
	email := func(i int) string { return "p" + strconv.Itoa(i) + "@example.org" }
	org := make([]ReportsTo, rows)
	for i := 1; i < rows; i++ {
		org[i] = ReportsTo{Employee: email(i), Manager: email((i - 1) / 4)}
	}
	org[0] = ReportsTo{Employee: email(0)}
	rng := rand.New(rand.NewPCG(1, 2))
	b.ResetTimer()
	for range b.N {
		lines := NewReportingLines(nil, org)
		inside := 0
		for range pairs {
			if lines.Link(email(rng.IntN(rows)), email(rng.IntN(rows))) != nil {
				inside++
			}
		}
		_ = inside
	}
}
