package geo

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/surveys"
)

// Files read from the geography FS.
const (
	councilsFile            = "geo/upper_tier_local_authorities.csv"
	constituenciesFile      = "geo/constituency_to_local_authority.csv"
	districtsFile           = "geo/local_authority_district_to_upper_tier.csv"
	walesCouncilsFile       = "geo/wales_upper_tier_local_authorities.csv"
	walesConstituenciesFile = "geo/wales_constituency_to_local_authority.csv"
	walesNamesFile          = "geo/wales_local_authority_welsh_names.csv"
	sourcesFile             = "geo/SOURCES.md"
)

var (
	councilsHeader       = []string{"code", "name", "region_code", "region_name"}
	walesNamesHeader     = []string{"code", "name", "name_welsh"}
	constituenciesHeader = []string{"constituency_code", "constituency_name", "local_authority_code", "local_authority_name", "upper_tier_code", "upper_tier_name"}
	districtsHeader      = []string{"local_authority_code", "local_authority_name", "upper_tier_code", "upper_tier_name", "region_code", "region_name"}

	// GSS codes by entity: E06 unitary, E07 non-metropolitan district, E08 metropolitan
	// district, E09 London borough, E10 county, E12 region, E14 Westminster constituency;
	// W06 Welsh principal area, W07 Welsh Westminster constituency.
	councilCode           = regexp.MustCompile(`^E(06|08|09|10)[0-9]{6}$`)
	walesCouncilCode      = regexp.MustCompile(`^W06[0-9]{6}$`)
	districtCode          = regexp.MustCompile(`^E0[6-9][0-9]{6}$`)
	regionCode            = regexp.MustCompile(`^E12[0-9]{6}$`)
	constituencyCode      = regexp.MustCompile(`^E14[0-9]{6}$`)
	walesConstituencyCode = regexp.MustCompile(`^W07[0-9]{6}$`)
)

// Load returns the geography shipped in the binary (surveys.Geo).
// It fails, naming the file and line, if a table is malformed or the tables disagree.
func Load() (*Geography, error) {
	return LoadFS(surveys.Geo)
}

// LoadFS returns the geography read from fsys, which holds the files geo/*.csv and
// geo/SOURCES.md laid out as in surveys.Geo. It validates headers, codes, names and the
// links between the tables, and fails with an error naming the file and line.
func LoadFS(fsys fs.FS) (*Geography, error) {
	g := &Geography{
		areaIndex:   map[string]int{},
		regionIndex: map[string]int{},
		constIndex:  map[string]int{},
		districts:   map[string]string{},
	}
	if err := g.loadCouncils(fsys); err != nil {
		return nil, err
	}
	if err := g.loadDistricts(fsys); err != nil {
		return nil, err
	}
	if err := g.loadConstituencies(fsys, constituenciesFile, constituencyCode); err != nil {
		return nil, err
	}
	if err := g.loadConstituencies(fsys, walesConstituenciesFile, walesConstituencyCode); err != nil {
		return nil, err
	}
	attribution, err := readAttribution(fsys)
	if err != nil {
		return nil, err
	}
	g.attribution = attribution
	return g, nil
}

// loadCouncils reads the councils of England and of Wales, with the Welsh councils'
// Welsh names, and builds the English regions from them.
func (g *Geography) loadCouncils(fsys fs.FS) error {
	regions := map[string]*Region{}
	names := map[string]string{}
	err := readTable(fsys, councilsFile, councilsHeader, func(line int, rec []string) error {
		a := chorus.Area{Code: rec[0], Name: rec[1], RegionCode: rec[2], RegionName: rec[3]}
		if !councilCode.MatchString(a.Code) {
			return fmt.Errorf("council code %q is not an E06, E08, E09 or E10 GSS code", a.Code)
		}
		if !regionCode.MatchString(a.RegionCode) {
			return fmt.Errorf("region code %q is not an E12 GSS code", a.RegionCode)
		}
		if err := g.addCouncil(a, names, fmt.Sprintf("%s:%d", councilsFile, line)); err != nil {
			return err
		}
		r, ok := regions[a.RegionCode]
		if !ok {
			r = &Region{Code: a.RegionCode, Name: a.RegionName}
			regions[a.RegionCode] = r
		} else if r.Name != a.RegionName {
			return fmt.Errorf("region %s is named %q here but %q on an earlier line", a.RegionCode, a.RegionName, r.Name)
		}
		r.Councils = append(r.Councils, a.Code)
		return nil
	})
	if err != nil {
		return err
	}
	if len(g.areas) == 0 {
		return fmt.Errorf("%s: no councils", councilsFile)
	}
	if err := g.loadWales(fsys, names); err != nil {
		return err
	}
	slices.SortFunc(g.areas, func(a, b chorus.Area) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Code, b.Code))
	})
	for i, a := range g.areas {
		g.areaIndex[a.Code] = i
	}
	for _, r := range regions {
		g.sortCodesByName(r.Councils)
		g.regions = append(g.regions, *r)
	}
	slices.SortFunc(g.regions, func(a, b Region) int { return cmp.Compare(a.Code, b.Code) })
	for i, r := range g.regions {
		g.regionIndex[r.Code] = i
	}
	return nil
}

