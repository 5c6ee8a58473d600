package theme

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"strings"
	"sync"
)

// Children type on phones: words run together, letters slip, a word comes
// with an ending the codebook did not write. Before terms are matched, the
// matcher puts a word the codebook does not know right when one of these
// rules finds the codebook word that was meant. A word the codebook writes
// anywhere (in a term, an exception or an exclude phrase), or whose stem a
// starred word has, is never changed: writing a word in the codebook is how
// to keep it exact ("grant" except "granted" keeps "granted" from being
// "grant").

// tolerance says which allowances for how children type the matcher makes.
type tolerance struct {
	// repeats: a letter typed three or more times is the word with it once
	// or twice ("sooo sad", "scareddd"), whichever the codebook or English has.
	repeats bool
	// inflect: a regular ending on a word the codebook lists ("sisters",
	// "mums", "settling", "listened") matches the listed word.
	inflect bool
	// joins: two words of a listed phrase typed as one ("socialworker") match
	// the phrase, and a listed word of six or more letters typed as two
	// ("some one", "home work") matches the word.
	joins bool
	// typos: a word that is not English (not in a spelling dictionary of
	// British and American English) one slip (a letter missed, added,
	// changed, or two swapped) from exactly one listed word of six or more
	// letters is that word ("freind", "socail", "anxeity").
	typos bool
	// cueSpellings: negations typed without an apostrophe, split or in text
	// speak ("dnt", "didn t", "noone") are negation cues.
	cueSpellings bool
	// cueWindow is how many words before a negatable term a cue reaches.
	cueWindow int
}

// exactTolerance matches terms only as written, as the matcher did before
// it tolerated typing.
var exactTolerance = tolerance{cueWindow: 3}

// defaultTolerance is what Compile uses: the allowances that cost no
// precision on the evaluation's dev quotes as printed and raised agreement on
// them as typed on a phone (see TestToleranceOnDev). inflect is off: on dev
// it added three wrong tags ("careers" as "career", "travelled", "taken for
// granted") and no right one, the codebook listing the endings that matter.
var defaultTolerance = tolerance{repeats: true, joins: true, typos: true, cueSpellings: true, cueWindow: 4}

// minTypoWord is the length of the shortest listed word that a typo is put
// right to; shorter words are too close to other words.
const minTypoWord = 6

// moreCues are negation cues as children type them; cueSpellings adds them.
var moreCues = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`dnt dint didn doesn don isn wasn aren weren haven hasn couldn wouldn shouldn
		cnt cudnt wudnt shudnt havnt hasent dosnt dosent doesent wasent werent noone nothin neva nvr nt`) {
		m[w] = true
	}
	return m
}()

// vocabulary is what the codebook writes, for putting typed words right.
type vocabulary struct {
	words  map[string]bool      // every word written as it is
	stems  map[string]bool      // every stem of a starred word
	long   []string             // words of minTypoWord or more letters, starred words as written
	near   *nearIndex           // built from long when first needed
	joined map[string][2]string // two adjacent words of a phrase written as one → the two
	pairs  map[string]bool      // two adjacent words of a phrase, "a b"
	// longLen[n]: the codebook writes a word of n letters, n >= minTypoWord.
	longLen [40]bool
	// own are the words and stems of a matcher that shares another's
	// vocabulary (shareVocabulary), nil otherwise.
	own, ownStems map[string]bool
}

func (v *vocabulary) has(w string) bool {
	return v.words[w] || v.own != nil && v.own[w]
}

func (v *vocabulary) hasStem(s string) bool {
	return v.stems[s] || v.ownStems != nil && v.ownStems[s]
}

// shareVocabulary makes m put typed words right as full does, knowing its
// own words too: a matcher of one changed theme, trying a suggested change,
// then tags that theme as the whole changed codebook would (but for slips in
// the changed theme's new words of six or more letters, which it does not
// put right).
func (m *Matcher) shareVocabulary(full *Matcher) {
	own, ownStems := m.vocab.words, m.vocab.stems
	m.vocab = full.vocab
	m.vocab.own, m.vocab.ownStems = own, ownStems
	m.parent = full
	for k, v := range full.stemmed {
		m.stemmed[k] = v
	}
}

