package matching

import "github.com/upward-mentoring/upward/shared/programme"

// ReportingLines are the organisation's reporting lines as matching reads
// them — every participant's manager_email and the org chart, both lines
// kept where they disagree — for code that must apply the off-line rule
// to pairs already running: the reorganisation guard (shared/guard).
type ReportingLines struct{ c *orgChart }

// NewReportingLines reads the lines from people (their ManagerEmail) and
// an org chart.
func NewReportingLines(people []programme.Participant, org []ReportsTo) *ReportingLines {
	ps := make([]*person, 0, len(people))
	seen := map[string]bool{}
	for i := range people {
		e := normEmail(people[i].Email)
		if e == "" || seen[e] {
			continue
		}
		seen[e] = true
		ps = append(ps, &person{Participant: people[i], email: e})
	}
	return &ReportingLines{c: readOrgChart(ps, org, false)}
}

// Link is the reporting line between a and b, from the one below to the
// one above (["jo@…", "sam@…", "ana@…"]): a first looked for below b,
// then b below a. Nil when neither is in the other's line.
func (l *ReportingLines) Link(a, b string) []string {
	a, b = normEmail(a), normEmail(b)
	if a == "" || b == "" || a == b {
		return nil
	}
	if c := l.c.chain(a, b); c != nil {
		return c
	}
	return l.c.chain(b, a)
}
