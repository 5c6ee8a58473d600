// Package redact removes personal details from children's free-text answers
// before they are stored, replacing each detected detail with a tag such as
// "[name]" or "[phone]".
//
// The detectors are tuned for UK children's writing: UK phone numbers and
// postcodes, house-number-and-street addresses, school names, dates of birth,
// emails, social media handles, NHS and National Insurance numbers, and
// first names from a shipped list. Redact is idempotent, never panics, and
// runs in time linear in the length of its input.
package redact

import (
	"regexp"
	"sort"
	"strings"

	"github.com/chorus-voice/chorus/server/fold"
)

// Tags that Redact puts in place of the details it removes.
const (
	TagName     = "[name]"
	TagPhone    = "[phone]"
	TagEmail    = "[email]"
	TagPostcode = "[postcode]"
	TagAddress  = "[address]"
	TagSchool   = "[school]"
	TagHandle   = "[handle]"
	TagDate     = "[date]"
	TagNumber   = "[number]"
)

// Tags lists every tag that Redact can produce, in a fixed order.
var Tags = []string{TagName, TagPhone, TagEmail, TagPostcode, TagAddress, TagSchool, TagHandle, TagDate, TagNumber}

// Redact returns text with personal details replaced by tags. The detectors
// read the text folded (see package fold), so full-width or Arabic-Indic
// digits, look-alike letters and zero-width characters hide nothing; the tags
// are put in place of the original characters, and everything else is kept as
// the child wrote it. Invalid UTF-8 is replaced by U+FFFD first, so the result
// is always valid UTF-8.
func Redact(text string) string {
	if text == "" {
		return text
	}
	ft := fold.Fold(text)
	s := ft.Folded
	tr := newTracker(len(s))
	// Each pass can expose a detail to a later one (a name tag next to an
	// "@" makes a handle), so repeat until nothing changes: the result then
	// holds nothing any detector would match, and Redact is idempotent.
	for range maxPasses {
		next := tr.redactOnce(s)
		if next == s {
			break
		}
		s = next
	}
	return tr.restore(ft, s)
}

// maxPasses bounds the passes Redact makes; two are enough in practice.
const maxPasses = 4

// redactOnce runs every detector over s once.
func (tr *tracker) redactOnce(s string) string {
	f := features(s)
	hasDigit := strings.ContainsAny(s, "0123456789")
	if strings.ContainsAny(s, "@([{") || containsFold(s, " at ") {
		s = tr.redactEmails(s)
	}
	if hasSocialDomain(s) {
		s = tr.redactSocialURLs(s)
	}
	if strings.Contains(s, "@") {
		s = tr.redactAtHandles(s)
	}
	if hasDigit {
		s = tr.redactNINumbers(s)
		s = tr.redactPhones(s)
		s = tr.redactLongNumbers(s)
		s = tr.redactDates(s, f)
		s = tr.redactPostcodes(s)
		if f&fStreet != 0 {
			s = tr.redactNumberedAddresses(s, f)
		}
	}
	if f&fStrongStreet != 0 || f&fStreetCue != 0 && f&fStreet != 0 {
		s = tr.redactNamedStreets(s, f)
	}
	if f&fSchool != 0 {
		s = tr.redactSchools(s)
	}
	if f&fHandle != 0 {
		s = tr.redactCueHandles(s)
	}
	return tr.redactNames(s)
}

// CountTags reports how many of each tag a redacted text contains, for a
// "3 items removed" note that never shows the removed text. Tags that do not
// occur are left out.
func CountTags(redacted string) map[string]int {
	counts := map[string]int{}
	for _, tag := range Tags {
		if n := strings.Count(redacted, tag); n > 0 {
			counts[tag] = n
		}
	}
	return counts
}

// span is a byte range [start, end) of the text to replace.
type span struct{ start, end int }

