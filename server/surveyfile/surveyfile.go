// Package surveyfile reads survey definitions from YAML files: it checks each file
// against the JSON Schema surveys/schema.json and against the rules a schema cannot
// state (unique ids, show_if references, every language present, sane limits), and
// reports every mistake as "file:line: message".
package surveyfile

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
)

// maxFileSize bounds a survey file; the largest real surveys are a few tens of KB.
const maxFileSize = 1 << 20

// Error is one mistake in a survey file. Line is the line of the YAML node at fault,
// or 0 when the file could not be read at all.
type Error struct {
	File    string
	Line    int
	Message string
}

// Error returns "file:line: message" (or "file: message" without a line).
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
}

// Load reads one survey file's bytes; name is used in messages. Area questions get
// one option per area, in the order given (areas may be nil). On failure the error
// joins one *Error per mistake, in line order, so its text is one mistake per line.
func Load(name string, data []byte, areas []chorus.Area) (*chorus.Survey, error) {
	s, _, err := load(name, data, areas)
	return s, err
}

// LoadFile reads the survey file at path, as Load.
func LoadFile(path string, areas []chorus.Area) (*chorus.Survey, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Load(path, data, areas)
}

// LoadDir reads every *.yaml file in dir except codebooks (*.codebook.yaml), in
// name order. It returns the surveys that loaded and an error joining every mistake
// in every file that did not, including a survey id used by two files.
func LoadDir(dir string, areas []chorus.Area) ([]*chorus.Survey, error) {
	var set surveySet
	set.addDir(dir, areas)
	return set.surveys, errors.Join(set.errs...)
}

// Validate checks survey files without keeping them: each path is a file or a
// directory (as LoadDir); with no paths it checks the surveys directory. It returns
// nil if every survey is valid, else an error with one "file:line: message" per line.
func Validate(paths ...string) error {
	var set surveySet
	if len(paths) == 0 {
		set.addDir("surveys", nil)
	}
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			set.addDir(p, nil)
		} else {
			set.addFile(p, nil)
		}
	}
	return errors.Join(set.errs...)
}

// surveySet gathers surveys from several files and checks that their ids differ.
type surveySet struct {
	surveys []*chorus.Survey
	errs    []error
	ids     map[string]string // survey id → "file:line" of its first use
}

func (set *surveySet) addDir(dir string, areas []chorus.Area) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		set.errs = append(set.errs, &Error{File: dir, Message: "cannot read the directory: " + errText(err)})
		return
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".codebook.yaml") {
			continue
		}
		set.addFile(filepath.Join(dir, name), areas)
	}
}

func (set *surveySet) addFile(path string, areas []chorus.Area) {
	data, err := readFile(path)
	if err != nil {
		set.errs = append(set.errs, err)
		return
	}
	s, c, err := load(path, data, areas)
	if err != nil {
		set.errs = append(set.errs, err)
		return
	}
	at := fmt.Sprintf("%s:%d", path, c.doc.lineOf("/id"))
	if first, dup := set.ids[s.ID]; dup {
		set.errs = append(set.errs, &Error{File: path, Line: c.doc.lineOf("/id"),
			Message: fmt.Sprintf("id: survey id %q is already used by %s", s.ID, first)})
		return
	}
	if set.ids == nil {
		set.ids = map[string]string{}
	}
	set.ids[s.ID] = at
	set.surveys = append(set.surveys, s)
}

func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Message: "cannot read the file: " + errText(err)}
	}
	return data, nil
}

// errText drops the path that *fs.PathError repeats.
func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// load parses, checks and builds one survey. The checker is returned for the lines
// of a valid survey.
func load(name string, data []byte, areas []chorus.Area) (*chorus.Survey, *checker, error) {
	if len(data) > maxFileSize {
		return nil, nil, &Error{File: name, Line: 1, Message: fmt.Sprintf("the file is larger than %d KB", maxFileSize>>10)}
	}
	doc, err := parse(name, data)
	if err != nil {
		return nil, nil, err
	}
	c := &checker{file: name, doc: doc}
	c.checkSchema()
	if len(c.errs) > 0 {
		// The rules below assume the shape the schema guarantees.
		return nil, nil, c.err()
	}
	var f fileSurvey
	raw, err := json.Marshal(doc.value)
	if err == nil {
		err = json.Unmarshal(raw, &f)
	}
	if err != nil {
		return nil, nil, &Error{File: name, Line: 1, Message: "cannot read the survey: " + err.Error()}
	}
	c.check(&f, areas)
	if len(c.errs) > 0 {
		return nil, nil, c.err()
	}
	s := c.build(&f, areas)
	sum := sha256.Sum256(data)
	s.Revision = hex.EncodeToString(sum[:6])
	return s, c, nil
}

// checker collects the mistakes in one file.
type checker struct {
	file string
	doc  *document
	errs []*Error
}

// errorf records a mistake at the node ptr points to, naming the place.
func (c *checker) errorf(ptr, format string, args ...any) {
	c.errs = append(c.errs, &Error{
		File:    c.file,
		Line:    c.doc.lineOf(ptr),
		Message: oneLine(c.doc.where(ptr) + ": " + fmt.Sprintf(format, args...)),
	})
}

// err joins the mistakes in line order, each once.
func (c *checker) err() error {
	slices.SortStableFunc(c.errs, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), strings.Compare(a.Message, b.Message))
	})
	var errs []error
	seen := map[Error]bool{}
	for _, e := range c.errs {
		if !seen[*e] {
			seen[*e] = true
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}
