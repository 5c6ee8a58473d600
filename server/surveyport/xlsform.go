package surveyport

import (
	"bytes"
	"fmt"
	"io"
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
		if strings.Contains(err.Error(), "unzip size exceeds") { // excelize has no error value for it
			return nil, nil, fmt.Errorf("%s: the workbook unzips to more than 64 MB; a survey is far smaller", name)
		}
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

// The survey-sheet columns an import reads (appearance only for multiline and likert;
// otherwise it is layout); any other non-empty cell is reported.
var xlsUsed = []string{"type", "name", "label", "hint", "required", "relevant", "constraint", "appearance", "chorus_kind"}

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
