package safeguard

import (
	"strings"

	"github.com/chorus-voice/chorus/server/fold"
	"unicode"
	"unicode/utf8"
)

// expansions rewrite text-speak and common misspellings into the words the
// rules are written in. Keys and values are in collapsed form (see collapse)
// except where a key is listed twice, before and after collapsing.
var expansions = map[string]string{
	"kms": "kill myself", "kys": "kill yourself", "kmself": "kill myself",
	"2": "to", "4": "for", "u": "you", "r": "are", "ur": "your", "y": "why",
	"im": "i am", "i'm": "i am", "ive": "i have", "i've": "i have", "id": "i would", "i'd": "i would",
	"dont": "do not", "don't": "do not", "doesnt": "does not", "doesn't": "does not",
	"didnt": "did not", "didn't": "did not", "cant": "can not", "can't": "can not",
	"cannot": "can not", "wont": "will not", "won't": "will not", "isnt": "is not",
	"isn't": "is not", "aint": "is not", "ain't": "is not", "wasnt": "was not",
	"wasn't": "was not", "havent": "have not", "haven't": "have not", "wouldnt": "would not",
	"wouldn't": "would not", "shouldnt": "should not", "couldnt": "could not",
	"couldn't": "could not", "arent": "are not", "aren't": "are not", "werent": "were not",
	"wana": "want to", "wanna": "want to", "gona": "going to", "gonna": "going to",
	"gota": "got to", "gotta": "got to", "tryna": "trying to", "hafta": "have to",
	"finna": "going to", "dunno": "do not know", "lemme": "let me", "gimme": "give me",
	"noone": "nobody", "no1": "nobody", "every1": "everyone", "some1": "someone",
	"sum1": "someone", "any1": "anyone", "b4": "before", "h8": "hate", "h8s": "hates",
	"m8": "mate", "m8s": "mates", "bc": "because", "cuz": "because", "cos": "because",
	"coz": "because", "bcoz": "because", "becuz": "because", "becos": "because",
	"wiv": "with", "wif": "with", "da": "the", "dat": "that", "dis": "this", "dem": "them",
	"nuffin": "nothing", "nuthin": "nothing", "nothin": "nothing", "nofin": "nothing",
	"sumthin": "something", "somethin": "something", "ppl": "people", "pple": "people",
	"unalive": "kill", "unalived": "killed", "unaliving": "killing",
	"sewerslide": "suicide", "sucide": "suicide", "suicde": "suicide", "sucicide": "suicide",
	"suiside": "suicide", "suacide": "suicide", "suicid": "suicide", "suiscide": "suicide",
	"sucidal": "suicidal", "suicidle": "suicidal", "suicidel": "suicidal", "suisidal": "suicidal",
	"sucicidal": "suicidal", "suacidal": "suicidal",
	"selfharm": "self harm", "self-harm": "self harm", "selfharming": "self harming",
	"myslef": "myself", "mysef": "myself", "meself": "myself", "mysel": "myself",
	"mysefl": "myself", "mself": "myself", "myselfe": "myself", "myslf": "myself",
	"ded": "dead", "kil": "kill", "kiled": "killed", "kiling": "killing",
	"tuches": "touches", "touchs": "touches", "tuch": "touch", "toches": "touches",
	"hitts": "hits", "hitin": "hitting", "hittin": "hitting", "hurtin": "hurting",
	"beatin": "beating", "scard": "scared", "scaired": "scared", "skared": "scared",
	"afriad": "afraid", "afrade": "afraid", "frightend": "frightened",
	"hungy": "hungry", "hungery": "hungry", "starvin": "starving",
	"abuseing": "abusing", "abuce": "abuse", "abuced": "abused", "abussed": "abused",
	"mum's": "mums", "dad's": "dads", "hes": "he is", "he's": "he is", "shes": "she is",
	"she's": "she is", "theyre": "they are", "they're": "they are", "its": "it is",
	"it's": "it is", "thats": "that is", "that's": "that is", "wat": "what",
	"mam": "mum", "mom": "mum", "mummy": "mum", "ma": "mum", "mama": "mum",
	"daddy": "dad", "stepdad": "step dad", "stepmum": "step mum",
	"nd": "and", "n": "and", "&": "and", "plz": "please", "pls": "please",
	"tho": "though", "rn": "right now", "ngl": "not going to lie", "tbh": "to be honest",
	"srsly": "seriously", "prolly": "probably", "cus": "because",
	"wnt": "want", "wnna": "want to", "wna": "want to", "dnt": "do not", "cnt": "can not",
	"nvr": "never", "nva": "never", "neva": "never", "evry": "every", "evry1": "everyone",
	"wen": "when", "wid": "with", "nite": "night", "2nite": "tonight", "2day": "today",
	"hom": "home", "bcz": "because", "bcos": "because",
}

