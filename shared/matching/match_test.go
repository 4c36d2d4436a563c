package matching

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/upward-mentoring/upward/shared/enrol"
	"github.com/upward-mentoring/upward/shared/programme"
)

var at = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

type mod func(*programme.Participant)

func person_(role programme.Role, email string, mods ...mod) programme.Participant {
	p := programme.Participant{Email: email, Name: strings.Split(email, "@")[0], Role: role}
	for _, f := range mods {
		f(&p)
	}
	return p
}

func sen(email string, mods ...mod) programme.Participant {
	return person_(programme.Senior, email, mods...)
}
func jun(email string, mods ...mod) programme.Participant {
	return person_(programme.Junior, email, mods...)
}

func manager(e string) mod   { return func(p *programme.Participant) { p.ManagerEmail = e } }
func topics(t ...string) mod { return func(p *programme.Participant) { p.Topics = t } }
func langs(l ...string) mod  { return func(p *programme.Participant) { p.Languages = l } }
func tz(z string) mod        { return func(p *programme.Participant) { p.TimeZone = z } }
func level(n int) mod        { return func(p *programme.Participant) { p.Level = n } }
func capacity(n int) mod     { return func(p *programme.Participant) { p.Capacity = n } }
func dept(d string) mod      { return func(p *programme.Participant) { p.Department = d } }
func division(d string) mod  { return func(p *programme.Participant) { p.Division = d } }
func location(l string) mod  { return func(p *programme.Participant) { p.Location = l } }
func attr(k, v string) mod {
	return func(p *programme.Participant) {
		if p.Attributes == nil {
			p.Attributes = map[string]string{}
		}
		p.Attributes[k] = v
	}
}

func prog() programme.Programme {
	return programme.Programme{Weights: programme.DefaultWeights, JuniorCapacity: 1}
}

