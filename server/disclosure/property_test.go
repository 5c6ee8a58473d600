package disclosure_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/chorus-voice/chorus/server/disclosure"
)

// published is what a reader of a table sees, next to the true values, for checking.
type published struct {
	vals   []int // true values
	shown  []disclosure.Value
	lines  [][]int // each: members..., total last
	isCell []bool  // interior cell (the brief's row/column property applies to these lines)
}

// tableView lays out a table's values: cells, row totals, column totals, grand total.
func tableView(rows [][]int, tab disclosure.Table) published {
	nr, nc := len(rows), len(rows[0])
	var pub published
	add := func(v int, s disclosure.Value) int {
		pub.vals = append(pub.vals, v)
		pub.shown = append(pub.shown, s)
		return len(pub.vals) - 1
	}
	cell := make([][]int, nr)
	rowTot := make([]int, nr)
	colTot := make([]int, nc)
	rt, ct, g := make([]int, nr), make([]int, nc), 0
	for i := range nr {
		cell[i] = make([]int, nc)
		for j := range nc {
			cell[i][j] = add(rows[i][j], tab.Cells[i][j].Count)
			rt[i] += rows[i][j]
			ct[j] += rows[i][j]
			g += rows[i][j]
		}
	}
	for i := range nr {
		rowTot[i] = add(rt[i], tab.RowTotals[i].Count)
	}
	for j := range nc {
		colTot[j] = add(ct[j], tab.ColumnTotals[j].Count)
	}
	grand := add(g, tab.Total.Count)
	for i := range nr {
		pub.lines = append(pub.lines, append(append([]int{}, cell[i]...), rowTot[i]))
		pub.isCell = append(pub.isCell, true)
	}
	for j := range nc {
		var l []int
		for i := range nr {
			l = append(l, cell[i][j])
		}
		pub.lines = append(pub.lines, append(l, colTot[j]))
		pub.isCell = append(pub.isCell, true)
	}
	pub.lines = append(pub.lines, append(append([]int{}, rowTot...), grand))
	pub.lines = append(pub.lines, append(append([]int{}, colTot...), grand))
	pub.isCell = append(pub.isCell, false, false)
	return pub
}

// check returns every broken promise of the package documentation.
func (pub published) check(p disclosure.Policy) []string {
	k := p.K()
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	for i, v := range pub.vals {
		s := pub.shown[i]
		if !s.Shown() {
			if s.N() != 0 {
				fail("value %d is hidden but carries %d", i, s.N())
			}
			continue
		}
		if v > 0 && v < k {
			fail("value %d = %d is shown", i, v)
		}
		if v == 0 && !p.ShowZero {
			fail("value %d is a shown zero", i)
		}
		if want := roundTo(v, p.RoundTo); s.N() != want {
			fail("value %d = %d shown as %d, want %d", i, v, s.N(), want)
		}
	}
	for li, l := range pub.lines {
		members, total := l[:len(l)-1], l[len(l)-1]
		n, sum := 0, 0
		for _, m := range members {
			if pub.shown[m].Suppressed() {
				n++
				sum += pub.vals[m]
			}
			if pub.vals[m] == 0 && pub.shown[m].Shown() && pub.vals[total] > 0 && pub.vals[total] < k {
				fail("line %d: zero shown in a line of %d", li, pub.vals[total])
			}
		}
		if pub.shown[total].Shown() {
			if n == 1 || (n > 1 && sum < k) {
				fail("line %d: total shown with %d hidden adding up to %d", li, n, sum)
			}
			// The brief's property: at least two hidden cells, or the total hidden.
			if pub.isCell[li] && n == 1 {
				fail("line %d: one hidden cell and the total shown", li)
			}
		} else if n == 0 && len(members) > 0 {
			fail("line %d: total hidden but every member shown", li)
		}
	}
	if j := pub.derivable(); j >= 0 {
		fail("hidden value %d = %d can be derived", j, pub.vals[j])
	}
	return errs
}

