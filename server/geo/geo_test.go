package geo_test

import (
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/surveys"
)

var (
	loadOnce sync.Once
	loaded   *geo.Geography
	loadErr  error
)

func mustLoad(t testing.TB) *geo.Geography {
	t.Helper()
	loadOnce.Do(func() { loaded, loadErr = geo.Load() })
	if loadErr != nil {
		t.Fatalf("Load: %v", loadErr)
	}
	return loaded
}

func TestLoadCounts(t *testing.T) {
	g := mustLoad(t)
	if got, want := len(g.Areas()), 153+22; got != want {
		t.Errorf("councils: got %d, want %d (England's 153 and Wales's 22)", got, want)
	}
	if got, want := len(g.Regions()), 9; got != want {
		t.Errorf("regions: got %d, want %d", got, want)
	}
	if got, want := len(g.Constituencies()), 543+32; got != want {
		t.Errorf("constituencies: got %d, want %d (England's 543 and Wales's 32)", got, want)
	}
	countries := g.Countries()
	if len(countries) != 2 || countries[0].Code != geo.EnglandCode || len(countries[0].Councils) != 153 ||
		countries[1].Code != geo.WalesCode || countries[1].Name != "Wales" || len(countries[1].Councils) != 22 {
		t.Errorf("Countries: got %+v", countries)
	}

	// Councils per region, from SOURCES.md.
	perRegion := map[string]int{
		"North East": 12, "North West": 24, "Yorkshire and The Humber": 15, "East Midlands": 10,
		"West Midlands": 14, "East of England": 11, "London": 33, "South East": 19, "South West": 15,
	}
	for _, r := range g.Regions() {
		if got, want := len(r.Councils), perRegion[r.Name]; got != want {
			t.Errorf("region %s %s: got %d councils, want %d", r.Code, r.Name, got, want)
		}
	}

	// Councils per constituency, from SOURCES.md: 430 have 1, 109 have 2, 4 have 3; and
	// from SOURCES-wales.md: 16 have 1, 14 have 2, 2 have 3.
	perSeat := map[string]map[int]int{geo.EnglandCode: {}, geo.WalesCode: {}}
	for _, c := range g.Constituencies() {
		perSeat[g.Country(c.Code)][len(c.Councils)]++
	}
	if want := map[int]int{1: 430, 2: 109, 3: 4}; !maps.Equal(perSeat[geo.EnglandCode], want) {
		t.Errorf("councils per English constituency: got %v, want %v", perSeat[geo.EnglandCode], want)
	}
	if want := map[int]int{1: 16, 2: 14, 3: 2}; !maps.Equal(perSeat[geo.WalesCode], want) {
		t.Errorf("councils per Welsh constituency: got %v, want %v", perSeat[geo.WalesCode], want)
	}
}

func TestSorted(t *testing.T) {
	g := mustLoad(t)
	areas := g.Areas()
	if !slices.IsSortedFunc(areas, func(a, b chorus.Area) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Areas are not sorted by name")
	}
	if got, want := areas[0].Name, "Barking and Dagenham"; got != want {
		t.Errorf("first council: got %q, want %q", got, want)
	}
	regions := g.Regions()
	if got, want := regions[0].Name, "North East"; got != want {
		t.Errorf("first region: got %q, want %q", got, want)
	}
	seats := g.Constituencies()
	if !slices.IsSortedFunc(seats, func(a, b geo.Constituency) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Constituencies are not sorted by name")
	}
}