func newVocabulary() vocabulary {
	return vocabulary{words: map[string]bool{}, stems: map[string]bool{}, near: &nearIndex{},
		joined: map[string][2]string{}, pairs: map[string]bool{}}
}

// note adds the words of compiled phrases.
func (v *vocabulary) note(ps []pattern) {
	for _, p := range ps {
		for i, w := range p.words {
			if w.stem {
				v.stems[w.form] = true
				v.addLong(w.word)
				continue
			}
			v.words[w.form] = true
			v.addLong(w.form)
			if n := len(w.form); n >= minTypoWord && n < len(v.longLen) {
				v.longLen[n] = true
			}
			if i > 0 && !p.words[i-1].stem {
				a, b := p.words[i-1].form, w.form
				v.pairs[a+" "+b] = true
				v.joined[a+b] = [2]string{a, b}
			}
		}
	}
}

// addLong notes a word that typos can be put right to.
func (v *vocabulary) addLong(w string) {
	if len(w) >= minTypoWord && isASCIILetters(w) {
		v.long = append(v.long, w)
	}
}

// nearIndex finds listed words by themselves and by each way of leaving one
// letter out. It is built on first use: a matcher compiled to try a
// suggested change often never needs it.
type nearIndex struct {
	once sync.Once
	m    map[string][]string
}

// Ready builds now what the matcher would otherwise build on the first answer that
// needs it (the English word list, the index of near spellings), so that no child's
// submission waits for it. A matcher that serves submissions is readied when loaded.
func (m *Matcher) Ready() *Matcher {
	if m.tol.typos || m.tol.joins || m.tol.repeats {
		englishWord()
	}
	if m.tol.typos {
		m.vocab.nearWords(nil)
	}
	return m
}

func (v *vocabulary) nearWords(k []byte) []string {
	v.near.once.Do(func() {
		v.near.m = map[string][]string{}
		add := func(k, w string) {
			for _, x := range v.near.m[k] {
				if x == w {
					return
				}
			}
			v.near.m[k] = append(v.near.m[k], w)
		}
		for _, w := range v.long {
			add(w, w)
			for i := range len(w) {
				add(w[:i]+w[i+1:], w)
			}
		}
	})
	return v.near.m[string(k)]
}

// finish drops joined words that are words of the codebook themselves.
func (v *vocabulary) finish() {
	for k := range v.joined {
		if v.words[k] {
			delete(v.joined, k)
		}
	}
}

// known reports whether the codebook writes tk's word, or the stem of a
// starred word is tk's stem.
func (m *Matcher) known(tk *token) bool {
	return m.vocab.has(tk.form) || tk.stem != "" && m.vocab.hasStem(tk.stem)
}

// setForm changes a token's word to the codebook word meant.
func (m *Matcher) setForm(tk *token, form string) {
	tk.form, tk.stem = form, ""
	if m.stemmed[prefix2(form)] {
		tk.stem = stem(form)
	}
}

// normalize puts right the words of toks the codebook does not know, by the
// matcher's tolerance. It may return a different slice (a joined word split).
func (m *Matcher) normalize(toks []token) []token {
	t := m.tol
	if !t.repeats && !t.inflect && !t.joins && !t.typos {
		return toks
	}
	var buf [64]byte
	for i := 0; i < len(toks); i++ {
		tk := &toks[i]
		if m.known(tk) || len(tk.form) < 3 {
			continue
		}
		if t.repeats {
			if f, ok := m.unrepeat(tk.form, buf[:0]); ok {
				m.setForm(tk, f)
				if m.known(tk) {
					continue
				}
			}
		}
		if t.inflect {
			if f, ok := m.uninflect(tk.form, buf[:0]); ok {
				m.setForm(tk, f)
				continue
			}
		}
		if t.joins {
			if ab, ok := m.vocab.joined[tk.form]; ok && !englishWord()[tk.form] {
				b := token{lower: tk.lower, form: ab[1]}
				m.setForm(tk, ab[0])
				m.setForm(&b, ab[1])
				toks = append(toks[:i+1], append([]token{b}, toks[i+1:]...)...)
				i++
				continue
			}
		}
		if t.typos {
			if f, ok := m.correctCached(tk.form, buf[:0]); ok {
				m.setForm(tk, f)
			}
		}
	}
	if t.joins {
		toks = m.merge(toks, buf[:0])
	}
	return toks
}

