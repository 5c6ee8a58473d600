package disclosure

// System is a set of counts published together, which of them are hidden, and the
// additive lines a reader knows tie them together (members add up to a total). It is the
// one place that checks what this package promises about a set of published figures; the
// results package uses it to check tables whose margins are published elsewhere, and the
// tests use it on whole reports.
type System struct {
	Values []int64
	Hidden []bool
	Lines  []Line
}

// Line says that the values at Members add up to the value at Total.
type Line struct {
	Members []int
	Total   int
}

// Safe reports whether the system keeps this package's promises with threshold k: no
// shown count from 1 to k−1 (nor zero unless showZero), no shown zero in a line whose
// total is from 1 to k−1, every line with a shown total hiding no member or at least two
// that add up to k or more, every line with a hidden total hiding a member too, and no
// hidden count fixed exactly by the lines.
func (s *System) Safe(k int, showZero bool) bool {
	k64 := int64(k)
	for i, v := range s.Values {
		if !s.Hidden[i] && ((v > 0 && v < k64) || (v == 0 && !showZero) || v < 0) {
			return false
		}
	}
	pr := s.problem(k)
	for _, l := range s.Lines {
		t := s.Values[l.Total]
		for _, m := range l.Members {
			if !s.Hidden[m] && s.Values[m] == 0 && t > 0 && t < k64 {
				return false
			}
		}
	}
	for _, l := range pr.lines {
		if !pr.safe(l) {
			return false
		}
	}
	return pr.determined() < 0
}

// Determined returns a hidden value that the lines fix exactly, or -1 if there is none.
func (s *System) Determined() int { return s.problem(DefaultThreshold).determined() }

// DeterminedAll returns every hidden value that the lines fix exactly.
func (s *System) DeterminedAll() []int { return s.problem(DefaultThreshold).determinedAll() }

func (s *System) problem(k int) *problem {
	pr := &problem{vals: make([]int, len(s.Values)), hidden: s.Hidden, k: k}
	for i, v := range s.Values {
		pr.vals[i] = int(v)
	}
	for _, l := range s.Lines {
		pr.lines = append(pr.lines, line{members: l.Members, total: l.Total})
	}
	return pr
}
