package matching

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// errNoAssignment means a subproblem handed to the LAP core had no complete
// assignment. The structure step (structure.go) rules that out, so seeing it
// is a bug, never a property of the input.
var errNoAssignment = errors.New("matching: internal error: subproblem has no complete assignment")

var inf = math.Inf(1)

// lapOptions tune the initialisation; tests turn it down to reach the
// paths that a well-initialised solve rarely takes.
type lapOptions struct {
	reduceColumns bool // column reduction and transfer (square problems only)
	rowPasses     int  // passes of augmenting row reduction
	rebidsPerRow  int  // budget of immediate re-bids per pass, per row
}

var defaultLAP = lapOptions{reduceColumns: true, rowPasses: 2, rebidsPerRow: 1}

// solveLAP assigns every one of n rows to a distinct column among m ≥ n so
// that the total score is the highest. score is row-major (n×m), -Inf
// marks a forbidden cell, and a complete assignment must exist. It returns
// the column of each row. It reads score and never writes it, so callers
// need no copy.
//
// This is Jonker and Volgenant's LAPJV (Computing 38, 1987), written for
// scores rather than costs: cost c = -score throughout, and column prices
// are kept as V = -v, so the reduced cost c[i][j] - v[j] reads
// V[j] - score[i][j]. It is a cheap initialisation that settles most rows,
// then one shortest augmenting path search (Dijkstra on reduced costs) per
// row still free. The initialisation is:
//
//   - square problems: column reduction (each column's price is its best
//     score) and reduction transfer (a row that won exactly one column
//     hands its slack to that column's price);
//   - rectangular problems start from zero prices instead, because a column
//     left unassigned must end with the lowest V (zero) for the solution to
//     be optimal, and column reduction would break that (parts with more
//     rows than columns are turned round first: see tall.go);
//   - then two passes of augmenting row reduction: an auction in which a
//     free row takes its best column and raises that column's price by the
//     gap to its second best, displacing the previous owner. Rows whose
//     best columns tie, the usual case with coarse scores, take a free one
//     or get their shortest path search at once (see reduceRows).
//
// Every step keeps the invariant the augmentation relies on: V only rises,
// and each assigned row's column is a cheapest (best-scoring net of price)
// column of that row, so u[i] = V[x[i]] - score[i][x[i]] is a feasible
// dual. Plain Dijkstra per row is what SciPy does; the initialisation is why
// this is faster on dense random matrices, and the tie rules why it is
// faster still on coarse ones.
func solveLAP(ctx context.Context, n, m int, score []float64, opt lapOptions, progress func(done, total int)) ([]int, error) {
	if n > m || len(score) != n*m {
		return nil, fmt.Errorf("matching: internal error: LAP of %d×%d with %d cells", n, m, len(score))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x, y, V := newLAP(n, m)
	if n == 0 {
		return x, nil
	}
	var floor []float64
	if n == m && opt.reduceColumns {
		if err := reduceColumns(n, score, x, y, V); err != nil {
			return nil, err
		}
	} else {
		var err error
		if floor, err = rowFloors(n, m, score); err != nil {
			return nil, err
		}
	}
	if err := finishLAP(ctx, n, m, score, x, y, V, floor, opt, progress); err != nil {
		return nil, err
	}
	return x, nil
}

// newLAP returns the empty assignment of an n×m problem (x: each row's
// column, y: each column's row, -1 while free) and zero prices.
func newLAP(n, m int) (x, y []int, V []float64) {
	x = make([]int, n)
	y = make([]int, m)
	for i := range x {
		x[i] = -1
	}
	for j := range y {
		y[j] = -1
	}
	return x, y, make([]float64, m)
}

// rowFloors returns, for each row, the least reduced cost V[j] - score[i][j]
// it can have while every price is at least zero: minus its best score. A
// free column (price still zero) at that floor is a best column of the row
// for certain, which lets the auction stop reading the row there.
func rowFloors(n, m int, score []float64) ([]float64, error) {
	floor := make([]float64, n)
	for i := range floor {
		best := -inf
		for _, s := range score[i*m : i*m+m] {
			if s > best { // not the builtin max, whose care for NaN and -0 costs a third of the time
				best = s
			}
		}
		if best == -inf {
			return nil, errNoAssignment // a row with no allowed cell
		}
		floor[i] = -best
	}
	return floor, nil
}

// finishLAP takes an initialised problem (the invariant above holds: every
// assigned row is on a cheapest column) through the auction and the
// augmentation. floor[i] is a reduced cost row i cannot go below; nil
// means zero for every row, which holds once column reduction has made
// every price at least its column's best score.
func finishLAP(ctx context.Context, n, m int, score []float64, x, y []int, V, floor []float64, opt lapOptions, progress func(done, total int)) error {
	sp := newPaths(m, score, x, y, V)
	if err := reduceRows(ctx, sp, n, floor, opt.rowPasses, opt.rebidsPerRow*n, progress); err != nil {
		return err
	}
	var free []int
	for i, j := range x {
		if j < 0 {
			free = append(free, i)
		}
	}
	return augment(ctx, sp, free, progress)
}

// reduceColumns is LAPJV's column reduction and reduction transfer for a
// square problem.
func reduceColumns(n int, score []float64, x, y []int, V []float64) error {
	imax := make([]int, n)
	for j := range V {
		V[j] = -inf
		imax[j] = -1
	}
	// Row by row, not column by column: the matrix is row-major, and a
	// strided walk down columns would miss the cache on every cell.
	for i := 0; i < n; i++ {
		row := score[i*n : i*n+n]
		for j, s := range row {
			if s > V[j] {
				V[j] = s
				imax[j] = i
			}
		}
	}
	matches := make([]int, n)
	for j := n - 1; j >= 0; j-- {
		i := imax[j]
		if i < 0 {
			return errNoAssignment // a column with no allowed cell
		}
		matches[i]++
		switch {
		case matches[i] == 1:
			x[i], y[j] = j, i
		case V[j] > V[x[i]]:
			y[x[i]] = -1
			x[i], y[j] = j, i
		}
	}
	for i := 0; i < n; i++ {
		if matches[i] != 1 {
			continue
		}
		j1 := x[i]
		row := score[i*n : i*n+n]
		mu := inf
		for j, s := range row {
			if j != j1 {
				if h := V[j] - s; h < mu {
					mu = h
				}
			}
		}
		if mu < inf { // a row with one allowed cell keeps its price
			V[j1] = row[j1] + mu
		}
	}
	return nil
}

// reduceRows is LAPJV's augmenting row reduction: passes of an auction
// over the free rows.
//
// Price rises can be tiny with floating-point scores, and then the
// auction crawls (unbounded, it took ten times longer than everything else
// on a 2000×2000 random matrix); a budget of immediate re-bids keeps it
// cheap. Whatever it leaves free, the augmentation finishes exactly.
//
// Ties need their own rule. Real scores are coarse (small integers, one
// decimal), so a row usually has many columns at its best reduced cost,
// and no price can rise between them: the textbook auction then swaps an
// owner out for nothing, and the swapped-out row does the same to another,
// round and round. Here a row whose best columns tie takes one of them
// that is still free, and if all are taken, gets its shortest augmenting
// path search straight away. On a tie-heavy matrix this makes the auction
// a greedy matching on the best cells, which settles nearly every row in a
// short read of it (see floors and rowBest.scan).
//
// floors[i] is a reduced cost row i cannot go below (nil: zero for every
// row); ctx and progress are for the searches.
func reduceRows(ctx context.Context, sp *paths, n int, floors []float64, passes, budget int, progress func(done, total int)) error {
	m, score, x, y, V := sp.m, sp.score, sp.x, sp.y, sp.V
	free := make([]int, 0, n)
	for i, j := range x {
		if j < 0 {
			free = append(free, i)
		}
	}
	searches, total := 0, len(free)
	// Rows start reading at the first free column: columns fill from the
	// left, and reading from column 0 every time, each row would read past
	// all the taken ones before reaching a free one. (It also keeps the
	// choice among tied free columns the lowest, as a search's would be;
	// starting after the last column taken instead spread the rows of a
	// real programme's matrix so that the searches after them scanned 15 %
	// more rows.) Columns never become free again here, so start only
	// moves right.
	start := 0
	for pass := 0; pass < passes && len(free) > 0; pass++ {
		k, prv, next := 0, len(free), 0
		for k < prv {
			i := free[k]
			k++
			row := score[i*m : i*m+m]
			floor := 0.0
			if floors != nil {
				floor = floors[i]
			}
			b := rowBest{u1: inf, u2: inf, j1: -1, jf: -1}
			if !b.scan(row, V, y, start, m, floor) {
				b.scan(row, V, y, 0, start, floor)
			}
			u1, u2, j1, jf := b.u1, b.u2, b.j1, b.jf
			if j1 < 0 || u1 == inf {
				return errNoAssignment // a row with no allowed cell
			}
			if u1 == u2 {
				// A tie: take a free best column if there is one.
				if jf >= 0 {
					x[i], y[jf] = jf, i
					for start < m-1 && y[start] >= 0 {
						start++
					}
					continue
				}
				// Every best column is taken, and displacing an owner
				// would raise no price. Search for the row's augmenting
				// path now rather than after the auction: the search
				// raises the prices of the contested columns, which steers
				// the rows still to come to other columns while they have
				// a choice. Left to the end, such rows meet every contested
				// column taken by a row that could have gone elsewhere, and
				// each search walks the whole contested cluster.
				if searches%64 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
					if progress != nil {
						progress(searches, total)
					}
				}
				searches++
				if err := sp.augment(i); err != nil {
					return err
				}
				continue
			}
			// One best column: bid for it, raising its price until the
			// row is indifferent between it and its second best, and
			// displace its owner, who bids next (within the budget).
			if u2 < inf {
				V[j1] += u2 - u1
			}
			i0 := y[j1]
			x[i], y[j1] = j1, i
			if i0 >= 0 {
				x[i0] = -1
				if u2 < inf && budget > 0 {
					budget--
					k--
					free[k] = i0
				} else {
					free[next] = i0
					next++
				}
			}
		}
		free = free[:next]
	}
	return nil
}

