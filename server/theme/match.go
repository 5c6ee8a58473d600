package theme

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// Matcher tags answers with the themes of a compiled codebook. It is safe
// for concurrent use.
type Matcher struct {
	ids     []string              // theme ids, by theme index
	byForm  map[string][]*pattern // first word as written → patterns
	byStem  map[string][]*pattern // stem of a starred first word → patterns
	exclude [][]pattern           // theme-wide exclude phrases, by theme index
	// stemmed holds the first two letters of every stem a pattern uses, so
	// that only words that could match are stemmed (a Snowball stem keeps the
	// start of its word).
	stemmed map[string]bool
	vocab   vocabulary // what the codebook writes, to put typed words right
	tol     tolerance
	// corrected caches correct: a typed word → the listed word it is, or "".
	corrected  sync.Map
	nCorrected atomic.Int64
	parent     *Matcher // whose vocabulary and corrections this one shares, or nil
}

// pattern is one term of one theme, compiled.
type pattern struct {
	theme, term int
	words       []patWord
	except      []pattern
	negatable   bool
}

// patWord is one word of a term: a form to match as written, or (stem) a
// Snowball stem that every word of the same stem matches.
type patWord struct {
	form string
	stem bool
	word string // a starred word as written, without the "*"
}

// Compile prepares the codebook for tagging.
func (cb *Codebook) Compile() *Matcher {
	return cb.compileWith(defaultTolerance)
}

// compileWith prepares the codebook for tagging with the given tolerance of
// how children type.
func (cb *Codebook) compileWith(tol tolerance) *Matcher {
	m := &Matcher{byForm: map[string][]*pattern{}, byStem: map[string][]*pattern{}, stemmed: map[string]bool{},
		vocab: newVocabulary(), tol: tol}
	for ti, t := range cb.Themes {
		m.ids = append(m.ids, t.ID)
		var ex []pattern
		for _, x := range t.Exclude {
			ex = append(ex, compileText(x.Text, false)...)
		}
		m.noteStems(ex)
		m.vocab.note(ex)
		m.exclude = append(m.exclude, ex)
		for k, tm := range t.Terms {
			var except []pattern
			for _, x := range tm.Except {
				except = append(except, compileText(x, false)...)
			}
			m.noteStems(except)
			m.vocab.note(except)
			for _, p := range compileText(tm.Text, tm.Welsh) {
				p.theme, p.term, p.except, p.negatable = ti, k, except, tm.Negatable
				m.add(&p)
				m.vocab.note([]pattern{p})
			}
		}
	}
	m.vocab.finish()
	return m
}

func (m *Matcher) add(p *pattern) {
	for _, w := range p.words {
		if w.stem {
			m.stemmed[prefix2(w.form)] = true
		}
	}
	first := p.words[0]
	if first.stem {
		m.byStem[first.form] = append(m.byStem[first.form], p)
	} else {
		m.byForm[first.form] = append(m.byForm[first.form], p)
	}
}

// noteStems records the stems that phrases use.
func (m *Matcher) noteStems(phrases []pattern) {
	for _, p := range phrases {
		for _, w := range p.words {
			if w.stem {
				m.stemmed[prefix2(w.form)] = true
			}
		}
	}
}

// prefix2 returns the first two bytes of s, or s if shorter.
func prefix2(s string) string {
	if len(s) > 2 {
		return s[:2]
	}
	return s
}

// compileText compiles a term as written into its patterns: one, or one per
// initial mutation of a Welsh term. A term the loader would refuse compiles
// to none.
func compileText(text string, welsh bool) []pattern {
	words, err := parseTerm(text)
	if err != nil {
		return nil
	}
	out := []pattern{{words: words}}
	if welsh && !words[0].stem {
		for _, f := range mutations(words[0].form) {
			w := slices.Clone(words)
			w[0].form = f
			out = append(out, pattern{words: w})
		}
	}
	return out
}