// addCouncil adds a council, checking that its code and name are new.
func (g *Geography) addCouncil(a chorus.Area, names map[string]string, at string) error {
	if _, dup := g.areaIndex[a.Code]; dup {
		return fmt.Errorf("council %s appears twice", a.Code)
	}
	if prev, dup := names[a.Name]; dup {
		return fmt.Errorf("council name %q is also used at %s", a.Name, prev)
	}
	names[a.Name] = at
	g.areaIndex[a.Code] = len(g.areas)
	g.areas = append(g.areas, a)
	return nil
}

// loadWales reads the Welsh principal areas, whose "region" is Wales itself, and their
// Welsh names. Each principal area is its own district.
func (g *Geography) loadWales(fsys fs.FS, names map[string]string) error {
	var welsh []string
	err := readTable(fsys, walesCouncilsFile, councilsHeader, func(line int, rec []string) error {
		a := chorus.Area{Code: rec[0], Name: rec[1], RegionCode: rec[2], RegionName: rec[3]}
		if !walesCouncilCode.MatchString(a.Code) {
			return fmt.Errorf("council code %q is not a W06 GSS code", a.Code)
		}
		if a.RegionCode != WalesCode || a.RegionName != WalesName {
			return fmt.Errorf("region is %s %q; a Welsh council's region is the country, %s %s", a.RegionCode, a.RegionName, WalesCode, WalesName)
		}
		welsh = append(welsh, a.Code)
		return g.addCouncil(a, names, fmt.Sprintf("%s:%d", walesCouncilsFile, line))
	})
	if err != nil {
		return err
	}
	if len(welsh) == 0 {
		return fmt.Errorf("%s: no councils", walesCouncilsFile)
	}
	named := map[string]bool{}
	err = readTable(fsys, walesNamesFile, walesNamesHeader, func(_ int, rec []string) error {
		i, ok := g.areaIndex[rec[0]]
		switch {
		case !ok || !walesCouncilCode.MatchString(rec[0]):
			return fmt.Errorf("council %s is not in %s", rec[0], walesCouncilsFile)
		case g.areas[i].Name != rec[1]:
			return fmt.Errorf("council %s is named %q here but %q in %s", rec[0], rec[1], g.areas[i].Name, walesCouncilsFile)
		case named[rec[0]]:
			return fmt.Errorf("council %s appears twice", rec[0])
		}
		named[rec[0]] = true
		g.areas[i].NameWelsh = rec[2]
		return nil
	})
	if err != nil {
		return err
	}
	for _, code := range welsh {
		if !named[code] {
			return fmt.Errorf("%s: council %s has no Welsh name", walesNamesFile, code)
		}
		g.districts[code] = code
	}
	return nil
}

// loadDistricts reads the district → council table and checks it against the councils.
func (g *Geography) loadDistricts(fsys fs.FS) error {
	covered := map[string]bool{}
	err := readTable(fsys, districtsFile, districtsHeader, func(_ int, rec []string) error {
		code, council := rec[0], rec[2]
		if !districtCode.MatchString(code) {
			return fmt.Errorf("district code %q is not an E06, E07, E08 or E09 GSS code", code)
		}
		if _, dup := g.districts[code]; dup {
			return fmt.Errorf("district %s appears twice", code)
		}
		if err := g.checkCouncil(council, rec[3]); err != nil {
			return err
		}
		a, _ := g.Area(council)
		if a.RegionCode == WalesCode {
			return fmt.Errorf("district %s is paired with the Welsh council %s; Welsh councils are their own districts", code, council)
		}
		if a.RegionCode != rec[4] || a.RegionName != rec[5] {
			return fmt.Errorf("district %s is in region %s %q but its council %s is in %s %q (%s)",
				code, rec[4], rec[5], council, a.RegionCode, a.RegionName, councilsFile)
		}
		g.districts[code] = council
		covered[council] = true
		return nil
	})
	if err != nil {
		return err
	}
	for _, a := range g.areas {
		if !covered[a.Code] && a.RegionCode != WalesCode {
			return fmt.Errorf("%s: council %s %s has no district", districtsFile, a.Code, a.Name)
		}
	}
	return nil
}

