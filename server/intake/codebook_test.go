package intake_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/intake"
)

// copySurvey copies the shipped example survey into a new directory.
func copySurvey(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"your-life-your-voice.yaml", "schema.json"} {
		b, err := os.ReadFile(filepath.Join("../../surveys", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const miniCodebook = `survey: your-life-your-voice
themes:
  - id: family
    label_young: Seeing my family
    label_adult: Contact with family
    words: [sister, brother]
`

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCatalogCodebooks(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)

	t.Run("Shipped", func(t *testing.T) {
		c := intake.NewCatalog("../../surveys", nil, log)
		cb, err := c.FindCodebook(ctx, "your-life-your-voice")
		if err != nil {
			t.Fatal(err)
		}
		if len(cb.Themes) < 14 || cb.Revision == "" {
			t.Fatalf("codebook has %d themes, revision %q", len(cb.Themes), cb.Revision)
		}
		if got := c.Tag("your-life-your-voice", "I want to see my little sister more"); !slices.Contains(got, "family_contact") {
			t.Errorf("Tag = %v, want family_contact", got)
		}
		if got := c.Tag("no-such-survey", "my sister"); got != nil {
			t.Errorf("Tag for a survey without codebook = %v, want nil", got)
		}
		if _, err := c.FindCodebook(ctx, "nope"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Errorf("FindCodebook(nope) err = %v, want ENOTFOUND", err)
		}
	})

	t.Run("BadCodebookIsSkippedAtStart", func(t *testing.T) {
		dir := copySurvey(t)
		write(t, filepath.Join(dir, "your-life-your-voice.codebook.yaml"), "survey: your-life-your-voice\nthemes:\n  - id: Bad Id\n    label_young: x\n")
		var logs strings.Builder
		c := intake.NewCatalog(dir, nil, slog.New(slog.NewTextHandler(&logs, nil)))
		if _, err := c.FindSurvey(ctx, "your-life-your-voice"); err != nil {
			t.Fatalf("survey not loaded: %v", err)
		}
		if _, err := c.FindCodebook(ctx, "your-life-your-voice"); chorus.ErrorCode(err) != chorus.ENOTFOUND {
			t.Errorf("bad codebook loaded: err = %v", err)
		}
		if !strings.Contains(logs.String(), "your-life-your-voice.codebook.yaml:3: theme id") {
			t.Errorf("log has no file:line for the error:\n%s", logs.String())
		}
	})

	t.Run("ReloadKeepsRunningOnError", func(t *testing.T) {
		dir := copySurvey(t)
		path := filepath.Join(dir, "your-life-your-voice.codebook.yaml")
		write(t, path, miniCodebook)
		c := intake.NewCatalog(dir, nil, log)
		reloads := 0
		c.OnReload = func() { reloads++ }
		first, err := c.FindCodebook(ctx, "your-life-your-voice")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Reload(ctx); err != nil || reloads != 1 {
			t.Fatalf("Reload unchanged: %v (reloads %d)", err, reloads)
		}
		same, _ := c.FindCodebook(ctx, "your-life-your-voice")
		if same.Revision != first.Revision || !same.LoadedAt.Equal(first.LoadedAt) {
			t.Errorf("an unchanged codebook was loaded again: %+v then %+v", first, same)
		}

		write(t, path, miniCodebook+"    phrases: [\n")
		err = c.Reload(ctx)
		if chorus.ErrorCode(err) != chorus.EINVALID || !strings.Contains(chorus.ErrorMessage(err), "your-life-your-voice.codebook.yaml:") {
			t.Fatalf("Reload with a broken codebook: err = %v, want EINVALID naming file:line", err)
		}
		if got := c.Tag("your-life-your-voice", "my brother"); !slices.Equal(got, []string{"family"}) {
			t.Errorf("after a failed reload Tag = %v, want the running codebook's [family]", got)
		}

		write(t, path, strings.Replace(miniCodebook, "[sister, brother]", "[sister, brother, nan]", 1))
		if err := c.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		next, _ := c.FindCodebook(ctx, "your-life-your-voice")
		if next.Revision == first.Revision {
			t.Error("revision did not change with the file")
		}
		tag, rev, ok := c.Tagger("your-life-your-voice")
		if !ok || rev != next.Revision || !slices.Equal(tag("my nan"), []string{"family"}) {
			t.Errorf("Tagger = %v %q: want the new codebook", ok, rev)
		}
	})

	t.Run("ErrWrongSurvey", func(t *testing.T) {
		dir := copySurvey(t)
		write(t, filepath.Join(dir, "other.codebook.yaml"), miniCodebook)
		write(t, filepath.Join(dir, "ghost.codebook.yaml"), strings.Replace(miniCodebook, "your-life-your-voice", "ghost", 1))
		err := intake.ValidateCodebooks(map[string]bool{"your-life-your-voice": true}, dir)
		for _, want := range []string{"other.codebook.yaml:1: the codebook says it is for survey \"your-life-your-voice\"", "ghost.codebook.yaml:1: there is no survey \"ghost\""} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("ValidateCodebooks err = %v, want it to contain %q", err, want)
			}
		}
		if err := intake.ValidateCodebooks(nil, "../../surveys/your-life-your-voice.codebook.yaml"); err != nil {
			t.Errorf("shipped codebook: %v", err)
		}
	})

	t.Run("AllSurveys", func(t *testing.T) {
		c := intake.NewCatalog("../../surveys", nil, log)
		if all := c.AllSurveys(ctx); len(all) == 0 || all[0].ID == "" {
			t.Errorf("AllSurveys = %v", all)
		}
	})
}

func TestDetectAdapter(t *testing.T) {
	d := intake.Detect(func(text string) (bool, []string, string) {
		return text == "bad", []string{"abuse"}, chorus.LevelConcern
	})
	if got, level := d("bad"); !slices.Equal(got, []string{"abuse"}) || level != chorus.LevelConcern {
		t.Errorf("flagged: %v %q", got, level)
	}
	if got, level := d("fine"); got != nil || level != "" {
		t.Errorf("not flagged: %v %q", got, level)
	}
	empty := intake.Detect(func(string) (bool, []string, string) { return true, nil, "" })
	if got, level := empty("x"); len(got) != 1 || level != chorus.LevelUrgent {
		t.Errorf("flagged without categories or level: %v %q, want one placeholder category, urgent", got, level)
	}
}