// rowBest is what the auction's read of a row has found so far: u1, the
// least reduced cost, and j1, the first column read with it; u2, the least
// of the other columns (u1 again on a tie); jf, a free column at u1.
type rowBest struct {
	u1, u2 float64
	j1, jf int
}

// scan reads columns [lo, hi) of a row. It reports true when it stopped
// early: at two columns at the floor, one of them free. (One column at the
// floor is not enough: if it is the only one, the auction raises its price
// to the row's second best, which needs the whole row, and skipping that
// rise cost 13 % more searching on random matrices.)
func (b *rowBest) scan(row, V []float64, y []int, lo, hi int, floor float64) bool {
	u1, u2, j1, jf := b.u1, b.u2, b.j1, b.jf
	row, V = row[:hi], V[:hi]
	stop := false
	for j := lo; j < hi; j++ {
		h := V[j] - row[j]
		if h <= u2 { // rare once u1 and u2 settle, unless scores tie
			switch {
			case h < u1:
				u2 = u1
				u1, j1, jf = h, j, -1
				if y[j] < 0 {
					jf = j
				}
			case h == u1:
				// A tie at the least so far (u2 = u1). At the floor no
				// column can be better, nor make a price rise possible, so
				// once one of the tied columns is free the rest of the row
				// cannot change the outcome.
				u2 = h
				if jf < 0 && y[j] < 0 {
					jf = j
				}
				stop = jf >= 0 && h <= floor
			default:
				u2 = h
			}
			if stop {
				break
			}
		}
	}
	b.u1, b.u2, b.j1, b.jf = u1, u2, j1, jf
	return stop
}

