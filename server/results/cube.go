package results

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Delta is a change to a survey's counts: per cell (the dimension values of a group of
// responses), how many responses (N) and how many in each slot. Counts are negative in a
// delta that takes responses out (a retag removes the old themes and adds the new ones).
type Delta struct {
	Survey string
	Cells  map[Key]*DeltaCell
}

// DeltaCell is one cell of a Delta.
type DeltaCell struct {
	N     int64
	Slots map[string]int64
}

// NewDelta returns an empty delta for a survey.
func NewDelta(survey string) *Delta { return &Delta{Survey: survey, Cells: map[Key]*DeltaCell{}} }

// Add counts a response into the delta with sign +1 (add) or -1 (take out). s is the
// survey the response belongs to; m says which questions give the dimensions; themesOf
// may be nil (machine tags).
func (d *Delta) Add(s *chorus.Survey, m Mapping, r *chorus.Response, sign int64, themesOf ThemesFunc) {
	k := KeyOf(s, m, r)
	c := d.Cells[k]
	if c == nil {
		c = &DeltaCell{Slots: map[string]int64{}}
		d.Cells[k] = c
	}
	c.N += sign
	for _, slot := range contribution(s, r, k, themesOf) {
		c.Slots[slot] += sign
	}
}

// Empty reports whether the delta changes nothing.
func (d *Delta) Empty() bool {
	for _, c := range d.Cells {
		if c.N != 0 {
			return false
		}
		for _, n := range c.Slots {
			if n != 0 {
				return false
			}
		}
	}
	return true
}

// Responses returns the net number of responses the delta adds.
func (d *Delta) Responses() int64 {
	var n int64
	for _, c := range d.Cells {
		n += c.N
	}
	return n
}

// Cube is one survey's counts. Its methods are not safe for concurrent use; keep one
// cube per writer and give readers a Clone.
type Cube struct {
	survey string
	index  map[string]int
	slots  []string
	total  vec
	views  [nDims]map[string]*vec
	gen    uint64
}

// vec is a response count and a counter per slot (indexed as Cube.slots; shorter
// vectors mean zeros beyond their end).
type vec struct {
	n int64
	c []int64
}

func (v *vec) add(n int64, idx []int, counts []int64) {
	v.n += n
	for i, j := range idx {
		if j >= len(v.c) {
			v.c = append(v.c, make([]int64, j+1-len(v.c))...)
		}
		v.c[j] += counts[i]
	}
}

func (v *vec) plus(w *vec) {
	v.n += w.n
	if len(w.c) > len(v.c) {
		v.c = append(v.c, make([]int64, len(w.c)-len(v.c))...)
	}
	for i, x := range w.c {
		v.c[i] += x
	}
}

func (v *vec) at(j int) int64 {
	if j < 0 || j >= len(v.c) {
		return 0
	}
	return v.c[j]
}

func (v *vec) clone() *vec { return &vec{n: v.n, c: slices.Clone(v.c)} }

// NewCube returns an empty cube for a survey.
func NewCube(survey string) *Cube {
	c := &Cube{survey: survey, index: map[string]int{}}
	for d := range c.views {
		c.views[d] = map[string]*vec{}
	}
	return c
}

// Survey returns the id of the survey the cube counts.
func (c *Cube) Survey() string { return c.survey }

// Responses returns the number of responses counted.
func (c *Cube) Responses() int64 { return c.total.n }

// Gen returns a number that changes whenever the counts change.
func (c *Cube) Gen() uint64 { return c.gen }

func (c *Cube) slot(name string) int {
	if j, ok := c.index[name]; ok {
		return j
	}
	c.index[name] = len(c.slots)
	c.slots = append(c.slots, name)
	return len(c.slots) - 1
}

// Add counts one response; it is Merge of a one-response Delta.
func (c *Cube) Add(s *chorus.Survey, m Mapping, r *chorus.Response) {
	d := NewDelta(c.survey)
	d.Add(s, m, r, 1, nil)
	c.Merge(d)
}

// Merge adds a delta's counts.
func (c *Cube) Merge(d *Delta) {
	if len(d.Cells) == 0 {
		return
	}
	c.gen++
	var idx []int
	var counts []int64
	for k, cell := range d.Cells {
		idx, counts = idx[:0], counts[:0]
		for name, n := range cell.Slots {
			if n != 0 {
				idx = append(idx, c.slot(name))
				counts = append(counts, n)
			}
		}
		c.total.add(cell.N, idx, counts)
		for dim := range nDims {
			v := c.views[dim][k[dim]]
			if v == nil {
				v = &vec{}
				c.views[dim][k[dim]] = v
			}
			v.add(cell.N, idx, counts)
		}
	}
}

