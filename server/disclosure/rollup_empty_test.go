package disclosure_test

import (
	"testing"

	"github.com/chorus-voice/chorus/server/disclosure"
)

// TestRollUpEmptyAreas: areas where nobody answered (whole regions, early in a survey or
// in a local one) must not stop the areas that did answer from being shown. An empty
// area's total, 0, is known to readers and protects nothing.
func TestRollUpEmptyAreas(t *testing.T) {
	all := []string{"c1", "c2", "c3", "c4", "c5", "c6", "r1", "r2", "r3", "E"}
	tests := []struct {
		name   string
		counts map[string]int
		want   string
	}{
		{"OneRegionAnswered", map[string]int{"c1": 40, "c2": 30, "c3": 30, "c4": 0, "c5": 0, "c6": 0},
			"c1>c1 c2>c2 c3>c3 c4>E c5>E c6>E r1>r1 r2>E r3>E E>E"},
		{"OneRegionOneSmall", map[string]int{"c1": 40, "c2": 30, "c3": 3, "c4": 0, "c5": 0, "c6": 0},
			"c1>c1 c2>r1 c3>r1 c4>E c5>E c6>E r1>r1 r2>E r3>E E>E"},
		{"OneCouncilAnswered", map[string]int{"c1": 40, "c2": 0, "c3": 0, "c4": 0, "c5": 0, "c6": 0},
			"c1>c1 c2>r1 c3>r1 c4>E c5>E c6>E r1>r1 r2>E r3>E E>E"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := placed(disclosure.RollUp(tc.counts, treeParent, 10), all...); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
