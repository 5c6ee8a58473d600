package surveyfile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// document is a parsed survey file: its plain value (maps, lists, scalars, as JSON
// would have them) and, for every JSON pointer into that value, the line it is on.
type document struct {
	value any
	lines map[string]int
}

// parse reads YAML into a document. The error, if any, is an *Error at the line
// where the YAML stops making sense.
func parse(file string, data []byte) (doc *document, err error) {
	defer func() {
		// The YAML parser is third-party code fed a file anyone can edit: a panic in it
		// must become a message, not a crashed server.
		if r := recover(); r != nil {
			doc, err = nil, &Error{File: file, Line: 1, Message: oneLine(fmt.Sprintf("cannot read this YAML (%v)", r))}
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(file, err)
	}
	var body ast.Node
	for _, d := range f.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if body != nil {
			return nil, &Error{File: file, Line: line(d.Body), Message: "a survey file holds one YAML document; this is a second one"}
		}
		body = d.Body
	}
	if body == nil {
		return nil, &Error{File: file, Line: 1, Message: "the file is empty"}
	}
	doc = &document{lines: map[string]int{}}
	if err := yaml.NodeToValue(body, &doc.value); err != nil {
		return nil, yamlError(file, err)
	}
	doc.index(body, "")
	return doc, nil
}

// yamlError turns a go-yaml error into an *Error with its line.
func yamlError(file string, err error) *Error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		n := 1
		if tk := ye.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
			n = tk.Position.Line
		}
		return &Error{File: file, Line: n, Message: "YAML: " + oneLine(ye.GetMessage())}
	}
	return &Error{File: file, Line: 1, Message: "YAML: " + oneLine(err.Error())}
}

// oneLine keeps a message on one line, as "file:line: message" needs.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// index records the line of n and of everything beneath it under ptr. A key's
// line is recorded for its value, so a nested list is found at its key.
func (d *document) index(n ast.Node, ptr string) {
	if n == nil {
		return
	}
	if _, ok := d.lines[ptr]; !ok {
		d.lines[ptr] = line(n)
	}
	switch n := n.(type) {
	case *ast.DocumentNode:
		d.index(n.Body, ptr)
	case *ast.MappingNode:
		for _, mv := range n.Values {
			d.indexPair(mv, ptr)
		}
	case *ast.MappingValueNode:
		d.indexPair(n, ptr)
	case *ast.SequenceNode:
		for i, v := range n.Values {
			d.index(v, ptr+"/"+strconv.Itoa(i))
		}
	case *ast.AnchorNode:
		d.index(n.Value, ptr)
	case *ast.TagNode:
		d.index(n.Value, ptr)
	}
}

func (d *document) indexPair(mv *ast.MappingValueNode, ptr string) {
	if mv == nil || mv.Key == nil || mv.Key.IsMergeKey() {
		return
	}
	key := mv.Key.GetToken()
	if key == nil {
		return
	}
	name := key.Value
	switch k := ast.Node(mv.Key).(type) {
	case *ast.StringNode:
		name = k.Value
	case *ast.MappingKeyNode:
		if s, ok := k.Value.(*ast.StringNode); ok {
			name = s.Value
		}
	}
	child := ptr + "/" + escape(name)
	if _, ok := d.lines[child]; !ok {
		d.lines[child] = line(mv.Key)
	}
	d.index(mv.Value, child)
}

// line returns the line of n's first token, or 0.
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
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// lineOf returns the line of the value at ptr, or of the nearest enclosing value
// found (values reached through an alias or merge key are not indexed), or 1.
func (d *document) lineOf(ptr string) int {
	for {
		if n := d.lines[ptr]; n > 0 {
			return n
		}
		if ptr == "" {
			return 1
		}
		ptr = ptr[:strings.LastIndexByte(ptr, '/')]
	}
}

// pointer returns the JSON pointer (RFC 6901) of a path of keys and indexes.
func pointer(path ...any) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		switch p := p.(type) {
		case string:
			b.WriteString(escape(p))
		default:
			fmt.Fprint(&b, p)
		}
	}
	return b.String()
}

func escape(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

// where names the place at ptr for a message: `question "happy" scale_labels[2]`,
// `version "8-12" questions[3]`, `closes`, or `survey` for the whole file.
func (d *document) where(ptr string) string {
	parts := strings.Split(ptr, "/")[1:]
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	var b strings.Builder
	if len(parts) >= 2 && (parts[0] == "questions" || parts[0] == "versions") {
		noun := strings.TrimSuffix(parts[0], "s")
		if id := d.idAt(parts[0], parts[1]); id != "" {
			fmt.Fprintf(&b, "%s %q", noun, id)
		} else {
			fmt.Fprintf(&b, "%s[%s]", parts[0], parts[1])
		}
		parts = parts[2:]
		if len(parts) > 0 {
			b.WriteByte(' ')
		}
	}
	for i, p := range parts {
		if _, err := strconv.Atoi(p); err == nil && i > 0 {
			fmt.Fprintf(&b, "[%s]", p)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		if p == "" || strings.ContainsFunc(p, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-')
		}) {
			p = strconv.Quote(p)
		}
		b.WriteString(p)
	}
	if b.Len() == 0 {
		return "survey"
	}
	return b.String()
}

// idAt returns the id of the i-th entry of the list under key, if it has a string id.
func (d *document) idAt(key, index string) string {
	top, _ := d.value.(map[string]any)
	list, _ := top[key].([]any)
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= len(list) {
		return ""
	}
	entry, _ := list[i].(map[string]any)
	id, _ := entry["id"].(string)
	return id
}
