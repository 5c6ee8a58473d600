package theme

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Reviewed is one answer a person has reviewed: its words, and the themes the
// person settled on.
type Reviewed struct {
	Text   string
	Themes []string
}

// Kinds of change a Proposal makes.
const (
	AddTerm    = "add"
	RemoveTerm = "remove"
)

// Proposal is a change to a codebook file suggested by people's reviews.
type Proposal struct {
	// Theme is the id of the theme whose terms change.
	Theme string
	// Change is AddTerm or RemoveTerm; Term is the term as it would be written,
	// or as it is written.
	Change, Term string
	// Fixes counts the reviewed answers whose tag for Theme the change puts
	// right; Breaks those whose tag it makes wrong.
	Fixes, Breaks int
	// File is the whole codebook file with the change made, and Diff the
	// change as a unified diff. Both are empty when the change cannot be
	// written automatically (a term inside a [flow, list]); the facilitator
	// then edits the file by hand.
	File []byte
	Diff string
}

// Net is how many more reviewed answers the change puts right than wrong.
func (p Proposal) Net() int { return p.Fixes - p.Breaks }

// minEvidence is the fewest reviewed answers a change must put right: one
// answer is an anecdote.
const minEvidence = 2

// candidatesPerTheme is how many new terms per theme are checked in full.
const candidatesPerTheme = 4

