package chorus

import (
	"context"
	"sort"
	"time"
)

// Concern is a response that suggests a child may be at risk: a safeguarding flag on
// its free text, or a closed answer the survey marks as a risk signal. Concerns wait
// in the safeguarding queue until a facilitator marks them reviewed with a note of the
// action taken. Chorus cannot say who the child is; the queue lets people follow
// their safeguarding procedure (for example, raise it with the service the survey
// ran in) and keeps these words out of quotes, briefings and exports.
type Concern struct {
	ID      string
	Survey  string
	Version string
	// Day is the day the response came (responses keep no finer time).
	Day string
	// Flags holds the safeguarding categories of each flagged free-text answer.
	Flags map[string][]string
	// Texts holds every free-text answer of the response (redacted), by question.
	Texts map[string]string
	// Signals are the closed answers that are risk signals.
	Signals []RiskSignal
	// Level is LevelUrgent, LevelConcern or LevelClosed.
	Level string
	// Reviewed is set once a facilitator has dealt with the concern.
	ReviewedBy string
	ReviewedAt time.Time
	Note       string
}

// Safeguarding levels, most urgent first. A free-text flag is urgent (current harm,
// suicidal intent or a plan, fear of the people where the child lives now) or a concern
// (harm told as past, neglect, running away, bullying); a response flagged by closed
// answers alone, with nothing written that was flagged, is LevelClosed.
const (
	LevelUrgent  = "urgent"
	LevelConcern = "concern"
	LevelClosed  = "closed"
)

// Levels lists the safeguarding levels, most urgent first.
var Levels = []string{LevelUrgent, LevelConcern, LevelClosed}

// LevelRank orders levels, most urgent first; "" (not risky) and unknown levels come last.
func LevelRank(level string) int {
	for i, l := range Levels {
		if l == level {
			return i
		}
	}
	return len(Levels)
}

// MoreUrgent returns the more urgent of two levels.
func MoreUrgent(a, b string) string {
	if LevelRank(b) < LevelRank(a) {
		return b
	}
	return a
}

// levelOf is the level of a queued response: its stored level, or for one stored
// before levels, concern for a free-text flag and closed for closed answers alone.
func levelOf(level string, flagged, risky bool) string {
	switch {
	case level != "":
		return level
	case flagged:
		return LevelConcern
	case risky:
		return LevelClosed
	}
	return ""
}

// LevelOf returns the concern's level (see Response.SafeguardingLevel).
func (c *Concern) LevelOf() string { return levelOf(c.Level, len(c.Flags) > 0, true) }

// Reviewed reports whether someone has dealt with the concern.
func (c *Concern) Reviewed() bool { return !c.ReviewedAt.IsZero() }

// Categories returns the categories of all the concern's flags, sorted.
func (c *Concern) Categories() []string {
	seen := map[string]bool{}
	var out []string
	for _, cats := range c.Flags {
		for _, cat := range cats {
			if !seen[cat] {
				seen[cat] = true
				out = append(out, cat)
			}
		}
	}
	sort.Strings(out)
	return out
}

// RiskSignal is one closed answer that the survey marks as a risk signal.
type RiskSignal struct {
	Question string
	// Option is the chosen option (single, multi), the scale point "1" (scale), or the
	// grid item whose lowest point was chosen (grid).
	Option string
}

// RiskSignals lists the closed answers that make Risky true, in survey order.
func (s *Survey) RiskSignals(answers Answers) []RiskSignal {
	var out []RiskSignal
	for _, q := range s.Questions {
		switch v := answers[q.ID].(type) {
		case string:
			if q.Kind == KindScale && q.RiskLowest && v == "1" || q.Kind == KindSingle && q.risky(v) {
				out = append(out, RiskSignal{Question: q.ID, Option: v})
			}
		case []string:
			if q.Kind == KindMulti {
				for _, o := range v {
					if q.risky(o) {
						out = append(out, RiskSignal{Question: q.ID, Option: o})
					}
				}
			}
		case map[string]string:
			if q.Kind != KindGrid {
				continue
			}
			for _, it := range q.Items {
				if v[it.ID] == "1" && (it.Risk || q.RiskLowest) {
					out = append(out, RiskSignal{Question: q.ID, Option: it.ID})
				}
			}
		}
	}
	return out
}

// ConcernFilter selects concerns.
type ConcernFilter struct {
	// Survey selects one survey's concerns ("" for all).
	Survey string
	// Reviewed selects the concerns already dealt with instead of the open ones.
	Reviewed bool
	// Closed selects the concerns raised by closed answers alone instead of those with
	// a free-text flag, so that the many closed-answer flags never bury a disclosure.
	Closed bool
	// Offset and Limit page through them; Limit 0 means 20.
	Offset, Limit int
}

// SafeguardingService keeps the safeguarding queue.
type SafeguardingService interface {
	// FindConcerns returns a page of concerns, urgent before concern, each newest
	// first, and how many match.
	FindConcerns(ctx context.Context, f ConcernFilter) ([]*Concern, int, error)
	// CountOpenConcerns returns how many concerns wait for review, by level.
	CountOpenConcerns(ctx context.Context) (map[string]int, error)
	// ReviewConcern marks a concern reviewed with a note of the action taken. It returns
	// ENOTFOUND for an unknown concern, EINVALID for an empty note, and ECONFLICT if it
	// was already reviewed.
	ReviewConcern(ctx context.Context, id, by, note string) (*Concern, error)
}

// ConcernRecord is a concern as stored: with the submission id of its response, which
// never leaves the platform.
type ConcernRecord struct {
	Concern
	SubmissionID string
}

// ConcernStore keeps the safeguarding queue. The mongodb package implements it; the
// concerns package decides what goes in, in what order it is shown and who may close
// a concern.
type ConcernStore interface {
	// InsertConcerns queues records, setting their IDs; a response already queued keeps
	// its concern as it is.
	InsertConcerns(ctx context.Context, rs []*ConcernRecord) error
	// FindConcernRecords returns the open (or reviewed) concerns of a survey ("" for
	// all), in no order.
	FindConcernRecords(ctx context.Context, survey string, reviewed bool) ([]*ConcernRecord, error)
	// FindConcernRecord returns a concern, or ENOTFOUND.
	FindConcernRecord(ctx context.Context, id string) (*ConcernRecord, error)
	// MarkConcernReviewed marks an open concern reviewed (at kept to the day); ECONFLICT
	// if it is not open.
	MarkConcernReviewed(ctx context.Context, id, by, note string, at time.Time) error
	// OpenConcernLevels returns the level of every open concern (Concern.LevelOf).
	OpenConcernLevels(ctx context.Context) ([]string, error)
	// Queued returns which of the submission ids are in the queue, open or reviewed.
	Queued(ctx context.Context, submissionIDs []string) (map[string]bool, error)
	// QueuedAll returns the submission id of every queued response.
	QueuedAll(ctx context.Context) (map[string]bool, error)
	// EachRiskyResponse streams the stored responses marked risky.
	EachRiskyResponse(ctx context.Context, fn func(*Response) error) error
}
