package surveyport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/chorus-voice/chorus/server/chorus"
)

// MarshalYAML writes a survey as a Chorus survey file (surveys/schema.json), with a
// comment saying where it came from. Every string is double-quoted, so that answers
// like "no" or "1" stay text and hostile strings cannot change the structure.
func MarshalYAML(s *chorus.Survey, from string) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# yaml-language-server: $schema=schema.json\n#\n")
	w("# Imported from %s by `chorus survey import`. It is a draft: read every question,\n", commentSafe(from))
	w("# replace the privacy words, add versions for each age band if you need them, then\n")
	w("# check it with `chorus survey validate` and set status: open.\n\n")
	w("id: %s\n", str(s.ID))
	w("title: %s\n", text(s.Title, s.Languages))
	w("status: %s\n", str(s.Status))
	w("languages: [")
	for i, l := range s.Languages {
		if i > 0 {
			w(", ")
		}
		w("%s", str(l))
	}
	w("]\n")
	if len(s.Intro) > 0 {
		w("intro: %s\n", text(s.Intro, s.Languages))
	}
	w("privacy: %s\n", text(s.Privacy, s.Languages))
	if len(s.RiskHelp) > 0 {
		w("risk_help: %s\n", text(s.RiskHelp, s.Languages))
	}
	w("\nversions:\n")
	for _, v := range s.Versions {
		w("  - id: %s\n    label: %s\n", str(v.ID), text(v.Label, s.Languages))
		w("    questions: [")
		for i, id := range v.Questions {
			if i > 0 {
				w(", ")
			}
			w("%s", str(id))
		}
		w("]\n")
	}
	w("\nquestions:\n")
	for _, q := range s.Questions {
		w("  - id: %s\n    kind: %s\n", str(q.ID), str(q.Kind))
		if q.Required {
			w("    required: true\n")
		}
		w("    text: %s\n", text(q.Text, s.Languages))
		if len(q.Help) > 0 {
			w("    help: %s\n", text(q.Help, s.Languages))
		}
		if q.ShowIf != nil {
			w("    show_if: {question: %s, equals: [", str(q.ShowIf.Question))
			for i, e := range q.ShowIf.Equals {
				if i > 0 {
					w(", ")
				}
				w("%s", str(e))
			}
			w("]}\n")
		}
		if q.Kind != chorus.KindArea {
			options(&b, "options", q.Options, s.Languages)
		}
		options(&b, "items", q.Items, s.Languages)
		if q.Kind == chorus.KindScale || q.Kind == chorus.KindGrid {
			w("    scale: %d\n    scale_labels:\n", q.Scale)
			for _, l := range q.ScaleLabels {
				w("      - %s\n", text(l, s.Languages))
			}
		}
		if q.MaxChoices > 0 {
			w("    max_choices: %d\n", q.MaxChoices)
		}
		if q.MaxLength > 0 && (q.Kind == chorus.KindShortText || q.Kind == chorus.KindLongText) {
			w("    max_length: %d\n", q.MaxLength)
		}
		if q.Kind == chorus.KindNumber {
			w("    min: %d\n    max: %d\n", q.Min, q.Max)
		}
		if q.DontWantToSay {
			w("    dont_want_to_say: true\n")
		}
		if q.RiskLowest {
			w("    risk_lowest: true\n")
		}
	}
	return b.Bytes()
}

func options(b *bytes.Buffer, key string, opts []chorus.Option, langs []string) {
	if len(opts) == 0 {
		return
	}
	fmt.Fprintf(b, "    %s:\n", key)
	for _, o := range opts {
		fmt.Fprintf(b, "      - {id: %s, ", str(o.ID))
		if o.Risk {
			b.WriteString("risk: true, ")
		}
		fmt.Fprintf(b, "text: %s}\n", text(o.Text, langs))
	}
}

// str quotes a string for YAML: JSON's double-quoted strings are YAML's too.
func str(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}

// text writes words in each language as a flow mapping, in the survey's language order.
func text(t chorus.Text, langs []string) string {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	keys := slices.Clone(langs)
	for l := range t {
		if l != "" && !slices.Contains(keys, l) {
			keys = append(keys, l)
		}
	}
	for _, l := range keys {
		s, ok := t[l]
		if !ok {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteString(str(l) + ": " + str(s))
	}
	b.WriteByte('}')
	return b.String()
}

func commentSafe(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
