package report

import (
	"strings"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/results"
)

func shareOf(n, base int) disclosure.Share { return disclosure.SharePolicy{}.Share(n, base, 10) }

// TestSentences checks the headline sentences against the figures they come from: the
// lead measure in words with its comparison, most and least often, differences from
// England, the top theme and the response rate; and that they read in Welsh.
func TestSentences(t *testing.T) {
	s := &chorus.Survey{ID: "s", Title: chorus.Text{"en": "S", "cy": "S"}, Measures: []*chorus.Measure{
		{ID: "life", Label: chorus.Text{"en": "happy with their life overall", "cy": "yn hapus gyda'u bywyd yn gyffredinol"}},
		{ID: "friends", Label: chorus.Text{"en": "happy with their friends", "cy": "yn hapus gyda'u ffrindiau"}},
		{ID: "money", Label: chorus.Text{"en": "happy with their money", "cy": "yn hapus gyda'u harian"}},
	}}
	kent := &results.MeasureArea{Code: "E10000016", Name: "Kent", Level: "council"}
	rep := &results.Report{Base: val(360), Area: &results.ShownArea{Asked: "Kent", Codes: []string{"E10000016"}, Names: []string{"Kent"}},
		Themes: &results.ListReport{Answered: val(200), Options: []results.Count{{ID: "family_contact", Label: "family_contact", Count: val(55)}}},
		Measures: []results.MeasureReport{
			{ID: "life", Label: "happy with their life overall", Share: shareOf(210, 300), Of: kent, VersusEngland: "similar"},
			{ID: "friends", Label: "happy with their friends", Share: shareOf(240, 300), Of: kent, VersusEngland: "higher"},
			{ID: "money", Label: "happy with their money", Share: shareOf(120, 300), Of: kent, VersusEngland: "lower"},
		}}
	in := BriefingInput{Survey: s, Briefing: &chorus.Briefing{ID: "b"}, Report: rep, AreaName: "Kent", AsOf: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC),
		Labels: map[string]ThemeLabel{"family_contact": {Adult: "Contact with family and siblings"}},
		Org:    Org{Name: "Care Voices Together", Contact: "hello@example.org", DayOfAction: "10 March 2027"}, Release: "r1",
		ChildrenIn: func([]string) (int, bool) { return 1896, true }}
	b := ComposeBriefing(in)
	want := []string{
		"About 7 in 10 young people in care in Kent who answered said they are happy with their life overall — similar to England.",
		"They were most often happy with their friends (about 8 in 10) and least often happy with their money (about 4 in 10).",
		"Compared with England, more said they are happy with their friends, and fewer said they are happy with their money.",
		"What they wrote about most was contact with family and siblings (55 young people).",
		"360 young people in Kent answered, about 1 in 5 of the 1,896 children looked after by Kent.",
	}
	if strings.Join(b.Sentences, "\n") != strings.Join(want, "\n") {
		t.Errorf("sentences:\n%s\nwant:\n%s", strings.Join(b.Sentences, "\n"), strings.Join(want, "\n"))
	}
	if b.MadeBy != "Made by Care Voices Together · Contact: hello@example.org · Day of Action 10 March 2027 · Figures as at 6 December 2026 (release r1)" {
		t.Errorf("made by %q", b.MadeBy)
	}
	in.Lang = "cy"
	cy := ComposeBriefing(in)
	if !strings.HasPrefix(cy.Sentences[0], "Dywedodd tua 7 o bob 10 o bobl ifanc mewn gofal yn Kent a atebodd eu bod yn hapus gyda'u bywyd yn gyffredinol — tebyg i Loegr") ||
		!strings.Contains(cy.MadeBy, "6 Rhagfyr 2026") || cy.Title != "Briff Diwrnod Gweithredu: Kent" {
		t.Errorf("Welsh: %q %q %q", cy.Sentences[0], cy.MadeBy, cy.Title)
	}
	// A constituency says which councils run children's services there.
	in.Lang, in.Level, in.AreaName, in.Councils = "en", "constituency", "Middlesbrough and Thornaby East", []string{"Middlesbrough", "Stockton-on-Tees"}
	if got := ComposeBriefing(in).WhyCouncil; got != "Children's services are run by councils, not constituencies: Middlesbrough and Thornaby East is split between 2 councils, Middlesbrough and Stockton-on-Tees, so these are those councils' figures together." {
		t.Errorf("why: %q", got)
	}
	// Half, and a coded extreme, read as sentences.
	rep.Measures[0].Share = shareOf(150, 300)
	if got := ComposeBriefing(in).Sentences[0]; !strings.HasPrefix(got, "Half of the young people in care in Kent") {
		t.Errorf("half: %q", got)
	}
}
