package surveyport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Command runs `chorus survey import` and `chorus survey export`. Reading and checking
// Chorus survey files stays with the caller (package surveyfile), given as functions.
type Command struct {
	Dir            string // the surveys directory: where imports go by default
	Stdout, Stderr io.Writer
	// Check validates a survey file's bytes as `chorus survey validate` does.
	Check func(name string, data []byte) error
	// Find loads a survey from a file path, or by id from Dir, with area options filled.
	Find func(fileOrID string) (*chorus.Survey, error)
}

// Import runs `survey import FILE [--out PATH]`: it reads an XLSForm (.xlsx) or a
// SurveyJS file (.json), prints one line per thing it skipped, checks the result as
// `survey validate` would and writes it atomically to PATH (default DIR/ID.yaml; "-"
// for standard output). It never replaces an existing file. Any error leaves nothing
// written.
func (c *Command) Import(args []string) error {
	file, out, err := importArgs(args)
	if err != nil {
		return err
	}
	data, err := readLimited(file)
	if err != nil {
		return err
	}
	var s *chorus.Survey
	var skips []Skip
	switch format(file, data) {
	case "xlsform":
		s, skips, err = ReadXLSForm(file, bytes.NewReader(data))
	case "surveyjs":
		s, skips, err = ReadSurveyJS(file, data)
	case "xls":
		err = fmt.Errorf("%s: this is an old Excel .xls file; open it and save it as .xlsx", file)
	default:
		err = fmt.Errorf("%s: not an XLSForm (.xlsx) or SurveyJS (.json) file", file)
	}
	for _, sk := range skips {
		fmt.Fprintln(c.Stderr, sk)
	}
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(c.Dir, s.ID+".yaml")
	}
	yaml := MarshalYAML(s, filepath.Base(file))
	if err := c.Check(out, yaml); err != nil {
		return fmt.Errorf("the imported survey does not pass `survey validate`, so nothing was written:\n%w", err)
	}
	if out == "-" {
		_, err := c.Stdout.Write(yaml)
		return err
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s already exists; nothing was written (choose another --out, or remove it first)", out)
	}
	if err := writeAtomic(out, yaml); err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "wrote %s: survey %q, %d questions in %s; %d things not imported (listed above). It is a draft: read it, write the privacy words, then set status: open.\n",
		out, s.ID, len(s.Questions), strings.Join(s.Languages, ", "), len(skips))
	return nil
}

// Export runs `survey export --format xlsform|surveyjs [--out FILE] SURVEY_FILE_OR_ID`,
// writing atomically to FILE (default ID.xlsx or ID.surveyjs.json; "-" for standard
// output) and printing one line per thing the format cannot hold.
func (c *Command) Export(args []string) error {
	var formatName, out, survey string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case strings.HasPrefix(a, "-") && (name == "format" || name == "out"):
			if !hasValue {
				if i+1 >= len(args) {
					return fmt.Errorf("--%s needs a value", name)
				}
				i++
				value = args[i]
			}
			if name == "format" {
				formatName = value
			} else {
				out = value
			}
		case strings.HasPrefix(a, "-") && a != "-":
			return fmt.Errorf("unknown flag %s; usage: chorus survey export --format xlsform|surveyjs [--out FILE] SURVEY_FILE_OR_ID", a)
		case survey != "":
			return fmt.Errorf("one survey at a time; usage: chorus survey export --format xlsform|surveyjs [--out FILE] SURVEY_FILE_OR_ID")
		default:
			survey = a
		}
	}
	if survey == "" || (formatName != "xlsform" && formatName != "surveyjs") {
		return errors.New("usage: chorus survey export --format xlsform|surveyjs [--out FILE] SURVEY_FILE_OR_ID")
	}
	s, err := c.Find(survey)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	var skips []Skip
	if formatName == "xlsform" {
		skips, err = WriteXLSForm(&buf, survey, s)
		if out == "" {
			out = s.ID + ".xlsx"
		}
	} else {
		skips, err = WriteSurveyJS(&buf, survey, s)
		if out == "" {
			out = s.ID + ".surveyjs.json"
		}
	}
	if err != nil {
		return err
	}
	for _, sk := range skips {
		fmt.Fprintln(c.Stderr, sk)
	}
	if out == "-" {
		_, err := c.Stdout.Write(buf.Bytes())
		return err
	}
	if err := writeAtomic(out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "wrote %s (%s): %d questions; %d things not exported (listed above)\n", out, formatName, len(s.Questions), len(skips))
	return nil
}

func importArgs(args []string) (file, out string, err error) {
	usage := "usage: chorus survey import FILE [--out PATH]"
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--out" || a == "-out" || a == "-o":
			if i+1 >= len(args) {
				return "", "", errors.New("--out needs a path; " + usage)
			}
			i++
			out = args[i]
		case strings.HasPrefix(a, "--out="):
			out = strings.TrimPrefix(a, "--out=")
		case strings.HasPrefix(a, "-") && a != "-":
			return "", "", fmt.Errorf("unknown flag %s; %s", a, usage)
		case file != "":
			return "", "", errors.New("one file at a time; " + usage)
		default:
			file = a
		}
	}
	if file == "" {
		return "", "", errors.New(usage)
	}
	return file, out, nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the file: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the file: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: the file is larger than %d MB; a survey is far smaller", path, MaxFileSize>>20)
	}
	return data, nil
}

// format tells the kind of file from its name, or else from its first bytes.
func format(name string, data []byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return "xlsform"
	case ".json":
		return "surveyjs"
	case ".xls":
		return "xls"
	}
	switch t := bytes.TrimLeft(data, " \t\r\n\ufeff"); {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return "xlsform"
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		return "xls"
	case bytes.HasPrefix(t, []byte("{")):
		return "surveyjs"
	}
	return ""
}

// writeAtomic writes data to a temporary file beside path and renames it into place,
// so a reader sees the whole file or none of it.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o644)
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
