// Package enrol reads the enrolment CSV an HRIS exports: it reports every
// bad row with its line, column and reason, and returns people only when the
// whole file is clean, so an import is all or nothing.
package enrol

import (
	"strings"
)

// Column documents one CSV column; the upload page renders this list.
type Column struct {
	Name        string
	Required    bool
	Description string
	Example     string
}

// Columns are the columns Upward understands, in the order of the example.
var Columns = []Column{
	{"email", true, "Work email address; identifies the person, so re-uploading updates them.", "ana.silva@example.org"},
	{"name", true, "Full name.", "Ana Silva"},
	{"preferred_name", false, "What emails call the person (\"Hi Kate,\"); empty: the first word of the name.", "Ana"},
	{"role", true, "senior (the leader being mentored) or junior (the mentor).", "junior"},
	{"title", false, "Job title.", "Data Analyst"},
	{"department", false, "Department; matching prefers pairs across departments.", "Finance"},
	{"division", false, "Division or business unit.", "Retail"},
	{"location", false, "Office or city.", "Lisbon"},
	{"manager_email", false, "Email of the person's manager; used to keep pairs outside each other's reporting line.", "joao.costa@example.org"},
	{"time_zone", false, "IANA time zone; emails arrive in the person's morning.", "Europe/Lisbon"},
	{"languages", false, "Languages spoken, separated by | (or ; in a comma-separated file).", "Portuguese|English"},
	{"language", false, "The language of the person's emails: en, de, fr, es, it, pt or nl. Empty: the first of their languages Upward writes, else the programme's language.", "pt"},
	{"level", false, "Seniority grade as a whole number, higher = more senior; used for a real seniority gap.", "3"},
	{"topics", false, "Topics the person wants to learn (seniors) or can share (juniors), separated by |. Usually given later by replying to the welcome email.", "AI tools|Social media"},
	{"capacity", false, "Juniors only: how many seniors they may mentor (default: the programme's setting).", "1"},
}

// Prefixes of optional free columns: diversity_* attributes are used in
// matching only when the programme opts in; attr_* are kept for reference.
const (
	DiversityPrefix = "diversity_"
	AttrPrefix      = "attr_"
)

// aliases are header spellings HRIS exports commonly use.
var aliases = map[string]string{
	"e_mail": "email", "email_address": "email", "work_email": "email",
	"full_name": "name",
	"job_title": "title",
	"manager":   "manager_email", "manager_e_mail": "manager_email", "line_manager_email": "manager_email",
	"timezone": "time_zone", "tz": "time_zone",
	"first_name": "preferred_name", "known_as": "preferred_name", "nickname": "preferred_name",
	"email_language": "language", "preferred_language": "language", "locale": "language",
	"grade": "level", "seniority": "level",
	"topic": "topics",
}

// normalizeHeader turns "Manager Email" or "manager-email" into manager_email.
func normalizeHeader(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' {
			return '_'
		}
		return r
	}, h)
	for strings.Contains(h, "__") {
		h = strings.ReplaceAll(h, "__", "_")
	}
	if a, ok := aliases[h]; ok {
		return a
	}
	return h
}

func knownColumn(name string) bool {
	for _, c := range Columns {
		if c.Name == name {
			return true
		}
	}
	return false
}

// suggest names the known column closest to an unknown header.
func suggest(name string) string {
	best, bestD := "", 4
	for _, c := range Columns {
		if d := distance(name, c.Name); d < bestD {
			best, bestD = c.Name, d
		}
	}
	return best
}

// distance is the Levenshtein distance, for short header names.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// ExampleCSV is the downloadable example for the upload page.
func ExampleCSV() string {
	var names, sample1, sample2 []string
	second := map[string]string{
		"email": "joao.costa@example.org", "name": "João Costa", "preferred_name": "", "language": "", "role": "senior", "title": "Chief Operating Officer",
		"department": "Operations", "division": "Group", "location": "Porto", "manager_email": "",
		"time_zone": "Europe/Lisbon", "languages": "Portuguese|English", "level": "9", "topics": "", "capacity": "",
	}
	for _, c := range Columns {
		names = append(names, c.Name)
		sample1 = append(sample1, c.Example)
		sample2 = append(sample2, second[c.Name])
	}
	names = append(names, DiversityPrefix+"generation")
	sample1 = append(sample1, "Gen Z")
	sample2 = append(sample2, "Gen X")
	return strings.Join(names, ",") + "\r\n" + strings.Join(sample1, ",") + "\r\n" + strings.Join(sample2, ",") + "\r\n"
}
