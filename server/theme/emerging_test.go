package theme

import (
	"math"
	"testing"
)

func TestEmergingTerms(t *testing.T) {
	uncoded := []string{
		"The bus pass costs too much",
		"I need a free bus pass",
		"bus passes for care leavers",
		"my bus is always late",
		"I like pizza",
	}
	coded := []string{
		"I like my school and my friends",
		"I want to see my mum",
		"school is ok",
		"more pocket money",
		"I like football with my friends",
		"pizza at school",
	}
	all := append(append([]string{}, uncoded...), coded...)
	terms := EmergingTerms(uncoded, all, 3)
	if len(terms) == 0 {
		t.Fatal("EmergingTerms returned nothing")
	}
	if got, want := terms[0].Text, "bus"; got != want {
		t.Errorf("top term = %q, want %q (terms %+v)", got, want, terms)
	}
	if got, want := terms[0].Count, 4; got != want {
		t.Errorf("count of %q = %d, want %d", terms[0].Text, got, want)
	}
	found := false
	for _, tm := range terms {
		found = found || tm.Text == "bus pass"
		if tm.Score <= 0 {
			t.Errorf("term %+v has a score <= 0", tm)
		}
	}
	if !found {
		t.Errorf("terms = %+v, want the phrase %q among the top 3", terms, "bus pass")
	}
	if len(terms) > 3 {
		t.Errorf("len(terms) = %d, want at most 3", len(terms))
	}
	for i := 1; i < len(terms); i++ {
		if terms[i].Score > terms[i-1].Score {
			t.Errorf("terms not sorted by score: %+v", terms)
		}
	}
}

func TestEmergingTermsRules(t *testing.T) {
	tests := []struct {
		name    string
		uncoded []string
		all     []string
		absent  []string
		present []string
	}{
		{"StopWordsLeftOut", []string{"the the and", "the and of"}, nil, []string{"the", "and", "of"}, nil},
		{"OnceIsNotATerm", []string{"zebra crossing", "nothing here"}, nil, []string{"zebra"}, nil},
		{"NumbersLeftOut", []string{"1000 robux", "1000 robux please"}, nil, []string{"1000"}, []string{"robux"}},
		{"TagsLeftOut", []string{"[name] said so", "[name] and [school]"}, nil, []string{"name", "school"}, nil},
		{"SurfaceFormMostFrequent", []string{"horses", "horses", "horse riding"}, nil, []string{"hors"}, []string{"horses"}},
		{"NotOverRepresented", []string{"school"}, []string{"school", "school", "school"}, []string{"school"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := tt.all
			if all == nil {
				all = append(append([]string{}, tt.uncoded...), "filler text", "more filler", "other words")
			}
			terms := EmergingTerms(tt.uncoded, all, 0)
			texts := map[string]bool{}
			for _, tm := range terms {
				texts[tm.Text] = true
			}
			for _, a := range tt.absent {
				if texts[a] {
					t.Errorf("EmergingTerms = %+v, want no %q", terms, a)
				}
			}
			for _, p := range tt.present {
				if !texts[p] {
					t.Errorf("EmergingTerms = %+v, want %q", terms, p)
				}
			}
		})
	}
}

func TestEmergingTermsEmpty(t *testing.T) {
	if got := EmergingTerms(nil, nil, 5); len(got) != 0 {
		t.Errorf("EmergingTerms(nil, nil) = %+v, want none", got)
	}
}

func TestLogLikelihood(t *testing.T) {
	// A term in 10 of 100 answers and 10 of 1000: a hand-worked G².
	a, b, n1, n2 := 10.0, 10.0, 100.0, 1000.0
	e1 := n1 * (a + b) / (n1 + n2)
	e2 := n2 * (a + b) / (n1 + n2)
	want := 2 * (a*math.Log(a/e1) + b*math.Log(b/e2))
	if got := logLikelihood(a, b, n1, n2); math.Abs(got-want) > 1e-9 || got <= 0 {
		t.Errorf("logLikelihood = %v, want %v", got, want)
	}
	if got := logLikelihood(5, 50, 100, 1000); math.Abs(got) > 1e-9 {
		t.Errorf("logLikelihood of equal rates = %v, want 0", got)
	}
}
