package results

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Dim is one of the dimensions results are kept and filtered by.
type Dim int

// The dimensions, in the order of a Key.
const (
	DimVersion Dim = iota // the survey version answered
	DimAge                // the age band: see Mapping
	DimLive               // who the young person lives with: an option id, PreferNot or ""
	DimArea               // the council area code, or "" (not answered or PreferNot)
	DimWeek               // the ISO week of the response's day, such as "2026-W48"
	nDims
)

var dimNames = [nDims]string{"version", "age_band", "live_with", "area", "week"}

// String returns the dimension's name as used in filters: "version", "age_band", …
func (d Dim) String() string {
	if d < 0 || d >= nDims {
		return fmt.Sprintf("Dim(%d)", int(d))
	}
	return dimNames[d]
}

// Key is the value of every dimension for one response: a cell of the cube.
type Key [nDims]string

// DemoPrefix starts the submission id of every synthetic response the demo command
// loads; results count them so that pages can say that they contain demo data.
const DemoPrefix = "demo-"

// Mapping names the questions of a survey that give the age band, who a young person
// lives with and their council area. The zero Mapping means DefaultMapping.
//
// The age band is the answer to the AgeBand question (one of its option ids). A version
// that does not ask that question (the adult-assisted 4-7 version of the example survey)
// gives its own AgeBand instead. A young person who was asked and did not say has the
// age band "": they are counted in every result but cannot be filtered on.
type Mapping struct {
	AgeBand  string
	LiveWith string
	Area     string
}

// DefaultMapping is the mapping of the example survey, "Your life, your voice".
var DefaultMapping = Mapping{AgeBand: "age_band", LiveWith: "live_with", Area: "area"}

func (m Mapping) orDefault() Mapping {
	if m == (Mapping{}) {
		return DefaultMapping
	}
	return m
}

// isDim reports whether q is one of the mapped questions: their counts are published
// as breakdowns (age bands, living situation, areas), not as questions.
func (m Mapping) isDim(q string) bool {
	m = m.orDefault()
	return q == m.AgeBand || q == m.LiveWith || q == m.Area
}

// ThemesFunc returns the themes of each free-text answer of a response, by question.
// The default uses Response.Themes (the machine tags). A reviewed-tag store can supply
// its own, so that reviewers' tags win; retagging a stored response must then go through
// the aggregates' Retag so that the counts follow.
type ThemesFunc func(r *chorus.Response) map[string][]string

// Slot names. A slot is one counter of a cube cell; names are stable so that stored
// deltas and snapshots survive changes to survey files.
const (
	slotOption   = "o|" // o|question|option: single, scale, number, area, multi tick
	slotGrid     = "g|" // g|question|item|point
	slotAnswered = "a|" // a|question: responses that answered it (not grid)
	slotAsked    = "k|" // k|question: responses whose version asks it
	slotTheme    = "t|" // t|theme: responses with a free-text answer tagged with the theme
	slotUncoded  = "tu" // responses with free text and no theme at all
	slotAnyText  = "ta" // responses with any free-text answer
	slotDemo     = "xd" // synthetic demo responses
	slotSession  = "s|" // s|group session: responses given through an access code
	slotDim      = "d"  // d<dim>|value: responses per value of each dimension
)

// dimSlot returns the slot that counts responses with value v in dimension d.
func dimSlot(d Dim, v string) string { return slotDim + strconv.Itoa(int(d)) + "|" + v }

// KeyOf returns the dimension values of a response.
func KeyOf(s *chorus.Survey, m Mapping, r *chorus.Response) Key {
	m = m.orDefault()
	var k Key
	k[DimVersion] = r.Version
	v := s.Version(r.Version)
	age, _ := r.Answers[m.AgeBand].(string)
	switch q := s.Question(m.AgeBand); {
	case q != nil && age != "" && age != chorus.PreferNot && q.Option(age) != nil:
		k[DimAge] = age
	case v != nil && (q == nil || !slices.Contains(v.Questions, m.AgeBand)):
		k[DimAge] = v.AgeBand
	}
	if live, _ := r.Answers[m.LiveWith].(string); live != "" {
		k[DimLive] = live
	}
	if area, _ := r.Answers[m.Area].(string); area != chorus.PreferNot {
		k[DimArea] = area
	}
	k[DimWeek] = Week(r.Day)
	return k
}

