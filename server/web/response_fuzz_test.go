package web

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/surveyfile"
)

// FuzzResponseRequest feeds arbitrary bodies to the submission decoder and the answer
// validation behind it. Whatever the body, the decoder answers 400 or EINVALID, or
// returns a request with its three fields; and answers that validate hold only the
// version's question ids (never a key with "$" or ".", which would reach a stored
// document) and only the value types the store expects.
func FuzzResponseRequest(f *testing.F) {
	g, err := geo.Load()
	if err != nil {
		f.Fatal(err)
	}
	survey, err := surveyfile.LoadFile(filepath.Join("..", "..", "surveys", "your-life-your-voice.yaml"), g.Areas())
	if err != nil {
		f.Fatal(err)
	}
	areas := func(code string) bool { _, ok := g.Area(code); return ok }
	for _, seed := range []string{
		`{"survey":"your-life-your-voice","version":"13-17","submission_id":"abcdefgh","answers":{"life_happy":{"friends":"4","money":"prefer_not"},"matters_most":["family","friends"],"better":"call me on 07700 900123","age_band":"13-15","live_with":"other","live_with_other":"with my nan","area":"E06000001"}}`,
		`{"survey":"your-life-your-voice","version":"4-7-assisted","submission_id":"abcdefgh","answers":{"life_happy_3":{"friends":"3"},"matters_most":["prefer_not"]}}`,
		`{"survey":"s","version":"v","submission_id":"i","answers":{"$where":"1","a.b":"c","life_happy":{"$gt":"1","friends.x":"2"}}}`,
		`{"survey":"s","version":"v","submission_id":"i","answers":{"matters_most":[["nested"]],"future":5,"better":{"a":"b"}}}`,
		`{"survey":"s","version":"v","submission_id":"i","answers":{"future":1e999,"age_band":null,"better":"\ud800"}}`,
		`{"survey":1,"answers":"x"}`,
		`{"survey":"s","version":"v","submission_id":"i","answers":{"__proto__":"x"}}`,
		`[]`, `null`, `{`, "",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeResponseRequest(body)
		if err != nil {
			var fe *fiber.Error
			if !(errors.As(err, &fe) && fe.Code == fiber.StatusBadRequest) && chorus.ErrorCode(err) != chorus.EINVALID {
				t.Fatalf("decode error %v: want 400 or EINVALID", err)
			}
			return
		}
		if req.Survey == "" || req.Version == "" || req.SubmissionID == "" {
			t.Fatalf("decoded %+v without a required field", req)
		}
		// The fuzzer seldom hits a real version id, so check the answers against each.
		for _, v := range survey.Versions {
			clean, fields := v.Validate(survey, req.Answers, areas)
			if fields != nil {
				continue
			}
			for key, val := range clean {
				if strings.ContainsAny(key, "$.") || !slices.Contains(v.Questions, key) {
					t.Fatalf("version %s: clean answers hold key %q", v.ID, key)
				}
				checkCleanValue(t, key, val)
			}
		}
	})
}

func checkCleanValue(t *testing.T, key string, val any) {
	t.Helper()
	switch val := val.(type) {
	case string:
		if !utf8.ValidString(val) {
			t.Fatalf("%s: invalid UTF-8 %q", key, val)
		}
	case []string:
		for _, s := range val {
			if !utf8.ValidString(s) || strings.ContainsAny(s, "$.") && s != chorus.PreferNot {
				t.Fatalf("%s: choice %q", key, s)
			}
		}
	case map[string]string:
		for k, s := range val {
			if strings.ContainsAny(k, "$.") || !utf8.ValidString(s) {
				t.Fatalf("%s: grid item %q = %q", key, k, s)
			}
		}
	case int:
	default:
		t.Fatalf("%s: value of type %T", key, val)
	}
}
