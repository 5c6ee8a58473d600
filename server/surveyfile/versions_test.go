package surveyfile

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
)

// versionTexts lists what a version shows a reader in one language: each question's
// words and help, and the words of every option and grid item it offers, keyed so that
// two versions' texts can be compared one by one.
func versionTexts(s *chorus.Survey, v *chorus.Version, lang string) (keys []string, texts map[string]string) {
	texts = map[string]string{}
	add := func(key, text string) {
		keys = append(keys, key)
		texts[key] = text
	}
	for _, id := range v.Questions {
		q := s.Question(id)
		add(id, q.TextFor(v.ID, lang))
		if h := q.HelpFor(v.ID, lang); h != "" {
			add(id+"#help", h)
		}
		for _, o := range q.OptionsFor(v) {
			add(id+"/"+o.ID, o.TextFor(v.ID, lang))
		}
		for _, it := range q.ItemsFor(v) {
			add(id+"."+it.ID, it.TextFor(v.ID, lang))
		}
	}
	return keys, texts
}

// upperAge returns the oldest age of a version's band ("13-17" → 17).
func upperAge(v *chorus.Version) int {
	_, hi, _ := strings.Cut(v.AgeBand, "-")
	n, _ := strconv.Atoi(hi)
	return n
}

// TestVersionsFitTheirReaders checks that no age version asks what is meant for another
// age: nothing about leaving care or personal advisers below 18, nothing about placement
// moves, independence or life online below 13, nothing about school or children's ages
// for care leavers, and few questions for the youngest.
func TestVersionsFitTheirReaders(t *testing.T) {
	s, err := LoadFile(example, areas)
	if err != nil {
		t.Fatal(err)
	}
	rules := []struct {
		name      string
		applies   func(v *chorus.Version) bool
		words     []string // in any language, case-insensitive
		questions []string
	}{
		{
			name:      "leaving care, only for care leavers",
			applies:   func(v *chorus.Version) bool { return upperAge(v) < 18 },
			words:     []string{"personal adviser", "leaving care", "left care", "leave care", "care leaver", "after care", "cynghorydd personol", "gadael gofal", "ar ôl gofal", "samaritans", "18 to 20", "21 to 25"},
			questions: []string{"pa_contact", "left_care_timing", "home_right", "money_coping", "doing_now", "lonely"},
		},
		{
			name:      "teenage topics, not for children under 13",
			applies:   func(v *chorus.Version) bool { return upperAge(v) < 13 },
			words:     []string{"online", "ar-lein", "moved home", "symud cartref", "13 to 15", "16 or 17"},
			questions: []string{"placement_moves", "independence", "online_safe", "future_hopes"},
		},
		{
			name:      "children's topics, not for care leavers",
			applies:   func(v *chorus.Version) bool { return upperAge(v) >= 18 },
			words:     []string{"school", "ysgol", "8 to 10", "11 or 12", "13 to 15", "16 or 17", "childline"},
			questions: []string{"know_social_worker", "explained_care", "placement_moves", "independence", "life_happy_3"},
		},
	}
	for _, v := range s.Versions {
		for _, r := range rules {
			if !r.applies(v) {
				continue
			}
			for _, id := range r.questions {
				if slices.Contains(v.Questions, id) {
					t.Errorf("%s asks %s (%s)", v.ID, id, r.name)
				}
			}
			for _, lang := range s.Languages {
				keys, texts := versionTexts(s, v, lang)
				for _, key := range keys {
					low := " " + strings.ToLower(texts[key])
					for _, w := range r.words {
						if strings.Contains(low, " "+w) {
							t.Errorf("%s %s %s says %q (%s): %q", v.ID, lang, key, w, r.name, texts[key])
						}
					}
				}
			}
		}
	}
	young := s.Version("4-7-assisted")
	if !young.AdultAssisted || len(young.Questions) > 7 {
		t.Errorf("the 4-7 version asks %d questions (adult-assisted %v); want at most 7 with an adult", len(young.Questions), young.AdultAssisted)
	}
	for _, id := range young.Questions {
		if q := s.Question(id); q.Kind == chorus.KindGrid && q.Scale != 3 {
			t.Errorf("the 4-7 version's grid %s has %d points; want 3 faces", id, q.Scale)
		}
	}
	// No two age versions ask the same questions with the same options: each is
	// written for its own age.
	seen := map[string]string{}
	for _, v := range s.Versions {
		keys, _ := versionTexts(s, v, "en")
		sig := strings.Join(keys, " ")
		if other, dup := seen[sig]; dup && s.Version(other).AgeBand != v.AgeBand {
			t.Errorf("%s asks the same questions with the same options as %s", v.ID, other)
		}
		seen[sig] = v.ID
	}
	for _, v := range s.Versions {
		if upperAge(v) >= 18 && slices.ContainsFunc(s.Question("live_with").OptionsFor(v), func(o chorus.Option) bool { return o.ID == "childrens_home" }) {
			t.Errorf("%s offers care leavers a children's home", v.ID)
		}
	}
}

