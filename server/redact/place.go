package redact

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// postcodeAreas are the UK postcode areas (the letters at the start of a
// postcode). Checking the area keeps "PS5" and "GTA5" from looking like
// postcodes.
var postcodeAreas = wordSet(`AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW
	DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX
	IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW
	OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY
	TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE`)

var (
	// fullPostcodeRe matches a postcode at the start of its input.
	fullPostcodeRe = regexp.MustCompile(`(?i)^([a-z]{1,2})([0-9][a-z0-9]?) ?([0-9])([a-z]{2})\b`)
	girRe          = regexp.MustCompile(`(?i)\bgir ?0aa\b`)
	// outwardCueRe finds words after which a bare outward code ("M1",
	// "SW1A") is a place: "postcode is", "I live in", "moved to".
	outwardCueRe = regexp.MustCompile(`(?i)\b(?:post\s?code|post-code|live[sd]?\s+(?:in|near|round|around|at)|living\s+(?:in|near|round|around|at)|moved\s+to)(?:\s+(?:is|was|the))*\s*:?\s*`)
	outwardRe    = regexp.MustCompile(`(?i)^([a-z]{1,2})([0-9][a-z0-9]?)\b`)
	outwardArea  = regexp.MustCompile(`\b([A-Z]{1,2})([0-9][A-Z0-9]?)\s+area\b`)
)

// validOutward reports whether area+district form a UK outward code.
func validOutward(area, district string) bool {
	area = strings.ToUpper(area)
	if !postcodeAreas[area] {
		return false
	}
	// "A9A" and "AA9A" need a letter after one digit.
	if len(district) == 2 && !isDigitByte(district[1]) {
		c := unicode.ToUpper(rune(district[1]))
		return strings.ContainsRune("ABCDEFGHJKMNPRSTUVWXY", c)
	}
	return true
}

// redactPostcodes replaces full postcodes (SW1A 1AA, m1 1ae) and outward
// codes that follow a cue ("I live in M1").
func (tr *tracker) redactPostcodes(s string) string {
	if containsFold(s, "gir") {
		s = tr.replaceMatches(s, girRe, TagPostcode, nil)
	}
	if !hasLetterDigit(s) {
		return s
	}
	var full []span
	for i := 0; i+4 < len(s); i++ {
		if !isLetterByte(s[i]) || i > 0 && isWordByte(s[i-1]) {
			continue
		}
		if !isDigitByte(s[i+1]) && !(isLetterByte(s[i+1]) && isDigitByte(s[i+2])) {
			continue
		}
		m := fullPostcodeRe.FindStringSubmatchIndex(s[i:])
		if m == nil || !isPostcode(s[i:], m) {
			continue
		}
		full = append(full, span{i, i + m[1]})
		i += m[1] - 1
	}
	s = tr.replaceSpans(s, full, TagPostcode)
	var spans []span
	if !containsFold(s, "post") && !containsFold(s, "liv") && !containsFold(s, "moved") && !containsFold(s, "area") {
		return s
	}
	for _, m := range outwardCueRe.FindAllStringIndex(s, -1) {
		rest := s[m[1]:]
		if o := outwardRe.FindStringSubmatchIndex(rest); o != nil && validOutward(rest[o[2]:o[3]], rest[o[4]:o[5]]) {
			spans = append(spans, span{m[1] + o[0], m[1] + o[1]})
		}
	}
	for _, m := range outwardArea.FindAllStringSubmatchIndex(s, -1) {
		if validOutward(s[m[2]:m[3]], s[m[4]:m[5]]) {
			spans = append(spans, span{m[0], m[5]})
		}
	}
	return tr.replaceSpans(s, spans, TagPostcode)
}

// isPostcode checks a fullPostcodeRe match m in s against the rules for UK
// postcodes.
func isPostcode(s string, m []int) bool {
	if !validOutward(s[m[2]:m[3]], s[m[4]:m[5]]) {
		return false
	}
	if strings.ContainsAny(strings.ToUpper(s[m[8]:m[9]]), "CIKMOV") {
		return false
	}
	// "b4 2nd" is text-speak, not a postcode.
	switch s[m[8]:m[9]] {
	case "st", "nd", "rd", "th":
		return false
	}
	return true
}

