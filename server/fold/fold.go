// Package fold rewrites a child's free text into one plain form for matching,
// and keeps the way back to the original so that what is found in the plain
// form can be removed from the text exactly as the child wrote it.
//
// Redaction (server/redact) and the safeguarding check (server/safeguard) both
// read text through Fold, so a trick that hides a phone number from one hides
// nothing from the other. Folding:
//
//   - applies Unicode compatibility normalisation (NFKC) rune by rune, so
//     full-width "０７７００" and "＠", ligatures, circled and superscript
//     digits become their plain forms, and drops combining marks ("kíll",
//     "k̶i̶l̶l̶" → "kill");
//   - removes format characters: zero-width spaces and joiners, soft hyphens,
//     bidirectional controls, variation selectors and tag characters;
//   - turns decimal digits of every script (Arabic-Indic ٠١٢, Persian ۰۱۲,
//     Devanagari ०१२, Bengali, Thai, mathematical …) into 0–9;
//   - maps Cyrillic, Greek and other letters that look Latin ("kіll" with a
//     Cyrillic і, "Јаке") to the Latin letter, keeping case, in words that
//     also hold a Latin letter or are made only of look-alikes, so that
//     Russian or Greek words written in full stay as they are.
//
// Folding never lowercases and never changes ASCII, so Fold of plain English is
// the text itself. It works rune by rune: Fold(a+b) is Fold(a)+Fold(b) except
// where a word's look-alike choice spans the join.
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text is a folded text with the way back to its original.
type Text struct {
	// Folded is the text for matching.
	Folded string
	// Original is the text that was folded (made valid UTF-8).
	Original string
	// from[i] and to[i] are the byte range in Original of the character that
	// byte i of Folded came from.
	from, to []int32
}

// Fold folds s. Invalid UTF-8 is first replaced with U+FFFD.
func Fold(s string) *Text {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	t := &Text{Original: s}
	if isPlain(s) {
		t.Folded = s
		return t
	}
	segs := segments(s)
	mapLookAlikes(segs)
	var b strings.Builder
	b.Grow(len(s))
	t.from = make([]int32, 0, len(s))
	t.to = make([]int32, 0, len(s))
	for _, sg := range segs {
		b.WriteString(sg.text)
		for range len(sg.text) {
			t.from = append(t.from, int32(sg.start))
			t.to = append(t.to, int32(sg.end))
		}
	}
	t.Folded = b.String()
	return t
}

// String returns the folded form of s.
func String(s string) string { return Fold(s).Folded }

// Span returns the byte range of Original that bytes [start, end) of Folded
// came from. An empty range maps to an empty range at the matching place.
func (t *Text) Span(start, end int) (int, int) {
	if t.from == nil { // plain: the folded text is the original
		return start, end
	}
	n := len(t.from)
	if start >= n {
		return len(t.Original), len(t.Original)
	}
	if end <= start {
		return int(t.from[start]), int(t.from[start])
	}
	return int(t.from[start]), int(t.to[min(end, n)-1])
}

// isPlain reports whether s is printable ASCII (with tabs and newlines), which
// folds to itself.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c < ' ' && c != '\n' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// segment is the folded text of one character of the original.
type segment struct {
	start, end int
	text       string
	letter     bool // the original character is a letter (or a mark inside a word)
}

// segments folds each character of s on its own.
func segments(s string) []segment {
	segs := make([]segment, 0, len(s))
	for i, r := range s {
		size := utf8.RuneLen(r) // s is valid UTF-8
		sg := segment{start: i, end: i + size}
		switch {
		case r < utf8.RuneSelf:
			sg.text = s[i : i+1]
			if r < ' ' && r != '\n' && r != '\t' && r != '\r' {
				sg.text = " " // other control characters split words
			}
		case removed(r):
			sg.letter = true // "k\u200bill" is one word
		default:
			sg.text = foldRune(r)
		}
		if !sg.letter {
			sg.letter = unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
		}
		segs = append(segs, sg)
	}
	return segs
}

// removed reports whether r is dropped for matching: format characters
// (zero-width, bidi controls, soft hyphen, tags), variation selectors and
// combining marks.
func removed(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) ||
		unicode.Is(unicode.Variation_Selector, r) || r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0
}

