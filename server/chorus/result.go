package chorus

import "context"

// ThemeUncoded is the theme under which Results count free-text answers that no theme
// covers.
const ThemeUncoded = "uncoded"

// Filter narrows results. Empty fields do not filter. Areas are council codes (a region
// or constituency is expanded to its councils by the caller). From and To are dates
// (YYYY-MM-DD, inclusive); results are kept by ISO week, so a range covers whole weeks.
//
// Results are filtered by one condition at a time (Areas and From..To each count as one):
// a filter with two conditions is refused with EINVALID, because results for combined
// filters could be subtracted from each other to describe a handful of young people.
type Filter struct {
	Version  string
	AgeBand  string
	LiveWith string
	Areas    []string
	From, To string
}

// Results are the raw counts for one survey under a filter. They are never shown as
// they are: every output passes them through disclosure control first (the results
// package's Publish does it for every page, API and export).
type Results struct {
	Survey string
	Filter Filter
	// Base is the number of responses that match the filter.
	Base int
	// Questions holds the counts of each closed question, in survey order.
	Questions []QuestionCounts
	// Themes counts young people whose free-text answers mention each theme (once per
	// young person however many answers mention it), with ThemeUncoded for those whose
	// free text no theme covers.
	Themes map[string]int
	// Weeks counts responses per ISO week ("2026-W48").
	Weeks map[string]int
	// Versions counts responses per survey version.
	Versions map[string]int
	// GroupSessions counts responses per group session (access code id); responses
	// given without a code are not in it.
	GroupSessions map[string]int
	// Demo counts synthetic responses loaded by the demo command (submission ids
	// starting "demo-"); pages say "contains demo data" when it is not zero.
	Demo int
}

// QuestionCounts are one closed question's counts: per option (single, multi, area,
// scale point, number) or per grid item and point, PreferNot included. Answered is how
// many responses answered it (for a grid, the most answered item).
type QuestionCounts struct {
	Question string
	Answered int
	Options  map[string]int
	Items    map[string]map[string]int
}

// ResultService reads aggregated results.
type ResultService interface {
	// Results returns the counts for a survey under a filter, from the incremental
	// aggregates. It returns ENOTFOUND for an unknown survey and EINVALID for a filter
	// with more than one condition or a malformed date.
	Results(ctx context.Context, survey string, f Filter) (*Results, error)
	// Rebuild recounts a survey's aggregates from its stored responses ("" for all).
	Rebuild(ctx context.Context, survey string) error
}
