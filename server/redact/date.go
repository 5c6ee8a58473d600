package redact

import (
	"regexp"
	"strconv"
)

const (
	dayPat   = `(?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?`
	monthPat = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`
	yearPat  = `(?:(?:19|20)[0-9]{2}|'[0-9]{2})`
)

var (
	// numericDateRe matches 12/03/2012, 12-3-12 and 12.03.2012.
	numericDateRe = regexp.MustCompile(`\b([0-9]{1,2})\s?([/.\-])\s?([0-9]{1,2})\s?([/.\-])\s?([0-9]{4}|[0-9]{2})\b`)
	isoDateRe     = regexp.MustCompile(`\b(?:19|20)[0-9]{2}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12][0-9]|3[01])\b`)
	// wordDateRe matches "12th March 2012", "the 3rd of May, 2010" and
	// "March 12th 2012": a full date with a year.
	wordDateRe = regexp.MustCompile(`(?i)\b(?:(?:the\s+)?` + dayPat + `(?:\s+of)?\s+` + monthPat + `|` + monthPat + `\s+(?:the\s+)?` + dayPat + `)(?:,?\s+` + yearPat + `)\b`)

	// birthCueRe finds words that announce a date of birth.
	birthCueRe = regexp.MustCompile(`(?i)\b(?:born|birthday|b-?day|bday|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date)(?:\s*(?:is|was|'s|’s|on|in|=|:|-)\s*)*(?:the\s+)?`)
	// afterBirthCueRe is the date that follows a birth cue: a day and month,
	// a month and year, a numeric day/month, or a year alone.
	afterBirthCueRe = regexp.MustCompile(`(?i)^(?:` + dayPat + `(?:\s+of)?\s+` + monthPat + `(?:,?\s+` + yearPat + `)?|` + monthPat + `\s+(?:the\s+)?` + dayPat + `(?:,?\s+` + yearPat + `)?|` + monthPat + `,?\s+` + yearPat + `|[0-9]{1,2}\s?[/.\-]\s?[0-9]{1,2}(?:\s?[/.\-]\s?(?:[0-9]{4}|[0-9]{2}))?|(?:19|20)[0-9]{2})\b`)
)

// redactDates replaces full dates (day, month and year) and any date that
// follows a birth cue ("born on 3 May", "my birthday is 12/03").
func (tr *tracker) redactDates(s string, f feature) string {
	if !hasDigitSepDigit(s) {
		goto words
	}
	s = tr.replaceMatches(s, numericDateRe, TagDate, func(m []int) (span, bool) {
		if s[m[4]:m[5]] != s[m[8]:m[9]] {
			return span{}, false
		}
		a, _ := strconv.Atoi(s[m[2]:m[3]])
		b, _ := strconv.Atoi(s[m[6]:m[7]])
		dayFirst := a >= 1 && a <= 31 && b >= 1 && b <= 12
		monthFirst := a >= 1 && a <= 12 && b >= 1 && b <= 31
		if !dayFirst && !monthFirst {
			return span{}, false
		}
		return span{m[0], m[1]}, true
	})
	s = tr.replaceMatches(s, isoDateRe, TagDate, nil)
words:
	if f&fMonth != 0 {
		s = tr.replaceMatches(s, wordDateRe, TagDate, nil)
	}
	if !containsFold(s, "born") && !containsFold(s, "birth") && !containsFold(s, "bday") &&
		!containsFold(s, "b-day") && !containsFold(s, "dob") && !containsFold(s, "d.o.b") {
		return s
	}
	var spans []span
	for _, m := range birthCueRe.FindAllStringIndex(s, -1) {
		if d := afterBirthCueRe.FindStringIndex(s[m[1]:]); d != nil {
			spans = append(spans, span{m[1] + d[0], m[1] + d[1]})
		}
	}
	return tr.replaceSpans(s, spans, TagDate)
}

// hasDigitSepDigit reports whether a digit is followed by "/", "." or "-"
// and then (after at most one space) another digit, as in every numeric
// date.
func hasDigitSepDigit(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if !isDigitByte(s[i]) || (s[i+1] != '/' && s[i+1] != '.' && s[i+1] != '-') {
			continue
		}
		if isDigitByte(s[i+2]) || s[i+2] == ' ' && i+3 < len(s) && isDigitByte(s[i+3]) {
			return true
		}
	}
	return false
}
