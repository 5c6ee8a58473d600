package chorus

import (
	"context"
	"time"
)

// Quote is a facilitator-approved piece of a child's free text, for one theme: the
// whole answer or an excerpt of it, always as stored (redacted). Only approved quotes
// of answers outside the safeguarding queue ever leave the platform.
type Quote struct {
	ID       string
	Survey   string
	Theme    string
	Question string
	// ResponseID names the stored response the words come from.
	ResponseID string
	// Text is the approved words: the stored answer or a part of it.
	Text       string
	ApprovedBy string
	ApprovedAt time.Time
	// WithdrawnBy and WithdrawnAt are set once the approval is withdrawn.
	WithdrawnBy string
	WithdrawnAt time.Time
}

// Approved reports whether the quote is approved and not withdrawn.
func (q *Quote) Approved() bool { return q.WithdrawnAt.IsZero() }

// QuoteService keeps approved quotes.
type QuoteService interface {
	// ApproveQuote stores q as approved, setting its ID and ApprovedAt. q.Text empty
	// means the whole answer. It returns ENOTFOUND for an unknown answer, and EINVALID
	// when the text is not part of the stored answer, the theme is not in the
	// survey's codebook, or the answer's response is in the safeguarding queue.
	ApproveQuote(ctx context.Context, q *Quote) error
	// WithdrawQuote withdraws an approval; ENOTFOUND for an unknown quote. Withdrawing
	// twice changes nothing.
	WithdrawQuote(ctx context.Context, survey, id, by string) (*Quote, error)
	// FindQuotes returns a survey's quotes, approved and withdrawn, newest first.
	FindQuotes(ctx context.Context, survey string) ([]*Quote, error)
	// ListApproved returns the approved quotes of a survey for a theme ("" for every
	// theme), oldest approval first: only redacted words of answers that are not in
	// the safeguarding queue.
	ListApproved(ctx context.Context, survey, theme string) ([]*Quote, error)
}

// QuoteRecord is a quote as stored: with the submission id of its response, which
// never leaves the platform (Quote.ResponseID is an opaque id made from it).
type QuoteRecord struct {
	Quote
	SubmissionID string
}

// QuoteStore keeps quotes. The mongodb package implements it; the review package's
// Quotes decides what may be approved and listed.
type QuoteStore interface {
	// InsertQuote stores r, setting its ID; ApprovedAt is kept to the day.
	InsertQuote(ctx context.Context, r *QuoteRecord) error
	// FindQuoteRecords returns a survey's quotes, approved and withdrawn, in no order.
	FindQuoteRecords(ctx context.Context, survey string) ([]*QuoteRecord, error)
	// FindQuoteRecord returns a quote of the survey, or ENOTFOUND (also for a quote of
	// another survey).
	FindQuoteRecord(ctx context.Context, survey, id string) (*QuoteRecord, error)
	// WithdrawQuoteRecord marks a quote withdrawn by by at at (kept to the day).
	WithdrawQuoteRecord(ctx context.Context, id, by string, at time.Time) error
}
