package web

import (
	"fmt"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/results"
)

// Releases: facilitators see how many responses have come in (one number, nothing
// broken down), which release the figures come from and when the next is due, and may
// release now: that skips the interval, never the step rule.
func (s *Server) registerReleaseRoutes() {
	s.app.Get("/dashboard/:survey/releases", s.handleReleasesPage)
	s.app.Post("/dashboard/:survey/releases", s.handleReleasePost)
	s.app.Get("/api/v1/surveys/:survey/releases", s.handleReleasesGet)
	s.app.Post("/api/v1/surveys/:survey/releases", s.handleReleasePost)
}

// releaseJSON is one release in the API.
type releaseJSON struct {
	ID        string    `json:"id"`
	Seq       int       `json:"seq"`
	At        time.Time `json:"at"`
	Responses int64     `json:"responses"`
}

// releasesJSON is GET /api/v1/surveys/{survey}/releases.
type releasesJSON struct {
	Survey string `json:"survey"`
	// Received is the number of responses stored now, which figures do not show until
	// a release counts them.
	Received int64 `json:"received"`
	// Latest is the release figures come from; absent before the first.
	Latest *releaseJSON `json:"latest,omitempty"`
	// Due is when the interval allows the next release; absent when it does now.
	Due *time.Time `json:"due,omitempty"`
	// Waiting is how many more responses the survey needs before a release.
	Waiting int64 `json:"waiting"`
}

// releaseOutcomeJSON is the answer to POST /api/v1/surveys/{survey}/releases.
type releaseOutcomeJSON struct {
	Made bool `json:"made"`
	// Reason says why no release was made: "step", "interval" or "busy".
	Reason  string       `json:"reason,omitempty"`
	Message string       `json:"message"`
	Release *releaseJSON `json:"release,omitempty"`
}

func releaseJSONOf(r *results.Release) *releaseJSON {
	if r == nil || r.ID == "" {
		return nil
	}
	return &releaseJSON{ID: r.ID, Seq: r.Seq, At: r.At.UTC(), Responses: r.Responses}
}

func (s *Server) releaseStatus(c *fiber.Ctx) (*chorus.Survey, *results.Status, error) {
	sv, err := s.svc.Surveys.FindSurvey(c.UserContext(), c.Params("survey"))
	if err != nil {
		return nil, nil, err
	}
	st, err := s.svc.Releases.Status(c.UserContext(), sv.ID)
	return sv, st, err
}

// handleReleasesGet answers GET /api/v1/surveys/{survey}/releases (facilitators).
func (s *Server) handleReleasesGet(c *fiber.Ctx) error {
	sv, st, err := s.releaseStatus(c)
	if err != nil {
		return err
	}
	out := releasesJSON{Survey: sv.ID, Received: st.Received, Latest: releaseJSONOf(st.Latest), Waiting: st.Waiting}
	if !st.Due.IsZero() {
		d := st.Due.UTC()
		out.Due = &d
	}
	return c.JSON(out)
}

// outcomeMessage says in plain words what "release now" did.
func outcomeMessage(o *results.Outcome, k int) string {
	switch o.Reason {
	case "":
		return "New figures are released."
	case "step":
		return fmt.Sprintf("No new release: figures change only once at least %d more young people have answered, so that no one's answers can be picked out.", k)
	case "busy":
		return "Another server is making a release now: look again in a minute."
	}
	return "No new release yet."
}

// handleReleasePost is "release now": POST /dashboard/{survey}/releases (the page's
// button) and POST /api/v1/surveys/{survey}/releases. It is recorded in the audit log.
func (s *Server) handleReleasePost(c *fiber.Ctx) error {
	sv, err := s.svc.Surveys.FindSurvey(c.UserContext(), c.Params("survey"))
	if err != nil {
		return err
	}
	o, err := s.svc.Releases.Release(c.UserContext(), sv.ID, true)
	if err != nil {
		return err
	}
	detail := "release now: "
	if o.Made {
		detail += fmt.Sprintf("release %d made", o.Release.Seq)
	} else {
		detail += "none made (" + o.Reason + ")"
	}
	if err := s.audit(c, chorus.ActionSurveyChange, "survey:"+sv.ID, detail); err != nil {
		return err
	}
	msg := outcomeMessage(o, thresholdOf(sv))
	if isAPIRequest(c) {
		return c.JSON(releaseOutcomeJSON{Made: o.Made, Reason: o.Reason, Message: msg, Release: releaseJSONOf(o.Release)})
	}
	return c.Redirect("/dashboard/"+url.PathEscape(sv.ID)+"/releases?done="+url.QueryEscape(o.Reason+"."), fiber.StatusSeeOther)
}

func thresholdOf(sv *chorus.Survey) int {
	if sv.Threshold > 0 {
		return sv.Threshold
	}
	return 10
}

type releasesPage struct {
	staffPage
	SurveyID, SurveyTitle string
	Received              int64
	Latest                *releaseJSON
	Due                   string
	Waiting               int64
	Threshold             int
	Message               string
}

// handleReleasesPage is GET /dashboard/{survey}/releases (facilitators).
func (s *Server) handleReleasesPage(c *fiber.Ctx) error {
	sv, st, err := s.releaseStatus(c)
	if err != nil {
		return err
	}
	p := &releasesPage{staffPage: s.staffPage(c, "Releases: "+sv.Title.In("en")), SurveyID: sv.ID, SurveyTitle: sv.Title.In("en"),
		Received: st.Received, Latest: releaseJSONOf(st.Latest), Waiting: st.Waiting, Threshold: thresholdOf(sv)}
	if !st.Due.IsZero() {
		p.Due = st.Due.UTC().Format("2 January 2006 at 15:04 UTC")
	}
	if done := c.Query("done"); done != "" {
		reason := done[:len(done)-1]
		if reason == "" || reason == "step" || reason == "busy" || reason == "interval" {
			p.Message = outcomeMessage(&results.Outcome{Reason: reason}, p.Threshold)
		}
	}
	return s.render(c, "releases", p)
}
