package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/results"
)

// releaseNow presses "release now" through the API and says whether a release was made.
func (f *reportFixture) releaseNow() releaseOutcomeJSON {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "/api/v1/surveys/"+ylyv+"/releases", nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens["facilitator"])
	resp, body := f.do(f.t, req)
	var out releaseOutcomeJSON
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &out) != nil {
		f.t.Fatalf("release now: %d %s", resp.StatusCode, body)
	}
	return out
}

// volatile matches what may differ between two identical pages: request ids.
var volatile = regexp.MustCompile(`(?i)(request[ _-]?id[^0-9a-f]{0,8})[0-9a-f-]{8,}`)

// TestReleasesFreezeEveryOutput submits one response, then more up to k−1, and finds
// every output — the results API (JSON and CSV, for a facilitator and a viewer), the
// dashboard and its CSV, a briefing as HTML, PDF and CSV, its share link and the young
// people's page — byte for byte the same; the k-th new response makes a new release.
func TestReleasesFreezeEveryOutput(t *testing.T) {
	f := newReportFixture(t)
	f.standardData()
	if out := f.releaseNow(); !out.Made {
		t.Fatalf("first release: %+v", out)
	}
	if resp, body := f.request("facilitator", http.MethodPost, "/dashboard/"+ylyv+"/publish", url.Values{"published": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d %.300s", resp.StatusCode, body)
	}
	id := f.makeBriefing(hartlepool)
	resp, body := f.request("facilitator", http.MethodPost, "/briefings/"+id+"/share", url.Values{"days": {"7"}})
	m := regexp.MustCompile(`value="https?://[^"]+(/briefings/` + id + `\?share=[^"]+)"`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("share: %d %.300s", resp.StatusCode, body)
	}
	shared := strings.ReplaceAll(m[1], "&amp;", "&")
	api := "/api/v1/surveys/" + ylyv + "/results"
	outputs := []struct{ who, target string }{
		{"facilitator", api}, {"facilitator", api + "?area=" + hartlepool}, {"facilitator", api + "?region=" + northEast},
		{"facilitator", api + "?version=13-17"}, {"facilitator", api + "?constituency=" + hartlepoolSeat},
		{"viewerAll", api}, {"viewer", api + "?area=" + hartlepool},
		{"facilitator", api + ".csv"}, {"facilitator", api + ".csv?area=" + hartlepool},
		{"facilitator", "/dashboard/" + ylyv}, {"facilitator", "/dashboard/" + ylyv + "?area=" + hartlepool},
		{"facilitator", "/dashboard/" + ylyv + ".csv"},
		{"facilitator", "/briefings/" + id}, {"facilitator", "/briefings/" + id + ".pdf"}, {"facilitator", "/briefings/" + id + ".csv"},
		{"", shared},
		{"", "/s/" + ylyv + "/results"},
	}
	snapshot := func() []string {
		var out []string
		for _, o := range outputs {
			resp, body := f.request(o.who, http.MethodGet, o.target, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s as %q: %d %.300s", o.target, o.who, resp.StatusCode, body)
			}
			out = append(out, volatile.ReplaceAllString(body, "$1…"))
		}
		return out
	}
	same := func(when string, a, b []string) {
		t.Helper()
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%s: GET %s as %q changed:\n%s", when, outputs[i].target, outputs[i].who, firstDiff(a[i], b[i]))
			}
		}
	}
	before := snapshot()
	k := 10
	f.add(1, hartlepool)
	if out := f.releaseNow(); out.Made || out.Reason != "step" {
		t.Fatalf("one new response: %+v", out)
	}
	same("after one new response", before, snapshot())
	f.add(k-3, middlesbrough)
	f.add(1, "")
	if out := f.releaseNow(); out.Made {
		t.Fatalf("%d new responses: %+v", k-1, out)
	}
	same(fmt.Sprintf("after %d new responses", k-1), before, snapshot())

	f.add(1, hartlepool)
	out := f.releaseNow()
	if !out.Made || out.Release == nil {
		t.Fatalf("%d new responses: %+v", k, out)
	}
	after := snapshot()
	var rep results.Report
	if err := json.Unmarshal([]byte(after[0]), &rep); err != nil || rep.Release == nil || rep.Release.ID != out.Release.ID {
		t.Fatalf("results after a new release: %v %+v", err, rep.Release)
	}
	if want := testNow().Truncate(time.Hour); !rep.Release.At.Equal(want) && !rep.Release.At.Equal(want.Add(-time.Hour)) {
		t.Errorf("release at %v, want %v (to the hour)", rep.Release.At, want)
	}
	if after[0] == before[0] {
		t.Error("the whole survey's results did not change with the new release")
	}

	// The releases page: the live count, the release shown, and release now (audited).
	f.add(1, middlesbrough)
	doc, body := f.get("facilitator", "/dashboard/"+ylyv+"/releases", http.StatusOK)
	if !strings.Contains(body, "Responses received so far") || doc.Find(`dd`).First().Text() != strconv.Itoa(f.n) {
		t.Errorf("releases page: received %q, want %d", doc.Find(`dd`).First().Text(), f.n)
	}
	if doc.Find(`form[action="/dashboard/`+ylyv+`/releases"] input[name=csrf]`).Length() != 1 {
		t.Error("releases page: no release-now form with a CSRF token")
	}
	resp, _ = f.request("facilitator", http.MethodPost, "/dashboard/"+ylyv+"/releases", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=step") {
		t.Errorf("release now from the page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := f.request("viewerAll", http.MethodGet, "/dashboard/"+ylyv+"/releases", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer opened the releases page: %d", resp.StatusCode)
	}
	entries, err := f.svc.Audit.FindAudit(t.Context(), chorus.AuditFilter{Action: chorus.ActionSurveyChange, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Detail, "release now") {
			n++
		}
	}
	if n < 5 {
		t.Errorf("%d releases-now audited, want every one (5)", n)
	}
}

