package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/surveyfile"
	"github.com/chorus-voice/chorus/server/surveyport"
)

// runSurvey runs `chorus survey validate [FILE...]`, `survey import` and `survey export`.
func runSurvey(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprintln(stdout, "usage: chorus survey validate [FILE...] | import FILE [--out PATH] | export --format xlsform|surveyjs [--out FILE] SURVEY")
		return 0
	}
	if len(args) > 0 && (args[0] == "import" || args[0] == "export") {
		return runSurveyPort(args[0], args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "validate" {
		fmt.Fprintln(stderr, "usage: chorus survey validate [FILE...] | import FILE [--out PATH] | export --format xlsform|surveyjs [--out FILE] SURVEY")
		return 2
	}
	paths := args[1:]
	if len(paths) == 0 {
		dir := os.Getenv("CHORUS_SURVEYS")
		if dir == "" {
			dir = "surveys"
		}
		paths = []string{dir}
	}
	// Codebooks (*.codebook.yaml) are checked too: on their own when named, and
	// against the surveys of a directory.
	var surveyPaths, codebookPaths []string
	for _, p := range paths {
		if strings.HasSuffix(p, intake.CodebookSuffix) {
			codebookPaths = append(codebookPaths, p)
		} else {
			surveyPaths = append(surveyPaths, p)
		}
	}
	var errs []error
	if len(surveyPaths) > 0 {
		errs = append(errs, surveyfile.Validate(surveyPaths...))
	}
	for _, p := range surveyPaths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			ids := map[string]bool{}
			list, _ := surveyfile.LoadDir(p, nil)
			for _, sv := range list {
				ids[sv.ID] = true
			}
			errs = append(errs, intake.ValidateCodebooks(ids, p))
		}
	}
	if len(codebookPaths) > 0 {
		errs = append(errs, intake.ValidateCodebooks(nil, codebookPaths...))
	}
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "ok: %s\n", strings.Join(paths, " "))
	return 0
}

// runHealthcheck asks the local server's /readyz; container health checks use it
// because the image has no shell or curl.
func runHealthcheck(stderr io.Writer) int {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	client := http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/readyz")
	if err != nil {
		fmt.Fprintln(stderr, "unhealthy:", err)
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "unhealthy: /readyz", resp.StatusCode)
		return 1
	}
	return 0
}

// runSurveyPort runs `chorus survey import FILE [--out PATH]` and `chorus survey export
// --format xlsform|surveyjs [--out FILE] SURVEY_FILE_OR_ID` (see server/surveyport).
func runSurveyPort(cmd string, args []string, stdout, stderr io.Writer) int {
	dir := cmp.Or(os.Getenv("CHORUS_SURVEYS"), "surveys")
	c := &surveyport.Command{Dir: dir, Stdout: stdout, Stderr: stderr,
		Check: func(name string, data []byte) error { _, err := surveyfile.Load(name, data, nil); return err },
		Find: func(fileOrID string) (*chorus.Survey, error) {
			g, err := geo.Load()
			if err != nil {
				return nil, err
			}
			if fi, err := os.Stat(fileOrID); err == nil && !fi.IsDir() {
				return surveyfile.LoadFile(fileOrID, g.Areas())
			}
			list, err := surveyfile.LoadDir(dir, g.Areas())
			for _, s := range list {
				if s.ID == fileOrID {
					return s, nil
				}
			}
			return nil, errors.Join(fmt.Errorf("%s: no such file, nor a survey with that id in %s", fileOrID, dir), err)
		}}
	run := c.Export
	if cmd == "import" {
		run = c.Import
	}
	if err := run(args); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
