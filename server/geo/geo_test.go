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
	if got, want := len(g.Areas()), 153; got != want {
		t.Errorf("councils: got %d, want %d", got, want)
	}
	if got, want := len(g.Regions()), 9; got != want {
		t.Errorf("regions: got %d, want %d", got, want)
	}
	if got, want := len(g.Constituencies()), 543; got != want {
		t.Errorf("constituencies: got %d, want %d", got, want)
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

	// Councils per constituency, from SOURCES.md: 430 have 1, 109 have 2, 4 have 3.
	perSeat := map[int]int{}
	for _, c := range g.Constituencies() {
		perSeat[len(c.Councils)]++
	}
	if want := map[int]int{1: 430, 2: 109, 3: 4}; !maps.Equal(perSeat, want) {
		t.Errorf("councils per constituency: got %v, want %v", perSeat, want)
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
			{"W06000001", "", ""},
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

	// Every council's parent is its own region, and every region's parent is England.
	for _, a := range g.Areas() {
		if p, l := g.Parent(a.Code); p != a.RegionCode || l != geo.LevelRegion {
			t.Errorf("Parent(%s): got %s %s, want %s region", a.Code, p, l, a.RegionCode)
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
