package theme

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

var (
	idRe     = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	surveyRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
)

// topKeys and themeKeys are the keys a codebook file may use.
var (
	topKeys   = []string{"survey", "themes"}
	themeKeys = []string{"id", "label_young", "label_young_cy", "label_adult", "description", "words", "phrases", "exclude"}
)

// Load parses and validates a codebook in YAML. name is used in error
// messages, which each read "name:line: message"; all problems found are
// returned together, one per line.
func Load(name string, data []byte) (*Codebook, error) {
	l := &loader{name: name}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		line := 0
		msg := err.Error()
		var yerr yaml.Error
		if errors.As(err, &yerr) {
			msg = yerr.GetMessage()
			if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
				line = tk.Position.Line
			}
		}
		l.errorf(line, "invalid YAML: %s", msg)
		return nil, l.err()
	}
	cb := &Codebook{Revision: revision(data)}
	var body ast.Node
	if len(file.Docs) > 1 {
		l.errorf(line(file.Docs[1]), "a codebook file holds one YAML document")
	}
	if len(file.Docs) > 0 {
		body = file.Docs[0].Body
	}
	top, ok := l.mapping(body, "the codebook")
	if ok {
		l.loadTop(cb, top, body)
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	return cb, nil
}

// loader collects the problems found in one file.
type loader struct {
	name string
	errs []error
}

func (l *loader) errorf(line int, format string, args ...any) {
	l.errs = append(l.errs, fmt.Errorf("%s:%d: %s", l.name, line, fmt.Sprintf(format, args...)))
}

func (l *loader) err() error {
	return errors.Join(l.errs...)
}

// pair is a key and value of a YAML mapping.
type pair struct {
	key   string
	line  int
	value ast.Node
}

func (l *loader) loadTop(cb *Codebook, top []pair, body ast.Node) {
	seen := l.checkKeys(top, topKeys, "")
	if p, ok := seen["survey"]; ok {
		if s, ok := l.str(p.value, p.line, "survey"); ok {
			switch {
			case s == "":
				l.errorf(p.line, "survey is empty")
			case !surveyRe.MatchString(s):
				l.errorf(p.line, "survey %q must match %s", s, surveyRe)
			}
			cb.Survey = s
		}
	} else {
		l.errorf(line(body), `missing "survey"`)
	}
	p, ok := seen["themes"]
	if !ok {
		l.errorf(line(body), `missing "themes"`)
		return
	}
	items, ok := l.sequence(p.value, p.line, "themes")
	if !ok {
		return
	}
	if len(items) == 0 {
		l.errorf(p.line, "themes is empty")
	}
	firstLine := map[string]int{}
	for _, item := range items {
		t, tline, ok := l.loadTheme(item)
		if !ok {
			continue
		}
		if t.ID != "" {
			if first, dup := firstLine[t.ID]; dup {
				l.errorf(tline, "duplicate theme id %q (first at line %d)", t.ID, first)
			} else {
				firstLine[t.ID] = tline
			}
		}
		cb.Themes = append(cb.Themes, t)
	}
}

// loadTheme reads one theme; ok is false if the item is not a mapping.
func (l *loader) loadTheme(item ast.Node) (Theme, int, bool) {
	pairs, ok := l.mapping(item, "each theme")
	if !ok {
		return Theme{}, 0, false
	}
	var t Theme
	tline := line(item)
	if len(pairs) > 0 {
		tline = pairs[0].line
	}
	seen := l.checkKeys(pairs, themeKeys, "theme ")
	label := "theme"
	if p, ok := seen["id"]; ok {
		if s, ok := l.str(p.value, p.line, "id"); ok {
			t.ID = s
			if !idRe.MatchString(s) {
				l.errorf(p.line, "theme id %q must match %s", s, idRe)
			}
			label = fmt.Sprintf("theme %q", s)
		}
	} else {
		l.errorf(tline, `theme is missing "id"`)
	}
	text := func(key string, dst *string, required bool) {
		p, ok := seen[key]
		if !ok {
			if required {
				l.errorf(tline, "%s is missing %q", label, key)
			}
			return
		}
		if s, ok := l.str(p.value, p.line, key); ok {
			*dst = strings.TrimSpace(s)
			if required && *dst == "" {
				l.errorf(p.line, "%s: %s is empty", label, key)
			}
		}
	}
	text("label_young", &t.LabelYoung, true)
	text("label_young_cy", &t.LabelYoungCY, false)
	text("label_adult", &t.LabelAdult, true)
	text("description", &t.Description, false)
	badList := false
	list := func(key string, dst *[]string, single bool) {
		p, ok := seen[key]
		if !ok {
			return
		}
		items, ok := l.sequence(p.value, p.line, key)
		if !ok {
			badList = badList || key != "exclude"
			return
		}
		for _, it := range items {
			s, ok := l.str(it, line(it), key+" entry")
			if !ok {
				continue
			}
			s = strings.TrimSpace(s)
			switch {
			case s == "":
				l.errorf(line(it), "%s: empty entry in %s", label, key)
				continue
			case len(tokenize(s)) == 0:
				l.errorf(line(it), "%s: %s entry %q has no words", label, key, s)
				continue
			case single && len(strings.Fields(s)) > 1:
				l.errorf(line(it), "%s: word %q has more than one word; put it under phrases", label, s)
				continue
			}
			*dst = append(*dst, s)
		}
	}
	list("words", &t.Words, true)
	list("phrases", &t.Phrases, false)
	list("exclude", &t.Exclude, false)
	if len(t.Words) == 0 && len(t.Phrases) == 0 && !badList {
		l.errorf(tline, "%s needs at least one word or phrase", label)
	}
	return t, tline, true
}

