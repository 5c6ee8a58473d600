// Package leakcheck tests published results for suppressed counts that can be worked
// out from what was shown. It is for tests: it knows every response, works out what each
// shown and each suppressed count of a set of reports is a sum of, and tests, with exact
// arithmetic (modulo a large prime), whether a suppressed count is a linear combination
// of shown ones. It does not trust the results package: it only reads reports.
package leakcheck

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
	"github.com/chorus-voice/chorus/server/results"
)

// The test's model of what a reader knows. A young person is a point in the product of
// five coordinates: VA (version and age band together, since the 4-7 version always has
// age band 4-7), who they live with, council ("" for none), ISO week, and their member of
// the line being checked (an option, or "none" for no answer). Every count a report gives
// is the number of points in a set fixed by at most two coordinates (a group and an
// option, or a group and a breakdown). Suppressed count h can be worked out exactly iff
// h's indicator function is a linear combination of the shown counts' indicator functions
// and of the sets the survey's design makes empty (a version that does not ask the
// question). Indicator functions of at most two coordinates are compared through their
// ANOVA decomposition (a constant, a centred function of each coordinate, and a doubly
// centred function of each pair), which is linear and one-to-one on them; arithmetic is
// modulo a large prime.

const prime = 2147483647

type coords struct {
	values [][]string // per coordinate, its values
	index  []map[string]int
	offset []int // where each coordinate's and each pair's entries start
	pairs  map[[2]int]int
	size   int
}

func newCoords(values [][]string) *coords {
	c := &coords{values: values, pairs: map[[2]int]int{}}
	c.size = 1
	for i, vs := range values {
		m := map[string]int{}
		for j, v := range vs {
			m[v] = j
		}
		c.index = append(c.index, m)
		c.offset = append(c.offset, c.size)
		c.size += len(vs)
		_ = i
	}
	for i := range values {
		for j := i + 1; j < len(values); j++ {
			c.pairs[[2]int{i, j}] = c.size
			c.size += len(values[i]) * len(values[j])
		}
	}
	return c
}

// set is a product set: for each coordinate, the values allowed (nil: all).
type set []map[string]bool

// vector returns the ANOVA coordinates of a set's indicator function.
func (c *coords) vector(s set) []int64 {
	v := make([]int64, c.size)
	n := len(c.values)
	m := make([]int64, n)   // mean of the coordinate's indicator
	d := make([][]int64, n) // centred indicator
	var constrained []int
	for i := range n {
		if s[i] == nil {
			m[i] = 1
			continue
		}
		constrained = append(constrained, i)
		cnt := int64(0)
		for _, x := range c.values[i] {
			if s[i][x] {
				cnt++
			}
		}
		m[i] = cnt % prime * modInverse(int64(len(c.values[i]))) % prime
		d[i] = make([]int64, len(c.values[i]))
		for j, x := range c.values[i] {
			u := int64(0)
			if s[i][x] {
				u = 1
			}
			d[i][j] = ((u-m[i])%prime + prime) % prime
		}
	}
	if len(constrained) > 2 {
		panic("set fixed by more than two coordinates")
	}
	prod := func(skip ...int) int64 {
		p := int64(1)
		for _, i := range constrained {
			if !slices.Contains(skip, i) {
				p = p * m[i] % prime
			}
		}
		return p
	}
	v[0] = prod()
	for _, i := range constrained {
		f := prod(i)
		for j := range d[i] {
			v[c.offset[i]+j] = f * d[i][j] % prime
		}
	}
	if len(constrained) == 2 {
		i, j := constrained[0], constrained[1]
		off := c.pairs[[2]int{i, j}]
		for a := range d[i] {
			for b := range d[j] {
				v[off+a*len(d[j])+b] = d[i][a] * d[j][b] % prime
			}
		}
	}
	return v
}

// published is one count a report gave, and whether it was shown.
type published struct {
	what   string
	vec    []int64
	shown  bool
	value  int64
	report int
	group  int64 // the size of the report's group
}