// parseTerm reads a term as written: words separated by spaces or
// punctuation, each of which may end in "*".
func parseTerm(text string) ([]patWord, error) {
	var out []patWord
	for _, f := range strings.Fields(text) {
		star := strings.HasSuffix(f, "*")
		f = strings.TrimSuffix(f, "*")
		if strings.Contains(f, "*") {
			return nil, errors.New(`has a "*" that does not end a word`)
		}
		toks := tokenize(f)
		if len(toks) == 0 {
			if star {
				return nil, errors.New(`has a "*" that does not follow a word`)
			}
			continue
		}
		for i, tk := range toks {
			w := patWord{form: tk.form}
			if star && i == len(toks)-1 {
				w = patWord{form: tk.stem, stem: true, word: tk.form}
			}
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("has no words")
	}
	return out, nil
}

// starAll marks every word of a term to match on its stem.
func starAll(text string) string {
	f := strings.Fields(text)
	for i, w := range f {
		if !strings.HasSuffix(w, "*") {
			f[i] = w + "*"
		}
	}
	return strings.Join(f, " ")
}

// cues are words that make a negatable term not count when they come up to
// a few words (tolerance.cueWindow) before it in the same clause: negations ("I'm not bullied")
// and hypotheticals ("if I got bullied I would tell").
var cues = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`not no never nobody none nothing neither nor without
		dont doesnt didnt isnt arent wasnt werent cant cannot wont havent hasnt hadnt
		shouldnt wouldnt couldnt aint if would could might unless whether
		ddim nid na heb petai pe`) {
		m[w] = true
	}
	return m
}()

// hit is a match of a term over tokens [start, end).
type hit struct {
	p          *pattern
	start, end int
}

// Tag returns the ids of the themes text matches, sorted and without
// repeats. An empty result means the answer is uncoded.
func (m *Matcher) Tag(text string) []string {
	var ids []string
	for _, h := range m.hits(m.tokenize(text)) {
		if id := m.ids[h.p.theme]; !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// hits returns the matches of terms in toks that count.
func (m *Matcher) hits(toks []token) []hit {
	var out []hit
	try := func(ps []*pattern, i int) {
		for _, p := range ps {
			end, ok := matchWords(toks, i, p.words)
			if !ok {
				continue
			}
			h := hit{p, i, end}
			if p.negatable && m.cued(toks, i) || overlaps(toks, h, p.except) || overlaps(toks, h, m.exclude[p.theme]) {
				continue
			}
			out = append(out, h)
		}
	}
	for i, tk := range toks {
		try(m.byForm[tk.form], i)
		if tk.stem != "" {
			try(m.byStem[tk.stem], i)
		}
	}
	return out
}

// tokenize splits text into words, stemming only the words whose start some
// stem of the codebook shares.
func (m *Matcher) tokenize(text string) []token {
	toks := tokenizeWords(text)
	for i := range toks {
		if m.stemmed[prefix2(toks[i].form)] {
			toks[i].stem = stem(toks[i].form)
		}
	}
	return m.normalize(toks)
}

// matchWords reports whether words match toks from i within one clause, and
// where the match ends.
func matchWords(toks []token, i int, words []patWord) (int, bool) {
	if i+len(words) > len(toks) {
		return 0, false
	}
	for k, w := range words {
		tk := toks[i+k]
		if k > 0 && tk.breakBefore || w.stem && tk.stem != w.form || !w.stem && tk.form != w.form {
			return 0, false
		}
	}
	return i + len(words), true
}

// overlaps reports whether any of the phrases matches toks over a span that
// overlaps h.
func overlaps(toks []token, h hit, phrases []pattern) bool {
	for _, x := range phrases {
		for j := max(0, h.start-len(x.words)+1); j < h.end; j++ {
			if _, ok := matchWords(toks, j, x.words); ok {
				return true
			}
		}
	}
	return false
}

// cued reports whether a negation or hypothetical comes within the
// tolerance's cueWindow words before toks[start] without a clause break or
// "but" between.
func (m *Matcher) cued(toks []token, start int) bool {
	for j := start - 1; j >= 0 && j >= start-m.tol.cueWindow; j-- {
		if toks[j+1].breakBefore || toks[j].form == "but" {
			return false
		}
		if cues[toks[j].form] || m.tol.cueSpellings && moreCues[toks[j].form] {
			return true
		}
	}
	return false
}

// token is a word of an answer.
type token struct {
	lower       string // lower-case word, apostrophes as "'"
	form        string // lower without a possessive "'s" and without apostrophes: "dont", "brother"
	stem        string // Snowball English stem of form; empty if not needed
	breakBefore bool   // a clause break (. , ; ! ? and the like) comes before it
}

// tokenize splits text into lower-case words and stems them.
func tokenize(text string) []token {
	toks := tokenizeWords(text)
	for i := range toks {
		toks[i].stem = stem(toks[i].form)
	}
	return toks
}

// tokenizeWords splits text into lower-case words. Redaction tags such as
// "[name]" are dropped.
func tokenizeWords(text string) []token {
	toks := make([]token, 0, len(text)/5+1) // about one word in five bytes

	brk := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '[' {
			if j := strings.IndexByte(text[i:], ']'); j > 0 && j < 12 && isTagBody(text[i+1:i+j]) {
				i += j + 1
				brk = true
				continue
			}
		}
		if !isWordRune(r) {
			if strings.ContainsRune(".,;:!?()\"“”…\n\r/", r) {
				brk = true
			}
			i += size
			continue
		}
		j := i + size
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if isWordRune(r2) {
				j += s2
				continue
			}
			if r2 == '\'' || r2 == '’' {
				if r3, _ := utf8.DecodeRuneInString(text[j+s2:]); j+s2 < len(text) && unicode.IsLetter(r3) {
					j += s2
					continue
				}
			}
			break
		}
		lower := strings.ToLower(strings.ReplaceAll(text[i:j], "’", "'"))
		form := formOf(lower)
		toks = append(toks, token{lower: lower, form: form, breakBefore: brk})
		brk = false
		i = j
	}
	return toks
}

