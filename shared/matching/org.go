package matching

import (
	"fmt"
	"sort"
	"strings"
)

// orgChart is the organisation's reporting lines: who manages whom, from
// the participants' manager_email and from the org chart. A person may end
// up with two managers (the enrolment and the org chart disagree); both
// lines are kept, because keeping a pair apart that need not be is cheaper
// than pairing someone with their manager.
type orgChart struct {
	managers map[string][]string // employee → managers, sorted
	warnings []string
}

func newOrgChart(people []*person, org []ReportsTo) *orgChart {
	return readOrgChart(people, org, true)
}

// readOrgChart reads the lines and, when warn is set, looks for what the
// review page warns of (managers nobody knows, cycles), which costs more
// than the lines themselves on a large chart.
func readOrgChart(people []*person, org []ReportsTo, warn bool) *orgChart {
	c := &orgChart{managers: map[string][]string{}}
	fromEnrolment := map[string]string{}
	add := func(emp, mgr string) {
		for _, m := range c.managers[emp] {
			if m == mgr {
				return
			}
		}
		c.managers[emp] = append(c.managers[emp], mgr)
	}
	known := map[string]bool{} // people whose own line upwards is known or who are at the top
	for _, p := range people {
		known[p.email] = true
		if m := normEmail(p.ManagerEmail); m != "" && m != p.email {
			add(p.email, m)
			fromEnrolment[p.email] = m
		}
	}
	var selfManaged, blankRows []string
	for k, r := range org {
		emp, mgr := normEmail(r.Employee), normEmail(r.Manager)
		switch {
		case emp == "":
			blankRows = append(blankRows, fmt.Sprint(k+1))
			continue
		case emp == mgr:
			selfManaged = append(selfManaged, emp)
			known[emp] = true
			continue
		}
		known[emp] = true
		if mgr == "" {
			continue // the top of the chart
		}
		if e, ok := fromEnrolment[emp]; ok && e != mgr {
			c.warnings = append(c.warnings, fmt.Sprintf(
				"%s has manager %s in the enrolment but %s in the org chart; both reporting lines are kept apart", emp, e, mgr))
		}
		add(emp, mgr)
	}
	for _, ms := range c.managers {
		sort.Strings(ms)
	}
	if !warn {
		c.warnings = nil
		return c
	}
	if len(blankRows) > 0 {
		c.warnings = append(c.warnings, "org chart rows with no employee email were ignored: "+list(blankRows, 10))
	}
	if len(selfManaged) > 0 {
		c.warnings = append(c.warnings, "org chart rows naming a person as their own manager were ignored: "+list(selfManaged, 10))
	}
	var dangling []string
	seen := map[string]bool{}
	for _, emp := range sortedKeys(c.managers) {
		for _, m := range c.managers[emp] {
			if !known[m] && !seen[m] {
				seen[m] = true
				dangling = append(dangling, m)
			}
		}
	}
	if len(dangling) > 0 {
		c.warnings = append(c.warnings, fmt.Sprintf(
			"%s not in the enrolment or the org chart, so reporting lines above them are unknown: %s",
			count(len(dangling), "manager is", "managers are"), list(dangling, 10)))
	}
	for _, cyc := range c.cycles() {
		c.warnings = append(c.warnings, "reporting lines form a cycle ("+strings.Join(cyc, " → ")+
			"); everyone in it is treated as in everyone else's reporting line")
	}
	return c
}

// ancestors lists everyone above email in the reporting lines, at any
// depth, through anyone (enrolled or not). Cycles end the walk instead of
// looping.
func (c *orgChart) ancestors(email string) []string {
	var out []string
	seen := map[string]bool{email: true}
	queue := []string{email}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		for _, m := range c.managers[e] {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
				queue = append(queue, m)
			}
		}
	}
	return out
}

// chain is the reporting line from email up to boss (both included), or
// nil if boss is not above email.
func (c *orgChart) chain(email, boss string) []string {
	prev := map[string]string{email: ""}
	queue := []string{email}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		for _, m := range c.managers[e] {
			if _, ok := prev[m]; ok {
				continue
			}
			prev[m] = e
			if m == boss {
				var path []string
				for x := m; x != ""; x = prev[x] {
					path = append(path, x)
				}
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return path
			}
			queue = append(queue, m)
		}
	}
	return nil
}

// cycles finds the cycles in the manager graph, each once, starting from
// its smallest email so the warning reads the same on every run.
func (c *orgChart) cycles() [][]string {
	const (
		unvisited = iota
		onStack
		done
	)
	state := map[string]int{}
	var out [][]string
	var stack []string
	var visit func(e string)
	visit = func(e string) {
		state[e] = onStack
		stack = append(stack, e)
		for _, m := range c.managers[e] {
			switch state[m] {
			case unvisited:
				visit(m)
			case onStack:
				k := len(stack) - 1
				for stack[k] != m {
					k--
				}
				out = append(out, rotate(append([]string(nil), stack[k:]...)))
			}
		}
		stack = stack[:len(stack)-1]
		state[e] = done
	}
	for _, e := range sortedKeys(c.managers) {
		if state[e] == unvisited {
			visit(e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.Join(out[i], " ") < strings.Join(out[j], " ") })
	return out
}

// rotate starts a cycle at its smallest member and closes it.
func rotate(cyc []string) []string {
	k := 0
	for i, e := range cyc {
		if e < cyc[k] {
			k = i
		}
	}
	out := append(append([]string(nil), cyc[k:]...), cyc[:k]...)
	return append(out, out[0])
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// list shows at most max items and says how many more there are.
func list(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:max], ", ") + fmt.Sprintf(" and %d more", len(items)-max)
}

// count writes "1 thing" or "3 things".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
