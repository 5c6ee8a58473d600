package web

import (
	"bytes"
	"context"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/briefing"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/report"
	"github.com/chorus-voice/chorus/server/results"
)

// The facilitator dashboard: a survey's results under a filter, as SVG charts with the
// numbers in tables. Every figure comes from the results publisher (package results),
// which puts them through disclosure control; package report only lays them out.
func (s *Server) registerDashboardRoutes() {
	s.app.Get("/dashboard", s.handleDashboardIndex)
	s.app.Get("/dashboard/:survey.csv", s.handleDashboardCSV) // before :survey, which would match it too
	s.app.Get("/dashboard/:survey", s.handleDashboard)
	s.app.Post("/dashboard/:survey/publish", s.handleDashboardPublish)
}

// themeLabels names a survey's themes from its codebook (see briefing.ThemeLabels).
func (s *Server) themeLabels(ctx context.Context, survey, lang string) map[string]report.ThemeLabel {
	return briefing.ThemeLabels(ctx, s.svc.Codebooks, survey, lang)
}

// surveysForStaff lists every survey staff may report on: every loaded survey, open
// or not.
func (s *Server) surveysForStaff(ctx context.Context) []*chorus.Survey {
	return s.svc.Surveys.AllSurveys(ctx)
}

type surveyLink struct{ ID, Title, Status string }

type dashboardIndexPage struct {
	staffPage
	Surveys []surveyLink
}

// handleDashboardIndex lists the surveys that have dashboards.
func (s *Server) handleDashboardIndex(c *fiber.Ctx) error {
	p := &dashboardIndexPage{staffPage: s.staffPage(c, "Dashboards")}
	for _, sv := range s.surveysForStaff(c.UserContext()) {
		p.Surveys = append(p.Surveys, surveyLink{ID: sv.ID, Title: sv.Title.In("en"), Status: sv.Status})
	}
	return s.render(c, "dashboard-index", p)
}

// publish returns a survey's published results for a request: every figure on the
// results pages comes from it.
func (s *Server) publish(ctx context.Context, survey string, req results.Request) (*results.Report, error) {
	return s.svc.Results.Publish(ctx, survey, req)
}

type option struct {
	Value, Label string
	Selected     bool
}

type filterForm struct {
	Versions, AgeBands, LiveWith, Councils, Regions []option
	From, To                                        string
	Active                                          bool
}

// rowView is one line of a chart's table.
type rowView struct {
	Label, Count, Percent string
	Hidden                bool
}

type gridRowView struct {
	Label, Base string
	Cells       []rowView
}

type chartView struct {
	ID, Title, Note, Base string
	SVG                   template.HTML
	Rows                  []rowView
	Grid                  bool
	Points                []string
	Items                 []gridRowView
}

type themeView struct {
	Label, Count, Percent string
	Hidden                bool
}

type dashboardView struct {
	Base, Level, Note, Methods string
	// Release says which release the figures come from.
	Release                 string
	Demo                    bool
	Months, Weeks, Versions chartView
	AgeBands, LiveWith      chartView
	Charts                  []chartView
	ThemesBase              string
	Themes                  []themeView
	Quotes                  []string
}

type areaChoice struct {
	Label   string
	Options []option
}

type dashboardPage struct {
	staffPage
	SurveyID, SurveyTitle string
	Filters               filterForm
	Errors                *staffErrors
	// Refused explains why no figures are shown for this filter.
	Refused   string
	D         *dashboardView
	CSVHref   string
	Published bool
	Areas     []areaChoice
	// Retention says how long answers are kept and when the next are deleted
	// (facilitators and admins).
	Retention string
}

// dashboardFilter is the filter chosen on the dashboard: at most one condition.
type dashboardFilter struct {
	Version, AgeBand, LiveWith, Area, Region, From, To string
}

func filterOf(c *fiber.Ctx) dashboardFilter {
	q := func(k string) string { return strings.TrimSpace(c.Query(k)) }
	return dashboardFilter{Version: q("version"), AgeBand: q("age_band"), LiveWith: q("live_with"),
		Area: strings.ToUpper(q("area")), Region: strings.ToUpper(q("region")), From: q("from"), To: q("to")}
}

func (f dashboardFilter) request() results.Request {
	return results.Request{Version: f.Version, AgeBand: f.AgeBand, LiveWith: f.LiveWith, Area: f.Area, Region: f.Region, From: f.From, To: f.To}
}

func (f dashboardFilter) query() string {
	v := url.Values{}
	for k, val := range map[string]string{"version": f.Version, "age_band": f.AgeBand, "live_with": f.LiveWith,
		"area": f.Area, "region": f.Region, "from": f.From, "to": f.To} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v.Encode()
}