// span is a basis of vectors mod prime in echelon form, keyed by leading index.
type span struct {
	basis map[int][]int64
}

func (s *span) reduce(v []int64) []int64 {
	v = slices.Clone(v)
	nonzero := false
	for lead := range v {
		if v[lead] == 0 {
			continue
		}
		b, ok := s.basis[lead]
		if !ok {
			nonzero = true
			continue
		}
		f := v[lead]
		for i := lead; i < len(v); i++ {
			if b[i] != 0 {
				v[i] = ((v[i]-f*b[i])%prime + prime) % prime
			}
		}
	}
	if !nonzero {
		return nil
	}
	return v
}

func (s *span) add(v []int64) {
	r := s.reduce(v)
	if r == nil {
		return
	}
	lead := 0
	for r[lead] == 0 {
		lead++
	}
	inv := modInverse(r[lead])
	for i := range r {
		r[i] = r[i] * inv % prime
	}
	s.basis[lead] = r
}

func modInverse(a int64) int64 {
	result, base, e := int64(1), a%prime, int64(prime-2)
	for e > 0 {
		if e&1 == 1 {
			result = result * base % prime
		}
		base = base * base % prime
		e >>= 1
	}
	return result
}

// derivable returns the suppressed counts that are combinations of the known ones,
// leaving out those that some report shows as they are.
func derivable(vals []published, known [][]int64) []published {
	// Counts equal to a shown one, or to nothing, once the survey's design is taken into
	// account are not secrets: leave them out.
	design := &span{basis: map[int][]int64{}}
	for _, k := range known {
		design.add(k)
	}
	key := func(v []int64) string { return fmt.Sprint(design.reduce(v)) }
	s := &span{basis: map[int][]int64{}}
	for _, k := range known {
		s.add(k)
	}
	shownKeys := map[string]bool{fmt.Sprint([]int64(nil)): true}
	for _, v := range vals {
		if v.shown {
			s.add(v.vec)
			shownKeys[key(v.vec)] = true
		}
	}
	var out []published
	for _, v := range vals {
		if v.shown || shownKeys[key(v.vec)] {
			continue
		}
		if s.reduce(v.vec) == nil {
			out = append(out, v)
		}
	}
	return out
}

// World is the data behind some reports: the survey, its councils and every response.
type World struct {
	s        *chorus.Survey
	rs       []*chorus.Response
	keys     []results.Key
	councils []chorus.Area
}

// NewWorld returns the world of a survey's responses; councils are those the responses
// can name (with their regions).
func NewWorld(s *chorus.Survey, councils []chorus.Area, rs []*chorus.Response) *World {
	w := &World{s: s, rs: rs, councils: councils}
	for _, r := range rs {
		w.keys = append(w.keys, results.KeyOf(s, results.Mapping{}, r))
	}
	return w
}

// Leaks returns every suppressed count of the reports that can be worked out from what
// they show, for the given lines (see Lines).
func (w *World) Leaks(reps []*results.Report, lines []Line) []string {
	var out []string
	for _, l := range lines {
		for _, leak := range w.check(reps, l) {
			out = append(out, l.name+": "+leak)
		}
	}
	return out
}

// members returns the responses a report describes.
func (w *World) members(rep *results.Report) []int {
	var out []int
	in := func(i int) bool {
		k := w.keys[i]
		switch rep.Level {
		case "all":
			return true
		case "version":
			return k[results.DimVersion] == rep.Group.ID
		case "age_band":
			return k[results.DimAge] == rep.Group.ID
		case "live_with":
			return k[results.DimLive] == rep.Group.ID
		case "period":
			return slices.Contains(rep.Period.Months, results.Month(k[results.DimWeek]))
		}
		for _, code := range rep.Area.Codes {
			if code == "*" {
				return true
			}
			for _, a := range w.councils {
				if a.Code == k[results.DimArea] && (code == a.Code || code == a.RegionCode || code == "E92000001") {
					return true
				}
			}
		}
		return false
	}
	for i := range w.rs {
		if in(i) {
			out = append(out, i)
		}
	}
	return out
}

