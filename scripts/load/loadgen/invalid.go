package loadgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
)

// Bad is a submission the server must refuse with status Want, storing nothing.
type Bad struct {
	Kind        string
	ContentType string
	Body        []byte
	Want        int
}

// badKinds is the number of kinds Invalid cycles through.
const badKinds = 18

// Invalid returns the i-th of a family of distinct invalid submissions under id: each
// kind of mistake a broken or hostile client can make, cycling by i, all with their
// own id so that any one stored would show up in the check.
func (g *Generator) Invalid(r *rand.Rand, id string, i int) Bad {
	sub := g.Answers(r)
	sub.SubmissionID = id
	answers := maps.Clone(sub.Answers)
	enc := func(kind string, want int) Bad {
		sub.Answers = answers
		b, _ := json.Marshal(sub)
		return Bad{Kind: kind, ContentType: "application/json", Body: b, Want: want}
	}
	v := g.Survey.Version(sub.Version)
	hasQ := func(id string) bool {
		for _, q := range v.Questions {
			if q == id {
				return true
			}
		}
		return false
	}
	// Pick a question of each kind that this version asks.
	var multi, limited, grid, text, area string
	for _, qid := range v.Questions {
		q := g.Survey.Question(qid)
		if q.Kind == "multi" && limited == "" && q.MaxChoices > 0 && q.MaxChoices < len(q.OptionsFor(v)) {
			limited = qid // a "choose up to N" with more than N options in this version
		}
		switch {
		case q.Kind == "multi" && multi == "":
			multi = qid
		case q.Kind == "grid" && grid == "":
			grid = qid
		case q.Kind == "long_text" && text == "":
			text = qid
		case q.Kind == "area" && area == "":
			area = qid
		}
	}
	switch i % badKinds {
	case 0:
		answers[fmt.Sprintf("not_a_question_%d", i)] = "yes"
		return enc("unknown question", 422)
	case 1:
		answers[multi] = "family"
		return enc("wrong kind (string for a list)", 422)
	case 2:
		if limited == "" {
			answers[multi] = []string{fmt.Sprintf("option_%d", i)}
			return enc("unknown option", 422)
		}
		q := g.Survey.Question(limited)
		var all []string
		for _, o := range q.OptionsFor(v) {
			all = append(all, o.ID)
		}
		answers[limited] = all
		return enc("too many choices", 422)
	case 3:
		answers[multi] = []string{fmt.Sprintf("option_%d", i)}
		return enc("unknown option", 422)
	case 4:
		answers[text] = strings.Repeat("a", 1001+i%500)
		return enc("text too long", 422)
	case 5:
		answers[area] = fmt.Sprintf("E99%06d", i%1000000)
		return enc("unknown area", 422)
	case 6:
		answers["$where"] = "1"
		return enc("operator key", 422)
	case 7:
		answers[grid] = map[string]string{"friends": "7"}
		return enc("grid point off the scale", 422)
	case 8:
		sub.Survey = ""
		return enc("missing survey", 422)
	case 9:
		sub.SubmissionID = fmt.Sprintf("bad id %d!", i)
		return enc("malformed submission id", 422)
	case 10:
		b, _ := json.Marshal(sub)
		return Bad{Kind: "truncated JSON", ContentType: "application/json", Body: b[:len(b)/2], Want: 400}
	case 11:
		b := fmt.Appendf(nil, `{"survey":%q,"version":%q,"submission_id":%q,"answers":"%d"}`, sub.Survey, sub.Version, id, i)
		return Bad{Kind: "answers of the wrong type", ContentType: "application/json", Body: b, Want: 400}
	case 12:
		b, _ := json.Marshal(sub)
		return Bad{Kind: "not JSON content type", ContentType: "text/plain", Body: b, Want: 415}
	case 13:
		sub.Version = fmt.Sprintf("99-%d", i)
		return enc("unknown version", 404)
	case 14:
		sub.Survey = fmt.Sprintf("no-such-survey-%d", i)
		return enc("unknown survey", 404)
	case 15:
		q := g.Survey.Question(multi)
		answers[multi] = []string{q.Options[0].ID, q.Options[0].ID}
		return enc("duplicate choice", 422)
	case 16:
		q := g.Survey.Question(multi)
		answers[multi] = []string{"prefer_not", q.Options[i%len(q.Options)].ID}
		return enc("prefer not with other answers", 422)
	default:
		if hasQ("age_band") {
			answers["age_band.x"] = "1"
		} else {
			answers["a.b"] = "1"
		}
		return enc("dotted key", 422)
	}
}

// AtLimit returns a valid submission under id padded with JSON whitespace to exactly
// size bytes (the server's body limit: it must be accepted), or nil if it cannot be.
func (g *Generator) AtLimit(r *rand.Rand, id string, size int) []byte {
	sub := g.Answers(r)
	sub.SubmissionID = id
	b, _ := json.Marshal(sub)
	if len(b) > size {
		return nil
	}
	// Whitespace between tokens is valid JSON.
	return append(b[:len(b)-1], append(bytes.Repeat([]byte(" "), size-len(b)), '}')...)
}
