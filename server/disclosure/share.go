package disclosure

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// # Shares
//
// A headline measure is a share with its base: "70% of the 120 young people who
// answered said they are happy with their life overall". SharePolicy decides which
// shares may be shown and how:
//
//   - A share is shown only on a base of at least MinBase (default twice the threshold
//     k), so that a share is always about a group, never about a handful of children.
//   - A share is rounded to RoundTo percentage points (default 5), so that it does not
//     say exactly how many gave an answer: on a base of 40, 70% stands for 27 to 29.
//   - Extremes are coded. Where fewer than Extremes young people (default k) are on
//     either side — gave one of the answers counted, or gave another answer — the share
//     is shown as "fewer than N%" or "more than N%", where N is the share that Extremes
//     young people would make. So a briefing never says that everyone (or no one) in an
//     area said something, and never narrows the few who did not to fewer than k.
//
// Why these rules. The risk with a share is not a small cell on its own but group
// attribute disclosure: "100% of young people in Rutland said they feel unsafe" tells
// anyone who knows a child there answered how that child feels. Coding the extremes by
// a count (not a percentage) is what protects against it on small bases. Rounding and a
// minimum base keep a share from being turned back into an exact count and compared
// with the counts published elsewhere. The starting points were the GSS/ONS guidance on
// disclosure control for survey tables (avoid showing that all or none of a group have
// an attribute; take care with small unweighted bases), DfE's practice of suppressing
// percentages worked out from suppressed counts, the Scottish Government's rules for
// small numbers in published tables, and Coram Voice's Bright Spots reports, which
// give councils their children's answers as percentages of those who answered rather
// than as counts of each answer.

// DefaultShareRound is the rounding of shares, in percentage points, when a SharePolicy
// leaves it at zero.
const DefaultShareRound = 5

// SharePolicy says which shares may be shown and how. The zero SharePolicy takes the
// defaults for a threshold k: MinBase 2k, RoundTo 5, Extremes k.
type SharePolicy struct {
	MinBase  int
	RoundTo  int
	Extremes int
}

// For returns the policy with its defaults filled in for a threshold k.
func (sp SharePolicy) For(k int) SharePolicy {
	if k <= 0 {
		k = DefaultThreshold
	}
	if sp.Extremes <= 0 {
		sp.Extremes = k
	}
	if sp.MinBase <= 0 {
		sp.MinBase = 2 * sp.Extremes
	}
	if sp.RoundTo <= 0 {
		sp.RoundTo = DefaultShareRound
	}
	return sp
}

// Validate reports whether the policy (with defaults for k) is usable: the minimum base
// must be at least twice Extremes (so a share cannot be extreme on both sides), and
// rounding must divide 100 and be at most 10 points.
func (sp SharePolicy) Validate(k int) error {
	p := sp.For(k)
	switch {
	case sp.MinBase < 0 || sp.RoundTo < 0 || sp.Extremes < 0:
		return fmt.Errorf("share policy: numbers must not be negative")
	case p.Extremes < 2:
		return fmt.Errorf("share policy: extremes %d: want 2 or more", p.Extremes)
	case p.MinBase < 2*p.Extremes:
		return fmt.Errorf("share policy: a minimum base of %d is too small for extremes of %d: want at least %d", p.MinBase, p.Extremes, 2*p.Extremes)
	case p.RoundTo > 10 || 100%p.RoundTo != 0:
		return fmt.Errorf("share policy: rounding to %d points: want 1, 2, 4, 5 or 10", p.RoundTo)
	}
	return nil
}

// Note returns sentences for a methods note, for example "Shares are given only where at
// least 20 young people answered, rounded to the nearest 5%. Where fewer than 10 young
// people gave an answer, or fewer than 10 gave any other, the share is shown as “fewer
// than” or “more than” a figure, so that no share says that everyone or no one in a
// group said something."
func (sp SharePolicy) Note(k int) string {
	p := sp.For(k)
	return fmt.Sprintf("Shares are given only where at least %d young people answered, rounded to the nearest %d%%. "+
		"Where fewer than %d young people gave the answers counted, or fewer than %d gave any other answer, the share is shown as “fewer than” or “more than” a figure, so that no share says that everyone or no one in a group said something.",
		p.MinBase, p.RoundTo, p.Extremes, p.Extremes)
}

// Share returns the share of base that count makes, under the policy for threshold k.
func (sp SharePolicy) Share(count, base, k int) Share {
	p := sp.For(k)
	if base < p.MinBase || count < 0 || count > base {
		return Share{}
	}
	// The share Extremes young people would make, rounded up to the policy's step, so
	// that "fewer than N%" is true whatever the exact count.
	edge := (100*p.Extremes + base - 1) / base
	edge = (edge + p.RoundTo - 1) / p.RoundTo * p.RoundTo
	switch {
	case count < p.Extremes:
		return Share{pct: edge, kind: shareBelow}
	case base-count < p.Extremes:
		return Share{pct: 100 - edge, kind: shareAbove}
	}
	// Round half up to the step, but never to 0 or 100: both sides hold at least
	// Extremes young people.
	pct := (200*count + base*p.RoundTo) / (2 * base * p.RoundTo) * p.RoundTo
	pct = min(max(pct, p.RoundTo), 100-p.RoundTo)
	return Share{pct: pct, kind: shareFigure}
}

