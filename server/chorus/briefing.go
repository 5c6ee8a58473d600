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

// Batch states.
const (
	BatchRunning = "running"
	BatchDone    = "done"
	BatchFailed  = "failed"
)

// BriefingBatch is a background job that makes a briefing for every area of a level
// (every Westminster constituency) from one release of a survey's results, as PDFs
// gathered into one ZIP.
type BriefingBatch struct {
	ID, Survey, Level string
	Lang              string
	State             string // BatchRunning, BatchDone or BatchFailed
	// Release identifies the counts every briefing in the batch uses; ReleaseAt is the
	// day they were read ("figures as at"). Empty until the job starts.
	Release   string
	ReleaseAt time.Time
	Done      int
	Total     int
	Error     string
	CreatedBy string
	CreatedAt time.Time
	// FinishedAt is when the job finished (done or failed).
	FinishedAt time.Time
}

// BriefingFile is one PDF of a batch, with the row of index.csv that describes it.
type BriefingFile struct {
	Batch string
	// Name is the file's name in the ZIP.
	Name     string
	Code     string // the area's code
	AreaName string
	Councils string // the councils whose figures it shows, "; " between them
	Release  string
	PDF      []byte
}

// BriefingBatchService stores batches, their files and the lease that says which
// instance is running a batch.
type BriefingBatchService interface {
	// CreateBatch stores b (running, with no owner) and sets its ID.
	CreateBatch(ctx context.Context, b *BriefingBatch) error
	// FindBatch returns ENOTFOUND if no batch has that id.
	FindBatch(ctx context.Context, id string) (*BriefingBatch, error)
	// ClaimBatch takes the lease of a running batch that no instance holds (or whose
	// lease ran out) for owner until lease from now, and returns it; nil if none.
	ClaimBatch(ctx context.Context, owner string, lease time.Duration) (*BriefingBatch, error)
	// UpdateBatch saves b's release, progress, state and error and renews the lease, if
	// owner still holds it; ECONFLICT if it does not.
	UpdateBatch(ctx context.Context, b *BriefingBatch, owner string, lease time.Duration) error
	// AddBatchFiles stores files of a batch (a file already stored is kept).
	AddBatchFiles(ctx context.Context, files []*BriefingFile) error
	// BatchFileNames lists the names of a batch's stored files.
	BatchFileNames(ctx context.Context, batch string) ([]string, error)
	// DeleteBatchFiles removes every file of a batch (a restart from the beginning).
	DeleteBatchFiles(ctx context.Context, batch string) error
	// EachBatchFile calls fn with each of a batch's files, in name order.
	EachBatchFile(ctx context.Context, batch string, fn func(*BriefingFile) error) error
}
