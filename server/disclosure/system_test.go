package disclosure_test

import (
	"slices"
	"testing"

	"github.com/chorus-voice/chorus/server/disclosure"
)

// TestSystem: a line of three counts and its total, checked as a whole.
func TestSystem(t *testing.T) {
	line := []disclosure.Line{{Members: []int{0, 1, 2}, Total: 3}}
	for _, tt := range []struct {
		name   string
		values []int64
		hidden []bool
		safe   bool
		fixed  []int
	}{
		{"all shown, none small", []int64{12, 15, 20, 47}, []bool{false, false, false, false}, true, nil},
		{"a small count shown", []int64{3, 15, 20, 38}, []bool{false, false, false, false}, false, nil},
		{"one hidden: total minus the rest", []int64{3, 15, 20, 38}, []bool{true, false, false, false}, false, []int{0}},
		{"two hidden adding up to k", []int64{3, 7, 20, 30}, []bool{true, true, false, false}, true, nil},
		{"two hidden adding up to fewer than k", []int64{3, 4, 20, 27}, []bool{true, true, false, false}, false, nil},
		{"total hidden with a member", []int64{3, 15, 20, 38}, []bool{true, false, false, true}, true, nil},
		{"a zero in a line of fewer than k", []int64{0, 4, 3, 7}, []bool{false, true, true, true}, false, nil},
	} {
		s := &disclosure.System{Values: tt.values, Hidden: tt.hidden, Lines: line}
		if got := s.Safe(10, true); got != tt.safe {
			t.Errorf("%s: Safe = %v, want %v", tt.name, got, tt.safe)
		}
		if got := s.DeterminedAll(); !slices.Equal(got, tt.fixed) {
			t.Errorf("%s: DeterminedAll = %v, want %v", tt.name, got, tt.fixed)
		}
	}
	// Two lines sharing members pin down a count neither does alone.
	s := &disclosure.System{Values: make([]int64, 5), Hidden: []bool{true, true, false, true, false},
		Lines: []disclosure.Line{{Members: []int{0, 1}, Total: 2}, {Members: []int{1, 3}, Total: 4}, {Members: []int{0, 3}, Total: 2}}}
	if got := s.DeterminedAll(); len(got) == 0 {
		t.Errorf("crossing lines: nothing determined")
	}
}
