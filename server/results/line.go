package results

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

// A line is one list of counts that is published together: a question's options (or a
// grid item's points), the themes, or the breakdown of responses by a dimension.
//
// A single line's members add up to the base: its options (PreferNot included) and, last,
// the young people who did not answer (worked out as base − the rest). A multi line is a
// tick-all question: ticks, the number who answered, and base − answered who did not.
type line struct {
	id       string // "q:future", "q:life_happy:friends", "themes", "dim:version"
	kind     lineKind
	slots    []string // single: option slots; multi: tick slots
	labels   []string // what each slot is called, for reports
	ids      []string // option ids, for reports
	answered string   // multi: the slot counting who answered
	noNone   bool     // single: members cover everyone (a dimension), so no "no answer"
	// asked is the slot counting those whose version asks the question. A partial
	// question is not asked by every version: its counts are of those asked (so that "no
	// answer" is those who skipped it, not those never asked), and the number asked is
	// known only where the versions breakdown gives it (see askedKnown).
	asked    string
	partial  bool
	versions []string // partial: the versions that ask it
	percent  bool     // percentages of the answered base are useful
}

type lineKind int

const (
	lineSingle lineKind = iota
	lineMulti
)

// values returns a line's true counts in v: single, the members then (unless noNone)
// those who did not answer; multi, the ticks. For multi lines ans and none are set.
func (c *Cube) values(l *line, v *vec) (vals []int64, ans, none int64) {
	vals = make([]int64, 0, len(l.slots)+1)
	var sum int64
	for _, s := range l.slots {
		x := c.count(v, s)
		vals = append(vals, x)
		sum += x
	}
	total := c.lineTotal(l, v)
	switch {
	case l.kind == lineMulti:
		ans = c.count(v, l.answered)
		none = total - ans
	case !l.noNone:
		vals = append(vals, total-sum)
	}
	return vals, ans, none
}

// total is what a line's counts add up to in v: the responses, or those asked.
func (c *Cube) lineTotal(l *line, v *vec) int64 {
	if l.partial {
		return c.count(v, l.asked)
	}
	return v.n
}

// row is one line as published for one group of young people: which counts are shown.
// True counts are kept next to the flags so that unions can be added up; they never
// leave the package except through disclosure.Policy.Count.
type row struct {
	total     bool // whether the line's total (the base, or the number asked) is known
	vals      []int64
	shown     []bool
	ans, none int64 // multi lines
	ansShown  bool  // multi: answered shown; single: no-answer shown (so answered is known)
	noneShown bool
}

func hiddenRow(vals []int64, ans, none int64) *row {
	return &row{vals: vals, shown: make([]bool, len(vals)), ans: ans, none: none}
}

