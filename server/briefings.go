package main

import (
	"context"

	"github.com/chorus-voice/chorus/server/briefing"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/report"
	"github.com/chorus-voice/chorus/server/results"
)

// openBriefings builds the briefing service (its organisation line from the
// configuration) and starts the background runner of batches of briefings.
func (m *Main) openBriefings(ctx context.Context) {
	svc := &briefing.Service{Surveys: m.Surveys, Geo: m.Geo, Log: m.Log,
		Batches: mongodb.NewBriefingBatches(m.DB),
		Org:     report.Org{Name: m.Config.OrgName, Contact: m.Config.OrgContact}}
	if !m.Config.DayOfAction.IsZero() {
		svc.Org.DayOfAction = m.Config.DayOfAction.Format("2 January 2006")
	}
	if rs, ok := m.HTTP.Results.(*results.Service); ok {
		svc.Results, svc.Pin = rs, rs.Pin
	}
	if cla, err := geo.ChildrenLookedAfter(); err == nil {
		svc.Children = cla
	} else {
		m.Log.Error("children looked after: response rates will not be shown", "err", err)
	}
	svc.Quotes = func(ctx context.Context, survey string) ([]report.Quote, error) {
		return briefing.ApprovedQuotes(ctx, m.HTTP.Quotes, survey)
	}
	svc.Labels = func(ctx context.Context, survey, lang string) map[string]report.ThemeLabel {
		return briefing.ThemeLabels(ctx, m.HTTP.Codebooks, survey, lang)
	}
	svc.Ready = m.DB.WaitReady
	m.HTTP.Briefs = svc
	svc.Start(ctx)
}

// closeBriefings stops the batch runner; a batch in progress resumes at the next start.
func (m *Main) closeBriefings() {
	if m.HTTP != nil && m.HTTP.Briefs != nil {
		m.HTTP.Briefs.Close()
	}
}
