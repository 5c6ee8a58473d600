package surveyport

import (
	"regexp"
	"strings"
)

// Conditions Chorus can keep: "show this question when question Q's answer is (or
// includes) one of these values". Both tools write them as expressions; only the
// simple forms below are read, anything else is reported.
var (
	// XLSForm: ${q} = 'x', ${q} = 3, selected(${q}, 'x').
	xlsEquals   = regexp.MustCompile(`^\$\{([^}]+)\}\s*=\s*(?:'([^']*)'|"([^"]*)"|(-?[0-9]+))$`)
	xlsSelected = regexp.MustCompile(`^selected\(\s*\$\{([^}]+)\}\s*,\s*(?:'([^']*)'|"([^"]*)")\s*\)$`)
	// SurveyJS: {q} = 'x', {q} == 3, {q} = true, {q} contains 'x', {q} anyof ['a', 'b'].
	sjEquals   = regexp.MustCompile(`(?i)^\{([^}]+)\}\s*(?:==?|contains|anyof|allof)\s*(?:'([^']*)'|"([^"]*)"|(-?[0-9]+|true|false))$`)
	sjAnyOf    = regexp.MustCompile(`(?i)^\{([^}]+)\}\s*anyof\s*\[([^\]]*)\]$`)
	sjListItem = regexp.MustCompile(`^\s*(?:'([^']*)'|"([^"]*)"|(-?[0-9]+))\s*$`)
)

// parseCondition reads an expression that is an "or" of simple comparisons with one
// question. It returns that question's name and the values, or ok false.
func parseCondition(expr string, surveyJS bool) (name string, values []string, ok bool) {
	// Word processors turn quotes curly; XLSForm and SurveyJS mean straight ones.
	expr = strings.NewReplacer("‘", "'", "’", "'", "“", `"`, "”", `"`).Replace(expr)
	terms := splitOr(unparen(strings.TrimSpace(expr)))
	if terms == nil {
		return "", nil, false
	}
	for _, t := range terms {
		n, vals, ok := parseTerm(unparen(t), surveyJS)
		if !ok || (name != "" && n != name) {
			return "", nil, false
		}
		name = n
		values = append(values, vals...)
	}
	return name, values, name != "" && len(values) > 0
}

func parseTerm(t string, surveyJS bool) (string, []string, bool) {
	first := func(m []string) string {
		for _, s := range m[2:] {
			if s != "" {
				return s
			}
		}
		return ""
	}
	if !surveyJS {
		for _, re := range []*regexp.Regexp{xlsEquals, xlsSelected} {
			if m := re.FindStringSubmatch(t); m != nil {
				return strings.TrimSpace(m[1]), []string{first(m)}, true
			}
		}
		return "", nil, false
	}
	if m := sjEquals.FindStringSubmatch(t); m != nil {
		return strings.TrimSpace(m[1]), []string{m[2] + m[3] + strings.ToLower(m[4])}, true
	}
	if m := sjAnyOf.FindStringSubmatch(t); m != nil {
		var vals []string
		for _, item := range strings.Split(m[2], ",") {
			v := sjListItem.FindStringSubmatch(item)
			if v == nil {
				return "", nil, false
			}
			vals = append(vals, v[1]+v[2]+v[3])
		}
		return strings.TrimSpace(m[1]), vals, len(vals) > 0
	}
	return "", nil, false
}

// splitOr splits at each top-level " or " outside quotes and brackets; nil if the
// expression also uses "and" or "not" there.
func splitOr(s string) []string {
	var terms []string
	depth, start := 0, 0
	var q byte
	low := strings.ToLower(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
		case depth == 0 && (c == ' ' || c == '\t'):
			rest := low[i:]
			word := strings.TrimLeft(rest, " \t")
			switch {
			case strings.HasPrefix(word, "or ") || strings.HasPrefix(word, "or("):
				terms = append(terms, strings.TrimSpace(s[start:i]))
				i += len(rest) - len(word) + 2
				start = i
			case strings.HasPrefix(word, "and ") || strings.HasPrefix(word, "and(") || strings.HasPrefix(word, "not"):
				return nil
			}
		}
	}
	if q != 0 || depth != 0 {
		return nil
	}
	return append(terms, strings.TrimSpace(s[start:]))
}

// unparen removes parentheses around a whole term: "(a)" but not "(a) or (b)".
func unparen(t string) string {
	for strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") && closes(t) == len(t)-1 {
		t = strings.TrimSpace(t[1 : len(t)-1])
	}
	return t
}

// closes returns the index of the parenthesis that closes t's first one, or -1.
func closes(t string) int {
	depth := 0
	var q byte
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '\'' || c == '"':
			q = c
		case c == '(':
			depth++
		case c == ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}
