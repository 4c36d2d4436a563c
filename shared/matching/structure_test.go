package matching

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// One instance with all three parts of the decomposition:
//
//	r0: c0          the perfectly matched part (RC×CC)
//	r1: c1          two rows want one column: one of r1, r2 must stay
//	r2: c1          out (RD = {r1, r2}, CA = {c1})
//	r3: c2 c3       one row, two columns: one column stays free
//	                (RA = {r3}, CD = {c2, c3})
func TestDecomposeFindsAllThreeParts(t *testing.T) {
	m := matrixOf([][]float64{
		{5, F, F, F},
		{F, 1, F, F},
		{F, 7, F, F},
		{F, F, 2, 9},
	})
	got := decompose(m.Rows, m.Cols, m.Score)
	want := []part{
		{rows: []int{1}, cols: []int{1, 2}, transposed: true},
		{rows: []int{3}, cols: []int{2, 3}},
		{rows: []int{0}, cols: []int{0}},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(part{})); diff != "" {
		t.Fatalf("parts (-want +got):\n%s", diff)
	}
	a, err := Solve(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Cell{{0, 0}, {2, 1}, {3, 3}}, a.Pairs); diff != "" {
		t.Errorf("pairs (-want +got):\n%s", diff)
	}
}

func TestMaxMatchingSize(t *testing.T) {
	tests := []struct {
		name   string
		scores [][]float64
		want   int
	}{
		{"needs an augmenting path", [][]float64{{1, 1}, {1, F}}, 2},
		{"Hall violation", [][]float64{{1, F, F}, {1, F, F}, {F, 1, 1}}, 2},
		{"rows without cells", [][]float64{{F, F}, {F, F}, {1, 1}}, 1},
		{"long chain", [][]float64{
			{1, 1, F, F},
			{F, 1, 1, F},
			{F, F, 1, 1},
			{1, F, F, F},
		}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := matrixOf(tt.scores)
			rowMate, colMate := maxMatching(m.Rows, m.Cols, func(i, j int) bool { return m.At(i, j) > F })
			size := 0
			for i, j := range rowMate {
				if j >= 0 {
					size++
					if colMate[j] != i {
						t.Fatalf("row %d → column %d, but column %d → row %d", i, j, j, colMate[j])
					}
				}
			}
			if size != tt.want {
				t.Errorf("matching size = %d, want %d", size, tt.want)
			}
		})
	}
}
