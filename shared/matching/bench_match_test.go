package matching

import (
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/upward-mentoring/upward/shared/programme"
)

// realisticInput builds a programme as an organisation would run it: an org
// tree (CEO, division heads, directors, managers, staff) in which the
// seniors are heads and directors and the juniors are staff, so many
// juniors sit in a senior's reporting line through managers who are not
// enrolled; departments, divisions, locations, levels, languages, time
// zones, topics and a diversity attribute drawn with realistic skew; and a
// history of earlier pairs.
func realisticInput(seed uint64, nSeniors, nJuniors int) Input {
	r := rand.New(rand.NewPCG(seed, 99))
	divisions := []string{"Retail", "Finance", "Operations", "Technology", "Group"}
	locations := []string{"Lisbon", "Porto", "London", "Madrid", "New York", "São Paulo", "Singapore", "Berlin"}
	zones := map[string]string{"Lisbon": "Europe/Lisbon", "Porto": "Europe/Lisbon", "London": "Europe/London", "Madrid": "Europe/Madrid",
		"New York": "America/New_York", "São Paulo": "America/Sao_Paulo", "Singapore": "Asia/Singapore", "Berlin": "Europe/Berlin"}
	in := Input{Programme: prog(), At: at}
	in.Programme.Weights = programme.Weights{Topic: 3, Department: 1, Division: 1, Location: 0.5, Seniority: 1, Diversity: 1}
	in.Programme.RequireSharedLanguage = true
	in.Programme.MaxTimezoneDiffHours = 10
	nDirectors := max(1, nSeniors*4/5)
	nHeads := max(1, nSeniors-nDirectors)
	nManagers := max(1, nJuniors/8)
	in.Org = append(in.Org, ReportsTo{"ceo@x.org", ""})
	head := func(i int) string { return fmt.Sprintf("head%d@x.org", i) }
	director := func(i int) string { return fmt.Sprintf("director%d@x.org", i) }
	for i := range nHeads {
		in.Org = append(in.Org, ReportsTo{head(i), "ceo@x.org"})
	}
	for i := range nDirectors {
		in.Org = append(in.Org, ReportsTo{director(i), head(r.IntN(nHeads))})
	}
	for i := range nManagers { // managers are not enrolled: the org chart carries the line
		in.Org = append(in.Org, ReportsTo{fmt.Sprintf("manager%d@x.org", i), director(r.IntN(nDirectors))})
	}
	person := func(email string, role programme.Role, lvl int) programme.Participant {
		loc := locations[min(len(locations)-1, int(r.ExpFloat64()*2))]
		langs := []string{"english"}
		if strings.HasPrefix(zones[loc], "Europe/Lisbon") || loc == "São Paulo" {
			langs = append(langs, "portuguese")
		}
		if r.IntN(10) == 0 {
			langs = []string{"spanish"}
		}
		var ts []string
		for range 1 + r.IntN(3) {
			ts = append(ts, programme.DefaultTopics[r.IntN(len(programme.DefaultTopics))])
		}
		return programme.Participant{Email: email, Name: email, Role: role,
			Department: fmt.Sprintf("Dept %d", r.IntN(25)), Division: divisions[r.IntN(len(divisions))], Location: loc,
			TimeZone: zones[loc], Level: lvl, Languages: langs, Topics: ts,
			Attributes: map[string]string{"diversity_generation": []string{"Boomer", "Gen X", "Millennial", "Gen Z"}[r.IntN(4)]}}
	}
	for i := range nSeniors {
		var p programme.Participant
		if i < nHeads {
			p = person(head(i), programme.Senior, 11+r.IntN(2))
		} else {
			p = person(director(i-nHeads), programme.Senior, 8+r.IntN(3))
		}
		in.People = append(in.People, p)
	}
	for i := range nJuniors {
		p := person(fmt.Sprintf("staff%d@x.org", i), programme.Junior, 1+r.IntN(4))
		p.ManagerEmail = fmt.Sprintf("manager%d@x.org", r.IntN(nManagers))
		in.People = append(in.People, p)
	}
	for range nSeniors / 2 {
		in.History = append(in.History, Pairing{in.People[r.IntN(nSeniors)].Email, in.People[nSeniors+r.IntN(nJuniors)].Email})
	}
	return in
}

func BenchmarkMatch(b *testing.B) {
	for _, n := range [][2]int{{500, 500}, {2000, 2000}, {1000, 3000}, {5000, 5000}} {
		in := realisticInput(1, n[0], n[1])
		b.Run(fmt.Sprintf("%dx%d", n[0], n[1]), func(b *testing.B) {
			if n[0]*n[1] > 4_000_000 && testing.Short() {
				b.Skip("large programme skipped in -short mode")
			}
			for b.Loop() {
				m, err := New(in)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := m.Match(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRealisticInputIsRealistic keeps the benchmark honest: its programme
// must exercise the reporting lines and the rules, not just the solver.
func TestRealisticInputIsRealistic(t *testing.T) {
	in := realisticInput(1, 200, 300)
	m, res := mustMatch(t, in)
	blocked := 0
	for _, r := range m.blocked {
		if r&ruleReporting != 0 {
			blocked++
		}
	}
	if blocked < 300 {
		t.Errorf("only %d pairs in a reporting line; the benchmark would not test that path", blocked)
	}
	if len(res.Pairs) != 200 {
		t.Errorf("%d pairs, want every senior paired", len(res.Pairs))
	}
}

// TestWriteBenchProgramme writes a realistic programme as an enrolment CSV
// and an org chart, for timing and measuring `upward match` end to end:
//
//	UPWARD_BENCH_DIR=/tmp/lap go test -run TestWriteBenchProgramme ./shared/matching
func TestWriteBenchProgramme(t *testing.T) {
	dir := os.Getenv("UPWARD_BENCH_DIR")
	if dir == "" {
		t.Skip("set UPWARD_BENCH_DIR to write the benchmark programmes")
	}
	for _, n := range [][2]int{{2000, 2000}, {5000, 5000}} {
		in := realisticInput(1, n[0], n[1])
		var people [][]string
		people = append(people, []string{"email", "name", "role", "department", "division", "location", "manager_email", "time_zone", "languages", "level", "topics", "diversity_generation"})
		for _, p := range in.People {
			people = append(people, []string{p.Email, p.Name, string(p.Role), p.Department, p.Division, p.Location, p.ManagerEmail, p.TimeZone,
				strings.Join(p.Languages, "|"), strconv.Itoa(p.Level), strings.Join(p.Topics, "|"), p.Attributes["diversity_generation"]})
		}
		org := [][]string{{"employee_email", "manager_email"}}
		for _, o := range in.Org {
			org = append(org, []string{o.Employee, o.Manager})
		}
		history := [][]string{{"senior_email", "junior_email"}}
		for _, h := range in.History {
			history = append(history, []string{h.Senior, h.Junior})
		}
		for name, rows := range map[string][][]string{"people": people, "org": org, "history": history} {
			f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s_%dx%d.csv", name, n[0], n[1])))
			if err != nil {
				t.Fatal(err)
			}
			if err := csv.NewWriter(f).WriteAll(rows); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
}
