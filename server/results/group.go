package results

import (
	"fmt"
	"strconv"
	"strings"
)

// GroupKind says what sort of group of young people results are published for.
type GroupKind uint8

// The kinds of group.
const (
	GroupAll   GroupKind = iota // every response
	GroupDim                    // a value of the version, age band or living situation
	GroupArea                   // a council, a region, England, or no council given
	GroupMonth                  // a calendar month of ISO weeks
	GroupCode                   // the responses given through one access code ("" for none)
)

// GroupKey names one group that results are published for: the whole survey, a value of
// a dimension, an area, a month or an access code.
type GroupKey struct {
	Kind  GroupKind
	Dim   Dim // GroupDim only
	Value string
}

// AllGroup is the whole survey.
var AllGroup = GroupKey{Kind: GroupAll}

// DimGroup is the group with value v of a categorical dimension.
func DimGroup(d Dim, v string) GroupKey { return GroupKey{Kind: GroupDim, Dim: d, Value: v} }

// AreaGroup is an area: a council, region or country code, or noArea.
func AreaGroup(code string) GroupKey {
	if code == all {
		return AllGroup
	}
	return GroupKey{Kind: GroupArea, Value: code}
}

// MonthGroup is a calendar month ("2026-10").
func MonthGroup(m string) GroupKey { return GroupKey{Kind: GroupMonth, Value: m} }

// CodeGroup is the responses given through an access code (by its id); "" is those given
// without one.
func CodeGroup(id string) GroupKey { return GroupKey{Kind: GroupCode, Value: id} }

// String returns the key as stored: "all", "dim:version:8-12", "area:E10000016",
// "month:2026-10" or "code:ID".
func (g GroupKey) String() string {
	switch g.Kind {
	case GroupAll:
		return "all"
	case GroupDim:
		return "dim:" + strconv.Itoa(int(g.Dim)) + ":" + g.Value
	case GroupArea:
		return "area:" + g.Value
	case GroupMonth:
		return "month:" + g.Value
	case GroupCode:
		return "code:" + g.Value
	}
	return fmt.Sprintf("kind%d:%s", g.Kind, g.Value)
}

// ParseGroupKey reads what String writes.
func ParseGroupKey(s string) (GroupKey, error) {
	kind, rest, _ := strings.Cut(s, ":")
	switch kind {
	case "all":
		return AllGroup, nil
	case "dim":
		d, v, ok := strings.Cut(rest, ":")
		n, err := strconv.Atoi(d)
		if !ok || err != nil || n < 0 || n >= int(nDims) {
			break
		}
		return DimGroup(Dim(n), v), nil
	case "area":
		return AreaGroup(rest), nil
	case "month":
		return MonthGroup(rest), nil
	case "code":
		return CodeGroup(rest), nil
	}
	return GroupKey{}, fmt.Errorf("results: bad group key %q", s)
}