// Line describes a line the test checks: how to find each member of a response.
type Line struct {
	name string
	// member returns the member a response is in ("" if the line does not apply).
	member func(r *chorus.Response) string
	// counts returns a report's published counts of the line: member id → value, with
	// "answered" (all but no answer) and "none" (no answer).
	counts func(rep *results.Report) map[string]disclosure.Value
}

// Lines returns the lines to check: the numbers of responses (bases and breakdowns), and
// n of the survey's question lines (grid items, options of tick-all questions, two
// themes) picked with r; n < 0 means all.
func Lines(r *rand.Rand, s *chorus.Survey, n int) []Line {
	out := []Line{baseLine()}
	var singles []Line
	for _, q := range s.Questions {
		switch q.Kind {
		case chorus.KindScale:
			singles = append(singles, singleLine(s, q.ID, ""))
		case chorus.KindGrid:
			for _, it := range q.Items {
				singles = append(singles, singleLine(s, q.ID, it.ID))
			}
		case chorus.KindMulti:
			for _, o := range q.Options {
				singles = append(singles, tickLine(q.ID, o.ID))
			}
		}
	}
	singles = append(singles, tickLine("themes", "family_contact"), tickLine("themes", chorus.ThemeUncoded))
	if n < 0 || n > len(singles) {
		return append(out, singles...)
	}
	r.Shuffle(len(singles), func(i, j int) { singles[i], singles[j] = singles[j], singles[i] })
	return append(out, singles[:n]...)
}

// baseLine checks the numbers of responses: bases and every breakdown.
func baseLine() Line {
	return Line{name: "responses", member: func(*chorus.Response) string { return "n" }}
}

// notAsked is the member of young people whose version does not ask the question.
const notAsked = "-"

func asks(s *chorus.Survey, version, q string) bool {
	v := s.Version(version)
	return v != nil && slices.Contains(v.Questions, q)
}

func singleLine(s *chorus.Survey, q, item string) Line {
	return Line{
		name: q + ":" + item,
		member: func(r *chorus.Response) string {
			if !asks(s, r.Version, q) {
				return notAsked
			}
			a := r.Answers[q]
			if item != "" {
				m, _ := a.(map[string]string)
				if v := m[item]; v != "" {
					return v
				}
				return "none"
			}
			if v, _ := a.(string); v != "" {
				return v
			}
			return "none"
		},
		counts: func(rep *results.Report) map[string]disclosure.Value {
			for _, qr := range rep.Questions {
				if qr.ID != q {
					continue
				}
				opts, ans, none := qr.Options, qr.Answered, qr.NoAnswer
				if item != "" {
					for _, it := range qr.Items {
						if it.ID == item {
							opts, ans, none = it.Options, it.Answered, it.NoAnswer
						}
					}
				}
				out := map[string]disclosure.Value{"answered": ans, "none": none}
				for _, o := range opts {
					out[o.ID] = o.Count
				}
				return out
			}
			return nil
		},
	}
}

