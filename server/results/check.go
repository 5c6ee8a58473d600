package results

import "math"

// system is a set of counts that are published together, which of them are hidden, and
// the additive lines a reader knows tie them together (members add up to a total). It
// checks what disclosure.Policy.Table promises for its own tables: every line is safe
// and no hidden count can be worked out from the shown ones. The results package uses it
// to verify a table whose margins are published elsewhere, never to decide suppression.
type system struct {
	vals     []int64
	hidden   []bool
	lines    []sysLine
	k        int64
	showZero bool
}

type sysLine struct {
	members []int
	total   int
}

// safe reports whether the system keeps its promises: no shown count from 1 to k−1 (nor
// zero unless zeros are shown), no shown zero in a line of fewer than k, every line with a
// shown total hiding no member or at least two that add up to k or more, every line with
// a hidden total hiding a member too, and no hidden count determined by the lines.
func (s *system) safe() bool {
	for i, v := range s.vals {
		if !s.hidden[i] && ((v > 0 && v < s.k) || (v == 0 && !s.showZero) || v < 0) {
			return false
		}
	}
	for _, l := range s.lines {
		n, sum := 0, int64(0)
		t := s.vals[l.total]
		for _, m := range l.members {
			if s.hidden[m] {
				n++
				sum += s.vals[m]
			} else if s.vals[m] == 0 && t > 0 && t < s.k {
				return false
			}
		}
		if s.hidden[l.total] {
			if n == 0 && len(l.members) > 0 {
				return false
			}
		} else if n == 1 || (n > 1 && sum < s.k) {
			return false
		}
	}
	return !s.determined()
}

// determined reports whether some hidden count is fixed by the lines: whether, in reduced
// row echelon form of the lines' coefficients on the hidden counts, a row has one entry.
func (s *system) determined() bool {
	col := map[int]int{}
	for i, h := range s.hidden {
		if h {
			col[i] = len(col)
		}
	}
	var rows [][]float64
	for _, l := range s.lines {
		row := make([]float64, len(col))
		nonzero := false
		for _, m := range l.members {
			if j, ok := col[m]; ok {
				row[j]++
				nonzero = true
			}
		}
		if j, ok := col[l.total]; ok {
			row[j]--
			nonzero = true
		}
		if nonzero {
			rows = append(rows, row)
		}
	}
	n := len(col)
	r := 0
	var pivots []int
	for c := 0; c < n && r < len(rows); c++ {
		p := -1
		for i := r; i < len(rows); i++ {
			if math.Abs(rows[i][c]) > 1e-9 && (p < 0 || math.Abs(rows[i][c]) > math.Abs(rows[p][c])) {
				p = i
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		pv := rows[r][c]
		for j := c; j < n; j++ {
			rows[r][j] /= pv
		}
		for i := range rows {
			if i == r || math.Abs(rows[i][c]) <= 1e-9 {
				continue
			}
			f := rows[i][c]
			for j := c; j < n; j++ {
				rows[i][j] -= f * rows[r][j]
			}
		}
		pivots = append(pivots, c)
		r++
	}
	for i, c := range pivots {
		single := true
		for j := 0; j < n; j++ {
			if j != c && math.Abs(rows[i][j]) > 1e-9 {
				single = false
				break
			}
		}
		if single {
			return true
		}
	}
	return false
}

// tableSystem lays out a two-way table with its margins: cells row by row, then the row
// totals, the column totals and the grand total.
func tableSystem(cells [][]int64, k int64, showZero bool) (*system, func(i, j int) int, func(i int) int, func(j int) int, int) {
	nr, nc := len(cells), len(cells[0])
	cell := func(i, j int) int { return i*nc + j }
	rowT := func(i int) int { return nr*nc + i }
	colT := func(j int) int { return nr*nc + nr + j }
	grand := nr*nc + nr + nc
	s := &system{vals: make([]int64, grand+1), hidden: make([]bool, grand+1), k: k, showZero: showZero}
	for i, r := range cells {
		for j, v := range r {
			s.vals[cell(i, j)] = v
			s.vals[rowT(i)] += v
			s.vals[colT(j)] += v
			s.vals[grand] += v
		}
	}
	for i := range nr {
		l := sysLine{total: rowT(i)}
		for j := range nc {
			l.members = append(l.members, cell(i, j))
		}
		s.lines = append(s.lines, l)
	}
	for j := range nc {
		l := sysLine{total: colT(j)}
		for i := range nr {
			l.members = append(l.members, cell(i, j))
		}
		s.lines = append(s.lines, l)
	}
	m := sysLine{total: grand}
	for i := range nr {
		m.members = append(m.members, rowT(i))
	}
	s.lines = append(s.lines, m)
	m = sysLine{total: grand}
	for j := range nc {
		m.members = append(m.members, colT(j))
	}
	s.lines = append(s.lines, m)
	return s, cell, rowT, colT, grand
}
