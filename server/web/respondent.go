package web

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// The respondent pages: a survey's start page, the questionnaire (one ordinary HTML
// form that respond.js enhances), and the thank-you page. They need no account and
// set no cookie.
func (s *Server) registerRespondentRoutes() {
	s.app.Get("/s/:survey", s.handleSurveyStart)
	s.app.Get("/s/:survey/thanks", s.handleThanks) // before :version, which would match it too
	s.app.Get("/s/:survey/:version", s.handleQuestionnaire)
	s.app.Post("/s/:survey/:version", s.submitLimiter(), s.handleQuestionnaireSubmit)
}

type langLink struct {
	Lang, Label, Href string
	Current           bool
}

type versionLink struct{ Href, Label string }

type surveyStartPage struct {
	Page
	W                            *words
	SurveyID, SurveyTitle, Intro string
	PrivacyLead, PrivacyMore     string // the privacy text's first sentence, always shown, and the rest
	Open                         bool
	Versions                     []versionLink
	Langs                        []langLink
	// Code is the group code box of a survey that needs one (nil otherwise); once the
	// code works, Versions carry the submit token it granted.
	Code *codeField
}

// codeField is the group code box on the start page, and on the questionnaire when
// its submit token no longer works.
type codeField struct {
	Value, Error string
	// LangField is the language to keep when the start page's code form is sent ("" for
	// the survey's first language).
	LangField string
	// OK says the code worked: the start page shows the versions.
	OK bool
}

type questionnairePage struct {
	Page
	W                                              *words
	SurveyID, SurveyTitle, VersionID, VersionLabel string
	Action, Thanks, StartHref                      string
	SubmissionID                                   string
	// Token is the submit token of a survey that needs a group code; Code asks for the
	// code again when the token does not work (nil otherwise).
	Token     string
	Code      *codeField
	Langs     []langLink
	Questions []questionView
	// Errors lists the error summary's lines; Message is a summary line that is not
	// about one question (a closed survey, the store being busy).
	Errors  []errorLink
	Message string
	// ConfirmEmpty asks "You haven't answered anything. Send anyway?" with a button
	// that sends confirmEmptyField.
	ConfirmEmpty bool
}

// confirmEmptyField is the form field of the "Send anyway" button: a form with no
// answers is stored only with it.
const confirmEmptyField = "confirm_empty"

type errorLink struct{ Href, Text string }

type thanksPage struct {
	Page
	W                              *words
	SurveyID, Receipt, ResultsHref string
	StartHref, RiskHelp            string
	Help, Already                  bool
	// HelpLevel and HelpWords say which help to show first (see respondent_help.go).
	HelpLevel string
	HelpWords helpWords
	// PlainHref is the plain thank-you address that replaces this page's history
	// entry when it shows help, so that nothing in history says so.
	PlainHref string
}

// handleSurveyStart shows what the survey is, who will see the answers, and the
// versions to choose from. A survey that needs a group code asks for it first (a form
// that sends ?code=, which a printed link can carry too); a code that works gives a
// submit token that the version links carry to the questionnaire.
func (s *Server) handleSurveyStart(c *fiber.Ctx) error {
	sv, err := s.findSurvey(c)
	if err != nil {
		return err
	}
	lang := pickLang(sv, c.Query("lang"))
	lead, more := firstSentence(sv.PrivacyNotice().In(lang))
	p := &surveyStartPage{
		Page:        s.respondentPage(c, sv.Title.In(lang), lang),
		W:           wordsFor(lang),
		SurveyID:    sv.ID,
		SurveyTitle: sv.Title.In(lang),
		Intro:       sv.Intro.In(lang),
		PrivacyLead: lead,
		PrivacyMore: more,
		Open:        sv.IsOpen(s.now()),
		Langs:       langLinks(sv, lang, surveyPath(sv.ID)),
	}
	query, status := langQuery(sv, lang, "?"), fiber.StatusOK
	if sv.NeedsCode() && p.Open {
		var token string
		if token, status, err = s.startCode(c, sv, lang, p); err != nil {
			return err
		}
		query = "?token=" + url.QueryEscape(token) + langQuery(sv, lang, "&")
	}
	for _, v := range sv.Versions {
		p.Versions = append(p.Versions, versionLink{
			Href:  surveyPath(sv.ID, v.ID) + query,
			Label: v.Label.In(lang),
		})
	}
	return s.render(c.Status(status), "survey-start", p)
}