// augment runs a shortest augmenting path search for each free row, in
// order, checking ctx and reporting progress every 64 searches.
func augment(ctx context.Context, sp *paths, free []int, progress func(done, total int)) error {
	for done, f := range free {
		if done%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if progress != nil {
				progress(done, len(free))
			}
		}
		if err := sp.augment(f); err != nil {
			return err
		}
	}
	if progress != nil {
		progress(len(free), len(free))
	}
	return nil
}

// paths is the shortest augmenting path search (Dijkstra on reduced
// costs) of one LAP, with buffers that every search reuses, so searches
// allocate nothing.
//
// Columns live at positions in one array partitioned as [scanned | at the
// current least distance | the rest]. Distances and prices are stored by
// position, not by column, so the hot loop (relaxing every unscanned column
// from a newly scanned row) reads them sequentially and gathers only the
// row's scores; moving a column between partitions swaps its three entries.
type paths struct {
	m     int
	score []float64
	x, y  []int
	V     []float64
	cols  []int     // column at each position
	P     []float64 // price V of the column at each position
	d     []float64 // distance of the column at each position
	pred  []int     // by column: the row the search reached it from
}

func newPaths(m int, score []float64, x, y []int, V []float64) *paths {
	return &paths{m: m, score: score, x: x, y: y, V: V,
		cols: make([]int, m), P: make([]float64, m), d: make([]float64, m), pred: make([]int, m)}
}

