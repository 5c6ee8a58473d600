package surveyport

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
)

// group is an open begin group or begin repeat.
type group struct {
	row       int
	name      string
	repeat    bool
	relevant  string
	grid      *chorus.Question // chorus_kind grid: its rows become the grid's items
	gridItems idSet
}

// readQuestions reads the survey sheet row by row. Notes before the first question
// become the survey's introduction, which it returns; later notes join the help of
// the next question.
func (x *xlsImport) readQuestions() chorus.Text {
	sh := x.survey
	var stack []*group
	var intro, pendingNote chorus.Text
	pendingRow := 0
	inRepeat := func() *group {
		for _, g := range stack {
			if g.repeat {
				return g
			}
		}
		return nil
	}
	for i, row := range sh.rows {
		num := sh.nums[i]
		where := strconv.Itoa(num)
		typ := normalType(sh.cell(row, "type", ""))
		name := sh.cell(row, "name", "")
		kindCol := sh.cell(row, "chorus_kind", "")
		if typ == "" {
			x.skip(where, "the row has no type; it is left out")
			continue
		}
		word, rest, _ := strings.Cut(typ, " ")
		switch typ {
		case "begin group", "begin_group", "begin repeat", "begin_repeat", "begin loop":
			g := &group{row: num, name: name, repeat: strings.Contains(typ, "repeat") || strings.Contains(typ, "loop"), relevant: sh.cell(row, "relevant", "")}
			if r := inRepeat(); g.repeat && r == nil {
				x.skip(where, "the repeat %s asks its questions again and again; Chorus asks each question once, so they are left out", quote(name))
			}
			if kindCol == chorus.KindGrid && inRepeat() == nil && !g.repeat {
				g.grid = &chorus.Question{Kind: chorus.KindGrid, Required: required(sh.cell(row, "required", "")),
					Text: x.text(where, "the label", sh.texts(row, "label", x.defLang), name),
					Help: x.text(where, "the hint", sh.texts(row, "hint", x.defLang), "")}
				x.add(where, name, g.grid, map[string]string{})
				g.gridItems = idSet{}
				x.relevance(g.grid, where, g.relevant, name)
			} else if !g.repeat && inRepeat() == nil {
				if t := sh.texts(row, "label", x.defLang); len(t) > 0 {
					x.skip(where, "the heading of group %s is not shown (Chorus asks one question at a time); its questions are kept", quote(name))
				}
			}
			x.unused(where, row, "type", "name", "label", "hint", "relevant", "appearance", "chorus_kind", "required")
			stack = append(stack, g)
			continue
		case "end group", "end_group", "end repeat", "end_repeat", "end loop":
			if len(stack) == 0 {
				x.skip(where, "%s without a begin; ignored", typ)
				continue
			}
			if g := stack[len(stack)-1]; g.grid != nil && len(g.grid.Items) == 0 {
				x.skip(strconv.Itoa(g.row), "the grid %s has no rows Chorus can ask; it is left out", quote(g.name))
				x.remove(g.grid)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if r := inRepeat(); r != nil {
			x.skip(where, "%s %s is inside the repeat at row %d; Chorus asks each question once, so it is left out", typ, quote(name), r.row)
			continue
		}
		var grid *group
		if len(stack) > 0 && stack[len(stack)-1].grid != nil {
			grid = stack[len(stack)-1]
		}
		// The group conditions above a question apply to it too.
		relevant := sh.cell(row, "relevant", "")
		for _, g := range stack {
			if g.relevant != "" && g.grid == nil {
				if relevant == "" {
					relevant = g.relevant
				} else if relevant != g.relevant {
					relevant = "(" + g.relevant + ") and (" + relevant + ")"
				}
			}
		}
		text := sh.texts(row, "label", x.defLang)
		hint := sh.texts(row, "hint", x.defLang)
		if word == "note" {
			note := x.text(where, "", mergeText(text, hint), "")
			x.unused(where, row, "type", "name", "label", "hint", "relevant")
			if relevant != "" {
				x.skip(where, "the note %s has a condition (%s); it is shown to everyone", quote(name), quote(relevant))
			}
			switch {
			case note == nil:
			case len(x.builder.survey.Questions) == 0 && pendingNote == nil:
				intro = mergeText(intro, note)
			default:
				pendingNote, pendingRow = mergeText(pendingNote, note), num
			}
			continue
		}
		if grid != nil {
			x.gridItem(grid, where, row, typ, name)
			continue
		}
		q, values, reason := x.question(where, row, word, rest, name)
		if q == nil {
			x.skip(where, "%s %s is left out: %s", typ, quote(name), reason)
			continue // one line for the row; its other cells go with it
		}
		used := []string{"type", "name", "label", "hint", "required", "relevant", "constraint", "appearance", "chorus_kind"}
		if word == "range" {
			used = append(used, "parameters")
		}
		x.unused(where, row, used...)
		if kindCol == chorus.KindArea {
			q.Kind, q.Options, values = chorus.KindArea, nil, nil
		}
		q.Required = required(sh.cell(row, "required", ""))
		if v := sh.cell(row, "required", ""); v != "" && !q.Required && !isNo(v) {
			x.skip(where, "required %s is an expression; the question is optional", quote(v))
		}
		q.Text = x.text(where, "the label", text, name)
		q.Help = x.text(where, "the hint", hint, "")
		if pendingNote != nil {
			q.Help = mergeText(pendingNote, q.Help)
			pendingNote = nil
		}
		x.add(where, name, q, values)
		x.relevance(q, where, relevant, name)
	}
	if pendingNote != nil {
		x.skip(strconv.Itoa(pendingRow), "the note at the end has no question after it to go with; it is left out")
	}
	return intro
}

func (x *xlsImport) relevance(q *chorus.Question, where, relevant, name string) {
	if relevant == "" {
		return
	}
	dep, vals, ok := parseCondition(relevant, false)
	if !ok {
		x.skip(where, "the condition %s of %s is more than \"${question} = 'answer'\"; the question is always shown", quote(relevant), quote(name))
		return
	}
	x.condition(q, where, relevant, dep, vals)
}

var likertPoints = map[int][]string{3: {"1", "2", "3"}, 5: {"1", "2", "3", "4", "5"}}

// question maps one survey-sheet row, or says why it cannot.
func (x *xlsImport) question(where string, row []string, word, rest, name string) (*chorus.Question, map[string]string, string) {
	sh := x.survey
	appearance := strings.ToLower(sh.cell(row, "appearance", ""))
	kind := sh.cell(row, "chorus_kind", "")
	constraint := sh.cell(row, "constraint", "")
	switch word {
	case "select_one", "select_multiple", "select1", "select":
		listName, other, _ := strings.Cut(rest, " ")
		if other != "" {
			x.skip(where, "%q (a box to describe another answer) is not kept; only the listed choices are offered", other)
		}
		l := x.lists[listName]
		if l == nil && kind != chorus.KindArea {
			if x.choices == nil {
				return nil, nil, "there is no choices sheet"
			}
			return nil, nil, fmt.Sprintf("the choice list %q is not on the choices sheet", listName)
		}
		q := &chorus.Question{Kind: chorus.KindSingle}
		if word == "select_multiple" || word == "select" {
			q.Kind = chorus.KindMulti
		}
		if l == nil {
			return q, nil, ""
		}
		l.used = true
		if kind == chorus.KindArea {
			q.DontWantToSay = slices.Contains(l.values, chorus.PreferNot)
			return q, nil, ""
		}
		opts, values, preferNot := x.options(where, l.values, l.texts)
		q.Options, q.DontWantToSay = opts, preferNot
		if q.Kind == chorus.KindSingle && (kind == chorus.KindScale || strings.Contains(appearance, "likert")) && len(opts) >= 3 {
			if pts := likertPoints[len(opts)]; pts != nil && slices.Equal(optionIDs(opts), pts) {
				q.Kind, q.Scale, q.Options = chorus.KindScale, len(opts), nil
				for _, o := range opts {
					q.ScaleLabels = append(q.ScaleLabels, o.Text)
				}
			}
		}
		if q.Kind == chorus.KindMulti {
			if n, ok := countConstraint(constraint); ok && n < len(opts) {
				q.MaxChoices = n
				constraint = ""
			}
		}
		if len(q.Options) < 2 && q.Kind != chorus.KindScale {
			return nil, nil, fmt.Sprintf("the choice list %q has fewer than two choices", listName)
		}
		x.constraint(where, constraint)
		return q, values, ""
	case "text", "string":
		q := &chorus.Question{Kind: chorus.KindShortText}
		if strings.Contains(appearance, "multiline") || kind == chorus.KindLongText {
			q.Kind = chorus.KindLongText
		}
		if n, ok := lengthConstraint(constraint); ok {
			q.MaxLength = n
			constraint = ""
		}
		x.constraint(where, constraint)
		return q, nil, ""
	case "integer", "int":
		q := &chorus.Question{Kind: chorus.KindNumber, Min: -1000000, Max: 1000000}
		if lo, hi, ok := rangeConstraint(constraint); ok {
			q.Min, q.Max = lo, hi
			constraint = ""
		}
		x.constraint(where, constraint)
		return q, nil, ""
	case "range":
		p := parameters(sh.cell(row, "parameters", ""))
		lo, hi, step := atoiOr(p["start"], 1), atoiOr(p["end"], 10), atoiOr(p["step"], 1)
		if step != 1 || lo >= hi {
			return nil, nil, "only a range of whole numbers in steps of 1 can be kept"
		}
		return &chorus.Question{Kind: chorus.KindNumber, Min: lo, Max: hi}, nil, ""
	case "decimal":
		return nil, nil, "Chorus numbers are whole numbers"
	case "calculate":
		return nil, nil, "calculations are not supported; Chorus stores only what a child answers"
	case "geopoint", "geotrace", "geoshape", "start-geopoint":
		return nil, nil, "Chorus never records where a child is"
	case "image", "audio", "video", "file", "background-audio", "barcode", "signature":
		return nil, nil, "Chorus takes no photos, recordings or files from children"
	case "start", "end", "today", "deviceid", "phonenumber", "simserial", "subscriberid", "username", "email", "audit", "uri:email", "uri:phonenumber", "uri:username", "uri:deviceid", "start_geopoint":
		return nil, nil, "Chorus records no device, time or identity metadata"
	case "date", "time", "datetime":
		return nil, nil, "Chorus has no date or time questions"
	case "hidden", "xml-external", "csv-external":
		return nil, nil, "hidden and external data are not supported"
	case "acknowledge", "trigger":
		return nil, nil, "Chorus has no acknowledge questions"
	case "rank":
		return nil, nil, "Chorus has no ranking questions"
	case "select_one_from_file", "select_multiple_from_file", "select_one_external", "select_multiple_external":
		return nil, nil, "choices from another file are not supported"
	}
	return nil, nil, "Chorus has no question of this type"
}

// gridItem adds one row of a chorus_kind grid group as an item.
func (x *xlsImport) gridItem(g *group, where string, row []string, typ, name string) {
	q := g.grid
	word, listName, _ := strings.Cut(typ, " ")
	l := x.lists[listName]
	if word != "select_one" || l == nil {
		x.skip(where, "%s %s is inside the grid %s but is not a select_one of the grid's scale; it is left out", typ, quote(name), quote(g.name))
		return
	}
	l.used = true
	var points []string
	var labels []chorus.Text
	for k, v := range l.values {
		if v == chorus.PreferNot {
			q.DontWantToSay = true
			continue
		}
		points = append(points, v)
		labels = append(labels, x.text("choices", "the scale point "+quote(v), l.texts[k], v))
	}
	if pts := likertPoints[len(points)]; pts == nil || !slices.Equal(points, pts) {
		x.skip(where, "the grid %s needs a scale of 3 or 5 points named 1 to 3 or 1 to 5; %s is left out", quote(g.name), quote(name))
		return
	}
	if q.Scale == 0 {
		q.Scale, q.ScaleLabels = len(points), labels
	} else if q.Scale != len(points) {
		x.skip(where, "%s uses another scale than the rest of the grid %s; it is left out", quote(name), quote(g.name))
		return
	}
	item := strings.TrimPrefix(strings.TrimPrefix(name, g.name+"__"), g.name+"_")
	id := g.gridItems.take(item, "item"+strconv.Itoa(len(q.Items)+1))
	q.Items = append(q.Items, chorus.Option{ID: id, Text: x.text(where, "the label", x.survey.texts(row, "label", x.defLang), item)})
	x.unused(where, row, "type", "name", "label", "appearance", "required")
}

// unused reports each non-empty cell of a row in a column the import does not read.
func (x *xlsImport) unused(where string, row []string, used ...string) {
	for i, c := range x.survey.header {
		if i >= len(row) || strings.TrimSpace(row[i]) == "" || slices.Contains(used, c.field) {
			continue
		}
		if c.field == "label" || c.field == "hint" {
			continue
		}
		x.skip(where, "the column %s (%s) is not used: %s", c.raw, quote(strings.TrimSpace(row[i])), columnReason(c.field))
	}
}

func columnReason(field string) string {
	switch {
	case field == "calculation":
		return "calculations are not supported"
	case field == "constraint_message" || field == "required_message":
		return "Chorus words its own messages"
	case field == "default":
		return "Chorus never pre-fills a child's answer"
	case field == "read_only":
		return "every Chorus question can be answered"
	case field == "choice_filter":
		return "choice filters are not supported; every choice is offered"
	case strings.HasPrefix(field, "media") || field == "image" || field == "audio" || field == "video" || field == "big-image":
		return "media are not supported"
	case field == "repeat_count":
		return "repeats are not supported"
	case field == "guidance_hint":
		return "guidance hints are not shown"
	case field == "trigger":
		return "triggers are not supported"
	}
	return "Chorus has no such setting"
}

func (x *xlsImport) constraint(where, c string) {
	if c != "" {
		x.skip(where, "the constraint %s is not checked: Chorus checks only lengths, ranges and how many choices", quote(c))
	}
}

var (
	boundRe  = regexp.MustCompile(`^\.\s*(>=|>|<=|<)\s*(-?[0-9]+)$`)
	lengthRe = regexp.MustCompile(`^string-length\(\s*\.\s*\)\s*(<=|<)\s*([0-9]+)$`)
	countRe  = regexp.MustCompile(`^count-selected\(\s*\.\s*\)\s*(<=|<)\s*([0-9]+)$`)
)

// rangeConstraint reads ". >= 0 and . <= 120" (either bound may be missing).
func rangeConstraint(c string) (lo, hi int, ok bool) {
	lo, hi = -1000000, 1000000
	if c == "" {
		return 0, 0, false
	}
	for _, part := range strings.Split(c, " and ") {
		m := boundRe.FindStringSubmatch(strings.TrimSpace(unparen(strings.TrimSpace(part))))
		if m == nil {
			return 0, 0, false
		}
		n, _ := strconv.Atoi(m[2])
		switch m[1] {
		case ">=":
			lo = n
		case ">":
			lo = n + 1
		case "<=":
			hi = n
		case "<":
			hi = n - 1
		}
	}
	if lo < -1000000 || hi > 1000000 || lo >= hi {
		return 0, 0, false
	}
	return lo, hi, true
}

func lengthConstraint(c string) (int, bool) { return limit(lengthRe, c, 5000) }
func countConstraint(c string) (int, bool)  { return limit(countRe, c, 100) }

func limit(re *regexp.Regexp, c string, most int) (int, bool) {
	m := re.FindStringSubmatch(strings.TrimSpace(c))
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[2])
	if m[1] == "<" {
		n--
	}
	return n, n >= 1 && n <= most
}

func parameters(s string) map[string]string {
	p := map[string]string{}
	for _, f := range strings.Fields(strings.ReplaceAll(s, ";", " ")) {
		if k, v, ok := strings.Cut(f, "="); ok {
			p[strings.ToLower(k)] = v
		}
	}
	return p
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return n
	}
	return def
}

func required(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "true", "true()", "1", "y":
		return true
	}
	return false
}

func isNo(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "no", "false", "false()", "0", "n", "":
		return true
	}
	return false
}
