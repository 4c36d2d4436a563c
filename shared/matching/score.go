package matching

import (
	"fmt"
	"sort"
	"strings"

	"github.com/upward-mentoring/upward/shared/programme"
)

// The soft preferences, in the order explanations break ties in.
const (
	FactorTopic      = "topic"
	FactorDepartment = "department"
	FactorDivision   = "division"
	FactorLocation   = "location"
	FactorSeniority  = "seniority"
	FactorDiversity  = "diversity"
)

var factorNames = [6]string{FactorTopic, FactorDepartment, FactorDivision, FactorLocation, FactorSeniority, FactorDiversity}

// Factor is one soft preference's part in a pair's score: Value from 0 to
// 1, times the programme's Weight, and what it means in words.
type Factor struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
	Words  string  `json:"words"`
}

// Points is the factor's share of the score.
func (f Factor) Points() float64 { return float64(f.Weight * f.Value) }

// scorer computes the soft preferences, each normalised to 0..1:
//
//   - topic: the share of the senior's wished-for topics the junior offers;
//   - department, division, location: 1 when both are known and differ;
//   - seniority: the senior's level above the junior's, counting fully at
//     half the spread of levels in the programme (at least one level), so a
//     real gap is wanted but a huge gap is worth no more than a good one;
//     0 when either level is unknown or the junior is not below;
//   - diversity: the share of diversity attributes known for both that
//     differ, only when the programme's diversity weight is above zero.
type scorer struct {
	w         [6]float64
	fullGap   int
	diversity []string // attribute keys, with DiversityPrefix
}

func newScorer(w programme.Weights, people []*person, diversity []string) scorer {
	sc := scorer{w: [6]float64{w.Topic, w.Department, w.Division, w.Location, w.Seniority, w.Diversity}, diversity: diversity}
	lo, hi := 0, 0
	for _, p := range people {
		if p.level > 0 {
			if lo == 0 || p.level < lo {
				lo = p.level
			}
			hi = max(hi, p.level)
		}
	}
	sc.fullGap = max(1, (hi-lo+1)/2)
	return sc
}

// max is the best score one pair can reach.
func (sc scorer) max() float64 {
	t := 0.0
	for _, w := range sc.w {
		t += w
	}
	return t
}

func (sc scorer) values(s, j *person) [6]float64 {
	var v [6]float64
	if s.topicCount > 0 {
		v[0] = float64(s.topics.common(j.topics)) / float64(s.topicCount)
	}
	v[1] = differ(s.dept, j.dept)
	v[2] = differ(s.div, j.div)
	v[3] = differ(s.loc, j.loc)
	if s.level > 0 && j.level > 0 && s.level > j.level {
		v[4] = float64(min(s.level-j.level, sc.fullGap)) / float64(sc.fullGap)
	}
	if sc.w[5] > 0 {
		known, diff := 0, 0
		for k := range sc.diversity {
			a, b := s.diversity[k], j.diversity[k]
			if a >= 0 && b >= 0 {
				known++
				if a != b {
					diff++
				}
			}
		}
		if known > 0 {
			v[5] = float64(diff) / float64(known)
		}
	}
	return v
}

// score is the weighted sum. Each product is converted explicitly so the
// compiler cannot fuse it into a multiply-add on arm64 (Lambda) and round
// differently than on amd64: the same input gives the same scores, and so
// the same pairs, everywhere.
func (sc scorer) score(s, j *person) float64 {
	v := sc.values(s, j)
	t := 0.0
	for k, w := range sc.w {
		t += float64(w * v[k])
	}
	return t
}

func differ(a, b int32) float64 {
	if a >= 0 && b >= 0 && a != b {
		return 1
	}
	return 0
}

// factors lists the preferences that count for (s, j), largest share of
// the score first (ties in factorNames order), with their words.
func (sc scorer) factors(s, j *person) []Factor {
	v := sc.values(s, j)
	var out []Factor
	for k, name := range factorNames {
		if sc.w[k] <= 0 || v[k] <= 0 {
			continue
		}
		out = append(out, Factor{Name: name, Value: v[k], Weight: sc.w[k], Words: sc.words(k, s, j)})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Points() > out[b].Points() })
	return out
}

func (sc scorer) words(k int, s, j *person) string {
	switch k {
	case 0:
		var shared []string
		for _, t := range s.topicList {
			if j.topics.has(t.id) {
				shared = append(shared, t.name)
			}
		}
		if len(shared) > 3 {
			shared = append(shared[:2], fmt.Sprintf("%d more topics", len(shared)-2))
		}
		return "both care about " + andList(shared)
	case 1:
		return fmt.Sprintf("different departments (%s / %s)", s.Department, j.Department)
	case 2:
		return fmt.Sprintf("different divisions (%s / %s)", s.Division, j.Division)
	case 3:
		return fmt.Sprintf("different locations (%s / %s)", s.Location, j.Location)
	case 4:
		return count(s.level-j.level, "level apart", "levels apart")
	case 5:
		var differ []string
		for a, key := range sc.diversity {
			if x, y := s.diversity[a], j.diversity[a]; x >= 0 && y >= 0 && x != y {
				differ = append(differ, strings.ReplaceAll(strings.TrimPrefix(key, DiversityPrefix), "_", " "))
			}
		}
		return "different backgrounds (" + strings.Join(differ, ", ") + ")"
	}
	return ""
}

// reason puts the top three factors in one sentence: "Both care about AI
// tools; different divisions (Retail / Finance); 6 levels apart."
func reason(fs []Factor) string {
	if len(fs) == 0 {
		return "Meets every rule, though no preference sets this pair apart."
	}
	var parts []string
	for _, f := range fs[:min(3, len(fs))] {
		parts = append(parts, f.Words)
	}
	return capitalise(strings.Join(parts, "; ")) + "."
}
