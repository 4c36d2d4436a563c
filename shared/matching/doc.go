// Package matching pairs a programme's seniors with junior mentors: the
// hard rules that rule a pair out, the soft preferences that score it, the
// exact solver that picks the pairs, and the words that explain every pair
// and everyone left unpaired. It is pure Go: no storage, mail or AWS.
//
// # The solver
//
// Solve takes a dense score matrix (rows = seniors, columns = juniors,
// Forbidden for a pair that breaks a hard rule) and returns the pairing
// with the most pairs and, among those, the highest total score. Both are
// exact:
//
//   - "most pairs first" comes from the Dulmage–Mendelsohn decomposition of
//     the allowed cells (structure.go), which splits the problem into three
//     assignment problems that each have a complete solution. No big-M
//     penalty is added to the scores, so no score precision is lost and no
//     epsilon is needed.
//   - each of those is solved by LAPJV (lapjv.go), a shortest augmenting
//     path algorithm with Jonker and Volgenant's initialisation. It was
//     chosen over min-cost flow because the matrices are dense (nearly
//     every pair is allowed), where a dense O(n²)-per-path Dijkstra with
//     contiguous rows beats any graph representation, and over SciPy's
//     plain shortest augmenting path because the initialisation settles
//     most rows cheaply: on uniform random matrices it is two to three
//     times faster. Real scores are coarse, so a row has many columns at
//     its best score; the initialisation then matches rows to free best
//     columns, reading a row only until it finds one, and searches at once
//     for a row whose best columns are all taken. A part with more rows
//     than columns (more seniors than juniors) is solved turned round, and
//     its first assignment is read from the matrix as it is, which often
//     settles it without the transposed copy (tall.go).
//   - capacities (a junior who may mentor k seniors) are copies of the
//     junior's column, which keeps the problem a plain assignment.
//
// The result depends only on the matrix, so the same input always gives
// the same pairs; Match sorts people by email before building the matrix,
// so the order of the input does not matter either.
package matching
