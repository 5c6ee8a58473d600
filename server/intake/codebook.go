package intake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/theme"
)

// CodebookSuffix ends the name of every codebook file: surveys/<survey-id>.codebook.yaml
// holds the themes of the survey with that id.
const CodebookSuffix = ".codebook.yaml"

// loadedCodebook is a codebook ready for tagging, with the file it came from.
type loadedCodebook struct {
	book     *theme.Codebook
	matcher  *theme.Matcher
	loadedAt time.Time
	path     string
	data     []byte
}

// loadCodebooks reads every codebook in dir for the surveys given. A codebook with
// errors, named for a survey that is not loaded, or saying it codes another survey
// than its name does, is left out and its problems returned (file:line: message). A
// codebook whose revision is unchanged from prev keeps its compiled matcher and the
// time it was first loaded.
func loadCodebooks(dir string, surveys map[string]*chorus.Survey, prev map[string]*loadedCodebook, now time.Time) (map[string]*loadedCodebook, error) {
	out := map[string]*loadedCodebook{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out, fmt.Errorf("%s: cannot read the directory: %w", dir, err)
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, CodebookSuffix) {
			continue
		}
		path := filepath.Join(dir, name)
		cb, data, err := checkCodebookFile(path, surveys)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if p := prev[cb.Survey]; p != nil && p.book.Revision == cb.Revision {
			out[cb.Survey] = p
			continue
		}
		out[cb.Survey] = &loadedCodebook{book: cb, matcher: cb.Compile().Ready(), loadedAt: now, path: path, data: data}
	}
	return out, errors.Join(errs...)
}

// checkCodebookFile loads and validates one codebook file. With surveys non-nil, the
// survey it codes must be among them.
func checkCodebookFile(path string, surveys map[string]*chorus.Survey) (*theme.Codebook, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s:0: cannot read the file: %w", path, err)
	}
	cb, err := theme.Load(path, data)
	if err != nil {
		return nil, nil, err
	}
	want := strings.TrimSuffix(filepath.Base(path), CodebookSuffix)
	line := keyLine(data, "survey")
	switch {
	case cb.Survey != want:
		return nil, nil, fmt.Errorf("%s:%d: the codebook says it is for survey %q, but its file name says %q (name it %s%s)",
			path, line, cb.Survey, want, cb.Survey, CodebookSuffix)
	case surveys != nil && surveys[cb.Survey] == nil:
		return nil, nil, fmt.Errorf("%s:%d: there is no survey %q loaded for this codebook", path, line, cb.Survey)
	}
	return cb, data, nil
}

// keyLine returns the line of a top-level key in YAML text, or 1.
func keyLine(data []byte, key string) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(l, []byte(key+":")) {
			return i + 1
		}
	}
	return 1
}

// ValidateCodebooks checks codebook files: each path is a codebook file, or a
// directory whose *.codebook.yaml files are checked against the surveys in it. It
// returns nil if all are valid, else one "file:line: message" per line.
func ValidateCodebooks(surveyIDs map[string]bool, paths ...string) error {
	var errs []error
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:0: %w", p, err))
			continue
		}
		if !fi.IsDir() {
			if _, _, err := checkCodebookFile(p, nil); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		surveys := map[string]*chorus.Survey{}
		for id := range surveyIDs {
			surveys[id] = &chorus.Survey{ID: id}
		}
		if _, err := loadCodebooks(p, surveys, nil, time.Now()); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c *Catalog) setCodebooks(books map[string]*loadedCodebook) {
	if books == nil {
		books = map[string]*loadedCodebook{}
	}
	c.codebooks.Store(&books)
	list := make([]string, 0, len(books))
	for id, b := range books {
		list = append(list, id+"@"+b.book.Revision)
	}
	sort.Strings(list)
	c.log.Info("codebooks loaded", "codebooks", list)
}

func (c *Catalog) codebook(survey string) *loadedCodebook {
	m := c.codebooks.Load()
	if m == nil {
		return nil
	}
	return (*m)[survey]
}