// foldRune returns the compatibility form of r without combining marks, with
// digits of any script as ASCII digits.
func foldRune(r rune) string {
	if unicode.Is(unicode.Nd, r) {
		return string('0' + digitValue(r))
	}
	if unicode.IsSpace(r) {
		return " "
	}
	d := norm.NFKD.String(string(r))
	var b strings.Builder
	for _, c := range d {
		switch {
		case removed(c):
		case unicode.Is(unicode.Nd, c) && c >= utf8.RuneSelf:
			b.WriteRune('0' + digitValue(c))
		default:
			b.WriteRune(c)
		}
	}
	out := norm.NFC.String(b.String())
	if out == "" && !unicode.IsMark(r) {
		return ""
	}
	return out
}

// digitValue returns the value of a decimal digit. Unicode encodes every set
// of decimal digits as a contiguous run from 0 to 9, so the value is the
// distance from the start of the run, modulo 10 where runs follow each other
// (the mathematical digits).
func digitValue(r rune) rune {
	start := r
	for start > 0 && unicode.Is(unicode.Nd, start-1) && r-start < 100 {
		start--
	}
	return (r - start) % 10
}

// mapLookAlikes replaces look-alike letters with Latin ones in words that hold
// a Latin letter or are made only of look-alikes.
func mapLookAlikes(segs []segment) {
	for i := 0; i < len(segs); {
		if !segs[i].letter {
			i++
			continue
		}
		j := i
		latin, allLookAlike, any := false, true, false
		for ; j < len(segs) && segs[j].letter; j++ {
			for _, c := range segs[j].text {
				if !unicode.IsLetter(c) {
					continue
				}
				any = true
				if c < utf8.RuneSelf {
					latin = true
				} else if _, ok := lookAlikes[c]; !ok {
					allLookAlike = false
				}
			}
		}
		if any && (latin || allLookAlike) {
			for k := i; k < j; k++ {
				if strings.ContainsFunc(segs[k].text, isLookAlike) {
					segs[k].text = strings.Map(func(c rune) rune {
						if l, ok := lookAlikes[c]; ok {
							return l
						}
						return c
					}, segs[k].text)
				}
			}
		}
		i = j
	}
}

func isLookAlike(c rune) bool { _, ok := lookAlikes[c]; return ok }

// lookAlikes maps letters of other scripts that look like a Latin letter to
// it (after the Unicode confusables list, for letters children's keyboards
// and look-alike generators use).
var lookAlikes = map[rune]rune{
	// Cyrillic
	'а': 'a', 'е': 'e', 'ё': 'e', 'к': 'k', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i',
	'ї': 'i', 'ј': 'j', 'ѕ': 's', 'һ': 'h', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ӏ': 'l', 'ӧ': 'o', 'ӓ': 'a',
	'А': 'A', 'В': 'B', 'Е': 'E', 'Ё': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C',
	'Т': 'T', 'У': 'Y', 'Х': 'X', 'І': 'I', 'Ї': 'I', 'Ј': 'J', 'Ѕ': 'S', 'Һ': 'H', 'Ԁ': 'D', 'Ԛ': 'Q',
	'Ԝ': 'W', 'Ӏ': 'I',
	// Greek
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O',
	'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X', 'α': 'a', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
	'υ': 'u', 'ϲ': 'c', 'ϳ': 'j',
	// Armenian, Latin extensions and others
	'օ': 'o', 'ս': 'u', 'ց': 'g', 'հ': 'h', 'ո': 'n', 'զ': 'q', 'ı': 'i', 'ɡ': 'g', 'ȷ': 'j', 'ɑ': 'a', 'ɩ': 'i',
	'ʏ': 'y', 'ʀ': 'r', 'ɴ': 'n', 'ʜ': 'h', 'ᴋ': 'k', 'ᴍ': 'm', 'ᴛ': 't', 'ʟ': 'l', 'ᴅ': 'd', 'ᴇ': 'e',
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ꜰ': 'f', 'ɢ': 'g', 'ᴊ': 'j', 'ᴏ': 'o', 'ᴘ': 'p', 'ꜱ': 's', 'ᴜ': 'u',
	'ᴠ': 'v', 'ᴡ': 'w', 'ᴢ': 'z', 'Ꭺ': 'A', 'Ᏼ': 'B', 'Ꮯ': 'C', 'Ꭼ': 'E', 'Ꮋ': 'H', 'Ꮶ': 'K', 'Ꮇ': 'M',
	'Ꮲ': 'P', 'Ꭲ': 'T',
}
