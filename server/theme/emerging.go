package theme

import (
	"math"
	"sort"
	"strings"
)

// EmergingTerm is a word or two-word phrase suggested as a candidate theme.
type EmergingTerm struct {
	// Text is the most frequent way the term is written in the uncoded
	// answers.
	Text string
	// Count is how many uncoded answers contain the term.
	Count int
	// Score is the Dunning log-likelihood (G²) of the term being more common
	// in uncoded answers than in all answers.
	Score float64
}

// minCount is the fewest uncoded answers a term must appear in; a word used
// once is not a theme.
const minCount = 2

// EmergingTerms returns up to n words and two-word phrases that are most
// over-represented in the uncoded answers compared with all answers, by
// Dunning log-likelihood over the number of answers containing each term.
// Words are grouped by stem and shown in their most frequent form; stop
// words are left out, and a phrase is two adjacent words that are not stop
// words. n <= 0 returns every term.
func EmergingTerms(uncoded, all []string, n int) []EmergingTerm {
	if len(all) == 0 {
		all = uncoded
	}
	target := countTerms(uncoded)
	ref := countTerms(all)
	n1, n2 := float64(len(uncoded)), float64(len(all))
	var terms []EmergingTerm
	for key, c := range target.docs {
		if c < minCount {
			continue
		}
		a, b := float64(c), float64(ref.docs[key])
		if b < a {
			// all should contain the uncoded answers; if it does not, count
			// them in.
			b = a
		}
		if a/n1 <= b/n2 {
			continue
		}
		terms = append(terms, EmergingTerm{Text: target.surface(key), Count: c, Score: logLikelihood(a, b, n1, n2)})
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].Score != terms[j].Score {
			return terms[i].Score > terms[j].Score
		}
		if terms[i].Count != terms[j].Count {
			return terms[i].Count > terms[j].Count
		}
		return terms[i].Text < terms[j].Text
	})
	if n > 0 && len(terms) > n {
		terms = terms[:n]
	}
	return terms
}

// logLikelihood is Dunning's G² for a term seen in a of n1 answers in one
// corpus and b of n2 in another.
func logLikelihood(a, b, n1, n2 float64) float64 {
	e1 := n1 * (a + b) / (n1 + n2)
	e2 := n2 * (a + b) / (n1 + n2)
	g := 0.0
	if a > 0 {
		g += a * math.Log(a/e1)
	}
	if b > 0 {
		g += b * math.Log(b/e2)
	}
	return 2 * g
}

// termCounts counts, for each term key (a stem, or two stems joined by a
// space), the answers containing it and how often each surface form occurs.
type termCounts struct {
	docs  map[string]int
	forms map[string]map[string]int
}

func countTerms(answers []string) termCounts {
	tc := termCounts{docs: map[string]int{}, forms: map[string]map[string]int{}}
	seen := map[string]bool{}
	for _, a := range answers {
		clear(seen)
		toks := tokenize(a)
		for i, tk := range toks {
			if !isTermWord(tk.lower) {
				continue
			}
			tc.add(seen, tk.stem, tk.lower)
			if i+1 < len(toks) && !toks[i+1].breakBefore && isTermWord(toks[i+1].lower) {
				tc.add(seen, tk.stem+" "+toks[i+1].stem, tk.lower+" "+toks[i+1].lower)
			}
		}
	}
	return tc
}

func (tc termCounts) add(seen map[string]bool, key, form string) {
	if !seen[key] {
		seen[key] = true
		tc.docs[key]++
	}
	f := tc.forms[key]
	if f == nil {
		f = map[string]int{}
		tc.forms[key] = f
	}
	f[form]++
}

// surface returns the most frequent form of a term, the first in
// alphabetical order on a tie.
func (tc termCounts) surface(key string) string {
	best, bestN := "", -1
	for form, n := range tc.forms[key] {
		if n > bestN || n == bestN && form < best {
			best, bestN = form, n
		}
	}
	return best
}

// isTermWord reports whether a word can be part of an emerging term: not a
// stop word, not a number, and at least two letters long.
func isTermWord(w string) bool {
	if len(w) < 2 || stopWords[w] {
		return false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return true
		}
	}
	return false
}

// stopWords are left out of emerging terms.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are aren't as at
		be because been before being below between both but by can can't cannot could couldn't
		did didn't do does doesn't doing don't down during each few for from further had hadn't
		has hasn't have haven't having he he'd he'll he's her here here's hers herself him
		himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's
		me more most mustn't my myself no nor not of off on once only or other ought our ours
		ourselves out over own same shan't she she'd she'll she's should shouldn't so some such
		than that that's the their theirs them themselves then there there's these they they'd
		they'll they're they've this those through to too under until up very was wasn't we
		we'd we'll we're we've were weren't what what's when when's where where's which while
		who who's whom why why's with won't would wouldn't you you'd you'll you're you've your
		yours yourself yourselves im ive dont cant wont didnt doesnt isnt wasnt u ur r ya yeah
		yes ok okay lol like just really get got also would could want think thing things lot
		lots much many one even still well will can dunno idk cos coz cuz bc gonna wanna
		maybe sometimes always never every make made go going went`) {
		m[w] = true
	}
	return m
}()