// handleDashboard shows a survey's dashboard under the filter in the query string.
func (s *Server) handleDashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sv, err := s.svc.Surveys.FindSurvey(ctx, c.Params("survey"))
	if err != nil {
		return err
	}
	f := filterOf(c)
	p := &dashboardPage{staffPage: s.staffPage(c, "Dashboard: "+sv.Title.In("en")), SurveyID: sv.ID, SurveyTitle: sv.Title.In("en")}
	whole, err := s.publish(ctx, sv.ID, results.Request{})
	if err != nil {
		return err
	}
	rep := whole
	status := fiber.StatusOK
	if f != (dashboardFilter{}) {
		rep, err = s.publish(ctx, sv.ID, f.request())
		switch chorus.ErrorCode(err) {
		case "":
		case chorus.EINVALID, chorus.EFORBIDDEN:
			p.Errors = newStaffErrors(err, "version", "age_band", "live_with", "area", "region", "constituency", "from", "to")
			p.Refused = chorus.ErrorMessage(err)
			p.Title = "Error: " + p.Title
			status = fiber.StatusUnprocessableEntity
			rep = nil
		default:
			return err
		}
	}
	p.Filters = filterFormOf(whole, f)
	p.CSVHref = "/dashboard/" + url.PathEscape(sv.ID) + ".csv"
	if q := f.query(); q != "" {
		p.CSVHref += "?" + q
	}
	if rep != nil {
		p.D = dashboardViewOf(sv, rep, s.themeLabels(ctx, sv.ID, "en"))
		quotes, err := s.approvedQuotes(ctx, sv.ID)
		if err != nil {
			return err
		}
		for _, qt := range quotes {
			p.D.Quotes = append(p.D.Quotes, qt.Text)
		}
	}
	pub, err := s.svc.Publications.FindPublication(ctx, sv.ID)
	if err != nil {
		return err
	}
	p.Published = pub.Published
	p.Areas = s.areaChoices()
	if p.Retention, err = s.retentionLine(c, sv); err != nil {
		return err
	}
	return s.render(c.Status(status), "dashboard", p)
}

// handleDashboardCSV exports the dashboard's figures under the same filter, exactly as
// published: aggregated tables only, hidden counts as "c", themes named from the codebook.
func (s *Server) handleDashboardCSV(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sv, err := s.svc.Surveys.FindSurvey(ctx, c.Params("survey"))
	if err != nil {
		return err
	}
	rep, err := s.publish(ctx, sv.ID, filterOf(c).request())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := results.WriteCSV(&buf, report.LabelThemes(rep, s.themeLabels(ctx, sv.ID, "en"))); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+sv.ID+`-results.csv"`)
	return c.Send(buf.Bytes())
}

// handleDashboardPublish publishes or withdraws the survey's "what you told us" page
// for young people, and records it in the audit log.
func (s *Server) handleDashboardPublish(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sv, err := s.svc.Surveys.FindSurvey(ctx, c.Params("survey"))
	if err != nil {
		return err
	}
	publish := c.FormValue("published") == "1"
	if err := s.svc.Publications.SetPublication(ctx, &chorus.Publication{Survey: sv.ID, Published: publish, UpdatedBy: currentUser(c).ID}); err != nil {
		return err
	}
	detail := "results page for young people withdrawn"
	if publish {
		detail = "results page for young people published"
	}
	if err := s.audit(c, chorus.ActionSurveyChange, "survey:"+sv.ID, detail); err != nil {
		return err
	}
	return c.Redirect("/dashboard/"+url.PathEscape(sv.ID)+"#publish", fiber.StatusSeeOther)
}

// filterFormOf builds the filter form from the whole survey's published breakdowns:
// each list offers the groups whose size is shown (the publisher refuses the others),
// and always the one chosen.
func filterFormOf(whole *results.Report, f dashboardFilter) filterForm {
	form := filterForm{From: f.From, To: f.To, Active: f != dashboardFilter{}}
	list := func(cs []results.Count, chosen string) []option {
		var out []option
		found := false
		for _, c := range cs {
			if c.ID == "" || !(c.Count.Shown() && c.Count.N() > 0) && c.ID != chosen {
				continue
			}
			label := c.Label
			if c.ID == chorus.PreferNot {
				label = report.PreferNotLabel
			}
			out = append(out, option{Value: c.ID, Label: label, Selected: c.ID == chosen})
			found = found || c.ID == chosen
		}
		if chosen != "" && !found {
			out = append(out, option{Value: chosen, Label: chosen, Selected: true})
		}
		return out
	}
	form.Versions = list(whole.Versions, f.Version)
	form.AgeBands = list(whole.AgeBands, f.AgeBand)
	form.LiveWith = list(whole.LiveWith, f.LiveWith)
	var councils, regions []results.Count
	for _, a := range whole.Areas {
		c := results.Count{ID: a.Code, Label: a.Name, Count: a.Count}
		switch a.Level {
		case "council":
			councils = append(councils, c)
		case "region":
			regions = append(regions, c)
		}
	}
	form.Councils = list(councils, f.Area)
	form.Regions = list(regions, f.Region)
	return form
}

