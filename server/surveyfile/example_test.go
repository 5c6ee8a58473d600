package surveyfile

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
)

const example = "../../surveys/your-life-your-voice.yaml"

var areas = []chorus.Area{
	{Code: "E06000001", Name: "Hartlepool", RegionCode: "E12000001", RegionName: "North East"},
	{Code: "E10000002", Name: "Buckinghamshire", RegionCode: "E12000008", RegionName: "South East"},
}

// TestLoadExample loads the shipped survey and checks the shape the pages rely on.
func TestLoadExample(t *testing.T) {
	s, err := LoadFile(example, areas)
	if err != nil {
		t.Fatalf("LoadFile(%s):\n%v", example, err)
	}
	if s.ID != "your-life-your-voice" || s.Title.In("cy") != "Dy fywyd, dy lais" || s.Status != chorus.StatusOpen {
		t.Errorf("survey = %q %q %q", s.ID, s.Title.In("cy"), s.Status)
	}
	if !slices.Equal(s.Languages, []string{"en", "cy"}) || s.Threshold != 10 || s.RetentionDays != 730 {
		t.Errorf("languages %v, threshold %d, retention %d", s.Languages, s.Threshold, s.RetentionDays)
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(s.Revision) {
		t.Errorf("Revision = %q; want 12 hex digits", s.Revision)
	}
	if !s.IsOpen(time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)) || s.IsOpen(time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("open from %v until %v; want open in January 2027 and closed from 1 September 2027", s.Opens, s.Closes)
	}
	var ids []string
	for _, v := range s.Versions {
		ids = append(ids, v.ID)
		if v.Label.In("en") == "" || v.Label.In("cy") == "" || v.AgeBand == "" {
			t.Errorf("version %s: label or age band missing", v.ID)
		}
	}
	wantIDs := []string{"4-7-assisted", "8-12", "8-12-easy", "13-17", "13-17-easy", "18-25", "18-25-easy"}
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("versions %v; want %v", ids, wantIDs)
	}
	young := s.Version("4-7-assisted")
	if !young.AdultAssisted || s.Version("13-17-easy").EasyRead != true || s.Version("13-17").EasyRead {
		t.Errorf("version flags wrong: %+v", young)
	}
	if q := s.Question(young.Questions[0]); q.Kind != chorus.KindGrid || q.Scale != 3 || len(q.ScaleLabels) != 3 {
		t.Errorf("4-7 asks %s first, a %s of %d points; want a 3-point grid", q.ID, q.Kind, q.Scale)
	}
	grid := s.Question("life_happy")
	if grid.Kind != chorus.KindGrid || grid.Scale != 5 || len(grid.Items) != 16 {
		t.Errorf("life_happy = %s, %d points, %d items; want a 5-point grid of 16", grid.Kind, grid.Scale, len(grid.Items))
	}
	for version, want := range map[string]int{"8-12": 13, "13-17": 14, "18-25": 13} {
		if n := len(grid.ItemsFor(s.Version(version))); n != want {
			t.Errorf("life_happy asks %d items in %s; want %d", n, version, want)
		}
	}
	for _, item := range []string{"feeling_safe", "life_overall"} {
		if it := grid.Item(item); it == nil || !it.Risk {
			t.Errorf("life_happy item %s is not a risk signal", item)
		}
	}
	matters := s.Question("matters_most")
	if matters.Kind != chorus.KindMulti || matters.MaxChoices != 5 || !matters.DontWantToSay {
		t.Errorf("matters_most = %+v", matters)
	}
	for version, want := range map[string]string{
		"8-12":         "What matters most for a good life? Choose up to 5.",
		"8-12-easy":    "What do you need for a good life? Pick up to 5.",
		"18-25-easy":   "What do you need for a good life? Pick up to 5.",
		"4-7-assisted": "What do you need to be happy? Pick up to 5.",
	} {
		if got := matters.TextFor(version, "en"); got != want {
			t.Errorf("matters_most in %s = %q; want %q", version, got, want)
		}
	}
	if got := matters.TextFor("8-12-easy", "fr"); got != "What do you need for a good life? Pick up to 5." {
		t.Errorf("TextFor an undeclared language = %q; want the English", got)
	}
	if q := s.Question("better"); q.Kind != chorus.KindLongText || q.MaxLength != 1000 {
		t.Errorf("better = %s, max %d", q.Kind, q.MaxLength)
	}
	if q := s.Question("area"); len(q.Options) != 2 || q.Options[1].ID != "E10000002" || q.Options[1].Text.In("cy") != "Buckinghamshire" {
		t.Errorf("area options = %+v; want the areas given", q.Options)
	}
	if q := s.Question("live_with_other"); q.ShowIf == nil || q.ShowIf.Question != "live_with" {
		t.Errorf("live_with_other.ShowIf = %+v", q.ShowIf)
	}
	for _, q := range s.Questions {
		if q.Help.In("en") == "" || q.Help.In("cy") == "" {
			t.Errorf("question %s has no help text", q.ID)
		}
	}
}