// unrepeat shortens every run of three or more of one letter to two or to
// one, preferring a word the codebook knows, then an English word.
func (m *Matcher) unrepeat(f string, buf []byte) (string, bool) {
	if !hasRun3(f) {
		return "", false
	}
	two, one := collapse(f, 2, buf), collapse(f, 1, nil)
	for _, w := range []string{two, one} {
		if m.vocab.has(w) || m.stemmed[prefix2(w)] && m.vocab.hasStem(stem(w)) {
			return w, true
		}
	}
	if englishWord()[two] {
		return two, true
	}
	return one, true
}

func hasRun3(f string) bool {
	for i := 2; i < len(f); i++ {
		if f[i] == f[i-1] && f[i] == f[i-2] && f[i] >= 'a' && f[i] <= 'z' {
			return true
		}
	}
	return false
}

// collapse shortens runs of one ASCII letter longer than n to n.
func collapse(f string, n int, buf []byte) string {
	run := 0
	for i := 0; i < len(f); i++ {
		c := f[i]
		if i > 0 && c == f[i-1] && c >= 'a' && c <= 'z' {
			run++
		} else {
			run = 1
		}
		if run <= n {
			buf = append(buf, c)
		}
	}
	return string(buf)
}

// inflections are the regular English endings and what the word before them
// may have ended in: "sisters" "sister", "worries" "worry", "moving"
// "move", "hitting" "hit".
var inflections = []struct {
	suffix string
	bases  []string // "" the bare stem, "-" the stem with its doubled last letter once
}{
	{"ies", []string{"y"}},
	{"ied", []string{"y"}},
	{"es", []string{"", "e"}},
	{"s", []string{""}},
	{"ed", []string{"", "e", "-"}},
	{"ing", []string{"", "e", "-"}},
}

// uninflect returns the word the codebook writes that f is a regular
// inflection of.
func (m *Matcher) uninflect(f string, buf []byte) (string, bool) {
	for _, in := range inflections {
		rest, ok := strings.CutSuffix(f, in.suffix)
		if !ok || len(rest) < 2 || in.suffix == "s" && (strings.HasSuffix(rest, "s") || strings.HasSuffix(rest, "u") || strings.HasSuffix(rest, "i")) {
			continue
		}
		for _, b := range in.bases {
			w := append(buf[:0], rest...)
			switch b {
			case "-":
				n := len(rest)
				if n < 3 || rest[n-1] != rest[n-2] {
					continue
				}
				w = w[:n-1]
			default:
				w = append(w, b...)
			}
			if len(w) >= 3 && m.vocab.has(string(w)) {
				return string(w), true
			}
		}
	}
	return "", false
}

// correctCached is correct, remembered for up to maxCachedStems words: answers
// share their words, and looking a word up under each letter left out is most
// of the time tolerance takes.
func (m *Matcher) correctCached(f string, buf []byte) (string, bool) {
	if len(f) < minTypoWord-1 {
		return "", false
	}
	if w, ok := m.corrected.Load(f); ok {
		w := w.(string)
		return w, w != ""
	}
	if m.parent != nil && !m.vocab.own[f] {
		if w, ok := m.parent.corrected.Load(f); ok {
			w := w.(string)
			return w, w != ""
		}
	}
	w, ok := m.correct(f, buf)
	if !ok {
		w = ""
	}
	if m.nCorrected.Load() < maxCachedStems {
		// Cloned: f may be a slice of a whole answer, which must not be kept.
		if _, had := m.corrected.LoadOrStore(strings.Clone(f), w); !had {
			m.nCorrected.Add(1)
		}
	}
	return w, ok
}

