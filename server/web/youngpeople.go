package web

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/report"
	"github.com/chorus-voice/chorus/server/results"
)

// The "what you told us" page for young people: a survey's headline results in easy
// read, rounded and disclosure-controlled like every output, reached from the receipt
// on the thank-you page. It does not exist until a facilitator publishes it.
func (s *Server) registerYoungPeopleRoutes() {
	s.app.Get("/s/:survey/results", s.handleYoungResults)
}

// youngWords are the fixed words of the page in one language.
type youngWords struct {
	Answered, AnsweredFew, Thanks, SaidAbout, InTen, MattersTitle, ChoseThis string
	WroteTitle, WroteIntro, MissingTitle, MissingBody, NotYet, Back          string
	Private                                                                  string
}

var youngEN = &youngWords{
	Answered:     "About {n} children and young people answered “{survey}”.",
	Thanks:       "Thank you for telling us about your life. Here is what you told us.",
	SaidAbout:    "said {answer}",
	InTen:        "{x} in 10 of you",
	MattersTitle: "What you said matters most",
	ChoseThis:    "chose",
	WroteTitle:   "What you wrote about most",
	WroteIntro:   "You wrote about lots of things. These came up the most:",
	MissingTitle: "Why are some things missing?",
	MissingBody:  "We only show a number when enough of you gave an answer, so that nobody can be picked out. Numbers are rounded, so “about 120” could be a few more or a few less.",
	NotYet:       "Not enough of you have answered yet to show the results safely. Please come back later.",
	Private:      "We never show anyone's own answers.",
	Back:         "Back to the start",
}

// youngCY is Welsh; it should be checked by a Welsh speaker.
var youngCY = &youngWords{
	Answered:     "Atebodd tua {n} o blant a phobl ifanc “{survey}”.",
	Thanks:       "Diolch am ddweud wrthym ni am eich bywyd. Dyma beth ddywedoch chi wrthym ni.",
	SaidAbout:    "wedi dweud {answer}",
	InTen:        "{x} o bob 10 ohonoch chi",
	MattersTitle: "Beth ddywedoch chi sydd bwysicaf",
	ChoseThis:    "wedi dewis",
	WroteTitle:   "Beth ysgrifennoch chi amdano fwyaf",
	WroteIntro:   "Ysgrifennoch chi am lawer o bethau. Dyma'r rhai a ddaeth i fyny fwyaf:",
	MissingTitle: "Pam mae rhai pethau ar goll?",
	MissingBody:  "Dim ond pan fydd digon ohonoch chi wedi rhoi ateb rydyn ni'n dangos rhif, fel nad oes neb yn gallu cael ei adnabod. Mae'r rhifau wedi'u talgrynnu, felly gallai “tua 120” fod ychydig yn fwy neu ychydig yn llai.",
	NotYet:       "Dydy digon ohonoch chi ddim wedi ateb eto i ddangos y canlyniadau'n ddiogel. Dewch yn ôl yn nes ymlaen.",
	Private:      "Dydyn ni byth yn dangos atebion un person.",
	Back:         "Yn ôl i'r dechrau",
}

func youngWordsFor(lang string) *youngWords {
	if lang == "cy" {
		return youngCY
	}
	return youngEN
}

// youngFigure is one easy-read figure: "8 in 10" of you said "happy" about "My friends".
type youngFigure struct {
	InTen, Label, Said string
}

type youngGroup struct {
	Title   string
	Multi   bool
	Figures []youngFigure
}

type youngPage struct {
	Page
	W                          *words
	Y                          *youngWords
	SurveyID, Intro, StartHref string
	Empty                      bool
	Groups                     []youngGroup
	Themes                     []string
	Langs                      []langLink
}

// handleYoungResults shows the published "what you told us" page; 404 until published.
func (s *Server) handleYoungResults(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sv, err := s.findSurvey(c)
	if err != nil {
		return err
	}
	notFound := chorus.Errorf(chorus.ENOTFOUND, "The results are not ready yet. Please come back later.")
	pub, err := s.svc.Publications.FindPublication(ctx, sv.ID)
	if err != nil {
		return err
	}
	if !pub.Published {
		return notFound
	}
	lang := pickLang(sv, c.Query("lang"))
	w, yw := wordsFor(lang), youngWordsFor(lang)
	rep, err := s.publish(ctx, sv.ID, results.RequestFor(results.Request{}, nil, true))
	if err != nil {
		return err
	}
	empty := rep.Base.Suppressed() || rep.Base.N() == 0
	p := &youngPage{Page: s.respondentPage(c, w.Results+": "+sv.Title.In(lang), lang), W: w, Y: yw, SurveyID: sv.ID,
		Empty: empty, StartHref: surveyPath(sv.ID) + langQuery(sv, lang, "?"),
		Langs: langLinks(sv, lang, surveyPath(sv.ID, "results"))}
	p.Intro = strings.NewReplacer("{n}", rep.Base.String(), "{survey}", sv.Title.In(lang)).Replace(yw.Answered)
	if empty {
		return s.render(c, "results-young", p)
	}
	for _, g := range report.Headlines(sv, rep, lang) {
		yg := youngGroup{Title: g.Title, Multi: g.Kind == "multi"}
		if yg.Multi {
			yg.Title = yw.MattersTitle
		}
		for _, h := range g.Items {
			if h.Percent == nil {
				continue // hidden: children get no "c", only the note on why some are missing
			}
			n := report.InTen(*h.Percent)
			if n == 0 {
				continue
			}
			f := youngFigure{InTen: strings.Replace(yw.InTen, "{x}", strconv.Itoa(n), 1), Label: h.Label}
			if yg.Multi {
				f.Said = yw.ChoseThis
			} else {
				f.Said = strings.Replace(yw.SaidAbout, "{answer}", h.Answer, 1)
			}
			yg.Figures = append(yg.Figures, f)
			if yg.Multi && len(yg.Figures) == report.TopAnswers {
				break
			}
		}
		if len(yg.Figures) > 0 {
			p.Groups = append(p.Groups, yg)
		}
	}
	for _, t := range report.Themes(rep.Themes, s.themeLabels(ctx, sv.ID, lang)) {
		if t.Count.Suppressed() || t.ID == chorus.ThemeUncoded || len(p.Themes) == report.TopThemes {
			break
		}
		p.Themes = append(p.Themes, t.Young)
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return s.render(c, "results-young", p)
}
