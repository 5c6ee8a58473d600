package results

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

// Places is the geography results roll up through: councils, their regions, England,
// and the constituencies made of councils.
type Places struct {
	// Councils lists every council with its region.
	Councils []chorus.Area
	// CountryCode and CountryName name the top of the roll-up (England).
	CountryCode, CountryName string
	// Constituency returns a constituency's name and the councils it overlaps, or false.
	Constituency func(code string) (name string, councils []string, ok bool)

	once    sync.Once
	council map[string]chorus.Area
	regions map[string]string   // code → name
	members map[string][]string // region → councils
}

func (pl *Places) init() {
	pl.once.Do(func() {
		if pl.CountryCode == "" {
			pl.CountryCode, pl.CountryName = "E92000001", "England"
		}
		pl.council = map[string]chorus.Area{}
		pl.regions = map[string]string{}
		pl.members = map[string][]string{}
		for _, a := range pl.Councils {
			pl.council[a.Code] = a
			pl.regions[a.RegionCode] = a.RegionName
			pl.members[a.RegionCode] = append(pl.members[a.RegionCode], a.Code)
		}
	})
}

// all is the code of the root of the area and period hierarchies: every response.
const all = "*"

// noArea is the pseudo-area of responses that give no council.
const noArea = "-"

// parent returns an area's parent for disclosure.RollUp: council → region → England →
// every response; responses with no area hang from the root directly.
func (pl *Places) parent(code string) (string, string) {
	switch {
	case code == all:
		return "", ""
	case code == noArea || code == pl.CountryCode:
		return all, "all"
	}
	if a, ok := pl.council[code]; ok {
		return a.RegionCode, "region"
	}
	if _, ok := pl.regions[code]; ok {
		return pl.CountryCode, "country"
	}
	return all, "all"
}

// holdsAny reports whether area code is a region or the country above one of councils.
func (pl *Places) holdsAny(code string, councils []string) bool {
	for _, c := range councils {
		for up, _ := pl.parent(c); up != "" && up != all; up, _ = pl.parent(up) {
			if up == code {
				return true
			}
		}
	}
	return false
}

func (pl *Places) name(code string) string {
	switch code {
	case all:
		return "All responses"
	case noArea:
		return "No council given"
	case pl.CountryCode:
		return pl.CountryName
	}
	if a, ok := pl.council[code]; ok {
		return a.Name
	}
	return pl.regions[code]
}

