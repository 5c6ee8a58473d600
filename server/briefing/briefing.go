// Package briefing makes Day of Action briefings: it publishes an area's results,
// gathers the approved quotes and theme labels, and lays the briefing out (package
// report) for the web pages and PDFs; and it runs batches that make a briefing for every
// Westminster constituency at once, in the background, from one release of the results.
package briefing

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/report"
	"github.com/chorus-voice/chorus/server/results"
)

// Service makes briefings.
type Service struct {
	Surveys chorus.SurveyService
	// Results publishes the live results; Pin, when set, gives a publisher fixed to one
	// release, which batches use so that every briefing in a batch agrees.
	Results results.Publisher
	Pin     func(ctx context.Context, survey string) (*results.Pinned, error)
	Geo     *geo.Geography
	// Children is the number of children looked after per council (nil: unknown).
	Children *geo.LookedAfter
	// Quotes returns a survey's approved quotes; Labels its theme labels in a language.
	Quotes func(ctx context.Context, survey string) ([]report.Quote, error)
	Labels func(ctx context.Context, survey, lang string) map[string]report.ThemeLabel
	// Org says who makes the briefings.
	Org report.Org
	// Batches stores batches of briefings (nil: no batches).
	Batches chorus.BriefingBatchService
	Now     func() time.Time
	Log     *slog.Logger

	// Owner names this instance in batch leases; Lease is how long a lease lasts
	// without renewal (1 minute if zero); Every is how often batches are looked for (2
	// seconds if zero).
	Owner string
	// Ready, if set, blocks until the store is ready; the runner waits for it.
	Ready func(ctx context.Context) error
	Lease time.Duration
	Every time.Duration
	// AfterSave, if set, is called after each save of a batch's progress; returning
	// false stops the batch where it is, holding its lease, as if the process had died.
	// Tests use it.
	AfterSave func(done int) bool

	kick    chan struct{}
	stop    context.CancelFunc
	stopped chan struct{}
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Request is what to publish for a briefing's area: rounded to 5 for readers outside
// the organisation, and limited to a viewer's councils when Limit is not nil.
func Request(b *chorus.Briefing, limit []string) results.Request {
	req := results.Request{RoundTo: 5, Limit: limit}
	switch b.Level {
	case geo.LevelCouncil:
		req.Area = b.Area
	case geo.LevelRegion:
		req.Region = b.Area
	case geo.LevelConstituency:
		req.Constituency = b.Area
	case geo.LevelCountry:
		if b.Area == geo.WalesCode {
			req.Region = b.Area // Wales has no regions: results treat it as one, of its councils
		}
	}
	return req
}

// Compose lays out a briefing in lang from the live results (or, with pub, from a
// pinned release, read at asOf).
func (s *Service) Compose(ctx context.Context, b *chorus.Briefing, req results.Request, lang string) (*report.Briefing, error) {
	return s.compose(ctx, s.Results, b, req, lang, s.now(), "", nil)
}

// batchCache holds what every briefing of a batch shares.
type batchCache struct {
	quotes []report.Quote
	labels map[string]report.ThemeLabel
}

func (s *Service) compose(ctx context.Context, pub results.Publisher, b *chorus.Briefing, req results.Request, lang string,
	asOf time.Time, release string, cache *batchCache) (*report.Briefing, error) {
	sv, err := s.Surveys.FindSurvey(ctx, b.Survey)
	if err != nil {
		return nil, err
	}
	rep, err := pub.Publish(ctx, sv.ID, req)
	if chorus.ErrorCode(err) == chorus.EINVALID {
		// Too few answers in the area (or anywhere) so far: the briefing says so.
		rep, err = &results.Report{Survey: sv.ID, Note: chorus.ErrorMessage(err)}, nil
	}
	if err != nil {
		return nil, err
	}
	if rep.Release != nil {
		// The figures' date is their release's, so that a briefing changes only with a
		// release.
		asOf, release = rep.Release.At, rep.Release.ID
	}
	var quotes []report.Quote
	var labels map[string]report.ThemeLabel
	switch {
	case cache != nil:
		quotes, labels = cache.quotes, cache.labels
	default:
		if s.Quotes != nil {
			if quotes, err = s.Quotes(ctx, sv.ID); err != nil {
				return nil, err
			}
		}
		if s.Labels != nil {
			labels = s.Labels(ctx, sv.ID, lang)
		}
	}
	name := s.Geo.Name(b.Area)
	if name == "" {
		name = b.Area
	}
	var councils []string
	for _, c := range b.Councils {
		councils = append(councils, cmp.Or(s.Geo.Name(c), c))
	}
	in := report.BriefingInput{Survey: sv, Briefing: b, Report: rep, AreaName: name, Labels: labels, Quotes: quotes,
		AsOf: asOf, Release: release, Attribution: s.Geo.Attribution(), Lang: lang, Org: s.Org, Level: b.Level, Councils: councils}
	if s.Children != nil {
		in.ChildrenIn = s.childrenIn
	}
	return report.ComposeBriefing(in), nil
}

// childrenIn is the number of children looked after by councils or regions.
func (s *Service) childrenIn(codes []string) (int, bool) {
	var councils []string
	for _, c := range codes {
		switch s.Geo.Level(c) {
		case geo.LevelCouncil:
			councils = append(councils, c)
		case geo.LevelRegion:
			r, _ := s.Geo.Region(c)
			councils = append(councils, r.Councils...)
		default:
			return 0, false
		}
	}
	return s.Children.Sum(councils)
}

func (s *Service) logger() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// ApprovedQuotes returns a survey's approved quotes (none without a quote service).
// Flagged answers never get here: the quote service refuses to approve them.
func ApprovedQuotes(ctx context.Context, qs chorus.QuoteService, survey string) ([]report.Quote, error) {
	if qs == nil {
		return nil, nil
	}
	list, err := qs.ListApproved(ctx, survey, "")
	if err != nil {
		return nil, err
	}
	out := make([]report.Quote, len(list))
	for i, q := range list {
		out[i] = report.Quote{Question: q.Question, Themes: []string{q.Theme}, Text: q.Text}
	}
	return out, nil
}

// ThemeLabels names a survey's themes from its codebook: the adult label for dashboards
// and briefings, the young label (in lang where the codebook has it, else English) for
// the young people's page (report.Themes picks). It is nil when the survey has no
// codebook; report.Themes then names a theme from its id.
func ThemeLabels(ctx context.Context, cbs chorus.CodebookService, survey, lang string) map[string]report.ThemeLabel {
	if cbs == nil {
		return nil
	}
	cb, err := cbs.FindCodebook(ctx, survey)
	if err != nil {
		return nil
	}
	out := make(map[string]report.ThemeLabel, len(cb.Themes))
	for _, t := range cb.Themes {
		young := t.LabelYoung
		if lang == "cy" && t.LabelYoungCY != "" {
			young = t.LabelYoungCY
		}
		out[t.ID] = report.ThemeLabel{Adult: t.LabelAdult, Young: young}
	}
	return out
}
