package disclosure_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

func TestCheckFilter(t *testing.T) {
	tests := []struct {
		name     string
		policy   disclosure.Policy
		filtered int
		bases    []int
		code     string
		is       error
	}{
		{"OK", disclosure.Policy{}, 40, []int{100, 55}, "", nil},
		{"OKNoBases", disclosure.Policy{}, 10, nil, "", nil},
		{"OKSameGroup", disclosure.Policy{}, 40, []int{40}, "", nil},
		{"OKDifferenceAtK", disclosure.Policy{}, 40, []int{50}, "", nil},
		{"ErrTooFew", disclosure.Policy{}, 9, []int{100}, chorus.EFORBIDDEN, disclosure.ErrTooFew},
		{"ErrZeroHidden", disclosure.Policy{}, 0, []int{100}, chorus.EFORBIDDEN, disclosure.ErrTooFew},
		{"OKZeroShown", disclosure.Policy{ShowZero: true}, 0, []int{100}, "", nil},
		{"ErrDifference", disclosure.Policy{}, 40, []int{100, 49}, chorus.EFORBIDDEN, disclosure.ErrDifference},
		{"ErrDifferenceOne", disclosure.Policy{}, 40, []int{41}, chorus.EFORBIDDEN, disclosure.ErrDifference},
		{"ErrDifferenceK5", disclosure.Policy{Threshold: 5}, 40, []int{44}, chorus.EFORBIDDEN, disclosure.ErrDifference},
		{"OKDifferenceK5", disclosure.Policy{Threshold: 5}, 40, []int{45}, "", nil},
		{"ErrBaseTooSmall", disclosure.Policy{}, 40, []int{30}, chorus.EINTERNAL, nil},
		{"ErrNegative", disclosure.Policy{}, -1, nil, chorus.EINTERNAL, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.CheckFilter(tt.filtered, tt.bases...)
			if got := chorus.ErrorCode(err); got != tt.code {
				t.Fatalf("CheckFilter(%d, %v): code %q (%v), want %q", tt.filtered, tt.bases, got, err, tt.code)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("CheckFilter: %v is not %v", err, tt.is)
			}
			if tt.code == chorus.EFORBIDDEN && chorus.ErrorMessage(err) == "Something went wrong." {
				t.Error("CheckFilter: no message for the user")
			}
		})
	}
}

// TestPropertyFilterPairs draws random pairs of group sizes: every pair the guard accepts
// differs by 0 or by at least k.
func TestPropertyFilterPairs(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		p := randomPolicy(r)
		base := r.IntN(60)
		filtered := r.IntN(base + 1)
		if p.CheckFilter(filtered, base) != nil {
			continue
		}
		if d := base - filtered; d > 0 && d < p.K() {
			t.Fatalf("%+v accepted %d within %d: difference %d", p, filtered, base, d)
		}
		if filtered > 0 && filtered < p.K() {
			t.Fatalf("%+v accepted a group of %d", p, filtered)
		}
	}
}

// TestPropertyFilterPopulation builds random populations of respondents with three filter
// dimensions, lets through each filter combination only if the guard accepts it against every
// coarser combination, and checks every nested pair of accepted combinations.
func TestPropertyFilterPopulation(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	dims := []int{4, 3, 5} // e.g. age bands, who you live with, councils
	for n := range 300 {
		p := randomPolicy(r)
		people := make([][3]int, r.IntN(200))
		for i := range people {
			for d := range dims {
				// Skewed, so that some combinations are small.
				people[i][d] = min(r.IntN(dims[d]), r.IntN(dims[d]))
			}
		}
		// A filter is a value per dimension, or -1 for any.
		var filters [][3]int
		var walk func(f [3]int, d int)
		walk = func(f [3]int, d int) {
			if d == len(dims) {
				filters = append(filters, f)
				return
			}
			for v := -1; v < dims[d]; v++ {
				f[d] = v
				walk(f, d+1)
			}
		}
		walk([3]int{}, 0)
		size := func(f [3]int) int {
			c := 0
			for _, x := range people {
				if (f[0] < 0 || x[0] == f[0]) && (f[1] < 0 || x[1] == f[1]) && (f[2] < 0 || x[2] == f[2]) {
					c++
				}
			}
			return c
		}
		coarser := func(a, b [3]int) bool { // b is a, or a with conditions removed
			for d := range dims {
				if b[d] >= 0 && b[d] != a[d] {
					return false
				}
			}
			return true
		}
		var accepted [][3]int
		for _, f := range filters {
			var bases []int
			for _, g := range filters {
				if g != f && coarser(f, g) {
					bases = append(bases, size(g))
				}
			}
			if p.CheckFilter(size(f), bases...) == nil {
				accepted = append(accepted, f)
			}
		}
		for _, a := range accepted {
			for _, b := range accepted {
				if a == b || !coarser(a, b) {
					continue
				}
				if d := size(b) - size(a); d > 0 && d < p.K() {
					t.Fatalf("case %d, %+v: accepted %v (%d) and %v (%d) differ by %d", n, p, a, size(a), b, size(b), d)
				}
			}
		}
	}
}
