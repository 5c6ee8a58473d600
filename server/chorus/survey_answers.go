package chorus

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Answers holds one response's answers keyed by question id. Cleaned values are a
// string (single, scale, short_text, long_text, area, or PreferNot), []string
// (multi, in option order), map[string]string (grid: item id → point) or int (number).
// Before cleaning, []any, map[string]any and JSON numbers are accepted too.
type Answers map[string]any

// Messages for a child, keyed by question id in the fields Validate returns.
const (
	msgUnknownQuestion = "This question is not part of this survey."
	msgWrongKind       = "We couldn't read this answer. Please answer it again."
	msgUnknownOption   = "Please choose from the answers shown."
	msgDuplicate       = "You chose the same answer twice. Please choose it once."
	msgPreferNotAlone  = "You chose \"I don't want to say\" and other answers. Please choose one or the other."
	msgRequired        = "Please answer this question."
	msgUnknownArea     = "Please choose a council area from the list."
	msgTooManyChoices  = "You can choose up to %d answers. Please untick some."
	msgTextTooLong     = "This is too long. You can write up to %d letters and spaces, and you wrote %d."
	msgNumberRange     = "Please write a number from %d to %d."
)

// Validate checks answers against the version and returns the clean answers and,
// if anything is wrong, a message for the child per question id. It trims strings,
// drops empty answers and answers to questions hidden by show_if, and rejects:
// questions not in this version (and any key containing "$" or "."), values of the
// wrong kind, unknown options or items, duplicates, too many choices, text longer
// than MaxLength runes, numbers out of range, area codes for which areas returns
// false (or, if areas is nil, codes not among the question's options) and missing
// required answers. fields is nil when the answers are valid.
func (v *Version) Validate(s *Survey, answers Answers, areas func(code string) bool) (clean Answers, fields map[string]string) {
	clean = Answers{}
	fields = map[string]string{}
	for key := range answers {
		if strings.ContainsAny(key, "$.") || !slices.Contains(v.Questions, key) || s.Question(key) == nil {
			fields[key] = msgUnknownQuestion
		}
	}
	for _, id := range v.Questions {
		q := s.Question(id)
		if q == nil || q.ShowIf != nil && !q.ShowIf.Met(clean) {
			continue
		}
		val, msg := q.clean(answers[id], areas, v)
		switch {
		case msg != "":
			fields[id] = msg
		case val != nil:
			clean[id] = val
		case q.Required:
			fields[id] = msgRequired
		}
	}
	if len(fields) == 0 {
		fields = nil
	}
	return clean, fields
}

// clean returns the answer's clean value (nil if empty) or a message for the child.
func (q *Question) clean(raw any, areas func(string) bool, v *Version) (any, string) {
	if raw == nil {
		return nil, ""
	}
	switch q.Kind {
	case KindSingle, KindScale, KindArea:
		s, ok := asString(raw)
		switch {
		case !ok:
			return nil, msgWrongKind
		case s == "":
			return nil, ""
		case s == PreferNot && q.DontWantToSay:
			return s, ""
		case q.Kind == KindSingle && !q.offers(v, s),
			q.Kind == KindScale && !slices.Contains(q.Points(), s):
			return nil, msgUnknownOption
		case q.Kind == KindArea && (areas == nil && q.Option(s) == nil || areas != nil && !areas(s)):
			return nil, msgUnknownArea
		}
		return s, ""
	case KindShortText, KindLongText:
		s, ok := asString(raw)
		if !ok {
			return nil, msgWrongKind
		}
		if n := utf8.RuneCountInString(s); q.MaxLength > 0 && n > q.MaxLength {
			return nil, fmt.Sprintf(msgTextTooLong, q.MaxLength, n)
		}
		if s == "" {
			return nil, ""
		}
		return s, ""
	case KindMulti:
		return q.cleanMulti(raw, v)
	case KindGrid:
		return q.cleanGrid(raw, v)
	case KindNumber:
		if s, ok := raw.(string); ok && q.DontWantToSay && strings.TrimSpace(s) == PreferNot {
			return PreferNot, ""
		}
		n, ok := asInt(raw)
		if !ok {
			return nil, msgWrongKind
		}
		if q.Min < q.Max && (n < q.Min || n > q.Max) {
			return nil, fmt.Sprintf(msgNumberRange, q.Min, q.Max)
		}
		return n, ""
	}
	return nil, msgWrongKind
}

