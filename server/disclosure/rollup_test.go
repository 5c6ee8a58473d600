package disclosure_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/chorus-voice/chorus/server/disclosure"
)

// tree is a small geography: councils c1..c6 in regions r1 (c1–c3), r2 (c4–c5), r3 (c6);
// regions in country E.
var tree = map[string][2]string{
	"c1": {"r1", "region"}, "c2": {"r1", "region"}, "c3": {"r1", "region"},
	"c4": {"r2", "region"}, "c5": {"r2", "region"},
	"c6": {"r3", "region"},
	"r1": {"E", "country"}, "r2": {"E", "country"}, "r3": {"E", "country"},
}

func treeParent(code string) (string, string) {
	p := tree[code]
	return p[0], p[1]
}

// placed renders each placement as "area>code" (or "area>-" when nothing is shown).
func placed(pl map[string]disclosure.Placement, codes ...string) string {
	var s []string
	for _, c := range codes {
		p, ok := pl[c]
		switch {
		case !ok:
			s = append(s, c+">?")
		case p.Code == "":
			s = append(s, c+">-")
		default:
			s = append(s, c+">"+p.Code)
		}
	}
	return strings.Join(s, " ")
}

func TestRollUp(t *testing.T) {
	all := []string{"c1", "c2", "c3", "c4", "c5", "c6", "r1", "r2", "r3", "E"}
	tests := []struct {
		name   string
		counts map[string]int
		want   string
	}{
		{
			name:   "AllEnough",
			counts: map[string]int{"c1": 20, "c2": 30, "c3": 40, "c4": 50, "c5": 60, "c6": 70},
			want:   "c1>c1 c2>c2 c3>c3 c4>c4 c5>c5 c6>c6 r1>r1 r2>r2 r3>r3 E>E",
		},
		{
			// c1 is small; the smallest other council in r1 (c2) goes up with it, so that
			// r1 − c3 gives only c1 + c2 (24 ≥ k).
			name:   "OneSmallCouncil",
			counts: map[string]int{"c1": 4, "c2": 20, "c3": 40, "c4": 50, "c5": 60, "c6": 70},
			want:   "c1>r1 c2>r1 c3>c3 c4>c4 c5>c5 c6>c6 r1>r1 r2>r2 r3>r3 E>E",
		},
		{
			// Two small councils adding up to 7 < k: a third must go too.
			name:   "TwoSmallCouncils",
			counts: map[string]int{"c1": 4, "c2": 3, "c3": 40, "c4": 50, "c5": 60, "c6": 70},
			want:   "c1>r1 c2>r1 c3>r1 c4>c4 c5>c5 c6>c6 r1>r1 r2>r2 r3>r3 E>E",
		},
		{
			// Two small councils adding up to 12 ≥ k cover each other.
			name:   "TwoSmallCover",
			counts: map[string]int{"c1": 6, "c2": 6, "c3": 40, "c4": 50, "c5": 60, "c6": 70},
			want:   "c1>r1 c2>r1 c3>c3 c4>c4 c5>c5 c6>c6 r1>r1 r2>r2 r3>r3 E>E",
		},
		{
			// A council with no responses gives no cover: c1's 4 would be r1 − c2 − c3.
			name:   "ZeroGivesNoCover",
			counts: map[string]int{"c1": 4, "c2": 0, "c3": 40, "c4": 50, "c5": 60, "c6": 70},
			want:   "c1>r1 c2>r1 c3>r1 c4>c4 c5>c5 c6>c6 r1>r1 r2>r2 r3>r3 E>E",
		},
		{
			// r3 (one council, 5) is too small; it goes to England. Then England − r1 − r2
			// would give it, so the smaller other region (r2) is held back too; and r2 would
			// be c4 + c5, so its smaller council (c4) is held back as well. c4 and c6 are then
			// known only together (20).
			name:   "SmallRegion",
			counts: map[string]int{"c1": 20, "c2": 30, "c3": 40, "c4": 15, "c5": 60, "c6": 5},
			want:   "c1>c1 c2>c2 c3>c3 c4>E c5>c5 c6>E r1>r1 r2>E r3>E E>E",
		},
		{
			name:   "NothingAnywhere",
			counts: map[string]int{"c1": 2, "c2": 3, "c6": 1},
			want:   "c1>- c2>- c3>? c4>? c5>? c6>- r1>- r2>? r3>- E>-",
		},
		{
			name:   "UnknownCode",
			counts: map[string]int{"x": 12, "y": 3},
			want:   "x>x y>-",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := disclosure.RollUp(tt.counts, treeParent, 10)
			codes := all
			if tt.name == "UnknownCode" {
				codes = []string{"x", "y"}
			}
			if got := placed(pl, codes...); got != tt.want {
				t.Errorf("RollUp:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestRollUpPlacement(t *testing.T) {
	counts := map[string]int{"c1": 4, "c2": 20, "c3": 40, "c4": 50, "c5": 60, "c6": 70}
	pl := disclosure.RollUp(counts, treeParent, 0) // 0 means the default 10
	tests := []struct {
		area string
		want disclosure.Placement
	}{
		{"c1", disclosure.Placement{Area: "c1", Code: "r1", Level: "region", Hops: 1, Base: 64, Cause: disclosure.TooFew,
			Reason: "These results are for the whole region, not this area alone: too few young people answered here, or in a neighbouring area, to show this area on its own without risking someone being identified."}},
		{"c2", disclosure.Placement{Area: "c2", Code: "r1", Level: "region", Hops: 1, Base: 64, Cause: disclosure.Complement,
			Reason: "These results are for the whole region, not this area alone: too few young people answered here, or in a neighbouring area, to show this area on its own without risking someone being identified."}},
		{"c3", disclosure.Placement{Area: "c3", Code: "c3", Base: 40, Cause: disclosure.Own,
			Reason: "At least 10 young people answered in this area, so its own results are shown."}},
	}
	for _, tt := range tests {
		if got := pl[tt.area]; got != tt.want {
			t.Errorf("RollUp[%s]:\n got %+v\nwant %+v", tt.area, got, tt.want)
		}
	}
	// The reader-facing sentence is the same whether an area was too small or was held back.
	if pl["c1"].Reason != pl["c2"].Reason {
		t.Error("Reason tells a small area from one held back to protect it")
	}
	none := disclosure.RollUp(map[string]int{"c1": 3}, treeParent, 10)["c1"]
	if none.Cause != disclosure.NoResults || none.Code != "" || none.Base != 0 || none.Reason == "" {
		t.Errorf("nothing to show: got %+v", none)
	}
}

func TestRollUpOddHierarchies(t *testing.T) {
	// A parent function with a loop must not hang.
	loop := func(code string) (string, string) {
		if code == "a" {
			return "b", "x"
		}
		return "a", "x"
	}
	pl := disclosure.RollUp(map[string]int{"a": 30, "b": 30}, loop, 10)
	if len(pl) != 2 {
		t.Errorf("loop: got %d placements, want 2", len(pl))
	}

	// A key that is also an ancestor: its own responses count towards its total.
	pl = disclosure.RollUp(map[string]int{"r1": 8, "c1": 20, "c2": 30}, treeParent, 10)
	if got := pl["r1"]; got.Code != "r1" || got.Base != 58 {
		t.Errorf("ancestor key: got %+v, want r1 shown with 58", got)
	}
	// r1's own 8 are hidden, so c1 (the smallest) goes up with them: r1 − c2 = 28 ≥ k.
	if got := placed(pl, "c1", "c2"); got != "c1>r1 c2>c2" {
		t.Errorf("ancestor key: got %s", got)
	}

	// Negative counts read as zero.
	pl = disclosure.RollUp(map[string]int{"c1": -5, "c2": 30, "c3": 30}, treeParent, 10)
	if got := pl["r1"].Base; got != 60 {
		t.Errorf("negative count: r1 base %d, want 60", got)
	}
}

// TestPropertyRollUp checks, on random counts over a random geography, that every parent's
// shown total minus its shown children never gives 1 to k−1 responses or a single area.
func TestPropertyRollUp(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for n := range 2000 {
		k := []int{5, 10, 11}[r.IntN(3)]
		parents := map[string]string{}
		counts := map[string]int{}
		children := map[string][]string{}
		for reg := range 1 + r.IntN(5) {
			rc := fmt.Sprintf("r%d", reg)
			parents[rc] = "E"
			children["E"] = append(children["E"], rc)
			for c := range 1 + r.IntN(6) {
				cc := fmt.Sprintf("%s.c%d", rc, c)
				parents[cc] = rc
				children[rc] = append(children[rc], cc)
				counts[cc] = randomCount(r) / 4
			}
		}
		parent := func(code string) (string, string) { return parents[code], "level" }
		pl := disclosure.RollUp(counts, parent, k)

		var total func(code string) int
		total = func(code string) int {
			if kids, ok := children[code]; ok {
				s := 0
				for _, c := range kids {
					s += total(c)
				}
				return s
			}
			return counts[code]
		}
		shown := func(code string) bool { return pl[code].Hops == 0 && pl[code].Code == code }
		for code := range pl {
			if shown(code) && total(code) < k {
				t.Fatalf("case %d: %s shown with %d < %d", n, code, total(code), k)
			}
			// Every area is placed at its own level or at an ancestor that is shown.
			if p := pl[code]; p.Code != "" && !shown(p.Code) {
				t.Fatalf("case %d: %s placed at %s, which is not shown", n, code, p.Code)
			}
		}
		for par, kids := range children {
			hidden, sum := 0, 0
			for _, c := range kids {
				if !shown(c) && total(c) > 0 {
					hidden++
					sum += total(c)
				}
			}
			if shown(par) && hidden > 0 && (hidden < 2 || sum < k) {
				t.Fatalf("case %d, k %d: %s shown (%d) with %d hidden children adding up to %d; counts %v",
					n, k, par, total(par), hidden, sum, counts)
			}
			if !shown(par) && total(par) > 0 && hidden == 0 {
				t.Fatalf("case %d: %s hidden but all its children shown", n, par)
			}
		}
	}
}

func BenchmarkRollUp(b *testing.B) {
	// 153 councils in 9 regions, like England.
	r := rand.New(rand.NewPCG(13, 14))
	parents := map[string]string{}
	counts := map[string]int{}
	for c := range 153 {
		code := fmt.Sprintf("c%03d", c)
		parents[code] = fmt.Sprintf("r%d", c%9)
		counts[code] = randomCount(r)
	}
	for reg := range 9 {
		parents[fmt.Sprintf("r%d", reg)] = "E"
	}
	parent := func(code string) (string, string) { return parents[code], "level" }
	b.ReportAllocs()
	for b.Loop() {
		disclosure.RollUp(counts, parent, 10)
	}
}