// derivable returns a hidden value fixed by the line equations, found by exact rational
// elimination (written apart from the package's own check), or -1.
func (pub published) derivable() int {
	col := map[int]int{}
	var vars []int
	for i, s := range pub.shown {
		if s.Suppressed() {
			col[i] = len(vars)
			vars = append(vars, i)
		}
	}
	var m [][]*big.Rat
	for _, l := range pub.lines {
		row := make([]*big.Rat, len(vars))
		for i := range row {
			row[i] = new(big.Rat)
		}
		for idx, v := range l {
			c := int64(1)
			if idx == len(l)-1 {
				c = -1
			}
			if pub.shown[v].Suppressed() {
				row[col[v]].Add(row[col[v]], big.NewRat(c, 1))
			}
		}
		m = append(m, row)
	}
	r := 0
	var pivots []int
	for c := 0; c < len(vars) && r < len(m); c++ {
		p := -1
		for i := r; i < len(m); i++ {
			if m[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := new(big.Rat).Inv(m[r][c])
		for j := range vars {
			m[r][j].Mul(m[r][j], inv)
		}
		for i := range m {
			if i == r || m[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[i][c])
			for j := range vars {
				m[i][j].Sub(m[i][j], new(big.Rat).Mul(f, m[r][j]))
			}
		}
		pivots = append(pivots, c)
		r++
	}
	for i, c := range pivots {
		single := true
		for j := range vars {
			if j != c && m[i][j].Sign() != 0 {
				single = false
			}
		}
		if single {
			return vars[c]
		}
	}
	return -1
}

func roundTo(n, r int) int {
	if r <= 1 {
		return n
	}
	return (n + r/2) / r * r
}

// checkTable checks a table against the package's promises, percentages included.
func checkTable(p disclosure.Policy, rows [][]int, tab disclosure.Table) []string {
	pub := tableView(rows, tab)
	errs := pub.check(p)
	for i := range rows {
		base, bv := pub.vals[pub.lines[i][len(rows[0])]], tab.RowTotals[i].Count
		for j, c := range tab.Cells[i] {
			if msg := checkPercent(p, c, bv, base); msg != "" {
				errs = append(errs, fmt.Sprintf("cell %d,%d: %s", i, j, msg))
			}
		}
	}
	return errs
}

func checkPercent(p disclosure.Policy, c disclosure.Cell, base disclosure.Value, trueBase int) string {
	want := c.Count.Shown() && base.Shown() && trueBase >= p.K() && base.N() > 0
	switch {
	case want && c.Percent == nil:
		return "no percent"
	case !want && c.Percent != nil:
		return fmt.Sprintf("percent %v shown (count %v, base %v of %d)", *c.Percent, c.Count, base, trueBase)
	case want && math.Abs(*c.Percent-float64(c.Count.N())*100/float64(base.N())) > 0.0501:
		return fmt.Sprintf("percent %v is not %v of %v", *c.Percent, c.Count, base)
	}
	return ""
}

// randomCount draws counts the way survey tables look: many small ones and zeros.
func randomCount(r *rand.Rand) int {
	switch r.IntN(4) {
	case 0:
		return r.IntN(3) // 0, 1, 2
	case 1:
		return r.IntN(12)
	case 2:
		return r.IntN(30)
	default:
		return r.IntN(200)
	}
}

func randomPolicy(r *rand.Rand) disclosure.Policy {
	return disclosure.Policy{
		Threshold: []int{0, 3, 5, 10, 11}[r.IntN(5)],
		ShowZero:  r.IntN(2) == 0,
		RoundTo:   []int{0, 0, 5}[r.IntN(3)],
	}
}

func TestPropertyTable(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 3000 {
		p := randomPolicy(r)
		rows := make([][]int, 1+r.IntN(6))
		nc := 1 + r.IntN(6)
		for i := range rows {
			rows[i] = make([]int, nc)
			for j := range rows[i] {
				rows[i][j] = randomCount(r)
			}
		}
		tab, err := p.Table(rows)
		if err != nil {
			t.Fatalf("case %d: %v", n, err)
		}
		if errs := checkTable(p, rows, tab); len(errs) > 0 {
			t.Fatalf("case %d, policy %+v, rows %v:\n%q\n%v", n, p, rows, render(tab), errs)
		}
	}
}

func TestPropertyLists(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := range 3000 {
		p := randomPolicy(r)
		counts := make([]int, 1+r.IntN(8))
		for i := range counts {
			counts[i] = randomCount(r)
		}

		l, err := p.Single(counts)
		if err != nil {
			t.Fatal(err)
		}
		var pub published
		base := 0
		var line []int
		for i, c := range counts {
			pub.vals = append(pub.vals, c)
			pub.shown = append(pub.shown, l.Options[i].Count)
			line = append(line, i)
			base += c
		}
		pub.vals = append(pub.vals, base)
		pub.shown = append(pub.shown, l.Base)
		pub.lines = [][]int{append(line, len(counts))}
		pub.isCell = []bool{true}
		if errs := pub.check(p); len(errs) > 0 {
			t.Fatalf("case %d Single(%v) %+v: %s | %s: %v", n, counts, p, cellsString(l.Options), l.Base, errs)
		}
		for i, c := range l.Options {
			if msg := checkPercent(p, c, l.Base, base); msg != "" {
				t.Fatalf("case %d Single(%v) option %d: %s", n, counts, i, msg)
			}
		}

		// Multi: a base at least as large as every count.
		mb := 0
		for _, c := range counts {
			mb = max(mb, c)
		}
		mb += r.IntN(15)
		l, err = p.Multi(counts, mb)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range l.Options {
			shownBase := l.Base.Shown()
			if c.Count.Shown() && shownBase {
				// The number who did not tick is as good as shown.
				if d := mb - counts[i]; (d > 0 && d < p.K()) || (d == 0 && !p.ShowZero) {
					t.Fatalf("case %d Multi(%v, %d) %+v: option %d shown, leaving %d", n, counts, mb, p, i, d)
				}
			}
			if c.Count.Shown() && (counts[i] > 0 && counts[i] < p.K()) {
				t.Fatalf("case %d Multi: option %d = %d shown", n, i, counts[i])
			}
			if msg := checkPercent(p, c, l.Base, mb); msg != "" {
				t.Fatalf("case %d Multi(%v, %d) option %d: %s", n, counts, mb, i, msg)
			}
		}
	}
}

func FuzzTable(f *testing.F) {
	f.Add([]byte{2, 3, 20, 3, 30, 25, 15, 40}, uint8(10), false, uint8(0))
	f.Add([]byte{4, 4, 20, 20, 0, 0, 20, 20, 0, 0, 0, 0, 20, 20, 0, 1, 20, 20}, uint8(10), true, uint8(5))
	f.Add([]byte{1, 1, 5}, uint8(3), false, uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, k uint8, showZero bool, roundTo uint8) {
		if len(data) < 3 {
			return
		}
		nr, nc := int(data[0]%7)+1, int(data[1]%7)+1
		cells := data[2:]
		rows := make([][]int, nr)
		for i := range rows {
			rows[i] = make([]int, nc)
			for j := range rows[i] {
				if x := i*nc + j; x < len(cells) {
					rows[i][j] = int(cells[x])
				}
			}
		}
		p := disclosure.Policy{Threshold: int(k % 30), ShowZero: showZero, RoundTo: int(roundTo % 11)}
		if p.Validate() != nil {
			return
		}
		tab, err := p.Table(rows)
		if err != nil {
			t.Fatal(err)
		}
		if errs := checkTable(p, rows, tab); len(errs) > 0 {
			t.Fatalf("policy %+v, rows %v:\n%q\n%v", p, rows, render(tab), errs)
		}
	})
}

func BenchmarkTable(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	tables := make([][][]int, 64)
	for n := range tables {
		rows := make([][]int, 8)
		for i := range rows {
			rows[i] = make([]int, 6)
			for j := range rows[i] {
				rows[i][j] = randomCount(r)
			}
		}
		tables[n] = rows
	}
	p := disclosure.Policy{RoundTo: 5}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := p.Table(tables[i%len(tables)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSingle(b *testing.B) {
	p := disclosure.Policy{RoundTo: 5}
	counts := []int{120, 45, 8, 3, 60, 0, 14}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Single(counts); err != nil {
			b.Fatal(err)
		}
	}
}
