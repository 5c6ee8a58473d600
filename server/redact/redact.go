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
	"unicode/utf8"
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

// Redact returns text with personal details replaced by tags. Invalid UTF-8
// is replaced by U+FFFD first, so the result is always valid UTF-8.
func Redact(text string) string {
	if text == "" {
		return text
	}
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	// Each pass can expose a detail to a later one (a name tag next to an
	// "@" makes a handle), so repeat until nothing changes: the result then
	// holds nothing any detector would match, and Redact is idempotent.
	for range maxPasses {
		next := redactOnce(text)
		if next == text {
			break
		}
		text = next
	}
	return text
}

// maxPasses bounds the passes Redact makes; two are enough in practice.
const maxPasses = 4

// redactOnce runs every detector over s once.
func redactOnce(s string) string {
	f := features(s)
	hasDigit := strings.ContainsAny(s, "0123456789")
	if strings.ContainsAny(s, "@([{") || containsFold(s, " at ") {
		s = redactEmails(s)
	}
	if hasSocialDomain(s) {
		s = redactSocialURLs(s)
	}
	if strings.Contains(s, "@") {
		s = redactAtHandles(s)
	}
	if hasDigit {
		s = redactNINumbers(s)
		s = redactPhones(s)
		s = redactLongNumbers(s)
		s = redactDates(s, f)
		s = redactPostcodes(s)
		if f&fStreet != 0 {
			s = redactNumberedAddresses(s, f)
		}
	}
	if f&fStrongStreet != 0 || f&fStreetCue != 0 && f&fStreet != 0 {
		s = redactNamedStreets(s, f)
	}
	if f&fSchool != 0 {
		s = redactSchools(s)
	}
	if f&fHandle != 0 {
		s = redactCueHandles(s)
	}
	return redactNames(s)
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
func replaceSpans(s string, spans []span, tag string) string {
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	b.Grow(len(s) + len(spans)*len(tag))
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
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// replaceMatches replaces every match of re for which keep returns a span
// with tag. keep receives the submatch indexes of the match and returns the
// span to replace and whether to replace it.
func replaceMatches(s string, re *regexp.Regexp, tag string, keep func(m []int) (span, bool)) string {
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
	return replaceSpans(s, spans, tag)
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
