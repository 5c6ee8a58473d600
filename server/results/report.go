package results

import (
	"github.com/chorus-voice/chorus/server/disclosure"
)

// Report is a survey's results after disclosure control, for one group of young people.
// Every count is a disclosure.Value: a number (rounded when the policy rounds) or
// suppressed ({"suppressed":true} in JSON, "c" in CSV). Percentages are given only where
// their count and base are shown and the base is at least the threshold.
type Report struct {
	Survey string       `json:"survey"`
	Title  string       `json:"title"`
	Filter ReportFilter `json:"filter"`
	// Level is what the results describe: "all" (every response), "version",
	// "age_band", "live_with" (a Group), "council", "region", "country", "areas" (several
	// areas together: see Area) or "period" (see Period).
	Level  string     `json:"level"`
	Group  *Group     `json:"group,omitempty"`
	Area   *ShownArea `json:"area,omitempty"`
	Period *Period    `json:"period,omitempty"`
	// Note says why the results are for a wider area than the one asked for, or why
	// nothing can be shown yet.
	Note string `json:"note,omitempty"`
	// Base is the number of responses the results describe.
	Base      disclosure.Value `json:"base"`
	Threshold int              `json:"threshold"`
	RoundedTo int              `json:"rounded_to"`
	// Methods explains suppression, rounding and pooling across versions.
	Methods string `json:"methods"`
	// ContainsDemo is true when synthetic demo responses are counted.
	ContainsDemo bool `json:"contains_demo_data"`
	// Measures are the survey's headline measures for the group (see MeasureReport).
	Measures  []MeasureReport  `json:"measures"`
	Questions []QuestionReport `json:"questions"`
	// Themes counts young people whose free text mentions each theme; its Answered is
	// the number with any free text.
	Themes *ListReport `json:"themes,omitempty"`
	// Versions, AgeBands and LiveWith break the responses down; their percentages are of
	// the base.
	Versions []Count `json:"versions"`
	AgeBands []Count `json:"age_bands"`
	LiveWith []Count `json:"live_with"`
	// Areas (whole survey only) counts responses by England, region and council.
	Areas []AreaCount `json:"areas,omitempty"`
	// Weeks and Months (whole survey and periods) count responses over time.
	Weeks  []Count `json:"weeks,omitempty"`
	Months []Count `json:"months,omitempty"`
}

// ReportFilter echoes the request's filters.
type ReportFilter struct {
	Version      string `json:"version,omitempty"`
	AgeBand      string `json:"age_band,omitempty"`
	LiveWith     string `json:"live_with,omitempty"`
	Area         string `json:"area,omitempty"`
	Region       string `json:"region,omitempty"`
	Constituency string `json:"constituency,omitempty"`
	From         string `json:"from,omitempty"`
	To           string `json:"to,omitempty"`
}

// Group is the version, age band or living situation the results are for.
type Group struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// ShownArea says which areas' results are shown: Asked is the name of the area asked for,
// Codes and Names the areas shown (wider ones when small areas were rolled up).
type ShownArea struct {
	Asked string   `json:"asked"`
	Codes []string `json:"codes"`
	Names []string `json:"names"`
}

// Period is the calendar months the results cover.
type Period struct {
	Months []string `json:"months"`
}

// QuestionReport is one closed question's results. Single-answer questions and scales
// have Options (PreferNot last); grids have Items, each with its points as Options.
// Answered is how many answered; NoAnswer how many did not.
type QuestionReport struct {
	ID       string           `json:"id"`
	Kind     string           `json:"kind"`
	Text     string           `json:"text"`
	Wordings []Wording        `json:"wordings,omitempty"`
	Answered disclosure.Value `json:"answered"`
	NoAnswer disclosure.Value `json:"no_answer"`
	Options  []Count          `json:"options,omitempty"`
	Items    []ItemReport     `json:"items,omitempty"`
	// PercentOf is "responses" when the options' percentages are of everyone in the
	// group, because the number who answered cannot be shown; otherwise they are of
	// those who answered.
	PercentOf string `json:"percent_of,omitempty"`
}

// Wording is one of several wordings of a question and the versions that use it.
type Wording struct {
	Text     string   `json:"text"`
	Versions []string `json:"versions"`
}

// ItemReport is one item of a grid.
type ItemReport struct {
	ID       string           `json:"id"`
	Label    string           `json:"label"`
	Answered disclosure.Value `json:"answered"`
	NoAnswer disclosure.Value `json:"no_answer"`
	Options  []Count          `json:"options"`
}

// ListReport is a list of counts with the number who answered. PercentOf is as in
// QuestionReport.
type ListReport struct {
	Answered  disclosure.Value `json:"answered"`
	NoAnswer  disclosure.Value `json:"no_answer"`
	Options   []Count          `json:"options"`
	PercentOf string           `json:"percent_of,omitempty"`
}

// Count is one count with its label and, where allowed, its percentage of the base.
type Count struct {
	ID      string           `json:"id"`
	Label   string           `json:"label"`
	Count   disclosure.Value `json:"count"`
	Percent *float64         `json:"percent,omitempty"`
}

// AreaCount is the number of responses in an area.
type AreaCount struct {
	Code  string           `json:"code"`
	Name  string           `json:"name"`
	Level string           `json:"level"`
	Count disclosure.Value `json:"count"`
}
