package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// apiSpec is openapi.json, parsed once, with each operation's path as a pattern and
// its schemas compiled on first use.
type apiSpec struct {
	doc      map[string]any
	ops      []apiOp
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
}

type apiOp struct {
	method, path string // GET, /api/v1/surveys/{survey}
	re           *regexp.Regexp
	literal      int    // characters outside {…}: the most specific path wins
	pointer      string // JSON pointer of the operation in the document
	op           map[string]any
}

const specURL = "https://chorus.invalid/openapi.json"

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPI))
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020) // OpenAPI 3.1's schema dialect
	c.AssertFormat()
	if err := c.AddResource(specURL, doc); err != nil {
		return nil, err
	}
	spec := &apiSpec{doc: doc.(map[string]any), compiler: c, schemas: map[string]*jsonschema.Schema{}}
	paths, _ := spec.doc["paths"].(map[string]any)
	for path, item := range paths {
		for method, op := range item.(map[string]any) {
			pattern := regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(path), `[^/]+`)
			spec.ops = append(spec.ops, apiOp{
				method: strings.ToUpper(method), path: path, re: regexp.MustCompile("^" + pattern + "$"),
				literal: len(regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(path, "")),
				pointer: "/paths/" + pointerEscape(path) + "/" + method, op: op.(map[string]any),
			})
		}
	}
	return spec, nil
})

func pointerEscape(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

// find returns the operation for a request, or nil.
func (s *apiSpec) find(method, path string) *apiOp {
	var best *apiOp
	for i := range s.ops {
		op := &s.ops[i]
		if op.method == method && op.re.MatchString(path) && (best == nil || op.literal > best.literal) {
			best = op
		}
	}
	return best
}

// validate checks a JSON value against the schema at a JSON pointer of the document.
func (s *apiSpec) validate(pointer string, body []byte) error {
	s.mu.Lock()
	sch, ok := s.schemas[pointer]
	if !ok {
		var err error
		if sch, err = s.compiler.Compile(specURL + "#" + pointer); err != nil {
			s.mu.Unlock()
			return fmt.Errorf("compile %s: %w", pointer, err)
		}
		s.schemas[pointer] = sch
	}
	s.mu.Unlock()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return sch.Validate(v)
}

// resolve follows a $ref to a response or request body inside the document.
func (s *apiSpec) resolve(pointer string, v map[string]any) (string, map[string]any) {
	ref, ok := v["$ref"].(string)
	if !ok {
		return pointer, v
	}
	pointer = strings.TrimPrefix(ref, "#")
	var cur any = s.doc
	for _, part := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		cur = cur.(map[string]any)[part]
	}
	return pointer, cur.(map[string]any)
}

// checkAPIExchange checks one request and answer of the JSON API against openapi.json:
// the request body (when the server accepted it) and the answer, by its status, or
// the operation's default (error) answer. Requests to paths the document does not
// have are left to TestOpenAPIMatchesRoutes. Every web test's API call goes through
// here (testServer.do, authFixture.send).
func checkAPIExchange(t testing.TB, method, target string, reqType string, reqBody []byte, status int, respType string, respBody []byte) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil || !strings.HasPrefix(u.Path, "/api/v1/") {
		return
	}
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	op := spec.find(method, u.Path)
	if op == nil {
		return
	}
	where := fmt.Sprintf("openapi.json %s %s → %d", method, op.path, status)
	if rb, ok := op.op["requestBody"].(map[string]any); ok && status < 300 && len(reqBody) > 0 && isJSON(reqType) {
		ptr, rb := spec.resolve(op.pointer+"/requestBody", rb)
		if _, ok := rb["content"].(map[string]any)["application/json"]; ok {
			if err := spec.validate(ptr+"/content/application~1json/schema", reqBody); err != nil {
				t.Errorf("%s: the request does not match the document: %#v\n%s", where, err, reqBody)
			}
		}
	}
	responses, _ := op.op["responses"].(map[string]any)
	key := strconv.Itoa(status)
	resp, ok := responses[key].(map[string]any)
	if !ok {
		if status < 400 {
			t.Errorf("%s: the status is not documented", where)
			return
		}
		key, resp = "default", responses["default"].(map[string]any)
	}
	ptr, resp := spec.resolve(op.pointer+"/responses/"+pointerEscape(key), resp)
	content, _ := resp["content"].(map[string]any)
	switch {
	case len(content) == 0:
		if len(respBody) != 0 {
			t.Errorf("%s: the document says no body, but the answer has one: %.200s", where, respBody)
		}
	case content["application/json"] != nil:
		if !isJSON(respType) {
			t.Errorf("%s: Content-Type %q, want JSON", where, respType)
			return
		}
		if err := spec.validate(ptr+"/content/application~1json/schema", respBody); err != nil {
			t.Errorf("%s: the answer does not match the document: %#v\n%.600s", where, err, respBody)
		}
	default:
		mt, _, _ := mime.ParseMediaType(respType)
		if content[mt] == nil {
			t.Errorf("%s: Content-Type %q is not documented", where, respType)
		}
	}
}

