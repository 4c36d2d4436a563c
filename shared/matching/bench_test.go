package matching

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// benchMatrix is the uniform random score matrix the benchmarks and the
// SciPy comparison share: scores in [0, 1) rounded to 6 decimals, so the
// CSV written below parses back to exactly the same float64s anywhere.
func benchMatrix(rows, cols int, seed uint64) Matrix {
	r := rand.New(rand.NewPCG(seed, uint64(rows)<<32|uint64(cols)))
	m := NewMatrix(rows, cols)
	for k := range m.Score {
		m.Score[k] = float64(r.IntN(1_000_000)) / 1e6
	}
	return m
}

// coarseMatrix has scores with few distinct values, as real ones are:
// integers 0–10 (steps 1) or one-decimal scores 0.0–10.0 (steps 10), so
// every row has many columns at its best score.
func coarseMatrix(rows, cols int, seed uint64, steps int) Matrix {
	r := rand.New(rand.NewPCG(seed, uint64(rows)<<32|uint64(cols)))
	m := NewMatrix(rows, cols)
	for k := range m.Score {
		m.Score[k] = float64(r.IntN(10*steps+1)) / float64(steps)
	}
	return m
}

var benchSizes = []struct{ rows, cols int }{
	{1000, 1000}, {2000, 2000}, {5000, 5000}, {1000, 3000}, {3000, 1000},
}

// BenchmarkSolve times the solver on uniform random scores (almost no
// ties) and on coarse ones (integer and one-decimal: ties everywhere), in
// the shapes of infra/scripts/solver-vs-scipy.py, which times SciPy on
// the same kinds of matrices beside it.
func BenchmarkSolve(b *testing.B) {
	kinds := []struct {
		name string
		make func(rows, cols int) Matrix
	}{
		{"uniform", func(rows, cols int) Matrix { return benchMatrix(rows, cols, 1) }},
		{"integer", func(rows, cols int) Matrix { return coarseMatrix(rows, cols, 1, 1) }},
		{"one-decimal", func(rows, cols int) Matrix { return coarseMatrix(rows, cols, 1, 10) }},
	}
	for _, k := range kinds {
		for _, s := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dx%d", k.name, s.rows, s.cols), func(b *testing.B) {
				if s.rows*s.cols > 4_000_000 && testing.Short() {
					b.Skip("large matrix skipped in -short mode")
				}
				m := k.make(s.rows, s.cols)
				for b.Loop() {
					if _, err := Solve(context.Background(), m); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestWriteBenchMatrices writes the benchmark matrices as CSV (no header,
// one row per line) for comparing with other solvers, e.g. SciPy's
// linear_sum_assignment, outside this repository. It runs only when asked:
//
//	UPWARD_BENCH_DIR=/tmp/lap go test -run TestWriteBenchMatrices ./shared/matching
func TestWriteBenchMatrices(t *testing.T) {
	dir := os.Getenv("UPWARD_BENCH_DIR")
	if dir == "" {
		t.Skip("set UPWARD_BENCH_DIR to write the benchmark matrices")
	}
	for _, s := range benchSizes {
		m := benchMatrix(s.rows, s.cols, 1)
		a, err := Solve(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, fmt.Sprintf("uniform_%dx%d.csv", s.rows, s.cols))
		if err := writeCSV(name, m); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d pairs, total %.6f", name, len(a.Pairs), a.Total)
	}
}

func writeCSV(name string, m Matrix) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var buf []byte
	for i := 0; i < m.Rows; i++ {
		buf = buf[:0]
		for j := 0; j < m.Cols; j++ {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendFloat(buf, m.At(i, j), 'f', -1, 64)
		}
		buf = append(buf, '\n')
		if _, err := w.Write(buf); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