// TestEasyReadTwinsDiffer checks that each easy-read version asks the same questions as
// its twin (so answers pool) in different words: most of its texts differ, in every language.
func TestEasyReadTwinsDiffer(t *testing.T) {
	s, err := LoadFile(example, areas)
	if err != nil {
		t.Fatal(err)
	}
	twins := 0
	for _, easy := range s.Versions {
		if !easy.EasyRead {
			continue
		}
		i := slices.IndexFunc(s.Versions, func(v *chorus.Version) bool {
			return !v.EasyRead && !v.AdultAssisted && v.AgeBand == easy.AgeBand
		})
		if i < 0 {
			t.Errorf("%s has no standard twin of age band %s", easy.ID, easy.AgeBand)
			continue
		}
		twin := s.Versions[i]
		twins++
		if !slices.Equal(easy.Questions, twin.Questions) {
			t.Errorf("%s asks %v but %s asks %v; twins ask the same questions", easy.ID, easy.Questions, twin.ID, twin.Questions)
		}
		for _, lang := range s.Languages {
			keys, easyTexts := versionTexts(s, easy, lang)
			_, plain := versionTexts(s, twin, lang)
			var same []string
			for _, k := range keys {
				if easyTexts[k] == plain[k] {
					same = append(same, k)
				}
			}
			share := 1 - float64(len(same))/float64(len(keys))
			t.Logf("%s/%s %s: %.0f%% of %d texts differ", easy.ID, twin.ID, lang, 100*share, len(keys))
			if share < 0.75 {
				t.Errorf("%s %s: only %.0f%% of %d texts differ from %s; the same: %s", easy.ID, lang, 100*share, len(keys), twin.ID, strings.Join(same, ", "))
			}
		}
	}
	if twins != 3 {
		t.Errorf("%d easy-read twins; want 3 (8-12, 13-17, 18-25)", twins)
	}
}

// TestAgeBandsLimitAnswers checks that a version takes only the options and items it offers.
func TestAgeBandsLimitAnswers(t *testing.T) {
	s, err := LoadFile(example, areas)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		version string
		answers chorus.Answers
		bad     string
	}{
		{"8-12", chorus.Answers{"age_band": "21-25"}, "age_band"},
		{"8-12-easy", chorus.Answers{"life_happy": map[string]any{"personal_adviser": "3"}}, "life_happy"},
		{"18-25", chorus.Answers{"live_with": "childrens_home"}, "live_with"},
		{"4-7-assisted", chorus.Answers{"matters_most": []any{"family", "planet"}}, "matters_most"},
		{"18-25", chorus.Answers{"age_band": "21-25", "life_happy": map[string]any{"personal_adviser": "3"}, "live_with": "own_place"}, ""},
	} {
		_, fields := s.Version(tt.version).Validate(s, tt.answers, nil)
		if tt.bad == "" && fields != nil || tt.bad != "" && fields[tt.bad] == "" {
			t.Errorf("%s %v: fields %v; want a message on %q", tt.version, tt.answers, fields, tt.bad)
		}
	}
}

// TestEveryRowHasAMeasure: every scale question and grid row of the shipped survey,
// including the rows only some ages are asked, has a headline measure.
func TestEveryRowHasAMeasure(t *testing.T) {
	s, err := LoadFile(example, areas)
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, m := range s.Measures {
		has[m.Question+"/"+m.Item] = true
	}
	for _, q := range s.Questions {
		switch q.Kind {
		case chorus.KindScale:
			if !has[q.ID+"/"] {
				t.Errorf("scale %s has no measure", q.ID)
			}
		case chorus.KindGrid:
			for _, it := range q.Items {
				if !has[q.ID+"/"+it.ID] {
					t.Errorf("grid row %s/%s has no measure", q.ID, it.ID)
				}
			}
		}
	}
}