func isJSON(ctype string) bool {
	mt, _, _ := mime.ParseMediaType(ctype)
	return mt == "application/json"
}

// recordAPI reads a request's body for checkAPIExchange and puts it back.
func recordAPI(req *http.Request) []byte {
	if req.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// TestOpenAPIMatchesRoutes checks that openapi.json documents every /api/v1 route of
// the route table and of the running app, and nothing else.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := spec.doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", v)
	}
	toOpenAPI := func(path string) string {
		segs := strings.Split(path, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, ":") {
				name, suffix, _ := strings.Cut(s[1:], ".")
				segs[i] = "{" + name + "}"
				if suffix != "" {
					segs[i] += "." + suffix
				}
			}
		}
		return strings.Join(segs, "/")
	}
	documented := map[string]bool{}
	for _, op := range spec.ops {
		documented[op.method+" "+op.path] = true
	}
	table := map[string]bool{}
	for key := range routeTable {
		method, path, _ := strings.Cut(key, " ")
		if strings.HasPrefix(path, "/api/v1/") {
			table[method+" "+toOpenAPI(path)] = true
		}
	}
	s := newTestServer(t)
	registered := map[string]bool{}
	for _, routes := range s.app.Stack() {
		for _, r := range routes {
			use := reflect.ValueOf(r).Elem().FieldByName("use")
			if use.Bool() || r.Method == http.MethodHead || !strings.HasPrefix(r.Path, "/api/v1/") {
				continue
			}
			registered[r.Method+" "+toOpenAPI(r.Path)] = true
		}
	}
	for _, set := range []struct {
		name string
		m    map[string]bool
	}{{"the route table (authz.go)", table}, {"the app", registered}} {
		for k := range set.m {
			if !documented[k] {
				t.Errorf("%s has %s, which openapi.json does not document; add it to server/web/openapi.json", set.name, k)
			}
		}
		for k := range documented {
			if !set.m[k] {
				t.Errorf("openapi.json documents %s, which %s does not have", k, set.name)
			}
		}
	}
	// Every schema compiles, so a mistake in one is found even if no test reaches it.
	for _, op := range spec.ops {
		for code, r := range op.op["responses"].(map[string]any) {
			ptr, resp := spec.resolve(op.pointer+"/responses/"+code, r.(map[string]any))
			if c, ok := resp["content"].(map[string]any); ok && c["application/json"] != nil {
				if err := spec.validate(ptr+"/content/application~1json/schema", []byte("null")); err != nil && strings.HasPrefix(err.Error(), "compile") {
					t.Error(err)
				}
			}
		}
	}
}