// areaChoices lists every area a briefing can be made for, grouped.
func (s *Server) areaChoices() []areaChoice {
	var countries []option
	for _, c := range s.svc.Geo.Countries() {
		countries = append(countries, option{Value: c.Code, Label: c.Name})
	}
	out := []areaChoice{{Label: "Country", Options: countries}}
	var regions, councils, consts []option
	for _, r := range s.svc.Geo.Regions() {
		regions = append(regions, option{Value: r.Code, Label: r.Name})
	}
	for _, a := range s.svc.Geo.Areas() {
		councils = append(councils, option{Value: a.Code, Label: a.Name})
	}
	for _, k := range s.svc.Geo.Constituencies() {
		consts = append(consts, option{Value: k.Code, Label: k.Name})
	}
	return append(out, areaChoice{"Regions", regions}, areaChoice{"Councils", councils}, areaChoice{"Westminster constituencies", consts})
}

func rowsOf(bars []report.Bar) []rowView {
	out := make([]rowView, len(bars))
	for i, b := range bars {
		out[i] = rowView{Label: b.Label, Count: b.Count.String(), Percent: report.Percent(b.Percent), Hidden: b.Count.Suppressed()}
	}
	return out
}

func seriesView(id, title string, bars []report.Bar, columns bool) chartView {
	cv := chartView{ID: id, Title: title, Rows: rowsOf(bars)}
	if columns {
		cv.SVG = columnChart("chart-"+id, title, bars)
	} else {
		cv.SVG = barChart("chart-"+id, title, bars)
	}
	return cv
}

func dashboardViewOf(sv *chorus.Survey, rep *results.Report, labels map[string]report.ThemeLabel) *dashboardView {
	v := &dashboardView{Base: rep.Base.String(), Level: rep.Level, Note: rep.Note, Methods: rep.Methods, Demo: rep.ContainsDemo}
	if rep.Release != nil {
		v.Release = "These figures are from the release of " + rep.Release.At.UTC().Format("2 January 2006") +
			": they change only when at least " + strconv.Itoa(rep.Threshold) + " more young people in this group have answered."
	}
	if len(rep.Months) > 0 {
		v.Months = seriesView("months", "Responses by month", report.SeriesOf(rep.Months).Bars, true)
	}
	if len(rep.Weeks) > 0 {
		weeks := report.SeriesOf(rep.Weeks).Bars
		for i := range weeks {
			weeks[i].Label = report.WeekLabel(weeks[i].ID)
		}
		v.Weeks = seriesView("weeks", "Responses by week", weeks, true)
	}
	v.Versions = seriesView("versions", "Responses by version", report.SeriesOf(rep.Versions).Bars, false)
	v.AgeBands = seriesView("age-bands", "Responses by age band", report.SeriesOf(rep.AgeBands).Bars, false)
	v.LiveWith = seriesView("live-with", "Who they live with", report.SeriesOf(rep.LiveWith).Bars, false)
	for _, c := range report.Charts(sv, rep) {
		v.Charts = append(v.Charts, chartViewOf(c))
	}
	if rep.Themes != nil {
		v.ThemesBase = rep.Themes.Answered.String()
	}
	for _, t := range report.Themes(rep.Themes, labels) {
		v.Themes = append(v.Themes, themeView{Label: t.Label, Count: t.Count.String(), Percent: report.Percent(t.Percent), Hidden: t.Count.Suppressed()})
	}
	return v
}

func chartViewOf(c report.Chart) chartView {
	cv := chartView{ID: "q-" + c.ID, Title: c.Title, Note: c.Note, Base: c.Base.String()}
	if c.Kind == chorus.KindGrid {
		cv.Grid, cv.Points = true, c.Points
		for _, it := range c.Items {
			cv.Items = append(cv.Items, gridRowView{Label: it.Label, Base: it.Base.String(), Cells: rowsOf(it.Bars)})
		}
		cv.SVG = stackedChart("chart-"+c.ID, c.Title, c)
		return cv
	}
	cv.Rows = rowsOf(c.Bars)
	cv.SVG = barChart("chart-"+c.ID, c.Title, c.Bars)
	return cv
}