// checkKeys reports unknown and repeated keys and returns the pairs by key.
func (l *loader) checkKeys(pairs []pair, allowed []string, what string) map[string]pair {
	seen := map[string]pair{}
	for _, p := range pairs {
		if first, dup := seen[p.key]; dup {
			l.errorf(p.line, "duplicate key %q (first at line %d)", p.key, first.line)
			continue
		}
		known := false
		for _, a := range allowed {
			known = known || a == p.key
		}
		if !known {
			l.errorf(p.line, "unknown %skey %q (want one of %s)", what, p.key, strings.Join(allowed, ", "))
			continue
		}
		seen[p.key] = p
	}
	return seen
}

// unwrap looks through anchors and tags to the value node.
func (l *loader) unwrap(n ast.Node) ast.Node {
	for range 8 {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
	return n
}

// mapping returns the pairs of a mapping node.
func (l *loader) mapping(n ast.Node, what string) ([]pair, bool) {
	n = l.unwrap(n)
	var values []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		values = v.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{v}
	case nil:
		l.errorf(1, "%s is empty", what)
		return nil, false
	case *ast.AliasNode:
		l.errorf(line(n), "aliases are not supported")
		return nil, false
	default:
		l.errorf(line(n), "%s must be a mapping of keys to values", what)
		return nil, false
	}
	pairs := make([]pair, 0, len(values))
	for _, mv := range values {
		if mv == nil || mv.Key == nil {
			continue
		}
		pairs = append(pairs, pair{key: keyString(mv.Key), line: line(mv.Key), value: mv.Value})
	}
	return pairs, true
}

// sequence returns the items of a sequence node.
func (l *loader) sequence(n ast.Node, at int, key string) ([]ast.Node, bool) {
	n = l.unwrap(n)
	switch v := n.(type) {
	case *ast.SequenceNode:
		return v.Values, true
	case *ast.NullNode, nil:
		return nil, true
	case *ast.AliasNode:
		l.errorf(line(n), "aliases are not supported")
	default:
		l.errorf(lineOr(n, at), "%s must be a list", key)
	}
	return nil, false
}

// str returns the text of a scalar node. Numbers and booleans are read as
// written ("2", "true"); a missing value is the empty string.
func (l *loader) str(n ast.Node, at int, key string) (string, bool) {
	n = l.unwrap(n)
	switch v := n.(type) {
	case nil, *ast.NullNode:
		return "", true
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value, true
		}
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if tk := v.GetToken(); tk != nil {
			return tk.Value, true
		}
		return "", true
	case *ast.AliasNode:
		l.errorf(line(n), "aliases are not supported")
	default:
		l.errorf(lineOr(n, at), "%s must be text", key)
	}
	return "", false
}

func keyString(k ast.MapKeyNode) string {
	switch v := ast.Node(k).(type) {
	case *ast.StringNode:
		return v.Value
	case *ast.MappingKeyNode:
		if s, ok := v.Value.(*ast.StringNode); ok {
			return s.Value
		}
	}
	if tk := k.GetToken(); tk != nil {
		return tk.Value
	}
	return k.String()
}

// line returns the 1-based line a node starts on, or 0 if unknown.
func line(n ast.Node) int {
	if n == nil {
		return 0
	}
	// A document node with no body (an empty "---" section) has no token of its own,
	// and the YAML library's GetToken dereferences the missing body.
	if d, ok := n.(*ast.DocumentNode); ok {
		if d.Body == nil {
			if d.Start != nil && d.Start.Position != nil {
				return d.Start.Position.Line
			}
			return 0
		}
		return line(d.Body)
	}
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 && !m.IsFlowStyle {
		return line(m.Values[0].Key)
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// lineOr returns the line of n, or at if n has none.
func lineOr(n ast.Node, at int) int {
	if l := line(n); l > 0 {
		return l
	}
	return at
}
