package review

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Quotes implements chorus.QuoteService. Approval checks the words against the stored
// answer and the safeguarding queue; listing checks the queue again, so that a quote
// never leaves the platform from an answer that is (or comes to be) in the queue.
type Quotes struct {
	Store chorus.QuoteStore
	// Reviews finds the answers quoted and makes their opaque response ids.
	Reviews   *Service
	Codebooks chorus.CodebookService
	// Queued returns which of the submission ids are in the safeguarding queue.
	Queued func(ctx context.Context, submissionIDs []string) (map[string]bool, error)
	// Redact, if set, must leave the quoted words unchanged: words that it would still
	// redact (rules improve) are refused, and left out of listings.
	Redact func(string) string
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

var _ chorus.QuoteService = (*Quotes)(nil)

func (s *Quotes) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Quotes) quote(r *chorus.QuoteRecord) *chorus.Quote {
	q := r.Quote
	q.ResponseID = s.Reviews.ResponseID(r.SubmissionID)
	return &q
}

// ApproveQuote implements chorus.QuoteService.
func (s *Quotes) ApproveQuote(ctx context.Context, q *chorus.Quote) error {
	a, err := s.Reviews.findStoredAnswer(ctx, q.Survey, q.ResponseID, q.Question)
	if err != nil {
		return err
	}
	sub := a.r.SubmissionID
	flagged := chorus.Errorf(chorus.EINVALID, "This answer is in the safeguarding queue, so it can never be quoted.")
	if a.r.Risky || a.flagged() {
		return flagged
	}
	inQueue, err := s.Queued(ctx, []string{sub})
	if err != nil {
		return err
	}
	if inQueue[sub] {
		return flagged
	}
	cb, err := s.Codebooks.FindCodebook(ctx, a.r.Survey)
	if err != nil {
		return err
	}
	if _, ok := cb.Theme(q.Theme); !ok {
		return chorus.Invalid("Choose the theme the quote is for.", map[string]string{"theme": "Choose a theme from the codebook."})
	}
	text := strings.TrimSpace(q.Text)
	if text == "" {
		text = a.text
	} else if !strings.Contains(a.text, text) {
		return chorus.Invalid("The excerpt must be copied exactly from the answer.",
			map[string]string{"excerpt": "Copy the words exactly as they are in the answer, or leave this empty to quote all of it."})
	}
	if s.Redact != nil && s.Redact(text) != text {
		return chorus.Invalid("These words may still hold personal details, so they can't be quoted.",
			map[string]string{"excerpt": "Choose words without names, places or other personal details."})
	}
	existing, err := s.Store.FindQuoteRecords(ctx, a.r.Survey)
	if err != nil {
		return err
	}
	for _, r := range existing {
		if r.Approved() && r.SubmissionID == sub && r.Question == q.Question && r.Theme == q.Theme && r.Text == text {
			return chorus.Errorf(chorus.ECONFLICT, "These words are already approved as a quote for this theme.")
		}
	}
	r := &chorus.QuoteRecord{SubmissionID: sub, Quote: chorus.Quote{Survey: a.r.Survey, Theme: q.Theme, Question: q.Question,
		Text: text, ApprovedBy: q.ApprovedBy, ApprovedAt: s.now()}}
	if err := s.Store.InsertQuote(ctx, r); err != nil {
		return err
	}
	*q = *s.quote(r)
	return nil
}

// WithdrawQuote implements chorus.QuoteService. A quote of another survey is not found.
func (s *Quotes) WithdrawQuote(ctx context.Context, survey, id, by string) (*chorus.Quote, error) {
	r, err := s.Store.FindQuoteRecord(ctx, survey, id)
	if err != nil {
		return nil, err
	}
	if !r.Approved() {
		return s.quote(r), nil
	}
	if err := s.Store.WithdrawQuoteRecord(ctx, r.ID, by, s.now()); err != nil {
		return nil, err
	}
	if r, err = s.Store.FindQuoteRecord(ctx, survey, id); err != nil {
		return nil, err
	}
	return s.quote(r), nil
}

// FindQuotes implements chorus.QuoteService.
func (s *Quotes) FindQuotes(ctx context.Context, survey string) ([]*chorus.Quote, error) {
	records, err := s.Store.FindQuoteRecords(ctx, survey)
	if err != nil {
		return nil, err
	}
	out := make([]*chorus.Quote, len(records))
	for i, r := range records {
		out[i] = s.quote(r)
	}
	// Newest day first; within a day (all a quote keeps) by id, so the order is the same every time.
	sort.Slice(out, func(i, j int) bool {
		if !out[i].ApprovedAt.Equal(out[j].ApprovedAt) {
			return out[i].ApprovedAt.After(out[j].ApprovedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// ListApproved implements chorus.QuoteService.
func (s *Quotes) ListApproved(ctx context.Context, survey, theme string) ([]*chorus.Quote, error) {
	records, err := s.Store.FindQuoteRecords(ctx, survey)
	if err != nil {
		return nil, err
	}
	subs := make([]string, len(records))
	for i, r := range records {
		subs[i] = r.SubmissionID
	}
	inQueue, err := s.Queued(ctx, subs)
	if err != nil {
		return nil, err
	}
	var out []*chorus.Quote
	for _, r := range records {
		if !r.Approved() || theme != "" && r.Theme != theme || inQueue[r.SubmissionID] || s.Redact != nil && s.Redact(r.Text) != r.Text {
			continue
		}
		out = append(out, s.quote(r))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].ApprovedAt.Equal(out[j].ApprovedAt) {
			return out[i].ApprovedAt.Before(out[j].ApprovedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
