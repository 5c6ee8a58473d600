// Package geo loads the geography that Chorus reports by: the 153 upper-tier councils of
// England (the authorities responsible for children's services) and the 22 principal areas
// of Wales, England's 9 regions, the 543 English and 32 Welsh Westminster constituencies
// (July 2024) and the councils each constituency overlaps.
//
// The data are shipped in the binary (surveys.Geo); see surveys/geo/SOURCES.md for where they
// came from, which year's codes they use, and the licence. Every page that shows figures by area
// should show Attribution.
//
// Results roll up council → region → England in England, and council → Wales in Wales
// (Wales has no English-style regions); Parent gives that chain, Country the top of it.
package geo

import (
	"cmp"
	"slices"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
)

// The countries' codes and names: the tops of the roll-up chains.
const (
	EnglandCode = "E92000001"
	EnglandName = "England"
	WalesCode   = "W92000004"
	WalesName   = "Wales"
)

// Country is England or Wales with the codes of its councils, sorted by council name.
type Country struct {
	Code     string
	Name     string
	Councils []string
}

// Levels of the geography, as returned by Level and Parent.
const (
	LevelCouncil      = "council"
	LevelRegion       = "region"
	LevelCountry      = "country"
	LevelConstituency = "constituency"
)

// Region is an English region with the codes of its councils, sorted by council name.
type Region struct {
	Code     string
	Name     string
	Councils []string
}

// Constituency is a Westminster constituency (July 2024 boundaries) with the codes of the
// upper-tier councils it overlaps, sorted by council name and without duplicates.
//
// Overlap means at least one ward, or part of a split ward, of the council lies in the
// constituency; it says nothing about how much (see SOURCES.md, "A pair means overlap").
type Constituency struct {
	Code     string
	Name     string
	Councils []string
}

// Geography is the loaded geography. It is read-only after Load and safe for concurrent use;
// every method returns copies, so callers may change what they get back.
type Geography struct {
	areas          []chorus.Area // sorted by name
	areaIndex      map[string]int
	regions        []Region // sorted by code (the ONS order: North East first)
	regionIndex    map[string]int
	constituencies []Constituency // sorted by name
	constIndex     map[string]int
	districts      map[string]string // local authority district code → council code
	attribution    string
}

// Areas returns the councils of England and Wales sorted by name.
func (g *Geography) Areas() []chorus.Area { return slices.Clone(g.areas) }

// Area returns the council with that code, and false if there is none.
func (g *Geography) Area(code string) (chorus.Area, bool) {
	i, ok := g.areaIndex[code]
	if !ok {
		return chorus.Area{}, false
	}
	return g.areas[i], true
}

// Countries returns England and Wales, in that order.
func (g *Geography) Countries() []Country {
	out := []Country{{Code: EnglandCode, Name: EnglandName}, {Code: WalesCode, Name: WalesName}}
	for _, a := range g.areas {
		i := 0
		if a.RegionCode == WalesCode {
			i = 1
		}
		out[i].Councils = append(out[i].Councils, a.Code)
	}
	return out
}

// Country returns the code of the country a council, region, constituency or country is
// in (EnglandCode or WalesCode), and "" if the code is unknown.
func (g *Geography) Country(code string) string {
	switch g.Level(code) {
	case LevelCountry:
		return code
	case LevelRegion:
		return EnglandCode
	case LevelCouncil:
		if a, _ := g.Area(code); a.RegionCode == WalesCode {
			return WalesCode
		}
		return EnglandCode
	case LevelConstituency:
		if strings.HasPrefix(code, "W") {
			return WalesCode
		}
		return EnglandCode
	}
	return ""
}

// Regions returns England's regions in ONS order (by code: North East first, South West
// last). Wales has none: its councils' RegionCode is WalesCode.
func (g *Geography) Regions() []Region {
	out := make([]Region, len(g.regions))
	for i, r := range g.regions {
		out[i] = cloneRegion(r)
	}
	return out
}

