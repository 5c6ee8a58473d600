package geo

import (
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"sync"

	"github.com/chorus-voice/chorus/surveys"
)

// childrenFile is the DfE count of children looked after per council.
const childrenFile = "population/children_looked_after.csv"

// LookedAfter is the number of children looked after by each council (on 31 March of
// Year), from DfE's "Children looked after in England including adoptions" (see
// surveys/population/SOURCES.md). Councils whose figure DfE does not publish are absent.
type LookedAfter struct {
	Year   int
	Source string
	ByCode map[string]int
}

// Children returns a council's number of children looked after, or false if unknown.
func (l *LookedAfter) Children(code string) (int, bool) {
	if l == nil {
		return 0, false
	}
	n, ok := l.ByCode[code]
	return n, ok
}

// Sum returns the children looked after by the councils, and false if any is unknown.
func (l *LookedAfter) Sum(codes []string) (int, bool) {
	total := 0
	for _, c := range codes {
		n, ok := l.Children(c)
		if !ok {
			return 0, false
		}
		total += n
	}
	return total, len(codes) > 0
}

var loadLookedAfter = sync.OnceValues(func() (*LookedAfter, error) { return LoadLookedAfter(surveys.Population) })

// ChildrenLookedAfter returns the table shipped in the binary (surveys.Population).
func ChildrenLookedAfter() (*LookedAfter, error) { return loadLookedAfter() }

// LoadLookedAfter reads population/children_looked_after.csv from fsys, failing with
// the line of a malformed row.
func LoadLookedAfter(fsys fs.FS) (*LookedAfter, error) {
	f, err := fsys.Open(childrenFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil || !slices.Equal(head, []string{"code", "name", "year", "children_looked_after", "source"}) {
		return nil, fmt.Errorf("%s:1: want the header code,name,year,children_looked_after,source", childrenFile)
	}
	out := &LookedAfter{ByCode: map[string]int{}}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, fmt.Errorf("%s:%d: %v", childrenFile, line, err)
		}
		if !councilCode.MatchString(rec[0]) {
			return nil, fmt.Errorf("%s:%d: %q is not a council code", childrenFile, line, rec[0])
		}
		year, err := strconv.Atoi(rec[2])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: year %q is not a number", childrenFile, line, rec[2])
		}
		out.Year, out.Source = year, rec[4]
		if rec[3] == "" {
			continue // not published (suppressed or not applicable)
		}
		n, err := strconv.Atoi(rec[3])
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s:%d: %q is not a number of children", childrenFile, line, rec[3])
		}
		out.ByCode[rec[0]] = n
	}
	return out, nil
}
