package disclosure

import (
	"fmt"
	"slices"
)

// Cause says why an area's results are shown where they are.
type Cause int

// Causes of a Placement. Pages for people outside the organisation should show only
// Placement.Reason, which does not tell TooFew and Complement apart: telling readers which
// areas are the small ones would help them narrow down the small numbers.
const (
	// Own: at least k young people answered in the area, and its own results are shown.
	Own Cause = iota
	// TooFew: fewer than k answered in the area, so its results are rolled up.
	TooFew
	// Complement: at least k answered in the area, but it is rolled up as well, so that a
	// neighbouring area's small number cannot be worked out from the wider area's total.
	Complement
	// NoResults: too few answered even at the top level; nothing can be shown.
	NoResults
)

// Placement says at which level an area's results are shown, and why.
type Placement struct {
	Area  string // the area asked about: a key of the counts given to RollUp, or an ancestor
	Code  string // the area whose results are shown: Area or an ancestor; "" with NoResults
	Level string // Code's level as the parent function named it; "" if Code is Area or ""
	Hops  int    // how many levels up Code is: 0 for Area itself
	// Base is the exact number of responses in Code, at least k unless Cause is NoResults.
	// Round it with Policy.Count before showing it.
	Base   int
	Cause  Cause
	Reason string // a sentence for readers saying which level is shown and why
}

// RollUp chooses, for every area in counts and every ancestor of one, the lowest level whose
// results may be shown: the area itself, or the first ancestor (council → region → England)
// that may be. Ask it about regions too: a region can be held back to protect a neighbour.
//
// counts holds the number of responses per area, keyed by the lowest-level code (councils);
// an area's ancestors are found with parent, which returns the code and level name of the
// area one level up, or "" at the top (geo.Geography.Parent fits). An ancestor's count is the
// sum of its descendants'. Include every area, even with zero responses, so that every area
// gets a Placement. A code that is both a key and the ancestor of another key has its own
// count added to its total; those responses are never shown below that level. Negative counts
// are read as zero. k is the threshold; zero or less means DefaultThreshold.
//
// The levels form a hierarchy of totals — a region's count is the sum of its councils' — and
// RollUp protects it the way Table protects rows and columns: an area is not shown on its own
// if fewer than k answered there (zero included); and if, within a parent, the areas not shown
// add up to fewer than k, or only one of them has any responses, more areas are rolled up
// with them (the smallest first) so that the parent's total minus the areas that are shown
// never gives a number between 1 and k−1. Areas with no responses give no cover, since readers
// may know an area took no part. As in Table, no hidden count is determined exactly by the
// totals.
func RollUp(counts map[string]int, parent func(code string) (string, string), k int) map[string]Placement {
	if k <= 0 {
		k = DefaultThreshold
	}
	keys := make([]string, 0, len(counts))
	for c := range counts {
		keys = append(keys, c)
	}
	slices.Sort(keys)

	// Nodes: every key and every ancestor, each once.
	type node struct {
		code   string
		level  string // as named by the parent function of its child
		up     int    // parent node, -1 at the top
		own    int    // responses keyed to this code itself
		kids   []int
		pseudo bool // stands for the own responses of an ancestor that is also a key
	}
	var nodes []node
	index := map[string]int{}
	get := func(code string) int {
		if i, ok := index[code]; ok {
			return i
		}
		index[code] = len(nodes)
		nodes = append(nodes, node{code: code, up: -1})
		return len(nodes) - 1
	}
	above := func(i, j int) bool { // whether j is i or one of i's ancestors
		for ; i >= 0; i = nodes[i].up {
			if i == j {
				return true
			}
		}
		return false
	}
	for _, c := range keys {
		i := get(c)
		nodes[i].own += max(counts[c], 0)
		seen := map[string]bool{c: true}
		for code := c; ; {
			if nodes[index[code]].up >= 0 {
				break // this chain is known from here on
			}
			p, level := parent(code)
			if p == "" || seen[p] {
				break
			}
			seen[p] = true
			pi := get(p)
			ci := index[code]
			if above(pi, ci) {
				break // parent is not a hierarchy: do not make a loop
			}
			nodes[ci].up = pi
			nodes[pi].kids = append(nodes[pi].kids, ci)
			nodes[pi].level = level
			code = p
		}
	}
	// Ancestors that are also keys: their own responses become a hidden child.
	for i := range nodes {
		if len(nodes[i].kids) > 0 && nodes[i].own > 0 {
			nodes = append(nodes, node{code: nodes[i].code, up: i, own: nodes[i].own, pseudo: true})
			nodes[i].kids = append(nodes[i].kids, len(nodes)-1)
			nodes[i].own = 0
		}
	}

	pr := &problem{vals: make([]int, len(nodes)), hidden: make([]bool, len(nodes)), k: k}
	var total func(i int) int
	total = func(i int) int {
		t := nodes[i].own
		for _, c := range nodes[i].kids {
			t += total(c)
		}
		pr.vals[i] = t
		return t
	}
	for i := range nodes {
		if nodes[i].up < 0 {
			total(i)
		}
	}
	for i, n := range nodes {
		pr.hidden[i] = n.pseudo || pr.vals[i] < k
		if len(n.kids) == 0 {
			continue
		}
		l := line{total: i}
		for _, c := range n.kids {
			if pr.vals[c] > 0 { // an area with no responses covers nothing
				l.members = append(l.members, c)
			}
		}
		if len(l.members) == 0 {
			// Nobody answered anywhere in this area: its total, 0, is known and protects
			// nothing. As a line it would count as a hidden value the lines determine,
			// and protect would hide everything else trying to cover it.
			continue
		}
		pr.lines = append(pr.lines, l)
	}
	pr.protect()

	out := make(map[string]Placement, len(index))
	for c, i := range index {
		pl := Placement{Area: c, Cause: Own}
		switch {
		case !pr.hidden[i]:
		case pr.vals[i] < k:
			pl.Cause = TooFew
		default:
			pl.Cause = Complement
		}
		for hops, j := 0, i; j >= 0; hops, j = hops+1, nodes[j].up {
			if !pr.hidden[j] {
				pl.Code, pl.Hops, pl.Base = nodes[j].code, hops, pr.vals[j]
				if hops > 0 {
					pl.Level = nodes[j].level
				}
				break
			}
		}
		switch {
		case pl.Code == "":
			pl.Cause = NoResults
			pl.Base = 0
			pl.Reason = "Too few young people have answered so far to show any results without risking someone being identified."
		case pl.Hops == 0:
			pl.Reason = fmt.Sprintf("At least %d young people answered in this area, so its own results are shown.", k)
		default:
			wider := "the wider area"
			if pl.Level != "" {
				wider = "the whole " + pl.Level
			}
			pl.Reason = fmt.Sprintf("These results are for %s, not this area alone: too few young people answered here, or in a neighbouring area, to show this area on its own without risking someone being identified.", wider)
		}
		out[c] = pl
	}
	return out
}