// gDropped are words children often write without their final g ("hittin",
// "cuttin", "dyin"); each is read as the full word.
var gDropped = []string{"hitting", "kicking", "punching", "slapping", "beating", "touching", "cutting",
	"killing", "dying", "hurting", "burning", "starving", "choking", "strangling", "harming", "scratching",
	"threatening", "abusing", "shouting", "screaming", "smashing", "dealing", "selling", "begging",
	"sleeping", "running", "drinking", "smoking", "grooming", "bleeding", "hiding"}

func init() {
	for _, w := range gDropped {
		short := collapse(strings.TrimSuffix(w, "g"))
		if _, ok := expansions[short]; !ok {
			expansions[short] = w
		}
	}
	for k, v := range map[string]string{"smth": "something", "rly": "really", "abt": "about",
		"thretened": "threatened", "threatend": "threatened", "belive": "believe", "beleive": "believe",
		"stepdads": "step dads", "stepmums": "step mums"} {
		if _, ok := expansions[k]; !ok {
			expansions[k] = v
		}
	}
}

// bigrams join two-word spellings into one: "no one" → "nobody".
var bigrams = map[[2]string]string{
	{"no", "one"}:      "nobody",
	{"my", "self"}:     "myself",
	{"me", "self"}:     "myself",
	{"my", "slef"}:     "myself",
	{"sewer", "slide"}: "suicide",
	{"self", "harm"}:   "self harm",
	{"un", "alive"}:    "kill",
	{"kys", "myself"}:  "kill myself",
}

// leet maps look-alike digits and symbols inside words to letters:
// "k1ll" → "kill", "d13" → "die".
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i'}

// Normalize lowercases text and rewrites it into the plain words the rules
// are written in: look-alike digits become letters ("k1ll"), runs of a
// repeated letter collapse to one ("diiie" → "die", "kill" → "kil"), and
// text-speak expands ("wanna" → "want to", "kms" → "kill myself",
// "2" → "to"). Rules are normalized the same way, so they still match.
//
// The text is folded first (see package fold), as redaction folds it, so
// full-width letters, look-alike letters from other scripts and zero-width
// characters hide nothing.
func Normalize(text string) []string {
	raw := splitWords(fold.String(text))
	out := make([]string, 0, len(raw)+4)
	for i := 0; i < len(raw); i++ {
		w := raw[i]
		if i+1 < len(raw) && !selfHarmFollows(raw, i+1) {
			if j, ok := bigrams[[2]string{collapse(deleet(w)), collapse(deleet(raw[i+1]))}]; ok {
				out = appendCollapsed(out, j)
				i++
				continue
			}
		}
		out = appendWord(out, w)
	}
	return out
}

// selfHarmFollows reports whether raw[i] is "self" starting "self harm",
// "self-harming" and the like, so that "my self-harming" is not read as
// "myself harming".
func selfHarmFollows(raw []string, i int) bool {
	return i+1 < len(raw) && collapse(raw[i]) == "self" && strings.HasPrefix(collapse(deleet(raw[i+1])), "harm")
}

// appendWord normalizes one word and appends the result.
func appendWord(out []string, w string) []string {
	if e, ok := expansions[w]; ok {
		return appendCollapsed(out, e)
	}
	w = deleet(w)
	w = strings.Trim(w, "'")
	if w == "" {
		return out
	}
	c := collapse(w)
	// "hitz", "beatz": a text-speak plural.
	if n := len(c); n >= 4 && c[n-1] == 'z' {
		c = c[:n-1] + "s"
	}
	if e, ok := expansions[c]; ok {
		return appendCollapsed(out, e)
	}
	if e, ok := expansions[w]; ok {
		return appendCollapsed(out, e)
	}
	if fixed, ok := spellFix(c); ok {
		c = fixed
	}
	return append(out, c)
}

