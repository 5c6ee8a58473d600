// Package surveyport brings surveys into Chorus from the tools organisations already
// use (XLSForm spreadsheets from KoboToolbox and ODK, SurveyJS JSON) and sends them
// back. An import maps what has a meaning in Chorus and reports everything else as a
// Skip, one line each, never dropping a feature silently. It works on the domain
// survey (chorus.Survey); reading and checking Chorus's own YAML stays in surveyfile.
package surveyport

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Limits on what an import reads: real forms are far smaller, and a hostile file must
// fail fast rather than fill the memory.
const (
	MaxFileSize  = 8 << 20 // bytes of an .xlsx or .json file
	maxRows      = 5000    // rows of one sheet
	maxColumns   = 200     // columns of one sheet
	maxElements  = 5000    // SurveyJS elements
	maxTextRunes = 5000    // the survey schema's longest text
)

// Skip is one thing an import or export left out, and why.
type Skip struct {
	File  string
	Where string // a row ("12", "choices:7") or a JSON path ("pages[0].elements[3]")
	What  string
}

// String returns "file:where: what".
func (s Skip) String() string {
	if s.Where == "" {
		return s.File + ": " + s.What
	}
	return s.File + ":" + s.Where + ": " + s.What
}

// The id and version an imported survey gets, and its status: a draft, so that
// nobody answers it before a facilitator has read it and written the privacy words.
const (
	importedVersion = "all"
	idPattern       = `^[a-z0-9][a-z0-9_-]{0,63}$`
)

var validID = regexp.MustCompile(idPattern)

// slug turns a name from another tool into a Chorus id: lower case, with every run of
// other characters as one '_', at most 64 long. It returns "" if nothing is left.
func slug(name string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
			under = false
		case r == '_' || !under:
			if b.Len() > 0 {
				b.WriteByte('_')
			}
			under = true
		}
	}
	s := strings.TrimRight(strings.TrimLeft(b.String(), "_-"), "_")
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "_")
	}
	if !validID.MatchString(s) {
		return ""
	}
	return s
}

// idSet hands out unique ids.
type idSet map[string]bool

// take returns a unique id for name (fallback if name has none), marking it used.
func (ids idSet) take(name, fallback string) string {
	id := slug(name)
	if id == "" {
		id = fallback
	}
	if id == chorus.PreferNot {
		id = "prefer_not_say"
	}
	base := id
	for n := 2; ids[id]; n++ {
		suffix := "_" + strconv.Itoa(n)
		id = base
		if len(id)+len(suffix) > 64 {
			id = id[:64-len(suffix)]
		}
		id += suffix
	}
	ids[id] = true
	return id
}

// clean makes a text from another tool safe to keep: valid UTF-8, no control
// characters but newlines and tabs, trimmed, at most maxTextRunes long.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == '\u202e' || r == '\u202d' || r == '\u2066' || r == '\u2067' || r == '\u2068' || r == '\u2069' {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxTextRunes {
		s = string([]rune(s)[:maxTextRunes])
	}
	return s
}

// Language names that forms write instead of codes, lower case.
var languageCodes = map[string]string{
	"english": "en", "welsh": "cy", "cymraeg": "cy", "irish": "ga", "gaeilge": "ga",
	"scottish gaelic": "gd", "gàidhlig": "gd", "gaelic": "gd", "french": "fr", "français": "fr",
	"spanish": "es", "español": "es", "portuguese": "pt", "português": "pt", "german": "de",
	"deutsch": "de", "polish": "pl", "polski": "pl", "arabic": "ar", "urdu": "ur",
	"bengali": "bn", "punjabi": "pa", "somali": "so", "swahili": "sw", "kiswahili": "sw",
	"romanian": "ro", "italian": "it", "dari": "prs", "pashto": "ps", "farsi": "fa",
	"persian": "fa", "tigrinya": "ti", "kurdish": "ku", "hindi": "hi", "chinese": "zh",
	"russian": "ru", "ukrainian": "uk", "turkish": "tr", "amharic": "am", "hausa": "ha",
	"nepali": "ne", "dutch": "nl", "swedish": "sv", "lithuanian": "lt",
}

// languageNames is the reverse, for exports: "Welsh (cy)".
var languageNames = map[string]string{
	"en": "English", "cy": "Welsh", "ga": "Irish", "gd": "Gaelic", "fr": "French",
	"es": "Spanish", "pt": "Portuguese", "de": "German", "pl": "Polish", "ar": "Arabic",
	"ur": "Urdu", "bn": "Bengali", "pa": "Punjabi", "so": "Somali", "ro": "Romanian",
}