// Tag returns the theme ids of a redacted free-text answer under the survey's
// codebook: none when the survey has no codebook. It fits Service.Tag.
func (c *Catalog) Tag(survey, text string) []string {
	if b := c.codebook(survey); b != nil {
		return b.matcher.Tag(text)
	}
	return nil
}

// Tagger returns the survey's tagging function and its codebook revision, or false if
// the survey has no codebook. The function keeps tagging with that revision after a
// reload.
func (c *Catalog) Tagger(survey string) (tag func(text string) []string, revision string, ok bool) {
	b := c.codebook(survey)
	if b == nil {
		return nil, "", false
	}
	return b.matcher.Tag, b.book.Revision, true
}

// FindCodebook implements chorus.CodebookService.
func (c *Catalog) FindCodebook(_ context.Context, survey string) (*chorus.Codebook, error) {
	b := c.codebook(survey)
	if b == nil {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "The survey %q has no codebook.", survey)
	}
	return codebookOf(b), nil
}

// Codebooks returns every loaded codebook, by survey id.
func (c *Catalog) Codebooks() []*chorus.Codebook {
	m := c.codebooks.Load()
	if m == nil {
		return nil
	}
	out := make([]*chorus.Codebook, 0, len(*m))
	for _, b := range *m {
		out = append(out, codebookOf(b))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Survey < out[j].Survey })
	return out
}

func codebookOf(b *loadedCodebook) *chorus.Codebook {
	cb := &chorus.Codebook{Survey: b.book.Survey, Revision: b.book.Revision, LoadedAt: b.loadedAt}
	for _, t := range b.book.Themes {
		cb.Themes = append(cb.Themes, chorus.CodebookTheme{ID: t.ID, LabelYoung: t.LabelYoung, LabelYoungCY: t.LabelYoungCY,
			LabelAdult: t.LabelAdult, Description: t.Description, ScopeIncludes: t.Scope.Includes, ScopeExcludes: t.Scope.Excludes,
			Borderline: t.Scope.Borderline})
	}
	return cb
}

// maxProposals is how many codebook changes ProposeChanges suggests at most.
const maxProposals = 20

// ProposeChanges implements chorus.CodebookService.
func (c *Catalog) ProposeChanges(_ context.Context, survey string, reviewed []*chorus.Answer) ([]chorus.CodebookChange, error) {
	b := c.codebook(survey)
	if b == nil {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "The survey %q has no codebook.", survey)
	}
	rs := make([]theme.Reviewed, 0, len(reviewed))
	for _, a := range reviewed {
		if a.IsReviewed {
			rs = append(rs, theme.Reviewed{Text: a.Text, Themes: a.Reviewed})
		}
	}
	ps, err := theme.Propose(b.path, b.data, rs, maxProposals)
	if err != nil {
		return nil, fmt.Errorf("propose codebook changes: %w", err)
	}
	out := make([]chorus.CodebookChange, len(ps))
	for i, p := range ps {
		out[i] = chorus.CodebookChange{Theme: p.Theme, Change: p.Change, Term: p.Term, Fixes: p.Fixes, Breaks: p.Breaks,
			File: p.File, FileName: filepath.Base(b.path), Diff: p.Diff}
	}
	return out, nil
}

// AllSurveys returns every loaded survey, open or not, by id.
func (c *Catalog) AllSurveys(context.Context) []*chorus.Survey {
	m := *c.surveys.Load()
	out := make([]*chorus.Survey, 0, len(m))
	for _, s := range m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Detect adapts a safeguarding detector that returns whether text is flagged, its
// categories and its level to Service.Detect. A flag without categories gets the
// category "unspecified"; one without a known level is urgent, so that nothing is
// under-read.
func Detect(detect func(text string) (bool, []string, string)) func(string) ([]string, string) {
	return func(text string) ([]string, string) {
		flagged, cats, level := detect(text)
		if !flagged {
			return nil, ""
		}
		if len(cats) == 0 {
			cats = []string{"unspecified"}
		}
		if level != chorus.LevelConcern {
			level = chorus.LevelUrgent
		}
		return cats, level
	}
}