func mustMatch(t *testing.T, in Input) (*Matcher, *Result) {
	t.Helper()
	if in.At.IsZero() {
		in.At = at
	}
	m, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Match(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m, res
}

func pairsOf(res *Result) []Pairing {
	var out []Pairing
	for _, p := range res.Pairs {
		out = append(out, Pairing{p.Senior, p.Junior})
	}
	return out
}

func reasonOf(t *testing.T, res *Result, email string) string {
	t.Helper()
	return unmatchedOf(t, res, email).Reason
}

func unmatchedOf(t *testing.T, res *Result, email string) Unmatched {
	t.Helper()
	for _, u := range res.Unmatched {
		if u.Email == email {
			return u
		}
	}
	t.Fatalf("%s is not unmatched; pairs %v", email, pairsOf(res))
	return Unmatched{}
}

// The rule tests share one shape: senior s@ would choose j@ (they share a
// topic) over k@ (nothing in common). Each case adds one rule between s@
// and j@; the test fails if the rule were dropped, because s@ would then
// get j@. The control case shows that.
func ruleSetup(extra ...mod) Input {
	return Input{
		Programme: prog(),
		People: []programme.Participant{
			sen("s@x.org", append([]mod{topics("AI tools")}, extra...)...),
			jun("j@x.org", topics("AI tools")),
			jun("k@x.org"),
		},
	}
}

func TestEveryHardRule(t *testing.T) {
	tests := []struct {
		name    string
		in      func() Input
		wantJ   string
		wantErr error
	}{
		{"control: no rule, the better junior", func() Input { return ruleSetup() }, "j@x.org", nil},
		{"reporting line", func() Input { return ruleSetup(manager("j@x.org")) }, "k@x.org", ErrReportingLine},
		{"never pair", func() Input {
			in := ruleSetup()
			in.NeverPair = []Pairing{{"s@x.org", "j@x.org"}}
			return in
		}, "k@x.org", ErrNeverPair},
		{"never pair, written the other way round and in capitals", func() Input {
			in := ruleSetup()
			in.NeverPair = []Pairing{{"J@X.org", "s@x.org"}}
			return in
		}, "k@x.org", ErrNeverPair},
		{"forbidden in review", func() Input {
			in := ruleSetup()
			in.Forbidden = []Pairing{{"s@x.org", "j@x.org"}}
			return in
		}, "k@x.org", ErrForbidden},
		{"earlier pair", func() Input {
			in := ruleSetup()
			in.History = []Pairing{{"s@x.org", "j@x.org"}, {"s@x.org", "gone@x.org"}}
			return in
		}, "k@x.org", ErrEarlierPair},
		{"shared language", func() Input {
			in := ruleSetup(langs("portuguese"))
			in.Programme.RequireSharedLanguage = true
			in.People[1].Languages = []string{"english"}
			in.People[2].Languages = []string{"english", "portuguese"}
			return in
		}, "k@x.org", ErrNoSharedLanguage},
		{"time-zone limit", func() Input {
			in := ruleSetup(tz("Europe/Lisbon"))
			in.Programme.MaxTimezoneDiffHours = 3
			in.People[1].TimeZone = "Asia/Tokyo"
			in.People[2].TimeZone = "America/Sao_Paulo"
			return in
		}, "k@x.org", ErrTimeZone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, res := mustMatch(t, tt.in())
			want := []Pairing{{"s@x.org", tt.wantJ}}
			if diff := cmp.Diff(want, pairsOf(res)); diff != "" {
				t.Errorf("pairs (-want +got):\n%s", diff)
			}
			err := m.Check("s@x.org", "j@x.org")
			if tt.wantErr == nil {
				if err != nil {
					t.Errorf("Check = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Check = %v, want %v", err, tt.wantErr)
			}
			var re *RuleError
			if !errors.As(err, &re) || re.Senior != "s@x.org" || re.Junior != "j@x.org" {
				t.Errorf("Check = %#v, want a *RuleError naming both people", err)
			}
		})
	}
}

// Time zones are compared at Input.At: Lisbon and New York are 5 hours
// apart in January and 4 in late March, between the two countries' clock
// changes.
func TestTimeZoneUsesReferenceInstant(t *testing.T) {
	for _, tt := range []struct {
		at   time.Time
		want error
	}{
		{time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), ErrTimeZone},
		{time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC), nil},
	} {
		in := Input{Programme: prog(), At: tt.at, People: []programme.Participant{
			sen("s@x.org", tz("Europe/Lisbon")), jun("j@x.org", tz("America/New_York")),
		}}
		in.Programme.MaxTimezoneDiffHours = 4
		m, err := New(in)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Check("s@x.org", "j@x.org"); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("at %v: Check = %v, want %v", tt.at, err, tt.want)
		}
	}
}

func TestCapacity(t *testing.T) {
	people := func(mods ...mod) []programme.Participant {
		return []programme.Participant{sen("a@x.org"), sen("b@x.org"), jun("j@x.org", mods...)}
	}
	tests := []struct {
		name      string
		programme int
		people    []programme.Participant
		wantPairs int
	}{
		{"one senior per junior by default", 1, people(), 1},
		{"unset programme capacity means one", 0, people(), 1},
		{"the programme allows two", 2, people(), 2},
		{"the person allows two", 1, people(capacity(2)), 2},
		{"the person allows one where the programme allows two", 2, people(capacity(1)), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Programme: prog(), People: tt.people}
			in.Programme.JuniorCapacity = tt.programme
			m, res := mustMatch(t, in)
			if len(res.Pairs) != tt.wantPairs {
				t.Fatalf("%d pairs, want %d: %v", len(res.Pairs), tt.wantPairs, pairsOf(res))
			}
			err := m.CheckPairs([]Pairing{{"a@x.org", "j@x.org"}, {"b@x.org", "j@x.org"}})
			if got := errors.Is(err, ErrCapacity); got != (tt.wantPairs == 1) {
				t.Errorf("CheckPairs of two pairs = %v; capacity error expected: %v", err, tt.wantPairs == 1)
			}
		})
	}
}

