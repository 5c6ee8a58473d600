package results

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

// released is everything one release publishes under one policy. Each table comes
// whole from the publication of the release its group is as of; the counts of other
// groups inside it (the breakdowns by version, age band and living situation; the
// whole survey's counts by area, month and week) are each taken from the release their
// own group is as of, so that no count shows a group's young people at a moment its own
// figures do not. Reports are worked out once per request and kept: a release never
// changes, so a newer release also takes over what was worked out for the older releases
// it refers to (carry).
type released struct {
	rel    *Release
	rels   map[string]*Release
	s      *chorus.Survey
	m      Mapping
	p      disclosure.Policy
	places *Places

	mu      sync.Mutex
	pubs    map[string]*publication
	reports map[string]*reportOrErr
	partial []string // questions that not every version asks
}

type reportOrErr struct {
	rep *Report
	err error
}

func newReleased(s *chorus.Survey, m Mapping, rel *Release, rels map[string]*Release, p disclosure.Policy, places *Places) *released {
	rd := &released{rel: rel, rels: rels, s: s, m: m, p: p, places: places,
		pubs: map[string]*publication{}, reports: map[string]*reportOrErr{}}
	for _, q := range s.Questions {
		for _, v := range s.Versions {
			if !slices.Contains(v.Questions, q.ID) {
				rd.partial = append(rd.partial, q.ID)
				break
			}
		}
	}
	return rd
}

// carry gives a newer release's publication what this one worked out for releases both
// refer to: their publications and reports, which a release never changes.
func (rd *released) carry(to *released) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	for id, pb := range rd.pubs {
		if to.rels[id] != nil && rd.rels[id] == to.rels[id] {
			to.pubs[id] = pb
		}
	}
	for key, x := range rd.reports {
		id, _, _ := strings.Cut(key, "\x00")
		if to.rels[id] != nil && rd.rels[id] == to.rels[id] {
			to.reports[key] = x
		}
	}
}

// pub returns the publication of a release (built once). The caller holds mu.
func (rd *released) pub(id string) *publication {
	if pb := rd.pubs[id]; pb != nil {
		return pb
	}
	r := rd.rels[id]
	if r == nil {
		r = empty(rd.rel.Survey)
	}
	pb := newPublication(rd.s, rd.m, r.Cube, rd.p, rd.places)
	rd.pubs[id] = pb
	return pb
}

// asOf returns the release a group's figures come from.
func (rd *released) asOf(g GroupKey) *Release {
	if id, ok := rd.rel.AsOf[g]; ok {
		if r := rd.rels[id]; r != nil {
			return r
		}
		return empty(rd.rel.Survey)
	}
	return rd.rel
}

// from publishes a request in one release's publication, once. The caller holds mu.
func (rd *released) from(r *Release, req Request) (*Report, error) {
	key := r.ID + "\x00" + fmt.Sprintf("%#v", req)
	if x := rd.reports[key]; x != nil {
		return x.rep, x.err
	}
	rep, err := rd.pub(r.ID).publish(req)
	if err == nil {
		rep.Release = r.Ref(rd.p)
	}
	rd.reports[key] = &reportOrErr{rep, err}
	return rep, err
}

// publish returns the release's report for a request.
func (rd *released) publish(req Request) (*Report, error) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	key := "composed\x00" + fmt.Sprintf("%#v", req)
	if x := rd.reports[key]; x != nil {
		return x.rep, x.err
	}
	rep, err := rd.compose(req)
	rd.reports[key] = &reportOrErr{rep, err}
	return rep, err
}

func (rd *released) compose(req Request) (*Report, error) {
	cur, err := rd.from(rd.rel, req)
	if err != nil {
		return nil, err
	}
	switch cur.Level {
	case "all":
		return rd.settle(clone(cur), rd.rel, req, true), nil
	case DimVersion.String(), DimAge.String(), DimLive.String():
		d := map[string]Dim{"version": DimVersion, "age_band": DimAge, "live_with": DimLive}[cur.Level]
		at := rd.asOf(DimGroup(d, cur.Group.ID))
		rep, err := rd.from(at, req)
		if err != nil {
			return nil, err
		}
		return rd.settle(clone(rep), at, req, false), nil
	case "period":
		return rd.period(cur, req)
	}
	return rd.areas(cur, req)
}

