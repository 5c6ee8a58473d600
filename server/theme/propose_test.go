package theme

import (
	"os"
	"slices"
	"strings"
	"testing"
)

const proposeCodebook = `survey: s
themes:
  - id: say
    label_young: Say
    label_adult: Having a say
    terms:
      - listen
      - voice
  - id: money
    label_young: Money
    label_adult: Money
    terms:
      - money
      - phone
  - id: flow
    label_young: Flow
    label_adult: Flow
    terms: [box, boxes]
`

func reviewed(text string, themes ...string) Reviewed { return Reviewed{Text: text, Themes: themes} }

func TestPropose(t *testing.T) {
	tests := []struct {
		name    string
		reviews []Reviewed
		want    []Proposal // Theme, Change, Term, Fixes, Breaks
		diff    []string   // lines the first proposal's diff must contain
	}{
		{
			name: "AddTermForMissedAnswers",
			reviews: []Reviewed{
				reviewed("nobody told me why I moved", "say"),
				reviewed("I was not told about my review", "say"),
				reviewed("they told me nothing", "say"),
				reviewed("my mum told me a story"),
			},
			want: []Proposal{{Theme: "say", Change: AddTerm, Term: "told", Fixes: 3, Breaks: 1}},
			diff: []string{"--- a/c.codebook.yaml", "+++ b/c.codebook.yaml", "@@ -6,6 +6,7 @@", "       - voice", "+      - told", "   - id: money"},
		},
		{
			name: "PairWhenTheWordAloneBreaksMore",
			reviews: []Reviewed{
				reviewed("I get no say at all", "say"),
				reviewed("no say in where I live", "say"),
				reviewed("they say I am fine"),
				reviewed("I say thank you"),
				reviewed("what can I say"),
			},
			want: []Proposal{{Theme: "say", Change: AddTerm, Term: "no say", Fixes: 2, Breaks: 0}},
		},
		{
			name: "RemoveTermThatCausedWrongTags",
			reviews: []Reviewed{
				reviewed("I phone my mum"),
				reviewed("phone my brother on sundays"),
				reviewed("a new phone please", "money"),
				reviewed("more money", "money"),
			},
			want: []Proposal{{Theme: "money", Change: RemoveTerm, Term: "phone", Fixes: 2, Breaks: 1}},
			diff: []string{"@@ -11,7 +11,6 @@", "-      - phone"},
		},
		{
			name: "OneAnswerIsNotEnough",
			reviews: []Reviewed{
				reviewed("nobody told me", "say"),
				reviewed("I phone my mum"),
			},
		},
		{
			name: "NothingWhenAsManyBreakAsFix",
			reviews: []Reviewed{
				reviewed("nobody told me", "say"),
				reviewed("I was not told", "say"),
				reviewed("she told a joke"),
				reviewed("I told my friend"),
			},
		},
		{
			name: "AgreedAnswersGiveNothing",
			reviews: []Reviewed{
				reviewed("they never listen", "say"),
				reviewed("more money", "money"),
				reviewed("pizza"),
			},
		},
		{
			name: "FlowListHasNoFile",
			reviews: []Reviewed{
				reviewed("a box of chocolates"),
				reviewed("my box of things"),
			},
			want: []Proposal{{Theme: "flow", Change: RemoveTerm, Term: "box", Fixes: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Propose("surveys/c.codebook.yaml", []byte(proposeCodebook), tt.reviews, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Propose = %+v, want %+v", brief(got), tt.want)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Theme != w.Theme || g.Change != w.Change || g.Term != w.Term || g.Fixes != w.Fixes || g.Breaks != w.Breaks {
					t.Errorf("proposal %d = %+v, want %+v", i, brief(got)[i], w)
				}
				if g.Theme == "flow" {
					if g.File != nil || g.Diff != "" {
						t.Errorf("a term in a flow list got a file edit:\n%s", g.Diff)
					}
					continue
				}
				if _, err := Load("c", g.File); err != nil {
					t.Errorf("the changed file does not load: %v", err)
				}
			}
			if len(got) > 0 {
				for _, l := range tt.diff {
					if !slices.Contains(strings.Split(got[0].Diff, "\n"), l) {
						t.Errorf("diff has no line %q:\n%s", l, got[0].Diff)
					}
				}
			}
		})
	}
}

func brief(ps []Proposal) []Proposal {
	out := make([]Proposal, len(ps))
	for i, p := range ps {
		out[i] = Proposal{Theme: p.Theme, Change: p.Change, Term: p.Term, Fixes: p.Fixes, Breaks: p.Breaks}
	}
	return out
}

// TestProposeChangedFileTagsAsCounted checks an accepted proposal does what
// its counts say when the changed file is loaded.
func TestProposeChangedFileTagsAsCounted(t *testing.T) {
	reviews := []Reviewed{
		reviewed("nobody told me why", "say"),
		reviewed("not told anything", "say"),
		reviewed("they told me", "say"),
	}
	got, err := Propose("c.yaml", []byte(proposeCodebook), reviews, 1)
	if err != nil || len(got) != 1 {
		t.Fatalf("Propose = %+v, %v; want one proposal", brief(got), err)
	}
	cb, err := Load("c.yaml", got[0].File)
	if err != nil {
		t.Fatal(err)
	}
	m := cb.Compile()
	for _, r := range reviews {
		if tags := m.Tag(r.Text); !slices.Equal(tags, r.Themes) {
			t.Errorf("changed codebook tags %q as %q, want %q", r.Text, tags, r.Themes)
		}
	}
}

func TestProposeBadFile(t *testing.T) {
	if _, err := Propose("c.yaml", []byte("survey: s\n"), nil, 0); err == nil || !strings.HasPrefix(err.Error(), "c.yaml:") {
		t.Errorf("Propose error = %v, want the load error", err)
	}
}

func TestYAMLText(t *testing.T) {
	for in, want := range map[string]string{"told": "told", "no say": "no say", "no": `"no"`, "18": `"18"`, "a: b": `"a: b"`, "dont listen": "dont listen"} {
		if got := yamlText(in); got != want {
			t.Errorf("yamlText(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzPropose: any reviewed words give proposals whose changed files load and
// whose counts hold.
func FuzzPropose(f *testing.F) {
	f.Add("nobody told me", "I was not told", "they told me", "say")
	f.Add("phone my mum", "I phone her", "new phone", "money")
	f.Add("[name] ’ '", "\xff", "- told: x", "flow")
	f.Fuzz(func(t *testing.T, a, b, c, th string) {
		reviews := []Reviewed{reviewed(a, th), reviewed(b, th), reviewed(c)}
		got, err := Propose("c.yaml", []byte(proposeCodebook), reviews, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range got {
			if p.Fixes < minEvidence || p.Fixes <= p.Breaks {
				t.Fatalf("proposal %+v does not meet the bar", brief([]Proposal{p}))
			}
			if p.File != nil {
				if _, err := Load("c.yaml", p.File); err != nil {
					t.Fatalf("proposal %q: changed file does not load: %v", p.Term, err)
				}
			}
		}
	})
}

// BenchmarkPropose works out suggestions from about a thousand reviewed answers
// (the evaluation quotes four times over) against the shipped codebook.
func BenchmarkPropose(b *testing.B) {
	data, err := os.ReadFile(shippedCodebook)
	if err != nil {
		b.Fatal(err)
	}
	var rs []Reviewed
	for range 4 {
		for _, q := range readQuotes(b) {
			rs = append(rs, Reviewed{Text: q.text, Themes: q.themes})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Propose("c.yaml", data, rs, 20); err != nil {
			b.Fatal(err)
		}
	}
}
