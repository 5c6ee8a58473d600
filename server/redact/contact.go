package redact

import (
	"regexp"
	"strings"
)

var (
	emailRe = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}`)
	// obfuscatedEmailRe catches "jay22 at gmail dot com" and "jay(at)gmail.com".
	obfuscatedEmailRe = regexp.MustCompile(`(?i)\b[a-z0-9._%+\-]+\s*(?:\(at\)|\[at\]|\{at\}|\sat\s)\s*[a-z0-9\-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\sdot\s)\s*(?:com|co|uk|net|org|io|me|ac|sch|gov|edu|info|biz|live|icloud))+\b`)

	socialURLRe = regexp.MustCompile(`(?i)\b(?:https?://)?(?:www\.|m\.|vm\.)?(?:instagram\.com|instagr\.am|snapchat\.com|tiktok\.com|facebook\.com|fb\.com|fb\.me|twitter\.com|x\.com|youtube\.com|youtu\.be|twitch\.tv|discord\.gg|discord\.com|roblox\.com|reddit\.com|threads\.net|linkedin\.com|wa\.me|t\.me)(?:/[^\s<>"'\[\]]*)?`)

	atHandleRe = regexp.MustCompile(`@[A-Za-z0-9_][A-Za-z0-9_.]{0,29}`)

	niRe = regexp.MustCompile(`(?i)\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b`)

	// cueHandleRe matches, at the start of its input, a platform name that
	// is followed by a handle, such as "insta is jay_22", "snap: xyz" or
	// "tiktok jay.22".
	cueHandleRe = regexp.MustCompile(`^(?i)\b(?:insta(?:gram)?|ig|snap(?:chat)?|sc|tik\s?tok|twitter|fb|facebook|discord|roblox|xbox|psn|gamertag|gamer\s?tag|user\s?name|youtube|yt|twitch|kik|telegram|threads|bereal|steam|reddit|pinterest)\b(?:\s+(?:name|handle|username|user|acc|account|id|tag|@))?(\s*(?:is|=|:|-|–|@|is\s+@)\s*|\s+)(@?[A-Za-z0-9._]{2,30})`)
)

// redactEmails replaces email addresses, including "at"/"dot" spellings.
func (tr *tracker) redactEmails(s string) string {
	if strings.Contains(s, "@") {
		s = tr.replaceMatches(s, emailRe, TagEmail, nil)
	}
	if (containsFold(s, " at ") || containsFold(s, "at)") || containsFold(s, "at]") || containsFold(s, "at}")) &&
		(strings.Contains(s, ".") || containsFold(s, "dot")) {
		s = tr.replaceMatches(s, obfuscatedEmailRe, TagEmail, nil)
	}
	return s
}

// hasSocialDomain reports whether s may hold a link that socialURLRe matches.
func hasSocialDomain(s string) bool {
	if !strings.Contains(s, ".") {
		return false
	}
	for _, tld := range []string{".com", ".am", ".me", ".be", ".tv", ".gg", ".net"} {
		if containsFold(s, tld) {
			return true
		}
	}
	return false
}

// redactSocialURLs replaces links to social media profiles with [handle].
// Links to other sites (a helpline, a game) are kept.
func (tr *tracker) redactSocialURLs(s string) string {
	return tr.replaceMatches(s, socialURLRe, TagHandle, func(m []int) (span, bool) {
		end := m[1]
		for end > m[0] && strings.IndexByte(".,!?)", s[end-1]) >= 0 {
			end--
		}
		return span{m[0], end}, true
	})
}

// redactAtHandles replaces "@name" handles that are not part of an email.
func (tr *tracker) redactAtHandles(s string) string {
	return tr.replaceMatches(s, atHandleRe, TagHandle, func(m []int) (span, bool) {
		if m[0] > 0 {
			c := s[m[0]-1]
			if isWordByte(c) || c == '.' || c == '@' || c == ']' {
				return span{}, false
			}
		}
		end := m[1]
		for end > m[0]+1 && s[end-1] == '.' {
			end--
		}
		if end < len(s) && s[end] == '@' {
			return span{}, false
		}
		h := s[m[0]+1 : end]
		if len(h) < 2 || !strings.ContainsAny(strings.ToLower(h), "abcdefghijklmnopqrstuvwxyz") {
			return span{}, false
		}
		return span{m[0], end}, true
	})
}

