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
	themeKeys = []string{"id", "label_young", "label_young_cy", "label_adult", "description", "scope",
		"terms", "terms_cy", "words", "phrases", "exclude"}
)

// Load parses and validates a codebook in YAML. name is used in error
// messages, which each read "name:line: message"; all problems found are
// returned together, one per line.
func Load(name string, data []byte) (*Codebook, error) {
	l := &loader{name: name, lines: strings.Split(string(data), "\n")}
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
	name  string
	lines []string
	errs  []error
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
	if p, ok := seen["scope"]; ok {
		t.Scope = l.loadScope(p, label)
	}
	badList := false
	for _, key := range []string{"terms", "phrases", "words", "terms_cy"} {
		if p, ok := seen[key]; ok {
			badList = !l.loadTerms(&t, p, label) || badList
		}
	}
	if p, ok := seen["exclude"]; ok {
		t.Exclude = l.termList(p, label)
	}
	if len(t.Terms) == 0 && !badList {
		l.errorf(tline, "%s needs at least one term", label)
	}
	return t, tline, true
}

// scopeKeys are the keys of a theme's scope note.
var scopeKeys = []string{"includes", "excludes", "borderline"}

func (l *loader) loadScope(p pair, label string) Scope {
	var sc Scope
	pairs, ok := l.mapping(p.value, label+": scope")
	if !ok {
		return sc
	}
	seen := l.checkKeys(pairs, scopeKeys, "scope ")
	if q, ok := seen["includes"]; ok {
		sc.Includes, _ = l.str(q.value, q.line, "scope includes")
	}
	if q, ok := seen["excludes"]; ok {
		sc.Excludes, _ = l.str(q.value, q.line, "scope excludes")
	}
	if q, ok := seen["borderline"]; ok {
		items, ok := l.sequence(q.value, q.line, "scope borderline")
		for _, it := range items {
			if ok {
				if s, ok := l.str(it, line(it), "borderline entry"); ok && strings.TrimSpace(s) != "" {
					sc.Borderline = append(sc.Borderline, strings.TrimSpace(s))
				}
			}
		}
	}
	sc.Includes, sc.Excludes = strings.TrimSpace(sc.Includes), strings.TrimSpace(sc.Excludes)
	return sc
}

// loadTerms reads the terms under one key of a theme; ok is false if the key
// does not hold a list.
func (l *loader) loadTerms(t *Theme, p pair, label string) bool {
	items, ok := l.sequence(p.value, p.line, p.key)
	if !ok {
		return false
	}
	block := false
	if sq, isSeq := l.unwrap(p.value).(*ast.SequenceNode); isSeq && !sq.IsFlowStyle && len(sq.Values) > 0 {
		block = true
	}
	for _, it := range items {
		tm, ok := l.loadTerm(it, p.key, label)
		if !ok {
			continue
		}
		if block {
			tm.EndLine = maxLine(it)
			if p.key == "terms" || p.key == "phrases" && t.list.lastLine == 0 {
				t.list = termList{lastLine: tm.EndLine, indent: l.indentOf(tm.Line)}
			}
		} else {
			tm.Line = 0
		}
		t.Terms = append(t.Terms, tm)
	}
	return true
}

// termKeys are the keys of a term written as a mapping.
var termKeys = []string{"term", "except", "negatable", "stem"}

// loadTerm reads one term: text, or a mapping with the keys termKeys.
func (l *loader) loadTerm(it ast.Node, key, label string) (Term, bool) {
	tm := Term{Line: line(it), Welsh: key == "terms_cy"}
	stemAll := false
	switch n := l.unwrap(it).(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		if key == "words" || key == "phrases" {
			l.errorf(tm.Line, "%s: an entry in %s must be text; write it under terms to give it except or negatable", label, key)
			return tm, false
		}
		pairs, _ := l.mapping(n, label+": each term")
		seen := l.checkKeys(pairs, termKeys, "term ")
		q, ok := seen["term"]
		if !ok {
			l.errorf(tm.Line, `%s: term is missing "term"`, label)
			return tm, false
		}
		if tm.Text, ok = l.str(q.value, q.line, "term"); !ok {
			return tm, false
		}
		if q, ok := seen["except"]; ok {
			for _, x := range l.termList(q, label) {
				tm.Except = append(tm.Except, x.Text)
			}
		}
		if q, ok := seen["negatable"]; ok {
			tm.Negatable, _ = l.boolean(q, label)
		}
		if q, ok := seen["stem"]; ok {
			stemAll, _ = l.boolean(q, label)
		}
	default:
		s, ok := l.str(it, tm.Line, key+" entry")
		if !ok {
			return tm, false
		}
		tm.Text = s
	}
	tm.Text = strings.TrimSpace(tm.Text)
	if stemAll {
		tm.Text = starAll(tm.Text)
	}
	switch _, err := parseTerm(tm.Text); {
	case tm.Text == "":
		l.errorf(tm.Line, "%s: empty entry in %s", label, key)
		return tm, false
	case err != nil:
		l.errorf(tm.Line, "%s: %s entry %q %v", label, key, tm.Text, err)
		return tm, false
	case key == "words" && len(strings.Fields(tm.Text)) > 1:
		l.errorf(tm.Line, "%s: word %q has more than one word; put it under terms", label, tm.Text)
		return tm, false
	}
	return tm, true
}

// termList reads a list of plain terms (exclude, except); a single text is
// read as a list of one.
func (l *loader) termList(p pair, label string) []Term {
	var out []Term
	var items []ast.Node
	if _, isText := l.unwrap(p.value).(*ast.StringNode); isText {
		items = []ast.Node{p.value}
	} else {
		var ok bool
		if items, ok = l.sequence(p.value, p.line, p.key); !ok {
			return nil
		}
	}
	for _, it := range items {
		s, ok := l.str(it, lineOr(it, p.line), p.key+" entry")
		if !ok {
			continue
		}
		s = strings.TrimSpace(s)
		if _, err := parseTerm(s); err != nil {
			l.errorf(lineOr(it, p.line), "%s: %s entry %q %v", label, p.key, s, err)
			continue
		}
		out = append(out, Term{Text: s, Line: line(it)})
	}
	return out
}

// boolean reads true or false.
func (l *loader) boolean(p pair, label string) (bool, bool) {
	if b, ok := l.unwrap(p.value).(*ast.BoolNode); ok {
		return b.Value, true
	}
	l.errorf(lineOr(p.value, p.line), "%s: %s must be true or false", label, p.key)
	return false, false
}

// indentOf returns what comes before "- " on a line of the file.
func (l *loader) indentOf(n int) string {
	if n < 1 || n > len(l.lines) {
		return ""
	}
	s := l.lines[n-1]
	i := strings.Index(s, "- ")
	if i < 0 || strings.TrimSpace(s[:i]) != "" {
		return ""
	}
	return s[:i]
}

// maxLine returns the last line any part of n is written on.
func maxLine(n ast.Node) int {
	v := &lastLine{}
	ast.Walk(v, n)
	return v.max
}

type lastLine struct{ max int }

func (v *lastLine) Visit(n ast.Node) ast.Visitor {
	if n == nil {
		return nil
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > v.max {
		v.max = tk.Position.Line
	}
	return v
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
