package results

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

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
	var codes []string
	if rep.Area != nil {
		codes = rep.Area.Codes
	}
	pb.fillMeasures(rep, rs, v, codes)
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
	var nations, regions []string
	for n := range pl.Nations {
		nations = append(nations, n)
	}
	for r := range pl.regions {
		regions = append(regions, r)
	}
	sort.Strings(nations)
	sort.Strings(regions)
	for _, c := range append(nations, regions...) {
		add(c)
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
