package disclosure

import (
	"math"
	"slices"
)

// line is one additive constraint a reader knows: the members add up to the total.
// Indexes refer to the values of a problem.
type line struct {
	members []int
	total   int
}

// problem is a set of counts, which of them are hidden, and the lines that tie them together.
// Tables, lists and area hierarchies are all turned into one.
type problem struct {
	vals   []int
	hidden []bool
	lines  []line
	k      int
}

// protect applies secondary suppression: it hides further values until every line is safe
// (see the package documentation) and no hidden value is determined by the line equations.
// Primary suppression must already be marked in hidden.
func (pr *problem) protect() {
	for {
		pr.mendLines()
		j := pr.determined()
		if j < 0 {
			return
		}
		if !pr.hideNear(j) {
			return // everything in reach is hidden already; nothing more to do
		}
	}
}

// mendLines hides values until every line is safe, repeating to a fixed point.
func (pr *problem) mendLines() {
	for changed := true; changed; {
		changed = false
		for _, l := range pr.lines {
			for !pr.safe(l) {
				pr.hideIn(l)
				changed = true
			}
		}
	}
}

// safe reports whether a line gives nothing away: with its total shown, no hidden member or at
// least two whose sum is at least k; with its total hidden, at least one hidden member.
func (pr *problem) safe(l line) bool {
	n, sum := 0, 0
	for _, m := range l.members {
		if pr.hidden[m] {
			n++
			sum += pr.vals[m]
		}
	}
	if pr.hidden[l.total] {
		return n > 0 || len(l.members) == 0
	}
	return n == 0 || (n >= 2 && sum >= pr.k)
}

// hideIn hides one more value of an unsafe line: the smallest non-zero shown member, else a
// shown zero member, else the total. The total must then be hidden, so the loop ends.
func (pr *problem) hideIn(l line) {
	if m := pr.smallestShown(l.members); m >= 0 {
		pr.hidden[m] = true
		return
	}
	pr.hidden[l.total] = true
}

// smallestShown returns the shown index with the smallest non-zero value (the first on ties),
// else the first shown zero, else -1.
func (pr *problem) smallestShown(idx []int) int {
	best, zero := -1, -1
	for _, i := range idx {
		switch {
		case pr.hidden[i]:
		case pr.vals[i] == 0:
			if zero < 0 {
				zero = i
			}
		case best < 0 || pr.vals[i] < pr.vals[best]:
			best = i
		}
	}
	if best >= 0 {
		return best
	}
	return zero
}

// hideNear hides one more value to stop hidden value j being determined: the smallest shown
// member of a line through j, else a shown total of such a line, else the smallest shown value
// of any line. It reports false if every value in every line is hidden already.
func (pr *problem) hideNear(j int) bool {
	var members, totals []int
	for _, l := range pr.lines {
		if l.total == j || slices.Contains(l.members, j) {
			members = append(members, l.members...)
			totals = append(totals, l.total)
		}
	}
	i := pr.smallestShown(members)
	if i < 0 {
		i = pr.smallestShown(totals)
	}
	if i < 0 {
		var all []int
		for _, l := range pr.lines {
			all = append(all, l.members...)
			all = append(all, l.total)
		}
		i = pr.smallestShown(all)
	}
	if i < 0 {
		return false
	}
	pr.hidden[i] = true
	return true
}

// determined returns a hidden value that the line equations fix exactly, or -1 if there is
// none. Shown values are known to the reader; hidden ones are unknowns. A hidden value x_j is
// determined exactly when the unit vector e_j lies in the row space of the lines' coefficients
// on the unknowns, that is when, in reduced row echelon form, j is a pivot column whose row
// has no other non-zero entry.
func (pr *problem) determined() int {
	if all := pr.determinedAll(); len(all) > 0 {
		return all[0]
	}
	return -1
}

// determinedAll returns every hidden value the line equations fix exactly (see
// determined).
func (pr *problem) determinedAll() []int {
	col := make(map[int]int) // value index → column
	var vars []int
	for _, l := range pr.lines {
		for _, i := range l.members {
			if _, ok := col[i]; pr.hidden[i] && !ok {
				col[i] = len(vars)
				vars = append(vars, i)
			}
		}
		if _, ok := col[l.total]; pr.hidden[l.total] && !ok {
			col[l.total] = len(vars)
			vars = append(vars, l.total)
		}
	}
	var rows [][]float64
	for _, l := range pr.lines {
		row := make([]float64, len(vars))
		any := false
		for _, m := range l.members {
			if pr.hidden[m] {
				row[col[m]]++
				any = true
			}
		}
		if pr.hidden[l.total] {
			row[col[l.total]]--
			any = true
		}
		if any {
			rows = append(rows, row)
		}
	}
	var out []int
	for _, p := range reducedPivotRows(rows, len(vars)) {
		if p.single {
			out = append(out, vars[p.col])
		}
	}
	return out
}

type pivot struct {
	col    int
	single bool // the row has no other non-zero entry
}

// eps separates zero from non-zero. The coefficient matrices here are network matrices
// (entries 0, ±1), which stay totally unimodular under pivoting, so every entry is an exact
// small integer and any tolerance below 1/2 would do.
const eps = 1e-9

// reducedPivotRows brings rows to reduced row echelon form in place and describes each pivot.
func reducedPivotRows(rows [][]float64, ncols int) []pivot {
	var out []pivot
	r := 0
	for c := 0; c < ncols && r < len(rows); c++ {
		p := -1
		for i := r; i < len(rows); i++ {
			if math.Abs(rows[i][c]) > eps && (p < 0 || math.Abs(rows[i][c]) > math.Abs(rows[p][c])) {
				p = i
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		pv := rows[r][c]
		for j := c; j < ncols; j++ {
			rows[r][j] /= pv
		}
		for i := range rows {
			if i == r || math.Abs(rows[i][c]) <= eps {
				continue
			}
			f := rows[i][c]
			for j := c; j < ncols; j++ {
				rows[i][j] -= f * rows[r][j]
			}
		}
		out = append(out, pivot{col: c})
		r++
	}
	for i := range out {
		single := true
		for j := 0; j < ncols; j++ {
			if j != out[i].col && math.Abs(rows[i][j]) > eps {
				single = false
				break
			}
		}
		out[i].single = single
	}
	return out
}
