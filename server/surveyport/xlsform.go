package surveyport

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// sheet is one worksheet: its header (lower-cased names, languages kept) and rows.
type sheet struct {
	name   string
	header []column
	rows   [][]string // the rows after the header that are not empty
	nums   []int      // the spreadsheet number of each row
}

// column is one header cell: "label::Welsh (cy)" is field "label", lang "cy".
type column struct {
	raw   string
	field string
	lang  string // "" for a column without a language
}

func (sh *sheet) cell(row []string, field, lang string) string {
	for i, c := range sh.header {
		if c.field == field && c.lang == lang && i < len(row) {
			return strings.TrimSpace(row[i])
		}
	}
	return ""
}

// texts reads every language of a field ("label", "label::Welsh (cy)").
func (sh *sheet) texts(row []string, field, def string) chorus.Text {
	t := chorus.Text{}
	for i, c := range sh.header {
		if c.field == field && i < len(row) && strings.TrimSpace(row[i]) != "" {
			l := c.lang
			if l == "" {
				l = def
			}
			if _, seen := t[l]; !seen || c.lang != "" {
				t[l] = row[i]
			}
		}
	}
	return t
}

// ReadXLSForm reads an XLSForm workbook (.xlsx with the sheets survey, choices and
// settings) named name in messages. It returns the survey, what it skipped, and an
// error if the file is not a usable XLSForm (not an .xlsx, no survey sheet, two
// questions with one name, too large).
func ReadXLSForm(name string, r io.Reader) (*chorus.Survey, []Skip, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: cannot read the file: %w", name, err)
	}
	if len(data) > MaxFileSize {
		return nil, nil, fmt.Errorf("%s: the file is larger than %d MB", name, MaxFileSize>>20)
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		if bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")) {
			return nil, nil, fmt.Errorf("%s: this is an old Excel .xls file; open it and save it as .xlsx", name)
		}
		return nil, nil, fmt.Errorf("%s: this is not an .xlsx workbook", name)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: cannot open the workbook: %v", name, err)
	}
	defer f.Close()
	sheets := map[string]*sheet{}
	for _, sn := range f.GetSheetList() {
		key := strings.ToLower(strings.TrimSpace(sn))
		if key != "survey" && key != "choices" && key != "settings" {
			continue
		}
		sh, err := readSheet(f, sn)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: sheet %q: %v", name, sn, err)
		}
		sheets[key] = sh
	}
	if sheets["survey"] == nil {
		return nil, nil, fmt.Errorf("%s: there is no sheet named survey; an XLSForm has the sheets survey, choices and (optionally) settings", name)
	}
	x := &xlsImport{builder: newBuilder(name), survey: sheets["survey"], choices: sheets["choices"], settings: sheets["settings"]}
	return x.read()
}