func TestLookups(t *testing.T) {
	g := mustLoad(t)

	t.Run("Area", func(t *testing.T) {
		tests := []chorus.Area{
			{Code: "E06000001", Name: "Hartlepool", RegionCode: "E12000001", RegionName: "North East"},
			{Code: "E08000039", Name: "Sheffield", RegionCode: "E12000003", RegionName: "Yorkshire and The Humber"},
			{Code: "E06000053", Name: "Isles of Scilly", RegionCode: "E12000009", RegionName: "South West"},
			{Code: "E09000001", Name: "City of London", RegionCode: "E12000007", RegionName: "London"},
			{Code: "E10000014", Name: "Hampshire", RegionCode: "E12000008", RegionName: "South East"},
			{Code: "W06000001", Name: "Isle of Anglesey", NameWelsh: "Ynys Môn", RegionCode: geo.WalesCode, RegionName: "Wales"},
			{Code: "W06000015", Name: "Cardiff", NameWelsh: "Caerdydd", RegionCode: geo.WalesCode, RegionName: "Wales"},
		}
		for _, want := range tests {
			got, ok := g.Area(want.Code)
			if !ok || got != want {
				t.Errorf("Area(%s): got %+v, %v, want %+v", want.Code, got, ok, want)
			}
		}
		// Sheffield's 2024 code was replaced in 2025.
		if _, ok := g.Area("E08000019"); ok {
			t.Error("Area(E08000019) found, want the old Sheffield code to be unknown")
		}
		// A district is not an upper-tier council.
		if _, ok := g.Area("E07000089"); ok {
			t.Error("Area(E07000089 Hart) found, want districts not to be councils")
		}
	})

	t.Run("Region", func(t *testing.T) {
		r, ok := g.Region("E12000007")
		if !ok || r.Name != "London" || len(r.Councils) != 33 {
			t.Fatalf("Region(E12000007): got %s %q with %d councils, %v", r.Code, r.Name, len(r.Councils), ok)
		}
		if !slices.Contains(r.Councils, "E09000001") {
			t.Error("London does not list the City of London")
		}
		if _, ok := g.Region("E12000010"); ok {
			t.Error("Region(E12000010) found, want not found")
		}
	})

	t.Run("Constituency", func(t *testing.T) {
		tests := []struct {
			code, name string
			councils   []string
		}{
			// Two districts (Hart, Rushmoor), one council: deduplicated.
			{"E14001063", "Aldershot", []string{"E10000014"}},
			// The Mansfield correction in SOURCES.md: Ashfield, not Bolsover, overlaps Mansfield.
			{"E14001068", "Ashfield", []string{"E10000024"}},
			{"E14001109", "Bolsover", []string{"E10000007"}},
			// Three councils, sorted by name: Leicestershire, Lincolnshire, Rutland.
			{"E14001458", "Rutland and Stamford", []string{"E10000018", "E10000019", "E06000017"}},
			// ONS spelling with a capital "The".
			{"E14001127", "Bridlington and The Wolds", []string{"E06000011"}},
			// Welsh seats: Bangor Aberconwy overlaps Conwy, Denbighshire and Gwynedd.
			{"W07000083", "Bangor Aberconwy", []string{"W06000003", "W06000004", "W06000002"}},
		}
		for _, tt := range tests {
			c, ok := g.Constituency(tt.code)
			if !ok || c.Name != tt.name || !slices.Equal(c.Councils, tt.councils) {
				t.Errorf("Constituency(%s): got %q %v, %v, want %q %v", tt.code, c.Name, c.Councils, ok, tt.name, tt.councils)
			}
		}
	})

	t.Run("CouncilOfDistrict", func(t *testing.T) {
		if got, ok := g.CouncilOfDistrict("E07000174"); !ok || got != "E10000024" {
			t.Errorf("CouncilOfDistrict(Mansfield): got %q, %v, want E10000024", got, ok)
		}
		if got, ok := g.CouncilOfDistrict("E09000012"); !ok || got != "E09000012" {
			t.Errorf("CouncilOfDistrict(Hackney): got %q, %v, want itself", got, ok)
		}
	})

	t.Run("NameAndLevel", func(t *testing.T) {
		tests := []struct{ code, name, level string }{
			{"E06000001", "Hartlepool", geo.LevelCouncil},
			{"E12000001", "North East", geo.LevelRegion},
			{"E92000001", "England", geo.LevelCountry},
			{"E14001063", "Aldershot", geo.LevelConstituency},
			{"W06000001", "Isle of Anglesey", geo.LevelCouncil},
			{"W92000004", "Wales", geo.LevelCountry},
			{"W07000083", "Bangor Aberconwy", geo.LevelConstituency},
			{"W06000099", "", ""},
			{"", "", ""},
		}
		for _, tt := range tests {
			if got := g.Name(tt.code); got != tt.name {
				t.Errorf("Name(%q): got %q, want %q", tt.code, got, tt.name)
			}
			if got := g.Level(tt.code); got != tt.level {
				t.Errorf("Level(%q): got %q, want %q", tt.code, got, tt.level)
			}
		}
	})
}

