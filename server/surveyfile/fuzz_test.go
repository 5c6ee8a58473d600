package surveyfile

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load: it must never panic, every error line
// must read "file:line: message", and a survey it accepts must hang together.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yaml")
	seeds = append(seeds, "testdata/mini.yaml", example)
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("? [a, b]\n: c\n"))
	f.Add([]byte("id: !!binary aGVsbG8=\n"))
	f.Add([]byte("id: s\n---\n")) // a second, empty document
	line := regexp.MustCompile(`^fuzz\.yaml:[1-9][0-9]*: .`)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Load("fuzz.yaml", data, areas)
		if err != nil {
			if s != nil {
				t.Fatalf("Load returned a survey and an error")
			}
			for _, l := range strings.Split(err.Error(), "\n") {
				if !line.MatchString(l) {
					t.Fatalf("error line %q does not read file:line: message", l)
				}
			}
			return
		}
		for _, v := range s.Versions {
			for _, id := range v.Questions {
				if s.Question(id) == nil {
					t.Fatalf("version %s asks unknown question %s", v.ID, id)
				}
			}
		}
	})
}
