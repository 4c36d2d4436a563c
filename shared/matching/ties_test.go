package matching

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// Tests for the paths that coarse scores take: tied best cells in the
// auction (taken while free, searched for at once when all are taken),
// the early stop at a row's floor, and tall parts solved from the matrix
// as it is (the greedy on each column's best cells, kept only when it
// assigns every column) or through the transposed copy.

// tiedOptions are the initialisations every tie test runs: the default,
// none at all (plain shortest paths, the reference behaviour of the LAP
// itself), and the auction without column reduction or the tall greedy.
var tiedOptions = []lapOptions{
	defaultLAP,
	{},
	{rowPasses: 2, rebidsPerRow: 1},
}

// featureMatrix scores rows against columns the way Upward's scorer does:
// a weighted count of attributes that agree, so rows with similar
// attributes compete for the same columns and the best cells cluster.
// Weights are integers so totals compare exactly.
func featureMatrix(r *rand.Rand, rows, cols int, pForbid float64) Matrix {
	weights := []int{3, 1, 1, 2}
	kinds := []int{4, 3, 5, 2}
	attr := func() []int {
		a := make([]int, len(kinds))
		for k, n := range kinds {
			a[k] = r.IntN(n)
		}
		return a
	}
	ra := make([][]int, rows)
	for i := range ra {
		ra[i] = attr()
	}
	m := NewMatrix(rows, cols)
	for j := 0; j < cols; j++ {
		ca := attr()
		for i := 0; i < rows; i++ {
			if r.Float64() < pForbid {
				m.Set(i, j, Forbidden)
				continue
			}
			s := 0
			for k, w := range weights {
				if ra[i][k] == ca[k] {
					s += w
				}
			}
			m.Set(i, j, float64(s))
		}
	}
	return m
}

// solveWith solves m with the given initialisation through solveScores,
// as Match does, and returns the assignment.
func solveWith(t *testing.T, m Matrix, opt lapOptions) Assignment {
	t.Helper()
	rowCol, err := solveScores(context.Background(), m.Rows, m.Cols, m.Score, opt, nil)
	if err != nil {
		t.Fatalf("%+v: %v", opt, err)
	}
	var a Assignment
	for i, j := range rowCol {
		if j >= 0 {
			a.Pairs = append(a.Pairs, Cell{i, j})
			a.Total += m.At(i, j)
		}
	}
	checkValid(t, m, nil, a)
	return a
}

// TestSolveTiesAgainstHungarian checks tie-heavy instances, square, tall
// (up to three rows per column) and wide, from a handful of distinct
// scores to a few dozen, with and without forbidden cells, against the
// exact integer Hungarian reference.
func TestSolveTiesAgainstHungarian(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 1))
	for n := range 400 {
		cols := 1 + r.IntN(40)
		var rows int
		switch n % 3 {
		case 0:
			rows = cols
		case 1:
			rows = cols + r.IntN(2*cols+1) // tall
		default:
			rows = 1 + r.IntN(cols) // wide
		}
		forbid := []float64{0, 0, 0.2, 0.6}[r.IntN(4)]
		var m Matrix
		if n%2 == 0 {
			m = randomMatrix(r, rows, cols, 0, []int{0, 1, 2, 10}[r.IntN(4)], forbid)
		} else {
			m = featureMatrix(r, rows, cols, forbid)
		}
		wantPairs, wantTotal := hungarianReference(m, nil)
		for _, opt := range tiedOptions {
			a := solveWith(t, m, opt)
			if len(a.Pairs) != wantPairs || a.Total != wantTotal {
				t.Fatalf("instance %d (%d×%d) with %+v: got %d pairs total %v, reference %d total %v\n%v",
					n, rows, cols, opt, len(a.Pairs), a.Total, wantPairs, wantTotal, m.Score)
			}
		}
	}
}

