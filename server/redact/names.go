package redact

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	//go:embed firstnames.txt
	firstNamesFile string
	//go:embed namewords.txt
	nameWordsFile string
	//go:embed surnames.txt
	surnamesFile string
	//go:embed commonwords.txt
	commonWordsFile string
)

// nameKind says how sure a word alone makes us that it is a name.
type nameKind uint8

const (
	notName   nameKind = iota
	plainName          // "Jayden": a name wherever it appears, in any case
	wordName           // "Grace", "Will": a name only in a name-like context
	cueName            // "India", "Chelsea": a name only after a cue
)

var (
	names       = loadNames()
	surnames    = loadList(surnamesFile)
	commonWords = loadList(commonWordsFile)
)

func loadList(file string) map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(file, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ToLower(line)] = true
	}
	return m
}

func loadNames() map[string]nameKind {
	m := map[string]nameKind{}
	for n := range loadList(firstNamesFile) {
		m[n] = plainName
		if utf8.RuneCountInString(n) <= 2 {
			m[n] = wordName
		}
	}
	for _, line := range strings.Split(nameWordsFile, "\n") {
		f := strings.Fields(strings.ToLower(line))
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) > 1 && f[1] == "cue" {
			m[f[0]] = cueName
		} else {
			m[f[0]] = wordName
		}
	}
	return m
}

// kindOf looks a word up in the name lists, allowing for hyphenated names
// ("Lily-Mae").
func kindOf(t token) nameKind {
	if t.tag || t.digit {
		return notName
	}
	if k, ok := names[t.lower]; ok {
		return k
	}
	if i := strings.IndexByte(t.lower, '-'); i > 0 {
		if names[t.lower[:i]] == plainName {
			return plainName
		}
	}
	return notName
}

// possessed are nouns after which "Jaydens" is read as "Jayden's".
var possessed = wordSet(`house home mum mam dad room bedroom place party birthday brother sister
	friend friends nan gran car phone dog cat family flat`)

// kindOfPossessive looks up toks[i] as a name missing its apostrophe, as in
// "Jaydens house".
func kindOfPossessive(toks []token, i int) nameKind {
	t := toks[i]
	if !t.title || len(t.lower) <= 3 || !strings.HasSuffix(t.lower, "s") || i+1 >= len(toks) {
		return notName
	}
	if n := toks[i+1]; n.tight && !n.initial && possessed[n.lower] && names[t.lower[:len(t.lower)-1]] == plainName {
		return plainName
	}
	return notName
}

// redactNames replaces first names (and surnames that follow them).
func (tr *tracker) redactNames(s string) string {
	toks := tokenize(s)
	if len(toks) == 0 {
		return s
	}
	redacted := make([]bool, len(toks))
	var spans []span
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.tag || t.digit {
			continue
		}
		kind := kindOf(t)
		if kind == notName {
			kind = kindOfPossessive(toks, i)
		}
		if kind == notName && !t.title && (commonWords[t.lower] || i == 0) {
			continue
		}
		cue := cueBefore(toks, i, redacted)
		if i > 0 && isTitleBefore(s, toks[i-1], t) {
			cue = titleCue
		}
		if !isNameAt(toks, i, kind, cue, redacted) {
			continue
		}
		redacted[i] = true
		end := t.end
		// Fold following surnames or second names into the same tag.
		for j := i + 1; j < len(toks) && j <= i+2; j++ {
			n := toks[j]
			if !n.tight || n.tag || !n.title || n.initial {
				break
			}
			if !surnames[n.lower] && kindOf(n) != plainName && !isMacName(s[n.start:n.end]) {
				break
			}
			redacted[j] = true
			end = n.end
			i = j
		}
		spans = append(spans, span{t.start, end})
	}
	return tr.replaceSpans(s, spans, TagName)
}

// isTitleBefore reports whether prev is a title such as "Mr" or "Miss"
// directly before t ("Mr Patel", "Mr. Patel"). "miss" must be capitalised,
// as in "Miss Jones", since "I miss Home" is not a title.
func isTitleBefore(s string, prev, t token) bool {
	if prev.tag || !titles[prev.lower] {
		return false
	}
	if (prev.lower == "miss" || prev.lower == "sir" || prev.lower == "mister") && !prev.title {
		return false
	}
	between := s[prev.end:t.start]
	return between != "" && strings.Trim(between, " ") == "" || between == "." || between == ". "
}

// isMacName reports whether w looks like a Mc/Mac/O' surname.
func isMacName(w string) bool {
	for _, p := range []string{"Mc", "Mac", "O'", "O’"} {
		if strings.HasPrefix(w, p) && len(w) > len(p) {
			r, _ := utf8.DecodeRuneInString(w[len(p):])
			return unicode.IsUpper(r)
		}
	}
	return false
}

// isNameAt decides whether toks[i] is a person's name.
func isNameAt(toks []token, i int, kind nameKind, cue cueKind, redacted []bool) bool {
	t := toks[i]
	common := commonWords[t.lower] || cueStop[t.lower] || relationWords[t.lower]
	switch cue {
	case strongCue:
		return !common || kind != notName && t.title
	case relationCue:
		switch kind {
		case plainName, cueName:
			return true
		case wordName:
			return t.title || !common
		}
		return t.title && !common
	case titleCue:
		return t.title || kind != notName || surnames[t.lower]
	case listCue:
		switch kind {
		case plainName, cueName:
			return true
		case wordName:
			return t.title || !common
		}
		return false
	}
	switch kind {
	case plainName:
		return true
	case wordName:
		return wordNameInContext(toks, i, redacted)
	}
	return false
}

// wordNameInContext decides whether a name that is also an ordinary word
// ("Grace", "Will", "May") is used as a name here: capitalised in the middle
// of a sentence and not in an ordinary-word context.
func wordNameInContext(toks []token, i int, redacted []bool) bool {
	t := toks[i]
	if !t.title {
		return false
	}
	var next *token
	if i+1 < len(toks) && toks[i+1].soft && !toks[i+1].initial {
		next = &toks[i+1]
	}
	if t.initial || i == 0 {
		// "Grace is my best friend."
		return i+3 < len(toks) && (toks[i+1].lower == "is" || toks[i+1].lower == "was") &&
			toks[i+2].lower == "my" && (relationWords[toks[i+3].lower] ||
			i+4 < len(toks) && relationAdjectives[toks[i+3].lower] && relationWords[toks[i+4].lower])
	}
	prev := toks[i-1]
	prevIsName := prev.tag || redacted[i-1]
	if !prevIsName && ordinaryPrev[prev.lower] {
		return false
	}
	if next != nil && !next.tag && ordinaryNext[next.lower] {
		return false
	}
	if monthWords[t.lower] {
		if !prevIsName && monthPrev[prev.lower] {
			return false
		}
		if next != nil && (next.digit || monthNext[next.lower]) {
			return false
		}
	}
	// Title Case Text Like This is not a sign of a name.
	if prev.title && !prev.initial && !prevIsName && prev.lower != "i" && kindOf(prev) == notName {
		return false
	}
	if next != nil && next.title && !next.tag && next.lower != "i" && kindOf(*next) == notName && !surnames[next.lower] && !isMacNameLower(next) {
		return false
	}
	return true
}

func isMacNameLower(t *token) bool {
	return strings.HasPrefix(t.lower, "mc") || strings.HasPrefix(t.lower, "o'")
}

func init() {
	// A name can never count as an ordinary-word neighbour, or the decision
	// would change once that neighbour is itself redacted.
	for w := range ordinaryNext {
		if names[w] != notName {
			delete(ordinaryNext, w)
		}
	}
}
