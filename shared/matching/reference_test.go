package matching

import "math"

// Two slow, independent solvers that the fast one is checked against.

// bruteForce finds the most pairs and then the highest total by dynamic
// programming over rows, with the state the number of rows each column
// has taken so far (mixed radix, capacity+1 per column). Exact and simple
// enough to trust; exponential in the number of columns.
func bruteForce(m Matrix, capacity []int) (pairs int, total float64) {
	caps := make([]int, m.Cols)
	for j := range caps {
		caps[j] = 1
		if capacity != nil {
			caps[j] = capacity[j]
		}
	}
	radix := make([]int, m.Cols) // place value of column j in the state
	states := 1
	for j := range caps {
		radix[j] = states
		states *= caps[j] + 1
	}
	type best struct {
		ok    bool
		pairs int
		total float64
	}
	better := func(a best, p int, t float64) bool {
		return !a.ok || p > a.pairs || (p == a.pairs && t > a.total)
	}
	cur := make([]best, states)
	cur[0] = best{ok: true}
	for i := 0; i < m.Rows; i++ {
		next := make([]best, states)
		for s, b := range cur {
			if !b.ok {
				continue
			}
			if better(next[s], b.pairs, b.total) { // row i left unpaired
				next[s] = b
			}
			for j := 0; j < m.Cols; j++ {
				sc := m.At(i, j)
				if math.IsInf(sc, -1) || (s/radix[j])%(caps[j]+1) == caps[j] {
					continue
				}
				t := s + radix[j]
				if better(next[t], b.pairs+1, b.total+sc) {
					next[t] = best{ok: true, pairs: b.pairs + 1, total: b.total + sc}
				}
			}
		}
		cur = next
	}
	var out best
	for _, b := range cur {
		if b.ok && better(out, b.pairs, b.total) {
			out = b
		}
	}
	return out.pairs, out.total
}

// hungarianReference solves integer-score instances exactly with the
// textbook O(n³) Hungarian algorithm on int64 costs, turning "most pairs,
// then highest total" into one objective with a bonus per pair larger than
// any difference in total score. That is exact in integers (it is the
// float64 version of this trick that is not). Each row gets a private
// dummy column so a row may stay unpaired.
func hungarianReference(m Matrix, capacity []int) (pairs int, total float64) {
	var colOf []int
	for j := 0; j < m.Cols; j++ {
		k := 1
		if capacity != nil {
			k = capacity[j]
		}
		for range k {
			colOf = append(colOf, j)
		}
	}
	n := m.Rows
	if n == 0 {
		return 0, 0
	}
	lo, hi := int64(0), int64(0)
	for _, s := range m.Score {
		if !math.IsInf(s, -1) {
			lo, hi = min(lo, int64(s)), max(hi, int64(s))
		}
	}
	bonus := int64(n)*(hi-lo) + 1
	const big = int64(1) << 50
	w := len(colOf) + n
	a := make([][]int64, n+1) // 1-based, as in the textbook
	for i := 1; i <= n; i++ {
		a[i] = make([]int64, w+1)
		for k := 1; k <= w; k++ {
			switch {
			case k <= len(colOf):
				s := m.At(i-1, colOf[k-1])
				if math.IsInf(s, -1) {
					a[i][k] = big
				} else {
					a[i][k] = -(bonus + int64(s))
				}
			case k-len(colOf) == i:
				a[i][k] = 0
			default:
				a[i][k] = big
			}
		}
	}
	u := make([]int64, n+1)
	v := make([]int64, w+1)
	p := make([]int, w+1)
	way := make([]int, w+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		minv := make([]int64, w+1)
		used := make([]bool, w+1)
		for j := range minv {
			minv[j] = math.MaxInt64
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], int64(math.MaxInt64), 0
			for j := 1; j <= w; j++ {
				if used[j] {
					continue
				}
				if cur := a[i0][j] - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= w; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	for k := 1; k <= len(colOf); k++ {
		if i := p[k]; i != 0 {
			pairs++
			total += m.At(i-1, colOf[k-1])
		}
	}
	return pairs, total
}
