package matching

// The structure step makes "most pairs first, then the highest total"
// exact without a big-M penalty.
//
// A penalty formulation (cost = BIG - score, dummy columns at cost BIG') is
// exact only if BIG exceeds the largest possible difference in total score,
// about n times the score range. In float64 that swamps the scores' low
// bits, so two matchings that differ by less than an ulp of BIG compare
// equal and optimality is lost; no epsilon fixes that for every input.
//
// Instead the solver uses the Dulmage–Mendelsohn decomposition of the
// bipartite graph of allowed cells. Take any maximum matching M and let
//
//	RD = rows reachable from an unmatched row by an alternating path
//	     (unmatched rows included), CA = the columns next to RD;
//	CD = columns reachable from an unmatched column in the same way,
//	     RA = the rows next to CD;
//	RC, CC = every other row and column.
//
// These sets do not depend on M, and every maximum matching consists of
//
//  1. a matching of RD×CA that covers every column of CA,
//  2. a matching of RA×CD that covers every row of RA,
//  3. a perfect matching of RC×CC,
//
// and nothing else: no allowed cell joins RD to CC or CD (CA is all of
// RD's neighbours), nor CD to RC or RD (RA is all of CD's neighbours), and
// the cells RA×CA and RA×CC are never used because RA must go to CD. Any
// choice of the three parts has |CA|+|RA|+|RC| = |M| pairs. So the maximum
// matchings with the highest total are exactly the unions of the three
// parts' best complete assignments: three ordinary assignment problems
// that each have a complete solution, solved exactly with plain costs.
// (Proof sketch of independence from M: a row is in RD iff some maximum
// matching leaves it unmatched; likewise for columns in CD.)

// part is one of the three assignment problems: rows[a] and cols[b] index
// the original matrix, and every row of the part must be assigned
// (len(rows) ≤ len(cols)). transposed parts have rows and columns swapped.
type part struct {
	rows, cols []int
	transposed bool
}

// decompose finds a maximum matching of the allowed cells of an n×m score
// matrix (-Inf = forbidden) and splits the problem into the three parts.
// Parts with nothing to assign are left out.
func decompose(n, m int, score []float64) []part {
	allowed := func(i, j int) bool { return score[i*m+j] > -inf }
	rowMate, colMate := maxMatching(n, m, allowed)

	rowSide := make([]byte, n) // 0 = C, 'D', 'A'
	colSide := make([]byte, m)

	// Alternating search from every unmatched row: rows reached are RD,
	// columns reached are CA (all matched, or M would not be maximum).
	var queue []int
	unseenCols := seq(m)
	for i := 0; i < n; i++ {
		if rowMate[i] < 0 {
			rowSide[i] = 'D'
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for k := 0; k < len(unseenCols); {
			j := unseenCols[k]
			if !allowed(i, j) {
				k++
				continue
			}
			unseenCols[k] = unseenCols[len(unseenCols)-1]
			unseenCols = unseenCols[:len(unseenCols)-1]
			colSide[j] = 'A'
			if r := colMate[j]; r >= 0 && rowSide[r] == 0 {
				rowSide[r] = 'D'
				queue = append(queue, r)
			}
		}
	}
	// The same from every unmatched column: columns reached are CD, rows
	// reached are RA.
	queue = queue[:0]
	unseenRows := make([]int, 0, n)
	for i := 0; i < n; i++ {
		if rowSide[i] == 0 {
			unseenRows = append(unseenRows, i)
		}
	}
	for j := 0; j < m; j++ {
		if colMate[j] < 0 {
			colSide[j] = 'D'
			queue = append(queue, j)
		}
	}
	for len(queue) > 0 {
		j := queue[0]
		queue = queue[1:]
		for k := 0; k < len(unseenRows); {
			i := unseenRows[k]
			if !allowed(i, j) {
				k++
				continue
			}
			unseenRows[k] = unseenRows[len(unseenRows)-1]
			unseenRows = unseenRows[:len(unseenRows)-1]
			rowSide[i] = 'A'
			if c := rowMate[i]; c >= 0 && colSide[c] == 0 {
				colSide[c] = 'D'
				queue = append(queue, c)
			}
		}
	}

	var p1, p2, p3 part
	for i := 0; i < n; i++ {
		switch rowSide[i] {
		case 'D':
			p1.cols = append(p1.cols, i)
		case 'A':
			p2.rows = append(p2.rows, i)
		default:
			p3.rows = append(p3.rows, i)
		}
	}
	for j := 0; j < m; j++ {
		switch colSide[j] {
		case 'A':
			p1.rows = append(p1.rows, j)
		case 'D':
			p2.cols = append(p2.cols, j)
		default:
			p3.cols = append(p3.cols, j)
		}
	}
	p1.transposed = true
	var parts []part
	for _, p := range []part{p1, p2, p3} {
		if len(p.rows) > 0 {
			parts = append(parts, p)
		}
	}
	return parts
}

// maxMatching finds a maximum matching of a bipartite graph given by
// allowed(row, col): a greedy pass, then one breadth-first augmenting path
// search per row still unmatched. A search that fails marks everything it
// reached as dead: no later augmenting path can pass through such a
// "Hungarian tree" (its columns are all matched into it and its rows see
// no column outside it), so failed searches never repeat work.
func maxMatching(n, m int, allowed func(i, j int) bool) (rowMate, colMate []int) {
	rowMate = make([]int, n)
	colMate = make([]int, m)
	for i := range rowMate {
		rowMate[i] = -1
	}
	for j := range colMate {
		colMate[j] = -1
	}
	freeCols := seq(m)
	var unmatched []int
	for i := 0; i < n; i++ {
		found := false
		for k, j := range freeCols {
			if allowed(i, j) {
				rowMate[i], colMate[j] = j, i
				freeCols[k] = freeCols[len(freeCols)-1]
				freeCols = freeCols[:len(freeCols)-1]
				found = true
				break
			}
		}
		if !found {
			unmatched = append(unmatched, i)
		}
	}
	if len(unmatched) == 0 || len(freeCols) == 0 {
		return rowMate, colMate
	}
	deadCol := make([]bool, m)
	parent := make([]int, m) // row from which each column was reached
	var cand, reached, queue []int
	for _, r := range unmatched {
		cand = cand[:0]
		for j := 0; j < m; j++ {
			if !deadCol[j] {
				cand = append(cand, j)
			}
		}
		reached = reached[:0]
		queue = append(queue[:0], r)
		end := -1
	search:
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			for k := 0; k < len(cand); {
				j := cand[k]
				if !allowed(i, j) {
					k++
					continue
				}
				cand[k] = cand[len(cand)-1]
				cand = cand[:len(cand)-1]
				parent[j] = i
				reached = append(reached, j)
				if colMate[j] < 0 {
					end = j
					break search
				}
				queue = append(queue, colMate[j])
			}
		}
		if end < 0 {
			for _, j := range reached {
				deadCol[j] = true
			}
			continue
		}
		for end >= 0 {
			i := parent[end]
			next := rowMate[i]
			rowMate[i], colMate[end] = end, i
			end = next
		}
	}
	return rowMate, colMate
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