// TestOpenAPIServed checks the route: public, JSON, the embedded document.
func TestOpenAPIServed(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.do(t, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if resp.StatusCode != http.StatusOK || !isJSON(resp.Header.Get("Content-Type")) {
		t.Fatalf("GET /api/v1/openapi.json = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !bytes.Equal(body, openAPI) {
		t.Errorf("the served document is not the embedded one")
	}
}

// TestOpenAPIExamples sends one successful request to each documented operation, and
// the errors the document promises for submitting answers, so that every answer
// schema is checked against a real answer (checkAPIExchange runs inside do).
func TestOpenAPIExamples(t *testing.T) {
	f := newReportFixture(t)
	f.standardData()
	seen := map[string]bool{}
	api := func(who, method, target, body string, want int) []byte {
		t.Helper()
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if who != "" {
			req.Header.Set("Authorization", "Bearer "+f.tokens[who])
		}
		resp, b := f.do(t, req)
		if resp.StatusCode != want {
			t.Fatalf("%s %s = %d, want %d: %.300s", method, target, resp.StatusCode, want, b)
		}
		spec, _ := loadSpec()
		if op := spec.find(method, req.URL.Path); op != nil && want < 300 {
			seen[op.method+" "+op.path] = true
		}
		return b
	}
	sub := `{"survey":"` + ylyv + `","version":"13-17","submission_id":"openapi-example-1","answers":{"matters_most":["friends"],"better":"More time outside"}}`
	api("", "GET", "/api/v1/openapi.json", "", 200)
	api("", "GET", "/api/v1/surveys", "", 200)
	api("", "GET", "/api/v1/surveys/"+ylyv, "", 200)
	api("", "POST", "/api/v1/responses", sub, 201)
	api("", "POST", "/api/v1/responses", sub, 200)
	api("", "POST", "/api/v1/responses", strings.Replace(sub, `"friends"`, `"education"`, 1), 409)
	api("", "POST", "/api/v1/responses", `{"survey":"`+ylyv+`","version":"13-17","submission_id":"openapi-example-2","answers":{"matters_most":["no-such-option"]}}`, 422)
	api("", "POST", "/api/v1/responses", `{"survey":`, 400)
	api("viewerAll", "GET", "/api/v1/surveys/"+ylyv+"/results", "", 200)
	api("facilitator", "GET", "/api/v1/surveys/"+ylyv+"/results.csv", "", 200)
	api("facilitator", "GET", "/api/v1/surveys/"+ylyv+"/releases", "", 200)
	api("facilitator", "POST", "/api/v1/surveys/"+ylyv+"/releases", "", 200)
	api("facilitator", "POST", "/api/v1/surveys/"+ylyv+"/rebuild", "", 202)
	api("facilitator", "POST", "/api/v1/briefings", `{"survey":"`+ylyv+`","area":"`+hartlepool+`"}`, 201)
	var batch struct{ ID string }
	if err := json.Unmarshal(api("facilitator", "POST", "/api/v1/briefings/batch", `{"survey":"`+ylyv+`","level":"constituency"}`, 202), &batch); err != nil {
		t.Fatal(err)
	}
	api("facilitator", "GET", "/api/v1/briefings/batch/"+batch.ID, "", 200)
	// Nothing runs batches here: its ZIP is refused until done (server/briefing's tests
	// read a finished one).
	api("facilitator", "GET", "/api/v1/briefings/batch/"+batch.ID+".zip", "", 409)
	seen["GET /api/v1/briefings/batch/{id}.zip"] = true
	api("admin", "GET", "/api/v1/users", "", 200)
	api("viewer", "GET", "/api/v1/users", "", 403)
	api("", "GET", "/api/v1/auth/me", "", 401)
	api("facilitator", "GET", "/api/v1/auth/me", "", 200)
	api("facilitator", "POST", "/api/v1/auth/refresh", "", 200)
	var tok struct{ Token string }
	if err := json.Unmarshal(api("", "POST", "/api/v1/auth/login", `{"email":"viewer@example.org","password":"tangerine orbit lantern"}`, 200), &tok); err != nil {
		t.Fatal(err)
	}
	f.tokens["signedIn"] = tok.Token
	api("signedIn", "POST", "/api/v1/auth/password", `{"current":"tangerine orbit lantern","password":"a much longer river of words"}`, 200)
	api("facilitator", "POST", "/api/v1/auth/logout", "", 204)

	// The access-code routes need a survey that takes codes: the code fixture's.
	cf := newCodeFixture(t)
	status, body := cf.api("facilitator", "POST", "/api/v1/surveys/group-voice/codes", `{"label":"Tuesday group","days":7}`)
	var code struct{ ID string }
	if status != 201 || json.Unmarshal([]byte(body), &code) != nil {
		t.Fatalf("create code: %d %s", status, body)
	}
	if status, body := cf.api("facilitator", "GET", "/api/v1/surveys/group-voice/codes", ""); status != 200 {
		t.Fatalf("list codes: %d %s", status, body)
	}
	if status, body := cf.api("facilitator", "POST", "/api/v1/surveys/group-voice/codes/"+code.ID+"/revoke", ""); status != 200 {
		t.Fatalf("revoke code: %d %s", status, body)
	}
	for _, p := range []string{"GET /api/v1/surveys/{survey}/codes", "POST /api/v1/surveys/{survey}/codes", "POST /api/v1/surveys/{survey}/codes/{id}/revoke"} {
		seen[p] = true
	}

	spec, _ := loadSpec()
	var missing []string
	for _, op := range spec.ops {
		if !seen[op.method+" "+op.path] {
			missing = append(missing, op.method+" "+op.path)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("no example answer is checked for %v; add a request to this test", missing)
	}
}
