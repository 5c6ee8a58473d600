package safeguard

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"
)

// evalItem is one labelled account from testdata/real.tsv, fresh.tsv or
// extra.tsv. Split is "dev", "held", "fresh-dev", "fresh-held" or "extra".
type evalItem struct {
	ID, Source, Label, When, Pattern, Text string
	Split                                  string
}

// heldOut reports whether an item of real.tsv is in its held-out third:
// chosen by a hash of its id, so it never changes as items are added. The
// rules were written looking only at misses in the other two thirds
// (TestEvaluation logs misses for those alone).
func (it evalItem) heldOut() bool {
	h := fnv.New32a()
	h.Write([]byte(it.ID))
	return h.Sum32()%3 == 0
}

// looked reports whether misses and false alarms on the item may be looked
// at while changing the rules: the development splits only.
func (it evalItem) looked() bool {
	return it.Split == "dev" || it.Split == "fresh-dev" || it.Split == "extra"
}

// freshSeed fixes which half of testdata/fresh.tsv is development: the ids,
// sorted, are shuffled with a PCG seeded by it and the first half (rounded
// up) is "fresh-dev", the rest "fresh-held". Changing it would make the
// held-out half no longer unseen.
const freshSeed = 20261206

// splitFresh assigns the fresh split's items to fresh-dev and fresh-held.
func splitFresh(items []evalItem) {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	sort.Strings(ids)
	r := rand.New(rand.NewPCG(freshSeed, 0))
	r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	dev := map[string]bool{}
	for _, id := range ids[:(len(ids)+1)/2] {
		dev[id] = true
	}
	for i := range items {
		items[i].Split = "fresh-held"
		if dev[items[i].ID] {
			items[i].Split = "fresh-dev"
		}
	}
}

func readTSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		if line := sc.Text(); line != "" {
			rows = append(rows, strings.Split(line, "\t"))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// readItems reads labelled accounts in real.tsv's format.
func readItems(t *testing.T, path string, sources map[string][]string, seen map[string]bool) []evalItem {
	t.Helper()
	var items []evalItem
	for _, r := range readTSV(t, path) {
		if len(r) != 6 {
			t.Fatalf("%s: want 6 columns, got %q", path, r)
		}
		it := evalItem{ID: r[0], Source: r[1], Label: r[2], When: r[3], Pattern: r[4], Text: r[5]}
		if seen[it.ID] {
			t.Fatalf("%s: id %s twice", path, it.ID)
		}
		seen[it.ID] = true
		if sources[it.Source] == nil {
			t.Fatalf("%s: %s cites unknown source %q", path, it.ID, it.Source)
		}
		switch it.Label {
		case "disclosure", "not", "ambiguous":
		default:
			t.Fatalf("%s: %s has label %q", path, it.ID, it.Label)
		}
		items = append(items, it)
	}
	return items
}

func loadEval(t *testing.T) ([]evalItem, map[string][]string, []string) {
	t.Helper()
	sources := map[string][]string{}
	for _, r := range readTSV(t, "testdata/sources.tsv") {
		if len(r) != 5 {
			t.Fatalf("sources.tsv: want 5 columns, got %q", r)
		}
		if sources[r[0]] != nil {
			t.Fatalf("sources.tsv: key %s twice", r[0])
		}
		sources[r[0]] = r[1:]
	}
	seen := map[string]bool{}
	items := readItems(t, "testdata/real.tsv", sources, seen)
	for i := range items {
		items[i].Split = "dev"
		if items[i].heldOut() {
			items[i].Split = "held"
		}
	}
	fresh := readItems(t, "testdata/fresh.tsv", sources, seen)
	splitFresh(fresh)
	items = append(items, fresh...)
	// extra.tsv is development data only, gathered after the fresh split was
	// measured; it is reported apart and left out of the thresholds.
	extra := readItems(t, "testdata/extra.tsv", sources, seen)
	for i := range extra {
		extra[i].Split = "extra"
	}
	items = append(items, extra...)
	data, err := os.ReadFile("testdata/negatives.txt")
	if err != nil {
		t.Fatal(err)
	}
	var negs []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			negs = append(negs, line)
		}
	}
	return items, sources, negs
}

