package redact

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is a word, or a tag left by an earlier pass, in the text.
type token struct {
	start, end int    // byte range of the word, without a possessive 's
	lower      string // lower-case word
	tag        bool   // a redaction tag such as [name]
	title      bool   // capitalised like a name: "Grace", not "grace" or "GRACE"
	initial    bool   // first word of a sentence
	tight      bool   // only spaces between the previous token and this one
	soft       bool   // only spaces, commas, colons or dashes since the previous token
	digit      bool   // contains a digit
	poss       bool   // written with a possessive or "is" 's: "Sarah's", "name's"
}

// tokenize splits s into word and tag tokens.
func tokenize(s string) []token {
	toks := make([]token, 0, len(s)/5+1)
	prevEnd := 0
	for i := 0; i < len(s); {
		if s[i] == '[' {
			if n := tagAt(s, i); n > 0 {
				toks = append(toks, newToken(s, i, i+n, i+n, prevEnd, true))
				prevEnd = i + n
				i += n
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		j := i + size
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if isWordRune(r) {
				j += size
				continue
			}
			if r == '\'' || r == '’' || r == '-' {
				if r2, _ := utf8.DecodeRuneInString(s[j+size:]); j+size < len(s) && isWordRune(r2) {
					j += size
					continue
				}
			}
			break
		}
		wordEnd := j
		lw := strings.ToLower(s[i:j])
		for _, suf := range []string{"'s", "’s"} {
			if strings.HasSuffix(lw, suf) && len(lw) > len(suf) {
				wordEnd = j - len(suf)
				break
			}
		}
		toks = append(toks, newToken(s, i, wordEnd, j, prevEnd, false))
		prevEnd = j
		i = j
	}
	return toks
}

func newToken(s string, start, wordEnd, fullEnd, prevEnd int, tag bool) token {
	t := token{start: start, end: wordEnd, tag: tag, tight: true, soft: true}
	t.lower = strings.ToLower(s[start:wordEnd])
	for _, r := range s[prevEnd:start] {
		if r != ' ' {
			t.tight = false
			if !strings.ContainsRune(",:-–", r) {
				t.soft = false
			}
		}
	}
	t.initial = isSentenceStart(s, start)
	if !tag {
		t.title = isTitle(s[start:wordEnd])
		t.digit = strings.ContainsAny(t.lower, "0123456789")
	}
	t.poss = fullEnd != wordEnd
	return t
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_'
}

// tagAt returns the length of the redaction tag at s[i:], or 0.
func tagAt(s string, i int) int {
	for _, tag := range Tags {
		if strings.HasPrefix(s[i:], tag) {
			return len(tag)
		}
	}
	return 0
}

// isSentenceStart reports whether the word at s[i] starts a sentence.
func isSentenceStart(s string, i int) bool {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		switch {
		case r == ' ' || r == '\t' || r == '"' || r == '“' || r == '”' || r == '\'' || r == '‘' || r == '(' || r == '*' || r == '•':
			i -= size
		case r == '.' || r == '!' || r == '?' || r == '\n' || r == '\r' || r == '…':
			return true
		default:
			return false
		}
	}
	return true
}

// isTitle reports whether w is capitalised like a name: an upper-case first
// letter followed by at least one lower-case letter, or two letters at most.
func isTitle(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		return false
	}
	rest := w[size:]
	if utf8.RuneCountInString(rest) <= 1 {
		return rest == "" || !unicode.IsUpper([]rune(rest)[0])
	}
	for _, r := range rest {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}
