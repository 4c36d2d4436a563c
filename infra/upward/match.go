package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/upward-mentoring/upward/shared/enrol"
	"github.com/upward-mentoring/upward/shared/matching"
	"github.com/upward-mentoring/upward/shared/programme"
	"github.com/upward-mentoring/upward/shared/spreadsheet"
)

func init() {
	register(command{
		name:    "match",
		summary: "match an enrolment CSV offline and write the pairs with reasons",
		usage:   "--in participants.csv [--org org.csv] [--history pairs.csv] [--never pairs.csv] [--weights topic=3,department=1,...] [--out pairs.csv]",
		setup: func(fs *flag.FlagSet) func(ctx context.Context, env *Env) error {
			in := fs.String("in", "", "enrolment CSV (the upload format: email, name, role, ... see the coordinator site); everyone in it is treated as opted in")
			org := fs.String("org", "", "optional org chart CSV with columns employee_email, manager_email; covers people who are not enrolled")
			history := fs.String("history", "", "optional CSV of earlier pairs with columns senior_email, junior_email (an earlier output of this command works)")
			never := fs.String("never", "", "optional CSV of pairs never to make, columns senior_email, junior_email")
			weights := fs.String("weights", "", "soft preference weights from 0 to 10, e.g. topic=3,department=1,division=1,location=0.5,seniority=1,diversity=0 (unnamed ones keep these defaults)")
			capacity := fs.Int("capacity", 1, "seniors one junior may mentor, unless the CSV's capacity column says otherwise")
			language := fs.Bool("language", false, "require a shared language")
			maxTZ := fs.Int("max-tz-hours", 0, "largest time-zone difference in hours (0 = no limit)")
			atFlag := fs.String("at", "", "when to compare time zones' UTC offsets, as 2006-01-02 or RFC 3339 (default: now)")
			out := fs.String("out", "-", "where to write the pairs CSV ('-' = standard output)")
			return func(ctx context.Context, env *Env) error {
				if *in == "" {
					return errors.New("--in is required: the enrolment CSV to match")
				}
				prog := programme.Programme{Weights: programme.DefaultWeights, JuniorCapacity: *capacity,
					RequireSharedLanguage: *language, MaxTimezoneDiffHours: *maxTZ}
				if err := parseWeights(*weights, &prog.Weights); err != nil {
					return err
				}
				if fe := capacityErrors(prog); fe != "" {
					return errors.New(fe)
				}
				at := time.Now()
				if *atFlag != "" {
					t, err := parseAt(*atFlag)
					if err != nil {
						return err
					}
					at = t
				}
				input := matching.Input{Programme: prog, At: at}
				var err error
				if input.People, err = readPeople(*in); err != nil {
					return err
				}
				if *org != "" {
					if input.Org, err = readOrg(*org); err != nil {
						return err
					}
				}
				if *history != "" {
					if input.History, err = readPairs(*history); err != nil {
						return err
					}
				}
				if *never != "" {
					if input.NeverPair, err = readPairs(*never); err != nil {
						return err
					}
				}
				m, err := matching.New(input)
				if err != nil {
					return err
				}
				m.Progress = progressPrinter(env.Stderr, len(input.People))
				res, err := m.Match(ctx)
				if err != nil {
					return err
				}
				for _, w := range res.Warnings {
					fmt.Fprintln(env.Stderr, "warning:", w)
				}
				if err := writeResult(*out, env.Stdout, input.People, res); err != nil {
					return err
				}
				fmt.Fprintf(env.Stderr, "%d pairs, %d unmatched, total score %.2f (best possible per pair %.2f)\n",
					len(res.Pairs), len(res.Unmatched), res.Total, res.MaxScore)
				return nil
			}
		},
	})
}

func capacityErrors(p programme.Programme) string {
	if p.JuniorCapacity < 1 || p.JuniorCapacity > programme.MaxCapacity {
		return fmt.Sprintf("--capacity must be from 1 to %d", programme.MaxCapacity)
	}
	if p.MaxTimezoneDiffHours < 0 || p.MaxTimezoneDiffHours > 24 {
		return "--max-tz-hours must be from 0 (no limit) to 24"
	}
	return ""
}

// parseWeights reads "topic=3,department=1" over the defaults in w.
func parseWeights(s string, w *programme.Weights) error {
	fields := map[string]*float64{"topic": &w.Topic, "department": &w.Department, "division": &w.Division,
		"location": &w.Location, "seniority": &w.Seniority, "diversity": &w.Diversity}
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		f, known := fields[name]
		if !ok || !known {
			return fmt.Errorf("--weights: %q is not name=number with a name among topic, department, division, location, seniority, diversity", part)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || v < 0 || v > programme.MaxWeight {
			return fmt.Errorf("--weights: %s=%s is not a number from 0 to %d", name, strings.TrimSpace(val), programme.MaxWeight)
		}
		*f = v
	}
	return nil
}

func parseAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(programme.DateLayout, s); err == nil {
		return t.Add(12 * time.Hour), nil // midday UTC: the date's offsets, away from changes at night
	}
	return time.Time{}, fmt.Errorf("--at %q is neither 2006-01-02 nor RFC 3339", s)
}

func readPeople(name string) ([]programme.Participant, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read participants: %w", err)
	}
	defer f.Close()
	rows, err := enrol.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	people := make([]programme.Participant, len(rows))
	for i, r := range rows {
		people[i] = r.Participant
		people[i].Status = programme.OptedIn
	}
	return people, nil
}

// column is a wanted CSV column: its key and the header names accepted.
type column struct {
	key   string
	names []string
}

// readTable reads a CSV with a header and returns, for each wanted column
// (by any of its accepted names), its values row by row.
func readTable(name string, want []column) ([]map[string]string, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	var missing []string
	for _, w := range want {
		for i, h := range header {
			h = strings.ToLower(strings.TrimSpace(h))
			for _, n := range w.names {
				if h == n {
					col[w.key] = i
				}
			}
		}
		if _, ok := col[w.key]; !ok {
			missing = append(missing, w.names[0])
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: the header needs the columns %s", name, strings.Join(missing, " and "))
	}
	var out []map[string]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		row := map[string]string{}
		for key, i := range col {
			if i < len(rec) {
				row[key] = strings.TrimSpace(rec[i])
			}
		}
		out = append(out, row)
	}
}

func readOrg(name string) ([]matching.ReportsTo, error) {
	rows, err := readTable(name, []column{
		{"employee", []string{"employee_email", "email", "employee"}},
		{"manager", []string{"manager_email", "manager"}},
	})
	if err != nil {
		return nil, fmt.Errorf("read org chart: %w", err)
	}
	out := make([]matching.ReportsTo, len(rows))
	for i, r := range rows {
		out[i] = matching.ReportsTo{Employee: r["employee"], Manager: r["manager"]}
	}
	return out, nil
}

func readPairs(name string) ([]matching.Pairing, error) {
	rows, err := readTable(name, []column{
		{"senior", []string{"senior_email", "senior"}},
		{"junior", []string{"junior_email", "junior"}},
	})
	if err != nil {
		return nil, fmt.Errorf("read pairs: %w", err)
	}
	var out []matching.Pairing
	for _, r := range rows {
		if r["senior"] != "" && r["junior"] != "" { // rows for the unmatched have one side empty
			out = append(out, matching.Pairing{Senior: r["senior"], Junior: r["junior"]})
		}
	}
	return out, nil
}

// progressPrinter reports each stage at every tenth on large inputs only.
func progressPrinter(w io.Writer, people int) func(stage string, done, total int) {
	if people < 1000 {
		return nil
	}
	last := map[string]int{}
	return func(stage string, done, total int) {
		if total == 0 {
			return
		}
		tenth := done * 10 / total
		if p, ok := last[stage]; ok && p >= tenth {
			return
		}
		last[stage] = tenth
		fmt.Fprintf(w, "%s: %d%% (%d of %d)\n", stage, tenth*10, done, total)
	}
}

// writeResult writes one row per pair, then one per unmatched person with
// the other side empty; the file reads back as --history.
func writeResult(name string, stdout io.Writer, people []programme.Participant, res *matching.Result) error {
	w := stdout
	var f *os.File
	if name != "" && name != "-" {
		var err error
		if f, err = os.Create(name); err != nil {
			return fmt.Errorf("write pairs: %w", err)
		}
		defer f.Close()
		w = f
	}
	names := map[string]string{}
	for _, p := range people {
		names[strings.ToLower(strings.TrimSpace(p.Email))] = p.Name
	}
	// Coordinators open this file in a spreadsheet: no name or reason may
	// run there as a formula.
	cw := spreadsheet.NewWriter(w)
	rows := [][]string{{"senior_email", "senior_name", "junior_email", "junior_name", "score", "locked", "reason"}}
	for _, p := range res.Pairs {
		rows = append(rows, []string{p.Senior, names[p.Senior], p.Junior, names[p.Junior],
			strconv.FormatFloat(p.Score, 'f', -1, 64), strconv.FormatBool(p.Locked), p.Reason})
	}
	un := append([]matching.Unmatched(nil), res.Unmatched...)
	sort.SliceStable(un, func(a, b int) bool { return un[a].Role == programme.Senior && un[b].Role != programme.Senior })
	for _, u := range un {
		if u.Role == programme.Senior {
			rows = append(rows, []string{u.Email, names[u.Email], "", "", "", "", "Unmatched: " + u.Reason})
		} else {
			rows = append(rows, []string{"", "", u.Email, names[u.Email], "", "", "Unmatched: " + u.Reason})
		}
	}
	for _, row := range rows {
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write pairs: %w", err)
		}
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("write pairs: %w", err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("write pairs: %w", err)
		}
	}
	return nil
}