// wilson returns the 95% Wilson score interval for k successes in n trials.
func wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959964
	p := float64(k) / float64(n)
	nf := float64(n)
	d := 1 + z*z/nf
	c := (p + z*z/(2*nf)) / d
	w := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / d
	return max(0, c-w), min(1, c+w)
}

// rate formats k of n with its Wilson interval.
func rate(k, n int) string {
	if n == 0 {
		return "-"
	}
	lo, hi := wilson(k, n)
	return fmt.Sprintf("%.3f (%d/%d, 95%% CI %.3f–%.3f)", float64(k)/float64(n), k, n, lo, hi)
}

type tally struct{ k, n int }

func (t *tally) add(hit bool) {
	t.n++
	if hit {
		t.k++
	}
}

// splits lists the evaluation splits in the order they are reported.
var splits = []string{"dev", "held", "fresh-dev", "fresh-held", "extra"}

// gated are the splits the thresholds apply to: everything but extra.tsv.
var gated = []string{"dev", "held", "fresh-dev", "fresh-held"}

// TestEvaluation measures Detect on published first-person accounts by
// children and young people (testdata/real.tsv and testdata/fresh.tsv,
// sources in testdata/sources.tsv) and on written answers that use harm
// words safely (testdata/negatives.txt). It fails below 0.95 recall on all
// real disclosures or above a 5% false-alarm rate on all real accounts
// labelled not or on the written negatives, or below 0.85 recall on the
// held-out splits alone.
func TestEvaluation(t *testing.T) {
	items, sources, negs := loadEval(t)
	recall := map[string]*tally{}    // by split
	faReal := map[string]*tally{}    // by split
	ambig := map[string]*tally{}     // by split
	byPattern := map[string]*tally{} // "original/pattern" or "fresh/pattern"
	for _, s := range splits {
		recall[s], faReal[s], ambig[s] = &tally{}, &tally{}, &tally{}
	}
	bySource := map[string]*[2]tally{} // recall, false alarms
	levels := map[string]int{}
	for _, it := range items {
		r := Detect(it.Text)
		if bySource[it.Source] == nil {
			bySource[it.Source] = &[2]tally{}
		}
		switch it.Label {
		case "disclosure":
			recall[it.Split].add(r.Flagged)
			bySource[it.Source][0].add(r.Flagged)
			set := "original"
			if strings.HasPrefix(it.Split, "fresh") {
				set = "fresh"
			} else if it.Split == "extra" {
				set = "extra"
			}
			key := set + "/" + it.Pattern
			if byPattern[key] == nil {
				byPattern[key] = &tally{}
			}
			byPattern[key].add(r.Flagged)
			if r.Flagged {
				levels[it.When+" → "+r.Level]++
			} else if it.looked() {
				t.Logf("missed (%s) %s [%s]: %q", it.Split, it.ID, it.Pattern, it.Text)
			}
		case "not":
			faReal[it.Split].add(r.Flagged)
			bySource[it.Source][1].add(r.Flagged)
			if r.Flagged && it.looked() {
				t.Logf("false alarm (%s) %s: %q %v", it.Split, it.ID, it.Text, r.Categories)
			}
		case "ambiguous":
			ambig[it.Split].add(r.Flagged)
		}
	}
	var faWritten tally
	for _, s := range negs {
		r := Detect(s)
		faWritten.add(r.Flagged)
		if r.Flagged {
			t.Logf("false alarm (written): %q %v", s, r.Categories)
		}
	}
	sum := func(m map[string]*tally, ss ...string) tally {
		var out tally
		for _, s := range ss {
			out.k += m[s].k
			out.n += m[s].n
		}
		return out
	}
	all, allFA, allAmbig := sum(recall, gated...), sum(faReal, gated...), sum(ambig, splits...)
	dev, held := sum(recall, "dev", "fresh-dev"), sum(recall, "held", "fresh-held")
	orig, fresh := sum(recall, "dev", "held"), sum(recall, "fresh-dev", "fresh-held")
	origFA, freshFA := sum(faReal, "dev", "held"), sum(faReal, "fresh-dev", "fresh-held")
	t.Logf("recall, real disclosures (real.tsv and fresh.tsv): %s", rate(all.k, all.n))
	t.Logf("  all development splits:        %s", rate(dev.k, dev.n))
	t.Logf("  all held-out splits:           %s", rate(held.k, held.n))
	t.Logf("  original set (real.tsv):       %s", rate(orig.k, orig.n))
	t.Logf("    development split:           %s", rate(recall["dev"].k, recall["dev"].n))
	t.Logf("    held-out split:              %s", rate(recall["held"].k, recall["held"].n))
	t.Logf("  fresh set (fresh.tsv):         %s", rate(fresh.k, fresh.n))
	t.Logf("    fresh development half:      %s", rate(recall["fresh-dev"].k, recall["fresh-dev"].n))
	t.Logf("    fresh held-out half:         %s", rate(recall["fresh-held"].k, recall["fresh-held"].n))
	t.Logf("  extra development data (extra.tsv): %s", rate(recall["extra"].k, recall["extra"].n))
	t.Logf("false alarms, real accounts labelled not (real.tsv and fresh.tsv): %s", rate(allFA.k, allFA.n))
	t.Logf("  original set:                  %s", rate(origFA.k, origFA.n))
	t.Logf("  fresh set:                     %s", rate(freshFA.k, freshFA.n))
	t.Logf("    fresh development half:      %s", rate(faReal["fresh-dev"].k, faReal["fresh-dev"].n))
	t.Logf("    fresh held-out half:         %s", rate(faReal["fresh-held"].k, faReal["fresh-held"].n))
	t.Logf("  extra development data:        %s", rate(faReal["extra"].k, faReal["extra"].n))
	t.Logf("false alarms, written negatives: %s", rate(faWritten.k, faWritten.n))
	t.Logf("flagged, real accounts labelled ambiguous: %s", rate(allAmbig.k, allAmbig.n))
	var pats []string
	for p := range byPattern {
		pats = append(pats, p)
	}
	sort.Strings(pats)
	for _, p := range pats {
		t.Logf("  recall by pattern %-27s %s", p, rate(byPattern[p].k, byPattern[p].n))
	}
	var srcs []string
	for s := range bySource {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	for _, s := range srcs {
		v := bySource[s]
		t.Logf("  by source %-22s recall %s; false alarms %s (%s, %s)", s, rate(v[0].k, v[0].n), rate(v[1].k, v[1].n),
			sources[s][1], sources[s][2])
	}
	var lv []string
	for k, n := range levels {
		lv = append(lv, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(lv)
	t.Logf("level given, by when the harm was told: %s", strings.Join(lv, "; "))

	if len(items) < 250 || faWritten.n < 100 || fresh.n < 50 || freshFA.n < 30 {
		t.Errorf("corpus too small: %d real accounts (%d fresh disclosures, %d fresh not), %d written negatives",
			len(items), fresh.n, freshFA.n, faWritten.n)
	}
	if got := float64(all.k) / float64(all.n); got < 0.95 {
		t.Errorf("recall on real disclosures = %.3f, want at least 0.95", got)
	}
	// A floor under the splits no rule was written against, so that a
	// change that loses what generalised is caught even while the
	// development splits stay high.
	if got := float64(held.k) / float64(held.n); got < 0.85 {
		t.Errorf("recall on the held-out splits = %.3f, want at least 0.85", got)
	}
	if got := float64(allFA.k) / float64(allFA.n); got > 0.05 {
		t.Errorf("false-alarm rate on real accounts labelled not = %.3f, want at most 0.05", got)
	}
	if got := float64(faWritten.k) / float64(faWritten.n); got > 0.05 {
		t.Errorf("false-alarm rate on written negatives = %.3f, want at most 0.05", got)
	}
}

func TestWilson(t *testing.T) {
	lo, hi := wilson(95, 100)
	if math.Abs(lo-0.888) > 0.002 || math.Abs(hi-0.978) > 0.002 {
		t.Errorf("wilson(95, 100) = %.3f–%.3f, want 0.888–0.978", lo, hi)
	}
	if lo, hi := wilson(0, 50); lo != 0 || math.Abs(hi-0.071) > 0.002 {
		t.Errorf("wilson(0, 50) = %.3f–%.3f, want 0–0.071", lo, hi)
	}
}
