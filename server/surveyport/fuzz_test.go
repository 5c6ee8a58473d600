package surveyport

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chorus-voice/chorus/server/surveyfile"
)

// FuzzReadSurveyJS feeds arbitrary bytes to the SurveyJS reader: it must never panic,
// and whatever it accepts must become a survey file that `survey validate` accepts.
// scripts/fuzz runs it; crashers land in testdata/fuzz/FuzzReadSurveyJS.
func FuzzReadSurveyJS(f *testing.F) {
	files, _ := filepath.Glob("testdata/surveyjs/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`{"elements":[{"type":"radiogroup","name":"a","choices":["x|X","y"]},{"type":"text","name":"b","visibleIf":"{a} = 'x'"}]}`,
		`{"locale":"cy","title":{"default":"T","cy":"Ti"},"pages":[{"elements":[{"type":"rating","name":"r","rateValues":[1,2,3,"prefer_not"]}]}]}`,
		`{"questions":[{"type":"matrix","name":"m","columns":[1,2,3,4],"rows":["a","A","a "]},{"type":"boolean","name":"b","visibleIf":"{m} anyof ['1']"}]}`,
		`{"pages":[{"elements":[{"type":"panel","visibleIf":"{x}=1","elements":[{"type":"checkbox","name":"x","choices":[true,false,0]}]}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, _, err := ReadSurveyJS("fuzz.json", data)
		if err != nil {
			return
		}
		yaml := MarshalYAML(s, "fuzz.json")
		if _, err := surveyfile.Load("fuzz.yaml", yaml, nil); err != nil {
			t.Fatalf("accepted input made an invalid survey file:\n%v\n--- input ---\n%s\n--- file ---\n%s", err, data, yaml)
		}
	})
}
