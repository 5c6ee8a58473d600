package results

import (
	"slices"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

// MeasureReport is one headline measure for the group a report describes: the share of
// young people who answered with the points the measure counts, with its base, and the
// same measure for the area's region and for England. Shares follow the survey's share
// policy (disclosure.SharePolicy).
type MeasureReport struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Young string `json:"young,omitempty"`
	// Question and Item say what was asked (Item is a grid row).
	Question string `json:"question"`
	Item     string `json:"item,omitempty"`
	// Share and Base are the figure shown. Where the area's own base is too small (or its
	// share would give away a hidden count), they are its region's, and Of says so.
	Share disclosure.Share `json:"share"`
	Base  disclosure.Value `json:"base"`
	// Of names the area the figure is for; it differs from the report's area when the
	// region's figure stands in for a council's.
	Of *MeasureArea `json:"of,omitempty"`
	// Region and England are the same measure for the area's region and for England,
	// from the same snapshot (area reports only).
	Region  *MeasureFigure `json:"region,omitempty"`
	England *MeasureFigure `json:"england,omitempty"`
	// VersusEngland is "higher", "lower" or "similar": the figure shown against the rest
	// of England, by a two-sided two-proportion z-test at the 5% level (see
	// disclosure.Compare). Empty when either share is hidden.
	VersusEngland string `json:"versus_england,omitempty"`
}

// MeasureArea names an area.
type MeasureArea struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level string `json:"level"`
}

// MeasureFigure is a measure for another area.
type MeasureFigure struct {
	MeasureArea
	Share disclosure.Share `json:"share"`
	Base  disclosure.Value `json:"base"`
}

// measureValue is a measure worked out for one group: the share and base as shown and
// the exact counts behind them, which stay in the package.
type measureValue struct {
	share    disclosure.Share
	base     disclosure.Value
	in, of   int64
	hasValue bool
}

// measureLine returns the line a measure reads.
func (pb *publication) measureLine(m *chorus.Measure) *line {
	id := "q:" + m.Question
	if m.Item != "" {
		id += ":" + m.Item
	}
	for _, l := range pb.lines {
		if l.id == id {
			return l
		}
	}
	return nil
}

// measure works out a measure for a group from its counts v and its published rows rs.
// The share is worked out from the exact counts and shown under the share policy. A
// rounded share narrows down how many chose the points counted to a window of
// RoundTo% of the base; where that window holds fewer than k young people, the share is
// hidden if, with the counts shown in the same row, it would narrow down a hidden count:
// where exactly one count on either side (the points counted, or the other answers) is
// hidden, or the hidden counts on a side add up to between 1 and k−1. The base is shown
// only where the row shows how many answered.
func (pb *publication) measure(m *chorus.Measure, v *vec, rs rowSet) measureValue {
	l := pb.measureLine(m)
	if l == nil || rs == nil || rs[l] == nil || l.kind != lineSingle || l.noNone {
		return measureValue{}
	}
	r := rs[l]
	k := int64(pb.p.K())
	var in, of int64
	var hid [2]int
	var hidSum [2]int64
	for i, id := range l.ids {
		x := r.vals[i]
		side := 1
		if slices.Contains(m.Count, id) {
			side = 0
			in += x
		}
		of += x
		if !r.shown[i] {
			hid[side]++
			hidSum[side] += x
		}
	}
	out := measureValue{in: in, of: of, hasValue: true}
	sp := pb.sharePolicy()
	share := sp.Share(int(in), int(of), int(k))
	if _, figure := share.Figure(); figure && of*int64(sp.RoundTo) < 100*k {
		for side := range 2 {
			if hid[side] == 1 || hid[side] > 1 && hidSum[side] > 0 && hidSum[side] < k {
				return out
			}
		}
	}
	out.share = share
	all := !slices.Contains(r.shown[:len(r.shown)-1], false)
	if share.Shown() && (r.ansShown && r.total || all) {
		out.base = pb.p.Count(int(of))
	}
	return out
}

// sharePolicy is the survey's share policy with its defaults.
func (pb *publication) sharePolicy() disclosure.SharePolicy {
	sp := pb.s.SharePolicy
	return disclosure.SharePolicy{MinBase: sp.MinBase, RoundTo: sp.RoundTo, Extremes: sp.Extremes}.For(pb.p.K())
}

// fillMeasures adds the survey's measures for a group. For an area report, area is the
// area shown (a council, region, England, or several councils: a constituency) and each
// measure also gets its region's and England's figure; where the area's own share cannot
// be shown, its region's stands in, labelled as the region's.
func (pb *publication) fillMeasures(rep *Report, rs rowSet, v *vec, codes []string) {
	if len(pb.s.Measures) == 0 {
		return
	}
	pl := pb.places
	country := pl.CountryCode
	var region string // the one region of every area shown, if they share one
	areaLevel := len(codes) > 0
	for _, c := range codes {
		r := c
		if a, ok := pl.council[c]; ok {
			r = a.RegionCode
		} else if _, ok := pl.regions[c]; !ok {
			r = ""
		}
		if region != "" && r != region {
			region = ""
			break
		}
		region = r
	}
	ownIsRegion := len(codes) == 1 && codes[0] == region
	var regionRows, countryRows rowSet
	var regionVec, countryVec *vec
	if areaLevel {
		countryRows, countryVec = pb.group("area:"+country), pb.areaVec(country)
		if region != "" && !ownIsRegion {
			regionRows, regionVec = pb.group("area:"+region), pb.areaVec(region)
		}
	}
	own := &MeasureArea{Name: "", Level: rep.Level}
	if len(codes) == 1 {
		own.Code, own.Name = codes[0], pl.name(codes[0])
	} else if rep.Area != nil {
		own.Name = rep.Area.Asked
	}
	for _, m := range pb.s.Measures {
		mr := MeasureReport{ID: m.ID, Label: m.Label.In(""), Young: m.Young.In(""), Question: m.Question, Item: m.Item}
		mv := pb.measure(m, v, rs)
		mr.Share, mr.Base = mv.share, mv.base
		if areaLevel {
			mr.Of = own
			var rv measureValue
			if regionRows != nil {
				rv = pb.measure(m, regionVec, regionRows)
				mr.Region = &MeasureFigure{MeasureArea: MeasureArea{Code: region, Name: pl.name(region), Level: "region"}, Share: rv.share, Base: rv.base}
			}
			if !mv.share.Shown() && rv.share.Shown() {
				mr.Share, mr.Base, mr.Of = rv.share, rv.base, &mr.Region.MeasureArea
				mv = rv
			}
			if codes[0] != country {
				ev := pb.measure(m, countryVec, countryRows)
				mr.England = &MeasureFigure{MeasureArea: MeasureArea{Code: country, Name: pl.name(country), Level: "country"}, Share: ev.share, Base: ev.base}
				if mv.share.Shown() && ev.share.Shown() {
					mr.VersusEngland = disclosure.Compare(int(mv.in), int(mv.of), int(ev.in-mv.in), int(ev.of-mv.of))
				}
			}
		}
		rep.Measures = append(rep.Measures, mr)
	}
}
