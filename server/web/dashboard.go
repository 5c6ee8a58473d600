package web

import (
	"bytes"
	"context"
	"html/template"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/report"
)

// The facilitator dashboard: a survey's results under filters, every figure through
// disclosure control (package report), as SVG charts with the numbers in tables.
func (s *Server) registerDashboardRoutes() {
	s.app.Get("/dashboard", s.handleDashboardIndex)
	s.app.Get("/dashboard/:survey.csv", s.handleDashboardCSV) // before :survey, which would match it too
	s.app.Get("/dashboard/:survey", s.handleDashboard)
	s.app.Post("/dashboard/:survey/publish", s.handleDashboardPublish)
}

// themeLabels is the hook for theme labels from a survey's codebook. Until the codebook
// service is wired here, themes are named from their ids ("family_contact" →
// "Family contact").
func (s *Server) themeLabels(ctx context.Context, survey string) map[string]report.ThemeLabel {
	return nil
}

// approvedQuotes is the hook for approved quotes (redacted, unflagged, approved by a
// facilitator). Until the quote service is wired here it returns none, and pages show
// no quotes.
func (s *Server) approvedQuotes(ctx context.Context, survey string) ([]report.Quote, error) {
	return nil, nil
}

// surveysForStaff lists every survey staff may report on: all loaded surveys when the
// survey service can list them, else the open ones.
func (s *Server) surveysForStaff(ctx context.Context) []*chorus.Survey {
	if all, ok := s.Surveys.(interface {
		AllSurveys(context.Context) []*chorus.Survey
	}); ok {
		return all.AllSurveys(ctx)
	}
	return s.Surveys.OpenSurveys(ctx)
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
	Label, Count string
	Hidden       bool
}

type dashboardView struct {
	Base     string
	Weeks    chartView
	Versions chartView
	Charts   []chartView
	Themes   []themeView
	Quotes   []string
	Note     string
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
	// Refused explains why no figures are shown for these filters.
	Refused   string
	D         *dashboardView
	CSVHref   string
	Published bool
	Areas     []areaChoice
}

// scopeOf reads the dashboard filters from the query string.
func scopeOf(c *fiber.Ctx) report.Scope {
	q := func(k string) string { return strings.TrimSpace(c.Query(k)) }
	return report.Scope{
		Version: q("version"), AgeBand: q("age"), LiveWith: q("live"),
		Council: strings.ToUpper(q("council")), Region: strings.ToUpper(q("region")),
		From: q("from"), To: q("to"),
	}
}

// queryOf encodes a scope as the dashboard's query string.
func queryOf(sc report.Scope) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("version", sc.Version)
	set("age", sc.AgeBand)
	set("live", sc.LiveWith)
	set("council", sc.Council)
	set("region", sc.Region)
	set("from", sc.From)
	set("to", sc.To)
	return v.Encode()
}

// loadResults is the results loader for one survey.
func (s *Server) loadResults(survey string) report.Loader {
	return func(ctx context.Context, f chorus.Filter) (*chorus.Results, error) {
		if s.Results == nil {
			return nil, chorus.Errorf(chorus.EUNAVAILABLE, "Results are not available yet.")
		}
		return s.Results.Results(ctx, survey, f)
	}
}

// dashboardData checks the scope and composes the dashboard. A refused or invalid
// scope gives no dashboard and the error, with the options of the unfiltered survey.
func (s *Server) dashboardData(ctx context.Context, sv *chorus.Survey, sc report.Scope) (*report.Dashboard, report.Options, error) {
	load := s.loadResults(sv.ID)
	opts, err := report.CheckScope(ctx, load, sv, s.Geo, sc, report.Policy(sv, false))
	if err != nil {
		if code := chorus.ErrorCode(err); code == chorus.EINVALID || code == chorus.EFORBIDDEN {
			if opts.Versions == nil {
				opts, _ = report.CheckScope(ctx, load, sv, s.Geo, report.Scope{}, report.Policy(sv, false))
			}
		}
		return nil, opts, err
	}
	r, err := load(ctx, sc.Filter(s.Geo))
	if err != nil {
		return nil, opts, err
	}
	d, err := report.ComposeDashboard(sv, r, s.themeLabels(ctx, sv.ID))
	return d, opts, err
}

// handleDashboard shows a survey's dashboard under the filters in the query string.
func (s *Server) handleDashboard(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sv, err := s.Surveys.FindSurvey(ctx, c.Params("survey"))
	if err != nil {
		return err
	}
	sc := scopeOf(c)
	p := &dashboardPage{staffPage: s.staffPage(c, "Dashboard: "+sv.Title.In("en")), SurveyID: sv.ID, SurveyTitle: sv.Title.In("en")}
	d, opts, err := s.dashboardData(ctx, sv, sc)
	status := fiber.StatusOK
	switch code := chorus.ErrorCode(err); code {
	case "":
	case chorus.EINVALID, chorus.EFORBIDDEN:
		p.Errors = newStaffErrors(err, "version", "age", "live", "council", "region", "from", "to")
		p.Refused = chorus.ErrorMessage(err)
		p.Title = "Error: " + p.Title
		status = fiber.StatusUnprocessableEntity
		if code == chorus.EFORBIDDEN {
			status = fiber.StatusForbidden
		}
	default:
		return err
	}
	p.Filters = s.filterForm(sv, sc, opts)
	q := queryOf(sc)
	p.CSVHref = "/dashboard/" + url.PathEscape(sv.ID) + ".csv"
	if q != "" {
		p.CSVHref += "?" + q
	}
	if d != nil {
		p.D = dashboardViewOf(d)
		if quotes, err := s.approvedQuotes(ctx, sv.ID); err == nil {
			for _, qt := range quotes {
				p.D.Quotes = append(p.D.Quotes, qt.Text)
			}
		}
	}
	if s.Publications != nil {
		if pub, err := s.Publications.FindPublication(ctx, sv.ID); err == nil {
			p.Published = pub.Published
		}
	}
	p.Areas = s.areaChoices()
	return s.render(c.Status(status), "dashboard", p)
}