func TestReportingLines(t *testing.T) {
	// s@ would pick j@ (shared topic) over k@; each case puts j@ in s@'s
	// reporting line some way, or shows a case that is not.
	tests := []struct {
		name        string
		sMods       []mod
		jMods       []mod
		extra       []programme.Participant
		org         []ReportsTo
		blocked     bool
		wantWarning string
	}{
		{name: "direct report", jMods: []mod{manager("s@x.org")}, blocked: true},
		{name: "the senior reports to the junior", sMods: []mod{manager("j@x.org")}, blocked: true},
		{name: "indirect through an enrolled middle manager", jMods: []mod{manager("m@x.org")},
			extra: []programme.Participant{jun("m@x.org", manager("s@x.org"))}, blocked: true},
		{name: "through managers outside the programme (org chart)", jMods: []mod{manager("tl@x.org")},
			org: []ReportsTo{{"tl@x.org", "head@x.org"}, {"head@x.org", "s@x.org"}}, blocked: true},
		{name: "senior is the junior's skip-level manager, line only in the org chart",
			org: []ReportsTo{{"j@x.org", "tl@x.org"}, {"tl@x.org", "s@x.org"}}, blocked: true},
		{name: "deep chain", jMods: []mod{manager("l1@x.org")},
			org:     []ReportsTo{{"l1@x.org", "l2@x.org"}, {"l2@x.org", "l3@x.org"}, {"l3@x.org", "l4@x.org"}, {"l4@x.org", "l5@x.org"}, {"l5@x.org", "s@x.org"}},
			blocked: true},
		{name: "enrolment and org chart disagree: both lines count", jMods: []mod{manager("other@x.org")},
			org:     []ReportsTo{{"j@x.org", "s@x.org"}, {"other@x.org", ""}},
			blocked: true, wantWarning: "j@x.org has manager other@x.org in the enrolment but s@x.org in the org chart"},
		{name: "a cycle is a warning, and everyone in it is kept apart",
			org:     []ReportsTo{{"j@x.org", "a@x.org"}, {"a@x.org", "s@x.org"}, {"s@x.org", "j@x.org"}},
			blocked: true, wantWarning: "reporting lines form a cycle (a@x.org → s@x.org → j@x.org → a@x.org)"},
		{name: "a cycle above both still blocks their line and does not loop",
			jMods: []mod{manager("s@x.org")}, sMods: []mod{manager("c1@x.org")},
			org:     []ReportsTo{{"c1@x.org", "c2@x.org"}, {"c2@x.org", "c1@x.org"}},
			blocked: true, wantWarning: "cycle (c1@x.org → c2@x.org → c1@x.org)"},
		{name: "siblings under one manager may pair", sMods: []mod{manager("boss@x.org")}, jMods: []mod{manager("boss@x.org")},
			org: []ReportsTo{{"boss@x.org", ""}}, blocked: false},
		{name: "a manager nobody knows is a warning, not an error", jMods: []mod{manager("ghost@x.org")},
			blocked: false, wantWarning: "1 manager is not in the enrolment or the org chart, so reporting lines above them are unknown: ghost@x.org"},
		{name: "self-management in the org chart is ignored", org: []ReportsTo{{"j@x.org", "J@x.org"}},
			blocked: false, wantWarning: "naming a person as their own manager were ignored: j@x.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Programme: prog(), Org: tt.org, People: append([]programme.Participant{
				sen("s@x.org", append([]mod{topics("AI tools")}, tt.sMods...)...),
				jun("j@x.org", append([]mod{topics("AI tools")}, tt.jMods...)...),
				jun("k@x.org"),
			}, tt.extra...)}
			m, res := mustMatch(t, in)
			want := "j@x.org"
			if tt.blocked {
				want = "k@x.org"
			}
			var got string
			for _, p := range res.Pairs {
				if p.Senior == "s@x.org" {
					got = p.Junior
				}
			}
			if got != want {
				t.Errorf("s@x.org paired with %q, want %q", got, want)
			}
			err := m.Check("s@x.org", "j@x.org")
			if errors.Is(err, ErrReportingLine) != tt.blocked {
				t.Errorf("Check = %v; reporting line expected: %v", err, tt.blocked)
			}
			if tt.wantWarning != "" && !strings.Contains(strings.Join(res.Warnings, "\n"), tt.wantWarning) {
				t.Errorf("warnings %q lack %q", res.Warnings, tt.wantWarning)
			}
		})
	}
}