// TestExampleAnswers answers the example survey as a child would, through the domain.
func TestExampleAnswers(t *testing.T) {
	s, err := LoadFile(example, areas)
	if err != nil {
		t.Fatal(err)
	}
	answers := chorus.Answers{
		"life_happy":      map[string]any{"friends": "4", "feeling_safe": "1", "money": "prefer_not"},
		"future":          "3",
		"matters_most":    []any{"friends", "home", "listened_to"},
		"better":          "  More time with my brother.  ",
		"age_band":        "11-12",
		"live_with":       "foster_carers",
		"live_with_other": "hidden by show_if",
		"area":            "E06000001",
	}
	inArea := func(code string) bool {
		return slices.ContainsFunc(areas, func(a chorus.Area) bool { return a.Code == code })
	}
	clean, fields := s.Version("8-12").Validate(s, answers, inArea)
	if fields != nil {
		t.Fatalf("fields = %v", fields)
	}
	if _, ok := clean["live_with_other"]; ok || clean["better"] != "More time with my brother." {
		t.Errorf("clean = %v", clean)
	}
	if !s.Risky(clean) {
		t.Errorf("Risky = false for feeling_safe at the lowest point")
	}
	_, fields = s.Version("4-7-assisted").Validate(s, answers, inArea)
	if fields["life_happy"] == "" || fields["age_band"] == "" {
		t.Errorf("4-7 fields = %v; want life_happy and age_band rejected", fields)
	}
}

// TestLoadDefaults checks what a file may leave out.
func TestLoadDefaults(t *testing.T) {
	s, err := LoadFile("testdata/mini.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Threshold != 10 || s.RetentionDays != 730 || !s.Opens.IsZero() || !s.Closes.IsZero() {
		t.Errorf("threshold %d, retention %d, opens %v, closes %v", s.Threshold, s.RetentionDays, s.Opens, s.Closes)
	}
	if q := s.Question("other"); q.MaxLength != 200 || q.Required {
		t.Errorf("short text: max length %d, required %v; want 200, false", q.MaxLength, q.Required)
	}
	if got := s.Question("live").Options[0].Text.In("de"); got != "Foster carers" {
		t.Errorf("option text in an undeclared language = %q; want the default language's", got)
	}
}

// TestLoadDefaultLanguage checks that text falls back to the survey's first language.
func TestLoadDefaultLanguage(t *testing.T) {
	data, err := os.ReadFile("testdata/mini.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load("mini-cy.yaml", bytes.Replace(data, []byte("[en, cy]"), []byte("[cy, en]"), 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Question("live").TextFor("all", "de"); got != "Gyda phwy wyt ti'n byw?" {
		t.Errorf("TextFor in an undeclared language = %q; want the Welsh", got)
	}
}