var langInParens = regexp.MustCompile(`\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\)\s*$`)

// languageCode reads a language as forms write it: "Welsh (cy)", "cy", "English",
// "pt-BR". It returns "" if it cannot tell the code.
func languageCode(s string) string {
	s = strings.TrimSpace(s)
	if m := langInParens.FindStringSubmatch(s); m != nil {
		return strings.ToLower(m[1])
	}
	low := strings.ToLower(s)
	if c, ok := languageCodes[low]; ok {
		return c
	}
	primary, _, _ := strings.Cut(strings.ReplaceAll(low, "_", "-"), "-")
	if len(primary) >= 2 && len(primary) <= 3 && strings.IndexFunc(primary, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
		return primary
	}
	return ""
}

// languageLabel names a language for an XLSForm column: "Welsh (cy)".
func languageLabel(code string) string {
	if n, ok := languageNames[code]; ok {
		return n + " (" + code + ")"
	}
	return code + " (" + code + ")"
}

// preferNotWords is what "I don't want to say" is called in exports.
var preferNotWords = map[string]string{"en": "I don't want to say", "cy": "Dw i ddim eisiau dweud"}

func preferNotText(langs []string) chorus.Text {
	t := chorus.Text{}
	for _, l := range langs {
		t[l] = preferNotWords[l]
		if t[l] == "" {
			t[l] = preferNotWords["en"]
		}
	}
	return t
}

// builder collects an imported survey: questions with unique ids, their conditions
// (resolved once every question is known), and what was skipped.
type builder struct {
	file      string
	skips     []Skip
	langs     []string // the first is the default
	survey    *chorus.Survey
	ids       idSet
	questions map[string]*source // source name → what it became
	conds     []pendingCond
}

// source is one question as the other tool named it, and how its answer values
// became Chorus answers.
type source struct {
	q      *chorus.Question
	index  int               // position in the bank
	values map[string]string // source value → Chorus answer (option id or scale point)
}

// pendingCond is a condition to resolve when every question is known.
type pendingCond struct {
	q     *chorus.Question
	where string
	expr  string
	name  string   // the source name of the question it depends on
	vals  []string // source values
}

func newBuilder(file string) *builder {
	return &builder{file: file, ids: idSet{}, questions: map[string]*source{}, survey: &chorus.Survey{Status: chorus.StatusDraft}}
}

func (b *builder) skip(where, format string, args ...any) {
	b.skips = append(b.skips, Skip{File: b.file, Where: where, What: oneLine(fmt.Sprintf(format, args...))})
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 300 {
		s = string([]rune(s)[:300]) + "…"
	}
	return s
}

// quote shows a value from the file in a message, shortened.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return strconv.Quote(s)
}

// text completes t so that it has words in every language, from the default language
// (or fallback when even that is empty), reporting each language it filled in.
func (b *builder) text(where, what string, t chorus.Text, fallback string) chorus.Text {
	out := chorus.Text{}
	for l, s := range t {
		if s = clean(s); s != "" && slices.Contains(b.langs, l) {
			out[l] = s
		}
	}
	from := b.langs[0]
	def := out[from]
	if def == "" {
		for _, l := range b.langs {
			if out[l] != "" {
				def, from = out[l], l
				break
			}
		}
	}
	if def == "" {
		def, from = clean(fallback), ""
		if def == "" && fallback != "" {
			def = strconv.QuoteToASCII(fallback) // only invisible characters: show them escaped
		}
	}
	if def == "" {
		return nil
	}
	for _, l := range b.langs {
		if out[l] == "" {
			if len(out) > 0 && what != "" {
				b.skip(where, "%s has no %s words; the %s words are used until someone translates them", what, l, from)
			}
			out[l] = def
		}
	}
	return out
}

// add puts a question in the bank, with a unique id made from its source name.
func (b *builder) add(where, name string, q *chorus.Question, values map[string]string) *source {
	q.ID = b.ids.take(name, "q"+strconv.Itoa(len(b.survey.Questions)+1))
	if len(q.Text) == 0 {
		q.Text = b.text(where, "", nil, q.ID)
	}
	if q.ID != name {
		b.skip(where, "name %s became the id %q (Chorus ids are lower-case letters, digits, _ and -)", quote(name), q.ID)
	}
	s := &source{q: q, index: len(b.survey.Questions), values: values}
	b.survey.Questions = append(b.survey.Questions, q)
	if _, dup := b.questions[name]; !dup {
		b.questions[name] = s
	}
	return s
}

