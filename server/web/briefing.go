package web

import (
	"bytes"
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/briefing"
	"github.com/chorus-voice/chorus/server/briefingpdf"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/report"
	"github.com/chorus-voice/chorus/server/results"
)

// Day of Action briefings: saved, one page, for an area (a council, a region, England,
// or a constituency through the councils it overlaps), as print-ready HTML, PDF and CSV,
// shareable with a signed, expiring, revocable link.
func (s *Server) registerBriefingRoutes() {
	s.app.Get("/briefings", s.handleBriefingList)
	s.app.Post("/briefings", s.handleBriefingForm)
	s.app.Post("/api/v1/briefings", s.handleBriefingCreate)
	// The .pdf and .csv routes come first: /briefings/:id would match them too.
	s.app.Get("/briefings/:id.pdf", s.handleBriefingPDF)
	s.app.Get("/briefings/:id.csv", s.handleBriefingCSV)
	s.app.Get("/briefings/:id", s.handleBriefing)
	s.app.Post("/briefings/:id/share", s.handleBriefingShare)
	s.app.Post("/briefings/:id/share/:link/revoke", s.handleBriefingRevoke)
	s.registerBriefingBatchRoutes()
}

// createBriefing stores a briefing of survey for an area: a council, a region, England
// or a constituency. It saves what to show; figures are published each time it is read.
func (s *Server) createBriefing(ctx context.Context, u *chorus.User, survey, area string) (*chorus.Briefing, error) {
	survey, area = strings.TrimSpace(survey), strings.ToUpper(strings.TrimSpace(area))
	fields := map[string]string{}
	if survey == "" {
		fields["survey"] = "Choose a survey."
	}
	if area == "" {
		fields["area"] = "Choose an area."
	}
	if len(fields) > 0 {
		return nil, chorus.Invalid("Choose a survey and an area.", fields)
	}
	sv, err := s.svc.Surveys.FindSurvey(ctx, survey)
	if chorus.ErrorCode(err) == chorus.ENOTFOUND {
		return nil, chorus.Invalid("Choose a survey.", map[string]string{"survey": "There is no survey with that id."})
	} else if err != nil {
		return nil, err
	}
	b := &chorus.Briefing{Survey: sv.ID, Area: area, Level: s.svc.Geo.Level(area), CreatedBy: u.ID, CreatedAt: s.now()}
	switch b.Level {
	case geo.LevelCouncil:
		b.Councils = []string{area}
	case geo.LevelRegion:
		r, _ := s.svc.Geo.Region(area)
		b.Councils = r.Councils
	case geo.LevelConstituency:
		k, _ := s.svc.Geo.Constituency(area)
		b.Councils = k.Councils
	case geo.LevelCountry:
		for _, c := range s.svc.Geo.Countries() {
			if c.Code == area && area != geo.EnglandCode { // England stays "every council": no viewer's
				b.Councils = c.Councils
			}
		}
	default:
		return nil, chorus.Invalid("Choose an area.", map[string]string{"area": "Use a council, region, constituency or country code, such as E10000002, W06000015, E12000008, E14001063, W07000089, E92000001 or W92000004."})
	}
	b.Title = "Day of Action briefing: " + s.svc.Geo.Name(area)
	if err := s.svc.Briefings.CreateBriefing(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

type briefingRequest struct {
	Survey string `json:"survey"`
	Area   string `json:"area"`
}

type briefingCreated struct {
	ID string `json:"id"`
}

// handleBriefingCreate makes a briefing through the API: 201 {"id"}; 422 with
// per-field errors for an unknown survey or area.
func (s *Server) handleBriefingCreate(c *fiber.Ctx) error {
	var req briefingRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	b, err := s.createBriefing(c.UserContext(), currentUser(c), req.Survey, req.Area)
	if err != nil {
		return err
	}
	c.Location("/briefings/" + url.PathEscape(b.ID))
	return c.Status(fiber.StatusCreated).JSON(briefingCreated{ID: b.ID})
}

// handleBriefingForm makes a briefing from the form on the dashboard or the briefings
// page, then shows it.
func (s *Server) handleBriefingForm(c *fiber.Ctx) error {
	survey, area := c.FormValue("survey"), c.FormValue("area")
	b, err := s.createBriefing(c.UserContext(), currentUser(c), survey, area)
	switch chorus.ErrorCode(err) {
	case "":
		return c.Redirect("/briefings/"+url.PathEscape(b.ID), fiber.StatusSeeOther)
	case chorus.EINVALID:
		return s.renderBriefingList(c, fiber.StatusUnprocessableEntity, survey, area, err)
	default:
		return err
	}
}

type briefingRow struct {
	ID, Title, Survey, Shown, Created string
}

type briefingListPage struct {
	staffPage
	Briefings []briefingRow
	Surveys   []option
	Areas     []areaChoice
	Errors    *staffErrors
}

// handleBriefingList lists the saved briefings the user may read, newest first, with a
// form to make one.
func (s *Server) handleBriefingList(c *fiber.Ctx) error {
	return s.renderBriefingList(c, fiber.StatusOK, c.Query("survey"), "", nil)
}

func (s *Server) renderBriefingList(c *fiber.Ctx, status int, survey, area string, formErr error) error {
	ctx := c.UserContext()
	p := &briefingListPage{staffPage: s.staffPage(c, "Briefings"), Errors: newStaffErrors(formErr, "survey", "area")}
	if formErr != nil {
		p.Title = "Error: Briefings"
	}
	list, err := s.svc.Briefings.FindBriefings(ctx, chorus.BriefingFilter{})
	if err != nil {
		return err
	}
	titles := map[string]string{}
	for _, sv := range s.surveysForStaff(ctx) {
		titles[sv.ID] = sv.Title.In("en")
		p.Surveys = append(p.Surveys, option{Value: sv.ID, Label: sv.Title.In("en"), Selected: sv.ID == survey})
	}
	for _, b := range list {
		if !s.canReadBriefing(c, b) {
			continue
		}
		row := briefingRow{ID: b.ID, Title: b.Title, Survey: titles[b.Survey], Created: b.CreatedAt.UTC().Format("2 Jan 2006 15:04 UTC")}
		if row.Survey == "" {
			row.Survey = b.Survey
		}
		row.Shown = b.Level
		p.Briefings = append(p.Briefings, row)
	}
	if p.Me.Facilitator {
		p.Areas = s.areaChoices()
		for i := range p.Areas {
			for j := range p.Areas[i].Options {
				p.Areas[i].Options[j].Selected = p.Areas[i].Options[j].Value == strings.ToUpper(strings.TrimSpace(area))
			}
		}
	}
	return s.render(c.Status(status), "briefing-list", p)
}

// canReadBriefing reports whether the request may read b: staff who are not limited to
// areas, viewers whose areas cover every council b is about, and holders of a share
// link to b (checked by the guard).
func (s *Server) canReadBriefing(c *fiber.Ctx, b *chorus.Briefing) bool {
	if sh := currentShare(c); sh != nil {
		return sh.BriefingID == b.ID
	}
	return currentUser(c).MaySee(b.Councils...)
}

// briefingRequest returns the publish request for a briefing's area, for figures that
// leave the organisation (rounded), limited to a viewer's areas unless a share link
// brought the reader.
func (s *Server) briefingRequest(c *fiber.Ctx, b *chorus.Briefing) results.Request {
	reader := currentUser(c)
	if currentShare(c) != nil {
		reader = nil
	}
	return results.RequestFor(briefing.Request(b, nil), reader, true)
}

// briefings returns the briefing service.
func (s *Server) briefings() *briefing.Service { return s.svc.Briefs }

// briefingLang is the language a briefing is asked for in (?lang=cy), if the survey
// has it; else English.
func briefingLang(c *fiber.Ctx, sv *chorus.Survey) string {
	if l := c.Query("lang"); l != "" && slices.Contains(sv.Languages, l) {
		return l
	}
	return "en"
}

// briefing finds the briefing in the path and lays it out with freshly published
// figures, or fails with ENOTFOUND (also when the request may not read it, so that ids
// cannot be probed).
func (s *Server) briefing(c *fiber.Ctx) (*chorus.Briefing, *report.Briefing, error) {
	ctx := c.UserContext()
	b, err := s.svc.Briefings.FindBriefing(ctx, c.Params("id"))
	if err != nil {
		return nil, nil, err
	}
	if !s.canReadBriefing(c, b) {
		return nil, nil, chorus.Errorf(chorus.ENOTFOUND, "No such briefing.")
	}
	sv, err := s.svc.Surveys.FindSurvey(ctx, b.Survey)
	if err != nil {
		return nil, nil, err
	}
	rb, err := s.briefings().Compose(ctx, b, s.briefingRequest(c, b), briefingLang(c, sv))
	if err != nil {
		return nil, nil, err
	}
	return b, rb, nil
}

// headlineView is a headline figure as pages show it.
type headlineView struct {
	Label, Percent, Count, Base string
	Hidden                      bool
}

type groupView struct {
	Title, Answer, Note string
	Multi               bool
	Items               []headlineView
}

type briefingThemeView struct {
	Label, Count string
	Quotes       []string
}

type wordingView struct {
	Question string
	Texts    []string
}

type briefingView struct {
	ID, Title, SurveyTitle, AreaName, ShownName, Reason, AsOf, Base string
	Lang, WhyCouncil, MadeBy, RegionName, ResponseRate              string
	Sentences                                                       []string
	Measures                                                        []report.MeasureRow
	W                                                               report.Words
	// OtherLang offers the briefing in the survey's other language ("" if none).
	OtherLang, OtherLangName string
	RolledUp, Empty, Demo    bool
	Groups                   []groupView
	Themes                   []briefingThemeView
	ChangeTitle              string
	ChangeQuotes             []string
	AgeBands, LiveWith       []rowView
	Methods                  []string
	Wordings                 []wordingView
	Attribution              string
}

func briefingViewOf(b *report.Briefing) *briefingView {
	v := &briefingView{ID: b.ID, Title: b.Title, SurveyTitle: b.SurveyTitle, AreaName: b.AreaName, ShownName: b.ShownName,
		Reason: b.Reason, AsOf: b.AsOf.UTC().Format("2 January 2006"), Base: b.Base.String(), RolledUp: b.RolledUp,
		Empty: b.Empty, Demo: b.DemoData, ChangeTitle: b.ChangeTitle, ChangeQuotes: b.ChangeQuotes, Methods: b.Methods,
		Attribution: b.Attribution, AgeBands: rowsOf(b.AgeBands.Bars), LiveWith: rowsOf(b.LiveWith.Bars),
		Lang: b.Lang, WhyCouncil: b.WhyCouncil, MadeBy: b.MadeBy, RegionName: b.RegionName, ResponseRate: b.ResponseRate,
		Sentences: b.Sentences, Measures: b.Measures, W: b.Words}
	for _, g := range b.Groups {
		gv := groupView{Title: g.Title, Note: g.Note, Multi: g.Kind == "multi"}
		items := g.Items
		if gv.Multi && len(items) > report.TopAnswers {
			items = items[:report.TopAnswers]
		}
		for _, h := range items {
			if gv.Answer == "" && !gv.Multi {
				gv.Answer = h.Answer
			}
			gv.Items = append(gv.Items, headlineView{Label: h.Label, Percent: report.Percent(h.Percent), Base: h.Base.String(), Hidden: h.Percent == nil})
		}
		v.Groups = append(v.Groups, gv)
	}
	for _, t := range b.Themes {
		v.Themes = append(v.Themes, briefingThemeView{Label: t.Label, Count: t.Count.String(), Quotes: t.Quotes})
	}
	for _, w := range b.Wordings {
		v.Wordings = append(v.Wordings, wordingView{Question: w.Question, Texts: w.Texts})
	}
	return v
}

type shareLinkView struct {
	ID, Created, Expires, Status string
	Active                       bool
}

type briefingPage struct {
	staffPage
	B *briefingView
	// Shared is true for someone reading through a share link: no staff controls.
	Shared           bool
	PDFHref, CSVHref string
	// CanShare shows the share-link controls (facilitators).
	CanShare bool
	Links    []shareLinkView
	Errors   *staffErrors
}

// handleBriefing shows a briefing as a one-page, print-ready page.
func (s *Server) handleBriefing(c *fiber.Ctx) error {
	b, rb, err := s.briefing(c)
	if err != nil {
		return err
	}
	return s.renderBriefing(c, fiber.StatusOK, b, rb, nil)
}

func (s *Server) renderBriefing(c *fiber.Ctx, status int, b *chorus.Briefing, rb *report.Briefing, formErr error) error {
	p := &briefingPage{staffPage: s.staffPage(c, rb.Title), B: briefingViewOf(rb), Errors: newStaffErrors(formErr, "days")}
	base := "/briefings/" + url.PathEscape(b.ID)
	p.PDFHref, p.CSVHref = base+".pdf", base+".csv"
	if rb.Lang != "en" {
		p.PDFHref += "?lang=" + rb.Lang
	}
	switch {
	case rb.Lang == "cy":
		p.B.OtherLang, p.B.OtherLangName = "en", "English"
	case strings.HasPrefix(b.Area, "W"):
		p.B.OtherLang, p.B.OtherLangName = "cy", "Cymraeg"
	}
	if currentShare(c) != nil {
		p.Shared = true
		q := "?share=" + url.QueryEscape(c.Query("share"))
		if strings.Contains(p.PDFHref, "?") {
			p.PDFHref += "&" + q[1:]
		} else {
			p.PDFHref += q
		}
		p.CSVHref += q
		c.Set("X-Robots-Tag", "noindex, nofollow")
	}
	if p.Me.Facilitator {
		p.CanShare = true
		links, err := s.svc.ShareLinks.FindShareLinks(c.UserContext(), b.ID)
		if err != nil {
			return err
		}
		now := s.now()
		for _, l := range links {
			lv := shareLinkView{ID: l.ID, Created: l.CreatedAt.UTC().Format("2 Jan 2006 15:04"), Expires: l.ExpiresAt.UTC().Format("2 Jan 2006 15:04 UTC"), Active: l.Active(now)}
			switch {
			case !l.RevokedAt.IsZero():
				lv.Status = "Withdrawn"
			case !lv.Active:
				lv.Status = "Expired"
			default:
				lv.Status = "Works"
			}
			p.Links = append(p.Links, lv)
		}
	}
	return s.render(c.Status(status), "briefing", p)
}

// handleBriefingPDF sends the briefing as a one-page PDF with selectable text.
func (s *Server) handleBriefingPDF(c *fiber.Ctx) error {
	b, rb, err := s.briefing(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := briefingpdf.Write(&buf, rb); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="briefing-`+b.ID+`.pdf"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// handleBriefingCSV sends the briefing's figures as CSV: the aggregated tables of the
// area shown, published (rounded, disclosure-controlled) exactly as the page's figures
// are, hidden counts as "c".
func (s *Server) handleBriefingCSV(c *fiber.Ctx) error {
	b, rb, err := s.briefing(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := results.WriteCSV(&buf, rb.Report); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="briefing-`+b.ID+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

type briefingSharedPage struct {
	staffPage
	BriefingID, Title, Link, Expires string
}

// handleBriefingShare makes a share link that opens the briefing read-only, without an
// account, for the chosen number of days, and shows it once.
func (s *Server) handleBriefingShare(c *fiber.Ctx) error {
	b, rb, err := s.briefing(c)
	if err != nil {
		return err
	}
	days, err := strconv.Atoi(strings.TrimSpace(c.FormValue("days")))
	if err != nil || days < 1 || days > 90 {
		return s.renderBriefing(c, fiber.StatusUnprocessableEntity, b, rb,
			chorus.Invalid("Choose how long the link lasts.", map[string]string{"days": "Enter a number of days from 1 to 90."}))
	}
	path, l, err := s.createShareLink(c, b.ID, time.Duration(days)*24*time.Hour)
	if err != nil {
		return err
	}
	p := &briefingSharedPage{staffPage: s.staffPage(c, "Share link made"), BriefingID: b.ID, Title: rb.Title,
		Link: s.absURL(path), Expires: l.ExpiresAt.UTC().Format("2 January 2006 15:04 UTC")}
	return s.render(c, "briefing-shared", p)
}

// handleBriefingRevoke withdraws one of the briefing's share links at once.
func (s *Server) handleBriefingRevoke(c *fiber.Ctx) error {
	b, _, err := s.briefing(c)
	if err != nil {
		return err
	}
	l, err := s.svc.ShareLinks.FindShareLink(c.UserContext(), c.Params("link"))
	if err != nil {
		return err
	}
	if l.BriefingID != b.ID {
		return chorus.Errorf(chorus.ENOTFOUND, "No such link.")
	}
	if err := s.revokeShareLink(c, l.ID); err != nil {
		return err
	}
	return c.Redirect("/briefings/"+url.PathEscape(b.ID)+"#share", fiber.StatusSeeOther)
}
