package intake_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
	"github.com/chorus-voice/chorus/server/redact"
)

func newService(t *testing.T, now time.Time) (*intake.Service, *intake.Catalog) {
	t.Helper()
	db := mongodbtest.Open(t)
	store := db.NewResponseStore(0, 0)
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	catalog := intake.NewCatalog("../../surveys", nil, slog.New(slog.DiscardHandler))
	return &intake.Service{
		Surveys: catalog, Store: store, Redact: redact.Redact,
		Detect: func(text string) ([]string, string) {
			switch {
			case strings.Contains(text, "used to hit me"):
				return []string{"abuse"}, chorus.LevelConcern
			case strings.Contains(text, "hits me"):
				return []string{"abuse"}, chorus.LevelUrgent
			}
			return nil, ""
		},
		Tag: func(_, text string) []string {
			if strings.Contains(text, "sister") {
				return []string{"family"}
			}
			return nil
		},
		Now: func() time.Time { return now },
	}, catalog
}

func catalogOf(svc *intake.Service) chorus.SurveyService { return svc.Surveys }

func sub(id string, answers chorus.Answers) *chorus.Submission {
	return &chorus.Submission{Survey: "your-life-your-voice", Version: "13-17", Lang: "cy", SubmissionID: id, Answers: answers}
}

func TestSubmit(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC))

	t.Run("OK", func(t *testing.T) {
		r, err := svc.Submit(ctx, sub("intake-ok-0001", chorus.Answers{"better": "see my sister more"}))
		if err != nil {
			t.Fatal(err)
		}
		if !r.Created || r.ShowHelp || len(r.Code) != 9 {
			t.Fatalf("receipt %+v: want created, no help, code XXXX-XXXX", r)
		}
		again, err := svc.Submit(ctx, sub("intake-ok-0001", chorus.Answers{"better": "see my sister more"}))
		if err != nil || again.Created || again.Code != r.Code {
			t.Fatalf("identical repeat: %+v, %v; want not created with the same code %s", again, err, r.Code)
		}
	})
	t.Run("ShowHelpForDisclosure", func(t *testing.T) {
		r, err := svc.Submit(ctx, sub("intake-help-0001", chorus.Answers{"anything_else": "my carer hits me"}))
		if err != nil || !r.ShowHelp || r.Level != chorus.LevelUrgent {
			t.Fatalf("receipt %+v, err %v: want show help, urgent", r, err)
		}
	})
	t.Run("LevelIsTheMostUrgent", func(t *testing.T) {
		r, err := svc.Submit(ctx, sub("intake-help-0002", chorus.Answers{"better": "he used to hit me", "anything_else": "more clubs"}))
		if err != nil || !r.ShowHelp || r.Level != chorus.LevelConcern {
			t.Fatalf("receipt %+v, err %v: want show help, concern", r, err)
		}
		r, err = svc.Submit(ctx, sub("intake-help-0003", chorus.Answers{"better": "he used to hit me", "anything_else": "she hits me"}))
		if err != nil || r.Level != chorus.LevelUrgent {
			t.Fatalf("receipt %+v, err %v: want urgent", r, err)
		}
	})
	t.Run("ClosedAnswersOnly", func(t *testing.T) {
		sv, err := catalogOf(svc).FindSurvey(ctx, "your-life-your-voice")
		if err != nil {
			t.Fatal(err)
		}
		q := sv.Question("life_happy")
		item := ""
		for _, it := range q.Items {
			if it.Risk || q.RiskLowest {
				item = it.ID
				break
			}
		}
		if item == "" {
			t.Skip("the example survey marks no life_happy item as a risk signal")
		}
		r, err := svc.Submit(ctx, sub("intake-help-0004", chorus.Answers{"life_happy": map[string]string{item: "1"}, "better": "more clubs"}))
		if err != nil || !r.ShowHelp || r.Level != chorus.LevelClosed {
			t.Fatalf("receipt %+v, err %v: want show help at the closed-answers level", r, err)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		_, err := svc.Submit(ctx, sub("intake-ok-0001", chorus.Answers{"better": "something else"}))
		if chorus.ErrorCode(err) != chorus.ECONFLICT {
			t.Fatalf("err %v, want ECONFLICT", err)
		}
	})
	t.Run("ErrBadSubmissionID", func(t *testing.T) {
		_, err := svc.Submit(ctx, sub("x", nil))
		if chorus.ErrorFields(err)["submission_id"] == "" {
			t.Fatalf("err %v, want a submission_id field error", err)
		}
	})
	t.Run("ErrUnknownVersion", func(t *testing.T) {
		s := sub("intake-ver-0001", nil)
		s.Version = "99-100"
		if _, err := svc.Submit(ctx, s); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Fatalf("err %v, want ENOTFOUND", err)
		}
	})
}

func TestSubmitClosedSurvey(t *testing.T) {
	svc, _ := newService(t, time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))
	_, err := svc.Submit(context.Background(), sub("intake-closed-01", nil))
	if chorus.ErrorCode(err) != chorus.EINVALID || !strings.Contains(chorus.ErrorMessage(err), "closed") {
		t.Fatalf("err %v, want EINVALID saying the survey is closed", err)
	}
}

func TestReceiptCodeIsStableAndUnlinked(t *testing.T) {
	a, b := intake.ReceiptCode("abcdefgh-1"), intake.ReceiptCode("abcdefgh-2")
	if a != intake.ReceiptCode("abcdefgh-1") || a == b {
		t.Fatalf("codes %s %s: want stable per id and different across ids", a, b)
	}
	if strings.Contains(a, "abcdefgh") {
		t.Fatalf("code %s shows the submission id", a)
	}
}

func TestCatalogReloadKeepsRunningSurveysOnError(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	example, err := os.ReadFile("../../surveys/your-life-your-voice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	catalog := intake.NewCatalog(dir, nil, slog.New(slog.DiscardHandler))
	if _, err := catalog.FindSurvey(ctx, "your-life-your-voice"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
		t.Fatalf("empty dir: err %v, want ENOTFOUND", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), example, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := catalog.Reload(ctx); err != nil {
		t.Fatalf("reload: %v", err)
	}
	if _, err := catalog.FindSurvey(ctx, "your-life-your-voice"); err != nil {
		t.Fatalf("after reload: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("id: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = catalog.Reload(ctx)
	if err == nil || !strings.Contains(err.Error(), "b.yaml:") {
		t.Fatalf("reload with a broken file: %v, want file:line errors", err)
	}
	if _, err := catalog.FindSurvey(ctx, "your-life-your-voice"); err != nil {
		t.Fatalf("running survey dropped after a failed reload: %v", err)
	}
}