// loadConstituencies reads one country's constituency → district pairs and keeps, for each
// constituency, the councils it overlaps. Called after the other country's, it checks the
// councils of both.
func (g *Geography) loadConstituencies(fsys fs.FS, file string, codeRE *regexp.Regexp) error {
	pairs := map[[2]string]int{}
	before := len(g.constituencies)
	wales := file == walesConstituenciesFile
	err := readTable(fsys, file, constituenciesHeader, func(line int, rec []string) error {
		code, name, district, council := rec[0], rec[1], rec[2], rec[4]
		if !codeRE.MatchString(code) {
			return fmt.Errorf("constituency code %q is not a %s GSS code", code, codeRE.String()[1:4])
		}
		if a, _ := g.Area(council); (a.RegionCode == WalesCode) != wales {
			return fmt.Errorf("council %s is not in this file's country", council)
		}
		want, ok := g.districts[district]
		if !ok {
			return fmt.Errorf("district %s is not in %s", district, districtsFile)
		}
		if want != council {
			return fmt.Errorf("district %s belongs to council %s in %s, not %s", district, want, districtsFile, council)
		}
		if err := g.checkCouncil(council, rec[5]); err != nil {
			return err
		}
		if prev, dup := pairs[[2]string{code, district}]; dup {
			return fmt.Errorf("constituency %s and district %s are paired again (first on line %d)", code, district, prev)
		}
		pairs[[2]string{code, district}] = line
		i, ok := g.constIndex[code]
		if !ok {
			i = len(g.constituencies)
			g.constIndex[code] = i
			g.constituencies = append(g.constituencies, Constituency{Code: code, Name: name})
		}
		c := &g.constituencies[i]
		if c.Name != name {
			return fmt.Errorf("constituency %s is named %q here but %q on an earlier line", code, name, c.Name)
		}
		if !slices.Contains(c.Councils, council) {
			c.Councils = append(c.Councils, council)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(g.constituencies) == before {
		return fmt.Errorf("%s: no constituencies", file)
	}
	covered := map[string]bool{}
	for i := range g.constituencies {
		for _, c := range g.constituencies[i].Councils {
			covered[c] = true
		}
		g.sortCodesByName(g.constituencies[i].Councils)
	}
	for _, a := range g.areas {
		if !covered[a.Code] && (a.RegionCode == WalesCode) == wales {
			return fmt.Errorf("%s: council %s %s is in no constituency", file, a.Code, a.Name)
		}
	}
	slices.SortFunc(g.constituencies, func(a, b Constituency) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Code, b.Code))
	})
	for i, c := range g.constituencies {
		g.constIndex[c.Code] = i
	}
	return nil
}

// checkCouncil reports whether code is a known council called name.
func (g *Geography) checkCouncil(code, name string) error {
	a, ok := g.Area(code)
	if !ok {
		return fmt.Errorf("council %s is not in %s", code, councilsFile)
	}
	if a.Name != name {
		return fmt.Errorf("council %s is named %q here but %q in %s", code, name, a.Name, councilsFile)
	}
	return nil
}

// readTable reads a CSV file with the given header and calls row for every record with its
// line number. Errors from row are prefixed with the file and line.
func readTable(fsys fs.FS, name string, header []string, row func(line int, rec []string) error) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("read geography: %w", err)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(header)
	r.ReuseRecord = true
	first := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%s:%d: %w", name, pe.StartLine, pe.Err)
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		if first {
			first = false
			if !slices.Equal(rec, header) {
				return fmt.Errorf("%s:%d: header is %q, want %q", name, line, strings.Join(rec, ","), strings.Join(header, ","))
			}
			continue
		}
		for i, f := range rec {
			if f == "" || strings.TrimSpace(f) != f {
				return fmt.Errorf("%s:%d: column %s is empty or has spaces around it", name, line, header[i])
			}
		}
		if err := row(line, rec); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	if first {
		return fmt.Errorf("%s: empty file, want header %q", name, strings.Join(header, ","))
	}
	return nil
}

// readAttribution returns the quoted attribution lines under "## Licence and attribution" in
// SOURCES.md, joined into one text with full stops.
func readAttribution(fsys fs.FS) (string, error) {
	data, err := fs.ReadFile(fsys, sourcesFile)
	if err != nil {
		return "", fmt.Errorf("read geography: %w", err)
	}
	var lines []string
	in := false
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		t := strings.TrimSpace(s.Text())
		if strings.HasPrefix(t, "## ") {
			in = strings.EqualFold(strings.TrimPrefix(t, "## "), "Licence and attribution")
			continue
		}
		if in && strings.HasPrefix(t, ">") {
			if l := strings.TrimSpace(strings.TrimPrefix(t, ">")); l != "" {
				lines = append(lines, strings.TrimSuffix(l, ".")+".")
			}
		}
	}
	if err := s.Err(); err != nil {
		return "", fmt.Errorf("%s: %w", sourcesFile, err)
	}
	if len(lines) == 0 {
		return "", fmt.Errorf(`%s: no quoted attribution ("> ...") under "## Licence and attribution"`, sourcesFile)
	}
	return strings.Join(lines, " "), nil
}