// redactNINumbers replaces National Insurance numbers with [number].
func (tr *tracker) redactNINumbers(s string) string {
	if countDigits(s) < 6 {
		return s
	}
	return tr.replaceMatches(s, niRe, TagNumber, func(m []int) (span, bool) {
		switch strings.ToUpper(s[m[2]:m[3]]) {
		case "BG", "GB", "NK", "KN", "TN", "NT", "ZZ":
			return span{}, false
		}
		return span{m[0], m[1]}, true
	})
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigitByte(s[i]) {
			n++
		}
	}
	return n
}

// redactPhones replaces UK phone numbers in their many spellings, and
// international numbers written with a leading "+".
func (tr *tracker) redactPhones(s string) string {
	var spans []span
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '+' && c != '0' && c != '(' {
			continue
		}
		if i > 0 && (isAlnumByte(s[i-1]) || s[i-1] == '.' || s[i-1] == '/' || currencyBefore(s, i)) {
			continue
		}
		if end, ok := phoneAt(s, i); ok {
			spans = append(spans, span{i, end})
			i = end - 1
		}
	}
	return tr.replaceSpans(s, spans, TagPhone)
}

// phoneAt reports whether a phone number starts at s[i], and where it ends.
func phoneAt(s string, i int) (int, bool) {
	var digits []byte
	plus := false
	j := i
	if s[j] == '+' {
		plus = true
		j++
		if j < len(s) && s[j] == ' ' {
			j++
		}
		if j >= len(s) || !isDigitByte(s[j]) {
			return 0, false
		}
	}
	best := -1
	lastSep := byte(0)
	parens := 0
	for ; j < len(s); j++ {
		c := s[j]
		switch {
		case isDigitByte(c):
			digits = append(digits, c)
			lastSep = 0
			if len(digits) > 15 {
				return finishPhone(best)
			}
			if plus || (len(digits) >= 2 && digits[0] == '0' && digits[1] == '0') {
				if phoneValidIntl(digits) && (j+1 >= len(s) || !isAlnumByte(s[j+1])) {
					best = j + 1
				}
			} else if phoneValidUK(digits) && (j+1 >= len(s) || !isAlnumByte(s[j+1])) {
				best = j + 1
			}
		case c == ' ' || c == '-' || c == '.':
			if lastSep != 0 {
				return finishPhone(best)
			}
			if c == '.' && (j+1 >= len(s) || !isDigitByte(s[j+1])) {
				return finishPhone(best)
			}
			lastSep = c
		case c == '(':
			if parens > 0 {
				return finishPhone(best)
			}
			parens++
			lastSep = 0
		case c == ')':
			if parens == 0 {
				return finishPhone(best)
			}
			parens--
			lastSep = 0
		default:
			return finishPhone(best)
		}
	}
	return finishPhone(best)
}

func finishPhone(best int) (int, bool) {
	if best < 0 {
		return 0, false
	}
	return best, true
}

// phoneValidUK reports whether digits, as typed, make a complete UK number:
// a leading 0, a valid second digit, and 10 or 11 digits in all.
func phoneValidUK(d []byte) bool {
	if len(d) < 10 || len(d) > 11 || d[0] != '0' {
		return false
	}
	switch d[1] {
	case '1', '2', '3', '5', '7', '8', '9':
	default:
		return false
	}
	if d[1] == '7' || d[1] == '2' || d[1] == '3' || d[1] == '8' {
		return len(d) == 11
	}
	return true
}

// phoneValidIntl handles "+44 7700 900123", "+44 (0)7700 900123",
// "0044 7700 900123" and other countries' "+" numbers.
func phoneValidIntl(d []byte) bool {
	if len(d) >= 2 && d[0] == '0' && d[1] == '0' {
		d = d[2:]
	}
	if len(d) >= 2 && d[0] == '4' && d[1] == '4' {
		n := d[2:]
		if len(n) > 0 && n[0] == '0' {
			n = n[1:]
		}
		uk := append([]byte{'0'}, n...)
		return phoneValidUK(uk)
	}
	return len(d) >= 9 && len(d) <= 15
}

