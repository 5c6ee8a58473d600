package results

import (
	"sync"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Places is the geography results roll up through: councils, their regions, England,
// and the constituencies made of councils.
type Places struct {
	// Councils lists every council with its region.
	Councils []chorus.Area
	// CountryCode and CountryName name the top of the roll-up (England).
	CountryCode, CountryName string
	// Nations names the other countries, by code: councils whose RegionCode is one of them
	// roll up to it directly (Wales has no regions), not to CountryCode.
	Nations map[string]string
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
			if _, nation := pl.Nations[a.RegionCode]; !nation {
				pl.regions[a.RegionCode] = a.RegionName
			}
			pl.members[a.RegionCode] = append(pl.members[a.RegionCode], a.Code)
		}
	})
}

// all is the code of the root of the area and period hierarchies: every response.
const all = "*"

// noArea is the pseudo-area of responses that give no council.
const noArea = "-"

// parent returns an area's parent for disclosure.RollUp: council → region → England →
// every response, or council → Wales (a nation) → every response; responses with no area
// hang from the root directly.
func (pl *Places) parent(code string) (string, string) {
	_, nation := pl.Nations[code]
	switch {
	case code == all:
		return "", ""
	case code == noArea || code == pl.CountryCode || nation:
		return all, "all"
	}
	if a, ok := pl.council[code]; ok {
		if _, ok := pl.Nations[a.RegionCode]; ok {
			return a.RegionCode, "country"
		}
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
	if n, ok := pl.Nations[code]; ok {
		return n
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
	if _, ok := pl.Nations[code]; ok {
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