// Propose suggests changes to the codebook file (named name in errors) from
// reviews: terms that would have caught answers people tagged with a theme
// the codebook missed, and terms whose tags people removed more often than
// kept. Each is checked by tagging every reviewed answer with the changed
// codebook, and kept only if it puts right at least minEvidence answers and
// more answers than it makes wrong. The best limit come first (limit <= 0:
// all). It returns the codebook's load error if the file is not valid.
func Propose(name string, file []byte, reviews []Reviewed, limit int) ([]Proposal, error) {
	cb, err := Load(name, file)
	if err != nil {
		return nil, err
	}
	m := cb.Compile()
	ev := &evaluation{cb: cb, m: m, reviews: reviews, human: make([][]bool, len(reviews)), now: make([][]bool, len(reviews))}
	toks := make([][]token, len(reviews))
	// soleTerm[r][ti] is the one term that tags review r with theme ti, or -1
	// when none or several do.
	soleTerm := make([][]int, len(reviews))
	// firedBy[ti][k] are the reviews where term k of theme ti counted.
	firedBy := make([]map[int][]int, len(cb.Themes))
	for ti := range firedBy {
		firedBy[ti] = map[int][]int{}
	}
	for r, rv := range reviews {
		toks[r] = tokenize(rv.Text)
		ev.human[r] = make([]bool, len(cb.Themes))
		for ti, th := range cb.Themes {
			ev.human[r][ti] = slices.Contains(rv.Themes, th.ID)
		}
		ev.now[r] = make([]bool, len(cb.Themes))
		soleTerm[r] = make([]int, len(cb.Themes))
		for ti := range soleTerm[r] {
			soleTerm[r][ti] = -1
		}
		seen := map[[2]int]bool{}
		for _, h := range m.hits(toks[r]) {
			key := [2]int{h.p.theme, h.p.term}
			if seen[key] {
				continue
			}
			seen[key] = true
			firedBy[h.p.theme][h.p.term] = append(firedBy[h.p.theme][h.p.term], r)
			if ev.now[r][h.p.theme] {
				soleTerm[r][h.p.theme] = -1 // a second term: removing one changes nothing
				continue
			}
			ev.now[r][h.p.theme] = true
			soleTerm[r][h.p.theme] = h.p.term
		}
	}

	var out []Proposal
	// Terms whose removal would put more tags right than wrong.
	for ti, th := range cb.Themes {
		fixes := map[int]int{}
		for r := range reviews {
			if k := soleTerm[r][ti]; k >= 0 && !ev.human[r][ti] {
				fixes[k]++
			}
		}
		for k, n := range fixes {
			if n < minEvidence {
				continue
			}
			p := Proposal{Theme: th.ID, Change: RemoveTerm, Term: th.Terms[k].Text}
			if edited, ok := removeLines(file, th.Terms[k]); ok {
				p.File = edited
			}
			changed := th
			changed.Terms = slices.Delete(slices.Clone(th.Terms), k, k+1)
			if len(changed.Terms) == 0 {
				continue // a theme needs a term; this one wants rewriting by hand
			}
			if ev.check(&p, firedBy[ti][k], changed) {
				out = append(out, p)
			}
		}
	}
	// Words and pairs of words from the answers the codebook missed.
	grams := make([]map[string]bool, len(reviews))
	for r := range reviews {
		grams[r] = ngrams(toks[r])
	}
	for ti, th := range cb.Themes {
		fixes, breaks := map[string]int{}, map[string]int{}
		for r := range reviews {
			switch {
			case ev.human[r][ti] && !ev.now[r][ti]:
				for g := range grams[r] {
					fixes[g]++
				}
			case !ev.human[r][ti] && !ev.now[r][ti]:
				for g := range grams[r] {
					breaks[g]++
				}
			}
		}
		var cands []string
		for g, n := range fixes {
			if n >= minEvidence && n > breaks[g] && !hasTerm(th, g) {
				cands = append(cands, g)
			}
		}
		slices.SortFunc(cands, func(a, b string) int {
			if d := (fixes[b] - breaks[b]) - (fixes[a] - breaks[a]); d != 0 {
				return d
			}
			if d := len(strings.Fields(a)) - len(strings.Fields(b)); d != 0 {
				return d
			}
			return strings.Compare(a, b)
		})
		var taken []string
		for _, g := range cands {
			if len(taken) == candidatesPerTheme || slices.ContainsFunc(taken, func(a string) bool { return overlapsWords(a, g) }) {
				continue
			}
			p := Proposal{Theme: th.ID, Change: AddTerm, Term: g}
			if edited, ok := insertTerm(file, th, g); ok {
				p.File = edited
			}
			var having []int
			for r := range reviews {
				if grams[r][g] {
					having = append(having, r)
				}
			}
			changed := th
			changed.Terms = append(slices.Clone(th.Terms), Term{Text: g})
			if ev.check(&p, having, changed) {
				out = append(out, p)
				taken = append(taken, g)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Proposal) int {
		if d := b.Net() - a.Net(); d != 0 {
			return d
		}
		if d := b.Fixes - a.Fixes; d != 0 {
			return d
		}
		if d := strings.Compare(a.Theme, b.Theme); d != 0 {
			return d
		}
		return strings.Compare(a.Term, b.Term)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	// Edits add or delete whole entries of a block list, so the changed file
	// loads (the tests and FuzzPropose load every one); loading each here would
	// cost more than working out all the proposals.
	for i := range out {
		if out[i].File != nil {
			out[i].Diff = unifiedDiff(filepath.Base(name), file, out[i].File)
		}
	}
	return out, nil
}

// evaluation holds the reviews and how the codebook tags them now.
type evaluation struct {
	cb      *Codebook
	m       *Matcher // the codebook's
	reviews []Reviewed
	human   [][]bool // human[r][ti]: the reviewer gave review r theme ti
	now     [][]bool // now[r][ti]: the codebook tags review r with theme ti
}

// check counts what a proposal fixes and breaks by tagging again, with the
// proposal's theme changed to theme, the reviews it can change (affected:
// those holding the words of a new term, or where a removed term counted; the
// tags of the others stay as they are). It reports whether the proposal is
// worth making.
func (ev *evaluation) check(p *Proposal, affected []int, theme Theme) bool {
	ti := slices.IndexFunc(ev.cb.Themes, func(t Theme) bool { return t.ID == p.Theme })
	if ti < 0 {
		return false
	}
	m := (&Codebook{Themes: []Theme{theme}}).Compile()
	m.shareVocabulary(ev.m)
	for _, r := range affected {
		after := len(m.Tag(ev.reviews[r].Text)) > 0
		before := ev.now[r][ti]
		switch {
		case before == after:
		case after == ev.human[r][ti]:
			p.Fixes++
		default:
			p.Breaks++
		}
	}
	return p.Fixes >= minEvidence && p.Fixes > p.Breaks
}

// ngrams returns the words and pairs of adjacent words (in one clause) of an
// answer that could be terms: not stop words alone, not numbers.
func ngrams(toks []token) map[string]bool {
	out := map[string]bool{}
	for i, tk := range toks {
		a := isTermWord(tk.form)
		if a {
			out[tk.form] = true
		}
		if i+1 < len(toks) && !toks[i+1].breakBefore && (a || isTermWord(toks[i+1].form)) {
			out[tk.form+" "+toks[i+1].form] = true
		}
	}
	return out
}

// overlapsWords reports whether two terms share a word that is not a stop
// word, as "told" and "not told" do: proposing both would count the same
// answers twice.
func overlapsWords(a, b string) bool {
	wa, wb := strings.Fields(a), strings.Fields(b)
	return slices.ContainsFunc(wa, func(w string) bool { return isTermWord(w) && slices.Contains(wb, w) })
}

// hasTerm reports whether the theme already has a term written as text.
func hasTerm(th Theme, text string) bool {
	for _, t := range th.Terms {
		if strings.EqualFold(strings.Join(strings.Fields(t.Text), " "), text) {
			return true
		}
	}
	return false
}

// plainTerm is a term that YAML reads as the same text without quotes.
var plainTerm = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N} '\-]*$`)

// yamlText writes a term as a YAML scalar.
func yamlText(s string) string {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return strconv.Quote(s)
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil || !plainTerm.MatchString(s) {
		return strconv.Quote(s)
	}
	return s
}

// insertTerm adds a term at the end of the theme's block list of terms.
func insertTerm(file []byte, th Theme, term string) ([]byte, bool) {
	if th.list.lastLine == 0 {
		return nil, false
	}
	lines := strings.SplitAfter(string(file), "\n")
	if th.list.lastLine > len(lines) {
		return nil, false
	}
	at := th.list.lastLine
	entry := th.list.indent + "- " + yamlText(term) + "\n"
	if !strings.HasSuffix(lines[at-1], "\n") {
		entry = "\n" + strings.TrimSuffix(entry, "\n")
	}
	edited := slices.Concat(lines[:at], []string{entry}, lines[at:])
	return []byte(strings.Join(edited, "")), true
}

// removeLines deletes a term's entry from a block list.
func removeLines(file []byte, t Term) ([]byte, bool) {
	if t.Line == 0 || t.EndLine < t.Line {
		return nil, false
	}
	lines := strings.SplitAfter(string(file), "\n")
	if t.EndLine > len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[t.Line-1]), "- ") {
		return nil, false
	}
	edited := slices.Concat(lines[:t.Line-1], lines[t.EndLine:])
	return []byte(strings.Join(edited, "")), true
}

// unifiedDiff is a unified diff of two versions of a file that differ in one
// run of lines, with three lines of context.
func unifiedDiff(name string, before, after []byte) string {
	a, b := strings.SplitAfter(string(before), "\n"), strings.SplitAfter(string(after), "\n")
	start := 0
	for start < len(a) && start < len(b) && a[start] == b[start] {
		start++
	}
	ea, eb := len(a), len(b)
	for ea > start && eb > start && a[ea-1] == b[eb-1] {
		ea--
		eb--
	}
	from, to := max(start-3, 0), min(ea+3, len(a))
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- a/%s\n+++ b/%s\n@@ -%d,%d +%d,%d @@\n", name, name,
		from+1, to-from, from+1, to-from+(eb-ea))
	line := func(prefix, s string) {
		sb.WriteString(prefix + strings.TrimSuffix(s, "\n") + "\n")
	}
	for _, s := range a[from:start] {
		line(" ", s)
	}
	for _, s := range a[start:ea] {
		line("-", s)
	}
	for _, s := range b[start:eb] {
		line("+", s)
	}
	for _, s := range a[ea:to] {
		line(" ", s)
	}
	return sb.String()
}