func TestCheckNamesTheChain(t *testing.T) {
	in := Input{Programme: prog(), People: []programme.Participant{
		sen("s@x.org"), jun("j@x.org", manager("tl@x.org")),
	}, Org: []ReportsTo{{"tl@x.org", "s@x.org"}}}
	m, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "off-line rule: j <j@x.org> is in s <s@x.org>'s reporting line (j@x.org → tl@x.org → s@x.org)"
	if err := m.Check("s@x.org", "j@x.org"); err == nil || err.Error() != want {
		t.Errorf("Check = %v\nwant %s", err, want)
	}
	for _, tt := range []struct {
		senior, junior string
		want           error
	}{
		{"nobody@x.org", "j@x.org", ErrUnknownPerson},
		{"j@x.org", "s@x.org", ErrWrongRole},
	} {
		if err := m.Check(tt.senior, tt.junior); !errors.Is(err, tt.want) {
			t.Errorf("Check(%s, %s) = %v, want %v", tt.senior, tt.junior, err, tt.want)
		}
	}
}

func TestLockedAndForbidden(t *testing.T) {
	people := []programme.Participant{
		sen("a@x.org", topics("AI tools")), sen("b@x.org", topics("Social media")),
		jun("ja@x.org", topics("AI tools")), jun("jb@x.org", topics("Social media")),
	}
	t.Run("a locked pair is kept and the rest solved around it", func(t *testing.T) {
		_, res := mustMatch(t, Input{Programme: prog(), People: people, Locked: []Pairing{{"a@x.org", "jb@x.org"}}})
		want := []Pairing{{"a@x.org", "jb@x.org"}, {"b@x.org", "ja@x.org"}}
		if diff := cmp.Diff(want, pairsOf(res)); diff != "" {
			t.Errorf("pairs (-want +got):\n%s", diff)
		}
		if !res.Pairs[0].Locked || res.Pairs[1].Locked || !strings.HasPrefix(res.Pairs[0].Reason, "Locked by the coordinator.") {
			t.Errorf("locked flags/reasons wrong: %+v", res.Pairs)
		}
	})
	t.Run("a forbidden pair is not proposed", func(t *testing.T) {
		_, res := mustMatch(t, Input{Programme: prog(), People: people, Forbidden: []Pairing{{"a@x.org", "ja@x.org"}}})
		want := []Pairing{{"a@x.org", "jb@x.org"}, {"b@x.org", "ja@x.org"}}
		if diff := cmp.Diff(want, pairsOf(res)); diff != "" {
			t.Errorf("pairs (-want +got):\n%s", diff)
		}
	})
	t.Run("a never-pair list naming people from an earlier round is no warning; a struck-out pair is, in words", func(t *testing.T) {
		_, res := mustMatch(t, Input{Programme: prog(), People: people,
			NeverPair: []Pairing{{"gone@x.org", "ja@x.org"}},
			Forbidden: []Pairing{{"left@x.org", "ja@x.org"}}})
		want := []string{"1 struck-out pair names someone who is not taking part in this round, so it was ignored: left@x.org / ja@x.org"}
		if diff := cmp.Diff(want, res.Warnings); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})
	for _, tt := range []struct {
		name   string
		locked []Pairing
		never  []Pairing
		want   error
	}{
		{"a locked pair that breaks a rule", []Pairing{{"a@x.org", "ja@x.org"}}, []Pairing{{"a@x.org", "ja@x.org"}}, ErrNeverPair},
		{"a senior locked twice", []Pairing{{"a@x.org", "ja@x.org"}, {"a@x.org", "jb@x.org"}}, nil, ErrSeniorTwice},
		{"a junior locked beyond capacity", []Pairing{{"a@x.org", "ja@x.org"}, {"b@x.org", "ja@x.org"}}, nil, ErrCapacity},
		{"a locked pair with someone unknown", []Pairing{{"zed@x.org", "ja@x.org"}}, nil, ErrUnknownPerson},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := New(Input{Programme: prog(), People: people, Locked: tt.locked, NeverPair: tt.never})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Match(context.Background()); !errors.Is(err, tt.want) {
				t.Errorf("Match = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPairReason(t *testing.T) {
	in := Input{Programme: prog(), People: []programme.Participant{
		sen("s@x.org", topics("AI tools", "Social media"), division("Retail"), dept("Sales"), location("Lisbon"), level(9)),
		jun("j@x.org", topics("ai  TOOLS"), division("Finance"), dept("sales"), location("lisbon"), level(3)),
	}}
	in.Programme.Weights = programme.Weights{Topic: 4, Department: 1, Division: 1, Location: 1, Seniority: 1}
	_, res := mustMatch(t, in)
	if len(res.Pairs) != 1 {
		t.Fatalf("pairs %v", pairsOf(res))
	}
	p := res.Pairs[0]
	// Topic 4 × ½, division 1, seniority 1; department and location match
	// (case and spacing do not make values differ), so they do not count.
	want := "Both care about AI tools; different divisions (Retail / Finance); 6 levels apart."
	if p.Reason != want || p.Score != 4 {
		t.Errorf("reason %q score %v\nwant %q score 4", p.Reason, p.Score, want)
	}
	if res.MaxScore != 8 {
		t.Errorf("MaxScore = %v, want 8", res.MaxScore)
	}
}

func TestDiversityOnlyWhenOptedIn(t *testing.T) {
	people := []programme.Participant{
		sen("s@x.org", attr("diversity_generation", "Gen X"), attr("attr_team", "A")),
		jun("j@x.org", attr("diversity_generation", "Gen Z"), attr("attr_team", "B")),
	}
	for _, w := range []float64{0, 2} {
		in := Input{Programme: prog(), People: people}
		in.Programme.Weights = programme.Weights{Diversity: w}
		_, res := mustMatch(t, in)
		var got []Factor
		if len(res.Pairs) == 1 {
			got = res.Pairs[0].Factors
		}
		var want []Factor
		if w > 0 {
			want = []Factor{{Name: FactorDiversity, Value: 1, Weight: 2, Words: "different backgrounds (generation)"}}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("weight %v: factors (-want +got):\n%s", w, diff)
		}
	}
	if DiversityPrefix != enrol.DiversityPrefix {
		t.Errorf("DiversityPrefix %q differs from the enrolment's %q", DiversityPrefix, enrol.DiversityPrefix)
	}
}

func TestUnmatchedReasons(t *testing.T) {
	tests := []struct {
		name  string
		in    Input
		email string
		want  string
		kind  Why // what stands in the way: the page's next step follows from it
	}{
		{
			name: "no shared language",
			in: Input{Programme: programme.Programme{RequireSharedLanguage: true}, People: []programme.Participant{
				sen("s@x.org", langs("portuguese")), jun("a@x.org", langs("english")), jun("b@x.org", langs("french", "english")),
			}},
			email: "s@x.org", want: "No junior shares Portuguese.", kind: WhyLanguage,
		},
		{
			name: "everyone in the reporting line",
			in: Input{People: []programme.Participant{
				sen("s@x.org"), jun("a@x.org", manager("s@x.org")), jun("b@x.org", manager("a@x.org")),
			}},
			email: "s@x.org", want: "Every junior is in this senior's reporting line.", kind: WhyReportingLine,
		},
		{
			name: "mixed rules",
			in: Input{History: []Pairing{{"s@x.org", "b@x.org"}}, People: []programme.Participant{
				sen("s@x.org"), jun("a@x.org", manager("s@x.org")), jun("b@x.org"),
			}},
			email: "s@x.org", want: "No junior is compatible: 1 in this senior's reporting line, 1 earlier partner.", kind: WhySeveralRules,
		},
		{
			name: "junior capacity used up",
			in: Input{People: []programme.Participant{
				sen("a@x.org", topics("AI tools")), sen("b@x.org"), jun("j@x.org", topics("AI tools")),
			}},
			email: "b@x.org", want: "Junior capacity used up: the only compatible junior, j <j@x.org>, was matched to a senior with a better fit.", kind: WhyFull,
		},
		{
			name: "every remaining junior is in this senior's reporting line",
			in: Input{People: []programme.Participant{
				// k@ and l@ report to b@, who reports to a@: only j@ is free
				// of both reporting lines, and a@ fits j@ better.
				sen("a@x.org", topics("AI tools")), sen("b@x.org", manager("a@x.org")),
				jun("j@x.org", topics("AI tools")), jun("k@x.org", manager("b@x.org")), jun("l@x.org", manager("k@x.org")),
			}},
			email: "b@x.org",
			want:  "The only compatible junior, j <j@x.org>, was matched to a senior with a better fit; every remaining junior is in this senior's reporting line.", kind: WhyReportingLine,
		},
		{
			name: "more juniors than seniors",
			in: Input{People: []programme.Participant{
				sen("a@x.org", topics("AI tools")), sen("b@x.org", topics("Social media")),
				jun("j@x.org", topics("AI tools")), jun("k@x.org", topics("Social media")), jun("l@x.org"),
			}},
			email: "l@x.org", want: "Every senior already has a junior: all 2 compatible seniors were matched to juniors with a better fit.", kind: WhyFull,
		},
		{
			name: "equally good fit",
			in: Input{People: []programme.Participant{
				sen("a@x.org"), jun("j@x.org"), jun("k@x.org"),
			}},
			email: "k@x.org", want: "Every senior already has a junior: the only compatible senior, a <a@x.org>, was matched to a junior with an equally good fit.", kind: WhyFull,
		},
		{
			name: "taken by a locked pair",
			in: Input{Locked: []Pairing{{"a@x.org", "j@x.org"}}, People: []programme.Participant{
				sen("a@x.org"), sen("b@x.org", topics("AI tools")), jun("j@x.org", topics("AI tools")),
			}},
			email: "b@x.org", want: "Junior capacity used up: the only compatible junior, j <j@x.org>, is in a locked pair.", kind: WhyLocked,
		},
		{
			name:  "no juniors at all",
			in:    Input{People: []programme.Participant{sen("s@x.org")}},
			email: "s@x.org", want: "No juniors are taking part.", kind: WhyNobody,
		},
		{
			name: "a junior whose only senior is their manager",
			in: Input{People: []programme.Participant{
				sen("s@x.org"), jun("a@x.org", manager("s@x.org")),
			}},
			email: "a@x.org", want: "The only senior is in this junior's reporting line.", kind: WhyReportingLine,
		},
		{
			name: "time zones",
			in: Input{Programme: programme.Programme{MaxTimezoneDiffHours: 2}, People: []programme.Participant{
				sen("s@x.org", tz("Asia/Tokyo")), jun("a@x.org", tz("Europe/Lisbon")), jun("b@x.org", tz("America/Chicago")),
			}},
			email: "s@x.org", want: "Every junior is more than 2 hours from Asia/Tokyo.", kind: WhyTimeZone,
		},
		{
			name:  "no seniors at all",
			in:    Input{People: []programme.Participant{jun("j@x.org")}},
			email: "j@x.org", want: "No seniors are taking part.", kind: WhyNobody,
		},
		{
			name: "on a never-pair list",
			in: Input{NeverPair: []Pairing{{"s@x.org", "a@x.org"}}, People: []programme.Participant{
				sen("s@x.org"), jun("a@x.org"),
			}},
			email: "a@x.org", want: "The only senior is on a never-pair list with this junior.", kind: WhyNeverPair,
		},
		{
			name: "struck out by the coordinator",
			in: Input{Forbidden: []Pairing{{"s@x.org", "a@x.org"}, {"s@x.org", "b@x.org"}}, People: []programme.Participant{
				sen("s@x.org"), jun("a@x.org"), jun("b@x.org"),
			}},
			email: "s@x.org", want: "Every junior was struck out for this senior by the coordinator.", kind: WhyStruckOut,
		},
		{
			name: "an earlier partner",
			in: Input{History: []Pairing{{"s@x.org", "a@x.org"}}, People: []programme.Participant{
				sen("s@x.org"), jun("a@x.org"),
			}},
			email: "s@x.org", want: "The only junior has been paired with this senior before.", kind: WhyEarlierPartner,
		},
		{
			name: "a private preference",
			in: Input{NotWith: []NotWith{{Person: "a@x.org", Email: "s@x.org"}}, People: []programme.Participant{
				sen("s@x.org"), jun("a@x.org"),
			}},
			email: "s@x.org", want: "The only junior is ruled out by a private preference.", kind: WhyPrivate,
		},
		{
			// Unlocking is what would help, though another junior with room
			// is ruled out as well.
			name: "compatible juniors locked, the rest ruled out",
			in: Input{Locked: []Pairing{{"a@x.org", "j@x.org"}}, People: []programme.Participant{
				sen("a@x.org"), sen("b@x.org"), jun("j@x.org"), jun("k@x.org", manager("b@x.org")),
			}},
			email: "b@x.org", want: "The only compatible junior, j <j@x.org>, is in a locked pair; the only remaining junior is in this senior's reporting line.", kind: WhyLocked,
		},
		{
			name: "taken by better fits, the rest ruled out by different rules",
			// k@ is in both seniors' reporting lines; l@ is b@'s earlier
			// partner and on a never-pair list with a@: only j@ is
			// possible for either, and a@ fits j@ better.
			in: Input{History: []Pairing{{"b@x.org", "l@x.org"}}, NeverPair: []Pairing{{"a@x.org", "l@x.org"}}, People: []programme.Participant{
				sen("a@x.org", topics("AI tools")), sen("b@x.org", manager("a@x.org")),
				jun("j@x.org", topics("AI tools")), jun("k@x.org", manager("b@x.org")), jun("l@x.org"),
			}},
			email: "b@x.org", want: "The only compatible junior, j <j@x.org>, was matched to a senior with a better fit; of the 2 remaining juniors, 1 in this senior's reporting line, 1 earlier partner.", kind: WhySeveralRules,
		},
	}
	// Every kind of reason has a case here, so the review page's next step
	// for each kind is about a situation the matcher really produces.
	covered := map[Why]bool{}
	for _, tt := range tests {
		covered[tt.kind] = true
	}
	for _, w := range Whys {
		if !covered[w] {
			t.Errorf("no case produces the kind %q", w)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in.Programme.Weights == (programme.Weights{}) {
				tt.in.Programme.Weights = programme.DefaultWeights
			}
			_, res := mustMatch(t, tt.in)
			u := unmatchedOf(t, res, tt.email)
			if u.Reason != tt.want {
				t.Errorf("reason\n got %q\nwant %q", u.Reason, tt.want)
			}
			if u.Kind != tt.kind {
				t.Errorf("kind %q, want %q", u.Kind, tt.kind)
			}
		})
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{"duplicate email", Input{People: []programme.Participant{sen("a@x.org"), jun("A@x.org")}}, "a@x.org appears twice"},
		{"no role", Input{People: []programme.Participant{{Email: "a@x.org"}}}, `a@x.org has role ""`},
		{"no email", Input{People: []programme.Participant{{Name: "Ann", Role: programme.Senior}}}, "participant 1 (Ann) has no email"},
		{"time-zone limit without an instant", Input{Programme: programme.Programme{MaxTimezoneDiffHours: 3}}, "Input.At"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.in)
			if !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, want ErrBadInput mentioning %q", err, tt.want)
			}
		})
	}
}

