package matching

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var F = Forbidden

func matrixOf(rows [][]float64) Matrix {
	m := Matrix{Rows: len(rows)}
	if len(rows) > 0 {
		m.Cols = len(rows[0])
	}
	for _, r := range rows {
		m.Score = append(m.Score, r...)
	}
	return m
}

// checkValid fails unless a is a proper assignment of m: rows at most
// once, columns within capacity, no forbidden cell, and Total adding up.
func checkValid(t *testing.T, m Matrix, capacity []int, a Assignment) {
	t.Helper()
	rowSeen := map[int]bool{}
	colUsed := map[int]int{}
	sum := 0.0
	for _, c := range a.Pairs {
		if c.Row < 0 || c.Row >= m.Rows || c.Col < 0 || c.Col >= m.Cols {
			t.Fatalf("pair %v outside the %d×%d matrix", c, m.Rows, m.Cols)
		}
		if rowSeen[c.Row] {
			t.Fatalf("row %d paired twice in %v", c.Row, a.Pairs)
		}
		rowSeen[c.Row] = true
		colUsed[c.Col]++
		limit := 1
		if capacity != nil {
			limit = capacity[c.Col]
		}
		if colUsed[c.Col] > limit {
			t.Fatalf("column %d used %d times, capacity %d", c.Col, colUsed[c.Col], limit)
		}
		if math.IsInf(m.At(c.Row, c.Col), -1) {
			t.Fatalf("forbidden cell %v used", c)
		}
		sum += m.At(c.Row, c.Col)
	}
	if math.Abs(sum-a.Total) > 1e-9*math.Max(1, math.Abs(sum)) {
		t.Fatalf("Total %v, but the pairs add up to %v", a.Total, sum)
	}
}

func TestSolveCases(t *testing.T) {
	tests := []struct {
		name     string
		scores   [][]float64
		capacity []int
		want     []Cell
		total    float64
	}{
		{name: "empty", scores: nil, want: nil},
		{name: "no columns", scores: [][]float64{{}, {}}, want: nil},
		{name: "one cell", scores: [][]float64{{7}}, want: []Cell{{0, 0}}, total: 7},
		{name: "all forbidden", scores: [][]float64{{F, F}, {F, F}}, want: nil},
		{
			name:   "square picks the best total",
			scores: [][]float64{{4, 1, 3}, {2, 0, 5}, {3, 2, 2}},
			want:   []Cell{{0, 0}, {1, 2}, {2, 1}}, total: 11,
		},
		{
			// A greedy or score-first solver keeps the 100 and stops at
			// one pair; two pairs come first.
			name:   "more pairs beat a higher score",
			scores: [][]float64{{100, 1}, {1, F}},
			want:   []Cell{{0, 1}, {1, 0}}, total: 2,
		},
		{
			name:   "negative scores are still paired",
			scores: [][]float64{{-5, F}, {F, -1}},
			want:   []Cell{{0, 0}, {1, 1}}, total: -6,
		},
		{
			name:   "more columns than rows",
			scores: [][]float64{{1, 9, 2, 8}, {1, 9, 3, 1}},
			want:   []Cell{{0, 3}, {1, 1}}, total: 17,
		},
		{
			name:   "more rows than columns",
			scores: [][]float64{{1, 2}, {9, 9}, {8, 1}, {3, 3}},
			want:   []Cell{{1, 1}, {2, 0}}, total: 17,
		},
		{
			name:   "a row with no allowed cell stays out",
			scores: [][]float64{{F, F}, {1, 2}, {3, F}},
			want:   []Cell{{1, 1}, {2, 0}}, total: 5,
		},
		{
			name:     "capacity lets a column take two rows",
			scores:   [][]float64{{5, 1}, {5, 1}, {5, 1}},
			capacity: []int{2, 1},
			want:     []Cell{{0, 0}, {1, 0}, {2, 1}}, total: 11,
		},
		{
			name:     "capacity zero closes a column",
			scores:   [][]float64{{5, 1}},
			capacity: []int{0, 1},
			want:     []Cell{{0, 1}}, total: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := matrixOf(tt.scores)
			a, err := SolveWithCapacity(context.Background(), m, tt.capacity)
			if err != nil {
				t.Fatal(err)
			}
			checkValid(t, m, tt.capacity, a)
			if diff := cmp.Diff(tt.want, a.Pairs); diff != "" {
				t.Errorf("pairs (-want +got):\n%s", diff)
			}
			if a.Total != tt.total {
				t.Errorf("total = %v, want %v", a.Total, tt.total)
			}
		})
	}
}

