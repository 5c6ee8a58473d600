package mongodb_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
)

// The review and quote stores keep what they are given, one review per answer, and
// no time finer than the day.
func TestReviewStore(t *testing.T) {
	ctx := context.Background()
	f := newTextFixture(t)
	r := f.Response("see my sister", "")
	f.Insert(t, r)
	s := mongodb.NewReviewStore(f.DB)
	at := time.Date(2026, 11, 3, 15, 4, 5, 0, time.UTC)
	midnight := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)

	t.Run("OneReviewPerAnswer", func(t *testing.T) {
		for _, themes := range [][]string{{"family_contact"}, {"family_contact", "friends"}, nil} {
			if err := s.StoreReview(ctx, &chorus.Review{Survey: ylyv, SubmissionID: r.SubmissionID, Question: "better",
				Themes: themes, By: "u1", At: at}); err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.FindReviews(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || len(all[0].Themes) != 0 || all[0].SubmissionID != r.SubmissionID || !all[0].At.Equal(midnight) {
			t.Errorf("reviews %+v: want the last one only, themes removed, kept to the day", all)
		}
	})
	t.Run("FindResponse", func(t *testing.T) {
		got, err := s.FindResponse(ctx, r.SubmissionID)
		if err != nil || got.Answers["better"] != "see my sister" {
			t.Fatalf("FindResponse = %+v, %v", got, err)
		}
		if _, err := s.FindResponse(ctx, "no-such"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Errorf("unknown response: %v, want ENOTFOUND", err)
		}
		var n int
		if err := s.EachTextResponse(ctx, ylyv, func(x *chorus.Response) error { n++; return nil }); err != nil || n != 1 {
			t.Errorf("EachTextResponse saw %d responses (%v), want 1", n, err)
		}
	})
	t.Run("SecretIsStable", func(t *testing.T) {
		a, err := s.Secret(ctx, "test_secret")
		if err != nil {
			t.Fatal(err)
		}
		b, err := mongodb.NewReviewStore(f.DB).Secret(ctx, "test_secret")
		if err != nil || !bytes.Equal(a, b) || len(a) < 16 {
			t.Errorf("secret changed or too short: %x then %x (%v)", a, b, err)
		}
	})
	t.Run("Quotes", func(t *testing.T) {
		qs := mongodb.NewQuoteStore(f.DB)
		q := &chorus.QuoteRecord{SubmissionID: r.SubmissionID, Quote: chorus.Quote{Survey: ylyv, Theme: "family_contact",
			Question: "better", Text: "see my sister", ApprovedBy: "u1", ApprovedAt: at}}
		if err := qs.InsertQuote(ctx, q); err != nil {
			t.Fatal(err)
		}
		if q.ID == "" || !q.ApprovedAt.Equal(midnight) {
			t.Errorf("inserted quote %+v: want an id and the day", q)
		}
		if _, err := qs.FindQuoteRecord(ctx, "another-survey", q.ID); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Errorf("quote under another survey: %v, want ENOTFOUND", err)
		}
		if err := qs.WithdrawQuoteRecord(ctx, q.ID, "u2", at); err != nil {
			t.Fatal(err)
		}
		got, err := qs.FindQuoteRecord(ctx, ylyv, q.ID)
		if err != nil || got.Approved() || got.WithdrawnBy != "u2" || !got.WithdrawnAt.Equal(midnight) || got.SubmissionID != r.SubmissionID {
			t.Errorf("withdrawn quote %+v, %v", got, err)
		}
		all, err := qs.FindQuoteRecords(ctx, ylyv)
		if err != nil || !slices.ContainsFunc(all, func(x *chorus.QuoteRecord) bool { return x.ID == q.ID }) {
			t.Errorf("FindQuoteRecords = %v, %v", all, err)
		}
	})
}