// Region returns the region with that code, and false if there is none.
func (g *Geography) Region(code string) (Region, bool) {
	i, ok := g.regionIndex[code]
	if !ok {
		return Region{}, false
	}
	return cloneRegion(g.regions[i]), true
}

// Constituencies returns the constituencies sorted by name.
func (g *Geography) Constituencies() []Constituency {
	out := make([]Constituency, len(g.constituencies))
	for i, c := range g.constituencies {
		out[i] = cloneConstituency(c)
	}
	return out
}

// Constituency returns the constituency with that code, and false if there is none.
func (g *Geography) Constituency(code string) (Constituency, bool) {
	i, ok := g.constIndex[code]
	if !ok {
		return Constituency{}, false
	}
	return cloneConstituency(g.constituencies[i]), true
}

// CouncilOfDistrict returns the code of the upper-tier council that a local authority
// district (E06, E07, E08 or E09 code) belongs to, and false if the district is unknown.
// Data keyed by district, such as some older publications, can be mapped to councils with it.
func (g *Geography) CouncilOfDistrict(code string) (string, bool) {
	c, ok := g.districts[code]
	return c, ok
}

// Level returns the level of a code: LevelCouncil, LevelRegion, LevelCountry,
// LevelConstituency, or "" if the code is unknown.
func (g *Geography) Level(code string) string {
	switch {
	case code == EnglandCode || code == WalesCode:
		return LevelCountry
	case g.has(g.regionIndex, code):
		return LevelRegion
	case g.has(g.areaIndex, code):
		return LevelCouncil
	case g.has(g.constIndex, code):
		return LevelConstituency
	}
	return ""
}

// Name returns the name of a council, region, constituency or country, and "" if the code
// is unknown.
func (g *Geography) Name(code string) string {
	switch code {
	case EnglandCode:
		return EnglandName
	case WalesCode:
		return WalesName
	}
	if i, ok := g.areaIndex[code]; ok {
		return g.areas[i].Name
	}
	if i, ok := g.regionIndex[code]; ok {
		return g.regions[i].Name
	}
	if i, ok := g.constIndex[code]; ok {
		return g.constituencies[i].Name
	}
	return ""
}

// Parent returns the code and level of the area that results roll up to:
// an English council's region (LevelRegion), a region's country (EnglandCode,
// LevelCountry), a Welsh council's country (WalesCode, LevelCountry).
// It returns "", "" for the countries, for constituencies (which may span several councils and
// regions; roll them up through Constituency.Councils) and for unknown codes.
//
// Its signature matches the parent function that disclosure.RollUp takes.
func (g *Geography) Parent(code string) (parent, level string) {
	if i, ok := g.areaIndex[code]; ok {
		if g.areas[i].RegionCode == WalesCode {
			return WalesCode, LevelCountry
		}
		return g.areas[i].RegionCode, LevelRegion
	}
	if g.has(g.regionIndex, code) {
		return EnglandCode, LevelCountry
	}
	return "", ""
}

// Attribution returns the licence and attribution text that must accompany the geography
// wherever figures by area are shown, taken from SOURCES.md, for example
// "Source: Office for National Statistics licensed under the Open Government Licence v.3.0.
// Contains OS data © Crown copyright and database right 2025."
func (g *Geography) Attribution() string { return g.attribution }

func (g *Geography) has(index map[string]int, code string) bool {
	_, ok := index[code]
	return ok
}

func cloneRegion(r Region) Region {
	r.Councils = slices.Clone(r.Councils)
	return r
}

func cloneConstituency(c Constituency) Constituency {
	c.Councils = slices.Clone(c.Councils)
	return c
}

// sortCodesByName sorts council codes by the councils' names, then by code.
func (g *Geography) sortCodesByName(codes []string) {
	slices.SortFunc(codes, func(a, b string) int {
		return cmp.Or(cmp.Compare(g.Name(a), g.Name(b)), cmp.Compare(a, b))
	})
}
