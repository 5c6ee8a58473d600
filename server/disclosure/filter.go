package disclosure

import (
	"errors"
	"fmt"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Errors returned, wrapped in a *chorus.Error with code EFORBIDDEN, by CheckFilter.
var (
	// ErrTooFew means the filtered group itself is too small to show.
	ErrTooFew = errors.New("disclosure: filtered group is below the threshold")
	// ErrDifference means the filtered group differs from a coarser one by 1 to k−1 young
	// people, so comparing the two results would describe that small group.
	ErrDifference = errors.New("disclosure: filtered group differs from a coarser one by too few")
)

// CheckFilter decides whether results for a filtered group of young people may be shown.
// filtered is the number of respondents the filter selects; bases are the sizes of the
// coarser groups a reader can also see results for, each a superset of the filtered group:
// the same filter with one or more conditions removed, down to no filter at all.
//
// It returns nil if the filtered group is at least k (or zero, when the policy shows zeros)
// and differs from every base by zero or by at least k young people. Otherwise it returns a
// *chorus.Error with code EFORBIDDEN and a message safe to show, wrapping ErrTooFew or
// ErrDifference; and EINTERNAL if a base is smaller than the filtered group or a size is
// negative (the caller passed something that is not a superset).
//
// Guarantee: among the filters whose results are shown, if the caller checked each one against
// every coarser filter a reader can ask for, then any two of them, one inside the other, differ
// by 0 or at least k young people, so subtracting one result from the other never describes a
// group of 1 to k−1. Offering fixed breakdowns (age bands, reporting periods) rather than free
// ranges keeps the set of coarser filters small enough to check in full.
//
// Not guaranteed:
//   - Groups that are not nested. Partitions leak through sums: if age bands A, B and C make up
//     everyone and C is refused, all − A − B still gives C. Decide which categories of a
//     breakdown may be offered by passing their sizes to Single and offering only the options it
//     shows; then at least two categories are hidden together and they add up to at least k.
//   - Cells. A difference of k or more young people can still hold a small number who gave one
//     answer; the difference of two shown tables is not itself disclosure-controlled. Rounding
//     (Policy.RoundTo) is what blurs such differences; use it for viewer-facing outputs.
func (p Policy) CheckFilter(filtered int, bases ...int) error {
	k := p.K()
	if filtered < 0 {
		return chorus.Wrap(chorus.EINTERNAL, fmt.Errorf("disclosure: negative group size %d", filtered), "")
	}
	if p.primary(filtered) {
		return &chorus.Error{
			Code:    chorus.EFORBIDDEN,
			Message: fmt.Sprintf("Fewer than %d young people match these filters, so their results cannot be shown. Try removing a filter.", k),
			Err:     ErrTooFew,
		}
	}
	for _, b := range bases {
		if b < filtered {
			return chorus.Wrap(chorus.EINTERNAL, fmt.Errorf("disclosure: base %d is smaller than the filtered group %d", b, filtered), "")
		}
		if d := b - filtered; d > 0 && d < k {
			return &chorus.Error{
				Code:    chorus.EFORBIDDEN,
				Message: "These filters leave out only a few young people, so comparing these results with wider ones could identify them. Try a different filter.",
				Err:     ErrDifference,
			}
		}
	}
	return nil
}