// formOf returns a lower-case word without a possessive "'s" and without
// apostrophes, so that "don't" and "dont" are one form.
func formOf(lower string) string {
	if !strings.ContainsRune(lower, '\'') {
		return lower
	}
	return strings.ReplaceAll(strings.TrimSuffix(lower, "'s"), "'", "")
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isTagBody reports whether s is the inside of a redaction tag: lower-case
// ASCII letters only.
func isTagBody(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// stem returns the Snowball English stem of a word's form.
func stem(form string) string {
	if s, ok := stems.Load(form); ok {
		return s.(string)
	}
	w := english.Stem(form, false)
	if stemsCached.Load() < maxCachedStems {
		// Cloned: form may be a slice of a whole answer, which must not be kept.
		if _, had := stems.LoadOrStore(strings.Clone(form), strings.Clone(w)); !had {
			stemsCached.Add(1)
		}
	}
	return w
}

// stems caches stem: answers share a few thousand everyday words, and stemming every
// word of every answer again was about a twentieth of a submission's CPU. The cache
// stops growing at maxCachedStems words; later new words are stemmed each time.
var (
	stems       sync.Map
	stemsCached atomic.Int64
)

const maxCachedStems = 50_000

// mutations returns the forms a Welsh word takes after the soft, nasal and
// aspirate mutations of its first consonant ("teulu": "deulu", "nheulu",
// "theulu"); none for a word that does not mutate.
func mutations(w string) []string {
	for _, mu := range welshMutations {
		if rest, ok := strings.CutPrefix(w, mu.from); ok {
			var out []string
			for _, to := range mu.to {
				out = append(out, to+rest)
			}
			return out
		}
	}
	return nil
}

// welshMutations are the initial mutations of Welsh, longest radicals first.
var welshMutations = []struct {
	from string
	to   []string
}{
	{"ll", []string{"l"}},
	{"rh", []string{"r"}},
	{"p", []string{"b", "mh", "ph"}},
	{"t", []string{"d", "nh", "th"}},
	{"c", []string{"g", "ngh", "ch"}},
	{"b", []string{"f", "m"}},
	{"d", []string{"dd", "n"}},
	{"g", []string{"", "ng"}},
	{"m", []string{"f"}},
}
