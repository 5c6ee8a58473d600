package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

func (s *Server) registerSurveyRoutes() {
	s.app.Get("/api/v1/surveys", s.handleSurveyList)
	s.app.Get("/api/v1/surveys/:survey", s.handleSurveyGet)
	s.app.Get("/api/v1/openapi.json", s.handleOpenAPI)
}

// surveySummary is one entry of GET /api/v1/surveys.
type surveySummary struct {
	ID        string      `json:"id"`
	Title     chorus.Text `json:"title"`
	Languages []string    `json:"languages"`
	// Access is "code" when answering needs a group access code, else "open".
	Access string `json:"access"`
	URL    string `json:"url"`
}

// handleSurveyList lists the open surveys.
func (s *Server) handleSurveyList(c *fiber.Ctx) error {
	list := s.svc.Surveys.OpenSurveys(c.UserContext())
	out := make([]surveySummary, 0, len(list))
	for _, sv := range list {
		out = append(out, surveySummary{ID: sv.ID, Title: sv.Title, Languages: sv.Languages, Access: sv.Access, URL: "/s/" + sv.ID})
	}
	return c.JSON(fiber.Map{"surveys": out})
}

// surveyDefinition is GET /api/v1/surveys/{survey}: everything a client needs to show
// the survey and submit answers.
type surveyDefinition struct {
	ID          string            `json:"id"`
	Title       chorus.Text       `json:"title"`
	Status      string            `json:"status"`
	Languages   []string          `json:"languages"`
	Revision    string            `json:"revision"`
	Access      string            `json:"access"`
	Intro       chorus.Text       `json:"intro,omitempty"`
	Privacy     chorus.Text       `json:"privacy,omitempty"`
	Versions    []versionDef      `json:"versions"`
	Questions   []questionDef     `json:"questions"`
	SubmitToken string            `json:"submit_token,omitempty"`
	Submit      map[string]string `json:"submit"`
}

type versionDef struct {
	ID            string      `json:"id"`
	Label         chorus.Text `json:"label"`
	AgeBand       string      `json:"age_band,omitempty"`
	EasyRead      bool        `json:"easy_read,omitempty"`
	AdultAssisted bool        `json:"adult_assisted,omitempty"`
	Questions     []string    `json:"questions"`
}

type optionDef struct {
	ID       string                 `json:"id"`
	Text     chorus.Text            `json:"text"`
	Wording  map[string]chorus.Text `json:"wording,omitempty"`
	AgeBands []string               `json:"age_bands,omitempty"`
	Symbol   string                 `json:"symbol,omitempty"`
}

type questionDef struct {
	ID            string                 `json:"id"`
	Kind          string                 `json:"kind"`
	Required      bool                   `json:"required,omitempty"`
	Text          chorus.Text            `json:"text"`
	Help          chorus.Text            `json:"help,omitempty"`
	Wording       map[string]chorus.Text `json:"wording,omitempty"`
	HelpWording   map[string]chorus.Text `json:"help_wording,omitempty"`
	Options       []optionDef            `json:"options,omitempty"`
	Items         []optionDef            `json:"items,omitempty"`
	Scale         int                    `json:"scale,omitempty"`
	ScaleLabels   []chorus.Text          `json:"scale_labels,omitempty"`
	MaxChoices    int                    `json:"max_choices,omitempty"`
	MaxLength     int                    `json:"max_length,omitempty"`
	Min           int                    `json:"min,omitempty"`
	Max           int                    `json:"max,omitempty"`
	DontWantToSay bool                   `json:"dont_want_to_say,omitempty"`
	ShowIf        *showIfDef             `json:"show_if,omitempty"`
}

type showIfDef struct {
	Question string   `json:"question"`
	Equals   []string `json:"equals"`
}

func optionDefs(opts []chorus.Option) []optionDef {
	out := make([]optionDef, len(opts))
	for i, o := range opts {
		out[i] = optionDef{ID: o.ID, Text: o.Text, Wording: o.Wording, AgeBands: o.AgeBands, Symbol: o.Symbol}
	}
	return out
}

// handleSurveyGet returns one survey's definition. For a survey that needs an access
// code, ?code= with a working code adds a submit_token for it (422 on "code" for a
// code that does not work); without a code the definition has no token.
func (s *Server) handleSurveyGet(c *fiber.Ctx) error {
	sv, err := s.svc.Surveys.FindSurvey(c.UserContext(), c.Params("survey"))
	if err != nil {
		return err
	}
	token := ""
	if code := c.Query("code"); code != "" && sv.NeedsCode() {
		if token, err = s.grantSubmit(c, sv, code); err != nil {
			return err
		}
	}
	def := surveyDefinition{
		ID: sv.ID, Title: sv.Title, Status: sv.Status, Languages: sv.Languages, Revision: sv.Revision,
		Access: sv.Access, Intro: sv.Intro, Privacy: sv.PrivacyNotice(), SubmitToken: token,
		Submit: map[string]string{"method": "POST", "url": "/api/v1/responses"},
	}
	for _, v := range sv.Versions {
		def.Versions = append(def.Versions, versionDef{ID: v.ID, Label: v.Label, AgeBand: v.AgeBand,
			EasyRead: v.EasyRead, AdultAssisted: v.AdultAssisted, Questions: v.Questions})
	}
	for _, q := range sv.Questions {
		qd := questionDef{ID: q.ID, Kind: q.Kind, Required: q.Required, Text: q.Text, Help: q.Help,
			Wording: q.Wording, HelpWording: q.HelpWording, Options: optionDefs(q.Options), Items: optionDefs(q.Items), Scale: q.Scale,
			ScaleLabels: q.ScaleLabels, MaxChoices: q.MaxChoices, MaxLength: q.MaxLength, Min: q.Min, Max: q.Max,
			DontWantToSay: q.DontWantToSay}
		if q.ShowIf != nil {
			qd.ShowIf = &showIfDef{Question: q.ShowIf.Question, Equals: q.ShowIf.Equals}
		}
		def.Questions = append(def.Questions, qd)
	}
	if token != "" {
		c.Set(fiber.HeaderCacheControl, "no-store")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	}
	return c.JSON(def)
}