// tickLine checks one option of a tick-all question (or one theme): members tick,
// notick and none; published are tick, answered (tick + notick) and none.
func tickLine(q, option string) Line {
	return Line{
		name: q + ":" + option,
		member: func(r *chorus.Response) string {
			if q == "themes" {
				texts := 0
				var themes []string
				for id, a := range r.Answers {
					if s, ok := a.(string); ok && s != "" && (id == "better" || id == "anything_else" || id == "live_with_other") {
						texts++
						themes = append(themes, r.Themes[id]...)
					}
				}
				switch {
				case texts == 0:
					return "none"
				case option == chorus.ThemeUncoded && len(themes) == 0, slices.Contains(themes, option):
					return "tick"
				}
				return "notick"
			}
			switch a := r.Answers[q].(type) {
			case []string:
				if slices.Contains(a, option) {
					return "tick"
				}
				return "notick"
			case string:
				if a == option {
					return "tick"
				}
				return "notick"
			}
			return "none"
		},
		counts: func(rep *results.Report) map[string]disclosure.Value {
			var lr results.ListReport
			if q == "themes" {
				if rep.Themes == nil {
					return nil
				}
				lr = *rep.Themes
			} else {
				for _, qr := range rep.Questions {
					if qr.ID == q {
						lr = results.ListReport{Answered: qr.Answered, NoAnswer: qr.NoAnswer, Options: qr.Options}
					}
				}
			}
			out := map[string]disclosure.Value{"answered": lr.Answered, "none": lr.NoAnswer}
			for _, o := range lr.Options {
				if o.ID == option {
					out["tick"] = o.Count
				}
			}
			return out
		},
	}
}