// exact publishes one group for a request whose group the latest release decided: in
// the release the group is as of, or nil if that release could not show it.
func (rd *released) exact(g GroupKey, req Request, cur *Report) *Report {
	at := rd.asOf(g)
	var rep *Report
	var err error
	switch g.Kind {
	case GroupMonth:
		rep, err = rd.from(at, Request{From: g.Value + "-15", To: g.Value + "-15", RoundTo: req.RoundTo})
		if err == nil && (rep.Period == nil || !slices.Equal(rep.Period.Months, []string{g.Value})) {
			return nil
		}
	case GroupArea:
		rep, err = rd.pub(at.ID).placed(req, []string{g.Value}, cur.Area.Asked, cur.Note)
		if err == nil {
			rep.Release = at.Ref(rd.p)
		}
	default:
		return nil
	}
	if err != nil {
		return nil
	}
	return rd.settle(clone(rep), at, req, false)
}

// areas composes a report for areas: each area the latest release shows, from the
// release it is as of, or, if that release could not show it on its own, its region or
// England from theirs; several areas are added up.
func (rd *released) areas(cur *Report, req Request) (*Report, error) {
	var codes []string
	parts := map[string]*Report{}
	for _, code := range cur.Area.Codes {
		c := code
		for {
			if c == all || c == "" {
				return nil, chorus.Invalid("Too few young people have answered so far to show any results without risking someone being identified.",
					map[string]string{"area": "Too few young people have answered so far."})
			}
			if rep := rd.exact(AreaGroup(c), req, cur); rep != nil {
				parts[c] = rep
				break
			}
			c, _ = rd.places.parent(c)
		}
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	codes = slices.DeleteFunc(codes, func(c string) bool {
		for up, _ := rd.places.parent(c); up != ""; up, _ = rd.places.parent(up) {
			if slices.Contains(codes, up) {
				return true
			}
		}
		return false
	})
	slices.Sort(codes)
	if len(codes) > 1 {
		// Areas whose figures all come from one release: that release adds them up.
		at := rd.asOf(AreaGroup(codes[0]))
		same := true
		for _, c := range codes[1:] {
			same = same && rd.asOf(AreaGroup(c)) == at
		}
		if same {
			if rep, err := rd.pub(at.ID).placed(req, codes, cur.Area.Asked, cur.Note); err == nil {
				rep.Release = at.Ref(rd.p)
				return rd.settle(clone(rep), at, req, false), nil
			}
		}
	}
	if len(codes) == 1 {
		out := parts[codes[0]]
		out.Filter, out.Note = cur.Filter, cur.Note
		out.Area.Asked = cur.Area.Asked
		return out, nil
	}
	var list []*Report
	for _, c := range codes {
		list = append(list, parts[c])
	}
	out := rd.union(cur, list)
	// Each measure's own share cannot be added up from the parts' shares: it is hidden.
	// Its region's and England's come from their own releases.
	for i := range out.Measures {
		out.Measures[i].Share, out.Measures[i].Base, out.Measures[i].VersusEngland = disclosure.Share{}, disclosure.Value{}, ""
	}
	rd.settleMeasures(out, rd.rel, req)
	out.Area = &ShownArea{Asked: cur.Area.Asked}
	for _, c := range codes {
		out.Area.Codes = append(out.Area.Codes, c)
		out.Area.Names = append(out.Area.Names, rd.places.name(c))
	}
	out.Level = "areas"
	return out, nil
}

// period composes a report for months: the whole survey if they are every month with
// responses, else each month from the release it is as of, added up.
func (rd *released) period(cur *Report, req Request) (*Report, error) {
	all := map[string]bool{}
	for w, v := range rd.rel.Cube.views[DimWeek] {
		if v.n > 0 {
			all[Month(w)] = true
		}
	}
	if len(cur.Period.Months) == len(all) {
		return rd.settle(clone(cur), rd.rel, req, true), nil
	}
	var parts []*Report
	for _, m := range cur.Period.Months {
		rep := rd.exact(MonthGroup(m), req, cur)
		if rep == nil {
			return nil, chorus.Invalid("The figures for this period are not ready yet.", map[string]string{"from": "Choose a longer period."})
		}
		parts = append(parts, rep)
	}
	if len(parts) == 1 {
		out := parts[0]
		out.Filter = cur.Filter
		return out, nil
	}
	return rd.union(cur, parts), nil
}

// settle makes every count of a report that describes another group's size come from
// the release that group is as of: the report (of release at) keeps a count only where
// that group is as of at or later; otherwise it takes the count from the same report in
// the group's release, or hides it. A report whose breakdown by version changed that way
// also takes its questions that not every version asks from there (their numbers asked
// are sums of versions). root also settles the counts by area, month and week.
func (rd *released) settle(rep *Report, at *Release, req Request, root bool) *Report {
	older := func(g GroupKey) (*Release, bool) {
		r := rd.asOf(g)
		return r, r.Seq < at.Seq
	}
	same := func(r *Release) *Report {
		o, err := rd.from(r, req)
		if err != nil || o.Level != rep.Level || !sameGroup(o, rep) {
			return nil
		}
		return o
	}
	var versionsFrom *Release
	for _, d := range []Dim{DimVersion, DimAge, DimLive} {
		list := map[Dim][]Count{DimVersion: rep.Versions, DimAge: rep.AgeBands, DimLive: rep.LiveWith}[d]
		for i, c := range list {
			r, old := older(DimGroup(d, c.ID))
			if !old {
				continue
			}
			if d == DimVersion && (versionsFrom == nil || r.Seq < versionsFrom.Seq) {
				versionsFrom = r
			}
			list[i] = Count{ID: c.ID, Label: c.Label}
			if o := same(r); o != nil {
				olist := map[Dim][]Count{DimVersion: o.Versions, DimAge: o.AgeBands, DimLive: o.LiveWith}[d]
				if j := slices.IndexFunc(olist, func(x Count) bool { return x.ID == c.ID }); j >= 0 {
					list[i] = olist[j]
				}
			}
			list[i].Release = r.ID
		}
	}
	if versionsFrom != nil {
		o := same(versionsFrom)
		for i, q := range rep.Questions {
			if !slices.Contains(rd.partial, q.ID) {
				continue
			}
			rep.Questions[i] = hiddenQuestion(q)
			if o != nil {
				if j := slices.IndexFunc(o.Questions, func(x QuestionReport) bool { return x.ID == q.ID }); j >= 0 {
					rep.Questions[i] = o.Questions[j]
				}
			}
			rep.Questions[i].Release = versionsFrom.ID
		}
	}
	rd.settleMeasures(rep, at, req)
	if !root {
		return rep
	}
	rootOf := func(r *Release) *Report {
		o, err := rd.from(r, Request{RoundTo: req.RoundTo})
		if err != nil {
			return nil
		}
		return o
	}
	for i, a := range rep.Areas {
		if r, old := older(AreaGroup(a.Code)); old {
			rep.Areas[i].Count, rep.Areas[i].Release = disclosure.Value{}, r.ID
			if o := rootOf(r); o != nil {
				if j := slices.IndexFunc(o.Areas, func(x AreaCount) bool { return x.Code == a.Code }); j >= 0 {
					rep.Areas[i].Count = o.Areas[j].Count
				}
			}
		}
	}
	for _, list := range [][]Count{rep.Weeks, rep.Months} {
		for i, c := range list {
			m := c.ID
			if len(m) > 7 {
				m = Month(m)
			}
			if r, old := older(MonthGroup(m)); old {
				list[i] = Count{ID: c.ID, Label: c.Label}
				if o := rootOf(r); o != nil {
					olist := o.Weeks
					if len(c.ID) <= 7 {
						olist = o.Months
					}
					if j := slices.IndexFunc(olist, func(x Count) bool { return x.ID == c.ID }); j >= 0 {
						list[i] = olist[j]
					}
				}
				list[i].Release = r.ID
			}
		}
	}
	return rep
}

// sameGroup reports whether two reports describe the same young people's group.
func sameGroup(a, b *Report) bool {
	switch {
	case a.Group != nil || b.Group != nil:
		return a.Group != nil && b.Group != nil && a.Group.ID == b.Group.ID
	case a.Area != nil || b.Area != nil:
		return a.Area != nil && b.Area != nil && slices.Equal(a.Area.Codes, b.Area.Codes)
	case a.Period != nil || b.Period != nil:
		return a.Period != nil && b.Period != nil && slices.Equal(a.Period.Months, b.Period.Months)
	}
	return true
}

// hiddenQuestion is a question with every count hidden.
func hiddenQuestion(q QuestionReport) QuestionReport {
	out := QuestionReport{ID: q.ID, Kind: q.Kind, Text: q.Text, Wordings: q.Wordings}
	for _, o := range q.Options {
		out.Options = append(out.Options, Count{ID: o.ID, Label: o.Label})
	}
	for _, it := range q.Items {
		h := ItemReport{ID: it.ID, Label: it.Label}
		for _, o := range it.Options {
			h.Options = append(h.Options, Count{ID: o.ID, Label: o.Label})
		}
		out.Items = append(out.Items, h)
	}
	return out
}

// union adds up reports of disjoint groups (from any releases): each count is shown
// only where every part shows it, as the sum of theirs, so the union tells nothing the
// parts do not. cur gives the labels and what was asked.
func (rd *released) union(cur *Report, parts []*Report) *Report {
	p := rd.p
	out := clone(cur)
	sum := func(get func(r *Report) (disclosure.Value, bool)) disclosure.Value {
		n := 0
		for _, r := range parts {
			v, ok := get(r)
			if !ok {
				continue // not in this part: nobody there
			}
			if !v.Shown() {
				return disclosure.Value{}
			}
			n += v.N()
		}
		return p.Count(n)
	}
	pct := func(c, of disclosure.Value) *float64 { return percent(p, c, of, int64(of.N())) }
	out.Base = sum(func(r *Report) (disclosure.Value, bool) { return r.Base, true })
	countList := func(list []Count, get func(r *Report) []Count, of disclosure.Value) {
		for i, c := range list {
			list[i].Count = sum(func(r *Report) (disclosure.Value, bool) {
				j := slices.IndexFunc(get(r), func(x Count) bool { return x.ID == c.ID })
				if j < 0 {
					return disclosure.Value{}, false
				}
				return get(r)[j].Count, true
			})
			list[i].Percent, list[i].Release = nil, ""
			if c.Percent != nil {
				list[i].Percent = pct(list[i].Count, of)
			}
		}
	}
	countList(out.Versions, func(r *Report) []Count { return r.Versions }, out.Base)
	countList(out.AgeBands, func(r *Report) []Count { return r.AgeBands }, out.Base)
	countList(out.LiveWith, func(r *Report) []Count { return r.LiveWith }, out.Base)
	list := func(lr *ListReport, get func(r *Report) *ListReport) {
		field := func(f func(l *ListReport) disclosure.Value) disclosure.Value {
			return sum(func(r *Report) (disclosure.Value, bool) {
				if l := get(r); l != nil {
					return f(l), true
				}
				return disclosure.Value{}, false
			})
		}
		lr.Answered = field(func(l *ListReport) disclosure.Value { return l.Answered })
		lr.NoAnswer = field(func(l *ListReport) disclosure.Value { return l.NoAnswer })
		of := lr.Answered
		if lr.PercentOf == "responses" {
			of = out.Base
		}
		countList(lr.Options, func(r *Report) []Count {
			if l := get(r); l != nil {
				return l.Options
			}
			return nil
		}, of)
	}
	if out.Themes != nil {
		list(out.Themes, func(r *Report) *ListReport { return r.Themes })
	}
	for qi := range out.Questions {
		q := &out.Questions[qi]
		q.Release = ""
		question := func(r *Report) *QuestionReport {
			j := slices.IndexFunc(r.Questions, func(x QuestionReport) bool { return x.ID == q.ID })
			if j < 0 {
				return nil
			}
			return &r.Questions[j]
		}
		if len(q.Items) == 0 {
			lr := ListReport{Options: q.Options, PercentOf: q.PercentOf}
			list(&lr, func(r *Report) *ListReport {
				if x := question(r); x != nil {
					return &ListReport{Answered: x.Answered, NoAnswer: x.NoAnswer, Options: x.Options}
				}
				return nil
			})
			q.Answered, q.NoAnswer = lr.Answered, lr.NoAnswer
			continue
		}
		for ii := range q.Items {
			it := &q.Items[ii]
			lr := ListReport{Options: it.Options}
			list(&lr, func(r *Report) *ListReport {
				if x := question(r); x != nil {
					if j := slices.IndexFunc(x.Items, func(y ItemReport) bool { return y.ID == it.ID }); j >= 0 {
						y := x.Items[j]
						return &ListReport{Answered: y.Answered, NoAnswer: y.NoAnswer, Options: y.Options}
					}
				}
				return nil
			})
			it.Answered, it.NoAnswer = lr.Answered, lr.NoAnswer
		}
	}
	out.ContainsDemo = false
	seq := func(ref *ReleaseRef) int {
		if ref == nil || rd.rels[ref.ID] == nil {
			return -1
		}
		return rd.rels[ref.ID].Seq
	}
	newest := parts[0].Release
	mixed := false
	for _, r := range parts {
		out.ContainsDemo = out.ContainsDemo || r.ContainsDemo
		mixed = mixed || seq(r.Release) != seq(newest)
		if seq(r.Release) > seq(newest) {
			newest = r.Release
		}
	}
	if newest != nil {
		ref := *newest
		ref.Mixed = mixed
		out.Release = &ref
	}
	return out
}

// clone copies a report deeply enough that composing can change its counts.
func clone(r *Report) *Report {
	out := *r
	cl := func(list []Count) []Count { return slices.Clone(list) }
	out.Versions, out.AgeBands, out.LiveWith = cl(r.Versions), cl(r.AgeBands), cl(r.LiveWith)
	out.Weeks, out.Months, out.Areas = cl(r.Weeks), cl(r.Months), slices.Clone(r.Areas)
	if r.Themes != nil {
		t := *r.Themes
		t.Options = cl(t.Options)
		out.Themes = &t
	}
	if r.Area != nil {
		a := *r.Area
		out.Area = &a
	}
	out.Measures = slices.Clone(r.Measures)
	out.Questions = slices.Clone(r.Questions)
	for i := range out.Questions {
		q := &out.Questions[i]
		q.Options = cl(q.Options)
		q.Items = slices.Clone(q.Items)
		for j := range q.Items {
			q.Items[j].Options = cl(q.Items[j].Options)
		}
	}
	return &out
}

// settleMeasures takes each measure's figure for the report's region and for England
// (and the region's figure standing in for the area's own) from the release that area
// is as of, when that is earlier than at. A comparison with England is kept only where
// both figures come from at.
func (rd *released) settleMeasures(rep *Report, at *Release, req Request) {
	// older is the figure for area as the older release r gives it (o: r's report of
	// the measure, nil when hidden there).
	older := func(cur *MeasureFigure, o *MeasureReport, r *Release) *MeasureFigure {
		f := *cur
		f.Share, f.Base, f.Release = disclosure.Share{}, disclosure.Value{}, r.ID
		if o != nil && o.Of != nil && o.Of.Code == f.Code {
			f.Share, f.Base = o.Share, o.Base
		}
		return &f
	}
	figure := func(code, id string) (*MeasureReport, *Release, bool) {
		r := rd.asOf(AreaGroup(code))
		if r.Seq >= at.Seq {
			return nil, r, false
		}
		o, err := rd.pub(r.ID).placed(Request{RoundTo: req.RoundTo}, []string{code}, "", "")
		if err != nil {
			return nil, r, true
		}
		for i := range o.Measures {
			if o.Measures[i].ID == id {
				return &o.Measures[i], r, true
			}
		}
		return nil, r, true
	}
	for i := range rep.Measures {
		mr := &rep.Measures[i]
		if mr.Region != nil {
			if o, r, old := figure(mr.Region.Code, mr.ID); old {
				f := older(mr.Region, o, r)
				if mr.Of != nil && mr.Of.Code == f.Code {
					mr.Share, mr.Base, mr.VersusEngland = f.Share, f.Base, ""
				}
				mr.Region = f
			}
		}
		if mr.England != nil {
			if o, r, old := figure(mr.England.Code, mr.ID); old {
				mr.England, mr.VersusEngland = older(mr.England, o, r), ""
			}
		}
	}
}
