package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/upward-mentoring/upward/shared/matching"
)

func init() {
	register(command{
		name:    "assign",
		summary: "solve a bare score matrix: the most pairs, then the highest total",
		usage:   "[--in scores.csv]",
		setup: func(fs *flag.FlagSet) func(ctx context.Context, env *Env) error {
			in := fs.String("in", "-", "score matrix as CSV without a header: one row per senior, one column per junior, higher is better, an empty cell forbids the pair ('-' reads standard input)")
			return func(ctx context.Context, env *Env) error {
				data, err := readInput(*in, env.Stdin)
				if err != nil {
					return err
				}
				m, err := parseScores(data)
				if err != nil {
					return err
				}
				start := time.Now()
				a, err := matching.Solve(ctx, m)
				if err != nil {
					return err
				}
				elapsed := time.Since(start)
				out := struct {
					Pairs   [][2]int `json:"pairs"`
					Total   float64  `json:"total"`
					SolveMS float64  `json:"solve_ms"`
				}{Pairs: [][2]int{}, Total: a.Total, SolveMS: math.Round(float64(elapsed.Microseconds())) / 1000}
				for _, c := range a.Pairs {
					out.Pairs = append(out.Pairs, [2]int{c.Row, c.Col})
				}
				return json.NewEncoder(env.Stdout).Encode(out)
			}
		},
	})
}

// readInput reads a file, or stdin for "-" or "".
func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "" || name == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read scores: %w", err)
	}
	return data, nil
}

// parseScores reads the matrix. It splits bytes itself rather than using
// encoding/csv: a 2000×2000 matrix is four million numbers, and the cells
// are plain numbers that never need quoting (quotes and spaces around a
// number are still accepted).
func parseScores(data []byte) (matching.Matrix, error) {
	var m matching.Matrix
	// Size the matrix once: growing it by appending would briefly hold
	// two or three copies of a 200 MB matrix.
	m.Score = make([]float64, 0, bytes.Count(data, []byte{','})+bytes.Count(data, []byte{'\n'})+1)
	line := 0
	for len(data) > 0 {
		line++
		var row []byte
		if k := bytes.IndexByte(data, '\n'); k >= 0 {
			row, data = data[:k], data[k+1:]
		} else {
			row, data = data, nil
		}
		row = bytes.TrimSuffix(row, []byte{'\r'})
		if line == 1 {
			row = bytes.TrimPrefix(row, []byte("\xEF\xBB\xBF"))
		}
		if len(bytes.TrimSpace(row)) == 0 {
			continue // blank lines, such as the last one
		}
		cols := 0
		for {
			var cell []byte
			k := bytes.IndexByte(row, ',')
			if k >= 0 {
				cell, row = row[:k], row[k+1:]
			} else {
				cell = row
			}
			cols++
			cell = bytes.Trim(bytes.TrimSpace(cell), `"`)
			if len(cell) == 0 {
				m.Score = append(m.Score, matching.Forbidden)
			} else {
				v, err := strconv.ParseFloat(string(cell), 64)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					return m, fmt.Errorf("line %d, column %d: %q is not a number (write a score, or leave the cell empty to forbid the pair)", line, cols, cell)
				}
				m.Score = append(m.Score, v)
			}
			if k < 0 {
				break
			}
		}
		if m.Rows == 0 {
			m.Cols = cols
		} else if cols != m.Cols {
			return m, fmt.Errorf("line %d has %d cells but line 1 has %d; every row needs one cell per junior", line, cols, m.Cols)
		}
		m.Rows++
	}
	return m, nil
}
