package surveyfile

import (
	"cmp"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
)

// The file's shape, as surveys/schema.json describes it.
type (
	fileSurvey struct {
		ID            string         `json:"id"`
		Title         chorus.Text    `json:"title"`
		Status        string         `json:"status"`
		Access        string         `json:"access"`
		Opens         string         `json:"opens"`
		Closes        string         `json:"closes"`
		Languages     []string       `json:"languages"`
		Threshold     int            `json:"threshold"`
		RetentionDays int            `json:"retention_days"`
		Intro         chorus.Text    `json:"intro"`
		Privacy       chorus.Text    `json:"privacy"`
		RiskHelp      chorus.Text    `json:"risk_help"`
		Versions      []fileVersion  `json:"versions"`
		Questions     []fileQuestion `json:"questions"`
		Measures      []fileMeasure  `json:"measures"`
		SharePolicy   *fileShares    `json:"share_policy"`
	}
	fileMeasure struct {
		ID       string      `json:"id"`
		Label    chorus.Text `json:"label"`
		Young    chorus.Text `json:"young"`
		Question string      `json:"question"`
		Item     string      `json:"item"`
		Count    []string    `json:"count"`
	}
	fileShares struct {
		MinBase  int `json:"min_base"`
		RoundTo  int `json:"round_to_percent"`
		Extremes int `json:"extremes"`
	}
	fileVersion struct {
		ID            string      `json:"id"`
		Label         chorus.Text `json:"label"`
		AgeBand       string      `json:"age_band"`
		EasyRead      bool        `json:"easy_read"`
		AdultAssisted bool        `json:"adult_assisted"`
		Questions     []string    `json:"questions"`
	}
	fileQuestion struct {
		ID            string                 `json:"id"`
		Kind          string                 `json:"kind"`
		Required      bool                   `json:"required"`
		Text          chorus.Text            `json:"text"`
		Help          chorus.Text            `json:"help"`
		Wording       map[string]chorus.Text `json:"wording"`
		HelpWording   map[string]chorus.Text `json:"help_wording"`
		Options       []fileOption           `json:"options"`
		Items         []fileOption           `json:"items"`
		Scale         int                    `json:"scale"`
		ScaleLabels   []chorus.Text          `json:"scale_labels"`
		MaxChoices    int                    `json:"max_choices"`
		MaxLength     int                    `json:"max_length"`
		Min           *int                   `json:"min"`
		Max           *int                   `json:"max"`
		DontWantToSay bool                   `json:"dont_want_to_say"`
		RiskLowest    bool                   `json:"risk_lowest"`
		ShowIf        *fileCondition         `json:"show_if"`
	}
	fileCondition struct {
		Question string   `json:"question"`
		Equals   []string `json:"equals"`
	}
	fileOption struct {
		ID       string                 `json:"id"`
		Text     chorus.Text            `json:"text"`
		Risk     bool                   `json:"risk"`
		Wording  map[string]chorus.Text `json:"wording"`
		AgeBands []string               `json:"age_bands"`
		Symbol   string                 `json:"symbol"`
	}
)

// Defaults for what a file may leave out.
const (
	defaultThreshold     = 10
	defaultRetentionDays = 730 // two years, as the Big Ask kept its responses
	defaultShortText     = 200
	defaultLongText      = 2000
)

// Wording keys that stand for every easy-read or adult-assisted version.
const (
	wordingEasyRead      = "easy_read"
	wordingAdultAssisted = "adult_assisted"
)

