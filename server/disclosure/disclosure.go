// Package disclosure decides which figures Chorus may show. Every output — page, chart, API,
// CSV, PDF — takes its numbers from here and from nowhere else, so that no figure shown anywhere
// identifies a child.
//
// # What is guaranteed
//
// With threshold k (Policy.Threshold, 10 by default):
//
//   - Primary suppression. No shown count is between 1 and k−1. A zero is shown only when
//     Policy.ShowZero is set, and never in a row, column or list whose total is between 1 and
//     k−1 (there a zero would tell the reader what every one of those few children answered).
//     Totals are treated like any other count.
//   - Secondary (complementary) suppression, per line. A line is a list of counts and the total
//     they add up to: a table row and its row total, a column and its column total, the row
//     totals and the grand total, the column totals and the grand total, a one-answer question's
//     options and its base, a tick-all option with the number who did not tick it. In every line
//     whose total is shown, either no count is hidden, or at least two are and the hidden counts
//     add up to at least k; so total minus the shown counts never gives a number between 1 and
//     k−1. In every line whose total is hidden, at least one count is hidden too.
//   - No hidden count can be worked out exactly from the shown ones by any combination of the
//     line equations (checked by linear algebra, not only line by line), treating hidden zeros as
//     unknown like any other hidden count.
//   - Percentages are shown only for shown counts on shown bases of at least k, and are worked
//     out from the shown (rounded) numbers, so they never undo rounding or reveal a hidden base.
//   - Hidden values never leave the package: a suppressed Value holds no number.
//
// Secondary suppression hides the smallest further non-zero count that mends a line, as DfE
// practice does, and repeats until nothing changes. It is greedy, so it may hide more than the
// fewest possible cells.
//
// # What is not guaranteed
//
//   - Bounds. A hidden count cannot be found exactly, but totals still bound it; when several
//     lines cross, the bounds can be narrower than 0..total. Rounding (Policy.RoundTo) blurs
//     them further; use it for every output that leaves the organisation.
//   - Tables that are published separately but overlap (the same children counted in two
//     tables) are protected only table by table. Filters are covered by CheckFilter and areas by
//     RollUp, within what their documentation says.
//   - Suppressed cells are all shown the same way ("c" in CSV; Value.String), whatever the
//     reason. Do not label them "fewer than 10": some hidden counts are larger, and a different
//     label for those would tell readers which cells are the small ones.
package disclosure

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// DefaultThreshold is the threshold k used when a Policy leaves it at zero.
const DefaultThreshold = 10

// Symbol is how a suppressed count is written in CSV and plain text: the GSS symbol "c"
// (confidential).
const Symbol = "c"

// Policy is a disclosure-control policy. The zero Policy is valid: threshold 10, zeros hidden,
// no rounding. Outputs for people outside the organisation (MPs' offices, councils, the
// public) should round to 5.
type Policy struct {
	// Threshold is k: counts from 1 to k−1 are hidden, and percentages need a base of at least
	// k. Zero means DefaultThreshold.
	Threshold int
	// ShowZero shows true zeros (except in lines whose total is between 1 and k−1).
	// When false, zeros are hidden like small counts.
	ShowZero bool
	// RoundTo rounds every shown count to the nearest multiple (halves round up): 0 or 1 means
	// exact, 5 is the recommendation for viewer-facing outputs.
	RoundTo int
}

// K returns the threshold in force: Threshold, or DefaultThreshold if that is zero or less.
func (p Policy) K() int {
	if p.Threshold <= 0 {
		return DefaultThreshold
	}
	return p.Threshold
}

// Validate reports whether the policy is usable: Threshold must be 0 (the default) or at least
// 2, RoundTo must not be negative, and rounding must not be so coarse that a shown count could
// round to zero.
func (p Policy) Validate() error {
	switch {
	case p.Threshold < 0 || p.Threshold == 1:
		return fmt.Errorf("disclosure threshold %d: want 2 or more, or 0 for the default %d", p.Threshold, DefaultThreshold)
	case p.RoundTo < 0:
		return fmt.Errorf("disclosure rounding %d is negative", p.RoundTo)
	case p.round(p.K()) == 0:
		return fmt.Errorf("rounding to %d would show a count of %d as 0: use a threshold of at least %d",
			p.RoundTo, p.K(), (p.RoundTo+1)/2)
	}
	return nil
}