// check builds one line's system from every report and returns the suppressed counts
// that can be worked out.
func (w *World) check(reps []*results.Report, l Line) []string {
	member := make([]string, len(w.rs))
	for i, r := range w.rs {
		member[i] = l.member(r)
	}
	// The coordinates' values: those with responses (reports list them), and every member.
	support := func(d results.Dim) []string {
		seen := map[string]bool{}
		for _, k := range w.keys {
			seen[k[d]] = true
		}
		var out []string
		for v := range seen {
			out = append(out, v)
		}
		sort.Strings(out)
		return out
	}
	asks := func(version string) bool { return true }
	var vas []string
	for _, v := range support(results.DimVersion) {
		for _, a := range support(results.DimAge) {
			if (v == "4-7-assisted") == (a == "4-7") {
				vas = append(vas, v+"/"+a)
			}
		}
	}
	var members []string
	if l.counts == nil {
		members = []string{"n"}
	} else {
		seen := map[string]bool{"none": true, notAsked: true}
		for _, rep := range reps {
			for id := range l.counts(rep) {
				if id != "answered" {
					seen[id] = true
				}
			}
		}
		for _, m := range member {
			seen[m] = true
		}
		for m := range seen {
			members = append(members, m)
		}
		sort.Strings(members)
		q, _, _ := strings.Cut(l.name, ":")
		if sq := w.s.Question(q); sq != nil {
			asks = func(version string) bool {
				v := w.s.Version(version)
				return v != nil && slices.Contains(v.Questions, q)
			}
		}
	}
	cs := newCoords([][]string{vas, support(results.DimLive), support(results.DimArea), support(results.DimWeek), members})
	const (
		cVA, cLive, cArea, cWeek, cMember = 0, 1, 2, 3, 4
	)
	point := func(i int) []string {
		k := w.keys[i]
		return []string{k[results.DimVersion] + "/" + k[results.DimAge], k[results.DimLive], k[results.DimArea], k[results.DimWeek], member[i]}
	}
	only := func(coord int, ok func(v string) bool) set {
		s := make(set, 5)
		s[coord] = map[string]bool{}
		for _, v := range cs.values[coord] {
			if ok(v) {
				s[coord][v] = true
			}
		}
		return s
	}
	and := func(a, b set) set {
		out := make(set, 5)
		for i := range out {
			switch {
			case a[i] == nil:
				out[i] = b[i]
			case b[i] == nil:
				out[i] = a[i]
			default:
				out[i] = map[string]bool{}
				for v := range a[i] {
					if b[i][v] {
						out[i][v] = true
					}
				}
			}
		}
		return out
	}
	contains := func(s set, p []string) bool {
		for i, allowed := range s {
			if allowed != nil && !allowed[p[i]] {
				return false
			}
		}
		return true
	}
	inArea := func(code string) func(v string) bool {
		return func(v string) bool {
			if code == "*" {
				return true
			}
			for _, c := range w.councils {
				if c.Code == v && (code == c.Code || code == c.RegionCode || code == "E92000001") {
					return true
				}
			}
			return false
		}
	}
	groupOf := func(rep *results.Report) set {
		switch rep.Level {
		case "all":
			return make(set, 5)
		case "version":
			return only(cVA, func(v string) bool { return strings.HasPrefix(v, rep.Group.ID+"/") })
		case "age_band":
			return only(cVA, func(v string) bool { return strings.HasSuffix(v, "/"+rep.Group.ID) })
		case "live_with":
			return only(cLive, func(v string) bool { return v == rep.Group.ID })
		case "period":
			return only(cWeek, func(v string) bool { return slices.Contains(rep.Period.Months, results.Month(v)) })
		}
		return only(cArea, func(v string) bool {
			for _, code := range rep.Area.Codes {
				if inArea(code)(v) {
					return true
				}
			}
			return false
		})
	}
	var vals []published
	add := func(rep int, what string, v disclosure.Value, s set) {
		var value int64
		for i := range w.rs {
			if contains(s, point(i)) {
				value++
			}
		}
		vals = append(vals, published{what: what, vec: cs.vector(s), shown: v.Shown(), value: value, report: rep, group: int64(len(w.members(reps[rep])))})
	}
	for ri, rep := range reps {
		g := groupOf(rep)
		add(ri, "base", rep.Base, g)
		for _, c := range rep.Versions {
			add(ri, "versions "+c.ID, c.Count, and(g, only(cVA, func(v string) bool { return strings.HasPrefix(v, c.ID+"/") })))
		}
		for _, c := range rep.AgeBands {
			add(ri, "age bands "+c.ID, c.Count, and(g, only(cVA, func(v string) bool { return strings.HasSuffix(v, "/"+c.ID) })))
		}
		for _, c := range rep.LiveWith {
			add(ri, "live with "+c.ID, c.Count, and(g, only(cLive, func(v string) bool { return v == c.ID })))
		}
		for _, a := range rep.Areas {
			add(ri, "area "+a.Code, a.Count, and(g, only(cArea, inArea(a.Code))))
		}
		for _, wk := range rep.Weeks {
			add(ri, "week "+wk.ID, wk.Count, and(g, only(cWeek, func(v string) bool { return v == wk.ID })))
		}
		for _, m := range rep.Months {
			add(ri, "month "+m.ID, m.Count, and(g, only(cWeek, func(v string) bool { return results.Month(v) == m.ID })))
		}
		if l.counts == nil {
			continue
		}
		for id, v := range l.counts(rep) {
			if id == "answered" {
				add(ri, l.name+" answered", v, and(g, only(cMember, func(m string) bool { return m != "none" && m != notAsked })))
			} else {
				add(ri, l.name+" "+id, v, and(g, only(cMember, func(m string) bool { return m == id })))
			}
		}
	}
	// What the survey's design tells a reader: who is not asked a question.
	var known [][]int64
	if l.counts != nil {
		for _, va := range vas {
			ver, _, _ := strings.Cut(va, "/")
			if asks(ver) {
				known = append(known, cs.vector(and(only(cVA, func(v string) bool { return v == va }),
					only(cMember, func(m string) bool { return m == notAsked }))))
			} else {
				known = append(known, cs.vector(and(only(cVA, func(v string) bool { return v == va }),
					only(cMember, func(m string) bool { return m != notAsked }))))
			}
		}
	}
	var leaks []string
	if os.Getenv("LEAKCHECK_DEBUG") == l.name {
		for _, v := range vals {
			fmt.Printf("r%d %-44s shown=%v value=%d\n", v.report, v.what, v.shown, v.value)
		}
	}
	for _, v := range derivable(vals, known) {
		// A zero says that nobody in the group gave an answer. Where the group is at
		// least k young people, that identifies nobody (the survey could show zeros); in a
		// smaller group it says what every one of them answered.
		if v.value == 0 && v.group >= int64(w.s.Threshold) {
			continue
		}
		leaks = append(leaks, fmt.Sprintf("report %d %s = %d", v.report, v.what, v.value))
	}
	return leaks
}