// firstDiff shows where two texts first differ.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	cut := func(s string) string { return s[lo:min(len(s), i+80)] }
	if strings.HasPrefix(a, "%PDF") {
		h1, h2 := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
		return fmt.Sprintf("PDF at byte %d: %s vs %s (%q vs %q)", i, hex.EncodeToString(h1[:4]), hex.EncodeToString(h2[:4]), cut(a), cut(b))
	}
	return fmt.Sprintf("at byte %d:\n  %q\n  %q", i, cut(a), cut(b))
}

// TestReleasesFreezeCodeCounts: the responses per group code, on the codes page and in
// the API, change only with a release, and a code's count only by k or more.
func TestReleasesFreezeCodeCounts(t *testing.T) {
	f := newCodeFixture(t)
	a, b := f.makeCode(groupVoice, "A"), f.makeCode(groupVoice, "B")
	ta, tb := f.grant(groupVoice, a.Code), f.grant(groupVoice, b.Code)
	n := 0
	submit := func(token string, times int) {
		for range times {
			n++
			f.submit(groupVoice, token, n, http.StatusCreated)
		}
	}
	submit(ta, 12)
	submit(tb, 5)
	release := func() releaseOutcomeJSON {
		status, body := f.api("facilitator", "POST", "/api/v1/surveys/"+groupVoice+"/releases", "")
		var out releaseOutcomeJSON
		if status != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("release now: %d %s", status, body)
		}
		return out
	}
	if out := release(); !out.Made {
		t.Fatalf("first release: %+v", out)
	}
	snapshot := func() []string {
		_, api := f.api("facilitator", "GET", "/api/v1/surveys/"+groupVoice+"/codes", "")
		_, doc := f.staff("facilitator", "GET", "/dashboard/"+groupVoice+"/codes", nil)
		page, _ := doc.Find("main").Html()
		return []string{api, page}
	}
	before := snapshot()
	if !strings.Contains(before[0], `"responses":12`) {
		t.Fatalf("codes before: %s", before[0])
	}
	k := 3 // the test survey's threshold
	submit(tb, 1)
	if out := release(); out.Made {
		t.Fatalf("one new response: %+v", out)
	}
	if got := snapshot(); got[0] != before[0] || got[1] != before[1] {
		t.Errorf("codes changed after one response:\n%s\n%s", firstDiff(before[0], got[0]), firstDiff(before[1], got[1]))
	}
	submit(tb, k-2)
	submit(ta, 1)
	// k new responses: a release, in which code A (one new) keeps its count.
	out := release()
	if !out.Made {
		t.Fatalf("%d new responses: %+v", k+1, out)
	}
	got := snapshot()
	if got[0] == before[0] {
		t.Error("no count changed with the new release")
	}
	var list accessCodeList
	if err := json.Unmarshal([]byte(got[0]), &list); err != nil {
		t.Fatal(err)
	}
	for _, ac := range list.Codes {
		if ac.Label == "A" && ac.Responses.String() != "12" {
			t.Errorf("code A with one new response shows %s, want its last released 12", ac.Responses)
		}
	}
}
