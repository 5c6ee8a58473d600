package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/results/leakcheck"
)

const resultsPath = "/api/v1/surveys/" + ylyv + "/results"

// getResults fetches the results API as the named user (bearer token; "" for nobody).
func (f *reportFixture) getResults(who, query string) (int, string) {
	f.t.Helper()
	target := resultsPath
	if query != "" {
		target += "?" + query
	}
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+f.tokens[who])
	}
	resp, body := f.do(f.t, req)
	return resp.StatusCode, string(body)
}

// countsIn returns every count in a results JSON body (fields count, base, answered and
// no_answer): numbers as themselves, suppressed ones as -1. It fails on any other shape.
func countsIn(t *testing.T, body string) []int {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("body is not JSON: %v\n%.300s", err, body)
	}
	var out []int
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch k {
				case "count", "base", "answered", "no_answer":
					switch x := x.(type) {
					case float64:
						out = append(out, int(x))
					case map[string]any:
						if len(x) != 1 || x["suppressed"] != true {
							t.Fatalf("%s.%s = %v; want a number or {\"suppressed\":true}", path, k, x)
						}
						out = append(out, -1)
					default:
						t.Fatalf("%s.%s = %v (%T); want a number or {\"suppressed\":true}", path, k, x, x)
					}
					continue
				}
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), x)
			}
		}
	}
	walk("", v)
	return out
}

func TestResultsAPI(t *testing.T) {
	f := newReportFixture(t)
	f.standardData()
	f.add(120, "") // no council given
	k := f.survey.Threshold

	tests := []struct {
		name, who, query string
		status           int
		level            string
	}{
		{"Whole", "facilitator", "", http.StatusOK, "all"},
		{"Council", "facilitator", "area=" + hartlepool, http.StatusOK, "council"},
		{"RolledUp", "facilitator", "area=" + darlington, http.StatusOK, "region"},
		{"Region", "facilitator", "region=" + northEast, http.StatusOK, "region"},
		{"Constituency", "facilitator", "constituency=" + hartlepoolSeat, http.StatusOK, "council"},
		{"Version", "admin", "version=13-17", http.StatusOK, "version"},
		{"LiveWith", "facilitator", "live_with=foster_carers", http.StatusOK, "live_with"},
		{"TwoFilters", "facilitator", "version=13-17&area=" + hartlepool, http.StatusUnprocessableEntity, ""},
		{"SmallGroup", "facilitator", "live_with=other", http.StatusUnprocessableEntity, ""},
		{"UnknownFilter", "facilitator", "colour=red", http.StatusUnprocessableEntity, ""},
		{"BadDate", "facilitator", "from=yesterday", http.StatusUnprocessableEntity, ""},
		{"ViewerOwnArea", "viewer", "", http.StatusOK, "council"},
		{"ViewerOtherArea", "viewer", "area=" + middlesbrough, http.StatusForbidden, ""},
		// A viewer limited to Hartlepool sees the North East by roll-up, so may ask for it.
		{"ViewerContainingRegion", "viewer", "region=" + northEast, http.StatusOK, "region"},
		{"ViewerOtherRegion", "viewer", "region=E12000007", http.StatusForbidden, ""},
		{"ViewerEverywhere", "viewerAll", "", http.StatusOK, "all"},
		{"Anonymous", "", "", http.StatusUnauthorized, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.getResults(tt.who, tt.query)
			if status != tt.status {
				t.Fatalf("GET %s?%s as %q = %d, want %d\n%.400s", resultsPath, tt.query, tt.who, status, tt.status, body)
			}
			if status != http.StatusOK {
				var e errorBody
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
					t.Errorf("error body %.200s: want {\"error\": …}", body)
				}
				return
			}
			var rep results.Report
			if err := json.Unmarshal([]byte(body), &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Level != tt.level {
				t.Errorf("level = %q, want %q (note %q)", rep.Level, tt.level, rep.Note)
			}
			counts := countsIn(t, body)
			suppressed := 0
			for _, n := range counts {
				if n >= 1 && n < k {
					t.Errorf("a count of %d is shown", n)
				}
				if n < 0 {
					suppressed++
				}
				if strings.HasPrefix(tt.who, "viewer") && n > 0 && n%5 != 0 {
					t.Errorf("viewer sees %d, not rounded to 5", n)
				}
			}
			if suppressed == 0 {
				t.Errorf("no count suppressed; the data has small groups")
			}
			if !rep.Base.Shown() || len(rep.Questions) == 0 {
				t.Errorf("base %v, %d questions", rep.Base, len(rep.Questions))
			}
		})
	}

	t.Run("RollUpSaysWhy", func(t *testing.T) {
		_, body := f.getResults("facilitator", "area="+darlington)
		var rep results.Report
		_ = json.Unmarshal([]byte(body), &rep)
		if rep.Note == "" || rep.Area == nil || rep.Area.Codes[0] != northEast {
			t.Errorf("Darlington: area %+v, note %q; want the North East and a reason", rep.Area, rep.Note)
		}
	})
	t.Run("RefusalNamesTheFilter", func(t *testing.T) {
		_, body := f.getResults("facilitator", "live_with=other")
		var e errorBody
		_ = json.Unmarshal([]byte(body), &e)
		if e.Errors["live_with"] == "" || !strings.Contains(e.Error, "identified") {
			t.Errorf("refusal %+v; want a message and the live_with field", e)
		}
	})
}

