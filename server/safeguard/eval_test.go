package safeguard

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
)

// evalItem is one labelled account from testdata/real.tsv.
type evalItem struct {
	ID, Source, Label, When, Pattern, Text string
}

// heldOut reports whether an item is in the held-out third: chosen by a hash
// of its id, so it never changes as items are added. The rules were written
// looking only at misses in the other two thirds (TestEvaluation logs misses
// for those alone).
func (it evalItem) heldOut() bool {
	h := fnv.New32a()
	h.Write([]byte(it.ID))
	return h.Sum32()%3 == 0
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

func loadEval(t *testing.T) ([]evalItem, map[string][]string, []string) {
	t.Helper()
	sources := map[string][]string{}
	for _, r := range readTSV(t, "testdata/sources.tsv") {
		if len(r) != 5 {
			t.Fatalf("sources.tsv: want 5 columns, got %q", r)
		}
		sources[r[0]] = r[1:]
	}
	var items []evalItem
	seen := map[string]bool{}
	for _, r := range readTSV(t, "testdata/real.tsv") {
		if len(r) != 6 {
			t.Fatalf("real.tsv: want 6 columns, got %q", r)
		}
		it := evalItem{r[0], r[1], r[2], r[3], r[4], r[5]}
		if seen[it.ID] {
			t.Fatalf("real.tsv: id %s twice", it.ID)
		}
		seen[it.ID] = true
		if sources[it.Source] == nil {
			t.Fatalf("real.tsv: %s cites unknown source %q", it.ID, it.Source)
		}
		switch it.Label {
		case "disclosure", "not", "ambiguous":
		default:
			t.Fatalf("real.tsv: %s has label %q", it.ID, it.Label)
		}
		items = append(items, it)
	}
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

// TestEvaluation measures Detect on published first-person accounts by
// children and young people (testdata/real.tsv, sources in
// testdata/sources.tsv) and on written answers that use harm words safely
// (testdata/negatives.txt). It fails below 0.95 recall on real disclosures
// or above a 5% false-alarm rate on real or written negatives.
func TestEvaluation(t *testing.T) {
	items, sources, negs := loadEval(t)
	var recallDev, recallHeld, faReal, ambig tally
	bySource := map[string]*[2]tally{} // recall, false alarms
	byPattern := map[string]*tally{}
	levels := map[string]int{}
	for _, it := range items {
		r := Detect(it.Text)
		if bySource[it.Source] == nil {
			bySource[it.Source] = &[2]tally{}
		}
		switch it.Label {
		case "disclosure":
			tl := &recallDev
			if it.heldOut() {
				tl = &recallHeld
			}
			tl.n++
			bySource[it.Source][0].n++
			if byPattern[it.Pattern] == nil {
				byPattern[it.Pattern] = &tally{}
			}
			byPattern[it.Pattern].n++
			if r.Flagged {
				tl.k++
				bySource[it.Source][0].k++
				byPattern[it.Pattern].k++
				levels[it.When+" → "+r.Level]++
			} else if !it.heldOut() {
				t.Logf("missed (dev) %s [%s]: %q", it.ID, it.Pattern, it.Text)
			}
		case "not":
			faReal.n++
			bySource[it.Source][1].n++
			if r.Flagged {
				faReal.k++
				bySource[it.Source][1].k++
				if !it.heldOut() {
					t.Logf("false alarm (dev) %s: %q %v", it.ID, it.Text, r.Categories)
				}
			}
		case "ambiguous":
			ambig.n++
			if r.Flagged {
				ambig.k++
			}
		}
	}
	var faWritten tally
	for _, s := range negs {
		faWritten.n++
		if r := Detect(s); r.Flagged {
			faWritten.k++
			t.Logf("false alarm (written): %q %v", s, r.Categories)
		}
	}
	all := tally{recallDev.k + recallHeld.k, recallDev.n + recallHeld.n}
	t.Logf("recall, real disclosures: %s", rate(all.k, all.n))
	t.Logf("  development split:      %s", rate(recallDev.k, recallDev.n))
	t.Logf("  held-out split:         %s", rate(recallHeld.k, recallHeld.n))
	t.Logf("false alarms, real accounts labelled not: %s", rate(faReal.k, faReal.n))
	t.Logf("false alarms, written negatives:          %s", rate(faWritten.k, faWritten.n))
	t.Logf("flagged, real accounts labelled ambiguous: %s", rate(ambig.k, ambig.n))
	var pats []string
	for p := range byPattern {
		pats = append(pats, p)
	}
	sort.Strings(pats)
	for _, p := range pats {
		t.Logf("  recall by pattern %-18s %s", p, rate(byPattern[p].k, byPattern[p].n))
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

	if len(items) < 150 || faWritten.n < 100 {
		t.Errorf("corpus too small: %d real accounts, %d written negatives; want at least 150 and 100", len(items), faWritten.n)
	}
	if got := float64(all.k) / float64(all.n); got < 0.95 {
		t.Errorf("recall on real disclosures = %.3f, want at least 0.95", got)
	}
	if got := float64(faReal.k) / float64(faReal.n); got > 0.05 {
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