func TestParentChain(t *testing.T) {
	g := mustLoad(t)
	tests := []struct {
		name  string
		start string
		chain []string // code, level, code, level ...
	}{
		{"Council", "E06000001", []string{"E12000001", geo.LevelRegion, geo.EnglandCode, geo.LevelCountry}},
		{"LondonBorough", "E09000001", []string{"E12000007", geo.LevelRegion, geo.EnglandCode, geo.LevelCountry}},
		{"Region", "E12000009", []string{geo.EnglandCode, geo.LevelCountry}},
		{"England", geo.EnglandCode, nil},
		{"WelshCouncil", "W06000015", []string{geo.WalesCode, geo.LevelCountry}},
		{"Wales", geo.WalesCode, nil},
		{"WelshConstituency", "W07000083", nil},
		{"Constituency", "E14001063", nil},
		{"Unknown", "nope", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for code := tt.start; ; {
				parent, level := g.Parent(code)
				if parent == "" {
					if level != "" {
						t.Fatalf("Parent(%s): empty code with level %q", code, level)
					}
					break
				}
				got = append(got, parent, level)
				code = parent
				if len(got) > 10 {
					t.Fatal("Parent chain does not end")
				}
			}
			if !slices.Equal(got, tt.chain) {
				t.Errorf("chain from %s: got %v, want %v", tt.start, got, tt.chain)
			}
		})
	}

	// Every English council's parent is its own region, and every Welsh council's is Wales;
	// Country gives the top of each chain.
	for _, a := range g.Areas() {
		want := geo.LevelRegion
		if a.RegionCode == geo.WalesCode {
			want = geo.LevelCountry
		}
		if p, l := g.Parent(a.Code); p != a.RegionCode || l != want {
			t.Errorf("Parent(%s): got %s %s, want %s %s", a.Code, p, l, a.RegionCode, want)
		}
		if c := g.Country(a.Code); c != geo.EnglandCode && c != geo.WalesCode || (c == geo.WalesCode) != strings.HasPrefix(a.Code, "W") {
			t.Errorf("Country(%s) = %q", a.Code, c)
		}
	}
	for code, want := range map[string]string{"E12000001": geo.EnglandCode, "E14001063": geo.EnglandCode, "W07000083": geo.WalesCode, geo.WalesCode: geo.WalesCode, "nope": ""} {
		if got := g.Country(code); got != want {
			t.Errorf("Country(%s) = %q, want %q", code, got, want)
		}
	}
}

func TestCopies(t *testing.T) {
	g := mustLoad(t)
	r, _ := g.Region("E12000001")
	r.Councils[0] = "changed"
	if r2, _ := g.Region("E12000001"); r2.Councils[0] == "changed" {
		t.Error("Region returned a slice shared with the Geography")
	}
	areas := g.Areas()
	areas[0].Name = "changed"
	if g.Areas()[0].Name == "changed" {
		t.Error("Areas returned a slice shared with the Geography")
	}
}

func TestAttribution(t *testing.T) {
	g := mustLoad(t)
	want := "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. " +
		"Contains OS data © Crown copyright and database right 2025."
	if got := g.Attribution(); got != want {
		t.Errorf("Attribution:\n got %q\nwant %q", got, want)
	}
}

// brokenFS returns the shipped files with one file's text changed by edit.
func brokenFS(t *testing.T, name string, edit func(string) string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	for _, f := range []string{
		"geo/upper_tier_local_authorities.csv", "geo/constituency_to_local_authority.csv",
		"geo/local_authority_district_to_upper_tier.csv", "geo/SOURCES.md",
		"geo/wales_upper_tier_local_authorities.csv", "geo/wales_constituency_to_local_authority.csv",
		"geo/wales_local_authority_welsh_names.csv",
	} {
		data, err := fs.ReadFile(surveys.Geo, f)
		if err != nil {
			t.Fatal(err)
		}
		if f == name {
			data = []byte(edit(string(data)))
		}
		m[f] = &fstest.MapFile{Data: data}
	}
	return m
}