// Clone returns a deep copy, for readers.
func (c *Cube) Clone() *Cube {
	n := &Cube{survey: c.survey, index: maps.Clone(c.index), slots: slices.Clone(c.slots),
		total: *c.total.clone(), gen: c.gen}
	for d := range c.views {
		n.views[d] = make(map[string]*vec, len(c.views[d]))
		for k, v := range c.views[d] {
			n.views[d][k] = v.clone()
		}
	}
	return n
}

// Equal reports whether two cubes hold the same counts (slot order may differ).
func (c *Cube) Equal(o *Cube) bool { return c.Diff(o) == "" }

// Diff describes the first difference between two cubes' counts, or returns "".
func (c *Cube) Diff(o *Cube) string {
	if c.total.n != o.total.n {
		return "responses: " + itoa(c.total.n) + " vs " + itoa(o.total.n)
	}
	if s := diffVec("total", c, &c.total, o, &o.total); s != "" {
		return s
	}
	for d := range nDims {
		keys := map[string]bool{}
		for k := range c.views[d] {
			keys[k] = true
		}
		for k := range o.views[d] {
			keys[k] = true
		}
		for k := range keys {
			a, b := c.views[d][k], o.views[d][k]
			if a == nil {
				a = &vec{}
			}
			if b == nil {
				b = &vec{}
			}
			if a.n != b.n {
				return d.String() + "=" + k + ": responses " + itoa(a.n) + " vs " + itoa(b.n)
			}
			if s := diffVec(d.String()+"="+k, c, a, o, b); s != "" {
				return s
			}
		}
	}
	return ""
}

func diffVec(where string, c *Cube, a *vec, o *Cube, b *vec) string {
	names := map[string]bool{}
	for _, s := range c.slots {
		names[s] = true
	}
	for _, s := range o.slots {
		names[s] = true
	}
	for name := range names {
		x, y := int64(0), int64(0)
		if j, ok := c.index[name]; ok {
			x = a.at(j)
		}
		if j, ok := o.index[name]; ok {
			y = b.at(j)
		}
		if x != y {
			return where + ": " + name + " " + itoa(x) + " vs " + itoa(y)
		}
	}
	return ""
}

