package theme

// The matcher as it was before terms matched what they say: every word matched
// on its Snowball stem and any negation cancelled a match. Kept to measure the
// new matcher against, on the same quotes and in the same benchmark run.

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kljensen/snowball/english"
)

// legacyMatcher tags answers with the themes of a compiled codebook. It is safe
// for concurrent use.
type legacyMatcher struct {
	ids      []string                 // theme ids, by theme index
	words    map[string][]int         // legacyStem → themes
	phrases  map[string][]legacyEntry // first legacyStem → phrases
	excludes map[string][]legacyEntry // first legacyStem → exclude phrases
}

// legacyEntry is a phrase of one theme, as legacyStems.
type legacyEntry struct {
	theme       int
	legacyStems []string
}

// Compile prepares the codebook for tagging.
func compileLegacy(cb *Codebook) *legacyMatcher {
	m := &legacyMatcher{
		words:    map[string][]int{},
		phrases:  map[string][]legacyEntry{},
		excludes: map[string][]legacyEntry{},
	}
	for ti, t := range cb.Themes {
		m.ids = append(m.ids, t.ID)
		for _, w := range texts(t.Terms) {
			toks := legacyTokenize(w)
			if len(toks) != 1 {
				// "self-esteem" is matched as the phrase "self esteem".
				legacyAddPhrases(m.phrases, ti, []string{w})
				continue
			}
			if !slices.Contains(m.words[toks[0].legacyStem], ti) {
				m.words[toks[0].legacyStem] = append(m.words[toks[0].legacyStem], ti)
			}
		}
		legacyAddPhrases(m.excludes, ti, texts(t.Exclude))
	}
	return m
}

func legacyAddPhrases(dst map[string][]legacyEntry, theme int, phrases []string) {
	for _, p := range phrases {
		toks := legacyTokenize(p)
		if len(toks) == 0 {
			continue
		}
		legacyStems := make([]string, len(toks))
		for i, tk := range toks {
			legacyStems[i] = tk.legacyStem
		}
		dst[legacyStems[0]] = append(dst[legacyStems[0]], legacyEntry{theme: theme, legacyStems: legacyStems})
	}
}

// legacyNegations suppress a match that follows within three words in the same
// clause: "I don't miss school".
var legacyNegations = map[string]bool{
	"not": true, "no": true, "never": true, "nobody": true, "none": true, "nothing": true,
	"don't": true, "dont": true, "doesn't": true, "doesnt": true, "didn't": true, "didnt": true,
	"isn't": true, "isnt": true, "aren't": true, "arent": true, "wasn't": true, "wasnt": true,
	"weren't": true, "werent": true, "can't": true, "cant": true, "cannot": true, "won't": true,
	"wont": true, "haven't": true, "havent": true, "hasn't": true, "hasnt": true, "hadn't": true,
	"shouldn't": true, "shouldnt": true, "wouldn't": true, "wouldnt": true, "couldn't": true,
	"couldnt": true, "ain't": true, "aint": true, "neither": true, "nor": true,
}

// legacyNegationWindow is how many words before a match a negation reaches.
const legacyNegationWindow = 3

// legacySpan is a match of a theme over tokens [start, end).
type legacySpan struct{ theme, start, end int }

// Tag returns the ids of the themes text matches, sorted and without
// repeats. An empty result means the answer is uncoded.
func (m *legacyMatcher) Tag(text string) []string {
	toks := legacyTokenize(text)
	if len(toks) == 0 || len(m.ids) == 0 {
		return nil
	}
	var hits, excl []legacySpan
	for i, tk := range toks {
		for _, ti := range m.words[tk.legacyStem] {
			hits = append(hits, legacySpan{ti, i, i + 1})
		}
		for _, e := range m.phrases[tk.legacyStem] {
			if end, ok := legacyMatchPhrase(toks, i, e.legacyStems); ok {
				hits = append(hits, legacySpan{e.theme, i, end})
			}
		}
		for _, e := range m.excludes[tk.legacyStem] {
			if end, ok := legacyMatchPhrase(toks, i, e.legacyStems); ok {
				excl = append(excl, legacySpan{e.theme, i, end})
			}
		}
	}
	found := make([]bool, len(m.ids))
	for _, h := range hits {
		if found[h.theme] || legacyNegated(toks, h.start) || legacyExcluded(excl, h) {
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

// legacyMatchPhrase reports whether legacyStems match toks from i, within one clause.
func legacyMatchPhrase(toks []legacyToken, i int, legacyStems []string) (int, bool) {
	if i+len(legacyStems) > len(toks) {
		return 0, false
	}
	for k, s := range legacyStems {
		if toks[i+k].legacyStem != s || k > 0 && toks[i+k].breakBefore {
			return 0, false
		}
	}
	return i + len(legacyStems), true
}

// legacyNegated reports whether a negation comes within legacyNegationWindow words
// before toks[start] without a clause break between.
func legacyNegated(toks []legacyToken, start int) bool {
	for j := start - 1; j >= 0 && j >= start-legacyNegationWindow; j-- {
		if toks[j+1].breakBefore || toks[j].lower == "but" {
			return false
		}
		if legacyNegations[toks[j].lower] {
			return true
		}
	}
	return false
}

func legacyExcluded(excl []legacySpan, h legacySpan) bool {
	for _, x := range excl {
		if x.theme == h.theme && x.start < h.end && h.start < x.end {
			return true
		}
	}
	return false
}

// legacyToken is a word of an answer.
type legacyToken struct {
	lower       string // lower-case word, apostrophes as "'"
	legacyStem  string // Snowball English legacyStem
	breakBefore bool   // a clause break (. , ; ! ? and the like) comes before it
}

// legacyTokenize splits text as the codebook's matcher does (tokenizeWords: the same
// words, tags and clause breaks) and stems every word, as the old matcher did.
func legacyTokenize(text string) []legacyToken {
	words := tokenizeWords(text)
	toks := make([]legacyToken, len(words))
	for i, w := range words {
		toks[i] = legacyToken{lower: w.lower, legacyStem: legacyStem(w.lower), breakBefore: w.breakBefore}
	}
	return toks
}

// legacyStem returns the Snowball English legacyStem of a lower-case word, without a
// possessive "'s".
func legacyStem(lower string) string {
	if s, ok := legacyStems.Load(lower); ok {
		return s.(string)
	}
	w := strings.TrimSuffix(lower, "'s")
	if !strings.ContainsRune(w, '\'') { // "don't", "can't": keep as written
		w = english.Stem(w, false)
	}
	if legacyStemsCached.Load() < legacyMaxCachedStems {
		// Cloned: lower may be a slice of a whole answer, which must not be kept.
		if _, had := legacyStems.LoadOrStore(strings.Clone(lower), strings.Clone(w)); !had {
			legacyStemsCached.Add(1)
		}
	}
	return w
}

// legacyStems caches legacyStem: answers share a few thousand everyday words, and stemming every
// word of every answer again was about a twentieth of a submission's CPU. The cache
// stops growing at legacyMaxCachedStems words; later new words are stemmed each time.
var (
	legacyStems       sync.Map
	legacyStemsCached atomic.Int64
)

const legacyMaxCachedStems = 50_000
