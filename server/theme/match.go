package theme

import (
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
	ids      []string           // theme ids, by theme index
	words    map[string][]int   // stem → themes
	phrases  map[string][]entry // first stem → phrases
	excludes map[string][]entry // first stem → exclude phrases
}

// entry is a phrase of one theme, as stems.
type entry struct {
	theme int
	stems []string
}

// Compile prepares the codebook for tagging.
func (cb *Codebook) Compile() *Matcher {
	m := &Matcher{
		words:    map[string][]int{},
		phrases:  map[string][]entry{},
		excludes: map[string][]entry{},
	}
	for ti, t := range cb.Themes {
		m.ids = append(m.ids, t.ID)
		for _, w := range t.Words {
			toks := tokenize(w)
			if len(toks) != 1 {
				// "self-esteem" is matched as the phrase "self esteem".
				addPhrases(m.phrases, ti, []string{w})
				continue
			}
			if !slices.Contains(m.words[toks[0].stem], ti) {
				m.words[toks[0].stem] = append(m.words[toks[0].stem], ti)
			}
		}
		addPhrases(m.phrases, ti, t.Phrases)
		addPhrases(m.excludes, ti, t.Exclude)
	}
	return m
}

func addPhrases(dst map[string][]entry, theme int, phrases []string) {
	for _, p := range phrases {
		toks := tokenize(p)
		if len(toks) == 0 {
			continue
		}
		stems := make([]string, len(toks))
		for i, tk := range toks {
			stems[i] = tk.stem
		}
		dst[stems[0]] = append(dst[stems[0]], entry{theme: theme, stems: stems})
	}
}

// negations suppress a match that follows within three words in the same
// clause: "I don't miss school".
var negations = map[string]bool{
	"not": true, "no": true, "never": true, "nobody": true, "none": true, "nothing": true,
	"don't": true, "dont": true, "doesn't": true, "doesnt": true, "didn't": true, "didnt": true,
	"isn't": true, "isnt": true, "aren't": true, "arent": true, "wasn't": true, "wasnt": true,
	"weren't": true, "werent": true, "can't": true, "cant": true, "cannot": true, "won't": true,
	"wont": true, "haven't": true, "havent": true, "hasn't": true, "hasnt": true, "hadn't": true,
	"shouldn't": true, "shouldnt": true, "wouldn't": true, "wouldnt": true, "couldn't": true,
	"couldnt": true, "ain't": true, "aint": true, "neither": true, "nor": true,
}

// negationWindow is how many words before a match a negation reaches.
const negationWindow = 3

// span is a match of a theme over tokens [start, end).
type span struct{ theme, start, end int }

// Tag returns the ids of the themes text matches, sorted and without
// repeats. An empty result means the answer is uncoded.
func (m *Matcher) Tag(text string) []string {
	toks := tokenize(text)
	if len(toks) == 0 || len(m.ids) == 0 {
		return nil
	}
	var hits, excl []span
	for i, tk := range toks {
		for _, ti := range m.words[tk.stem] {
			hits = append(hits, span{ti, i, i + 1})
		}
		for _, e := range m.phrases[tk.stem] {
			if end, ok := matchPhrase(toks, i, e.stems); ok {
				hits = append(hits, span{e.theme, i, end})
			}
		}
		for _, e := range m.excludes[tk.stem] {
			if end, ok := matchPhrase(toks, i, e.stems); ok {
				excl = append(excl, span{e.theme, i, end})
			}
		}
	}
	found := make([]bool, len(m.ids))
	for _, h := range hits {
		if found[h.theme] || negated(toks, h.start) || excluded(excl, h) {
			continue
		}
		found[h.theme] = true
	}
	var ids []string
	for ti, ok := range found {
		if ok && !slices.Contains(ids, m.ids[ti]) {
			ids = append(ids, m.ids[ti])
		}
	}
	slices.Sort(ids)
	return ids
}

// matchPhrase reports whether stems match toks from i, within one clause.
func matchPhrase(toks []token, i int, stems []string) (int, bool) {
	if i+len(stems) > len(toks) {
		return 0, false
	}
	for k, s := range stems {
		if toks[i+k].stem != s || k > 0 && toks[i+k].breakBefore {
			return 0, false
		}
	}
	return i + len(stems), true
}

// negated reports whether a negation comes within negationWindow words
// before toks[start] without a clause break between.
func negated(toks []token, start int) bool {
	for j := start - 1; j >= 0 && j >= start-negationWindow; j-- {
		if toks[j+1].breakBefore || toks[j].lower == "but" {
			return false
		}
		if negations[toks[j].lower] {
			return true
		}
	}
	return false
}

func excluded(excl []span, h span) bool {
	for _, x := range excl {
		if x.theme == h.theme && x.start < h.end && h.start < x.end {
			return true
		}
	}
	return false
}

// token is a word of an answer.
type token struct {
	lower       string // lower-case word, apostrophes as "'"
	stem        string // Snowball English stem
	breakBefore bool   // a clause break (. , ; ! ? and the like) comes before it
}

// tokenize splits text into lower-case words and stems them. Redaction tags
// such as "[name]" are dropped; a possessive "'s" is dropped for stemming.
func tokenize(text string) []token {
	var toks []token
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
		toks = append(toks, token{lower: lower, stem: stem(lower), breakBefore: brk})
		brk = false
		i = j
	}
	return toks
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

// stem returns the Snowball English stem of a lower-case word, without a
// possessive "'s".
func stem(lower string) string {
	if s, ok := stems.Load(lower); ok {
		return s.(string)
	}
	w := strings.TrimSuffix(lower, "'s")
	if !strings.ContainsRune(w, '\'') { // "don't", "can't": keep as written
		w = english.Stem(w, false)
	}
	if stemsCached.Load() < maxCachedStems {
		// Cloned: lower may be a slice of a whole answer, which must not be kept.
		if _, had := stems.LoadOrStore(strings.Clone(lower), strings.Clone(w)); !had {
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