func TestSolveRejectsBadMatrices(t *testing.T) {
	tests := []struct {
		name     string
		m        Matrix
		capacity []int
	}{
		{"short", Matrix{Rows: 2, Cols: 2, Score: []float64{1, 2, 3}}, nil},
		{"NaN", Matrix{Rows: 1, Cols: 2, Score: []float64{1, math.NaN()}}, nil},
		{"plus infinity", Matrix{Rows: 1, Cols: 1, Score: []float64{math.Inf(1)}}, nil},
		{"capacity count", Matrix{Rows: 1, Cols: 2, Score: []float64{1, 2}}, []int{1}},
		{"negative capacity", Matrix{Rows: 1, Cols: 1, Score: []float64{1}}, []int{-1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SolveWithCapacity(context.Background(), tt.m, tt.capacity)
			if !errors.Is(err, ErrBadMatrix) {
				t.Fatalf("err = %v, want ErrBadMatrix", err)
			}
		})
	}
}

// randomMatrix draws an instance: integer scores in [lo, hi] (so float
// sums are exact and totals compare with ==), each cell forbidden with
// probability pForbid.
func randomMatrix(r *rand.Rand, rows, cols int, lo, hi int, pForbid float64) Matrix {
	m := NewMatrix(rows, cols)
	for k := range m.Score {
		if r.Float64() < pForbid {
			m.Score[k] = Forbidden
		} else {
			m.Score[k] = float64(lo + r.IntN(hi-lo+1))
		}
	}
	return m
}

// TestSolveAgainstBruteForce compares pair count and total with exhaustive
// search on thousands of small random instances: square and rectangular
// both ways, sparse to dense forbidden cells, narrow score ranges (many
// ties, which exercise the tie-breaking paths) and wide ones, negative
// scores, and column capacities.
func TestSolveAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	forbid := []float64{0, 0.1, 0.3, 0.6, 0.9}
	ranges := [][2]int{{0, 1}, {0, 3}, {-10, 10}, {0, 1000}}
	for n := range 4000 {
		rows, cols := r.IntN(9), r.IntN(9)
		sr := ranges[r.IntN(len(ranges))]
		m := randomMatrix(r, rows, cols, sr[0], sr[1], forbid[r.IntN(len(forbid))])
		var capacity []int
		if n%3 == 0 && cols > 0 {
			capacity = make([]int, cols)
			for j := range capacity {
				capacity[j] = r.IntN(3) + boolInt(r.IntN(5) > 0) // 0..3, mostly ≥ 1
			}
			if cols > 6 {
				for j := range capacity {
					capacity[j] = min(capacity[j], 2)
				}
			}
		}
		a, err := SolveWithCapacity(context.Background(), m, capacity)
		if err != nil {
			t.Fatalf("instance %d: %v", n, err)
		}
		checkValid(t, m, capacity, a)
		wantPairs, wantTotal := bruteForce(m, capacity)
		if len(a.Pairs) != wantPairs || a.Total != wantTotal {
			t.Fatalf("instance %d (%d×%d, capacity %v):\n%v\ngot %d pairs total %v, brute force %d pairs total %v",
				n, rows, cols, capacity, m.Score, len(a.Pairs), a.Total, wantPairs, wantTotal)
		}
	}
}

// TestSolveAgainstHungarian checks larger instances than brute force can
// reach against the textbook Hungarian algorithm in exact integers.
func TestSolveAgainstHungarian(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	forbid := []float64{0, 0.05, 0.5, 0.85, 0.97}
	ranges := [][2]int{{0, 2}, {0, 100}, {-50, 50}, {0, 1_000_000}}
	for n := range 300 {
		rows, cols := 1+r.IntN(45), 1+r.IntN(45)
		sr := ranges[r.IntN(len(ranges))]
		m := randomMatrix(r, rows, cols, sr[0], sr[1], forbid[r.IntN(len(forbid))])
		var capacity []int
		if n%4 == 0 {
			capacity = make([]int, cols)
			for j := range capacity {
				capacity[j] = r.IntN(4)
			}
		}
		a, err := SolveWithCapacity(context.Background(), m, capacity)
		if err != nil {
			t.Fatalf("instance %d: %v", n, err)
		}
		checkValid(t, m, capacity, a)
		wantPairs, wantTotal := hungarianReference(m, capacity)
		if len(a.Pairs) != wantPairs || a.Total != wantTotal {
			t.Fatalf("instance %d (%d×%d): got %d pairs total %v, reference %d pairs total %v",
				n, rows, cols, len(a.Pairs), a.Total, wantPairs, wantTotal)
		}
	}
}

