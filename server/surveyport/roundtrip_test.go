package surveyport

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/surveyfile"
)

// shippedSurveys loads every survey that ships in surveys/, with the council areas,
// as `chorus survey export` does. The round trips are generic over what they hold.
func shippedSurveys(t *testing.T) []*chorus.Survey {
	t.Helper()
	g, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	list, err := surveyfile.LoadDir("../../surveys", g.Areas())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatal("no shipped survey")
	}
	return list
}

func TestRoundTripXLSForm(t *testing.T) {
	for _, want := range shippedSurveys(t) {
		t.Run(want.ID, func(t *testing.T) {
			var buf bytes.Buffer
			skips, err := WriteXLSForm(&buf, want.ID+".yaml", want)
			if err != nil {
				t.Fatal(err)
			}
			exportLinesNamed(t, want, skips)
			got, importSkips, err := ReadXLSForm(want.ID+".xlsx", &buf)
			if err != nil {
				t.Fatal(err)
			}
			for _, sk := range importSkips {
				if !strings.Contains(sk.What, "became the id") { // ids that start with a digit
					t.Errorf("re-import skipped something: %s", sk)
				}
			}
			mustValidate(t, got, want.ID+".xlsx")
			equivalent(t, got, want)
		})
	}
}

func TestRoundTripSurveyJS(t *testing.T) {
	for _, want := range shippedSurveys(t) {
		t.Run(want.ID, func(t *testing.T) {
			var buf bytes.Buffer
			skips, err := WriteSurveyJS(&buf, want.ID+".yaml", want)
			if err != nil {
				t.Fatal(err)
			}
			exportLinesNamed(t, want, skips)
			got, importSkips, err := ReadSurveyJS(want.ID+".json", buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			for _, sk := range importSkips {
				t.Errorf("re-import skipped something: %s", sk)
			}
			mustValidate(t, got, want.ID+".json")
			equivalent(t, got, want)
		})
	}
}

// exportLinesNamed checks that the export reports each wording and risk signal it drops.
func exportLinesNamed(t *testing.T, s *chorus.Survey, skips []Skip) {
	t.Helper()
	for _, q := range s.Questions {
		if len(q.Wording) > 0 && !slices.ContainsFunc(skips, func(sk Skip) bool { return sk.Where == q.ID && strings.Contains(sk.What, "wording") }) {
			t.Errorf("%s has version wordings but the export does not say they were left out", q.ID)
		}
	}
}

// equivalent compares what an XLSForm or SurveyJS round trip keeps: ids, kinds,
// options, items, scales, conditions, limits and the words in every language.
func equivalent(t *testing.T, got, want *chorus.Survey) {
	t.Helper()
	if got.ID != want.ID {
		t.Errorf("id %q, want %q", got.ID, want.ID)
	}
	if !slices.Equal(got.Languages, want.Languages) {
		t.Errorf("languages %v, want %v", got.Languages, want.Languages)
	}
	sameText(t, "intro", got.Intro, want.Intro, want.Languages)
	var gotIDs, wantIDs []string
	for _, q := range got.Questions {
		gotIDs = append(gotIDs, q.ID)
	}
	for _, q := range want.Questions {
		wantIDs = append(wantIDs, q.ID)
	}
	if !slices.Equal(gotIDs, wantIDs) {
		t.Fatalf("question ids %v, want %v", gotIDs, wantIDs)
	}
	for i, w := range want.Questions {
		g := got.Questions[i]
		at := w.ID
		check := func(what string, gv, wv any) {
			if fmt.Sprint(gv) != fmt.Sprint(wv) {
				t.Errorf("%s: %s %v, want %v", at, what, gv, wv)
			}
		}
		check("kind", g.Kind, w.Kind)
		check("required", g.Required, w.Required)
		check("scale", g.Scale, w.Scale)
		check("max_choices", g.MaxChoices, w.MaxChoices)
		check("max_length", g.MaxLength, w.MaxLength)
		check("min/max", [2]int{g.Min, g.Max}, [2]int{w.Min, w.Max})
		if w.Kind != chorus.KindNumber {
			check("dont_want_to_say", g.DontWantToSay, w.DontWantToSay)
		}
		check("show_if", condString(g.ShowIf), condString(w.ShowIf))
		sameText(t, at+" text", g.Text, w.Text, want.Languages)
		sameText(t, at+" help", g.Help, w.Help, want.Languages)
		if w.Kind != chorus.KindArea {
			sameOptions(t, at+" options", g.Options, w.Options, want.Languages)
		}
		sameOptions(t, at+" items", g.Items, w.Items, want.Languages)
		if len(g.ScaleLabels) != len(w.ScaleLabels) {
			t.Errorf("%s: %d scale labels, want %d", at, len(g.ScaleLabels), len(w.ScaleLabels))
			continue
		}
		for k := range w.ScaleLabels {
			sameText(t, fmt.Sprintf("%s scale label %d", at, k+1), g.ScaleLabels[k], w.ScaleLabels[k], want.Languages)
		}
	}
}

func condString(c *chorus.Condition) string {
	if c == nil {
		return "always"
	}
	return c.Question + " in " + strings.Join(c.Equals, ",")
}

func sameText(t *testing.T, what string, got, want chorus.Text, langs []string) {
	t.Helper()
	for _, l := range langs {
		if got[l] != want[l] {
			t.Errorf("%s [%s]: %q, want %q", what, l, got[l], want[l])
		}
	}
}

func sameOptions(t *testing.T, what string, got, want []chorus.Option, langs []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d, want %d", what, len(got), len(want))
		return
	}
	for i := range want {
		if got[i].ID != want[i].ID {
			t.Errorf("%s %d: id %q, want %q", what, i, got[i].ID, want[i].ID)
		}
		sameText(t, what+" "+want[i].ID, got[i].Text, want[i].Text, langs)
	}
}