// TestSolveLargerTiedMatrices runs sizes at which the greedy steps settle
// most rows and the searches that remain start deep in contested clusters:
// the shapes of the SciPy comparison, scaled down so the reference is quick.
func TestSolveLargerTiedMatrices(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2))
	shapes := []struct{ rows, cols int }{{120, 120}, {240, 80}, {80, 240}, {150, 149}, {149, 150}}
	for _, s := range shapes {
		for _, m := range []Matrix{
			randomMatrix(r, s.rows, s.cols, 0, 10, 0),
			randomMatrix(r, s.rows, s.cols, 0, 100, 0), // one decimal, times ten
			randomMatrix(r, s.rows, s.cols, 0, 3, 0.3),
			featureMatrix(r, s.rows, s.cols, 0),
			featureMatrix(r, s.rows, s.cols, 0.25),
		} {
			wantPairs, wantTotal := hungarianReference(m, nil)
			for _, opt := range tiedOptions {
				a := solveWith(t, m, opt)
				if len(a.Pairs) != wantPairs || a.Total != wantTotal {
					t.Fatalf("%d×%d with %+v: got %d pairs total %v, reference %d total %v",
						s.rows, s.cols, opt, len(a.Pairs), a.Total, wantPairs, wantTotal)
				}
			}
		}
	}
}

// One-decimal scores are not exact in binary, so sums can differ in the
// last bits between two optimal assignments: totals must agree with brute
// force to rounding.
func TestSolveOneDecimalScores(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 3))
	for n := range 1500 {
		rows, cols := r.IntN(9), r.IntN(9)
		m := NewMatrix(rows, cols)
		top := []int{3, 10, 100}[n%3]
		for k := range m.Score {
			if r.Float64() < 0.15 {
				m.Score[k] = Forbidden
			} else {
				m.Score[k] = float64(r.IntN(top+1)) / 10
			}
		}
		wantPairs, wantTotal := bruteForce(m, nil)
		for _, opt := range tiedOptions {
			a := solveWith(t, m, opt)
			if len(a.Pairs) != wantPairs || math.Abs(a.Total-wantTotal) > 1e-9 {
				t.Fatalf("instance %d (%d×%d) with %+v: got %d pairs total %v, brute force %d total %v\n%v",
					n, rows, cols, opt, len(a.Pairs), a.Total, wantPairs, wantTotal, m.Score)
			}
		}
	}
}

// Shapes at the edges: nothing to assign, one row or one column, every
// cell the same (every assignment optimal: the most ties there can be),
// and a single allowed cell.
func TestSolveDegenerateShapes(t *testing.T) {
	same := func(rows, cols int, s float64) Matrix {
		m := NewMatrix(rows, cols)
		for k := range m.Score {
			m.Score[k] = s
		}
		return m
	}
	oneAllowed := func(rows, cols, i, j int) Matrix {
		m := same(rows, cols, Forbidden)
		m.Set(i, j, 4)
		return m
	}
	r := rand.New(rand.NewPCG(17, 4))
	tests := []struct {
		name  string
		m     Matrix
		pairs int
		total float64
	}{
		{"0×0", NewMatrix(0, 0), 0, 0},
		{"0×5", NewMatrix(0, 5), 0, 0},
		{"5×0", NewMatrix(5, 0), 0, 0},
		{"1×1", same(1, 1, 2.5), 1, 2.5},
		{"one row", randomMatrix(r, 1, 300, 0, 10, 0.1), 1, 10},
		{"one column", randomMatrix(r, 300, 1, 0, 10, 0.1), 1, 10},
		{"all equal square", same(200, 200, 3), 200, 600},
		{"all equal tall", same(600, 200, -1), 200, -200},
		{"all equal wide", same(200, 600, 0.1), 200, 200 * 0.1},
		{"all zero", same(64, 64, 0), 64, 0},
		{"one allowed cell", oneAllowed(50, 70, 49, 3), 1, 4},
		{"one allowed cell, tall", oneAllowed(70, 50, 0, 49), 1, 4},
		{"all forbidden", same(30, 40, Forbidden), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, opt := range tiedOptions {
				a := solveWith(t, tt.m, opt)
				if len(a.Pairs) != tt.pairs || math.Abs(a.Total-tt.total) > 1e-9 {
					t.Fatalf("%+v: got %d pairs total %v, want %d total %v", opt, len(a.Pairs), a.Total, tt.pairs, tt.total)
				}
			}
			a, err := Solve(context.Background(), tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Pairs) != tt.pairs {
				t.Fatalf("Solve: %d pairs, want %d", len(a.Pairs), tt.pairs)
			}
		})
	}
}