// handleQuestionnaire shows one version's questions as one form, with a new
// submission id so that sending it twice stores one response.
func (s *Server) handleQuestionnaire(c *fiber.Ctx) error {
	sv, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	lang := pickLang(sv, c.Query("lang"))
	if !sv.IsOpen(s.now()) {
		return c.Redirect(surveyPath(sv.ID)+langQuery(sv, lang, "?"), fiber.StatusSeeOther)
	}
	var form formValues
	if sv.NeedsCode() {
		// Without a working submit token, the child types the group code first.
		token := c.Query("token")
		switch err := s.verifySubmit(c, sv, token); chorus.ErrorCode(err) {
		case "":
			form = formValues{"token": {token}}
		case chorus.EINVALID:
			return c.Redirect(surveyPath(sv.ID)+langQuery(sv, lang, "?"), fiber.StatusSeeOther)
		default:
			return err
		}
	}
	return s.renderQuestionnaire(c, sv, v, lang, newSubmissionID(), form, nil, "")
}

// handleQuestionnaireSubmit takes the form: bad answers show the form again with
// every answer kept and a message per question; stored answers get the thank-you page
// as the answer to this post, never a redirect, since its help depends on the answers
// (see respondent_help.go).
func (s *Server) handleQuestionnaireSubmit(c *fiber.Ctx) error {
	sv, v, err := s.findVersion(c)
	if err != nil {
		return err
	}
	form := postedForm(c)
	lang := pickLang(sv, form.first("lang"))
	w := wordsFor(lang)
	id := form.first("submission_id")
	if !submissionIDPattern.MatchString(id) {
		return fiber.NewError(fiber.StatusBadRequest, "This form is out of date. Please go back, reload the page and try again.")
	}
	status, codeFields, err := s.resubmitCode(c, sv, form)
	if err != nil {
		return err
	}
	if codeFields != nil {
		return s.renderQuestionnaire(c.Status(status), sv, v, lang, id, form, codeFields, "")
	}
	answers, fields := decodeAnswers(sv, v, form, w)
	if len(fields) > 0 {
		// Show every problem at once, not only the numbers that could not be read.
		_, more := v.Validate(sv, answers, nil)
		for k, m := range more {
			if _, ok := fields[k]; !ok {
				fields[k] = m
			}
		}
		return s.renderQuestionnaire(c.Status(fiber.StatusUnprocessableEntity), sv, v, lang, id, form, fields, "")
	}
	if len(answers) == 0 && form.first(confirmEmptyField) == "" {
		return s.renderQuestionnaire(c, sv, v, lang, id, form, nil, w.EmptyAsk)
	}
	rc, err := s.svc.Responses.Submit(c.UserContext(), &chorus.Submission{
		Survey: sv.ID, Version: v.ID, Lang: lang, SubmissionID: id, Answers: answers, Token: form.first("token"),
	})
	switch chorus.ErrorCode(err) {
	case "":
		// The thank-you page is this response: the help it shows depends on the
		// answers, which must not show in a URL or a cache (respondent_help.go).
		c.Set(fiber.HeaderCacheControl, "no-store")
		return s.render(c, "survey-thanks", s.thanks(c, sv, lang, rc))
	case chorus.EINVALID:
		fields := chorus.ErrorFields(err)
		msg := ""
		if len(fields) == 0 {
			msg = chorus.ErrorMessage(err)
		}
		return s.renderQuestionnaire(c.Status(fiber.StatusUnprocessableEntity), sv, v, lang, id, form, fields, msg)
	case chorus.ECONFLICT:
		// This submission id was stored before, with other answers: the child sent
		// this form already and has changed it since. The first answers stand.
		p := s.thanks(c, sv, lang, rc)
		p.Already = true
		return s.render(c, "survey-thanks", p)
	case chorus.EUNAVAILABLE, chorus.ETOOMANY:
		// Show the form again, answers kept, rather than an error page that loses them.
		status := fiber.StatusServiceUnavailable
		if chorus.ErrorCode(err) == chorus.ETOOMANY {
			status = fiber.StatusTooManyRequests
		}
		s.log.Warn("submit not taken", "request_id", requestIDOf(c), "err", err)
		c.Set(fiber.HeaderRetryAfter, "10")
		return s.renderQuestionnaire(c.Status(status), sv, v, lang, id, form, nil, w.Unavailable)
	}
	return err
}