// lines returns the lines of a survey's report, in order: its closed questions (not the
// dimension questions), the themes, then the breakdowns by version, age band and who
// young people live with. They depend on the slots in the cube, so that options that have
// gone from a survey file are still counted.
func (c *Cube) lines(s *chorus.Survey, m Mapping) []*line {
	var out []*line
	for _, d := range []Dim{DimVersion, DimAge, DimLive} {
		out = append(out, c.dimLine(s, m, d))
	}
	for _, q := range s.Questions {
		if !closed(q.Kind) || m.isDim(q.ID) {
			continue
		}
		first := len(out)
		switch q.Kind {
		case chorus.KindSingle, chorus.KindScale, chorus.KindNumber, chorus.KindArea:
			out = append(out, c.singleLine("q:"+q.ID, q, slotOption+q.ID+"|", choices(q)))
		case chorus.KindMulti:
			l := c.singleLine("q:"+q.ID, q, slotOption+q.ID+"|", choices(q))
			l.kind, l.answered = lineMulti, slotAnswered+q.ID
			out = append(out, l)
		case chorus.KindGrid:
			items := slices.Clone(q.Items)
			for _, id := range c.strays(slotGrid+q.ID+"|", func(rest string) string {
				item, _, _ := strings.Cut(rest, "|")
				return item
			}) {
				if q.Item(id) == nil {
					items = append(items, chorus.Option{ID: id, Text: chorus.Text{"": id}})
				}
			}
			for _, it := range items {
				l := c.singleLine("q:"+q.ID+":"+it.ID, q, slotGrid+q.ID+"|"+it.ID+"|", choices(q))
				out = append(out, l)
			}
		}
		partial := c.count(&c.total, slotAsked+q.ID) < c.total.n
		var versions []string
		for _, v := range s.Versions {
			if slices.Contains(v.Questions, q.ID) {
				versions = append(versions, v.ID)
			}
		}
		for _, l := range out[first:] {
			l.asked, l.partial, l.versions = slotAsked+q.ID, partial, versions
		}
	}
	// Themes: everyone with free text, by theme; uncoded last.
	themes := &line{id: "themes", kind: lineMulti, answered: slotAnyText, percent: true}
	for _, t := range c.strays(slotTheme, func(rest string) string { return rest }) {
		themes.slots = append(themes.slots, slotTheme+t)
		themes.ids = append(themes.ids, t)
		themes.labels = append(themes.labels, t)
	}
	if _, ok := c.index[slotUncoded]; ok {
		themes.slots = append(themes.slots, slotUncoded)
		themes.ids = append(themes.ids, chorus.ThemeUncoded)
		themes.labels = append(themes.labels, "Not covered by any theme")
	}
	out = append(out, themes)
	return out
}

// choice is an answer a question offers.
type choice struct{ id, label string }

// choices lists a question's answers in order, PreferNot last.
func choices(q *chorus.Question) []choice {
	var out []choice
	switch q.Kind {
	case chorus.KindScale, chorus.KindGrid:
		for i, p := range q.Points() {
			label := p
			if i < len(q.ScaleLabels) {
				label = q.ScaleLabels[i].In("")
			}
			out = append(out, choice{p, label})
		}
	case chorus.KindNumber:
		if q.Min < q.Max && q.Max-q.Min <= 100 {
			for n := q.Min; n <= q.Max; n++ {
				out = append(out, choice{strconv.Itoa(n), strconv.Itoa(n)})
			}
		}
	default:
		for _, o := range q.Options {
			out = append(out, choice{o.ID, o.Text.In("")})
		}
	}
	if q.DontWantToSay {
		out = append(out, choice{chorus.PreferNot, "I don't want to say"})
	}
	return out
}

// singleLine builds a line over the given choices under a slot prefix, adding any value
// counted in the cube that the survey no longer offers.
func (c *Cube) singleLine(id string, q *chorus.Question, prefix string, list []choice) *line {
	l := &line{id: id, kind: lineSingle, percent: true}
	have := map[string]bool{}
	for _, ch := range list {
		have[ch.id] = true
		l.slots = append(l.slots, prefix+ch.id)
		l.ids = append(l.ids, ch.id)
		l.labels = append(l.labels, ch.label)
	}
	extra := c.strays(prefix, func(rest string) string {
		if strings.Contains(rest, "|") {
			return ""
		}
		return rest
	})
	if q.Kind == chorus.KindNumber {
		sort.Slice(extra, func(i, j int) bool {
			a, _ := strconv.Atoi(extra[i])
			b, _ := strconv.Atoi(extra[j])
			return a < b
		})
	}
	for _, x := range extra {
		if x != "" && !have[x] {
			l.slots = append(l.slots, prefix+x)
			l.ids = append(l.ids, x)
			l.labels = append(l.labels, x)
		}
	}
	return l
}