// Values returns the values of a dimension that have responses, sorted.
func (c *Cube) Values(d Dim) []string {
	var out []string
	for k, v := range c.views[d] {
		if v.n != 0 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// count returns a slot's count in v.
func (c *Cube) count(v *vec, slot string) int64 {
	j, ok := c.index[slot]
	if !ok {
		return 0
	}
	return v.at(j)
}

// cell returns the counts of one value of a dimension (an empty vec if none).
func (c *Cube) cell(d Dim, value string) *vec {
	if v := c.views[d][value]; v != nil {
		return v
	}
	return &vec{}
}

// sum adds up the counts of several values of a dimension.
func (c *Cube) sum(d Dim, values []string) *vec {
	out := &vec{}
	for _, v := range values {
		if w := c.views[d][v]; w != nil {
			out.plus(w)
		}
	}
	return out
}

// conditions returns the dimension a filter selects on and the values it selects, or
// EINVALID if it has more than one condition. A filter with no condition returns -1.
func (c *Cube) conditions(f chorus.Filter) (Dim, []string, error) {
	var dims []Dim
	var values []string
	if f.Version != "" {
		dims, values = append(dims, DimVersion), []string{f.Version}
	}
	if f.AgeBand != "" {
		dims, values = append(dims, DimAge), []string{f.AgeBand}
	}
	if f.LiveWith != "" {
		dims, values = append(dims, DimLive), []string{f.LiveWith}
	}
	if len(f.Areas) > 0 {
		dims, values = append(dims, DimArea), slices.Clone(f.Areas)
	}
	if f.From != "" || f.To != "" {
		weeks, err := c.weeksBetween(f.From, f.To)
		if err != nil {
			return 0, nil, err
		}
		dims, values = append(dims, DimWeek), weeks
	}
	switch len(dims) {
	case 0:
		return -1, nil, nil
	case 1:
		return dims[0], values, nil
	}
	return 0, nil, chorus.Errorf(chorus.EINVALID, "Choose one filter at a time.")
}

// weeksBetween returns the weeks with responses whose days overlap from..to (inclusive
// dates; either may be empty for an open end).
func (c *Cube) weeksBetween(from, to string) ([]string, error) {
	lo, hi := "", "9999-W99"
	if from != "" {
		if lo = Week(from); lo == "" {
			return nil, chorus.Invalid("Check the dates.", map[string]string{"from": "Use a date such as 2026-10-01."})
		}
	}
	if to != "" {
		if hi = Week(to); hi == "" {
			return nil, chorus.Invalid("Check the dates.", map[string]string{"to": "Use a date such as 2026-10-31."})
		}
	}
	var out []string
	for _, w := range c.Values(DimWeek) {
		if w >= lo && w <= hi {
			out = append(out, w)
		}
	}
	return out, nil
}

// Query returns the raw counts of the responses a filter selects, for survey s (the
// survey's definition orders the questions). The filter may have at most one condition;
// Areas are council codes. It returns EINVALID for a filter with more conditions.
func (c *Cube) Query(s *chorus.Survey, m Mapping, f chorus.Filter) (*chorus.Results, error) {
	dim, values, err := c.conditions(f)
	if err != nil {
		return nil, err
	}
	v := &c.total
	if dim >= 0 {
		v = c.sum(dim, values)
	}
	return c.results(s, m, f, v), nil
}

// results turns a vector into chorus.Results.
func (c *Cube) results(s *chorus.Survey, m Mapping, f chorus.Filter, v *vec) *chorus.Results {
	r := &chorus.Results{Survey: c.survey, Filter: f, Base: int(v.n),
		Themes: map[string]int{}, Weeks: map[string]int{}, Versions: map[string]int{}, GroupSessions: map[string]int{}}
	byQuestion := map[string]*chorus.QuestionCounts{}
	for j, name := range c.slots {
		n := int(v.at(j))
		if n == 0 {
			continue
		}
		switch {
		case name == slotDemo:
			r.Demo = n
		case name == slotUncoded:
			r.Themes[chorus.ThemeUncoded] = n
		case strings.HasPrefix(name, slotSession):
			r.GroupSessions[name[len(slotSession):]] = n
		case strings.HasPrefix(name, slotTheme):
			r.Themes[name[len(slotTheme):]] = n
		case strings.HasPrefix(name, dimSlot(DimWeek, "")):
			r.Weeks[name[len(dimSlot(DimWeek, "")):]] = n
		case strings.HasPrefix(name, dimSlot(DimVersion, "")):
			r.Versions[name[len(dimSlot(DimVersion, "")):]] = n
		case strings.HasPrefix(name, slotAnswered):
			qc := questionCounts(byQuestion, name[len(slotAnswered):])
			qc.Answered = n
		case strings.HasPrefix(name, slotOption):
			q, opt, _ := strings.Cut(name[len(slotOption):], "|")
			qc := questionCounts(byQuestion, q)
			if qc.Options == nil {
				qc.Options = map[string]int{}
			}
			qc.Options[opt] = n
		case strings.HasPrefix(name, slotGrid):
			parts := strings.SplitN(name[len(slotGrid):], "|", 3)
			if len(parts) != 3 {
				continue
			}
			qc := questionCounts(byQuestion, parts[0])
			if qc.Items == nil {
				qc.Items = map[string]map[string]int{}
			}
			if qc.Items[parts[1]] == nil {
				qc.Items[parts[1]] = map[string]int{}
			}
			qc.Items[parts[1]][parts[2]] = n
		}
	}
	for _, q := range s.Questions {
		if !closed(q.Kind) {
			continue
		}
		qc := byQuestion[q.ID]
		if qc == nil {
			qc = &chorus.QuestionCounts{Question: q.ID}
		}
		if q.Kind == chorus.KindGrid {
			// A grid's Answered counts answers to any item; it is not kept, so it is
			// the largest item's count, a lower bound. Pages use each item's counts.
			for _, points := range qc.Items {
				t := 0
				for _, n := range points {
					t += n
				}
				qc.Answered = max(qc.Answered, t)
			}
		}
		r.Questions = append(r.Questions, *qc)
	}
	return r
}

func questionCounts(m map[string]*chorus.QuestionCounts, q string) *chorus.QuestionCounts {
	qc := m[q]
	if qc == nil {
		qc = &chorus.QuestionCounts{Question: q}
		m[q] = qc
	}
	return qc
}

// closed reports whether answers of a kind are counted by option.
func closed(kind string) bool {
	switch kind {
	case chorus.KindSingle, chorus.KindMulti, chorus.KindScale, chorus.KindGrid, chorus.KindNumber, chorus.KindArea:
		return true
	}
	return false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
