package chorus

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// Survey statuses. Only an open survey inside its dates takes answers.
const (
	StatusDraft  = "draft"
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Question kinds.
const (
	KindSingle    = "single"     // one option; value string
	KindMulti     = "multi"      // up to MaxChoices options; value []string
	KindScale     = "scale"      // faces, points "1".."Scale"; value string
	KindGrid      = "grid"       // a scale per item; value map[item id]point
	KindShortText = "short_text" // one line of words; value string
	KindLongText  = "long_text"  // several lines of words; value string
	KindNumber    = "number"     // a whole number from Min to Max; value int
	KindArea      = "area"       // a council area code; value string
)

// PreferNot is the reserved answer value for "I don't want to say". It is offered
// only on questions with DontWantToSay, and no option or item may use it as an id.
const PreferNot = "prefer_not"

// Survey is one survey definition, loaded from a file in surveys/. Its Versions
// render one bank of Questions, so answers to a question pool across versions.
type Survey struct {
	ID            string
	Title         Text
	Status        string    // StatusDraft, StatusOpen or StatusClosed
	Access        string    // AccessModeOpen or AccessModeCode (see accesscode.go)
	Opens, Closes time.Time // zero means unbounded; Closes is the first closed instant
	Languages     []string  // the first is the default
	Threshold     int       // disclosure control: smallest count shown (default 10)
	RetentionDays int       // how long responses are kept
	Revision      string    // short hex SHA-256 of the file; stored with each response
	Intro         Text      // what this survey is, for the start page
	Privacy       Text      // who sees what, in words for a child; shown before the first question
	RiskHelp      Text      // extra help shown after risky answers (besides the standard help note)
	Versions      []*Version
	Questions     []*Question // the bank, in file order
	// Measures are the headline measures, in file order; SharePolicy says how they are
	// shown.
	Measures    []*Measure
	SharePolicy SharePolicy
}

// Version returns the version with the id, or nil.
func (s *Survey) Version(id string) *Version {
	for _, v := range s.Versions {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// Question returns the question in the bank with the id, or nil.
func (s *Survey) Question(id string) *Question {
	for _, q := range s.Questions {
		if q.ID == id {
			return q
		}
	}
	return nil
}

// NeedsCode reports whether answering needs a group access code (Access is AccessModeCode).
func (s *Survey) NeedsCode() bool { return s.Access == AccessModeCode }

// IsOpen reports whether the survey takes answers at now: its status is open,
// now is not before Opens and is before Closes.
func (s *Survey) IsOpen(now time.Time) bool {
	if s.Status != StatusOpen {
		return false
	}
	if !s.Opens.IsZero() && now.Before(s.Opens) {
		return false
	}
	return s.Closes.IsZero() || now.Before(s.Closes)
}

// Risky reports whether answers suggest the child may be unsafe or very unhappy:
// a chosen option marked Risk, the lowest point of a scale question marked
// RiskLowest, or the lowest point on a grid item marked Risk (or on any item of a
// grid marked RiskLowest). Pass answers cleaned by Version.Validate.
func (s *Survey) Risky(answers Answers) bool {
	for _, q := range s.Questions {
		switch v := answers[q.ID].(type) {
		case string:
			if q.Kind == KindScale && q.RiskLowest && v == "1" {
				return true
			}
			if q.Kind == KindSingle && q.risky(v) {
				return true
			}
		case []string:
			if q.Kind == KindMulti && slices.ContainsFunc(v, q.risky) {
				return true
			}
		case map[string]string:
			if q.Kind != KindGrid {
				continue
			}
			for item, point := range v {
				if point != "1" {
					continue
				}
				if it := findOption(q.Items, item); it != nil && (it.Risk || q.RiskLowest) {
					return true
				}
			}
		}
	}
	return false
}

// Text is words in each language of a survey, keyed by language code ("en", "cy").
// The loader also stores the default language's words under the empty key so that
// In can fall back to them; MarshalJSON leaves that key out.
type Text map[string]string

// In returns the words in lang, or else the words in the survey's first language.
// It returns "" only if the text is empty.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t[""]; s != "" {
		return s
	}
	if s := t["en"]; s != "" {
		return s
	}
	langs := make([]string, 0, len(t))
	for l := range t {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	for _, l := range langs {
		if t[l] != "" {
			return t[l]
		}
	}
	return ""
}

// MarshalJSON encodes the text without the default-language entry under the empty key.
func (t Text) MarshalJSON() ([]byte, error) {
	m := make(map[string]string, len(t))
	for l, s := range t {
		if l != "" {
			m[l] = s
		}
	}
	return json.Marshal(m)
}

// Version is one rendering of a survey: an age band, easy-read or not, with an
// adult helping or not, and the questions it asks in order.
type Version struct {
	ID            string // e.g. "8-12", "8-12-easy", "4-7-assisted"
	Label         Text
	AgeBand       string // e.g. "8-12"
	EasyRead      bool
	AdultAssisted bool
	Questions     []string // question ids, in order
}

// Question is one question of the bank. Every question is optional unless Required.
type Question struct {
	ID            string
	Kind          string // one of the Kind constants
	Required      bool
	Text          Text
	Help          Text
	Wording       map[string]Text // version id → wording that replaces Text in that version
	HelpWording   map[string]Text // version id → wording that replaces Help in that version
	Options       []Option        // single, multi; area (filled from the shipped council list)
	Items         []Option        // grid rows; an item's Risk marks its lowest point as a risk signal
	Scale         int             // points on a scale or grid: 3 or 5
	ScaleLabels   []Text          // one per point, from lowest ("1") to highest
	MaxChoices    int             // multi: most options a child may choose (0 = all)
	MaxLength     int             // text: most characters (runes); 0 = no limit
	Min, Max      int             // number: allowed range, when Min < Max
	DontWantToSay bool            // offer "I don't want to say" (stored as PreferNot)
	RiskLowest    bool            // scale or grid: the lowest point is a risk signal
	ShowIf        *Condition      // nil = always shown
}

// TextFor returns the question's words in the version and language: the version's
// wording if it has one, else the question's text. A language missing from both
// falls back to the default language.
func (q *Question) TextFor(version, lang string) string {
	return worded(q.Wording[version], q.Text, lang)
}

// HelpFor returns the question's help in the version and language, as TextFor does.
func (q *Question) HelpFor(version, lang string) string {
	return worded(q.HelpWording[version], q.Help, lang)
}

func worded(w, base Text, lang string) string {
	if s := w[lang]; s != "" {
		return s
	}
	if s := base[lang]; s != "" {
		return s
	}
	if s := w.In(lang); s != "" {
		return s
	}
	return base.In(lang)
}

// OptionsFor returns the options the version offers (see Option.AgeBands).
func (q *Question) OptionsFor(v *Version) []Option { return offered(q.Options, v) }

// ItemsFor returns the grid items the version asks (see Option.AgeBands).
func (q *Question) ItemsFor(v *Version) []Option { return offered(q.Items, v) }

func offered(opts []Option, v *Version) []Option {
	out := make([]Option, 0, len(opts))
	for _, o := range opts {
		if o.In(v) {
			out = append(out, o)
		}
	}
	return out
}

// Option returns the option with the id, or nil.
func (q *Question) Option(id string) *Option { return findOption(q.Options, id) }

// Item returns the grid item with the id, or nil.
func (q *Question) Item(id string) *Option { return findOption(q.Items, id) }

// Points returns the scale points of a scale or grid question: "1".."Scale".
func (q *Question) Points() []string {
	points := make([]string, q.Scale)
	for i := range points {
		points[i] = strconv.Itoa(i + 1)
	}
	return points
}

func (q *Question) risky(id string) bool {
	o := q.Option(id)
	return o != nil && o.Risk
}

func findOption(opts []Option, id string) *Option {
	for i := range opts {
		if opts[i].ID == id {
			return &opts[i]
		}
	}
	return nil
}

// Option is one answer to choose, or one item of a grid.
type Option struct {
	ID      string
	Text    Text
	Risk    bool            // choosing it (or, for a grid item, its lowest point) suggests the child may be at risk
	Wording map[string]Text // version id → words that replace Text in that version
	// AgeBands limits the option to versions of these age bands ("8-12"); empty means
	// every version. Answers keep one meaning whichever versions offer the option.
	AgeBands []string
	Symbol   string // a symbol shown beside the words in easy-read and adult-assisted versions
}

// TextFor returns the option's words in the version and language, as Question.TextFor does.
func (o *Option) TextFor(version, lang string) string {
	return worded(o.Wording[version], o.Text, lang)
}

// In reports whether version v offers the option.
func (o *Option) In(v *Version) bool {
	return len(o.AgeBands) == 0 || v == nil || slices.Contains(o.AgeBands, v.AgeBand)
}

// Condition shows a question only when an earlier question's answer is, or (for
// multiple choice) contains, any of Equals.
type Condition struct {
	Question string
	Equals   []string
}

// Met reports whether the condition holds for answers cleaned by Version.Validate.
func (c *Condition) Met(answers Answers) bool {
	switch v := answers[c.Question].(type) {
	case string:
		return slices.Contains(c.Equals, v)
	case []string:
		return slices.ContainsFunc(v, func(s string) bool { return slices.Contains(c.Equals, s) })
	case int:
		return slices.Contains(c.Equals, strconv.Itoa(v))
	}
	return false
}
