package review_test

import (
	"context"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/concerns"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/redact"
	"github.com/chorus-voice/chorus/server/review"
)

func TestQuotes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	sg := &concerns.Queue{Store: mongodb.NewConcernStore(f.DB), Surveys: f.Catalog}
	f.Store.OnBatch = sg.OnBatch
	good := f.Response("I want to see my sister more often at weekends", "")
	flagged := f.Response("my sister hits me", "")
	flagged.Flags, flagged.Risky = map[string][]string{"better": {"abuse"}}, true
	// Stored before the redaction rules knew this name.
	unredacted := f.Response("my social worker Sarah never listens to me", "")
	closedRisk := f.Response("more time with my brother", "")
	closedRisk.Risky = true
	f.Insert(t, good, flagged, closedRisk, unredacted)
	rv := f.reviews(t)
	qs := &review.Quotes{Store: mongodb.NewQuoteStore(f.DB), Reviews: rv, Codebooks: f.Catalog, Queued: sg.Queued, Redact: redact.Redact}

	var goodID, riskID, nameID string
	for _, a := range find(t, rv, "").Answers {
		switch a.Text {
		case good.Answers["better"]:
			goodID = a.ResponseID
		case unredacted.Answers["better"]:
			nameID = a.ResponseID
		case closedRisk.Answers["better"]:
			riskID = a.ResponseID
			if !a.Risky {
				t.Error("an answer of a response in the queue is not marked Risky")
			}
		}
	}
	if goodID == "" || riskID == "" {
		t.Fatal("answers not listed")
	}

	whole := &chorus.Quote{Survey: ylyv, ResponseID: goodID, Question: "better", Theme: "family_contact", ApprovedBy: "u1"}
	if err := qs.ApproveQuote(ctx, whole); err != nil {
		t.Fatal(err)
	}
	if whole.ID == "" || whole.Text != good.Answers["better"] || !whole.Approved() || whole.ResponseID != goodID {
		t.Fatalf("approved %+v", whole)
	}
	excerpt := &chorus.Quote{Survey: ylyv, ResponseID: goodID, Question: "better", Theme: "family_contact", Text: " see my sister more often ", ApprovedBy: "u1"}
	if err := qs.ApproveQuote(ctx, excerpt); err != nil {
		t.Fatal(err)
	}
	if excerpt.Text != "see my sister more often" {
		t.Errorf("excerpt text %q", excerpt.Text)
	}

	for name, tt := range map[string]struct {
		q    chorus.Quote
		code string
	}{
		"ErrNotAnExcerpt":  {chorus.Quote{Survey: ylyv, ResponseID: goodID, Question: "better", Theme: "family_contact", Text: "see my dog"}, chorus.EINVALID},
		"ErrUnknownTheme":  {chorus.Quote{Survey: ylyv, ResponseID: goodID, Question: "better", Theme: "nope"}, chorus.EINVALID},
		"ErrClosedRisk":    {chorus.Quote{Survey: ylyv, ResponseID: riskID, Question: "better", Theme: "family_contact"}, chorus.EINVALID},
		"ErrUnknownAnswer": {chorus.Quote{Survey: ylyv, ResponseID: "nope", Question: "better", Theme: "family_contact"}, chorus.ENOTFOUND},
		"ErrAlreadyQuoted": {chorus.Quote{Survey: ylyv, ResponseID: goodID, Question: "better", Theme: "family_contact"}, chorus.ECONFLICT},
		"ErrOtherQuestion": {chorus.Quote{Survey: ylyv, ResponseID: goodID, Question: "anything_else", Theme: "family_contact"}, chorus.ENOTFOUND},
	} {
		t.Run(name, func(t *testing.T) {
			q := tt.q
			err := qs.ApproveQuote(ctx, &q)
			if chorus.ErrorCode(err) != tt.code {
				t.Errorf("err = %v, want %s", err, tt.code)
			}
		})
	}
	t.Run("ErrPersonalDetail", func(t *testing.T) {
		q := &chorus.Quote{Survey: ylyv, ResponseID: nameID, Question: "better", Theme: "social_workers", Text: "social worker Sarah never listens"}
		if err := qs.ApproveQuote(ctx, q); chorus.ErrorCode(err) != chorus.EINVALID {
			t.Errorf("err = %v, want EINVALID", err)
		}
		q = &chorus.Quote{Survey: ylyv, ResponseID: nameID, Question: "better", Theme: "social_workers", Text: "never listens to me"}
		if err := qs.ApproveQuote(ctx, q); err != nil {
			t.Errorf("an excerpt without the name: %v", err)
		}
		if _, err := qs.WithdrawQuote(ctx, ylyv, q.ID, "u1"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrFlagged", func(t *testing.T) {
		// Flagged answers are not even listed; their id cannot be guessed, but a quote
		// for the response is refused whatever way it is named.
		ix, _ := rv.FindAnswers(ctx, chorus.AnswerFilter{Survey: ylyv})
		for _, a := range ix.Answers {
			if a.Text == flagged.Answers["better"] {
				t.Fatal("flagged answer listed")
			}
		}
	})

	list, err := qs.ListApproved(ctx, ylyv, "family_contact")
	// A quote keeps only the day it was approved: those of one day come in id order.
	if err != nil || len(list) != 2 || list[0].ID != whole.ID && list[1].ID != whole.ID || list[0].ID > list[1].ID {
		t.Fatalf("ListApproved = %v, %v; want the two quotes, oldest day first, then by id", list, err)
	}
	if other, _ := qs.ListApproved(ctx, ylyv, "money"); len(other) != 0 {
		t.Errorf("quotes for another theme: %v", other)
	}
	// Under another survey's path the quote is not found and stays approved.
	if _, err := qs.WithdrawQuote(ctx, "another-survey", whole.ID, "u9"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
		t.Errorf("withdrawn under another survey: err = %v, want not found", err)
	}
	if still, _ := qs.ListApproved(ctx, ylyv, "family_contact"); len(still) != 2 {
		t.Errorf("after a withdrawal under another survey, approved quotes = %d, want 2", len(still))
	}
	w, err := qs.WithdrawQuote(ctx, ylyv, whole.ID, "u2")
	if err != nil || w.Approved() || w.WithdrawnBy != "u2" {
		t.Fatalf("WithdrawQuote = %+v, %v", w, err)
	}
	if again, err := qs.WithdrawQuote(ctx, ylyv, whole.ID, "u3"); err != nil || again.WithdrawnBy != "u2" {
		t.Errorf("withdrawing twice = %+v, %v", again, err)
	}
	if _, err := qs.WithdrawQuote(ctx, ylyv, "65f000000000000000000000", "u2"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
		t.Errorf("unknown quote: err = %v", err)
	}
	list, _ = qs.ListApproved(ctx, ylyv, "")
	if len(list) != 1 || list[0].ID != excerpt.ID {
		t.Errorf("after withdrawal ListApproved = %v, want the excerpt only", list)
	}
	all, err := qs.FindQuotes(ctx, ylyv)
	if err != nil || len(all) != 3 {
		t.Errorf("FindQuotes = %v, %v; want all three, withdrawn included", all, err)
	}
}