// strays returns the distinct names after prefix among the cube's slots, sorted.
func (c *Cube) strays(prefix string, name func(rest string) string) []string {
	seen := map[string]bool{}
	for _, s := range c.slots {
		if strings.HasPrefix(s, prefix) {
			if n := name(s[len(prefix):]); n != "" {
				seen[n] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// dimLine is the breakdown of responses by a dimension's values: every response has one
// value ("" included), so the members cover everyone.
func (c *Cube) dimLine(s *chorus.Survey, m Mapping, d Dim) *line {
	l := &line{id: "dim:" + d.String(), kind: lineSingle, noNone: true, percent: true}
	m = m.orDefault()
	q := s.Question(m.AgeBand)
	if d == DimAge && q != nil {
		// Only those asked their age band are in the breakdown by age band: the others
		// are the versions that do not ask (whose age band is the version's), already in
		// the breakdown by version.
		l.asked, l.partial = slotAsked+q.ID, c.count(&c.total, slotAsked+q.ID) < c.total.n
		for _, v := range s.Versions {
			if slices.Contains(v.Questions, q.ID) {
				l.versions = append(l.versions, v.ID)
			}
		}
	}
	for _, v := range c.dimOrder(s, m, d) {
		if d == DimAge && q != nil && v != "" && q.Option(v) == nil {
			continue
		}
		l.slots = append(l.slots, dimSlot(d, v))
		l.ids = append(l.ids, v)
		l.labels = append(l.labels, dimLabel(s, m, d, v))
	}
	return l
}

// dimOrder returns the values of a dimension that have responses, in reading order.
func (c *Cube) dimOrder(s *chorus.Survey, m Mapping, d Dim) []string {
	values := c.Values(d)
	rank := func(v string) (int, string) {
		if v == "" {
			return 1 << 30, ""
		}
		switch d {
		case DimVersion:
			for i, ver := range s.Versions {
				if ver.ID == v {
					return i, v
				}
			}
		case DimAge:
			lo, _, _ := strings.Cut(v, "-")
			if n, err := strconv.Atoi(lo); err == nil {
				return n, v
			}
		case DimLive:
			if q := s.Question(m.orDefault().LiveWith); q != nil {
				for i, o := range q.Options {
					if o.ID == v {
						return i, v
					}
				}
				if v == chorus.PreferNot {
					return 1 << 20, v
				}
			}
		}
		return 1 << 25, v
	}
	sort.SliceStable(values, func(i, j int) bool {
		ri, si := rank(values[i])
		rj, sj := rank(values[j])
		if ri != rj {
			return ri < rj
		}
		return si < sj
	})
	return values
}

func dimLabel(s *chorus.Survey, m Mapping, d Dim, v string) string {
	m = m.orDefault()
	switch {
	case v == "" && d == DimLive:
		return "Did not answer"
	case v == "":
		return "Not known"
	case v == chorus.PreferNot:
		return "I don't want to say"
	}
	switch d {
	case DimVersion:
		if ver := s.Version(v); ver != nil {
			return ver.Label.In("")
		}
	case DimAge:
		if q := s.Question(m.AgeBand); q != nil {
			if o := q.Option(v); o != nil {
				return o.Text.In("")
			}
		}
		return "Age " + strings.Replace(v, "-", " to ", 1)
	case DimLive:
		if q := s.Question(m.LiveWith); q != nil {
			if o := q.Option(v); o != nil {
				return o.Text.In("")
			}
		}
	}
	return v
}

// protectOne publishes a line for one group on its own (the whole survey): Single for a
// single line; for a multi line, Single over answered/not answered and Multi over the ticks.
func (c *Cube) protectOne(p disclosure.Policy, l *line, v *vec, total bool) *row {
	vals, ans, none := c.values(l, v)
	r := &row{vals: vals, shown: make([]bool, len(vals)), ans: ans, none: none, total: total}
	if !total {
		return r // the number asked is not known: nothing of the line can be shown
	}
	if l.kind == lineSingle {
		list, err := p.Single(ints(vals))
		if err != nil {
			return hiddenRow(vals, ans, none)
		}
		for i, o := range list.Options {
			r.shown[i] = o.Count.Shown()
		}
		if !l.noNone {
			r.ansShown = r.shown[len(vals)-1]
		}
		return r
	}
	base, err := p.Single([]int{int(ans), int(none)})
	if err != nil {
		return hiddenRow(vals, ans, none)
	}
	multi, err := p.Multi(ints(vals), int(ans))
	if err != nil {
		return hiddenRow(vals, ans, none)
	}
	r.ansShown = base.Options[0].Count.Shown() && multi.Base.Shown()
	r.noneShown = base.Options[1].Count.Shown()
	for i, o := range multi.Options {
		r.shown[i] = o.Count.Shown()
	}
	return r
}

// protectChildren publishes a line for groups that partition a parent group (the
// categories of a dimension within the whole survey, the regions of England, the councils
// of a region), consistently with what is published for the parent: it protects the
// two-way table of groups by counts with disclosure.Policy.Table, puts in the table's
// margins what is published elsewhere — the parent's line (its column totals), the
// parent's size and the groups' sizes (its row totals) — and keeps the result only if the
// whole table still keeps disclosure's promises; otherwise the line is hidden for every
// group (a table whose counts are all hidden, with shown margins, gives none of them away).
// Either way every group's row is decided at once, so asking for one group after another
// cannot give different answers that could be combined.
//
// fixed holds, for a group that has already been published elsewhere (the same young
// people as another group), its row; it is kept as it is.
func (c *Cube) protectChildren(p disclosure.Policy, l *line, parent *row, parentBase bool, kids []*vec, sizeShown []bool, fixed []*row) []*row {
	rows := make([]*row, len(kids))
	for i, k := range kids {
		vals, ans, none := c.values(l, k)
		rows[i] = &row{vals: vals, shown: make([]bool, len(vals)), ans: ans, none: none, total: sizeShown[i]}
	}
	// Groups none of whom were asked add nothing: leave them out of the table.
	var idx []int
	for i, k := range kids {
		if c.lineTotal(l, k) > 0 {
			idx = append(idx, i)
		}
	}
	if len(idx) < len(kids) {
		sub := make([]*vec, len(idx))
		subShown := make([]bool, len(idx))
		var subFixed []*row
		for j, i := range idx {
			sub[j], subShown[j] = kids[i], sizeShown[i]
			if i < len(fixed) {
				subFixed = append(subFixed, fixed[i])
			} else {
				subFixed = append(subFixed, nil)
			}
		}
		for j, r := range c.protectChildren(p, l, parent, parentBase, sub, subShown, subFixed) {
			rows[idx[j]] = r
		}
		return rows
	}
	if len(kids) == 0 {
		return rows
	}
	sizes := make([]int64, len(kids))
	for i, k := range kids {
		sizes[i] = c.lineTotal(l, k)
	}
	given := func(f func(r *row) []bool) [][]bool {
		out := make([][]bool, len(kids))
		for i := range kids {
			if i < len(fixed) && fixed[i] != nil {
				out[i] = f(fixed[i])
			}
		}
		return out
	}
	if l.kind == lineSingle {
		cells := make([][]int64, len(kids))
		for i := range rows {
			cells[i] = rows[i].vals
		}
		flags := c.table(p, cells, parent.shown, parentBase, sizeShown, given(func(r *row) []bool { return r.shown }))
		for i := range rows {
			rows[i].shown = flags[i]
			if !l.noNone {
				rows[i].ansShown = flags[i][len(flags[i])-1]
			}
		}
		return rows
	}
	// Multi: answered / not answered, then each tick against everyone else.
	cells := make([][]int64, len(kids))
	for i, r := range rows {
		cells[i] = []int64{r.ans, r.none}
	}
	flags := c.table(p, cells, []bool{parent.ansShown, parent.noneShown}, parentBase, sizeShown,
		given(func(r *row) []bool { return []bool{r.ansShown, r.noneShown} }))
	for i := range rows {
		rows[i].ansShown, rows[i].noneShown = flags[i][0], flags[i][1]
	}
	k := int64(p.K())
	for t := range l.slots {
		for i, r := range rows {
			cells[i] = []int64{r.vals[t], sizes[i] - r.vals[t]}
		}
		tick := parent.shown[t]
		flags := c.table(p, cells, []bool{tick, tick && parentBase}, parentBase, sizeShown,
			given(func(r *row) []bool { return []bool{r.shown[t], r.shown[t]} }))
		// Those who answered but did not tick are known wherever the tick and the
		// answered count are shown; if that is a handful in any group, the tick is
		// hidden in every group (but where it is already published).
		safe := true
		for i, r := range rows {
			if r.ansShown && flags[i][0] {
				d := r.ans - r.vals[t]
				if (d > 0 && d < k) || (d == 0 && !p.ShowZero) {
					safe = false
				}
			}
		}
		for i := range rows {
			switch {
			case i < len(fixed) && fixed[i] != nil:
				rows[i].shown[t] = fixed[i].shown[t]
			case safe:
				rows[i].shown[t] = flags[i][0]
			}
		}
	}
	return rows
}

// table protects a two-way table whose margins are published elsewhere: colShown (the
// parent's line), total (the parent's size) and rowShown (the groups' sizes); rows with a
// non-nil fixed entry are published already and keep those flags. It takes the cells
// disclosure.Policy.Table shows for the other rows and keeps them if the whole system
// keeps disclosure's promises (see disclosure.System); otherwise it hides every cell of the other
// rows, which keeps them whenever anything can.
func (c *Cube) table(p disclosure.Policy, cells [][]int64, colShown []bool, total bool, rowShown []bool, fixed [][]bool) [][]bool {
	rows := make([][]int, len(cells))
	for i, r := range cells {
		rows[i] = ints(r)
	}
	sys, cell, rowT, colT, grand := tableSystem(cells)
	sys.Hidden[grand] = !total
	for i, s := range rowShown {
		sys.Hidden[rowT(i)] = !s
	}
	for j, s := range colShown {
		sys.Hidden[colT(j)] = !s
	}
	setFixed := func() {
		for i, f := range fixed {
			for j := range f {
				sys.Hidden[cell(i, j)] = !f[j]
			}
		}
	}
	out := make([][]bool, len(cells))
	for i := range cells {
		out[i] = make([]bool, len(cells[i]))
	}
	if t, err := p.Table(rows); err == nil {
		for i := range t.Cells {
			for j, cl := range t.Cells[i] {
				sys.Hidden[cell(i, j)] = !cl.Count.Shown()
			}
		}
		setFixed()
		if sys.Safe(p.K(), p.ShowZero) {
			for i := range out {
				for j := range out[i] {
					out[i][j] = !sys.Hidden[cell(i, j)]
				}
			}
			return out
		}
	}
	for i := range out {
		if i < len(fixed) && fixed[i] != nil {
			copy(out[i], fixed[i])
		}
	}
	return out
}

// union publishes a line for the union of disjoint groups that are each published: a
// count is shown only if it is shown for every group, so the union tells nothing that the
// groups' own rows do not.
func union(rows []*row) *row {
	out := &row{vals: make([]int64, len(rows[0].vals)), shown: make([]bool, len(rows[0].vals)),
		ansShown: true, noneShown: true, total: true}
	for j := range out.shown {
		out.shown[j] = true
	}
	for _, r := range rows {
		for j := range r.vals {
			out.vals[j] += r.vals[j]
			out.shown[j] = out.shown[j] && r.shown[j]
		}
		out.ans += r.ans
		out.none += r.none
		out.ansShown = out.ansShown && r.ansShown
		out.noneShown = out.noneShown && r.noneShown
		out.total = out.total && r.total
	}
	return out
}

func ints(v []int64) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(max(x, 0))
	}
	return out
}