// correct returns the one listed word that f is a slip away from, if f is
// not an English word. f that is an English or listed word with a letter
// doubled is that word instead ("caree" is "care", not "career").
func (m *Matcher) correct(f string, buf []byte) (string, bool) {
	if len(f) < minTypoWord-1 || !isASCIILetters(f) {
		return "", false
	}
	var found string
	n := 0
	look := func(k []byte) {
		for _, w := range m.vocab.nearWords(k) {
			if w != found && oneSlip(f, w) {
				found = w
				n++
			}
		}
	}
	look(append(buf[:0], f...))
	for i := range len(f) {
		look(append(append(buf[:0], f[:i]...), f[i+1:]...))
	}
	if n != 1 {
		return "", false
	}
	dict := englishWord()
	if dict[f] {
		return "", false
	}
	for i := 1; i < len(f); i++ {
		if f[i] != f[i-1] {
			continue
		}
		k := append(append(buf[:0], f[:i]...), f[i+1:]...)
		if string(k) != found && (dict[string(k)] || m.vocab.has(string(k))) {
			return string(k), true
		}
	}
	return found, true
}

// oneSlip reports whether a and b, which differ, are one letter missed,
// added, changed or two adjacent letters swapped apart.
func oneSlip(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	switch len(b) - len(a) {
	case 0:
		if i == len(a) {
			return false
		}
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		return a[i:] == b[i+1:]
	}
	return false
}

// merge joins two adjacent words typed apart into the listed word of
// minTypoWord or more letters they spell ("some one", "home work"), unless
// either belongs with its other neighbour in a listed phrase and the joined
// word does not ("my self esteem" stays).
func (m *Matcher) merge(toks []token, buf []byte) []token {
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		if i+1 < len(toks) && !toks[i+1].breakBefore {
			a, b := toks[i].form, toks[i+1].form
			if n := len(a) + len(b); n < minTypoWord || n >= len(m.vocab.longLen) || !m.vocab.longLen[n] {
				out = append(out, toks[i])
				continue
			}
			w := append(append(buf[:0], a...), b...)
			if m.vocab.has(string(w)) && !m.listedPair(a, b) &&
				(i == 0 || !m.listedPair(toks[i-1].form, a)) &&
				(i+2 >= len(toks) || !m.listedPair(b, toks[i+2].form) || m.listedPair(string(w), toks[i+2].form)) {
				tk := toks[i]
				m.setForm(&tk, string(w))
				out = append(out, tk)
				i++
				continue
			}
		}
		out = append(out, toks[i])
	}
	return out
}

func (m *Matcher) listedPair(a, b string) bool {
	if len(m.vocab.pairs) == 0 {
		return false
	}
	return m.vocab.pairs[a+" "+b]
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// englishWords are the lower-case words of four or more letters in SCOWL's
// British and American English lists at size 50 (Debian's wbritish and
// wamerican; see english.words.COPYRIGHT): words that are not typos. Made
// from Debian's 2020.12.07 packages with
//
//	cat british-english american-english | grep -v "'" | tr A-Z a-z |
//		grep -E '^[a-z]{4,}$' | sort -u | gzip -9n > english.words.gz
//
//go:embed english.words.gz
var englishWords []byte

// englishWord returns the set of englishWords, read on first use.
var englishWord = sync.OnceValue(func() map[string]bool {
	zr, err := gzip.NewReader(bytes.NewReader(englishWords))
	if err != nil {
		panic("theme: english.words.gz: " + err.Error())
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		panic("theme: english.words.gz: " + err.Error())
	}
	words := strings.Fields(string(data))
	out := make(map[string]bool, len(words))
	for _, w := range words {
		out[w] = true
	}
	return out
})
