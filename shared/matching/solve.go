package matching

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// Forbidden is the score of a cell no pair may use.
var Forbidden = math.Inf(-1)

// Matrix holds the score of every row (senior) against every column
// (junior), row-major: Score[i*Cols+j]. Higher is better; Forbidden marks a
// pair that must not be made.
type Matrix struct {
	Rows, Cols int
	Score      []float64
}

// NewMatrix returns a rows×cols matrix of zero scores.
func NewMatrix(rows, cols int) Matrix {
	return Matrix{Rows: rows, Cols: cols, Score: make([]float64, rows*cols)}
}

// At is the score of row i against column j.
func (m Matrix) At(i, j int) float64 { return m.Score[i*m.Cols+j] }

// Set sets the score of row i against column j.
func (m Matrix) Set(i, j int, s float64) { m.Score[i*m.Cols+j] = s }

// Cell is one pair of an assignment: a row and a column, 0-based.
type Cell struct{ Row, Col int }

// Assignment is the solver's answer: pairs in row order and their total.
type Assignment struct {
	Pairs []Cell
	Total float64
}

// ErrBadMatrix reports a matrix the solver cannot take.
var ErrBadMatrix = errors.New("bad score matrix")

// Solve pairs rows with columns, each at most once, so that there are as
// many pairs as possible and, among all such pairings, the total score is
// the highest. It is exact: see structure.go for how the two goals are kept
// apart without a penalty constant, and lapjv.go for the assignment
// algorithm. The same matrix always gives the same pairs.
func Solve(ctx context.Context, m Matrix) (Assignment, error) {
	return SolveWithCapacity(ctx, m, nil)
}

// SolveWithCapacity is Solve where column j may take up to capacity[j]
// rows (nil: one each). A column with capacity k is replicated k times;
// the copies are identical, so one row never takes two copies of a column
// (a row takes one column at most).
func SolveWithCapacity(ctx context.Context, m Matrix, capacity []int) (Assignment, error) {
	if m.Rows < 0 || m.Cols < 0 || len(m.Score) != m.Rows*m.Cols {
		return Assignment{}, fmt.Errorf("%w: %d×%d needs %d scores, got %d", ErrBadMatrix, m.Rows, m.Cols, m.Rows*m.Cols, len(m.Score))
	}
	if capacity != nil && len(capacity) != m.Cols {
		return Assignment{}, fmt.Errorf("%w: %d capacities for %d columns", ErrBadMatrix, len(capacity), m.Cols)
	}
	for k, s := range m.Score {
		if s != s || s > math.MaxFloat64 { // NaN or +Inf
			return Assignment{}, fmt.Errorf("%w: cell (%d, %d) is %v", ErrBadMatrix, k/m.Cols, k%m.Cols, s)
		}
	}
	score, colOf, err := replicate(m, capacity)
	if err != nil {
		return Assignment{}, err
	}
	rowCol, err := solveScores(ctx, m.Rows, len(colOf), score, defaultLAP, nil)
	if err != nil {
		return Assignment{}, err
	}
	var a Assignment
	for i, k := range rowCol {
		if k >= 0 {
			j := colOf[k]
			a.Pairs = append(a.Pairs, Cell{Row: i, Col: j})
			a.Total += m.Score[i*m.Cols+j]
		}
	}
	return a, nil
}

// replicate gives column j capacity[j] identical copies. It returns the
// matrix itself when every capacity is one, which saves a copy.
func replicate(m Matrix, capacity []int) ([]float64, []int, error) {
	colOf := seq(m.Cols) // original column of each replicated column
	ones := true
	for j, k := range capacity {
		if k < 0 {
			return nil, nil, fmt.Errorf("%w: column %d has negative capacity %d", ErrBadMatrix, j, k)
		}
		ones = ones && k == 1
	}
	if ones {
		return m.Score, colOf, nil
	}
	colOf = colOf[:0]
	for j, k := range capacity {
		for range k {
			colOf = append(colOf, j)
		}
	}
	w := len(colOf)
	score := make([]float64, m.Rows*w)
	for i := 0; i < m.Rows; i++ {
		src := m.Score[i*m.Cols : (i+1)*m.Cols]
		dst := score[i*w : (i+1)*w]
		for k, j := range colOf {
			dst[k] = src[j]
		}
	}
	return score, colOf, nil
}

// solveScores is the exact solver on an n×m score matrix (-Inf forbidden):
// the most pairs, then the highest total. It never changes score. It
// returns each row's column, or -1.
func solveScores(ctx context.Context, n, m int, score []float64, opt lapOptions, progress func(done, total int)) ([]int, error) {
	rowCol := make([]int, n)
	for i := range rowCol {
		rowCol[i] = -1
	}
	parts := decompose(n, m, score)
	total := 0
	for _, p := range parts {
		total += len(p.rows)
	}
	done := 0
	for _, p := range parts {
		var report func(int, int)
		if progress != nil {
			base := done
			// Rows the initialisation settled count as done; the LAP
			// reports the rows it still had to augment.
			rows := len(p.rows)
			report = func(d, free int) { progress(base+rows-free+d, total) }
		}
		var x []int
		var err error
		if p.transposed {
			x, err = solveTransposed(ctx, m, score, p, opt, report)
		} else {
			sub := extract(n, m, score, p)
			x, err = solveLAP(ctx, len(p.rows), len(p.cols), sub, opt, report)
		}
		if err != nil {
			return nil, err
		}
		for r, c := range x {
			if p.transposed {
				rowCol[p.cols[c]] = p.rows[r]
			} else {
				rowCol[p.rows[r]] = p.cols[c]
			}
		}
		done += len(p.rows)
	}
	return rowCol, nil
}

// extract copies a part's cells into a dense matrix of its own (rows of the
// part by its columns), or returns score itself when the part is the whole
// matrix, which is the common case and saves a copy. Transposed parts are
// tall.go's.
func extract(n, m int, score []float64, p part) []float64 {
	a, b := len(p.rows), len(p.cols)
	if a == n && b == m {
		return score
	}
	sub := make([]float64, a*b)
	for r, i := range p.rows {
		src := score[i*m : (i+1)*m]
		dst := sub[r*b : (r+1)*b]
		for c, j := range p.cols {
			dst[c] = src[j]
		}
	}
	return sub
}
