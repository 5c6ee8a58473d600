package results

import (
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

// publication is everything published from one snapshot of a survey's cube under one
// policy. Every group's rows are worked out once, all siblings together, and kept, so
// that every request sees the same decisions.
type publication struct {
	s      *chorus.Survey
	m      Mapping
	c      *Cube
	p      disclosure.Policy
	places *Places
	lines  []*line
	base   bool // whether the survey's response count is shown

	mu     sync.Mutex
	top    rowSet                  // the whole survey
	sizes  map[Dim]map[string]bool // categorical dimension → value → size shown
	areas  map[string]disclosure.Placement
	period map[string]disclosure.Placement
	groups map[string]rowSet // "area:"+code, "month:"+month, "dim:"+d+":"+value → rows
	byVec  map[string]rowSet // the first rows published for a set of young people
	stage  int               // how many of stages() are done
	// regionDone records the regions whose councils are published.
	regionDone map[string]bool
}

// rowSet is one group's rows, by line.
type rowSet map[*line]*row

func newPublication(s *chorus.Survey, m Mapping, c *Cube, p disclosure.Policy, places *Places) *publication {
	places.init()
	pb := &publication{s: s, m: m, c: c, p: p, places: places, lines: c.lines(s, m),
		sizes: map[Dim]map[string]bool{}, groups: map[string]rowSet{}, byVec: map[string]rowSet{},
		regionDone: map[string]bool{}}
	pb.base = p.Count(int(c.total.n)).Shown()
	pb.top = rowSet{}
	for _, l := range pb.lines {
		total := pb.base
		if l.partial {
			total = pb.askedKnown(l, pb.top, pb.base, nil)
		}
		if l.partial && !total && l.kind == lineSingle {
			pb.top[l] = pb.protectUnasked(l)
			continue
		}
		pb.top[l] = c.protectOne(p, l, &c.total, total)
	}
	pb.byVec[fingerprint(&c.total)] = pb.top
	pb.rollUps()
	return pb
}

// protectUnasked publishes a one-answer line of a question that not every version asks,
// for the whole survey, when the number asked cannot be shown (it would give away the
// size of a small version). The counts are protected as usual; then the line, the number
// asked (hidden) and the breakdown by version (asked = the versions that ask it) are
// checked together, hiding the "no answer" count and then everything if need be.
func (pb *publication) protectUnasked(l *line) *row {
	c := pb.c
	r := c.protectOne(pb.p, l, &c.total, true)
	r.total = false
	var vl *line
	for _, x := range pb.lines {
		if x.id == "dim:"+DimVersion.String() {
			vl = x
		}
	}
	vr := pb.top[vl]
	// Values: the line's members, the number asked, each version, the base.
	m := len(r.vals)
	sys := &system{k: int64(pb.p.K()), showZero: pb.p.ShowZero}
	sys.vals = append(sys.vals, r.vals...)
	asked := m
	sys.vals = append(sys.vals, c.lineTotal(l, &c.total))
	sys.vals = append(sys.vals, vr.vals...)
	base := len(sys.vals)
	sys.vals = append(sys.vals, c.total.n)
	sys.hidden = make([]bool, len(sys.vals))
	members := sysLine{total: asked}
	for i := range m {
		members.members = append(members.members, i)
	}
	byVersion := sysLine{total: asked}
	everyone := sysLine{total: base}
	for j, v := range vl.ids {
		sys.hidden[asked+1+j] = !vr.shown[j]
		everyone.members = append(everyone.members, asked+1+j)
		if slices.Contains(l.versions, v) {
			byVersion.members = append(byVersion.members, asked+1+j)
		}
	}
	sys.lines = []sysLine{members, byVersion, everyone}
	sys.hidden[asked], sys.hidden[base] = true, !pb.base
	try := func(shown []bool) bool {
		for i := range m {
			sys.hidden[i] = !shown[i]
		}
		return sys.safe()
	}
	if try(r.shown) {
		r.ansShown = r.shown[m-1]
		return r
	}
	r.shown[m-1] = false // the number who did not answer
	if try(r.shown) {
		r.ansShown = false
		return r
	}
	return hiddenRow(r.vals, r.ans, r.none)
}

// rollUps places every area (council → region → England → all) and every period (week →
// month → all) with disclosure.RollUp.
func (pb *publication) rollUps() {
	counts := map[string]int{noArea: 0}
	for _, a := range pb.places.Councils {
		counts[a.Code] = 0
	}
	for code, v := range pb.c.views[DimArea] {
		if _, ok := pb.places.council[code]; ok {
			counts[code] += int(v.n)
		} else {
			counts[noArea] += int(v.n)
		}
	}
	pb.areas = disclosure.RollUp(counts, pb.places.parent, pb.p.K())

	weeks := map[string]int{}
	for w, v := range pb.c.views[DimWeek] {
		if v.n != 0 {
			weeks[w] = int(v.n)
		}
	}
	pb.period = disclosure.RollUp(weeks, func(code string) (string, string) {
		switch {
		case code == all:
			return "", ""
		case strings.Contains(code, "-W"):
			if m := Month(code); m != "" {
				return m, "month"
			}
		}
		return all, "all"
	}, pb.p.K())
}

// shownArea reports whether an area's (or period's) own count is shown.
func shownPlace(m map[string]disclosure.Placement, code string) bool {
	pl, ok := m[code]
	return ok && pl.Code == code && pl.Cause == disclosure.Own
}

// Groups are published in stages, always in the same order, so that two groups with the
// same young people (a version and an age band, a region and England) get the rows of the
// one published first, whatever order requests come in: versions, age bands, who young
// people live with, months, then areas level by level. The councils of each region come
// last, each region when first needed: councils of different regions never hold the
// same young people, so the order among regions does not matter.
func (pb *publication) stages() []func() {
	var st []func()
	for _, d := range []Dim{DimVersion, DimAge, DimLive} {
		st = append(st, func() { pb.dimLevel(d) })
	}
	return append(st, pb.monthLevel,
		func() { pb.areaLevel(all) },
		func() { pb.areaLevel(pb.places.CountryCode) })
}

// group returns a group's rows, publishing stages until it is done; nil if the group has
// no responses.
func (pb *publication) group(id string) rowSet {
	if id == "area:"+all {
		return pb.top
	}
	st := pb.stages()
	for {
		if rs, ok := pb.groups[id]; ok {
			return rs
		}
		if pb.stage >= len(st) {
			break
		}
		st[pb.stage]()
		pb.stage++
	}
	code, ok := strings.CutPrefix(id, "area:")
	if a, isCouncil := pb.places.council[code]; ok && isCouncil && !pb.regionDone[a.RegionCode] {
		pb.regionDone[a.RegionCode] = true
		pb.areaLevel(a.RegionCode)
		return pb.groups[id]
	}
	return nil
}

// fingerprint identifies a set of young people by all its counts: two groups with the
// same counts publish the same numbers, so they must show and hide the same ones.
func fingerprint(v *vec) string {
	var b strings.Builder
	b.WriteString(itoa(v.n))
	for j, n := range v.c {
		if n != 0 {
			b.WriteString(" " + itoa(int64(j)) + ":" + itoa(n))
		}
	}
	return b.String()
}

// children publishes every line for groups that partition a parent (see
// protectChildren) and records their rows under ids: the breakdowns first, then after
// (if not nil) adjusts them, then the questions, whose number asked comes from the
// breakdown by version.
func (pb *publication) children(parent rowSet, parentBase bool, ids []string, kids []*vec, sizeShown []bool, after func(l *line, sets []rowSet, fixed []rowSet)) {
	fixed := make([]rowSet, len(kids))
	for i, k := range kids {
		fixed[i] = pb.byVec[fingerprint(k)]
	}
	sets := make([]rowSet, len(kids))
	for i := range sets {
		sets[i] = rowSet{}
	}
	run := func(l *line) {
		fx := make([]*row, len(kids))
		for i := range kids {
			if fixed[i] != nil {
				fx[i] = fixed[i][l]
			}
		}
		shown, pBase := sizeShown, parentBase
		if l.partial {
			shown = make([]bool, len(kids))
			for i := range kids {
				shown[i] = pb.askedKnown(l, sets[i], sizeShown[i], pb.possibleVersions(ids[i]))
				if fixed[i] != nil {
					shown[i] = fixed[i][l].total
				}
			}
			pBase = parent[l].total
		}
		rows := pb.c.protectChildren(pb.p, l, parent[l], pBase, kids, shown, fx)
		for i := range kids {
			sets[i][l] = rows[i]
		}
	}
	for _, l := range pb.lines {
		if l.noNone {
			run(l)
			if after != nil {
				after(l, sets, fixed)
			}
		}
	}
	for _, l := range pb.lines {
		if !l.noNone {
			run(l)
		}
	}
	for i, id := range ids {
		if fixed[i] != nil {
			sets[i] = fixed[i]
		} else {
			pb.byVec[fingerprint(kids[i])] = sets[i]
		}
		pb.groups[id] = sets[i]
	}
}

// askedKnown reports whether a group's number asked a partial question can be worked out:
// by design, when every version its young people can have answered (possible; nil means
// any) asks it, so that everyone was asked; or else from the group's published breakdown
// by version: the versions that ask it are all shown, or the group's size and the
// versions that do not ask it are.
func (pb *publication) askedKnown(l *line, rs rowSet, base bool, possible []string) bool {
	if possible != nil {
		all := true
		for _, v := range possible {
			all = all && slices.Contains(l.versions, v)
		}
		if all {
			return base
		}
	}
	var vl *line
	for _, x := range pb.lines {
		if x.id == "dim:"+DimVersion.String() {
			vl = x
		}
	}
	r := rs[vl]
	if r == nil {
		return false
	}
	asking, others := true, base
	for i, v := range vl.ids {
		if slices.Contains(l.versions, v) {
			asking = asking && r.shown[i]
		} else {
			others = others && r.shown[i]
		}
	}
	return asking || others
}

// possibleVersions returns the versions a group's young people can have answered, by the
// survey's design, or nil for any.
func (pb *publication) possibleVersions(id string) []string {
	if v, ok := strings.CutPrefix(id, "dim:"+DimVersion.String()+":"); ok {
		return []string{v}
	}
	a, ok := strings.CutPrefix(id, "dim:"+DimAge.String()+":")
	if !ok {
		return nil
	}
	q := pb.s.Question(pb.m.orDefault().AgeBand)
	var out []string
	for _, v := range pb.s.Versions {
		asks := q != nil && slices.Contains(v.Questions, q.ID)
		if (a == "" || q != nil && q.Option(a) != nil) && asks || !asks && v.AgeBand == a {
			out = append(out, v.ID)
		}
	}
	return out
}

// dimLevel publishes every value of a categorical dimension.
func (pb *publication) dimLevel(d Dim) {
	byID := map[string]*line{}
	for _, l := range pb.lines {
		byID[l.id] = l
	}
	dl := byID["dim:"+d.String()]
	vl := byID["dim:"+DimVersion.String()]
	sizes := map[string]bool{}
	for i, v := range dl.ids {
		sizes[v] = pb.top[dl].shown[i]
	}
	var ids []string
	var kids []*vec
	var shown []bool
	for _, v := range pb.c.Values(d) {
		k := pb.c.cell(d, v)
		if k.n <= 0 {
			continue
		}
		s, ok := sizes[v]
		if !ok {
			// An age band given by a version that does not ask it: that version's group.
			s = false
			for i, ver := range vl.ids {
				if sv := pb.s.Version(ver); sv != nil && sv.AgeBand == v && pb.c.count(k, dimSlot(DimVersion, ver)) == k.n {
					s = pb.top[vl].shown[i]
				}
			}
		}
		ids, kids, shown = append(ids, "dim:"+d.String()+":"+v), append(kids, k), append(shown, s)
	}
	pb.sizes[d] = sizes
	// A breakdown by an earlier dimension (age bands by version, say) is the same table
	// as that dimension's breakdown by this one, turned round: take it from there, so the
	// two show and hide the same cells.
	turn := func(l2 *line, sets []rowSet, fixed []rowSet) {
		d2 := -1
		for _, x := range []Dim{DimVersion, DimAge} {
			if l2.id == "dim:"+x.String() && x < d {
				d2 = int(x)
			}
		}
		if d2 < 0 {
			return
		}
		for i, id := range ids {
			if fixed[i] != nil {
				continue
			}
			v := strings.TrimPrefix(id, "dim:"+d.String()+":")
			at := slices.Index(dl.ids, v)
			r := sets[i][l2]
			for j, v2 := range l2.ids {
				if other := pb.groups["dim:"+Dim(d2).String()+":"+v2]; other != nil && at >= 0 {
					r.shown[j] = other[dl].shown[at]
				} else {
					r.shown[j] = false
				}
			}
		}
	}
	pb.children(pb.top, pb.base, ids, kids, shown, turn)
}

// areaKids returns the codes of an area's children: England and "no council" under
// every response, regions under England, councils under a region.
func (pb *publication) areaKids(code string) []string {
	var kids []string
	switch {
	case code == all:
		kids = []string{pb.places.CountryCode, noArea}
		for n := range pb.places.Nations {
			kids = append(kids, n)
		}
	case code == pb.places.CountryCode:
		for r := range pb.places.regions {
			kids = append(kids, r)
		}
	default:
		kids = slices.Clone(pb.places.members[code])
	}
	sort.Strings(kids)
	return kids
}

// areaVec returns the counts of an area code.
func (pb *publication) areaVec(code string) *vec {
	switch {
	case code == all:
		return &pb.c.total
	case code == noArea:
		out := &vec{}
		for k, v := range pb.c.views[DimArea] {
			if _, ok := pb.places.council[k]; !ok {
				out.plus(v)
			}
		}
		return out
	case code == pb.places.CountryCode:
		out := &vec{}
		for k, v := range pb.c.views[DimArea] {
			if a, ok := pb.places.council[k]; ok {
				if _, nation := pb.places.Nations[a.RegionCode]; !nation {
					out.plus(v)
				}
			}
		}
		return out
	}
	if members, ok := pb.places.members[code]; ok {
		return pb.c.sum(DimArea, members)
	}
	return pb.c.cell(DimArea, code)
}

// areaLevel publishes the children of an area (whose own rows are published already).
func (pb *publication) areaLevel(code string) {
	parent := pb.top
	if code != all {
		parent = pb.groups["area:"+code]
	}
	if parent == nil {
		return // no responses: nor in its children
	}
	var ids []string
	var kids []*vec
	var shown []bool
	for _, k := range pb.areaKids(code) {
		if v := pb.areaVec(k); v.n > 0 {
			ids, kids, shown = append(ids, "area:"+k), append(kids, v), append(shown, shownPlace(pb.areas, k))
		}
	}
	parentBase := code == all && pb.base || shownPlace(pb.areas, code)
	pb.children(parent, parentBase, ids, kids, shown, nil)
}

// monthsOf returns the weeks with responses by month.
func (pb *publication) monthsOf() map[string][]string {
	byMonth := map[string][]string{}
	for w, v := range pb.c.views[DimWeek] {
		if v.n > 0 {
			m := Month(w)
			byMonth[m] = append(byMonth[m], w)
		}
	}
	return byMonth
}

// monthLevel publishes every calendar month.
func (pb *publication) monthLevel() {
	byMonth := pb.monthsOf()
	var months []string
	for m := range byMonth {
		months = append(months, m)
	}
	sort.Strings(months)
	var ids []string
	var kids []*vec
	var shown []bool
	for _, m := range months {
		ids = append(ids, "month:"+m)
		kids = append(kids, pb.c.sum(DimWeek, byMonth[m]))
		shown = append(shown, m != "" && shownPlace(pb.period, m))
	}
	pb.children(pb.top, pb.base, ids, kids, shown, nil)
}

// unionOf publishes the union of published groups: the rows of a group already published
// for the same young people, or else each count shown only where every part shows it.
func (pb *publication) unionOf(sets []rowSet, v *vec) rowSet {
	if rs := pb.byVec[fingerprint(v)]; rs != nil {
		return rs
	}
	if len(sets) == 1 {
		return sets[0]
	}
	rs := rowSet{}
	for _, l := range pb.lines {
		var rows []*row
		for _, s := range sets {
			rows = append(rows, s[l])
		}
		rs[l] = union(rows)
	}
	return rs
}
