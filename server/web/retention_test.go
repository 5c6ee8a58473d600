package web

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestRetentionShown: children read how long their answers are kept in words made
// from the survey's retention_days (English and Welsh, once), and facilitators see
// the same period on the dashboard with the next deletion date the job worked out.
func TestRetentionShown(t *testing.T) {
	ctx := context.Background()
	f := newReportFixture(t)
	r := f.gen.Response("retention-000001")
	r.Day = "2026-10-05"
	if err := f.Responses.InsertResponse(ctx, r); err != nil {
		t.Fatal(err)
	}
	ret := *f.Svc.Retainer // the job as the server has it, on the test's clock
	ret.Now = func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }
	f.svc.Retention = &ret
	if _, err := ret.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}

	for lang, want := range map[string]string{"en": "We keep the answers for two years, then delete them.",
		"cy": "Rydyn ni'n cadw'r atebion am ddwy flynedd, ac wedyn yn eu dileu."} {
		doc, _ := f.get("", "/s/"+ylyv+"?lang="+lang, 200)
		if n := strings.Count(doc.Find("main").Text(), want); n != 1 {
			t.Errorf("start page (%s) tells the child %q %d times, want once", lang, want, n)
		}
	}
	doc, _ := f.get("facilitator", "/dashboard/"+ylyv, 200)
	line := doc.Find("#retention").Text()
	for _, want := range []string{"two years", "730 days", "Next deletion: 5 October 2028", "answers from 5 October 2026", "checked 1 December 2026"} {
		if !strings.Contains(line, want) {
			t.Errorf("dashboard retention line %q lacks %q", line, want)
		}
	}
	if doc, _ := f.get("admin", "/dashboard/"+ylyv, 200); doc.Find("#retention").Text() != line {
		t.Error("admins do not see the retention line")
	}
}