// randomProgramme draws a small programme with every kind of rule: org
// chart lines through people outside it, history, never-pair lists,
// languages, time zones, capacities.
func randomProgramme(r *rand.Rand, seniors, juniors int) Input {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	email := func(prefix string, i int) string { return prefix + string(rune('a'+i)) + "@x.org" }
	in := Input{Programme: prog(), At: at}
	in.Programme.Weights = programme.Weights{Topic: float64(r.IntN(4)), Department: float64(r.IntN(3)), Division: 0.5, Location: float64(r.IntN(2)), Seniority: 1, Diversity: float64(r.IntN(2))}
	in.Programme.RequireSharedLanguage = r.IntN(2) == 0
	in.Programme.MaxTimezoneDiffHours = r.IntN(3) * 4
	in.Programme.JuniorCapacity = 1 + r.IntN(2)
	var all []string
	for i := range seniors {
		all = append(all, email("s", i))
	}
	for i := range juniors {
		all = append(all, email("j", i))
	}
	for i, e := range all {
		role := programme.Senior
		if i >= seniors {
			role = programme.Junior
		}
		p := programme.Participant{Email: e, Name: e, Role: role,
			Department: pick("Sales", "IT", "HR", ""), Division: pick("Retail", "Group"), Location: pick("Lisbon", "Porto", ""),
			TimeZone: pick("Europe/Lisbon", "America/New_York", "Asia/Tokyo", ""), Level: r.IntN(10),
			Languages: []string{pick("english", "portuguese")}, Topics: []string{pick("AI tools", "Social media", "Hybrid work")},
			Attributes: map[string]string{"diversity_generation": pick("X", "Y", "Z")}}
		if r.IntN(3) == 0 {
			p.ManagerEmail = all[r.IntN(len(all))]
			if p.ManagerEmail == e {
				p.ManagerEmail = "outside@x.org"
			}
		}
		if role == programme.Junior && r.IntN(4) == 0 {
			p.Capacity = 1 + r.IntN(2)
		}
		in.People = append(in.People, p)
	}
	if len(all) == 0 {
		return in
	}
	for range r.IntN(4) {
		in.Org = append(in.Org, ReportsTo{pick("outside@x.org", "mid@x.org"), all[r.IntN(len(all))]})
	}
	for range r.IntN(4) {
		in.History = append(in.History, Pairing{all[r.IntN(len(all))], all[r.IntN(len(all))]})
		in.NeverPair = append(in.NeverPair, Pairing{all[r.IntN(len(all))], all[r.IntN(len(all))]})
	}
	return in
}

