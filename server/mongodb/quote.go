package mongodb

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

func init() {
	registerIndexes("quotes",
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}}, Options: options.Index().SetName("survey")})
}

// quoteDoc is an approved quote, kept after it is withdrawn.
type quoteDoc struct {
	ID           bson.ObjectID `bson:"_id"`
	Survey       string        `bson:"survey"`
	Theme        string        `bson:"theme"`
	Question     string        `bson:"question"`
	SubmissionID string        `bson:"submission_id"`
	Text         string        `bson:"text"`
	ApprovedBy   string        `bson:"approved_by"`
	ApprovedAt   time.Time     `bson:"approved_at"`
	Withdrawn    bool          `bson:"withdrawn"`
	WithdrawnBy  string        `bson:"withdrawn_by,omitempty"`
	WithdrawnAt  time.Time     `bson:"withdrawn_at,omitempty"`
}

func (s *Quotes) domain(d *quoteDoc) *chorus.Quote {
	q := &chorus.Quote{ID: d.ID.Hex(), Survey: d.Survey, Theme: d.Theme, Question: d.Question, ResponseID: s.reviews.token(d.SubmissionID),
		Text: d.Text, ApprovedBy: d.ApprovedBy, ApprovedAt: d.ApprovedAt}
	if d.Withdrawn {
		q.WithdrawnBy, q.WithdrawnAt = d.WithdrawnBy, d.WithdrawnAt
		if q.WithdrawnAt.IsZero() {
			q.WithdrawnAt = time.Unix(1, 0)
		}
	}
	return q
}

// Quotes implements chorus.QuoteService. Approval checks the words against the stored
// answer and the safeguarding queue; listing checks the queue again, so that a quote
// never leaves the platform from an answer that is (or comes to be) in the queue.
type Quotes struct {
	coll         *mongo.Collection
	reviews      *Reviews
	safeguarding *Safeguarding

	Codebooks chorus.CodebookService
	// Redact, if set, must leave the quoted words unchanged: words that it would still
	// redact (rules improve) are refused, and left out of listings.
	Redact func(string) string
}

// NewQuotes returns the quote service on db: answers are read through reviews and
// checked against the safeguarding queue.
func (d *DB) NewQuotes(reviews *Reviews, sg *Safeguarding, codebooks chorus.CodebookService) *Quotes {
	return &Quotes{coll: d.db.Collection("quotes"), reviews: reviews, safeguarding: sg, Codebooks: codebooks}
}

var _ chorus.QuoteService = (*Quotes)(nil)

// ApproveQuote implements chorus.QuoteService.
func (s *Quotes) ApproveQuote(ctx context.Context, q *chorus.Quote) error {
	a, err := s.reviews.findStoredAnswer(ctx, q.Survey, q.ResponseID, q.Question)
	if err != nil {
		return err
	}
	flagged := chorus.Errorf(chorus.EINVALID, "This answer is in the safeguarding queue, so it can never be quoted.")
	if a.doc.Risky || a.flagged() {
		return flagged
	}
	inQueue, err := s.safeguarding.queued(ctx, []string{a.doc.SubmissionID})
	if err != nil {
		return err
	}
	if inQueue[a.doc.SubmissionID] {
		return flagged
	}
	cb, err := s.Codebooks.FindCodebook(ctx, a.doc.Survey)
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
	existing, err := s.find(ctx, a.doc.Survey)
	if err != nil {
		return err
	}
	for _, d := range existing {
		if !d.Withdrawn && d.SubmissionID == a.doc.SubmissionID && d.Question == q.Question && d.Theme == q.Theme && d.Text == text {
			return chorus.Errorf(chorus.ECONFLICT, "These words are already approved as a quote for this theme.")
		}
	}
	d := &quoteDoc{ID: dayID(time.Now()), Survey: a.doc.Survey, Theme: q.Theme, Question: q.Question, SubmissionID: a.doc.SubmissionID, Text: text, ApprovedBy: q.ApprovedBy, ApprovedAt: day(time.Now())}
	if _, err := s.coll.InsertOne(ctx, d); err != nil {
		return translate("insert quote", err)
	}
	*q = *s.domain(d)
	return nil
}

// WithdrawQuote implements chorus.QuoteService. A quote of another survey is not found.
func (s *Quotes) WithdrawQuote(ctx context.Context, survey, id, by string) (*chorus.Quote, error) {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "That quote does not exist.")
	}
	var d quoteDoc
	if err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: oid}, {Key: "survey", Value: survey}}).Decode(&d); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, chorus.Errorf(chorus.ENOTFOUND, "That quote does not exist in this survey.")
		}
		return nil, translate("find quote", err)
	}
	if d.Withdrawn {
		return s.domain(&d), nil
	}
	d.Withdrawn, d.WithdrawnBy, d.WithdrawnAt = true, by, day(time.Now())
	if _, err := s.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "withdrawn", Value: true}, {Key: "withdrawn_by", Value: by}, {Key: "withdrawn_at", Value: d.WithdrawnAt}}}}); err != nil {
		return nil, translate("withdraw quote", err)
	}
	return s.domain(&d), nil
}

func (s *Quotes) find(ctx context.Context, survey string) ([]*quoteDoc, error) {
	return findAll(ctx, s.coll, "quotes", bson.D{{Key: "survey", Value: survey}}, func(d *quoteDoc) *quoteDoc { return d })
}

// FindQuotes implements chorus.QuoteService.
func (s *Quotes) FindQuotes(ctx context.Context, survey string) ([]*chorus.Quote, error) {
	docs, err := s.find(ctx, survey)
	if err != nil {
		return nil, err
	}
	// Newest day first; within a day (all a quote keeps) by id, so the order is the same every time.
	sort.Slice(docs, func(i, j int) bool {
		if !docs[i].ApprovedAt.Equal(docs[j].ApprovedAt) {
			return docs[i].ApprovedAt.After(docs[j].ApprovedAt)
		}
		return docs[i].ID.Hex() < docs[j].ID.Hex()
	})
	out := make([]*chorus.Quote, len(docs))
	for i, d := range docs {
		out[i] = s.domain(d)
	}
	return out, nil
}

// ListApproved implements chorus.QuoteService.
func (s *Quotes) ListApproved(ctx context.Context, survey, theme string) ([]*chorus.Quote, error) {
	docs, err := s.find(ctx, survey)
	if err != nil {
		return nil, err
	}
	var subs []string
	for _, d := range docs {
		subs = append(subs, d.SubmissionID)
	}
	inQueue, err := s.safeguarding.queued(ctx, subs)
	if err != nil {
		return nil, err
	}
	var out []*chorus.Quote
	for _, d := range docs {
		if d.Withdrawn || theme != "" && d.Theme != theme || inQueue[d.SubmissionID] || s.Redact != nil && s.Redact(d.Text) != d.Text {
			continue
		}
		out = append(out, s.domain(d))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].ApprovedAt.Equal(out[j].ApprovedAt) {
			return out[i].ApprovedAt.Before(out[j].ApprovedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
