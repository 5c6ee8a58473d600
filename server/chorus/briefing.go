package chorus

import (
	"context"
	"time"
)

// Briefing is a saved Day of Action briefing: one survey's results for one area, for an
// MP's office or a council to print. It saves what to show, not figures: each time it
// is read, its figures are published afresh through disclosure control, so it always
// agrees with every other output and says the date its figures are from.
type Briefing struct {
	ID     string
	Survey string
	// Area is the code asked about: a council, a region, a Westminster constituency, or
	// England. Level is its level in the geography ("council", "region", "constituency",
	// "country").
	Area  string
	Level string
	// Councils are the councils the area covers (a constituency: the councils it
	// overlaps); empty for England. A viewer limited to some areas may read the briefing
	// only if it covers none but theirs.
	Councils  []string
	Title     string
	CreatedBy string // user id
	CreatedAt time.Time
}

// BriefingFilter selects saved briefings. Zero fields select everything.
type BriefingFilter struct {
	Survey string
	// Limit caps how many are returned; 0 means 200.
	Limit int
}

// BriefingService stores saved briefings.
type BriefingService interface {
	// CreateBriefing stores b and sets its ID and, if zero, its CreatedAt.
	CreateBriefing(ctx context.Context, b *Briefing) error
	// FindBriefing returns ENOTFOUND if no briefing has that id.
	FindBriefing(ctx context.Context, id string) (*Briefing, error)
	// FindBriefings returns the briefings matching f, newest first.
	FindBriefings(ctx context.Context, f BriefingFilter) ([]*Briefing, error)
}