// handleThanks is the plain thank-you page with the receipt code: what a reload or
// the history shows after the page that answered the child's answers. It never
// shows help by level (an old h=1 is ignored): anyone could open this address.
func (s *Server) handleThanks(c *fiber.Ctx) error {
	sv, err := s.findSurvey(c)
	if err != nil {
		return err
	}
	lang := pickLang(sv, c.Query("lang"))
	p := s.thanks(c, sv, lang, &chorus.Receipt{Code: c.Query("r")})
	return s.render(c, "survey-thanks", p)
}

func (s *Server) thanks(c *fiber.Ctx, sv *chorus.Survey, lang string, rc *chorus.Receipt) *thanksPage {
	w := wordsFor(lang)
	p := &thanksPage{
		Page:        s.respondentPage(c, w.ThanksTitle+" — "+sv.Title.In(lang), lang),
		W:           w,
		SurveyID:    sv.ID,
		ResultsHref: surveyPath(sv.ID, "results") + langQuery(sv, lang, "?"),
		StartHref:   surveyPath(sv.ID) + langQuery(sv, lang, "?"),
		RiskHelp:    sv.RiskHelp.In(lang),
	}
	if rc != nil {
		if receiptPattern.MatchString(rc.Code) {
			p.Receipt = rc.Code
		}
		p.HelpWords, p.HelpLevel, p.Help = helpFor(rc, lang)
		if p.Help {
			p.PlainHref = thanksURL(sv, p.Receipt, lang)
		}
	}
	return p
}

func (s *Server) renderQuestionnaire(c *fiber.Ctx, sv *chorus.Survey, v *chorus.Version, lang, submissionID string, form formValues, fields map[string]string, message string) error {
	w := wordsFor(lang)
	title := sv.Title.In(lang)
	p := &questionnairePage{
		Page:         s.respondentPage(c, v.Label.In(lang)+" — "+title, lang),
		W:            w,
		SurveyID:     sv.ID,
		SurveyTitle:  title,
		VersionID:    v.ID,
		VersionLabel: v.Label.In(lang),
		Action:       surveyPath(sv.ID, v.ID),
		Thanks:       surveyPath(sv.ID, "thanks"),
		StartHref:    surveyPath(sv.ID) + langQuery(sv, lang, "?"),
		SubmissionID: submissionID,
		Langs:        langLinks(sv, lang, surveyPath(sv.ID, v.ID)),
		Questions:    buildQuestions(sv, v, lang, w, form, fields),
		Message:      message,
	}
	if message == w.EmptyAsk {
		p.Message, p.ConfirmEmpty = "", true
	}
	if sv.NeedsCode() {
		p.Token = form.first("token")
		if p.Token != "" {
			p.Langs = langLinks(sv, lang, surveyPath(sv.ID, v.ID)+"?token="+url.QueryEscape(p.Token))
		}
		if msg := cmp.Or(fields["code"], fields["token"]); msg != "" {
			p.Code = &codeField{Value: typedCode(form.first("code")), Error: localize(msg, lang)}
			p.Errors = append(p.Errors, errorLink{Href: "#code", Text: w.CodeLabel + " — " + p.Code.Error})
		}
	}
	for _, q := range p.Questions {
		if q.Error != "" {
			p.Errors = append(p.Errors, errorLink{Href: "#" + q.Target(), Text: q.Text + " — " + q.Error})
		}
	}
	var other []string
	for k := range fields {
		if !slices.Contains(v.Questions, k) && k != "code" && k != "token" {
			other = append(other, k)
		}
	}
	slices.Sort(other)
	for _, k := range other {
		p.Errors = append(p.Errors, errorLink{Text: localize(fields[k], lang)})
	}
	if len(p.Errors) > 0 || message != "" {
		p.Title = w.ErrorPrefix + " " + p.Title
	}
	return s.render(c, "survey-questionnaire", p)
}