func appendCollapsed(out []string, phrase string) []string {
	for _, f := range strings.Fields(phrase) {
		out = append(out, collapse(f))
	}
	return out
}

// stop marks the end of a sentence in normalized text. Gaps in rules do
// not cross it and negation does not reach over it.
const stop = "."

// splitWords lowercases text and splits it into words of letters, digits
// and the symbols that leetspeak uses; an apostrophe may join two parts.
func splitWords(text string) []string {
	text = strings.ToLower(text)
	var words []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			words = append(words, text[start:end])
			start = -1
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
		if !inWord && start >= 0 && (r == '\'' || r == '’' || r == '@' || r == '$' || r == '!') {
			// Keep "don't", "k!ll" and "d@d" together, but not a trailing "!".
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if i+size < len(text) && (unicode.IsLetter(next) || unicode.IsDigit(next)) {
				if r == '’' {
					text = text[:i] + "'" + text[i+size:]
					size = 1
				}
				i += size
				continue
			}
		}
		if inWord && start < 0 {
			start = i
		}
		if !inWord {
			flush(i)
			switch r {
			case '&':
				words = append(words, "&")
			case '.', '!', '?', ';', '\n', '…':
				if len(words) > 0 && words[len(words)-1] != stop {
					words = append(words, stop)
				}
			}
		}
		i += size
	}
	flush(len(text))
	return words
}

// deleet turns look-alike digits and symbols into letters when the word also
// has letters in it, so "k1ll" becomes "kill" but "14" stays "14".
func deleet(w string) string {
	hasLetter, hasLeet := false, false
	for _, r := range w {
		if unicode.IsLetter(r) {
			hasLetter = true
		} else if _, ok := leet[r]; ok {
			hasLeet = true
		}
	}
	if !hasLetter || !hasLeet {
		return w
	}
	// "b4", "h8", "m8" and "2day" are text-speak handled by expansions.
	if _, ok := expansions[w]; ok {
		return w
	}
	var b strings.Builder
	for _, r := range w {
		if l, ok := leet[r]; ok {
			r = l
		}
		b.WriteRune(r)
	}
	return b.String()
}

// collapse replaces each run of a repeated letter with one letter.
func collapse(w string) string {
	var prev rune = -1
	repeated := false
	for _, r := range w {
		if r == prev && unicode.IsLetter(r) {
			repeated = true
			break
		}
		prev = r
	}
	if !repeated {
		return w
	}
	var b strings.Builder
	b.Grow(len(w))
	prev = -1
	for _, r := range w {
		if r == prev && unicode.IsLetter(r) {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// fuzzyWords are distinctive words in the rules that children often
// misspell; a word one edit away from one of them is read as it.
// Words that a single typo turns into another common word ("abused" and
// "amused", "scared" and "shared", "stabbed" and "stated") are left out.
var fuzzyWords = []string{"suicide", "suicidal", "myself", "touches", "touching", "frightened",
	"strangled", "threatened", "overdose", "homeless", "molested"}

var fuzzyCollapsed = func() []string {
	out := make([]string, len(fuzzyWords))
	for i, w := range fuzzyWords {
		out[i] = collapse(w)
	}
	return out
}()

// spellFix returns the fuzzy word that w is one edit (or one swap of
// neighbouring letters) away from, if there is exactly one.
func spellFix(w string) (string, bool) {
	n := utf8.RuneCountInString(w)
	if n < 5 {
		return "", false
	}
	found := ""
	for _, f := range fuzzyCollapsed {
		if f == w {
			return "", false
		}
		if d := len(f) - len(w); d > 1 || d < -1 {
			continue
		}
		if withinOneEdit(w, f) {
			if found != "" && found != f {
				return "", false
			}
			found = f
		}
	}
	return found, found != ""
}

// withinOneEdit reports whether a and b (ASCII or not) differ by at most one
// insertion, deletion, substitution or swap of adjacent letters.
func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if i == len(ra) {
		return len(rb)-len(ra) <= 1
	}
	if len(ra) == len(rb) {
		// substitution, or a swap of ra[i] and ra[i+1]
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	}
	// insertion into the shorter
	return string(ra[i:]) == string(rb[i+1:])
}