func isLetterByte(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// hasLetterDigit reports whether an ASCII letter directly precedes a digit
// somewhere in s, as in every postcode.
func hasLetterDigit(s string) bool {
	for i := 1; i < len(s); i++ {
		c := s[i-1] | 0x20
		if isDigitByte(s[i]) && c >= 'a' && c <= 'z' {
			return true
		}
	}
	return false
}

const (
	// streetSuffixes end a street name written in title case.
	streetSuffixes = `Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Court|Ct|Crescent|Cres|Place|Pl|Grove|Gardens|Gdns|Terrace|Walk|Hill|Row|Square|Sq|Mews|Park|View|Rise|Green|Parade|Boulevard|Wharf|Yard|Croft|Fold|Mount|Vale|Gate|Heights|Grange|Meadows|Fields|Chase|Estate|Circus|Broadway|Brow|Wynd|Brae`
	// plainStreetSuffixes are safe to match in lower case.
	plainStreetSuffixes = `road|rd|street|avenue|ave|lane|crescent|terrace|gardens|close|drive|grove|mews`
	titleWord           = `[A-Z][\p{L}'’\-]*`
	lowerWord           = `[\p{L}][\p{L}'’\-]*`
	flatPrefix          = `(?:(?:[Ff]lat|FLAT|[Aa]partment|[Aa]pt|[Uu]nit)\.?\s*[0-9]{1,4}[A-Za-z]?\s*,?\s*)`
)

var (
	// numberedStreetRe: "12 Acacia Avenue", "flat 3, 5 Park Road", "23b High St".
	numberedStreetRe = regexp.MustCompile(`\b` + flatPrefix + `?[0-9]{1,4}[A-Za-z]?,?\s+(?:` + titleWord + `\s+){1,3}(?:` + streetSuffixes + `)\b\.?`)
	// numberedLowerStreetRe: "12 acacia avenue".
	numberedLowerStreetRe = regexp.MustCompile(`(?i)\b` + flatPrefix + `?[0-9]{1,4}[a-z]?,?\s+((?:` + lowerWord + `\s+){1,2})(?:` + plainStreetSuffixes + `)\b`)
	// flatStreetRe: "flat 3 on park road", "flat 3, Park Road".
	flatStreetRe = regexp.MustCompile(`(?i)\b(?:flat|apartment|apt)\.?\s*[0-9]{1,4}[a-z]?\s*,?\s+(?:(?:on|in|at|of|off)\s+)?((?:` + lowerWord + `\s+){1,3})(?:` + strings.ToLower(streetSuffixes) + `)\b`)
	// namedStreetRe: "Acacia Avenue" with no number, for the clearest suffixes.
	namedStreetRe = regexp.MustCompile(`\b((?:` + titleWord + `\s+){1,2})(?:Road|Street|Avenue|Lane|Crescent|Terrace)\b`)
	// streetCueRe: "I live on acacia avenue".
	streetCueRe     = regexp.MustCompile(`(?i)\b(?:live[sd]?|living|moved|house|home|flat|address)\s+(?:is\s+)?(?:on|in|at|off|to)\s+`)
	cuedStreetRe    = regexp.MustCompile(`^(?:` + titleWord + `\s+){1,3}(?:` + streetSuffixes + `)\b`)
	cuedLowStreetRe = regexp.MustCompile(`(?i)^((?:` + lowerWord + `\s+){1,2})(?:` + plainStreetSuffixes + `)\b`)
)

// redactNumberedAddresses replaces a house number and street, with an
// optional flat number.
func (tr *tracker) redactNumberedAddresses(s string, f feature) string {
	if f&fFlat != 0 {
		s = tr.replaceMatches(s, flatStreetRe, TagAddress, func(m []int) (span, bool) {
			return span{m[0], m[1]}, !anyCommon(s[m[2]:m[3]])
		})
	}
	s = tr.replaceMatches(s, numberedStreetRe, TagAddress, func(m []int) (span, bool) {
		return trimDot(s, m[0], m[1]), true
	})
	s = tr.replaceMatches(s, numberedLowerStreetRe, TagAddress, func(m []int) (span, bool) {
		return span{m[0], m[1]}, !anyCommon(s[m[2]:m[3]])
	})
	return s
}

// redactNamedStreets replaces street names without a house number.
func (tr *tracker) redactNamedStreets(s string, f feature) string {
	var spans []span
	var cues [][]int
	if f&fStreetCue != 0 {
		cues = streetCueRe.FindAllStringIndex(s, -1)
	}
	for _, m := range cues {
		rest := s[m[1]:]
		if d := cuedStreetRe.FindStringIndex(rest); d != nil {
			if !allCommon(strings.Fields(rest[:d[1]])[0]) {
				spans = append(spans, span{m[1], m[1] + d[1]})
			}
			continue
		}
		if d := cuedLowStreetRe.FindStringSubmatchIndex(rest); d != nil && !anyCommon(rest[d[2]:d[3]]) {
			spans = append(spans, span{m[1], m[1] + d[1]})
		}
	}
	s = tr.replaceSpans(s, spans, TagAddress)
	if f&fStrongStreet == 0 {
		return s
	}
	return tr.replaceMatches(s, namedStreetRe, TagAddress, func(m []int) (span, bool) {
		words := strings.Fields(s[m[2]:m[3]])
		// Drop a leading common word: "The Acacia Avenue" keeps "The".
		for len(words) > 0 && commonWords[strings.ToLower(words[0])] {
			m[0] += strings.Index(s[m[0]:], words[0]) + len(words[0])
			for m[0] < len(s) && s[m[0]] == ' ' {
				m[0]++
			}
			words = words[1:]
		}
		if len(words) == 0 {
			return span{}, false
		}
		return span{m[0], m[1]}, true
	})
}

func trimDot(s string, start, end int) span {
	// Keep a sentence-ending full stop after "Rd." out of the tag only when
	// it ends the text or a sentence; "St." inside a sentence stays in.
	if end > start && s[end-1] == '.' && (end == len(s) || s[end] == ' ' || s[end] == '\n') {
		end--
	}
	return span{start, end}
}

// anyCommon reports whether any word in words is a common English word.
func anyCommon(words string) bool {
	for _, w := range strings.Fields(words) {
		if commonWords[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

// allCommon reports whether every word in words is a common English word.
func allCommon(words string) bool {
	for _, w := range strings.Fields(words) {
		if !commonWords[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

// titleSchoolKinds end a school name written in title case: "Oakwood
// Academy", "St Mary's Primary", "Hill View High School".
var titleSchoolKinds = wordSet(`School Academy College Primary High Grammar Junior Juniors Infant
	Infants Nursery Comprehensive`)

// genericSchool are words that do not make a school name on their own:
// "my old primary school", "a special school", "dance school".
var genericSchool = wordSet(`primary secondary high grammar junior juniors infant infants nursery comprehensive
	school academy college sixth form further higher middle upper lower special boarding residential
	private public state independent religious catholic christian muslim jewish church faith
	welsh english girls boys mixed local nearby online virtual hospital alternative specialist
	day night weekend saturday sunday summer holiday driving dance drama theatre stage art arts
	music football sports sport swimming boxing karate martial language coding film acting
	performing cooking flight medical law business forest pru ebd sen send new old first
	second third next last previous current another same other every each big little small
	huge tiny good bad great nice decent rubbish better best worst strict normal mainstream
	proper real actual different all year free community international st saint c of e ce rc`)

// schoolCues come before a school name written in lower case: "i go to
// oakwood academy". Each is a run of lower-case words.
var schoolCues = [][]string{{"go", "to"}, {"goes", "to"}, {"went", "to"}, {"going", "to"},
	{"attend"}, {"attends"}, {"attended"}, {"attending"}, {"at"}, {"moved", "to"},
	{"start", "at"}, {"started", "at"}, {"starting", "at"}, {"starts", "at"},
	{"excluded", "from"}, {"out", "of"}, {"left"}}

// redactSchools replaces school names. Each ends in a word such as "Academy"
// or "Primary", so only the few words before such a word are looked at.
func (tr *tracker) redactSchools(s string) string {
	var spans []span
	for _, k := range keywordSpans(s, fSchool) {
		if k.end < len(s) && isWordByte(s[k.end]) || k.start > 0 && isWordByte(s[k.start-1]) {
			continue
		}
		words := wordsBefore(s, k.start, 6)
		if titleSchoolKinds[s[k.start:k.end]] {
			// The run of title-case words before the kind word.
			n := 0
			for n < len(words) && isSchoolTitleWord(s, words, n) {
				n++
			}
			if n > 0 {
				if sp, ok := schoolSpan(s, words[n-1].start, k.start, k.end); ok {
					spans = append(spans, sp)
					continue
				}
			}
		}
		// Up to three words of any case after a cue such as "go to".
		for n := min(3, len(words)); n >= 1; n-- {
			if !hasSchoolCue(s, words[n:]) {
				continue
			}
			if sp, ok := schoolSpan(s, words[n-1].start, k.start, k.end); ok {
				spans = append(spans, sp)
				break
			}
		}
	}
	return tr.replaceSpans(s, spans, TagSchool)
}

// wordsBefore returns up to max whitespace-separated words that end just
// before pos, nearest first. It stops at a word with anything but letters,
// apostrophes, hyphens and full stops in it.
func wordsBefore(s string, pos, max int) []span {
	var out []span
	for len(out) < max {
		j := pos
		for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
			j--
		}
		if j == pos || j == 0 {
			break
		}
		start := j
		for start > 0 && s[start-1] != ' ' && s[start-1] != '\t' && s[start-1] != '\n' {
			start--
		}
		if !isNameWord(s[start:j]) {
			break
		}
		out = append(out, span{start, j})
		pos = start
	}
	return out
}

func isNameWord(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && !strings.ContainsRune("'’-.", r) {
			return false
		}
	}
	return true
}

// isSchoolTitleWord reports whether words[i] can be part of a title-case
// school name: capitalised, or "of" inside "C of E" or "Church of England".
func isSchoolTitleWord(s string, words []span, i int) bool {
	w := s[words[i].start:words[i].end]
	if w[0] >= 'A' && w[0] <= 'Z' {
		return true
	}
	return w == "of" && i+1 < len(words) && (s[words[i+1].start:words[i+1].end] == "C" || s[words[i+1].start:words[i+1].end] == "Church")
}

// hasSchoolCue reports whether the words (nearest first) start with a cue.
func hasSchoolCue(s string, words []span) bool {
	for _, cue := range schoolCues {
		if len(cue) > len(words) {
			continue
		}
		ok := true
		for i, c := range cue {
			w := words[len(cue)-1-i]
			ok = ok && strings.EqualFold(s[w.start:w.end], c)
		}
		if ok {
			return true
		}
	}
	return false
}

// schoolSpan trims common leading words ("I love", "my") off the name part
// s[nameStart:nameEnd] of a school match ending at end, and accepts it only
// if a distinctive word is left.
func schoolSpan(s string, nameStart, nameEnd, end int) (span, bool) {
	start := nameStart
	distinctive := false
	pos := nameStart
	leading := true
	for pos < nameEnd {
		r, size := utf8.DecodeRuneInString(s[pos:])
		if unicode.IsSpace(r) {
			pos += size
			continue
		}
		wEnd := pos
		for wEnd < nameEnd {
			r, size := utf8.DecodeRuneInString(s[wEnd:])
			if unicode.IsSpace(r) {
				break
			}
			wEnd += size
		}
		w := strings.ToLower(strings.Trim(s[pos:wEnd], ".'’"))
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if leading && commonWords[w] && w != "st" {
			start = wEnd
		} else {
			leading = false
			if !genericSchool[w] && !commonWords[w] {
				distinctive = true
			}
		}
		pos = wEnd
	}
	for start < end && s[start] == ' ' {
		start++
	}
	if !distinctive || start >= end {
		return span{}, false
	}
	return span{start, end}, true
}