// Real-valued scores: totals agree with brute force to rounding.
func TestSolveFloatScores(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 1000 {
		rows, cols := r.IntN(8)+1, r.IntN(8)+1
		m := NewMatrix(rows, cols)
		for k := range m.Score {
			if r.Float64() < 0.2 {
				m.Score[k] = Forbidden
			} else {
				m.Score[k] = r.Float64()
			}
		}
		a, err := Solve(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, m, nil, a)
		wantPairs, wantTotal := bruteForce(m, nil)
		if len(a.Pairs) != wantPairs || math.Abs(a.Total-wantTotal) > 1e-12 {
			t.Fatalf("instance %d: got %d pairs total %v, brute force %d total %v", n, len(a.Pairs), a.Total, wantPairs, wantTotal)
		}
	}
}

func TestSolveIsDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m := randomMatrix(r, 60, 90, 0, 3, 0.2) // few distinct scores: many ties
	first, err := Solve(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := Solve(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Fatalf("second solve differs (-first +again):\n%s", diff)
		}
	}
}

func TestSolveStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := rand.New(rand.NewPCG(9, 10))
	m := randomMatrix(r, 300, 300, 0, 1000, 0)
	if _, err := Solve(ctx, m); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The initialisation settles most rows, so on small instances the
// augmentation and the auction's rarer branches (tie swaps, exhausted
// re-bid budget) run less often than on large ones. Solving the same
// instances with the initialisation turned down in each way forces every
// path, and each must still agree with the reference.
func TestSolveEveryInitialisation(t *testing.T) {
	options := []lapOptions{
		{},                    // pure shortest augmenting paths
		{reduceColumns: true}, // column reduction only
		{rowPasses: 2},        // auction, no re-bids allowed
		{rowPasses: 1, rebidsPerRow: 1},
		{reduceColumns: true, rowPasses: 5, rebidsPerRow: 50},
		defaultLAP,
	}
	r := rand.New(rand.NewPCG(11, 12))
	for n := range 600 {
		rows, cols := 1+r.IntN(30), 1+r.IntN(30)
		if n%2 == 0 {
			cols = rows // square problems take the column reduction path
		}
		m := randomMatrix(r, rows, cols, 0, []int{1, 5, 1000}[n%3], []float64{0, 0.2, 0.7}[n%3])
		wantPairs, wantTotal := hungarianReference(m, nil)
		for _, opt := range options {
			rowCol, err := solveScores(context.Background(), rows, cols, m.Score, opt, nil)
			if err != nil {
				t.Fatalf("instance %d, %+v: %v", n, opt, err)
			}
			var a Assignment
			for i, j := range rowCol {
				if j >= 0 {
					a.Pairs = append(a.Pairs, Cell{i, j})
					a.Total += m.At(i, j)
				}
			}
			checkValid(t, m, nil, a)
			if len(a.Pairs) != wantPairs || a.Total != wantTotal {
				t.Fatalf("instance %d (%d×%d) with %+v: got %d pairs total %v, reference %d total %v",
					n, rows, cols, opt, len(a.Pairs), a.Total, wantPairs, wantTotal)
			}
		}
	}
}

// TestSolveReportsProgress checks the progress callback counts up to the
// number of rows solved by augmentation and ends at the total.
func TestSolveReportsProgress(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	m := randomMatrix(r, 200, 300, 0, 1000, 0.1)
	var calls [][2]int
	_, err := solveScores(context.Background(), m.Rows, m.Cols, m.Score, lapOptions{}, func(done, total int) {
		calls = append(calls, [2]int{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 2 {
		t.Fatalf("progress called %d times, want at least 2", len(calls))
	}
	last := calls[len(calls)-1]
	if last[0] != last[1] || last[1] != 200 {
		t.Errorf("last progress = %v, want [200 200]", last)
	}
	for k := 1; k < len(calls); k++ {
		if calls[k][0] < calls[k-1][0] {
			t.Errorf("progress went back: %v then %v", calls[k-1], calls[k])
		}
	}
}
