package results

import "github.com/chorus-voice/chorus/server/disclosure"

// tableSystem lays out a two-way table with its margins as a disclosure.System: cells row
// by row, then the row totals, the column totals and the grand total.
func tableSystem(cells [][]int64) (*disclosure.System, func(i, j int) int, func(i int) int, func(j int) int, int) {
	nr, nc := len(cells), len(cells[0])
	cell := func(i, j int) int { return i*nc + j }
	rowT := func(i int) int { return nr*nc + i }
	colT := func(j int) int { return nr*nc + nr + j }
	grand := nr*nc + nr + nc
	s := &disclosure.System{Values: make([]int64, grand+1), Hidden: make([]bool, grand+1)}
	for i, r := range cells {
		for j, v := range r {
			s.Values[cell(i, j)] = v
			s.Values[rowT(i)] += v
			s.Values[colT(j)] += v
			s.Values[grand] += v
		}
	}
	for i := range nr {
		l := disclosure.Line{Total: rowT(i)}
		for j := range nc {
			l.Members = append(l.Members, cell(i, j))
		}
		s.Lines = append(s.Lines, l)
	}
	for j := range nc {
		l := disclosure.Line{Total: colT(j)}
		for i := range nr {
			l.Members = append(l.Members, cell(i, j))
		}
		s.Lines = append(s.Lines, l)
	}
	m := disclosure.Line{Total: grand}
	for i := range nr {
		m.Members = append(m.Members, rowT(i))
	}
	s.Lines = append(s.Lines, m)
	m = disclosure.Line{Total: grand}
	for j := range nc {
		m.Members = append(m.Members, colT(j))
	}
	s.Lines = append(s.Lines, m)
	return s, cell, rowT, colT, grand
}
