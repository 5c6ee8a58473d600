package results

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

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
	rs := pb.group(DimGroup(d, value))
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
		// A region, or a nation without regions (Wales), whose councils are its members.
		field = "region"
		code := strings.ToUpper(req.Region)
		if _, ok := pl.members[code]; !ok {
			return nil, pb.refuse("region", "There is no region with that code.")
		}
		asked, label = []string{code}, pl.name(code)
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
	return pb.fillPlaced(rep, codes, label, strings.Join(reasons, " "))
}

// placed publishes the areas codes (each shown on its own in pb) for a request whose
// areas another publication placed: the report says it is for label, with note.
func (pb *publication) placed(req Request, codes []string, label, note string) (*Report, error) {
	pb.mu.Lock()
	defer pb.mu.Unlock()
	for _, c := range codes {
		if c != all && !shownPlace(pb.areas, c) {
			return nil, pb.refuse("area", "Too few young people have answered so far to show any results without risking someone being identified.")
		}
	}
	return pb.fillPlaced(pb.newReport(req), codes, label, note)
}

// fillPlaced fills the report for the union of area codes, none inside another.
func (pb *publication) fillPlaced(rep *Report, codes []string, label, note string) (*Report, error) {
	pl := pb.places
	var sets []rowSet
	v := &vec{}
	for _, c := range codes {
		sets = append(sets, pb.group(AreaGroup(c)))
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
	rep.Note = note
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
		sets = append(sets, pb.group(MonthGroup(m)))
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
