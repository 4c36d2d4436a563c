package matching

import (
	"context"
	"testing"
)

// FuzzSolve decodes an instance from bytes (rows, columns, whether to use
// capacities, then cells) and checks the solver against brute force. The
// seeds below run in every plain `go test`; explore with
//
//	go test -run=^$ -fuzz=FuzzSolve -fuzztime=10s ./shared/matching
func FuzzSolve(f *testing.F) {
	f.Add([]byte{2, 2, 0, 100, 5, 5, 0})
	f.Add([]byte{3, 5, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte{8, 8, 0, 7, 0, 13, 200, 31, 0, 0, 99})
	f.Add([]byte{8, 3, 1, 0, 0, 0, 1})
	f.Add([]byte{1, 8, 0, 255, 254, 253})
	f.Add([]byte{6, 6, 0, 5, 10, 15, 20, 25, 30, 35})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		rows, cols := int(data[0]%9), int(data[1]%9)
		withCapacity := data[2]%2 == 1
		cells := data[3:]
		m := NewMatrix(rows, cols)
		for k := range m.Score {
			b := cells[k%len(cells)] ^ byte(k*37) // vary repeated bytes
			if b%5 == 0 {
				m.Score[k] = Forbidden
			} else {
				m.Score[k] = float64(int(b) - 128)
			}
		}
		var capacity []int
		if withCapacity {
			capacity = make([]int, cols)
			for j := range capacity {
				capacity[j] = int(cells[(j+7)%len(cells)] % 3)
			}
		}
		a, err := SolveWithCapacity(context.Background(), m, capacity)
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, m, capacity, a)
		wantPairs, wantTotal := bruteForce(m, capacity)
		if len(a.Pairs) != wantPairs || a.Total != wantTotal {
			t.Fatalf("%d×%d capacity %v scores %v: got %d pairs total %v, brute force %d total %v",
				rows, cols, capacity, m.Score, len(a.Pairs), a.Total, wantPairs, wantTotal)
		}
	})
}
