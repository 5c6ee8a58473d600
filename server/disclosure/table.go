package disclosure

import (
	"errors"
	"fmt"
)

// Table is a two-way table of counts after disclosure control, with its row, column and grand
// totals. Rows are groups (an age band, a council) and columns are answers, so a cell's Percent
// is its share of its row total; a row total's and a column total's Percent are their shares of
// the grand total; the grand total has none.
type Table struct {
	Cells        [][]Cell `json:"cells"`
	RowTotals    []Cell   `json:"row_totals"`
	ColumnTotals []Cell   `json:"column_totals"`
	Total        Cell     `json:"total"`
}

// List is one question's answer counts after disclosure control, with the base: the number of
// young people who answered it. Each option's Percent is its share of the base.
type List struct {
	Options []Cell `json:"options"`
	Base    Value  `json:"base"`
}

// Table applies primary and secondary suppression, rounding and percentages to a table of
// counts given by rows (rows[i][j] is the count in row i, column j); the totals are worked out
// here. It fails if the table is empty, ragged or has a negative count.
func (p Policy) Table(rows [][]int) (Table, error) {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return Table{}, errors.New("disclosure: empty table")
	}
	nr, nc := len(rows), len(rows[0])
	cell := func(i, j int) int { return i*nc + j }
	rowTotal := func(i int) int { return nr*nc + i }
	colTotal := func(j int) int { return nr*nc + nr + j }
	grand := nr*nc + nr + nc

	pr := &problem{vals: make([]int, grand+1), k: p.K()}
	for i, row := range rows {
		if len(row) != nc {
			return Table{}, fmt.Errorf("disclosure: row %d has %d counts, want %d", i, len(row), nc)
		}
		for j, n := range row {
			if n < 0 {
				return Table{}, fmt.Errorf("disclosure: negative count %d in row %d, column %d", n, i, j)
			}
			pr.vals[cell(i, j)] = n
			pr.vals[rowTotal(i)] += n
			pr.vals[colTotal(j)] += n
			pr.vals[grand] += n
		}
	}
	for i := range nr {
		l := line{total: rowTotal(i)}
		for j := range nc {
			l.members = append(l.members, cell(i, j))
		}
		pr.lines = append(pr.lines, l)
	}
	for j := range nc {
		l := line{total: colTotal(j)}
		for i := range nr {
			l.members = append(l.members, cell(i, j))
		}
		pr.lines = append(pr.lines, l)
	}
	margin := line{total: grand}
	for i := range nr {
		margin.members = append(margin.members, rowTotal(i))
	}
	pr.lines = append(pr.lines, margin)
	margin = line{total: grand}
	for j := range nc {
		margin.members = append(margin.members, colTotal(j))
	}
	pr.lines = append(pr.lines, margin)

	p.suppress(pr)

	t := Table{Cells: make([][]Cell, nr), RowTotals: make([]Cell, nr), ColumnTotals: make([]Cell, nc)}
	v := func(i int) Value { return p.value(pr, i) }
	for i := range nr {
		t.Cells[i] = make([]Cell, nc)
		for j := range nc {
			t.Cells[i][j] = Cell{Count: v(cell(i, j)), Percent: p.percent(v(cell(i, j)), v(rowTotal(i)), pr.vals[rowTotal(i)])}
		}
		t.RowTotals[i] = Cell{Count: v(rowTotal(i)), Percent: p.percent(v(rowTotal(i)), v(grand), pr.vals[grand])}
	}
	for j := range nc {
		t.ColumnTotals[j] = Cell{Count: v(colTotal(j)), Percent: p.percent(v(colTotal(j)), v(grand), pr.vals[grand])}
	}
	t.Total = Cell{Count: v(grand)}
	return t, nil
}

// Single applies disclosure control to a question where each young person chose one answer:
// counts[i] is the number who chose option i, and the base is their sum. It fails if a count
// is negative.
func (p Policy) Single(counts []int) (List, error) {
	n := len(counts)
	pr := &problem{vals: make([]int, n+1), k: p.K()}
	l := line{total: n}
	for i, c := range counts {
		if c < 0 {
			return List{}, fmt.Errorf("disclosure: negative count %d for option %d", c, i)
		}
		pr.vals[i] = c
		pr.vals[n] += c
		l.members = append(l.members, i)
	}
	pr.lines = []line{l}
	p.suppress(pr)
	return p.list(pr, n, n), nil
}

// Multi applies disclosure control to a tick-all-that-apply question: counts[i] is the number
// who ticked option i, and base the number who answered the question. Options do not add up
// to the base, but base − counts[i] (those who did not tick option i) is as good as shown, so an
// option is also hidden when that number is between 1 and k−1 (or zero, when zeros are hidden).
// It fails if a count is negative or larger than the base.
func (p Policy) Multi(counts []int, base int) (List, error) {
	n := len(counts)
	if base < 0 {
		return List{}, fmt.Errorf("disclosure: negative base %d", base)
	}
	// Values: options 0..n-1, the numbers who did not tick them n..2n-1, the base 2n.
	pr := &problem{vals: make([]int, 2*n+1), k: p.K()}
	pr.vals[2*n] = base
	for i, c := range counts {
		if c < 0 || c > base {
			return List{}, fmt.Errorf("disclosure: count %d for option %d is not between 0 and the base %d", c, i, base)
		}
		pr.vals[i], pr.vals[n+i] = c, base-c
		pr.lines = append(pr.lines, line{members: []int{i, n + i}, total: 2 * n})
	}
	p.suppress(pr)
	return p.list(pr, n, 2*n), nil
}

// list builds a List from the first n values of pr and the base at index base.
func (p Policy) list(pr *problem, n, base int) List {
	l := List{Options: make([]Cell, n), Base: p.value(pr, base)}
	for i := range n {
		c := p.value(pr, i)
		l.Options[i] = Cell{Count: c, Percent: p.percent(c, l.Base, pr.vals[base])}
	}
	return l
}

// suppress marks primary suppression in pr and then protects it.
func (p Policy) suppress(pr *problem) {
	pr.hidden = make([]bool, len(pr.vals))
	for i, v := range pr.vals {
		pr.hidden[i] = p.primary(v)
	}
	// A zero in a line of fewer than k children says what all of them answered.
	for _, l := range pr.lines {
		if t := pr.vals[l.total]; t > 0 && t < pr.k {
			for _, m := range l.members {
				if pr.vals[m] == 0 {
					pr.hidden[m] = true
				}
			}
		}
	}
	pr.protect()
}

// value returns value i of pr as it may be shown.
func (p Policy) value(pr *problem, i int) Value {
	if pr.hidden[i] {
		return Value{}
	}
	return Value{n: p.round(pr.vals[i]), shown: true}
}