func readSheet(f *excelize.File, name string) (*sheet, error) {
	rows, err := f.Rows(name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sh := &sheet{name: strings.ToLower(name)}
	for n := 1; rows.Next(); n++ {
		cols, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		switch {
		case blank(cols):
			continue
		case len(sh.rows) >= maxRows:
			return nil, fmt.Errorf("more than %d rows that are not empty", maxRows)
		case len(cols) > maxColumns:
			return nil, fmt.Errorf("more than %d columns", maxColumns)
		case sh.header == nil:
			for _, h := range cols {
				sh.header = append(sh.header, parseColumn(h))
			}
			continue
		}
		sh.rows, sh.nums = append(sh.rows, cols), append(sh.nums, n)
	}
	if err := rows.Error(); err != nil {
		return nil, err
	}
	return sh, nil
}

func parseColumn(h string) column {
	h = strings.TrimSpace(h)
	field, lang, ok := strings.Cut(h, "::")
	if !ok {
		// Older forms write one colon: label:English.
		if f, l, one := strings.Cut(h, ":"); one && slices.Contains([]string{"label", "hint", "image", "audio", "video", "media", "constraint_message", "required_message", "guidance_hint"}, strings.ToLower(strings.TrimSpace(f))) {
			field, lang, ok = f, l, true
		}
	}
	c := column{raw: h, field: strings.ToLower(strings.TrimSpace(field))}
	c.field = strings.ReplaceAll(c.field, " ", "_")
	if ok {
		c.lang = languageCode(lang)
		if c.lang == "" {
			c.lang = "?" + strings.TrimSpace(lang)
		}
	}
	return c
}

type xlsImport struct {
	*builder
	survey, choices, settings *sheet
	lists                     map[string]*choiceList
	defLang                   string
}

type choiceList struct {
	values []string
	texts  []chorus.Text
	used   bool
}

// The survey-sheet columns an import reads; any other non-empty cell is reported.
var xlsUsed = []string{"type", "name", "label", "hint", "required", "relevant", "constraint", "appearance", "chorus_kind", "parameters"}

// Settings an import reads or that change nothing in Chorus.
var xlsQuietSettings = []string{"form_id", "form_title", "default_language", "version", "style", "allow_choice_duplicates", "id_string"}

func (x *xlsImport) read() (*chorus.Survey, []Skip, error) {
	settings := map[string]string{}
	if x.settings != nil && len(x.settings.rows) > 0 {
		for i, c := range x.settings.header {
			if v := x.settings.rows[0]; i < len(v) && strings.TrimSpace(v[i]) != "" {
				settings[c.field] = strings.TrimSpace(v[i])
				if !slices.Contains(xlsQuietSettings, c.field) {
					x.skip("settings:"+strconv.Itoa(x.settings.nums[0]), "the setting %s (%s) has no meaning in Chorus", c.raw, quote(settings[c.field]))
				}
			}
		}
	}
	if err := x.languages(settings["default_language"]); err != nil {
		return nil, nil, err
	}
	if err := x.readChoices(strings.EqualFold(settings["allow_choice_duplicates"], "yes")); err != nil {
		return nil, nil, err
	}
	if err := x.checkNames(); err != nil {
		return nil, nil, err
	}
	intro := x.readQuestions()
	for name, l := range x.lists {
		if !l.used {
			x.skip("choices", "the choice list %s is not used by any question Chorus kept", quote(name))
		}
	}
	title := chorus.Text{x.defLang: settings["form_title"]}
	s, skips := x.finish(settings["form_id"], baseName(x.file), title, intro)
	slices.SortStableFunc(skips, func(a, b Skip) int { return compareWhere(a.Where, b.Where) })
	return s, skips, checkNotEmpty(x.file, s)
}

// languages finds the survey's languages from the label and hint columns: the
// default language first (from settings, else the column without a language, else
// the first language column).
func (x *xlsImport) languages(defaultSetting string) error {
	var langs []string
	plain := false
	for _, sh := range []*sheet{x.survey, x.choices} {
		if sh == nil {
			continue
		}
		for _, c := range sh.header {
			if c.field != "label" && c.field != "hint" {
				continue
			}
			switch {
			case c.lang == "":
				plain = true
			case strings.HasPrefix(c.lang, "?"):
				x.skip("1", "the column %s names a language without a code; write it like label::Welsh (cy)", quote(c.raw))
			case !validID.MatchString(c.lang) || len(c.lang) > 3:
			default:
				if !slices.Contains(langs, c.lang) {
					langs = append(langs, c.lang)
				}
			}
		}
	}
	def := languageCode(defaultSetting)
	if def == "" {
		switch {
		case plain || len(langs) == 0:
			def = "en"
		default:
			def = langs[0]
		}
	}
	x.defLang = def
	x.langs = append([]string{def}, slices.DeleteFunc(langs, func(l string) bool { return l == def })...)
	return nil
}

func (x *xlsImport) readChoices(allowDuplicates bool) error {
	x.lists = map[string]*choiceList{}
	if x.choices == nil {
		return nil
	}
	sh := x.choices
	listField := "list_name"
	for _, c := range sh.header {
		if c.field == "list name" || c.field == "list_name" {
			listField = c.field
		}
	}
	reported := map[string]bool{}
	for i, row := range sh.rows {
		where := "choices:" + strconv.Itoa(sh.nums[i])
		list, value := sh.cell(row, listField, ""), sh.cell(row, "name", "")
		if list == "" || value == "" {
			x.skip(where, "a choice needs a list_name and a name; this row is left out")
			continue
		}
		l := x.lists[list]
		if l == nil {
			l = &choiceList{}
			x.lists[list] = l
		}
		if slices.Contains(l.values, value) {
			if !allowDuplicates {
				return fmt.Errorf("%s:%s: the choice list %q has the name %q twice", x.file, where, list, value)
			}
			x.skip(where, "the choice %s is listed twice in %s; the second is left out", quote(value), quote(list))
			continue
		}
		l.values = append(l.values, value)
		l.texts = append(l.texts, sh.texts(row, "label", x.defLang))
		for k, c := range sh.header {
			if k < len(row) && strings.TrimSpace(row[k]) != "" && c.field != listField && c.field != "name" && c.field != "label" && !reported[c.raw] {
				reported[c.raw] = true
				x.skip(where, "the choices column %s is not used: Chorus shows every choice, with words only (no media or filters)", quote(c.raw))
			}
		}
	}
	return nil
}

// checkNames refuses a form with two questions (or groups) of one name: answers
// would be stored under one key.
func (x *xlsImport) checkNames() error {
	seen := map[string]int{}
	for i, row := range x.survey.rows {
		t, name := normalType(x.survey.cell(row, "type", "")), x.survey.cell(row, "name", "")
		if name == "" || strings.HasPrefix(strings.ToLower(t), "end") {
			continue
		}
		if first, dup := seen[name]; dup {
			return fmt.Errorf("%s:%d: the name %q is already used at row %d; every question needs its own name", x.file, x.survey.nums[i], name, first)
		}
		seen[name] = x.survey.nums[i]
	}
	return nil
}

// group is an open begin group or begin repeat.
type group struct {
	row       int
	name      string
	repeat    bool
	relevant  string
	grid      *chorus.Question // chorus_kind grid: its rows become the grid's items
	gridSrc   *source
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
				g.gridSrc = x.add(where, name, g.grid, map[string]string{})
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
			continue
		}
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
	x.unused(where, row, "type", "name", "label", "hint", "required", "relevant", "constraint", "appearance", "chorus_kind", "parameters")
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

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func optionIDs(opts []chorus.Option) []string {
	ids := make([]string, len(opts))
	for i, o := range opts {
		ids[i] = o.ID
	}
	return ids
}

// mergeText joins two texts language by language, a blank line between.
func mergeText(a, b chorus.Text) chorus.Text {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := chorus.Text{}
	for l, s := range a {
		out[l] = s
	}
	for l, s := range b {
		if out[l] != "" {
			out[l] += "\n\n" + s
		} else {
			out[l] = s
		}
	}
	return out
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.LastIndex(path, "."); i > 0 {
		path = path[:i]
	}
	return path
}

// compareWhere orders skips: survey rows by number, then other sheets.
func compareWhere(a, b string) int {
	na, ea := strconv.Atoi(a)
	nb, eb := strconv.Atoi(b)
	switch {
	case ea == nil && eb == nil:
		return na - nb
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// normalType lower-cases a type and spells older forms as pyxform does today:
// "select one from L" is "select_one L", "select all that apply from L" is
// "select_multiple L", "… or specify other" is "… or_other".
func normalType(t string) string {
	t = strings.Join(strings.Fields(strings.ToLower(t)), " ")
	t = strings.Replace(t, " or specify other", " or_other", 1)
	for _, old := range []struct{ from, to string }{
		{"select one from ", "select_one "}, {"select all that apply from ", "select_multiple "},
		{"select one ", "select_one "}, {"select all that apply ", "select_multiple "},
		{"select multiple ", "select_multiple "}, {"phone number", "phonenumber"},
	} {
		if strings.HasPrefix(t, old.from) {
			return old.to + strings.TrimPrefix(t, old.from)
		}
	}
	return t
}