// replaceSpans replaces each span with tag. Spans may be unsorted and may
// overlap; overlapping spans are merged.
func (tr *tracker) replaceSpans(s string, spans []span, tag string) string {
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	b.Grow(len(s) + len(spans)*len(tag))
	var src []int32
	if tr != nil {
		src = make([]int32, 0, len(s)+len(spans)*len(tag))
	}
	last := 0
	for i := 0; i < len(spans); i++ {
		sp := spans[i]
		for i+1 < len(spans) && spans[i+1].start < sp.end {
			if spans[i+1].end > sp.end {
				sp.end = spans[i+1].end
			}
			i++
		}
		if sp.start < last {
			sp.start = last
		}
		if sp.end <= sp.start {
			continue
		}
		b.WriteString(s[last:sp.start])
		b.WriteString(tag)
		if tr != nil {
			src = append(src, tr.src[last:sp.start]...)
			src = tr.appendTag(src, sp, len(tag))
		}
		last = sp.end
	}
	b.WriteString(s[last:])
	if tr != nil {
		tr.src = append(src, tr.src[last:]...)
	}
	return b.String()
}

// tracker follows each byte of the text being redacted back to the folded
// text it came from, so that each tag can be put in place of the characters
// of the original that it stands for.
type tracker struct {
	// src[i] is the folded byte that byte i came from, or -(k+1) for a byte
	// of tag k.
	src []int32
	// tags holds the folded byte range each tag stands for.
	tags []span
}

func newTracker(n int) *tracker {
	tr := &tracker{src: make([]int32, n)}
	for i := range tr.src {
		tr.src[i] = int32(i)
	}
	return tr
}

// appendTag records a new tag of n bytes standing for bytes sp of the current
// text, and appends its bytes to src.
func (tr *tracker) appendTag(src []int32, sp span, n int) []int32 {
	r := span{start: -1}
	for _, v := range tr.src[sp.start:sp.end] {
		lo, hi := int(v), int(v)+1
		if v < 0 {
			t := tr.tags[-v-1]
			lo, hi = t.start, t.end
		}
		if r.start < 0 || lo < r.start {
			r.start = lo
		}
		r.end = max(r.end, hi)
	}
	tr.tags = append(tr.tags, r)
	id := -int32(len(tr.tags))
	for range n {
		src = append(src, id)
	}
	return src
}

// restore puts the tags of redacted (the folded text after redaction) in
// place of the characters of the original they stand for.
func (tr *tracker) restore(ft *fold.Text, redacted string) string {
	type repl struct {
		start, end int
		tag        string
	}
	var rs []repl
	for i := 0; i < len(redacted); {
		v := tr.src[i]
		if v >= 0 {
			i++
			continue
		}
		j := i
		for j < len(redacted) && tr.src[j] == v {
			j++
		}
		t := tr.tags[-v-1]
		start, end := ft.Span(t.start, t.end)
		if n := len(rs); n > 0 && start < rs[n-1].end {
			rs[n-1].end = max(rs[n-1].end, end)
		} else {
			rs = append(rs, repl{start, end, redacted[i:j]})
		}
		i = j
	}
	if len(rs) == 0 {
		return ft.Original
	}
	var b strings.Builder
	last := 0
	for _, r := range rs {
		b.WriteString(ft.Original[last:r.start])
		b.WriteString(r.tag)
		last = r.end
	}
	b.WriteString(ft.Original[last:])
	return b.String()
}

// replaceMatches replaces every match of re for which keep returns a span
// with tag. keep receives the submatch indexes of the match and returns the
// span to replace and whether to replace it.
func (tr *tracker) replaceMatches(s string, re *regexp.Regexp, tag string, keep func(m []int) (span, bool)) string {
	ms := re.FindAllStringSubmatchIndex(s, -1)
	if len(ms) == 0 {
		return s
	}
	spans := make([]span, 0, len(ms))
	for _, m := range ms {
		if keep == nil {
			spans = append(spans, span{m[0], m[1]})
			continue
		}
		if sp, ok := keep(m); ok {
			spans = append(spans, sp)
		}
	}
	return tr.replaceSpans(s, spans, tag)
}

// containsFold reports whether substr (lower-case ASCII) occurs in s,
// ignoring ASCII case.
func containsFold(s, substr string) bool {
	n := len(substr)
	if n == 0 {
		return true
	}
	c0 := substr[0]
	u0 := c0
	if c0 >= 'a' && c0 <= 'z' {
		u0 = c0 - ('a' - 'A')
	}
	for i := 0; i+n <= len(s); i++ {
		if s[i] != c0 && s[i] != u0 {
			continue
		}
		j := 1
		for j < n {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != substr[j] {
				break
			}
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

// isWordByte reports whether c is an ASCII letter, digit or underscore.
func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// isAlnumByte reports whether c is an ASCII letter or digit.
func isAlnumByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }
