package chorus

import (
	"context"
	"time"
)

// Briefing is a saved Day of Action briefing: one survey's results for one area, for an
// MP's office or a council to print. Its figures are frozen when it is made (Results,
// taken on CreatedAt), so the page, the PDF, the CSV and every share link show the same
// numbers; make a new briefing to bring them up to date. Results holds raw counts and is
// never shown as it is: every output passes it through disclosure control first.
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
	Councils []string
	Title    string
	// Shown is the code of the area whose results the briefing shows: Area itself, or a
	// wider area when too few young people answered in Area (see Reason). ShownLevel is
	// its level. Shown is empty when too few answered anywhere to show anything.
	Shown      string
	ShownLevel string
	// Reason says, in words for readers, which level is shown and why.
	Reason string
	// Results are the counts for Shown when the briefing was made.
	Results   *Results
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
	// FindBriefings returns the briefings matching f, newest first, without their
	// Results (FindBriefing returns those).
	FindBriefings(ctx context.Context, f BriefingFilter) ([]*Briefing, error)
}
