package web

import (
	"context"
	crand "crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/chorus"
)

// grant returns the submit token a code gives, through the survey definition API.
func (f *codeFixture) grant(survey, code string) string {
	f.t.Helper()
	status, body := f.api("", "GET", "/api/v1/surveys/"+survey+"?code="+url.QueryEscape(code), "")
	var def surveyDefinition
	if err := json.Unmarshal([]byte(body), &def); status != 200 || err != nil || def.SubmitToken == "" {
		f.t.Fatalf("definition with code: %d %s", status, body)
	}
	return def.SubmitToken
}

// submit posts answers to the JSON API as submission n with token, and checks the status.
func (f *codeFixture) submit(survey, token string, n, want int) string {
	f.t.Helper()
	body, _ := json.Marshal(responseRequest{Survey: survey, Version: "all", SubmissionID: fmt.Sprintf("sub-%s-%04d", survey, n),
		Answers: chorus.Answers{"feel": "good"}, Token: token})
	status, reply := f.api("", "POST", "/api/v1/responses", string(body))
	if status != want {
		f.t.Fatalf("submit %d: %d %s, want %d", n, status, reply, want)
	}
	return reply
}

// stored returns the group session of each stored response to a survey, by submission id.
func (f *codeFixture) stored(survey string) map[string]string {
	f.t.Helper()
	out := map[string]string{}
	err := f.Responses.EachResponse(context.Background(), survey, func(r *chorus.Response) error {
		out[r.SubmissionID] = r.GroupSession
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func TestSurveyStartWithCode(t *testing.T) {
	f := newCodeFixture(t)
	ac := f.makeCode(groupVoice, "Oakfield CiCC, 12 December")
	expired := &chorus.AccessCode{Survey: groupVoice, Code: "EXPD2345", Label: "Old", ExpiresAt: testNow().Add(-time.Hour)}
	revoked := f.makeCode(groupVoice, "Stopped")
	if err := f.store.CreateAccessCode(context.Background(), expired); err != nil {
		t.Fatal(err)
	}
	f.api("facilitator", "POST", "/api/v1/surveys/group-voice/codes/"+revoked.ID+"/revoke", "")

	t.Run("AsksForTheCode", func(t *testing.T) {
		resp, doc := f.getPage(t, "/s/group-voice")
		if resp.StatusCode != 200 || doc.Find("label[for=code]").Length() != 1 || doc.Find("input#code[name=code]").Length() != 1 {
			t.Fatalf("status %d; want a labelled code field", resp.StatusCode)
		}
		if doc.Find("ul.versions a").Length() != 0 || doc.Find(".error-summary").Length() != 0 || doc.Find("#code[aria-invalid]").Length() != 0 {
			t.Error("versions or an error before any code was typed")
		}
		if form := doc.Find("form:has(#code)"); form.AttrOr("method", "") != "get" || form.AttrOr("action", "") != "/s/group-voice" {
			t.Errorf("code form %s %s; want GET to the start page", form.AttrOr("method", ""), form.AttrOr("action", ""))
		}
		if doc.Find("[data-quickexit]").Length() != 1 || doc.Find("aside.help").Length() != 1 {
			t.Error("the start page lost its quick exit or help note")
		}
		if len(resp.Cookies()) != 0 {
			t.Errorf("the start page set cookies %v", resp.Cookies())
		}
	})
	t.Run("Welsh", func(t *testing.T) {
		_, doc := f.getPage(t, "/s/group-voice?lang=cy")
		if doc.Find("html").AttrOr("lang", "") != "cy" || doc.Find("label[for=code]").Text() != wordsCY.CodeLabel ||
			doc.Find(`form:has(#code) input[name=lang]`).AttrOr("value", "") != "cy" {
			t.Error("the Welsh start page does not ask for the code in Welsh, or loses the language")
		}
		resp, doc := f.getPage(t, "/s/group-voice?lang=cy&code=ZZZZ-ZZZZ")
		if resp.StatusCode != 422 || !strings.Contains(doc.Find("#code-error").Text(), "Dydyn ni ddim yn adnabod y cod") {
			t.Errorf("Welsh wrong code: %d %q", resp.StatusCode, doc.Find("#code-error").Text())
		}
	})
	for name, tt := range map[string]struct{ code, msg string }{
		"ErrWrong":   {"ZZZZ-ZZZZ", chorus.MsgCodeWrong},
		"ErrExpired": {"EXPD-2345", chorus.MsgCodeStopped},
		"ErrRevoked": {revoked.Code, chorus.MsgCodeStopped},
		"ErrOther":   {"", chorus.MsgCodeWrong},
	} {
		t.Run(name, func(t *testing.T) {
			if tt.code == "" {
				tt.code = f.makeCode(groupOther, "Other survey's group").Code
			}
			resp, doc := f.getPage(t, "/s/group-voice?code="+url.QueryEscape(tt.code))
			if resp.StatusCode != 422 {
				t.Errorf("status %d, want 422", resp.StatusCode)
			}
			if a := doc.Find(`.error-summary a[href="#code"]`); a.Text() != tt.msg {
				t.Errorf("error summary link %q, want %q", a.Text(), tt.msg)
			}
			in := doc.Find("input#code")
			if in.AttrOr("aria-invalid", "") != "true" || !strings.Contains(in.AttrOr("aria-describedby", ""), "code-error") || in.AttrOr("value", "") != tt.code {
				t.Errorf("code field %v: want invalid, described by its error, keeping %q", in.Nodes[0].Attr, tt.code)
			}
			if !strings.HasPrefix(doc.Find("title").Text(), "Error:") || doc.Find("ul.versions a").Length() != 0 {
				t.Error("an error page without Error: in its title, or with versions")
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		typed := strings.ToLower(strings.ReplaceAll(ac.Code, "-", "")) // any case, no dash
		resp, doc := f.getPage(t, "/s/group-voice?code="+typed)
		links := doc.Find("ul.versions a")
		if resp.StatusCode != 200 || links.Length() != 2 || doc.Find("#code").Length() != 0 {
			t.Fatalf("status %d, %d version links; want 200 and both versions", resp.StatusCode, links.Length())
		}
		u, _ := url.Parse(links.First().AttrOr("href", ""))
		if u.Path != "/s/group-voice/all" || u.Query().Get("token") == "" {
			t.Errorf("version link %q carries no submit token", u)
		}
		if cy := doc.Find(`nav.langs a[lang=cy]`).AttrOr("href", ""); !strings.Contains(cy, "code="+strings.ReplaceAll(ac.Code, "-", "")) {
			t.Errorf("Welsh link %q drops the code", cy)
		}
		if len(resp.Cookies()) != 0 {
			t.Errorf("set cookies %v", resp.Cookies())
		}

		// The questionnaire puts the token in its form; without one it sends the child
		// back to type the code.
		_, q := f.getPage(t, u.RequestURI())
		if got := q.Find(`form#survey input[name=token]`).AttrOr("value", ""); got != u.Query().Get("token") {
			t.Errorf("questionnaire token field %q", got)
		}
		for _, bad := range []string{"/s/group-voice/all", "/s/group-voice/all?token=forged.token.here", "/s/group-other/all?" + u.RawQuery} {
			resp, _ := f.getPage(t, bad)
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/s/group-") || strings.Contains(loc, "/all") {
				t.Errorf("GET %s = %d to %q; want 303 to the start page", bad, resp.StatusCode, loc)
			}
		}
	})
	t.Run("OpenSurveyUnchanged", func(t *testing.T) {
		_, doc := f.getPage(t, "/s/group-open?code="+url.QueryEscape(ac.Code))
		if doc.Find("#code").Length() != 0 || doc.Find(`ul.versions a[href="/s/group-open/all"]`).Length() != 1 {
			t.Error("an open survey asks for a code or puts a token in its links")
		}
	})
}

func TestQuestionnaireWithCode(t *testing.T) {
	f := newCodeFixture(t)
	ac := f.makeCode(groupVoice, "Class 5")
	token := f.grant(groupVoice, ac.Code)
	_, doc := f.getPage(t, "/s/group-voice/all?token="+url.QueryEscape(token))
	form := url.Values{}
	doc.Find(`form#survey input[type=hidden]`).Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	post := func(vals url.Values) (*http.Response, *goquery.Document) {
		v := url.Values{}
		for k, x := range form {
			v[k] = x
		}
		v.Set("submission_id", newSubmissionID())
		v.Set("q.feel", "not_good")
		for k, x := range vals {
			v[k] = x
		}
		return f.postForm(t, "/s/group-voice/all", v)
	}

	t.Run("ErrNoToken", func(t *testing.T) {
		resp, doc := post(url.Values{"token": {""}})
		if resp.StatusCode != 422 || doc.Find(`.error-summary a[href="#code"]`).Length() != 1 || doc.Find("#code").AttrOr("aria-invalid", "") != "true" {
			t.Fatalf("status %d; want 422 with the code field invalid and linked from the summary", resp.StatusCode)
		}
		if !strings.Contains(doc.Find(".error-summary").Text(), chorus.MsgTokenMissing) {
			t.Errorf("summary %q", doc.Find(".error-summary").Text())
		}
		if doc.Find(`input[name="q.feel"][value=not_good]`).AttrOr("checked", "x") == "x" {
			t.Error("the answer was not kept")
		}
	})
	t.Run("ErrWrongCodeAgain", func(t *testing.T) {
		resp, doc := post(url.Values{"token": {""}, "code": {"ZZZZ-ZZZZ"}})
		if resp.StatusCode != 422 || !strings.Contains(doc.Find("#code-error").Text(), chorus.MsgCodeWrong) || doc.Find("#code").AttrOr("value", "") != "ZZZZ-ZZZZ" {
			t.Errorf("status %d, error %q", resp.StatusCode, doc.Find("#code-error").Text())
		}
	})
	if n := len(f.stored(groupVoice)); n != 0 {
		t.Fatalf("%d responses stored from refused forms", n)
	}
	t.Run("CodeAgain", func(t *testing.T) {
		resp, doc := post(url.Values{"token": {"stale"}, "code": {ac.Code}})
		if resp.StatusCode != http.StatusOK || doc.Find("[data-receipt]").Length() != 1 {
			t.Errorf("status %d; want the thank-you page", resp.StatusCode)
		}
	})
	t.Run("OK", func(t *testing.T) {
		resp, doc := post(nil)
		if resp.StatusCode != http.StatusOK || doc.Find("[data-receipt]").Length() != 1 {
			t.Errorf("status %d; want the thank-you page", resp.StatusCode)
		}
	})
	stored := f.stored(groupVoice)
	for id, session := range stored {
		if session != ac.ID {
			t.Errorf("response %s has group session %q, want %q", id, session, ac.ID)
		}
	}
	if len(stored) != 2 {
		t.Errorf("%d responses stored, want 2", len(stored))
	}
}

func TestSubmitToken(t *testing.T) {
	f := newCodeFixture(t)
	ac := f.makeCode(groupVoice, "Oakfield CiCC, 12 December")

	t.Run("Definition", func(t *testing.T) {
		status, body := f.api("", "GET", "/api/v1/surveys/group-voice", "")
		if status != 200 || !strings.Contains(body, `"access":"code"`) || strings.Contains(body, "submit_token") {
			t.Errorf("without a code: %d %s; want access code and no token", status, body)
		}
		resp, _ := f.do(t, httptest.NewRequest(http.MethodGet, "/api/v1/surveys/group-voice?code="+ac.Code, nil))
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("definition with a token: Cache-Control %q, want no-store", cc)
		}
		status, body = f.api("", "GET", "/api/v1/surveys/group-voice?code=ZZZZ-ZZZZ", "")
		if status != 422 || !strings.Contains(body, `"errors":{"code":`) {
			t.Errorf("wrong code: %d %s; want 422 on code", status, body)
		}
		status, body = f.api("", "GET", "/api/v1/surveys/group-open?code="+ac.Code, "")
		if status != 200 || !strings.Contains(body, `"access":"open"`) || strings.Contains(body, "submit_token") {
			t.Errorf("open survey: %d %s; want no token", status, body)
		}
	})

	token := f.grant(groupVoice, ac.Code)
	other := f.grant(groupOther, f.makeCode(groupOther, "Other").Code)
	secret := make([]byte, 32)
	_, _ = crand.Read(secret)
	forger, _ := auth.NewTokens(secret)
	forger.Now = testNow
	forged, _, _ := forger.IssueSubmit(groupVoice, ac.ID, testNow().Add(time.Hour))
	f.svc.Tokens.Now = func() time.Time { return testNow().Add(-25 * time.Hour) }
	expired, _, _ := f.svc.Tokens.IssueSubmit(groupVoice, ac.ID, testNow().Add(time.Hour))
	f.svc.Tokens.Now = testNow
	session, _, _ := f.svc.Tokens.IssueSession(f.users["facilitator"].ID, nil)
	share, _ := f.svc.Tokens.IssueShare("l1", "b1", testNow().Add(time.Hour))

	n := 0
	for name, bad := range map[string]string{
		"ErrMissing": "", "ErrForged": forged, "ErrOtherSurvey": other, "ErrExpired": expired,
		"ErrSessionToken": session, "ErrShareToken": share, "ErrGarbage": "a.b.c",
	} {
		t.Run(name, func(t *testing.T) {
			n++
			body := f.submit(groupVoice, bad, n, http.StatusUnprocessableEntity)
			var reply errorBody
			if err := json.Unmarshal([]byte(body), &reply); err != nil || len(reply.Errors) != 1 || reply.Errors["token"] == "" {
				t.Errorf("reply %s; want one error, on token", body)
			}
		})
	}
	if got := f.stored(groupVoice); len(got) != 0 {
		t.Fatalf("refused submissions stored: %v", got)
	}

	f.submit(groupVoice, token, 100, http.StatusCreated)
	f.submit(groupVoice, token, 100, http.StatusOK) // an identical repeat
	if got := f.stored(groupVoice); len(got) != 1 || got["sub-group-voice-0100"] != ac.ID {
		t.Errorf("stored %v; want one response with group session %s", got, ac.ID)
	}
	f.submit(groupOpen, "", 1, http.StatusCreated) // open surveys need no token
	if got := f.stored(groupOpen); len(got) != 1 || got["sub-group-open-0001"] != "" {
		t.Errorf("open survey stored %v; want one response without a group session", got)
	}

	t.Run("ErrRevoked", func(t *testing.T) {
		f.api("facilitator", "POST", "/api/v1/surveys/group-voice/codes/"+ac.ID+"/revoke", "")
		f.submit(groupVoice, token, 101, http.StatusUnprocessableEntity)
		if got := f.stored(groupVoice); len(got) != 1 {
			t.Errorf("stored %d responses after a revoked token, want still 1", len(got))
		}
	})
	t.Run("LogsHoldNoCodeOrToken", func(t *testing.T) {
		logs := f.Logs.String()
		for _, secret := range []string{ac.Code, strings.ReplaceAll(ac.Code, "-", ""), token, forged, "Oakfield"} {
			if strings.Contains(logs, secret) {
				t.Errorf("logs hold %q", secret)
			}
		}
	})
}
