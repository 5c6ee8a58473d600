package surveyfile

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/chorus-voice/chorus/surveys"
)

const schemaURL = "https://github.com/chorus-voice/chorus/surveys/schema.json"

// compiledSchema compiles surveys/schema.json once; it is fixed at build time.
var compiledSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(surveys.Schema))
	if err != nil {
		return nil, fmt.Errorf("read survey schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("add survey schema: %w", err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("compile survey schema: %w", err)
	}
	return sch, nil
})

// checkSchema validates the document against the schema and reports each failure
// at the line of the offending node.
func (c *checker) checkSchema() {
	if !c.plain(c.doc.value, "") {
		return
	}
	sch, err := compiledSchema()
	if err != nil {
		c.errorf("", "%v", err)
		return
	}
	err = sch.Validate(c.doc.value)
	if err == nil {
		return
	}
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		c.errorf("", "%v", err)
		return
	}
	c.schemaErrors(verr)
}

// plain reports whether v holds only the values JSON has, reporting any other.
func (c *checker) plain(v any, ptr string) bool {
	switch v := v.(type) {
	case nil, bool, string, int, int64, uint64:
		return true
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			c.errorf(ptr, "numbers must be finite")
			return false
		}
		return true
	case []any:
		ok := true
		for i, x := range v {
			ok = c.plain(x, fmt.Sprintf("%s/%d", ptr, i)) && ok
		}
		return ok
	case map[string]any:
		ok := true
		for k, x := range v {
			ok = c.plain(x, ptr+"/"+escape(k)) && ok
		}
		return ok
	}
	c.errorf(ptr, "this kind of YAML value (%T) is not allowed here; use text, a number, true/false, a list or a mapping", v)
	return false
}

func (c *checker) schemaErrors(e *jsonschema.ValidationError) {
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, name := range k.Missing {
			c.errorf(at(e.InstanceLocation), "missing %q", name)
		}
		return
	case *kind.AdditionalProperties:
		for _, name := range k.Properties {
			c.errorf(at(e.InstanceLocation, name), "unknown field %q", name)
		}
		return
	case *kind.PropertyNames:
		c.errorf(at(e.InstanceLocation, k.Property), "%q is not a language code (like en or cy)", k.Property)
		return
	}
	if len(e.Causes) > 0 {
		for _, cause := range e.Causes {
			c.schemaErrors(cause)
		}
		return
	}
	c.errorf(at(e.InstanceLocation), "%s", schemaMessage(e.ErrorKind))
}

// at returns the JSON pointer of a schema error's instance location, plus more keys.
func at(loc []string, more ...string) string {
	var b strings.Builder
	for _, p := range slices.Concat(loc, more) {
		b.WriteString("/" + escape(p))
	}
	return b.String()
}

// schemaMessage words a schema failure for the person editing the file.
func schemaMessage(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = yamlType(w)
		}
		return fmt.Sprintf("must be %s, not %s", strings.Join(want, " or "), yamlType(k.Got))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = display(w)
		}
		return fmt.Sprintf("must be one of %s, not %s", strings.Join(want, ", "), display(k.Got))
	case *kind.Pattern:
		return fmt.Sprintf("%q %s", k.Got, patternMeaning(k.Want))
	case *kind.Minimum:
		return fmt.Sprintf("must be at least %s", k.Want.RatString())
	case *kind.Maximum:
		return fmt.Sprintf("must be at most %s", k.Want.RatString())
	case *kind.MinItems:
		return fmt.Sprintf("needs at least %d entries", k.Want)
	case *kind.MinProperties:
		return "must not be empty"
	case *kind.MinLength:
		return "must not be empty"
	case *kind.MaxLength:
		return fmt.Sprintf("is too long (%d characters; at most %d)", k.Got, k.Want)
	case *kind.UniqueItems:
		return fmt.Sprintf("entries %d and %d are the same", k.Duplicates[0]+1, k.Duplicates[1]+1)
	}
	return k.LocalizedString(message.NewPrinter(language.English))
}

func display(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

func yamlType(t string) string {
	switch t {
	case "object":
		return "a mapping (key: value lines)"
	case "array":
		return "a list"
	case "string":
		return "text"
	case "integer":
		return "a whole number"
	case "number":
		return "a number"
	case "boolean":
		return "true or false"
	case "null":
		return "empty"
	}
	return t
}

func patternMeaning(pattern string) string {
	switch {
	case strings.HasPrefix(pattern, "^[a-z0-9]"):
		return "is not a valid id: use lower-case letters, digits, _ and - (at most 64)"
	case strings.HasPrefix(pattern, "^[a-z]{2,3}"):
		return "is not a language code (like en or cy)"
	case strings.HasPrefix(pattern, "^[0-9]{4}"):
		return "is not a date like 2026-03-31 (or a time like 2026-03-31T09:00:00Z)"
	case strings.HasPrefix(pattern, "^[0-9]{1,2}-"):
		return "is not an age band like 8-12"
	}
	return "does not match " + pattern
}
