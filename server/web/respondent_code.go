package web

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// startCode puts the group code box on the start page of a survey that needs a code,
// and checks a code sent with it (?code=, from the box or a printed link). It returns
// the submit token a working code grants and the page's status: 422 for a code that
// does not work, 429 after too many wrong ones from one connection.
func (s *Server) startCode(c *fiber.Ctx, sv *chorus.Survey, lang string, p *surveyStartPage) (string, int, error) {
	p.Code = &codeField{}
	if len(sv.Languages) > 0 && lang != sv.Languages[0] {
		p.Code.LangField = lang
	}
	typed := c.Query("code")
	if strings.TrimSpace(typed) == "" {
		return "", fiber.StatusOK, nil
	}
	p.Code.Value = typedCode(typed)
	token, err := s.grantSubmit(c, sv, typed)
	switch code := chorus.ErrorCode(err); code {
	case "":
		p.Code.OK = true
		norm, _ := chorus.NormalizeAccessCode(typed)
		p.Langs = langLinks(sv, lang, surveyPath(sv.ID)+"?code="+url.QueryEscape(norm))
		return token, fiber.StatusOK, nil
	case chorus.EINVALID, chorus.ETOOMANY:
		p.Code.Error = localize(chorus.ErrorFields(err)["code"], lang)
		p.Title = p.W.ErrorPrefix + " " + p.Title
		return "", statusOf[code], nil
	default:
		return "", 0, err
	}
}

// resubmitCode takes a group code typed into the questionnaire after its submit token
// stopped working: a code that works puts its token in form (answers are then sent as
// usual); one that does not returns the field's message and the page's status. A form
// without a code, or for a survey open to anyone, passes unchanged.
func (s *Server) resubmitCode(c *fiber.Ctx, sv *chorus.Survey, form formValues) (int, map[string]string, error) {
	typed := form.first("code")
	if !sv.NeedsCode() || typed == "" {
		return 0, nil, nil
	}
	token, err := s.grantSubmit(c, sv, typed)
	switch code := chorus.ErrorCode(err); code {
	case "":
		form["token"] = []string{token}
		delete(form, "code")
		return 0, nil, nil
	case chorus.EINVALID, chorus.ETOOMANY:
		return statusOf[code], chorus.ErrorFields(err), nil
	default:
		return 0, nil, err
	}
}

// typedCode is a typed code as shown back in its box: trimmed, and cut short if long.
func typedCode(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 2*chorus.AccessCodeLength {
		s = string(r[:2*chorus.AccessCodeLength])
	}
	return s
}