// firstSentence splits text after its first sentence (at ". ", "? " or "! ").
func firstSentence(text string) (first, rest string) {
	for i := 0; i+1 < len(text); i++ {
		if strings.ContainsRune(".?!", rune(text[i])) && text[i+1] == ' ' {
			return text[:i+1], strings.TrimSpace(text[i+1:])
		}
	}
	return text, ""
}

func (s *Server) respondentPage(c *fiber.Ctx, title, lang string) Page {
	p := s.page(c, title)
	p.Lang, p.Respondent = lang, true
	return p
}

func (s *Server) findSurvey(c *fiber.Ctx) (*chorus.Survey, error) {
	return s.svc.Surveys.FindSurvey(c.UserContext(), c.Params("survey"))
}

func (s *Server) findVersion(c *fiber.Ctx) (*chorus.Survey, *chorus.Version, error) {
	sv, err := s.findSurvey(c)
	if err != nil {
		return nil, nil, err
	}
	v := sv.Version(c.Params("version"))
	if v == nil {
		return nil, nil, chorus.Errorf(chorus.ENOTFOUND, "This survey has no such version. Please go back and choose one.")
	}
	return sv, v, nil
}

// postedForm copies the urlencoded form body.
func postedForm(c *fiber.Ctx) formValues {
	f := formValues{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		f[string(k)] = append(f[string(k)], string(v))
	})
	return f
}

// pickLang returns the requested language if the survey has it, else its first.
func pickLang(sv *chorus.Survey, requested string) string {
	if slices.Contains(sv.Languages, requested) {
		return requested
	}
	if len(sv.Languages) > 0 {
		return sv.Languages[0]
	}
	return "en"
}

// langQuery returns "?lang=xx" (with sep) unless lang is the survey's default.
func langQuery(sv *chorus.Survey, lang, sep string) string {
	if len(sv.Languages) > 0 && lang == sv.Languages[0] {
		return ""
	}
	return sep + "lang=" + url.QueryEscape(lang)
}

func langLinks(sv *chorus.Survey, lang, path string) []langLink {
	var out []langLink
	for _, l := range sv.Languages {
		label := l
		switch l {
		case "en":
			label = wordsEN.English
		case "cy":
			label = wordsCY.Welsh
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		out = append(out, langLink{Lang: l, Label: label, Href: path + sep + "lang=" + url.QueryEscape(l), Current: l == lang})
	}
	return out
}

func surveyPath(parts ...string) string {
	p := "/s"
	for _, s := range parts {
		p += "/" + url.PathEscape(s)
	}
	return p
}

// thanksURL is the plain thank-you page's address: the receipt code and language,
// never anything about the answers.
func thanksURL(sv *chorus.Survey, receipt, lang string) string {
	u := surveyPath(sv.ID, "thanks")
	if receipt != "" {
		return u + "?r=" + url.QueryEscape(receipt) + langQuery(sv, lang, "&")
	}
	return u + langQuery(sv, lang, "?")
}

var (
	submissionIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	receiptPattern      = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
)

// newSubmissionID returns 128 random bits in hex.
func newSubmissionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