func (pl *Places) level(code string) string {
	switch code {
	case all:
		return "all"
	case pl.CountryCode:
		return "country"
	}
	if _, ok := pl.council[code]; ok {
		return "council"
	}
	if _, ok := pl.regions[code]; ok {
		return "region"
	}
	return ""
}

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
	for _, x := range vr.vals {
		sys.vals = append(sys.vals, x)
	}
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
	case code == pb.places.CountryCode:
		for r := range pb.places.members {
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
			if _, ok := pb.places.council[k]; ok {
				out.plus(v)
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

// Request says which results to publish. At most one of Version, AgeBand, LiveWith, an
// area (Area, Region or Constituency) and a period (From, To) may be given.
type Request struct {
	Version  string
	AgeBand  string
	LiveWith string
	// Area is a council code, Region a region code, Constituency a constituency code.
	Area, Region, Constituency string
	// From and To are dates (YYYY-MM-DD); results are by whole calendar months of ISO
	// weeks (a week belongs to the month of its Thursday), so they select every month
	// they touch.
	From, To string
	// Limit holds the councils a viewer is limited to; nil means every area. A limited
	// viewer's request without an area is for all their councils together.
	Limit []string
	// RoundTo rounds every shown count (5 for viewers); 0 shows exact counts.
	RoundTo int
}

func (r Request) conditions() int {
	n := 0
	for _, s := range []string{r.Version, r.AgeBand, r.LiveWith} {
		if s != "" {
			n++
		}
	}
	if r.Area != "" || r.Region != "" || r.Constituency != "" {
		n++
	}
	if r.From != "" || r.To != "" {
		n++
	}
	return n
}

// publish builds the report for a request.
func (pb *publication) publish(req Request) (*Report, error) {
	pb.mu.Lock()
	defer pb.mu.Unlock()
	rep := pb.newReport(req)
	if req.Limit != nil && req.Area == "" && req.Region == "" && req.Constituency == "" {
		if len(req.Limit) == 0 {
			return nil, chorus.Errorf(chorus.EFORBIDDEN, "Your account does not cover any area.")
		}
		if req.conditions() > 0 {
			return nil, chorus.Errorf(chorus.EINVALID, "Your account shows results for your areas only, without other filters.")
		}
	}
	if req.conditions() > 1 {
		return nil, chorus.Errorf(chorus.EINVALID,
			"Choose one filter at a time: results for combined filters could be compared to pick out a few young people.")
	}
	k := pb.p.K()
	switch {
	case req.Version != "":
		return pb.publishCategory(rep, DimVersion, req.Version, "version")
	case req.AgeBand != "":
		return pb.publishCategory(rep, DimAge, req.AgeBand, "age_band")
	case req.LiveWith != "":
		return pb.publishCategory(rep, DimLive, req.LiveWith, "live_with")
	case req.Area != "" || req.Region != "" || req.Constituency != "" || req.Limit != nil:
		return pb.publishAreas(rep, req)
	case req.From != "" || req.To != "":
		return pb.publishPeriod(rep, req)
	}
	// The whole survey.
	rep.Level = "all"
	pb.fill(rep, pb.top, &pb.c.total)
	pb.fillAreas(rep)
	pb.fillWeeks(rep, nil)
	if pb.c.total.n > 0 && pb.c.total.n < int64(k) {
		rep.Note = fmt.Sprintf("Fewer than %d young people have answered so far, so no results can be shown yet.", k)
	}
	return rep, nil
}

func (pb *publication) publishCategory(rep *Report, d Dim, value, field string) (*Report, error) {
	rs := pb.group("dim:" + d.String() + ":" + value)
	if rs == nil || !pb.sizes[d][value] {
		return nil, pb.refuse(field, "Too few young people in this group have answered to show their results without risking someone being identified.")
	}
	v := pb.c.cell(d, value)
	if err := pb.check(v.n, pb.c.total.n); err != nil {
		return nil, err
	}
	rep.Level = d.String()
	rep.Group = &Group{ID: value, Label: dimLabel(pb.s, pb.m, d, value)}
	pb.fill(rep, rs, v)
	return rep, nil
}

func (pb *publication) refuse(field, message string) error {
	return chorus.Invalid(message, map[string]string{field: message})
}

// check applies disclosure.CheckFilter as a last guard, reporting a refusal as EINVALID.
func (pb *publication) check(n int64, bases ...int64) error {
	var b []int
	for _, x := range bases {
		b = append(b, int(x))
	}
	if err := pb.p.CheckFilter(int(n), b...); err != nil {
		if chorus.ErrorCode(err) == chorus.EFORBIDDEN {
			return chorus.Wrap(chorus.EINVALID, err, chorus.ErrorMessage(err))
		}
		return err
	}
	return nil
}

func (pb *publication) publishAreas(rep *Report, req Request) (*Report, error) {
	pl := pb.places
	var asked []string // councils, or a region
	field, label := "area", ""
	switch {
	case req.Area != "":
		code := strings.ToUpper(req.Area)
		a, ok := pl.council[code]
		if !ok {
			return nil, pb.refuse("area", "There is no council with that code.")
		}
		asked, label = []string{code}, a.Name
	case req.Region != "":
		field = "region"
		code := strings.ToUpper(req.Region)
		if _, ok := pl.regions[code]; !ok {
			return nil, pb.refuse("region", "There is no region with that code.")
		}
		asked, label = []string{code}, pl.regions[code]
	case req.Constituency != "":
		field = "constituency"
		var name string
		var councils []string
		ok := false
		if pl.Constituency != nil {
			name, councils, ok = pl.Constituency(strings.ToUpper(req.Constituency))
		}
		if !ok {
			return nil, pb.refuse("constituency", "There is no constituency with that code.")
		}
		asked, label = councils, name
	default:
		asked, label = slices.Clone(req.Limit), "Your areas"
	}
	if req.Limit != nil {
		for _, code := range asked {
			// A region (or England) that holds one of the viewer's councils is what
			// their own figures roll up to when they are too few, so it is shown when
			// asked for directly too: one rule for both (README, "Privacy").
			if pl.holdsAny(code, req.Limit) {
				continue
			}
			members := []string{code}
			if m, ok := pl.members[code]; ok {
				members = m
			}
			for _, c := range members {
				if !slices.Contains(req.Limit, c) {
					return nil, chorus.Errorf(chorus.EFORBIDDEN, "Your account does not cover that area.")
				}
			}
		}
	}
	// Where each asked area is shown; then drop areas inside another chosen one.
	var codes []string
	var reasons []string
	for _, code := range asked {
		p, ok := pb.areas[code]
		if !ok || p.Cause == disclosure.NoResults || p.Code == "" {
			return nil, pb.refuse(field, "Too few young people have answered so far to show any results without risking someone being identified.")
		}
		if !slices.Contains(codes, p.Code) {
			codes = append(codes, p.Code)
		}
		if p.Hops > 0 && !slices.Contains(reasons, p.Reason) {
			reasons = append(reasons, p.Reason)
		}
	}
	codes = slices.DeleteFunc(slices.Clone(codes), func(c string) bool {
		for up, _ := pl.parent(c); up != ""; up, _ = pl.parent(up) {
			if slices.Contains(codes, up) {
				return true
			}
		}
		return false
	})
	sort.Strings(codes)
	var sets []rowSet
	v := &vec{}
	for _, c := range codes {
		sets = append(sets, pb.group("area:"+c))
		v.plus(pb.areaVec(c))
	}
	if err := pb.check(v.n, pb.c.total.n); err != nil {
		return nil, err
	}
	rs := pb.unionOf(sets, v)
	shown := &ShownArea{Asked: label}
	for _, c := range codes {
		shown.Codes = append(shown.Codes, c)
		shown.Names = append(shown.Names, pl.name(c))
	}
	rep.Area = shown
	switch {
	case len(codes) == 1:
		rep.Level = pl.level(codes[0])
	default:
		rep.Level = "areas"
	}
	if len(reasons) > 0 {
		rep.Note = strings.Join(reasons, " ")
	}
	pb.fill(rep, rs, v)
	return rep, nil
}

func (pb *publication) publishPeriod(rep *Report, req Request) (*Report, error) {
	var all []string
	for w, v := range pb.c.views[DimWeek] {
		if v.n > 0 {
			if m := Month(w); !slices.Contains(all, m) {
				all = append(all, m)
			}
		}
	}
	sort.Strings(all)
	lo, hi := "", "9999-99"
	if req.From != "" {
		if lo = monthOfDay(req.From); lo == "" {
			return nil, pb.refuse("from", "Use a date such as 2026-10-01.")
		}
	}
	if req.To != "" {
		if hi = monthOfDay(req.To); hi == "" {
			return nil, pb.refuse("to", "Use a date such as 2026-10-31.")
		}
	}
	var months []string
	for _, m := range all {
		if m >= lo && m <= hi {
			months = append(months, m)
		}
	}
	if len(months) == 0 {
		return nil, pb.refuse("from", "No young people answered in that period.")
	}
	rep.Level = "period"
	rep.Period = &Period{Months: months}
	if len(months) == len(all) {
		// Every month with responses: the whole survey.
		pb.fill(rep, pb.top, &pb.c.total)
		pb.fillWeeks(rep, months)
		return rep, nil
	}
	var sets []rowSet
	v := &vec{}
	for _, m := range months {
		if !shownPlace(pb.period, m) {
			return nil, pb.refuse("from", fmt.Sprintf("Too few young people answered in %s to show it on its own without risking someone being identified. Choose a longer period.", monthName(m)))
		}
		sets = append(sets, pb.group("month:"+m))
		for w, x := range pb.c.views[DimWeek] {
			if Month(w) == m {
				v.plus(x)
			}
		}
	}
	if err := pb.check(v.n, pb.c.total.n); err != nil {
		return nil, err
	}
	rs := pb.unionOf(sets, v)
	pb.fill(rep, rs, v)
	pb.fillWeeks(rep, months)
	return rep, nil
}

func monthName(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("January 2006")
}

// fill puts a group's rows into the report.
func (pb *publication) fill(rep *Report, rs rowSet, v *vec) {
	p := pb.p
	rep.Base = p.Count(int(v.n))
	rep.ContainsDemo = pb.c.count(v, slotDemo) > 0
	byID := map[string]*line{}
	for _, l := range pb.lines {
		byID[l.id] = l
	}
	for _, q := range pb.s.Questions {
		if !closed(q.Kind) || pb.m.isDim(q.ID) {
			continue
		}
		if pb.c.count(v, slotAsked+q.ID) == 0 && v.n > 0 {
			continue // nobody here was asked it
		}
		qr := QuestionReport{ID: q.ID, Kind: q.Kind, Text: q.Text.In(""), Wordings: wordings(pb.s, q)}
		if q.Kind == chorus.KindGrid {
			for _, l := range pb.lines {
				if !strings.HasPrefix(l.id, "q:"+q.ID+":") {
					continue
				}
				item := strings.TrimPrefix(l.id, "q:"+q.ID+":")
				label := item
				if it := q.Item(item); it != nil {
					label = it.Text.In("")
				}
				lr := pb.listReport(l, rs[l], rep.Base)
				qr.Items = append(qr.Items, ItemReport{ID: item, Label: label, Answered: lr.Answered,
					NoAnswer: lr.NoAnswer, Options: lr.Options})
			}
		} else if l := byID["q:"+q.ID]; l != nil {
			lr := pb.listReport(l, rs[l], rep.Base)
			qr.Answered, qr.NoAnswer, qr.Options, qr.PercentOf = lr.Answered, lr.NoAnswer, lr.Options, lr.PercentOf
		}
		rep.Questions = append(rep.Questions, qr)
	}
	if l := byID["themes"]; l != nil {
		lr := pb.listReport(l, rs[l], rep.Base)
		rep.Themes = &lr
	}
	for _, d := range []Dim{DimVersion, DimAge, DimLive} {
		l := byID["dim:"+d.String()]
		lr := pb.listReport(l, rs[l], rep.Base)
		switch d {
		case DimVersion:
			rep.Versions = lr.Options
		case DimAge:
			rep.AgeBands = lr.Options
		case DimLive:
			rep.LiveWith = lr.Options
		}
	}
}

// listReport turns a published row into counts and percentages.
func (pb *publication) listReport(l *line, r *row, base disclosure.Value) ListReport {
	p := pb.p
	val := func(n int64, shown bool) disclosure.Value {
		if !shown {
			return disclosure.Value{}
		}
		return p.Count(int(n))
	}
	var lr ListReport
	var answered int64
	switch {
	case l.kind == lineMulti:
		lr.Answered, lr.NoAnswer = val(r.ans, r.ansShown), val(r.none, r.noneShown)
		answered = r.ans
	case l.noNone:
		for _, x := range r.vals {
			answered += x
		}
		lr.Answered = base
		if l.partial {
			lr.Answered = val(answered, r.total)
		}
	default:
		none := r.vals[len(r.vals)-1]
		lr.NoAnswer = val(none, r.ansShown)
		answered = -none
		all := true // every answer's count is shown, so their sum is known
		for i, x := range r.vals {
			answered += x
			all = all && (r.shown[i] || i == len(r.vals)-1)
		}
		lr.Answered = val(answered, r.ansShown && r.total || all)
	}
	// Percentages are of those who answered; where that number cannot be shown (it
	// would give away how many did not answer), of everyone in the group, if everyone
	// was asked.
	of, ofTrue := lr.Answered, answered
	if !of.Shown() && !l.partial && !l.noNone && base.Shown() {
		of, ofTrue, lr.PercentOf = base, -1, "responses"
	}
	for i := range l.slots {
		c := Count{ID: l.ids[i], Label: l.labels[i], Count: val(r.vals[i], r.shown[i])}
		if l.percent {
			if ofTrue < 0 {
				c.Percent = percent(p, c.Count, of, int64(of.N()))
			} else {
				c.Percent = percent(p, c.Count, of, ofTrue)
			}
		}
		lr.Options = append(lr.Options, c)
	}
	return lr
}

// percent is count as a percentage of base to one decimal place, worked out from the
// shown (rounded) numbers, only where both are shown and the true base is at least k.
func percent(p disclosure.Policy, count, base disclosure.Value, trueBase int64) *float64 {
	if !count.Shown() || !base.Shown() || base.N() == 0 || trueBase < int64(p.K()) {
		return nil
	}
	v := math.Round(float64(count.N())*1000/float64(base.N())) / 10
	return &v
}

// wordings lists the distinct wordings of a question across the versions that ask it,
// for the methods note: answers to one question pool across versions.
func wordings(s *chorus.Survey, q *chorus.Question) []Wording {
	var out []Wording
	for _, v := range s.Versions {
		if !slices.Contains(v.Questions, q.ID) {
			continue
		}
		text := q.TextFor(v.ID, "")
		i := slices.IndexFunc(out, func(w Wording) bool { return w.Text == text })
		if i < 0 {
			out = append(out, Wording{Text: text})
			i = len(out) - 1
		}
		out[i].Versions = append(out[i].Versions, v.ID)
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// fillAreas adds the councils, regions and England, each shown only where RollUp shows it.
func (pb *publication) fillAreas(rep *Report) {
	pl := pb.places
	add := func(code string) {
		n := int(pb.areaVec(code).n)
		v := disclosure.Value{}
		if shownPlace(pb.areas, code) {
			v = pb.p.Count(n)
		}
		rep.Areas = append(rep.Areas, AreaCount{Code: code, Name: pl.name(code), Level: pl.level(code), Count: v})
	}
	add(pl.CountryCode)
	var regions []string
	for r := range pl.regions {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, r := range regions {
		add(r)
	}
	for _, a := range pl.Councils {
		add(a.Code)
	}
}

// fillWeeks adds responses by week and by month (of the given months, or all), each shown
// only where RollUp shows it.
func (pb *publication) fillWeeks(rep *Report, months []string) {
	var weeks []string
	for w, v := range pb.c.views[DimWeek] {
		if v.n > 0 && (months == nil || slices.Contains(months, Month(w))) {
			weeks = append(weeks, w)
		}
	}
	sort.Strings(weeks)
	seen := map[string]bool{}
	for _, w := range weeks {
		v := disclosure.Value{}
		if shownPlace(pb.period, w) {
			v = pb.p.Count(int(pb.c.views[DimWeek][w].n))
		}
		rep.Weeks = append(rep.Weeks, Count{ID: w, Label: w, Count: v})
		m := Month(w)
		if !seen[m] {
			seen[m] = true
			mv := disclosure.Value{}
			if m != "" && shownPlace(pb.period, m) {
				mv = pb.p.Count(int(pb.period[m].Base))
			}
			rep.Months = append(rep.Months, Count{ID: m, Label: monthName(m), Count: mv})
		}
	}
}

func (pb *publication) newReport(req Request) *Report {
	return &Report{
		Survey: pb.s.ID, Title: pb.s.Title.In(""),
		Filter: ReportFilter{Version: req.Version, AgeBand: req.AgeBand, LiveWith: req.LiveWith,
			Area: req.Area, Region: req.Region, Constituency: req.Constituency, From: req.From, To: req.To},
		Threshold: pb.p.K(), RoundedTo: max(pb.p.RoundTo, 0),
		Methods: pb.p.Note() + " Answers to the same question pool across versions of the survey; where versions word a question differently, each wording is listed with the question.",
	}
}