func TestLoadErrors(t *testing.T) {
	const (
		councils = "geo/upper_tier_local_authorities.csv"
		seats    = "geo/constituency_to_local_authority.csv"
		dists    = "geo/local_authority_district_to_upper_tier.csv"
		sources  = "geo/SOURCES.md"
		wales    = "geo/wales_upper_tier_local_authorities.csv"
		wseats   = "geo/wales_constituency_to_local_authority.csv"
		wnames   = "geo/wales_local_authority_welsh_names.csv"
	)
	replace := func(old, new string) func(string) string {
		return func(s string) string {
			if !strings.Contains(s, old) {
				t.Fatalf("test data has no %q", old)
			}
			return strings.Replace(s, old, new, 1)
		}
	}
	tests := []struct {
		name string
		file string
		edit func(string) string
		want string // substring of the error
	}{
		{"OK", councils, func(s string) string { return s }, ""},
		{"ErrHeader", councils, replace("region_name", "region"), councils + ":1: header"},
		{"ErrCouncilCode", councils, replace("E06000002,Middlesbrough", "X06000002,Middlesbrough"), councils + ":3: council code \"X06000002\""},
		{"ErrRegionCode", councils, replace("E06000002,Middlesbrough,E12000001", "E06000002,Middlesbrough,E13000001"), councils + ":3: region code"},
		{"ErrDuplicate", councils, replace("E06000002,Middlesbrough", "E06000001,Middlesbrough"), councils + ":3: council E06000001 appears twice"},
		{"ErrRegionName", councils, replace("Middlesbrough,E12000001,North East", "Middlesbrough,E12000001,North-East"), councils + ":3: region E12000001 is named"},
		{"ErrColumns", councils, replace("Middlesbrough,E12000001,North East", "Middlesbrough,E12000001"), councils + ":3: wrong number of fields"},
		{"ErrEmptyField", councils, replace("Middlesbrough,E12000001", ",E12000001"), councils + ":3: column name is empty"},
		{"ErrQuote", councils, replace("Middlesbrough", "Middles\"brough"), councils + ":3:"},
		{"ErrEmpty", councils, func(string) string { return "" }, councils + ": empty file"},
		{"ErrDistrictCouncil", dists, replace("E06000002,Middlesbrough,E06000002,Middlesbrough", "E06000002,Middlesbrough,E06000099,Middlesbrough"), dists + ":3: council E06000099 is not in"},
		{"ErrDistrictRegion", dists, replace("Middlesbrough,E06000002,Middlesbrough,E12000001", "Middlesbrough,E06000002,Middlesbrough,E12000002"), dists + ":3: district E06000002 is in region E12000002"},
		{"ErrSeatCode", seats, replace("E14001063,Aldershot,E07000089", "E15001063,Aldershot,E07000089"), seats + ":2: constituency code"},
		{"ErrSeatName", seats, replace("E14001063,Aldershot,E07000092", "E14001063,Aldershot Town,E07000092"), seats + ":3: constituency E14001063 is named"},
		{"ErrSeatDistrict", seats, replace("E14001063,Aldershot,E07000089,Hart,E10000014", "E14001063,Aldershot,E07000089,Hart,E10000015"), seats + ":2: district E07000089 belongs to council E10000014"},
		{"ErrSeatPair", seats, replace("E14001063,Aldershot,E07000092,Rushmoor", "E14001063,Aldershot,E07000089,Hart"), seats + ":3: constituency E14001063 and district E07000089 are paired again (first on line 2)"},
		{"ErrWalesRegion", wales, replace("W06000002,Gwynedd,W92000004", "W06000002,Gwynedd,E12000001"), wales + ":3: region is E12000001"},
		{"ErrWalesCode", wales, replace("W06000002,Gwynedd", "E06000099,Gwynedd"), wales + `:3: council code "E06000099" is not a W06 GSS code`},
		{"ErrWalesSameName", wales, replace("W06000002,Gwynedd", "W06000002,Hartlepool"), wales + `:3: council name "Hartlepool" is also used at ` + councils},
		{"ErrWelshName", wnames, replace("W06000004,Denbighshire,", "W06000004,Denbigh,"), wnames + ":5: council W06000004 is named"},
		{"ErrWelshSeatInEngland", wseats, replace("W07000082,Alyn and Deeside,W06000005,Flintshire,W06000005,Flintshire", "W07000082,Alyn and Deeside,E06000001,Hartlepool,E06000001,Hartlepool"), wseats + ":4: council E06000001 is not in this file's country"},
		{"OneAttributionLine", sources, replace("> Source:", "Source:"), ""},
		{"ErrNoAttributionAtAll", sources, func(s string) string { return strings.ReplaceAll(s, "\n> ", "\n") }, sources + ": no quoted attribution"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := geo.LoadFS(brokenFS(t, tt.file, tt.edit))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("LoadFS: %v, want no error", err)
			case tt.want != "" && err == nil:
				t.Fatalf("LoadFS: no error, want %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("LoadFS:\n got %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestChildrenLookedAfter(t *testing.T) {
	l, err := geo.ChildrenLookedAfter()
	if err != nil {
		t.Fatal(err)
	}
	g, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, a := range g.Areas() {
		if n, ok := l.Children(a.Code); ok {
			total += n
		}
	}
	// DfE's national figure for 31 March 2025 is 81,770 (rounded to 10); the councils'
	// figures add up to 81,766 without the City of London's.
	if l.Year != 2025 || total != 81766 || len(l.ByCode) != 151 {
		t.Errorf("year %d, %d councils, %d children; want 2025, 151, 81766", l.Year, len(l.ByCode), total)
	}
}
