package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func validSubmission(id string) map[string]any {
	return map[string]any{
		"survey": "your-life-your-voice", "version": "13-17", "submission_id": id,
		"answers": map[string]any{
			"matters_most": []string{"friends", "family"},
			"better":       "More time with my sister. Call me on 07700 900123",
		},
	}
}

func TestResponseCreate(t *testing.T) {
	ts := newTestServer(t)

	t.Run("Created", func(t *testing.T) {
		resp, body := ts.postJSON(t, "/api/v1/responses", validSubmission("sub-created-0001"))
		if resp.StatusCode != 201 {
			t.Fatalf("status %d, want 201; body %s", resp.StatusCode, body)
		}
		var reply struct {
			Receipt  string `json:"receipt"`
			ShowHelp *bool  `json:"show_help"`
		}
		if err := json.Unmarshal(body, &reply); err != nil || reply.Receipt == "" || reply.ShowHelp == nil {
			t.Fatalf("reply %s: want receipt and show_help", body)
		}
		resp, body2 := ts.postJSON(t, "/api/v1/responses", validSubmission("sub-created-0001"))
		if resp.StatusCode != 200 || !bytes.Equal(body, body2) {
			t.Fatalf("identical repeat: %d %s, want 200 %s", resp.StatusCode, body2, body)
		}
		n, _ := ts.Responses.CountResponses(context.Background(), "")
		if n != 1 {
			t.Fatalf("%d responses stored, want 1", n)
		}
	})

	t.Run("ErrConflictSameIDOtherAnswers", func(t *testing.T) {
		sub := validSubmission("sub-conflict-0001")
		if resp, body := ts.postJSON(t, "/api/v1/responses", sub); resp.StatusCode != 201 {
			t.Fatalf("first: %d %s", resp.StatusCode, body)
		}
		sub["answers"] = map[string]any{"matters_most": []string{"education"}}
		if resp, body := ts.postJSON(t, "/api/v1/responses", sub); resp.StatusCode != 409 {
			t.Fatalf("same id, other answers: %d %s, want 409", resp.StatusCode, body)
		}
	})

	bad := []struct {
		name   string
		body   any
		ctype  string
		status int
		field  string
	}{
		{"ErrNotJSON", []byte(`survey=x`), "application/x-www-form-urlencoded", 415, ""},
		{"ErrMalformedJSON", []byte(`{"survey":`), "application/json", 400, ""},
		{"ErrAnswersWrongType", []byte(`{"survey":"your-life-your-voice","version":"13-17","submission_id":"abcdefgh1","answers":[1,2]}`), "application/json", 400, ""},
		{"ErrMissingFields", map[string]any{"answers": map[string]any{}}, "application/json", 422, "survey"},
		{"ErrUnknownSurvey", map[string]any{"survey": "nope", "version": "13-17", "submission_id": "abcdefgh2"}, "application/json", 404, ""},
		{"ErrUnknownVersion", map[string]any{"survey": "your-life-your-voice", "version": "99", "submission_id": "abcdefgh3"}, "application/json", 404, ""},
		{"ErrBadSubmissionID", map[string]any{"survey": "your-life-your-voice", "version": "13-17", "submission_id": "a b"}, "application/json", 422, "submission_id"},
		{"ErrUnknownQuestion", map[string]any{"survey": "your-life-your-voice", "version": "13-17", "submission_id": "abcdefgh4",
			"answers": map[string]any{"favourite_colour": "blue"}}, "application/json", 422, "favourite_colour"},
		{"ErrTooManyChoices", map[string]any{"survey": "your-life-your-voice", "version": "13-17", "submission_id": "abcdefgh5",
			"answers": map[string]any{"matters_most": []string{"friends", "family", "home", "education", "health", "money"}}}, "application/json", 422, "matters_most"},
		{"ErrOperatorKey", map[string]any{"survey": "your-life-your-voice", "version": "13-17", "submission_id": "abcdefgh6",
			"answers": map[string]any{"$where": "1"}}, "application/json", 422, "$where"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			b, ok := tt.body.([]byte)
			if !ok {
				b, _ = json.Marshal(tt.body)
			}
			req := httptest.NewRequest(http.MethodPost, "/api/v1/responses", bytes.NewReader(b))
			req.Header.Set("Content-Type", tt.ctype)
			resp, body := ts.do(t, req)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			if tt.field != "" {
				var e struct {
					Errors map[string]string `json:"errors"`
				}
				_ = json.Unmarshal(body, &e)
				if e.Errors[tt.field] == "" {
					t.Fatalf("no message for %q in %s", tt.field, body)
				}
			}
		})
	}
	n, _ := ts.Responses.CountResponses(context.Background(), "")
	if n != 2 {
		t.Fatalf("%d responses stored after the bad ones, want 2", n)
	}
}

func TestConcurrentIdenticalSubmitsStoreOne(t *testing.T) {
	ts := newTestServer(t)
	var wg sync.WaitGroup
	statuses := make(chan int, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := ts.postJSON(t, "/api/v1/responses", validSubmission("same-id-50-times"))
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[200] != 49 {
		t.Fatalf("statuses %v, want one 201 and 49 200", count)
	}
	n, _ := ts.DB.Collection("responses").CountDocuments(context.Background(), bson.D{{Key: "submission_id", Value: "same-id-50-times"}})
	if n != 1 {
		t.Fatalf("%d documents stored, want 1", n)
	}
}

func TestStoredResponseIsAnonymous(t *testing.T) {
	ts := newTestServer(t)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/responses", bytes.NewReader(mustJSON(validSubmission("anon-check-0001"))))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "CanaryAgent/1.0")
	req.Header.Set("X-Forwarded-For", "203.0.113.77")
	if resp, body := ts.do(t, req); resp.StatusCode != 201 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var raw bson.M
	if err := ts.DB.Collection("responses").FindOne(context.Background(), bson.D{}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	doc := fmt.Sprint(raw)
	for _, canary := range []string{"CanaryAgent", "203.0.113", "0.0.0.0", "07700 900123", "T0", ":00"} {
		if strings.Contains(doc, canary) {
			t.Errorf("stored response contains %q: %s", canary, doc)
		}
	}
	for _, key := range []string{"day", "revision", "version", "lang", "survey"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("stored response lacks %q", key)
		}
	}
	if strings.Contains(ts.Logs.String(), "sister") {
		t.Error("a child's words reached the log")
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestResponseTooLarge(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen(t)
	// A raw connection: the server answers 413 as soon as it sees the length and may
	// close before the body is sent, which an ordinary client reports as a broken pipe.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"survey":"` + strings.Repeat("x", 70_000) + `"}`
	go func() {
		_, _ = fmt.Fprintf(conn, "POST /api/v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("status %d, want 413", resp.StatusCode)
	}
}
