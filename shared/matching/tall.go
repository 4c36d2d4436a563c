package matching

import "context"

// A part of the problem with more rows than columns (more seniors than
// juniors, the common shape) is solved the other way round: its columns
// become the rows of the LAP, which must all be assigned, and its rows
// become the LAP's columns, most of which stay free. The LAP reads its rows
// whole and in order, so it needs that transposed copy in memory, and on a
// tall matrix the copy is what costs most. Much of it can be skipped: the
// first assignment comes from the matrix as it is, read row by row, and
// the copy is made only if that leaves a column without its row.

// solveTransposed solves part p of the score matrix (m columns), whose LAP
// rows are the matrix's columns p.rows and whose LAP columns are its rows
// p.cols. It returns the LAP column (index into p.cols) of each LAP row.
//
// With every price zero, the cheapest cells of LAP row r (column j of the
// matrix) are those holding column j's best score, best[r]. Assigning r to
// any such cell keeps the invariant solveLAP's augmentation relies on, and
// since no price is raised, the LAP columns left free keep the lowest price,
// as a rectangular problem needs. So the initialisation is a greedy
// matching on best cells:
//
//   - one pass over the part's rows finds each column's best score and the
//     first row that holds it; that row takes the column unless an earlier
//     column took it (this is column reduction, seen from the matrix);
//   - columns whose best score is shared by several rows (ties, which is
//     the usual case with coarse scores) and that lost their first row then
//     look for any other free row holding their best: reading the rows not
//     yet taken, each stops at its first open column with its best score.
//     This step is kept only if it assigns every column.
//
// Whatever is left runs through the auction and the augmentation on the
// transposed copy, with floors from the best scores.
func solveTransposed(ctx context.Context, m int, score []float64, p part, opt lapOptions, progress func(done, total int)) ([]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a, b := len(p.rows), len(p.cols)
	x, y, V := newLAP(a, b)
	if a == 0 {
		return x, nil
	}
	best := make([]float64, a) // best score of each LAP row
	top := make([]int, a)      // the first LAP column holding it
	tied := make([]bool, a)    // whether a later one holds it too
	for r := range best {
		best[r] = -inf
	}
	allCols := a == m // then p.rows is every column in order: no gather
	for c, i := range p.cols {
		src := score[i*m : i*m+m]
		if allCols {
			src = src[:len(best)]
			for r, s := range src {
				if s >= best[r] { // rare after the first rows, unless scores tie
					if s > best[r] {
						best[r], top[r], tied[r] = s, c, false
					} else {
						tied[r] = true
					}
				}
			}
			continue
		}
		for r, j := range p.rows {
			if s := src[j]; s >= best[r] {
				if s > best[r] {
					best[r], top[r], tied[r] = s, c, false
				} else {
					tied[r] = true
				}
			}
		}
	}
	for _, s := range best {
		if s == -inf {
			return nil, errNoAssignment // a column with no allowed cell
		}
	}
	free := a
	if opt.reduceColumns {
		var open []int // LAP rows still free whose best score ties
		for r, c := range top {
			switch {
			case y[c] < 0:
				x[r], y[c] = c, r
				free--
			case tied[r]:
				open = append(open, r)
			}
		}
		var greedy []int // LAP rows the second step assigned
		for c, i := range p.cols {
			if len(open) == 0 {
				break
			}
			if y[c] >= 0 {
				continue
			}
			src := score[i*m : i*m+m]
			for k, r := range open {
				if src[p.rows[r]] == best[r] {
					x[r], y[c] = c, r
					free--
					greedy = append(greedy, r)
					open[k] = open[len(open)-1]
					open = open[:len(open)-1]
					break
				}
			}
		}
		if free > 0 {
			// The greedy choice among tied cells ignores how contested
			// each row is, so when it cannot finish, the columns it leaves
			// are the hard ones and each of their searches would walk the
			// whole contested cluster (on a real programme's matrix, 80 %
			// more rows scanned). Give its cells back, so the auction and
			// the searches assign those columns with prices rising as
			// they go.
			for _, r := range greedy {
				y[x[r]] = -1
				x[r] = -1
				free++
			}
		}
	}
	if free == 0 {
		if progress != nil {
			progress(0, 0)
		}
		return x, nil
	}
	sub := transpose(m, score, p)
	floor := best // reused: minus each LAP row's best score
	for r, s := range best {
		floor[r] = -s
	}
	if err := finishLAP(ctx, a, b, sub, x, y, V, floor, opt, progress); err != nil {
		return nil, err
	}
	return x, nil
}

// transpose copies part p of a row-major matrix with m columns into a
// dense row-major matrix with the part's columns as rows. It works in
// tiles, four source rows at a time, so that neither the reads nor the
// writes stride across the whole matrix, which would miss the cache on
// every cell.
func transpose(m int, score []float64, p part) []float64 {
	const tile = 32
	a, b := len(p.rows), len(p.cols)
	sub := make([]float64, a*b)
	for c0 := 0; c0 < b; c0 += tile {
		c1 := min(c0+tile, b)
		for r0 := 0; r0 < a; r0 += tile {
			rows := p.rows[r0:min(r0+tile, a)]
			c := c0
			for ; c+4 <= c1; c += 4 {
				s0 := score[p.cols[c]*m : p.cols[c]*m+m]
				s1 := score[p.cols[c+1]*m : p.cols[c+1]*m+m]
				s2 := score[p.cols[c+2]*m : p.cols[c+2]*m+m]
				s3 := score[p.cols[c+3]*m : p.cols[c+3]*m+m]
				for k, j := range rows {
					d := sub[(r0+k)*b+c : (r0+k)*b+c+4]
					d[0], d[1], d[2], d[3] = s0[j], s1[j], s2[j], s3[j]
				}
			}
			for ; c < c1; c++ {
				src := score[p.cols[c]*m : p.cols[c]*m+m]
				for k, j := range rows {
					sub[(r0+k)*b+c] = src[j]
				}
			}
		}
	}
	return sub
}
