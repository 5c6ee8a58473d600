package chorus

import "context"

// Filter narrows results. Empty fields do not filter. Areas are council codes (a region
// or constituency is expanded to its councils by the caller). From and To are dates
// (YYYY-MM-DD, inclusive); results are kept by ISO week, so a range covers whole weeks.
type Filter struct {
	Version  string
	AgeBand  string
	LiveWith string
	Areas    []string
	From, To string
}

// Results are the raw counts for one survey under a filter. They are never shown as
// they are: every output passes them through disclosure control first.
type Results struct {
	Survey string
	Filter Filter
	// Base is the number of responses that match the filter.
	Base int
	// Questions holds the counts of each closed question, in survey order.
	Questions []QuestionCounts
	// Themes counts free-text answers per theme (reviewed tags win over machine tags),
	// with "uncoded" for answers no theme covers.
	Themes map[string]int
	// Weeks counts responses per ISO week ("2026-W48").
	Weeks map[string]int
	// Versions counts responses per survey version.
	Versions map[string]int
}

// QuestionCounts are one closed question's counts: per option (single, multi, area,
// scale point) or per grid item and point. Answered is how many responses answered it.
type QuestionCounts struct {
	Question string
	Answered int
	Options  map[string]int
	Items    map[string]map[string]int
}

// ResultService reads aggregated results.
type ResultService interface {
	// Results returns the counts for a survey under a filter, from the incremental
	// aggregates. It returns ENOTFOUND for an unknown survey.
	Results(ctx context.Context, survey string, f Filter) (*Results, error)
	// Rebuild recounts a survey's aggregates from its stored responses ("" for all).
	Rebuild(ctx context.Context, survey string) error
}