// Note returns a sentence for a methods note explaining the policy, for example
// "Numbers from 1 to 9 are not shown (marked c), and some larger numbers are hidden as well so
// that the small ones cannot be worked out from totals. Percentages are given only where at
// least 10 young people answered. Numbers are rounded to the nearest 5."
func (p Policy) Note() string {
	k := p.K()
	low := 1
	if !p.ShowZero {
		low = 0
	}
	s := fmt.Sprintf("Numbers from %d to %d are not shown (marked %s), and some larger numbers are hidden as well so that the small ones cannot be worked out from totals.", low, k-1, Symbol)
	s += fmt.Sprintf(" Percentages are given only where at least %d young people answered.", k)
	if p.RoundTo > 1 {
		s += fmt.Sprintf(" Numbers are rounded to the nearest %d, and percentages are worked out from the rounded numbers.", p.RoundTo)
	}
	return s
}

// Count returns a single figure on its own, such as the number of responses to a survey:
// hidden if it is between 1 and k−1 (or zero when zeros are hidden), otherwise rounded.
// Counts that are parts of a total belong in Table, Single or Multi instead, which also
// apply secondary suppression.
func (p Policy) Count(n int) Value {
	if n < 0 || p.primary(n) {
		return Value{}
	}
	return Value{n: p.round(n), shown: true}
}

// primary reports whether n is hidden on its own account.
func (p Policy) primary(n int) bool {
	return (n > 0 && n < p.K()) || (n == 0 && !p.ShowZero)
}

// round rounds n to the nearest multiple of RoundTo, halves up.
func (p Policy) round(n int) int {
	if p.RoundTo <= 1 {
		return n
	}
	return (n + p.RoundTo/2) / p.RoundTo * p.RoundTo
}

// percent returns count as a percentage of base to one decimal place, or nil when either is
// hidden, the true base is below k, or the shown base is zero.
func (p Policy) percent(count, base Value, trueBase int) *float64 {
	if !count.shown || !base.shown || trueBase < p.K() || base.n == 0 {
		return nil
	}
	v := math.Round(float64(count.n)*1000/float64(base.n)) / 10
	return &v
}

// Value is a count as it may be shown: either a number (rounded if the policy rounds) or
// suppressed. A suppressed Value carries no number, so a hidden count cannot leak through a
// template or an encoder by mistake. The zero Value is suppressed.
type Value struct {
	n     int
	shown bool
}

// Shown reports whether the count may be shown.
func (v Value) Shown() bool { return v.shown }

// Suppressed reports whether the count is hidden.
func (v Value) Suppressed() bool { return !v.shown }

// N returns the count to show, already rounded; 0 if suppressed (check Shown first).
func (v Value) N() int { return v.n }

// String returns the count in decimal, or Symbol ("c") if it is suppressed.
func (v Value) String() string {
	if !v.shown {
		return Symbol
	}
	return strconv.Itoa(v.n)
}

// suppressedJSON is how a suppressed Value is encoded.
var suppressedJSON = []byte(`{"suppressed":true}`)

// MarshalJSON encodes a shown count as a JSON number and a suppressed one as
// {"suppressed":true}.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.shown {
		return suppressedJSON, nil
	}
	return strconv.AppendInt(nil, int64(v.n), 10), nil
}

// UnmarshalJSON decodes what MarshalJSON encodes.
func (v *Value) UnmarshalJSON(data []byte) error {
	var n int
	if err := json.Unmarshal(data, &n); err == nil {
		if n < 0 {
			return errors.New("disclosure: negative count")
		}
		*v = Value{n: n, shown: true}
		return nil
	}
	var s struct {
		Suppressed bool `json:"suppressed"`
	}
	if err := json.Unmarshal(data, &s); err != nil || !s.Suppressed {
		return fmt.Errorf("disclosure: want a count or {\"suppressed\":true}, got %.40s", data)
	}
	*v = Value{}
	return nil
}

// Cell is a count with its percentage. Percent is nil when no percentage may be shown.
type Cell struct {
	Count   Value    `json:"count"`
	Percent *float64 `json:"percent,omitempty"`
}
