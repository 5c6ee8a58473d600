package disclosure

import "testing"

// gridProblem returns the problem of an r×c table with margins, every value 20, and the
// interior cells in hide hidden.
func gridProblem(r, c int, hide [][2]int) (*problem, func(i, j int) int) {
	cell := func(i, j int) int { return i*c + j }
	n := r*c + r + c + 1
	pr := &problem{vals: make([]int, n), hidden: make([]bool, n), k: 10}
	for i := range pr.vals {
		pr.vals[i] = 20
	}
	for i := range r {
		l := line{total: r*c + i}
		for j := range c {
			l.members = append(l.members, cell(i, j))
		}
		pr.lines = append(pr.lines, l)
	}
	for j := range c {
		l := line{total: r*c + r + j}
		for i := range r {
			l.members = append(l.members, cell(i, j))
		}
		pr.lines = append(pr.lines, l)
	}
	for _, h := range hide {
		pr.hidden[cell(h[0], h[1])] = true
	}
	return pr, cell
}

func TestDetermined(t *testing.T) {
	t.Run("Cycle", func(t *testing.T) {
		// A 2×2 block hidden in a 3×3 table: every line has two hidden cells, and the
		// alternating cycle leaves each one free.
		pr, _ := gridProblem(3, 3, [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}})
		if j := pr.determined(); j >= 0 {
			t.Errorf("determined: got %d, want -1", j)
		}
	})
	t.Run("Bridge", func(t *testing.T) {
		// Two hidden 2×2 blocks joined by one hidden cell (1,2). Every line with a hidden cell
		// has at least two, so line-by-line checks pass, but (1,2) is a bridge: the row totals
		// of rows 0–1 minus the column totals of columns 0–1 give it exactly.
		hide := [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 2}, {2, 3}, {3, 2}, {3, 3}, {1, 2}}
		pr, cell := gridProblem(4, 4, hide)
		for _, l := range pr.lines {
			if !pr.safe(l) {
				t.Fatalf("line %v is not safe line by line; the test needs it to be", l)
			}
		}
		if got, want := pr.determined(), cell(1, 2); got != want {
			t.Fatalf("determined: got %d, want %d (cell 1,2)", got, want)
		}
		pr.protect()
		if j := pr.determined(); j >= 0 {
			t.Errorf("after protect, value %d is still determined", j)
		}
	})
	t.Run("LoneCell", func(t *testing.T) {
		pr, cell := gridProblem(2, 2, [][2]int{{1, 1}})
		if got, want := pr.determined(), cell(1, 1); got != want {
			t.Errorf("determined: got %d, want %d", got, want)
		}
	})
}