// build turns a checked file into the domain survey.
func (c *checker) build(f *fileSurvey, areas []chorus.Area) *chorus.Survey {
	def := f.Languages[0]
	text := func(t chorus.Text) chorus.Text {
		if t != nil {
			t[""] = t[def]
		}
		return t
	}
	opens, _ := parseWhen(f.Opens, false)
	closes, _ := parseWhen(f.Closes, true)
	s := &chorus.Survey{
		ID:            f.ID,
		Title:         text(f.Title),
		Status:        f.Status,
		Access:        cmp.Or(f.Access, chorus.AccessModeOpen),
		Opens:         opens,
		Closes:        closes,
		Languages:     f.Languages,
		Threshold:     cmp.Or(f.Threshold, defaultThreshold),
		RetentionDays: cmp.Or(f.RetentionDays, defaultRetentionDays),
		Intro:         text(f.Intro),
		Privacy:       text(f.Privacy),
		RiskHelp:      text(f.RiskHelp),
	}
	for _, v := range f.Versions {
		s.Versions = append(s.Versions, &chorus.Version{
			ID: v.ID, Label: text(v.Label), AgeBand: v.AgeBand,
			EasyRead: v.EasyRead, AdultAssisted: v.AdultAssisted, Questions: v.Questions,
		})
	}
	options := func(in []fileOption) []chorus.Option {
		var out []chorus.Option
		for _, o := range in {
			out = append(out, chorus.Option{ID: o.ID, Text: text(o.Text), Risk: o.Risk,
				Wording: wordings(o.Wording, s.Versions, text), AgeBands: o.AgeBands, Symbol: o.Symbol})
		}
		return out
	}
	for _, fq := range f.Questions {
		q := &chorus.Question{
			ID: fq.ID, Kind: fq.Kind, Required: fq.Required,
			Text: text(fq.Text), Help: text(fq.Help),
			Options: options(fq.Options), Items: options(fq.Items),
			Scale: fq.Scale, MaxChoices: fq.MaxChoices, MaxLength: fq.MaxLength,
			DontWantToSay: fq.DontWantToSay, RiskLowest: fq.RiskLowest,
		}
		if fq.ShowIf != nil {
			q.ShowIf = &chorus.Condition{Question: fq.ShowIf.Question, Equals: fq.ShowIf.Equals}
		}
		for _, l := range fq.ScaleLabels {
			q.ScaleLabels = append(q.ScaleLabels, text(l))
		}
		if fq.Min != nil && fq.Max != nil {
			q.Min, q.Max = *fq.Min, *fq.Max
		}
		switch q.Kind {
		case chorus.KindShortText:
			q.MaxLength = cmp.Or(q.MaxLength, defaultShortText)
		case chorus.KindLongText:
			q.MaxLength = cmp.Or(q.MaxLength, defaultLongText)
		case chorus.KindArea:
			for _, a := range areas {
				name := chorus.Text{"": a.Name}
				for _, l := range f.Languages {
					name[l] = a.Name
					if l == "cy" && a.NameWelsh != "" {
						name[l] = a.NameWelsh
					}
				}
				q.Options = append(q.Options, chorus.Option{ID: a.Code, Text: name})
			}
		}
		q.Wording = wordings(fq.Wording, s.Versions, text)
		q.HelpWording = wordings(fq.HelpWording, s.Versions, text)
		s.Questions = append(s.Questions, q)
	}
	for _, fm := range f.Measures {
		s.Measures = append(s.Measures, &chorus.Measure{ID: fm.ID, Label: text(fm.Label), Young: text(fm.Young),
			Question: fm.Question, Item: fm.Item, Count: fm.Count})
	}
	if sp := f.SharePolicy; sp != nil {
		s.SharePolicy = chorus.SharePolicy{MinBase: sp.MinBase, RoundTo: sp.RoundTo, Extremes: sp.Extremes}
	}
	return s
}

// wordings keys every wording by version id, expanding easy_read and
// adult_assisted to each such version that has no wording of its own.
func wordings(in map[string]chorus.Text, versions []*chorus.Version, text func(chorus.Text) chorus.Text) map[string]chorus.Text {
	if len(in) == 0 {
		return nil
	}
	out := map[string]chorus.Text{}
	for _, v := range versions {
		w, ok := in[v.ID]
		if !ok && v.AdultAssisted {
			w, ok = in[wordingAdultAssisted]
		}
		if !ok && v.EasyRead {
			w, ok = in[wordingEasyRead]
		}
		if ok {
			out[v.ID] = text(w)
		}
	}
	return out
}

// parseWhen reads a date (the start of that day in UTC, or with end set the start of
// the next day, so a survey closing on a date is open all of that day) or a time.
func parseWhen(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	var err error
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02 15:04Z07:00"} {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}
