package report

import (
	"strings"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/results"
)

func val(n int) disclosure.Value { return disclosure.Policy{}.Count(n) }

var hidden = disclosure.Value{}

func fptr(f float64) *float64 { return &f }

// faces is a 5-point scale question with "I don't want to say".
var faces = &chorus.Question{ID: "future", Kind: chorus.KindScale, Scale: 5, DontWantToSay: true,
	Text: chorus.Text{"en": "How do you feel about your future?", "cy": "Sut wyt ti'n teimlo am dy ddyfodol?"},
	ScaleLabels: []chorus.Text{{"en": "Very worried"}, {"en": "Worried"}, {"en": "In the middle"},
		{"en": "Hopeful", "cy": "Gobeithiol"}, {"en": "Very hopeful", "cy": "Gobeithiol iawn"}}}

func TestPositiveShare(t *testing.T) {
	tests := []struct {
		name     string
		opts     []results.Count
		answered disclosure.Value
		want     string
	}{
		{"OK", []results.Count{{ID: "1", Count: val(10)}, {ID: "2", Count: val(10)}, {ID: "3", Count: val(20)},
			{ID: "4", Count: val(30)}, {ID: "5", Count: val(25)}, {ID: "prefer_not", Count: hidden}}, val(100), "55%"},
		{"ErrPartHidden", []results.Count{{ID: "4", Count: val(30)}, {ID: "5", Count: hidden}}, val(100), ""},
		{"ErrBaseHidden", []results.Count{{ID: "4", Count: val(30)}, {ID: "5", Count: val(30)}}, hidden, ""},
		{"ZeroBase", []results.Count{{ID: "4", Count: val(0)}, {ID: "5", Count: val(0)}}, disclosure.Policy{ShowZero: true}.Count(0), ""},
		{"Rounds", []results.Count{{ID: "4", Count: val(10)}, {ID: "5", Count: val(10)}}, val(30), "67%"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := positive(faces, tc.opts, tc.answered, "en")
			if got := Percent(h.Percent); got != tc.want {
				t.Errorf("share = %q, want %q", got, tc.want)
			}
			if h.Answer != "hopeful or very hopeful" {
				t.Errorf("answer = %q", h.Answer)
			}
		})
	}
	if h := positive(faces, nil, val(10), "cy"); h.Answer != "gobeithiol neu gobeithiol iawn" {
		t.Errorf("Welsh answer = %q", h.Answer)
	}
}

func TestHeadlinesRanksShownOnly(t *testing.T) {
	s := &chorus.Survey{ID: "s", Questions: []*chorus.Question{
		{ID: "matters", Kind: chorus.KindMulti, Text: chorus.Text{"en": "What matters?"}, Options: []chorus.Option{
			{ID: "a", Text: chorus.Text{"en": "A"}}, {ID: "b", Text: chorus.Text{"en": "B"}}, {ID: "c", Text: chorus.Text{"en": "C"}}, {ID: "d", Text: chorus.Text{"en": "D"}}}},
	}}
	rep := &results.Report{Questions: []results.QuestionReport{{ID: "matters", Kind: chorus.KindMulti, Answered: val(100), Options: []results.Count{
		{ID: "a", Count: val(20), Percent: fptr(20)}, {ID: "b", Count: hidden}, {ID: "c", Count: val(60), Percent: fptr(60)},
		{ID: "d", Count: hidden}, {ID: chorus.PreferNot, Count: hidden}}}}}
	g := Headlines(s, rep, "en")
	if len(g) != 1 || g[0].Kind != "multi" {
		t.Fatalf("groups %+v", g)
	}
	var order string
	for _, h := range g[0].Items {
		order += h.Label
	}
	if order != "CABD" {
		t.Errorf("order %q, want CABD: shown by share, hidden after in survey order", order)
	}
}