// remove takes a question out of the bank again.
func (b *builder) remove(q *chorus.Question) {
	b.survey.Questions = slices.DeleteFunc(b.survey.Questions, func(x *chorus.Question) bool { return x == q })
	for name, src := range b.questions {
		if src.q == q {
			delete(b.questions, name)
		}
	}
	for i, src := range b.questions {
		src.index = slices.Index(b.survey.Questions, src.q)
		b.questions[i] = src
	}
}

// options turns (value, text) pairs into options with unique ids, and the map from
// each source value to its option id. A value named prefer_not sets dont_want_to_say.
func (b *builder) options(where string, values []string, texts []chorus.Text) (opts []chorus.Option, ids map[string]string, preferNot bool) {
	used := idSet{}
	ids = map[string]string{}
	for i, v := range values {
		if v == chorus.PreferNot {
			preferNot = true
			ids[v] = chorus.PreferNot
			continue
		}
		if _, dup := ids[v]; dup {
			b.skip(where, "the answer %s is listed twice; the second is left out", quote(v))
			continue
		}
		id := used.take(v, "o"+strconv.Itoa(i+1))
		ids[v] = id
		t := b.text(where, "answer "+quote(v), texts[i], v)
		if t == nil {
			t = b.text(where, "", nil, id)
		}
		opts = append(opts, chorus.Option{ID: id, Text: t})
	}
	return opts, ids, preferNot
}

// condition records that q is shown only when the question named name has one of vals.
func (b *builder) condition(q *chorus.Question, where, expr, name string, vals []string) {
	b.conds = append(b.conds, pendingCond{q: q, where: where, expr: expr, name: name, vals: vals})
}

// finish resolves the conditions, adds the one version and fills what every Chorus
// survey needs. It reports each condition it could not keep.
func (b *builder) finish(id, fallbackID string, title chorus.Text, intro chorus.Text) (*chorus.Survey, []Skip) {
	s := b.survey
	s.ID = slug(id)
	if s.ID == "" || !validID.MatchString(s.ID) {
		s.ID = slug(fallbackID)
	}
	if s.ID == "" {
		s.ID = "imported-survey"
	}
	s.Languages = b.langs
	s.Title = b.text("", "", title, s.ID)
	if len(intro) > 0 {
		s.Intro = b.text("", "the introduction", intro, "")
	}
	s.Privacy = b.text("", "", chorus.Text{}, "Imported from "+b.file[strings.LastIndexAny(b.file, `/\`)+1:]+": a facilitator must replace these words with who will see the answers, in words a child understands, before this survey opens.")
	index := map[*chorus.Question]int{}
	for i, q := range s.Questions {
		index[q] = i
	}
	for _, c := range b.conds {
		src, ok := b.questions[c.name]
		switch {
		case !ok:
			b.skip(c.where, "the condition %s names %s, which is not a question Chorus kept; the question is always shown", quote(c.expr), quote(c.name))
			continue
		case src.index >= index[c.q]:
			b.skip(c.where, "the condition %s depends on a later question; the question is always shown", quote(c.expr))
			continue
		}
		var equals []string
		for _, v := range c.vals {
			a, ok := answerValue(src, v)
			if !ok {
				equals = nil
				break
			}
			if !slices.Contains(equals, a) {
				equals = append(equals, a)
			}
		}
		if len(equals) == 0 {
			b.skip(c.where, "the condition %s compares with an answer question %q cannot have; the question is always shown", quote(c.expr), src.q.ID)
			continue
		}
		c.q.ShowIf = &chorus.Condition{Question: src.q.ID, Equals: equals}
	}
	v := &chorus.Version{ID: importedVersion, Label: s.Title}
	for _, q := range s.Questions {
		v.Questions = append(v.Questions, q.ID)
	}
	s.Versions = []*chorus.Version{v}
	return s, b.skips
}

// answerValue turns a source answer value into the Chorus answer a condition compares with.
func answerValue(src *source, v string) (string, bool) {
	switch src.q.Kind {
	case chorus.KindSingle, chorus.KindMulti, chorus.KindScale:
		a, ok := src.values[v]
		if !ok && src.q.Kind == chorus.KindScale {
			if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= src.q.Scale {
				return v, true
			}
		}
		return a, ok
	case chorus.KindNumber:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		return strconv.Itoa(n), err == nil
	case chorus.KindArea:
		return strings.ToUpper(strings.TrimSpace(v)), v != ""
	}
	return "", false
}

// Ready reports whether the imported survey has at least one question.
func checkNotEmpty(file string, s *chorus.Survey) error {
	if len(s.Questions) == 0 {
		return fmt.Errorf("%s: no question could be imported (see the lines above for why)", file)
	}
	return nil
}