func TestResultsCSV(t *testing.T) {
	f := newReportFixture(t)
	f.standardData()
	get := func(who, query string) *http.Response {
		req := httptest.NewRequest(http.MethodGet, resultsPath+".csv?"+query, nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens[who])
		resp, err := f.app.Test(req, 30_000)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := get("facilitator", "region="+northEast)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "table,question,item,answer,label,count,percent" {
		t.Errorf("header = %v", rows[0])
	}
	hidden, shown := 0, 0
	for _, r := range rows[1:] {
		if r[0] == "about" {
			continue
		}
		switch c := r[5]; {
		case c == "c":
			hidden++
		case c != "":
			v, err := strconv.Atoi(c)
			if err != nil {
				t.Errorf("count %q is neither a number nor c", c)
			}
			if v >= 1 && v < f.survey.Threshold {
				t.Errorf("row %v shows a small count", r)
			}
			shown++
		}
		if r[0] == "question" {
			continue
		}
		// Aggregated tables only: no free text, no submission ids.
		if strings.Contains(strings.Join(r, " "), "test-0") {
			t.Errorf("row %v holds a submission id", r)
		}
	}
	if hidden == 0 || shown == 0 {
		t.Errorf("%d hidden and %d shown counts; want both", hidden, shown)
	}
	for _, who := range []string{"viewer", "viewerAll"} {
		if resp := get(who, ""); resp.StatusCode != http.StatusForbidden {
			t.Errorf("CSV as %s = %d, want 403", who, resp.StatusCode)
		}
	}
}

func TestResultsRebuild(t *testing.T) {
	f := newReportFixture(t)
	f.standardData()
	_, before := f.getResults("facilitator", "")
	post := func(who string) int {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/surveys/"+ylyv+"/rebuild", nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens[who])
		resp, _ := f.do(f.t, req)
		return resp.StatusCode
	}
	if got := post("viewerAll"); got != http.StatusForbidden {
		t.Errorf("rebuild as a viewer = %d, want 403", got)
	}
	if got := post("facilitator"); got != http.StatusAccepted {
		t.Fatalf("rebuild as a facilitator = %d, want 202", got)
	}
	// The rebuild runs after the answer; the counts come back the same.
	deadline := testNow().Add(30 * time.Second)
	for {
		entries, _ := f.svc.Audit.FindAudit(t.Context(), chorus.AuditFilter{Action: chorus.ActionSurveyChange})
		_, after := f.getResults("facilitator", "")
		if len(entries) == 1 && after == before {
			break
		}
		if testNow().After(deadline) {
			t.Fatalf("after a rebuild: %d audit entries; results changed:\n%.300s\n%.300s", len(entries), before, after)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestResultsPropertyOverHTTP: for random data and random filter sequences through the
// real API, no suppressed count can be worked out from everything the API returned (see
// results/leakcheck), and no count from 1 to k−1 is ever shown.
func TestResultsPropertyOverHTTP(t *testing.T) {
	cases := 3
	if testing.Short() {
		cases = 1
	}
	r := rand.New(rand.NewPCG(21, 22))
	queries := func(councils []string) []string {
		q := []string{"", "version=8-12", "version=13-17", "version=4-7-assisted", "age_band=13-15", "age_band=8-10",
			"live_with=foster_carers", "live_with=kinship_carers", "region=" + northEast, "constituency=" + hartlepoolSeat}
		for _, c := range councils {
			q = append(q, "area="+c)
		}
		return q
	}
	for n := range cases {
		f := newReportFixture(t)
		councils := []string{hartlepool, middlesbrough, darlington}
		for _, c := range councils {
			f.add(5+r.IntN(40), c)
		}
		f.add(r.IntN(30), "")
		var reps []*results.Report
		var asked []string
		for range 6 + r.IntN(8) {
			qs := queries(councils)
			q := qs[r.IntN(len(qs))]
			status, body := f.getResults("facilitator", q)
			if status != http.StatusOK {
				continue
			}
			for _, c := range countsIn(t, body) {
				if c >= 1 && c < f.survey.Threshold {
					t.Fatalf("case %d, %s: a count of %d is shown", n, q, c)
				}
			}
			var rep results.Report
			if err := json.Unmarshal([]byte(body), &rep); err != nil {
				t.Fatal(err)
			}
			reps = append(reps, &rep)
			asked = append(asked, q)
		}
		var rs []*chorus.Response
		if err := f.Responses.EachResponse(t.Context(), ylyv, func(r *chorus.Response) error {
			rs = append(rs, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var areas []chorus.Area
		for _, c := range councils {
			a, _ := f.geo.Area(c)
			areas = append(areas, a)
		}
		w := leakcheck.NewWorld(f.survey, areas, rs)
		if leaks := w.Leaks(reps, leakcheck.Lines(r, f.survey, 6)); len(leaks) > 0 {
			t.Fatalf("case %d: suppressed counts can be worked out: %v\nrequests: %v", n, leaks, url.Values{"q": asked})
		}
	}
}