// Week returns the ISO week of a YYYY-MM-DD day, such as "2026-W48", or "" if day is not
// a date.
func Week(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// weekStart returns the Monday of an ISO week ("2026-W48").
func weekStart(week string) (time.Time, bool) {
	y, err1 := strconv.Atoi(week[:min(4, len(week))])
	if len(week) != 8 || week[4:6] != "-W" || err1 != nil {
		return time.Time{}, false
	}
	w, err := strconv.Atoi(week[6:])
	if err != nil || w < 1 || w > 53 {
		return time.Time{}, false
	}
	// 4 January is always in week 1.
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+7*(w-1))
	return monday, true
}

// Month returns the calendar month ("2026-11") an ISO week belongs to: the month of its
// Thursday, as ISO weeks belong to the year of their Thursday. Results by period are
// kept by week, so a month is a whole number of weeks.
func Month(week string) string {
	monday, ok := weekStart(week)
	if !ok {
		return ""
	}
	return monday.AddDate(0, 0, 3).Format("2006-01")
}

// monthOfDay returns the month whose weeks include day, or "" if day is not a date.
func monthOfDay(day string) string { return Month(Week(day)) }

// contribution lists the slots one response adds to: its cell's counters.
func contribution(s *chorus.Survey, r *chorus.Response, k Key, themesOf ThemesFunc) []string {
	slots := make([]string, 0, 48)
	for d := range nDims {
		slots = append(slots, dimSlot(d, k[d]))
	}
	if strings.HasPrefix(r.SubmissionID, DemoPrefix) {
		slots = append(slots, slotDemo)
	}
	if r.GroupSession != "" {
		slots = append(slots, slotSession+r.GroupSession)
	}
	if v := s.Version(r.Version); v != nil {
		for _, id := range v.Questions {
			if q := s.Question(id); q != nil && closed(q.Kind) {
				slots = append(slots, slotAsked+id)
			}
		}
	}
	hasText := false
	for _, q := range s.Questions {
		a, ok := r.Answers[q.ID]
		if !ok || a == nil {
			continue
		}
		switch q.Kind {
		case chorus.KindSingle, chorus.KindScale, chorus.KindArea:
			if v, ok := a.(string); ok && v != "" {
				slots = append(slots, slotAnswered+q.ID, slotOption+q.ID+"|"+v)
			}
		case chorus.KindNumber:
			switch v := a.(type) {
			case int:
				slots = append(slots, slotAnswered+q.ID, slotOption+q.ID+"|"+strconv.Itoa(v))
			case string:
				if v == chorus.PreferNot {
					slots = append(slots, slotAnswered+q.ID, slotOption+q.ID+"|"+v)
				}
			}
		case chorus.KindMulti:
			switch v := a.(type) {
			case []string:
				if len(v) > 0 {
					slots = append(slots, slotAnswered+q.ID)
				}
				for _, o := range v {
					slots = append(slots, slotOption+q.ID+"|"+o)
				}
			case string:
				if v == chorus.PreferNot {
					slots = append(slots, slotAnswered+q.ID, slotOption+q.ID+"|"+v)
				}
			}
		case chorus.KindGrid:
			if v, ok := a.(map[string]string); ok {
				for item, point := range v {
					if point != "" {
						slots = append(slots, slotGrid+q.ID+"|"+item+"|"+point)
					}
				}
			}
		case chorus.KindShortText, chorus.KindLongText:
			if v, ok := a.(string); ok && v != "" && v != chorus.PreferNot {
				hasText = true
			}
		}
	}
	if hasText {
		slots = append(slots, slotAnyText)
		themes := r.Themes
		if themesOf != nil {
			themes = themesOf(r)
		}
		var seen []string
		for _, list := range themes {
			for _, t := range list {
				if t != "" && !slices.Contains(seen, t) {
					seen = append(seen, t)
					slots = append(slots, slotTheme+t)
				}
			}
		}
		if len(seen) == 0 {
			slots = append(slots, slotUncoded)
		}
	}
	return slots
}
