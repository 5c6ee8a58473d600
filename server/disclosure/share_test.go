package disclosure

import (
	"encoding/json"
	"testing"
)

func TestShare(t *testing.T) {
	var sp SharePolicy
	for _, tc := range []struct {
		count, base int
		want        string
	}{
		{28, 40, "70%"},
		{27, 40, "70%"}, // 67.5 rounds up to 70
		{26, 40, "65%"},
		{5, 19, "c"},              // base below 2k
		{9, 40, "fewer than 25%"}, // fewer than 10 said it
		{31, 40, "more than 75%"}, // fewer than 10 said anything else
		{40, 40, "more than 75%"}, // everyone: never shown as 100%
		{0, 200, "fewer than 5%"},
		{200, 200, "more than 95%"},
		{10, 200, "5%"},
		{190, 200, "95%"},
		{199, 200, "more than 95%"},
	} {
		got := sp.Share(tc.count, tc.base, 10)
		if got.String() != tc.want {
			t.Errorf("Share(%d, %d) = %s, want %s", tc.count, tc.base, got, tc.want)
		}
		b, _ := json.Marshal(got)
		var back Share
		if err := json.Unmarshal(b, &back); err != nil || back != got {
			t.Errorf("round trip of %s through %s gave %s, %v", got, b, back, err)
		}
	}
}

// TestShareNeverAll checks, for every base and count, that a shown share never says 0% or
// 100%, that a figure is within half a step of the true share, and that a coded extreme
// is true.
func TestShareNeverAll(t *testing.T) {
	sp := SharePolicy{}.For(10)
	for base := 1; base <= 400; base++ {
		for n := 0; n <= base; n++ {
			s := sp.Share(n, base, 10)
			if !s.Shown() {
				if base >= sp.MinBase {
					t.Fatalf("Share(%d, %d) hidden on a base above the minimum", n, base)
				}
				continue
			}
			true100 := 100 * float64(n) / float64(base)
			if f, ok := s.Figure(); ok {
				if f <= 0 || f >= 100 || true100 < float64(f)-2.5-1e-9 || true100 > float64(f)+2.5+1e-9 {
					t.Fatalf("Share(%d, %d) = %d%%, true %.1f%%", n, base, f, true100)
				}
				if n < sp.Extremes || base-n < sp.Extremes {
					t.Fatalf("Share(%d, %d) shown as a figure with fewer than %d on one side", n, base, sp.Extremes)
				}
			}
			switch b, p := s.Bound(); b {
			case "fewer than":
				if true100 >= float64(p) {
					t.Fatalf("Share(%d, %d) = %s, true %.1f%%", n, base, s, true100)
				}
			case "more than":
				if true100 <= float64(p) {
					t.Fatalf("Share(%d, %d) = %s, true %.1f%%", n, base, s, true100)
				}
			}
		}
	}
}

func TestSharePolicyValidate(t *testing.T) {
	if err := (SharePolicy{}).Validate(10); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []SharePolicy{{MinBase: 15}, {RoundTo: 3}, {RoundTo: 20}, {Extremes: 1, MinBase: 10}} {
		if bad.Validate(10) == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestCompare(t *testing.T) {
	if got := Compare(80, 100, 5000, 10000); got != "higher" {
		t.Errorf("80%% of 100 against 50%% of 10000: %s", got)
	}
	if got := Compare(52, 100, 5000, 10000); got != "similar" {
		t.Errorf("52%% of 100 against 50%%: %s", got)
	}
	if got := Compare(30, 100, 5000, 10000); got != "lower" {
		t.Errorf("30%% of 100 against 50%%: %s", got)
	}
}
