package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/chorus-voice/chorus/server/chorus"
)

// TestNothingStoredFinerThanADay submits answers through HTTP (an ordinary one, one
// with a group code, one whose words are flagged for safeguarding), has a facilitator
// review the flagged one, folds the counts into a snapshot, and then reads every
// document of every collection. Anything that holds or points to a response (found by
// its submission id, or by the id of something that does; aggregates hold answers)
// must carry no time finer than the day: no ObjectID with a time of day in it, no date
// with a time of day, no number that looks like a moment.
func TestNothingStoredFinerThanADay(t *testing.T) {
	ctx := context.Background()
	f := newCodeFixture(t)
	sg := f.Svc.Concerns // fed by the response writer, as app.Build wires it
	token := f.grant(groupVoice, f.makeCode(groupVoice, "Oakfield CiCC").Code)
	subs := map[string]responseRequest{
		"privacy-open-0001":    {Survey: "group-open", Version: "all", Answers: chorus.Answers{"feel": "good"}},
		"privacy-group-0002":   {Survey: groupVoice, Version: "all", Token: token, Answers: chorus.Answers{"feel": "good", "better": "More trips out"}},
		"privacy-flagged-0003": {Survey: groupVoice, Version: "all", Token: token, Answers: chorus.Answers{"feel": "not_good", "better": "I want to kill myself"}},
	}
	for id, r := range subs {
		r.SubmissionID = id
		body, _ := json.Marshal(r)
		if status, reply := f.api("", "POST", "/api/v1/responses", string(body)); status != http.StatusCreated {
			t.Fatalf("submit %s: %d %s", id, status, reply)
		}
	}
	cases, _, err := sg.FindConcerns(ctx, chorus.ConcernFilter{})
	if err != nil || len(cases) != 1 {
		t.Fatalf("safeguarding cases: %d, %v; want the flagged response", len(cases), err)
	}
	if resp, _ := f.staff("facilitator", "POST", "/safeguarding/"+cases[0].ID+"/review", url.Values{"note": {"Told the home's manager."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("review the case: %d", resp.StatusCode)
	}
	checkStoredFinerThanADay(t, f, subs, "responses", "safeguarding", "aggregate_deltas", "audit")
	// Compaction folds the deltas into a snapshot: look again.
	if err := f.Svc.Counts.Compact(ctx, ""); err != nil {
		t.Fatal(err)
	}
	checkStoredFinerThanADay(t, f, subs, "responses", "safeguarding", "aggregate_snapshots", "audit")
}

// checkStoredFinerThanADay reads every collection and fails for any time finer than
// the day in a document linked to one of subs; want lists collections that must
// hold some linked document.
func checkStoredFinerThanADay(t *testing.T, f *codeFixture, subs map[string]responseRequest, want ...string) {
	t.Helper()
	ctx := context.Background()
	names, err := f.DB.Collection("responses").Database().ListCollectionNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	type stored struct {
		coll string
		doc  bson.D
		text string
	}
	var all []stored
	for _, name := range names {
		cur, err := f.DB.Collection(name).Find(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.D
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			js, _ := bson.MarshalExtJSON(d, false, false)
			all = append(all, stored{name, d, string(js)})
		}
	}
	// Linked: mentions a submission id, or the id of a linked document (a case, a
	// quote, a review), or holds answers (the aggregates). Repeat until nothing new.
	keys := map[string]bool{}
	for id := range subs {
		keys[id] = true
	}
	linked := map[int]bool{}
	for grew := true; grew; {
		grew = false
		for i, s := range all {
			if linked[i] {
				continue
			}
			hit := strings.HasPrefix(s.coll, "aggregate_") && s.coll != "aggregate_locks"
			for k := range keys {
				hit = hit || strings.Contains(s.text, k)
			}
			if hit {
				linked[i], grew = true, true
				for _, e := range s.doc {
					if id, ok := e.Value.(bson.ObjectID); ok && e.Key == "_id" {
						keys[id.Hex()] = true
					}
				}
			}
		}
	}
	seen := map[string]int{}
	for i, s := range all {
		if !linked[i] {
			continue
		}
		seen[s.coll]++
		for _, p := range finerThanDay("", s.doc) {
			t.Errorf("%s: %s carries a time finer than the day: %s", s.coll, s.text, p)
		}
	}
	for _, c := range want {
		if seen[c] == 0 {
			t.Errorf("found nothing linked to the responses in %s (linked: %v); the test looked in the wrong place", c, seen)
		}
	}
	t.Logf("documents linked to a response, by collection: %v", seen)
}

var timeOfDayText = regexp.MustCompile(`\d{4}-\d\d-\d\d[T ](\d\d):(\d\d)(:(\d\d))?`)

// finerThanDay lists the values in v that carry a time finer than the day.
func finerThanDay(path string, v any) []string {
	var out []string
	isMidnight := func(t time.Time) bool { return t.Equal(t.UTC().Truncate(24 * time.Hour)) }
	epoch := func(x float64) bool {
		const day = 86400
		switch {
		case x >= 1e9 && x < 1e10: // seconds since 1970, 2001 to 2286
			return math.Mod(x, day) != 0
		case x >= 1e12 && x < 1e13: // milliseconds
			return math.Mod(x, day*1000) != 0
		}
		return false
	}
	switch v := v.(type) {
	case bson.D:
		for _, e := range v {
			out = append(out, finerThanDay(path+"."+e.Key, e.Value)...)
		}
	case bson.A:
		for i, e := range v {
			out = append(out, finerThanDay(fmt.Sprintf("%s[%d]", path, i), e)...)
		}
	case bson.ObjectID:
		if !isMidnight(v.Timestamp()) {
			out = append(out, fmt.Sprintf("%s: ObjectID made at %s", path, v.Timestamp().UTC().Format(time.TimeOnly)))
		}
	case bson.DateTime:
		if tm := v.Time(); !isMidnight(tm) {
			out = append(out, fmt.Sprintf("%s: date with a time of day %s", path, tm.UTC().Format(time.TimeOnly)))
		}
	case bson.Timestamp:
		out = append(out, fmt.Sprintf("%s: a BSON timestamp", path))
	case string:
		if m := timeOfDayText.FindStringSubmatch(v); m != nil && (m[1] != "00" || m[2] != "00" || m[4] != "" && m[4] != "00") {
			out = append(out, fmt.Sprintf("%s: text with a time of day %q", path, m[0]))
		}
	case int32:
		if epoch(float64(v)) {
			out = append(out, fmt.Sprintf("%s: number like a moment %d", path, v))
		}
	case int64:
		if epoch(float64(v)) {
			out = append(out, fmt.Sprintf("%s: number like a moment %d", path, v))
		}
	case float64:
		if epoch(v) {
			out = append(out, fmt.Sprintf("%s: number like a moment %v", path, v))
		}
	}
	return out
}

// TestQuestionnaireNotKept: on a shared phone, Back after sending must not show the
// filled form, so the start page, the questionnaire (also on reload, when the browser
// asks with Cache-Control: max-age=0), the page after sending and an error page with
// the answers in it all say no-store.
func TestQuestionnaireNotKept(t *testing.T) {
	ts := newTestServer(t)
	path := exampleSurvey + "/8-12"
	for _, reqCC := range []string{"", "max-age=0", "no-cache"} {
		for _, target := range []string{exampleSurvey, path} {
			req := httptest.NewRequest("GET", target, nil)
			if reqCC != "" {
				req.Header.Set("Cache-Control", reqCC)
			}
			resp, _ := ts.do(t, req)
			if got := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || got != "no-store" {
				t.Errorf("GET %s (request Cache-Control %q): %d, Cache-Control %q; want no-store", target, reqCC, resp.StatusCode, got)
			}
		}
	}
	f := ts.freshForm(t, "8-12")
	f.Set("q.better", "More days out")
	thanks, _ := ts.postForm(t, path, f) // the thank-you page is the post's answer
	if thanks.StatusCode == http.StatusSeeOther {
		thanks, _ = ts.do(t, httptest.NewRequest("GET", thanks.Header.Get("Location"), nil))
	}
	if got := thanks.Header.Get("Cache-Control"); thanks.StatusCode != 200 || got != "no-store" {
		t.Errorf("the page after sending: %d, Cache-Control %q; want no-store", thanks.StatusCode, got)
	}
	f = ts.freshForm(t, "8-12")
	f["q.matters_most"] = []string{"family", "friends", "home", "trusted_adult", "listened_to", "health"}
	f.Set("q.better", "More days out")
	if resp, _ := ts.postForm(t, path, f); resp.StatusCode != 422 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("error page with the answers: %d, Cache-Control %q; want 422 and no-store", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

// TestFailedSignInKeepsNoEmail: a sign-in with an email no account has leaves nothing
// of what was typed in the store: not the address, not a hash of it.
func TestFailedSignInKeepsNoEmail(t *testing.T) {
	f := newAuthFixture(t, Config{})
	const typed = "somebody.else@example.net"
	if r := f.sendJSON("POST", "/api/v1/auth/login", loginBody(typed, "not the password at all")); r.StatusCode != 401 {
		t.Fatalf("status %d, want 401", r.StatusCode)
	}
	sum := sha256.Sum256([]byte(typed))
	needles := []string{typed, "somebody", hex.EncodeToString(sum[:4])}
	names, err := f.db.Collection("audit").Database().ListCollectionNames(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, name := range names {
		cur, err := f.db.Collection(name).Find(context.Background(), bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.D
		if err := cur.All(context.Background(), &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			js, _ := bson.MarshalExtJSON(d, false, false)
			if strings.Contains(string(js), chorus.ActionSignInFailed) {
				failed++
			}
			for _, n := range needles {
				if strings.Contains(strings.ToLower(string(js)), n) {
					t.Errorf("%s keeps %q of the typed email: %s", name, n, js)
				}
			}
		}
	}
	if failed != 1 {
		t.Errorf("%d failed sign-ins in the audit log, want 1", failed)
	}
}
