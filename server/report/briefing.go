package report

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/results"
)

// ChangeQuestion is the id of the free-text question that asks what would make young
// people's lives better; a survey without it uses its first long free-text question.
const ChangeQuestion = "better"

// Briefing limits: how much a one-page briefing shows. A briefing prints only quotes of
// at most MaxQuoteLen characters, so that every top theme and what young people want
// changed fit on the page whatever was approved; a facilitator approves an excerpt of a
// longer answer.
const (
	TopThemes       = 5
	QuotesPerTheme  = 1
	TopAnswers      = 5
	MaxChangeQuotes = 3
	MaxQuoteLen     = 160
)

// Quote is an approved, redacted quote from a young person, with the question it
// answered and the themes it was tagged with.
type Quote struct {
	Question string
	Themes   []string
	Text     string
}

// BriefingInput is what a briefing is laid out from.
type BriefingInput struct {
	Survey   *chorus.Survey
	Briefing *chorus.Briefing
	// Report is the published results for the briefing's area, rounded for readers
	// outside the organisation.
	Report *results.Report
	// AreaName names the area asked about.
	AreaName string
	// Labels names the survey's themes (from its codebook); may be nil.
	Labels map[string]ThemeLabel
	// Quotes are the survey's approved quotes; the briefing picks a few.
	Quotes []Quote
	// AsOf is when the figures were read.
	AsOf        time.Time
	Attribution string
}

// Briefing is a Day of Action briefing laid out for HTML, PDF or CSV.
type Briefing struct {
	ID, Title, SurveyTitle string
	// AreaName is the area asked about; ShownName the area or areas whose results are
	// shown, which are wider when the area had too few answers (see Reason).
	AreaName, ShownName string
	RolledUp            bool
	// Empty is true when too few young people answered to show any results.
	Empty  bool
	Reason string
	AsOf   time.Time
	// Base is the number of young people whose answers the briefing shows.
	Base disclosure.Value
	// Groups are the headline figures, one group per question.
	Groups []Group
	// Themes are the most common themes in what young people wrote, with quotes.
	Themes []BriefingTheme
	// Changes are what young people want changed: approved quotes answering the change
	// question, under its wording (ChangeTitle).
	ChangeTitle  string
	ChangeQuotes []string
	// Who answered: by age band and by who they live with (base sizes).
	AgeBands, LiveWith Series
	// Methods are sentences for the methods note; Wordings lists the questions that
	// versions worded differently.
	Methods     []string
	Wordings    []Wording
	Attribution string
	DemoData    bool
	// Report is the published results the briefing is laid out from (its CSV), with the
	// themes named by their labels.
	Report *results.Report
}

// BriefingTheme is a top theme with its approved quotes.
type BriefingTheme struct {
	Theme
	Quotes []string
}

// Wording is a question that versions word differently, with each wording.
type Wording struct {
	Question string
	Texts    []string // "“wording” (version; version)"
}

// ComposeBriefing lays out a briefing from its published results.
func ComposeBriefing(in BriefingInput) *Briefing {
	s, b, rep := in.Survey, in.Briefing, in.Report
	out := &Briefing{
		ID: b.ID, Title: b.Title, SurveyTitle: s.Title.In("en"), AreaName: in.AreaName, ShownName: in.AreaName,
		Reason: rep.Note, AsOf: in.AsOf, Base: rep.Base, Attribution: in.Attribution, DemoData: rep.ContainsDemo,
		Report: LabelThemes(rep, in.Labels),
	}
	if out.Title == "" {
		out.Title = "Day of Action briefing: " + in.AreaName
	}
	if rep.Area != nil && len(rep.Area.Names) > 0 {
		out.ShownName = joinAnd(rep.Area.Names)
		out.RolledUp = rep.Note != ""
	}
	out.Empty = rep.Base.Suppressed() || rep.Base.N() == 0
	if out.Empty {
		if out.Reason == "" {
			out.Reason = fmt.Sprintf("Too few young people have answered so far to show results for %s without risking someone being identified.", in.AreaName)
		}
		out.Methods = briefingMethods(s, out, rep)
		return out
	}
	out.Groups = Headlines(s, rep, "en")
	quotes := slices.DeleteFunc(slices.Clone(in.Quotes), func(q Quote) bool { return !FitsBriefing(q.Text) })
	quotesFor := quotePicker(quotes)
	for _, t := range Themes(rep.Themes, in.Labels) {
		if len(out.Themes) == TopThemes || t.Count.Suppressed() || t.ID == chorus.ThemeUncoded {
			break
		}
		out.Themes = append(out.Themes, BriefingTheme{Theme: t, Quotes: quotesFor(t.ID, QuotesPerTheme)})
	}
	if cq := changeQuestion(s); cq != nil {
		out.ChangeTitle = cq.Text.In("en")
		for _, q := range quotes {
			if q.Question == cq.ID && len(out.ChangeQuotes) < MaxChangeQuotes && !used(out.Themes, q.Text) {
				out.ChangeQuotes = append(out.ChangeQuotes, q.Text)
			}
		}
	}
	out.AgeBands, out.LiveWith = SeriesOf(rep.AgeBands), SeriesOf(rep.LiveWith)
	for _, qr := range rep.Questions {
		// Only the questions whose figures the briefing shows: their wordings explain them.
		if len(qr.Wordings) < 2 || !slices.ContainsFunc(out.Groups, func(g Group) bool { return g.Question == qr.ID }) {
			continue
		}
		w := Wording{Question: qr.Text}
		for _, wd := range qr.Wordings {
			var labels []string
			for _, id := range wd.Versions {
				if v := s.Version(id); v != nil {
					labels = append(labels, v.Label.In("en"))
				} else {
					labels = append(labels, id)
				}
			}
			w.Texts = append(w.Texts, "“"+wd.Text+"” ("+strings.Join(labels, "; ")+")")
		}
		out.Wordings = append(out.Wordings, w)
	}
	out.Methods = briefingMethods(s, out, rep)
	return out
}