// augment assigns free row f by flipping a shortest alternating path from
// it to a free column, and moves the prices of the columns it scanned so
// that the invariant holds again.
func (sp *paths) augment(f int) error {
	m, score, x, y, V := sp.m, sp.score, sp.x, sp.y, sp.V
	cols, P, d, pred := sp.cols, sp.P, sp.d, sp.pred
	// Start every search from columns in their natural order: the swaps
	// below move few of them, so reading a scanned row's scores at cols[k]
	// stays close to sequential and the hardware prefetcher keeps up.
	// (Carrying one permutation from search to search scatters those reads
	// and cost a third of the time at 5000×5000.)
	row := score[f*m : f*m+m]
	copy(P, V)
	for k := range cols {
		cols[k] = k
		d[k] = P[k] - row[k]
		pred[k] = f
	}
	low, up, last := 0, 0, 0
	end := -1
	var min float64
	for end < 0 {
		if up == low {
			if low == m {
				return errNoAssignment
			}
			// Gather every column at the least distance into positions
			// [low, up).
			last = low
			min = d[up]
			up++
			for k := up; k < m; k++ {
				if h := d[k]; h <= min {
					if h < min {
						up = low
						min = h
					}
					swap(cols, P, d, k, up)
					up++
				}
			}
			if min == inf {
				return errNoAssignment
			}
			for k := low; k < up; k++ {
				if y[cols[k]] < 0 {
					end = cols[k]
					break
				}
			}
			if end >= 0 {
				break
			}
		}
		// Scan the row assigned to the next column at the minimum.
		j1 := cols[low]
		i := y[j1]
		r := score[i*m : i*m+m]
		u1 := P[low] - r[j1] - min
		low++
		up, end = relax(cols, P, d, pred, y, r, i, u1, min, up)
	}
	// Columns scanned before the last search for the minimum move their
	// price by how much closer they were than the free column found.
	for k := 0; k < last; k++ {
		V[cols[k]] = P[k] - (d[k] - min)
	}
	for {
		i := pred[end]
		y[end] = i
		next := x[i]
		x[i] = end
		if i == f {
			break
		}
		end = next
	}
	return nil
}

// relax is the hot loop of the search: it brings every unscanned column
// (positions from up on) closer through row i, whose scores are r, moves
// those that reach the current least distance min into the [low, up)
// partition, and stops at a free one. It returns the new up and that free
// column, or -1. (It is a function of its own so that the compiler keeps
// its few values in registers: inside augment, with the search's other
// state live, it spilled them and the loop ran 15 % slower.)
func relax(cols []int, P, d []float64, pred, y []int, r []float64, i int, u1, min float64, up int) (int, int) {
	P, d = P[:len(cols)], d[:len(cols)]
	for k := up; k < len(cols); k++ {
		j := cols[k]
		h := P[k] - r[j] - u1
		if h < d[k] {
			d[k] = h
			pred[j] = i
			if h == min {
				if y[j] < 0 {
					return up, j
				}
				swap(cols, P, d, k, up)
				up++
			}
		}
	}
	return up, -1
}

func swap(cols []int, P, d []float64, a, b int) {
	cols[a], cols[b] = cols[b], cols[a]
	P[a], P[b] = P[b], P[a]
	d[a], d[b] = d[b], d[a]
}
