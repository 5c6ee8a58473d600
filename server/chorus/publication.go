package chorus

import (
	"context"
	"time"
)

// Publication says whether a survey's results page for young people ("what you told
// us", /s/{survey}/results) is public. A facilitator publishes it when the results are
// ready to share; until then the page does not exist for anyone.
type Publication struct {
	Survey    string
	Published bool
	UpdatedBy string // user id of whoever last changed it
	UpdatedAt time.Time
}

// PublicationService stores whether each survey's results page is published.
type PublicationService interface {
	// FindPublication returns the survey's publication; a survey that was never
	// published gets an unpublished Publication, not an error.
	FindPublication(ctx context.Context, survey string) (*Publication, error)
	// SetPublication stores p, setting UpdatedAt if it is zero.
	SetPublication(ctx context.Context, p *Publication) error
}
