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
// # Releases
//
// Cell suppression protects one table at one moment. Live results defeat it: read the
// results, wait for one response, read them again, and the counts that went up by one are
// that young person's answers. So everything is published from releases (Releaser): a
// release is a stored, immutable snapshot of a survey's cube — its size depends on the
// survey, not on the number of responses — with, for every group whose figures are kept
// from an earlier release, that release's id (Release.AsOf).
//
// The step rule. A release is made only when the whole survey's number of responses has
// changed by at least k since the last one, and at most once per interval (counted from the
// end of the hour the last one records: a release stores its time to the hour). Within it,
// each group — a value of a dimension, an area, a month, an access code — is updated
// (shows the new counts) only if its own number of responses changed by at least k since
// the figures it shows; otherwise it is frozen: it keeps those figures, byte for byte.
//
// Why freezing is not enough on its own, and what is done about it. The groups of a
// dimension split the whole survey; councils split their region, regions England, England,
// Wales and "no council" the whole survey. If a parent is updated while some of its members
// are frozen, the parent minus its updated members is the frozen members' new counts, and
// their old figures are published: the difference is their new young people's answers. So
// freezing is repeated to a fixed point (Releaser.freeze): wherever the frozen members of a
// split changed together by a number from 1 to k−1 (taking each member's change since the
// figures it shows), the parent is frozen too; where the parent is the whole survey, which
// a release always updates, every member is frozen (then together they changed by the
// survey's change, at least k, unless responses were deleted, when no release is made).
// Groups with the same young people (the 4-7 version and age band, a region of one
// council) are frozen together. Splits also combine: England frozen while every region
// is shown gives England's new size, and then the whole survey minus England gives "no
// council"'s. So the sizes are also checked as linear equations (disclosure.System, a
// parent's change is the sum of its members'), and while some frozen group's change of 1
// to k−1 follows from them, one more group is frozen (the smallest change that hides it).
// Freezing everything is always safe, so the fixed point exists; it is the least freezing
// that these rules reach.
//
// Composing a release's reports. Each table (a request's group) is published whole from
// the publication of the release its group is as of — that publication is the engine
// above, applied to that release's cube, so every table keeps every single-snapshot
// promise. Inside a table, counts that describe another group's size are taken from the
// release that group is as of (Count.Release names it): the breakdowns by version, age
// band and living situation, the whole survey's counts by area, month and week, the
// questions not every version asks (their number asked is a sum of versions), and each
// measure's region and England figures. Several areas or months are added up from each
// one's own figures, shown only where every part shows them. So a release publishes, about
// the latest counts, only what the latest publication would, minus what frozen groups
// hold back; and about a frozen group, only what was published before.
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
//
// Releases are checked the same way over two releases (TestPropertyTwoReleases, with the
// leakcheck package's Leaks): both releases' true counts are unknowns, every shown count
// is an equation over the release it comes from, and the test asserts that no suppressed
// count of either release can be worked out, and that no group's growth between them —
// each value of each dimension, each area, each month, each group a report was for — can be
// worked out where it is from 1 to k−1. The web package's test reads every output through
// HTTP on the embedded store and finds it unchanged, byte for byte, until a release.
// Not covered: the growth of a single count inside a group that grew by k or more (one
// more "unhappy" among ten new answers describes those ten together, as any table of ten
// does); bounds across releases (counts only grow, which a reader may use); and releases
// made after responses were deleted, where a group's change is the new answers minus the
// deleted ones.
package results