// handleDashboardCSV exports the dashboard's figures under the same filters, with the
// same disclosure control: aggregated tables only, hidden counts as "c".
func (s *Server) handleDashboardCSV(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sv, err := s.Surveys.FindSurvey(ctx, c.Params("survey"))
	if err != nil {
		return err
	}
	d, _, err := s.dashboardData(ctx, sv, scopeOf(c))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteChartsCSV(&buf, d); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+sv.ID+`-results.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// handleDashboardPublish publishes or withdraws the survey's "what you told us" page
// for young people, and records it in the audit log.
func (s *Server) handleDashboardPublish(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sv, err := s.Surveys.FindSurvey(ctx, c.Params("survey"))
	if err != nil {
		return err
	}
	if s.Publications == nil {
		return chorus.Errorf(chorus.EUNAVAILABLE, "Publishing is not available.")
	}
	publish := c.FormValue("published") == "1"
	if err := s.Publications.SetPublication(ctx, &chorus.Publication{Survey: sv.ID, Published: publish, UpdatedBy: currentUser(c).ID}); err != nil {
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

// filterForm builds the filter form: each list holds the values that may be offered,
// and always the one chosen.
func (s *Server) filterForm(sv *chorus.Survey, sc report.Scope, opts report.Options) filterForm {
	f := filterForm{From: sc.From, To: sc.To, Active: !sc.IsZero()}
	list := func(values []string, chosen string, label func(string) string) []option {
		if chosen != "" && !slices.Contains(values, chosen) {
			values = append(slices.Clone(values), chosen)
		}
		out := make([]option, 0, len(values))
		for _, v := range values {
			out = append(out, option{Value: v, Label: label(v), Selected: v == chosen})
		}
		return out
	}
	f.Versions = list(opts.Versions, sc.Version, func(id string) string {
		if v := sv.Version(id); v != nil {
			return v.Label.In("en")
		}
		return id
	})
	f.AgeBands = list(opts.AgeBands, sc.AgeBand, func(b string) string { return "Age " + strings.Replace(b, "-", " to ", 1) })
	f.LiveWith = list(opts.LiveWith, sc.LiveWith, func(id string) string {
		if id == chorus.PreferNot {
			return report.PreferNotLabel
		}
		if q := sv.Question(report.LiveWithQuestion); q != nil {
			if o := q.Option(id); o != nil {
				return o.Text.In("en")
			}
		}
		return id
	})
	name := func(code string) string {
		if n := s.Geo.Name(code); n != "" {
			return n
		}
		return code
	}
	f.Councils = list(opts.Councils, sc.Council, name)
	f.Regions = list(opts.Regions, sc.Region, name)
	return f
}

// areaChoices lists every area a briefing can be made for, grouped.
func (s *Server) areaChoices() []areaChoice {
	if s.Geo == nil {
		return nil
	}
	out := []areaChoice{{Label: "Country", Options: []option{{Value: "E92000001", Label: "England"}}}}
	var regions, councils, consts []option
	for _, r := range s.Geo.Regions() {
		regions = append(regions, option{Value: r.Code, Label: r.Name})
	}
	for _, a := range s.Geo.Areas() {
		councils = append(councils, option{Value: a.Code, Label: a.Name})
	}
	for _, k := range s.Geo.Constituencies() {
		consts = append(consts, option{Value: k.Code, Label: k.Name})
	}
	return append(out, areaChoice{"Regions", regions}, areaChoice{"Councils", councils}, areaChoice{"Westminster constituencies", consts})
}

func rowsOf(bars []report.Bar) []rowView {
	out := make([]rowView, len(bars))
	for i, b := range bars {
		out[i] = rowView{Label: b.Label, Count: b.Count.String(), Hidden: b.Count.Suppressed()}
		if b.Percent != nil {
			out[i].Percent = pct(*b.Percent)
		}
	}
	return out
}

func dashboardViewOf(d *report.Dashboard) *dashboardView {
	v := &dashboardView{Base: d.Base.String(), Note: d.Policy.Note()}
	v.Weeks = chartView{ID: "weeks", Title: "Responses by week", Base: d.Weeks.Total.String(), Rows: rowsOf(d.Weeks.Bars),
		SVG: columnChart("chart-weeks", "Responses by week", d.Weeks.Bars)}
	v.Versions = chartView{ID: "versions", Title: "Responses by version", Base: d.Versions.Total.String(), Rows: rowsOf(d.Versions.Bars),
		SVG: barChart("chart-versions", "Responses by version", d.Versions.Bars)}
	for _, c := range d.Charts {
		v.Charts = append(v.Charts, chartViewOf(c))
	}
	for _, t := range d.Themes {
		v.Themes = append(v.Themes, themeView{Label: t.Label, Count: t.Count.String(), Hidden: t.Count.Suppressed()})
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