func (q *Question) cleanMulti(raw any, v *Version) (any, string) {
	list, ok := asStrings(raw)
	if !ok {
		return nil, msgWrongKind
	}
	seen := map[string]bool{}
	for _, s := range list {
		switch {
		case seen[s]:
			return nil, msgDuplicate
		case s == PreferNot && q.DontWantToSay:
		case !q.offers(v, s):
			return nil, msgUnknownOption
		}
		seen[s] = true
	}
	switch {
	case len(seen) == 0:
		return nil, ""
	case seen[PreferNot] && len(seen) > 1:
		return nil, msgPreferNotAlone
	case seen[PreferNot]:
		return []string{PreferNot}, ""
	case q.MaxChoices > 0 && len(seen) > q.MaxChoices:
		return nil, fmt.Sprintf(msgTooManyChoices, q.MaxChoices)
	}
	// Option order makes equal answers equal values, whatever order they came in.
	out := make([]string, 0, len(seen))
	for _, o := range q.Options {
		if seen[o.ID] {
			out = append(out, o.ID)
		}
	}
	return out, ""
}

func (q *Question) cleanGrid(raw any, v *Version) (any, string) {
	m, ok := asMap(raw)
	if !ok {
		return nil, msgWrongKind
	}
	points := q.Points()
	out := map[string]string{}
	for item, point := range m {
		switch {
		case strings.ContainsAny(item, "$."):
			return nil, msgUnknownOption
		case q.Item(item) == nil || !q.Item(item).In(v):
			return nil, msgUnknownOption
		case point == "":
			continue
		case point == PreferNot && q.DontWantToSay, slices.Contains(points, point):
			out[item] = point
		default:
			return nil, msgUnknownOption
		}
	}
	if len(out) == 0 {
		return nil, ""
	}
	return out, ""
}

// offers reports whether id is an option the version offers.
func (q *Question) offers(v *Version, id string) bool {
	o := q.Option(id)
	return o != nil && o.In(v)
}

// asString returns raw trimmed, if it is a string of valid UTF-8.
func asString(raw any) (string, bool) {
	s, ok := raw.(string)
	if !ok || !utf8.ValidString(s) {
		return "", false
	}
	return strings.TrimSpace(s), true
}

// asStrings returns the non-empty trimmed strings of a []string or []any of strings.
func asStrings(raw any) ([]string, bool) {
	var in []any
	switch v := raw.(type) {
	case []string:
		for _, s := range v {
			in = append(in, s)
		}
	case []any:
		in = v
	default:
		return nil, false
	}
	out := make([]string, 0, len(in))
	for _, x := range in {
		s, ok := asString(x)
		if !ok {
			return nil, false
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, true
}

// asMap returns a map[string]string or map[string]any of strings with trimmed values.
func asMap(raw any) (map[string]string, bool) {
	out := map[string]string{}
	switch v := raw.(type) {
	case map[string]string:
		for k, s := range v {
			out[k] = strings.TrimSpace(s)
		}
	case map[string]any:
		for k, x := range v {
			s, ok := asString(x)
			if !ok {
				return nil, false
			}
			out[k] = s
		}
	default:
		return nil, false
	}
	return out, true
}

// asInt returns a whole number given as any Go integer, an integral float64 or a json.Number.
func asInt(raw any) (int, bool) {
	const limit = 1 << 31
	var f float64
	switch v := raw.(type) {
	case int:
		return v, true
	case int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		n, err := strconv.ParseInt(fmt.Sprint(v), 10, 32)
		return int(n), err == nil
	case float64:
		f = v
	case json.Number:
		n, err := strconv.ParseInt(string(v), 10, 32)
		return int(n), err == nil
	default:
		return 0, false
	}
	if f != math.Trunc(f) || f <= -limit || f >= limit {
		return 0, false
	}
	return int(f), true
}