// A tall part whose best cells admit a complete matching is settled by the
// greedy alone, without the transposed copy; one whose best cells do not
// (every column's best is in the same two rows) needs the full solve. Both
// must be optimal, and the first must not need the copy.
func TestSolveTransposedGreedy(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 5))
	for n := range 200 {
		cols := 2 + r.IntN(30)
		rows := cols + 1 + r.IntN(2*cols)
		m := randomMatrix(r, rows, cols, 0, 4, 0)
		if n%2 == 1 {
			// Rows 0 and 1 hold every column's best score, so all but two
			// columns must settle for less.
			for j := 0; j < cols; j++ {
				m.Set(0, j, 9)
				m.Set(1, j, 9)
			}
		}
		wantPairs, wantTotal := hungarianReference(m, nil)
		for _, opt := range tiedOptions {
			a := solveWith(t, m, opt)
			if len(a.Pairs) != wantPairs || a.Total != wantTotal {
				t.Fatalf("instance %d (%d×%d) with %+v: got %d pairs total %v, reference %d total %v",
					n, rows, cols, opt, len(a.Pairs), a.Total, wantPairs, wantTotal)
			}
		}
	}

	// Every column has its best score, 1, in a different row: the first
	// step of the greedy settles the part and nothing is searched.
	m := NewMatrix(40, 10)
	for j := 0; j < 10; j++ {
		m.Set(3*j, j, 1)
	}
	p := part{rows: seq(10), cols: seq(40), transposed: true}
	var calls [][2]int
	x, err := solveTransposed(context.Background(), 10, m.Score, p, defaultLAP, func(done, total int) {
		calls = append(calls, [2]int{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	for j, c := range x {
		if c != 3*j {
			t.Fatalf("column %d took row %d, want %d", j, c, 3*j)
		}
	}
	if len(calls) != 1 || calls[0] != [2]int{0, 0} {
		t.Errorf("progress %v, want one call saying nothing was left to search", calls)
	}
}

// The auction's tie rule must not loop: on matrices where every row has
// the same handful of best columns, and so the augmenting paths are long,
// the solve must still end, and agree with the reference.
func TestSolveContestedColumns(t *testing.T) {
	for _, shape := range []struct{ rows, cols int }{{60, 60}, {90, 30}, {30, 90}} {
		m := NewMatrix(shape.rows, shape.cols)
		for i := 0; i < shape.rows; i++ {
			for j := 0; j < shape.cols; j++ {
				switch {
				case j < 3:
					m.Set(i, j, 5) // everyone's favourite three
				case (i+j)%7 == 0:
					m.Set(i, j, 4)
				default:
					m.Set(i, j, float64((i*j)%3))
				}
			}
		}
		wantPairs, wantTotal := hungarianReference(m, nil)
		for _, opt := range tiedOptions {
			a := solveWith(t, m, opt)
			if len(a.Pairs) != wantPairs || a.Total != wantTotal {
				t.Fatalf("%d×%d with %+v: got %d pairs total %v, reference %d total %v",
					shape.rows, shape.cols, opt, len(a.Pairs), a.Total, wantPairs, wantTotal)
			}
		}
	}
}

// Rows searched for during the auction report progress and heed the
// context as the searches after it do: on a clustered matrix most of the
// work happens there.
func TestSolveTiedProgressAndCancel(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 6))
	m := featureMatrix(r, 400, 400, 0)
	var calls [][2]int
	_, err := solveScores(context.Background(), m.Rows, m.Cols, m.Score, defaultLAP, func(done, total int) {
		calls = append(calls, [2]int{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 3 {
		t.Fatalf("progress called %d times, want several", len(calls))
	}
	if last := calls[len(calls)-1]; last != [2]int{400, 400} {
		t.Errorf("last progress = %v, want [400 400]", last)
	}
	for k := 1; k < len(calls); k++ {
		if calls[k][0] < calls[k-1][0] {
			t.Errorf("progress went back: %v then %v", calls[k-1], calls[k])
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = solveScores(ctx, m.Rows, m.Cols, m.Score, defaultLAP, func(done, total int) {
		if done > 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