// TestMatchAgainstBruteForce checks whole matchings end to end: every pair
// passes Check, the set passes CheckPairs, and the number of pairs and the
// total equal exhaustive search over the same scores (read back through the
// public Check and Explain, not the internal matrix).
func TestMatchAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for n := range 400 {
		in := randomProgramme(r, r.IntN(7), r.IntN(7))
		m, res := mustMatch(t, in)
		if err := m.CheckPairs(pairsOf(res)); err != nil {
			t.Fatalf("programme %d: proposed pairs break rules: %v", n, err)
		}
		var seniors, juniors []*person
		seniors, juniors = m.seniors, m.juniors
		sm := NewMatrix(len(seniors), len(juniors))
		caps := make([]int, len(juniors))
		for j, jp := range juniors {
			caps[j] = jp.capacity
			for i, sp := range seniors {
				if m.Check(sp.email, jp.email) != nil {
					sm.Set(i, j, Forbidden)
					continue
				}
				p, err := m.Explain(sp.email, jp.email)
				if err != nil {
					t.Fatal(err)
				}
				sm.Set(i, j, p.Score)
			}
		}
		wantPairs, wantTotal := bruteForce(sm, caps)
		if len(res.Pairs) != wantPairs || math.Abs(res.Total-wantTotal) > 1e-9 {
			t.Fatalf("programme %d: %d pairs total %v, brute force %d total %v", n, len(res.Pairs), res.Total, wantPairs, wantTotal)
		}
		for _, u := range res.Unmatched {
			if u.Reason == "" || !strings.HasSuffix(u.Reason, ".") {
				t.Fatalf("programme %d: unmatched %s has reason %q", n, u.Email, u.Reason)
			}
		}
	}
}

func TestMatchIsDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	in := randomProgramme(r, 12, 20)
	_, first := mustMatch(t, in)
	for range 5 {
		shuffled := in
		shuffled.People = append([]programme.Participant(nil), in.People...)
		r.Shuffle(len(shuffled.People), func(a, b int) {
			shuffled.People[a], shuffled.People[b] = shuffled.People[b], shuffled.People[a]
		})
		_, again := mustMatch(t, shuffled)
		if diff := cmp.Diff(first, again); diff != "" {
			t.Fatalf("a reordered input gave a different result (-first +again):\n%s", diff)
		}
	}
}

// Progress is called from the scoring workers; it must see counts that
// only grow and end at the total, one call at a time (run with -race).
func TestMatchReportsProgress(t *testing.T) {
	in := realisticInput(2, 300, 400)
	m, err := New(in)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string][2]int{}
	m.Progress = func(stage string, done, total int) {
		if p := last[stage]; done < p[0] {
			t.Errorf("%s went back from %d to %d", stage, p[0], done)
		}
		last[stage] = [2]int{done, total}
	}
	if _, err := m.Match(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, stage := range []string{"scoring", "solving"} {
		if p, ok := last[stage]; !ok || p[0] != p[1] {
			t.Errorf("%s ended at %v, want done == total", stage, p)
		}
	}
}