// FitsBriefing reports whether an approved quote is short enough for briefings to print.
func FitsBriefing(quote string) bool {
	return utf8.RuneCountInString(quote) <= MaxQuoteLen
}

// changeQuestion returns the survey's "what would make your life better" question.
func changeQuestion(s *chorus.Survey) *chorus.Question {
	if q := s.Question(ChangeQuestion); q != nil && (q.Kind == chorus.KindLongText || q.Kind == chorus.KindShortText) {
		return q
	}
	for _, q := range s.Questions {
		if q.Kind == chorus.KindLongText {
			return q
		}
	}
	return nil
}

// quotePicker returns a function giving up to n quotes tagged with a theme, each quote
// used once.
func quotePicker(quotes []Quote) func(theme string, n int) []string {
	taken := map[int]bool{}
	return func(theme string, n int) []string {
		var out []string
		for i, q := range quotes {
			if len(out) == n {
				break
			}
			if !taken[i] && slices.Contains(q.Themes, theme) {
				taken[i] = true
				out = append(out, q.Text)
			}
		}
		return out
	}
}

func used(themes []BriefingTheme, text string) bool {
	for _, t := range themes {
		if slices.Contains(t.Quotes, text) {
			return true
		}
	}
	return false
}

// briefingMethods writes the methods note.
func briefingMethods(s *chorus.Survey, b *Briefing, rep *results.Report) []string {
	var m []string
	date := b.AsOf.UTC().Format("2 January 2006")
	if b.Empty {
		m = append(m, fmt.Sprintf("Figures as at %s from the anonymous survey “%s”.", date, b.SurveyTitle))
	} else {
		m = append(m, fmt.Sprintf("These are the answers of %s young people in %s to the anonymous survey “%s”, as at %s. Nobody was asked their name, and no figure here describes a single young person.",
			b.Base, b.ShownName, b.SurveyTitle, date))
	}
	if b.RolledUp || (b.Empty && b.Reason != "") {
		m = append(m, b.Reason)
	}
	if len(s.Versions) > 1 {
		var labels []string
		for _, v := range s.Versions {
			labels = append(labels, v.Label.In("en"))
		}
		m = append(m, fmt.Sprintf("Answers from the survey's %d versions, written for different ages and reading needs, are added together (%s). Each question means the same in every version; where the words differ, they are listed below.",
			len(s.Versions), strings.Join(labels, "; ")))
	}
	m = append(m, rep.Methods)
	m = append(m, "Headline shares for scales count the answers above the middle of the scale (such as “happy” and “very happy”), out of everyone who answered, including those who preferred not to say; they are worked out from the rounded numbers, and shown as c when a part is hidden.")
	if len(b.Themes) > 0 {
		m = append(m, "Themes count the young people whose written answers mention each theme, from the survey's codebook; one young person can mention several. Quotes appear only after a facilitator has approved them, with names and other details removed.")
	}
	if b.DemoData {
		m = append(m, "These results include synthetic demo responses, not real young people's answers.")
	}
	return m
}

func joinAnd(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
