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
	// Release is the id of the release the figure comes from when that is earlier than
	// its table's (the area's figures are kept: see Releases in the package doc).
	Release string `json:"release,omitempty"`
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
// share, with the counts shown in the same row, narrows down the hidden counts on each
// side of it (among the points counted, and among the other answers); it is hidden
// where it would narrow either side's hidden total to fewer than k possible values (see
// exposes). The base is shown only where the row shows how many answered.
func (pb *publication) measure(m *chorus.Measure, v *vec, rs rowSet) measureValue {
	l := pb.measureLine(m)
	if l == nil || rs == nil || rs[l] == nil || l.kind != lineSingle || l.noNone {
		return measureValue{}
	}
	r := rs[l]
	k := int64(pb.p.K())
	var in, of int64
	var sd sides
	for i, id := range l.ids {
		x := r.vals[i]
		side := 1
		if slices.Contains(m.Count, id) {
			side = 0
			in += x
		}
		of += x
		if r.shown[i] {
			sd.shown[side] += x
		} else {
			sd.hidden[side]++
		}
	}
	out := measureValue{in: in, of: of, hasValue: true}
	sp := pb.sharePolicy()
	share := sp.Share(int(in), int(of), int(k))
	all := !slices.Contains(r.shown[:len(r.shown)-1], false)
	ofKnown := r.ansShown && r.total || all
	if sd.exposes(sp, share, int(of), ofKnown, int(v.n), int(k)) {
		return out
	}
	out.share = share
	if share.Shown() && ofKnown {
		out.base = pb.p.Count(int(of))
	}
	return out
}

// sides is what a row shows on each side of a measure (0: the points counted; 1: the
// other answers): the total of the counts shown and how many counts are hidden.
type sides struct {
	shown  [2]int64
	hidden [2]int
}

// exposes reports whether showing share would let a reader narrow down the hidden
// counts of either side to fewer than k possible totals, where they could not already
// from the row. The reader is taken to know every shown count exactly (as facilitators
// do), the number who answered when ofKnown, and that nobody beyond the group's n young
// people answered. Coded extremes ("fewer than 10%") only bound a side, as suppression
// allows. Where the share's own rounding step spans k young people or more, nothing is
// narrowed that far.
func (sd sides) exposes(sp disclosure.SharePolicy, share disclosure.Share, of int, ofKnown bool, n, k int) bool {
	f, figure := share.Figure()
	if !figure || sd.hidden[0]+sd.hidden[1] == 0 || of*sp.RoundTo >= 100*k {
		return false
	}
	// The possible hidden totals of each side with the share: every number counted
	// and number answering that give the same share.
	lo, hi := [2]int{n + 1, n + 1}, [2]int{-1, -1}
	sIn, sOut := int(sd.shown[0]), int(sd.shown[1])
	maxIn := sIn
	if sd.hidden[0] > 0 {
		maxIn = n
	}
	for in := sIn; in <= maxIn; in++ {
		// in·100/(f+step/2) < of ≤ in·100/(f−step/2), checked exactly with Share.
		ofLo, ofHi := in+sOut, n
		if ofKnown {
			ofLo, ofHi = of, of
		} else {
			ofLo = max(ofLo, in*200/(2*f+sp.RoundTo)-1)
			if d := 2*f - sp.RoundTo; d > 0 {
				ofHi = min(ofHi, in*200/d+1)
			}
		}
		for o := ofLo; o <= ofHi; o++ {
			hOut := o - in - sOut
			if hOut < 0 || (sd.hidden[1] == 0 && hOut != 0) || sp.Share(in, o, k) != share {
				continue
			}
			hIn := in - sIn
			lo[0], hi[0] = min(lo[0], hIn), max(hi[0], hIn)
			lo[1], hi[1] = min(lo[1], hOut), max(hi[1], hOut)
		}
	}
	// Without the share: what the row already tells. Knowing how many answered, the
	// hidden counts add up to the rest; a side whose counts are all shown fixes the
	// other. Otherwise each side can be anything up to the group's size.
	var without [2]int
	rest := n - sIn - sOut
	if ofKnown {
		rest = of - sIn - sOut
	}
	for side := range 2 {
		switch {
		case ofKnown && sd.hidden[1-side] == 0:
			without[side] = 1
		default:
			without[side] = rest + 1
		}
	}
	for side := range 2 {
		with := hi[side] - lo[side] + 1
		if sd.hidden[side] > 0 && hi[side] >= 0 && with < k && with < without[side] {
			return true
		}
	}
	return false
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
	// The one region (or nation: Wales) of every area shown, if they share one.
	var region string
	areaLevel := len(codes) > 0
	inNation := false
	for i, c := range codes {
		r := c
		if a, ok := pl.council[c]; ok {
			r = a.RegionCode
		} else if _, ok := pl.regions[c]; !ok {
			r = ""
		}
		if _, ok := pl.Nations[c]; ok {
			r, inNation = "", true
		}
		if _, ok := pl.Nations[r]; ok {
			inNation = true
		}
		if i > 0 && r != region {
			region = ""
			break
		}
		region = r
	}
	ownIsRegion := len(codes) == 1 && codes[0] == region
	regionLevel := "region"
	if _, ok := pl.Nations[region]; ok {
		regionLevel = "country"
	}
	var regionRows, countryRows rowSet
	var regionVec, countryVec *vec
	if areaLevel {
		countryRows, countryVec = pb.group(AreaGroup(country)), pb.areaVec(country)
		if region != "" && !ownIsRegion {
			regionRows, regionVec = pb.group(AreaGroup(region)), pb.areaVec(region)
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
				mr.Region = &MeasureFigure{MeasureArea: MeasureArea{Code: region, Name: pl.name(region), Level: regionLevel}, Share: rv.share, Base: rv.base}
			}
			if !mv.share.Shown() && rv.share.Shown() {
				mr.Share, mr.Base, mr.Of = rv.share, rv.base, &mr.Region.MeasureArea
				mv = rv
			}
			if codes[0] != country {
				ev := pb.measure(m, countryVec, countryRows)
				mr.England = &MeasureFigure{MeasureArea: MeasureArea{Code: country, Name: pl.name(country), Level: "country"}, Share: ev.share, Base: ev.base}
				if mv.share.Shown() && ev.share.Shown() {
					// An English area against the rest of England; a Welsh one against
					// the whole of England, which does not include it.
					in, of := ev.in-mv.in, ev.of-mv.of
					if inNation {
						in, of = ev.in, ev.of
					}
					mr.VersusEngland = disclosure.Compare(int(mv.in), int(mv.of), int(in), int(of))
				}
			}
		}
		rep.Measures = append(rep.Measures, mr)
	}
}
