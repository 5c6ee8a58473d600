package mongodb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/mongodb/mongodbtest"
)

// TestAuditPagingSameTime: entries that name a child's answer keep only their day, so
// many share one time; paging back through them shows each once.
func TestAuditPagingSameTime(t *testing.T) {
	ctx := context.Background()
	audit := mongodb.NewAuditService(mongodbtest.Open(t))
	midnight := time.Date(2027, 3, 4, 0, 0, 0, 0, time.UTC)
	for i := range 7 {
		e := &chorus.AuditEntry{Via: "web", Action: chorus.ActionAnswerReview, Object: "survey:s", Detail: fmt.Sprint(i), Time: midnight}
		if i == 0 {
			e.Time = midnight.Add(-time.Hour) // one from the day before
		}
		if err := audit.RecordAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	f := chorus.AuditFilter{Limit: 3}
	for page := 0; page < 5; page++ {
		entries, err := audit.FindAudit(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if seen[e.Detail] {
				t.Errorf("page %d shows entry %s again", page, e.Detail)
			}
			seen[e.Detail] = true
		}
		if len(entries) < f.Limit {
			break
		}
		f = f.Next(entries)
	}
	if len(seen) != 7 {
		t.Errorf("paging showed %d of 7 entries: %v", len(seen), seen)
	}
}