type shareKind uint8

const (
	shareHidden shareKind = iota
	shareFigure
	shareBelow // fewer than pct%
	shareAbove // more than pct%
)

// Share is a share as it may be shown: a rounded percentage, a coded extreme ("fewer
// than 10%", "more than 90%"), or suppressed. The zero Share is suppressed.
type Share struct {
	pct  int
	kind shareKind
}

// Shown reports whether the share may be shown (as a figure or a coded extreme).
func (s Share) Shown() bool { return s.kind != shareHidden }

// Figure returns the rounded percentage and true when the share is shown as a figure
// (not coded, not suppressed).
func (s Share) Figure() (int, bool) { return s.pct, s.kind == shareFigure }

// Bound returns "fewer than" or "more than" and the percentage for a coded extreme, or
// "" otherwise.
func (s Share) Bound() (string, int) {
	switch s.kind {
	case shareBelow:
		return "fewer than", s.pct
	case shareAbove:
		return "more than", s.pct
	}
	return "", 0
}

// Approx returns a middle value of what the share stands for, for wording and ordering:
// the figure, or for a coded extreme half way to 0 or 100. It is -1 when suppressed.
func (s Share) Approx() float64 {
	switch s.kind {
	case shareFigure:
		return float64(s.pct)
	case shareBelow:
		return float64(s.pct) / 2
	case shareAbove:
		return float64(100+s.pct) / 2
	}
	return -1
}

// String writes the share for a reader: "70%", "fewer than 10%", "more than 90%", or
// Symbol when suppressed.
func (s Share) String() string {
	switch s.kind {
	case shareFigure:
		return strconv.Itoa(s.pct) + "%"
	case shareBelow, shareAbove:
		b, p := s.Bound()
		return b + " " + strconv.Itoa(p) + "%"
	}
	return Symbol
}

// MarshalJSON encodes a figure as a number, a coded extreme as {"fewer_than":N} or
// {"more_than":N}, and a suppressed share as {"suppressed":true}.
func (s Share) MarshalJSON() ([]byte, error) {
	switch s.kind {
	case shareFigure:
		return strconv.AppendInt(nil, int64(s.pct), 10), nil
	case shareBelow:
		return []byte(`{"fewer_than":` + strconv.Itoa(s.pct) + `}`), nil
	case shareAbove:
		return []byte(`{"more_than":` + strconv.Itoa(s.pct) + `}`), nil
	}
	return suppressedJSON, nil
}

// UnmarshalJSON decodes what MarshalJSON encodes.
func (s *Share) UnmarshalJSON(data []byte) error {
	var n int
	if err := json.Unmarshal(data, &n); err == nil {
		*s = Share{pct: n, kind: shareFigure}
		return nil
	}
	var o struct {
		Suppressed bool `json:"suppressed"`
		FewerThan  *int `json:"fewer_than"`
		MoreThan   *int `json:"more_than"`
	}
	if err := json.Unmarshal(data, &o); err != nil {
		return fmt.Errorf("disclosure: want a share, got %.40s", data)
	}
	switch {
	case o.FewerThan != nil:
		*s = Share{pct: *o.FewerThan, kind: shareBelow}
	case o.MoreThan != nil:
		*s = Share{pct: *o.MoreThan, kind: shareAbove}
	case o.Suppressed:
		*s = Share{}
	default:
		return fmt.Errorf("disclosure: want a share, got %.40s", data)
	}
	return nil
}

// Compare says whether a group's share differs from a comparison group's by more than
// chance would explain, with a two-sided two-proportion z-test at the 5% level on the
// exact counts: the group (a in aBase) against the rest of the comparison (b in bBase,
// which must not include the group). It returns "higher", "lower" or "similar"; ""
// when either base is empty. Only the word leaves: the counts stay here.
func Compare(a, aBase, b, bBase int) string {
	if aBase <= 0 || bBase <= 0 {
		return ""
	}
	p1, p2 := float64(a)/float64(aBase), float64(b)/float64(bBase)
	pool := float64(a+b) / float64(aBase+bBase)
	v := pool * (1 - pool) * (1/float64(aBase) + 1/float64(bBase))
	if v <= 0 {
		return "similar"
	}
	z := (p1 - p2) / math.Sqrt(v)
	switch {
	case z > 1.96:
		return "higher"
	case z < -1.96:
		return "lower"
	}
	return "similar"
}
