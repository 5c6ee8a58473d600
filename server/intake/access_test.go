package intake_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

// TestSubmitGroupSession checks that a survey that needs a code stores nothing without
// a token its GroupSession check accepts, and stores the group session with answers.
func TestSubmitGroupSession(t *testing.T) {
	ctx := context.Background()
	store := mongodbtest.Open(t).NewResponseStore(0, 0)
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	catalog := intake.NewCatalog("../web/testdata/surveys", nil, slog.New(slog.DiscardHandler))
	svc := &intake.Service{Surveys: catalog, Store: store, Now: func() time.Time { return time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC) }}
	submit := func(survey, id, token string) error {
		_, err := svc.Submit(ctx, &chorus.Submission{Survey: survey, Version: "all", SubmissionID: id,
			Answers: chorus.Answers{"feel": "good"}, Token: token})
		return err
	}

	if err := submit("group-voice", "no-check-0001", "anything"); chorus.ErrorFields(err)["token"] != chorus.MsgTokenMissing {
		t.Errorf("without a token check: err = %v, want the survey refused on token", err)
	}
	svc.GroupSession = func(_ context.Context, survey, token string) (string, error) {
		if survey == "group-voice" && token == "good" {
			return "session-1", nil
		}
		return "", chorus.Invalid(chorus.MsgTokenStopped, map[string]string{"token": chorus.MsgTokenStopped})
	}
	if err := submit("group-voice", "bad-token-0001", "bad"); chorus.ErrorFields(err)["token"] == "" {
		t.Errorf("bad token: err = %v, want EINVALID on token", err)
	}
	if err := submit("group-voice", "good-token-001", "good"); err != nil {
		t.Fatal(err)
	}
	if err := submit("group-open", "open-survey-01", "bad"); err != nil {
		t.Errorf("open survey with a token it ignores: %v", err)
	}
	got := map[string]string{}
	for _, s := range []string{"group-voice", "group-open"} {
		_ = store.EachResponse(ctx, s, func(r *chorus.Response) error { got[r.SubmissionID] = r.GroupSession; return nil })
	}
	if len(got) != 2 || got["good-token-001"] != "session-1" || got["open-survey-01"] != "" {
		t.Errorf("stored %v; want the good token's response with its session, and the open survey's without", got)
	}
}
