// Package results keeps the counts behind every result of a survey and publishes them
// through disclosure control. Every output — the results API, CSV exports, dashboards,
// briefings, the page for young people — takes its figures from Service.Publish.
//
// # Counting
//
// A Cube holds a survey's counts: for the whole survey and for each value of each
// dimension (version, age band, who the young person lives with, council area, ISO week) a
// vector of counters, one per slot (an option of a question, a point of a grid item, a
// theme, a value of another dimension, the number asked each question). Responses become
// Deltas — one per batch of stored responses, keyed by the full dimension tuple so that
// any view can be rebuilt from them — and deltas are merged into the cube. A cube's size
// depends on the survey, not on the number of responses, so results at a million
// responses cost what they cost at a thousand. Counter keeps the cubes, and every
// instance's in step; the store only keeps its deltas and snapshots as plain records
// (DeltaStore, which mongodb.AggregateStore implements).
//
// # Publishing
//
// Results are published for the whole survey or for one group at a time: a version, an
// age band, a living situation, an area (a council, region or constituency, rolled up
// council → region → England where too few answered) or a run of calendar months. A
// request combining two filters is refused: results for combined filters can be
// subtracted from each other to describe a handful of young people.
//
// Every count goes through the disclosure package. Each line of counts (a question's
// answers with those who did not answer, a breakdown) is protected for the whole survey
// with disclosure.Policy.Single or Multi. The groups of one dimension partition the whole
// survey, so each line is protected for all of them at once as one two-way table
// (disclosure.Policy.Table) whose margins must be shown and hidden exactly as they are
// published elsewhere (the whole survey's line, the groups' sizes); the table is then
// checked as a whole — every line safe and no hidden count fixed by the others, by exact
// elimination — and if it does not hold, the line is hidden for every group of that
// dimension. Areas nest (councils in regions in England), so each level is protected
// against the level above. Groups with the same young people (the 4-7 version and age
// band 4-7, a region that is all of England) get the same rows; breakdowns by two
// dimensions (age bands within a version, versions within an age band) come from one
// table; questions that not every version asks are counted among those asked, and the
// number asked is shown only where the breakdown by version gives it away anyway.
//
// # What is checked, and what is not
//
// The package's property test (and the web package's, through the real API) draws random
// data and random request sequences and checks, by exact linear algebra over everything
// the reports showed and what the survey's design tells a reader (who is asked what),
// that no suppressed count can be worked out; a zero that says nobody in a group of at
// least k gave an answer is allowed, as the survey could show zeros there. Differences
// between a group and the whole survey are checked with disclosure.CheckFilter. Not
// covered: knowledge from outside the reports (someone who knows a child took part), and
// bounds — a hidden count cannot be worked out exactly, but totals still bound it; the
// rounding to 5 that viewers get (and every output for people outside the organisation
// should get) blurs those further.
package results