// redactLongNumbers replaces NHS numbers ("943 476 5919") and other long
// digit strings, which in a child's answer are almost always a reference
// number of some kind. Money ("£1000000000") is kept.
func (tr *tracker) redactLongNumbers(s string) string {
	var spans []span
	i := 0
	for i < len(s) {
		if !isDigitByte(s[i]) {
			i++
			continue
		}
		runEnd := digitRunEnd(s, i)
		if i > 0 && (isAlnumByte(s[i-1]) || s[i-1] == '.' || s[i-1] == ',' || currencyBefore(s, i)) {
			i = runEnd
			continue
		}
		total := runEnd - i
		end := runEnd
		// Join groups such as "943 476 5919" when the first has 3+ digits.
		if total >= 3 {
			for end+1 < len(s) && (s[end] == ' ' || s[end] == '-') && isDigitByte(s[end+1]) {
				next := digitRunEnd(s, end+1)
				if next-(end+1) < 2 {
					break
				}
				total += next - (end + 1)
				end = next
			}
		}
		if total >= 9 && (end >= len(s) || !isAlnumByte(s[end]) && s[end] != '%') {
			spans = append(spans, span{i, end})
		}
		i = end
	}
	return tr.replaceSpans(s, spans, TagNumber)
}

// digitRunEnd returns the index just past the run of ASCII digits at s[i].
func digitRunEnd(s string, i int) int {
	for i < len(s) && isDigitByte(s[i]) {
		i++
	}
	return i
}

// currencyBefore reports whether a currency sign directly precedes s[i].
func currencyBefore(s string, i int) bool {
	return strings.HasSuffix(s[:i], "£") || strings.HasSuffix(s[:i], "$") || strings.HasSuffix(s[:i], "€")
}

// redactCueHandles replaces a handle given after a platform name.
func (tr *tracker) redactCueHandles(s string) string {
	var spans []span
	for _, k := range keywordSpans(s, fHandle) {
		if k.start > 0 && isWordByte(s[k.start-1]) {
			continue
		}
		m := cueHandleRe.FindStringSubmatchIndex(s[k.start:])
		if m == nil {
			continue
		}
		for i := range m {
			if m[i] >= 0 {
				m[i] += k.start
			}
		}
		if sp, ok := cueHandleSpan(s, m); ok {
			spans = append(spans, sp)
		}
	}
	return tr.replaceSpans(s, spans, TagHandle)
}

// cueHandleSpan decides whether a cueHandleRe match holds a handle.
func cueHandleSpan(s string, m []int) (span, bool) {
	sep := strings.TrimSpace(strings.ToLower(s[m[2]:m[3]]))
	start, end := m[4], m[5]
	if end < len(s) && (s[end] == '[' || s[end] == ']') || start > 0 && s[start-1] == '[' {
		return span{}, false
	}
	for end > start && s[end-1] == '.' {
		end--
	}
	h := s[start:end]
	bare := strings.TrimPrefix(h, "@")
	if len(bare) < 2 || !strings.ContainsAny(strings.ToLower(bare), "abcdefghijklmnopqrstuvwxyz") {
		return span{}, false
	}
	lower := strings.ToLower(bare)
	handleLike := strings.ContainsAny(bare, "0123456789_.") || strings.HasPrefix(h, "@")
	switch sep {
	case "", "-", "–":
		if !handleLike {
			return span{}, false
		}
	case "is":
		if !handleLike && (commonWords[lower] || handleStopWords[lower]) {
			return span{}, false
		}
	default:
		if !handleLike && handleStopWords[lower] {
			return span{}, false
		}
	}
	return span{start, end}, true
}

// handleStopWords are words that follow "my snap is" without being a handle.
var handleStopWords = wordSet(`a an the my your his her our their not so too really very
	private public blocked deleted banned hacked locked down broken gone new old full empty
	fun boring good bad ok okay fine great amazing funny dead dry mid cringe weird long short
	on off in out up back there here now just only all about also still always never sometimes
	where how what when why who which private personal closed open`)

// wordSet builds a set from whitespace-separated words.
func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