func TestThemesOrder(t *testing.T) {
	l := &results.ListReport{Answered: val(80), Options: []results.Count{
		{ID: "money_things", Count: hidden}, {ID: "friends", Count: val(20)}, {ID: "family_contact", Count: val(40)},
		{ID: "bullying", Count: hidden}, {ID: "empty", Count: val(0)}, {ID: chorus.ThemeUncoded, Count: val(15)}}}
	got := Themes(l, map[string]ThemeLabel{"family_contact": {Adult: "Contact with family", Young: "Seeing my family"}})
	var ids []string
	for _, t := range got {
		ids = append(ids, t.ID)
	}
	if want := "family_contact friends bullying empty money_things uncoded"; join(ids) != want {
		t.Errorf("order %q, want %q", join(ids), want)
	}
	if got[0].Label != "Contact with family" || got[0].Young != "Seeing my family" || got[1].Label != "Friends" {
		t.Errorf("labels %+v", got[:2])
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func TestInTen(t *testing.T) {
	for pct, want := range map[float64]int{0: 0, 2: 1, 14: 1, 15: 2, 55: 6, 96: 9, 100: 10} {
		if got := InTen(pct); got != want {
			t.Errorf("InTen(%v) = %d, want %d", pct, got, want)
		}
	}
}

func TestComposeBriefingEmpty(t *testing.T) {
	s := &chorus.Survey{ID: "s", Title: chorus.Text{"en": "S"}}
	b := ComposeBriefing(BriefingInput{Survey: s, Briefing: &chorus.Briefing{ID: "b1"}, Report: &results.Report{Note: "Too few."}, AreaName: "Hartlepool"})
	if !b.Empty || b.Reason != "Too few." || b.Title != "Day of Action briefing: Hartlepool" || len(b.Groups) != 0 {
		t.Errorf("empty briefing %+v", b)
	}
}

func TestComposeBriefingQuotes(t *testing.T) {
	s := &chorus.Survey{ID: "s", Title: chorus.Text{"en": "S"}, Questions: []*chorus.Question{
		{ID: ChangeQuestion, Kind: chorus.KindLongText, Text: chorus.Text{"en": "What would make your life better?"}}}}
	rep := &results.Report{Base: val(100), Themes: &results.ListReport{Answered: val(80), Options: []results.Count{
		{ID: "family_contact", Label: "family_contact", Count: val(40)}, {ID: "friends", Label: "friends", Count: val(20)}}}}
	long := strings.Repeat("ŵ", MaxQuoteLen+1)
	quotes := []Quote{
		{Question: ChangeQuestion, Themes: []string{"family_contact"}, Text: long},
		{Question: ChangeQuestion, Themes: []string{"family_contact"}, Text: "See my sister"},
		{Question: ChangeQuestion, Themes: []string{"money_things"}, Text: long + " more"},
		{Question: ChangeQuestion, Themes: []string{"money_things"}, Text: strings.Repeat("ŵ", MaxQuoteLen)},
	}
	b := ComposeBriefing(BriefingInput{Survey: s, Briefing: &chorus.Briefing{ID: "b1"}, Report: rep, AreaName: "Hartlepool", Quotes: quotes,
		Labels: map[string]ThemeLabel{"family_contact": {Adult: "Contact with family and siblings", Young: "Seeing my family"}}})
	if len(b.Themes) != 2 || b.Themes[0].Label != "Contact with family and siblings" || b.Themes[1].Label != "Friends" {
		t.Fatalf("themes %+v, want the codebook's adult label, then one named from its id", b.Themes)
	}
	if got := b.Themes[0].Quotes; len(got) != 1 || got[0] != "See my sister" {
		t.Errorf("theme quotes %q, want the one short enough to print", got)
	}
	if got := b.ChangeQuotes; len(got) != 1 || got[0] != quotes[3].Text {
		t.Errorf("change quotes %q, want only the one of %d characters", got, MaxQuoteLen)
	}
	if got := b.Report.Themes.Options; got[0].Label != "Contact with family and siblings" || got[1].Label != "friends" {
		t.Errorf("CSV theme labels %q, %q: want the codebook's, else the id", got[0].Label, got[1].Label)
	}
	if rep.Themes.Options[0].Label != "family_contact" {
		t.Error("labelling the briefing's themes changed the published report")
	}
}
