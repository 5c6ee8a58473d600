package results

import (
	"slices"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
)

// TestRequestFor pins who gets rounded and limited figures, for every output.
func TestRequestFor(t *testing.T) {
	admin := &chorus.User{Role: chorus.RoleAdmin}
	facilitator := &chorus.User{Role: chorus.RoleFacilitator, Areas: []string{"E06000001"}} // areas bind viewers only
	viewer := &chorus.User{Role: chorus.RoleViewer}
	limited := &chorus.User{Role: chorus.RoleViewer, Areas: []string{"E06000001", "E06000002"}}
	for _, tt := range []struct {
		name    string
		reader  *chorus.User
		public  bool
		roundTo int
		limit   []string
	}{
		{"AdminResults", admin, false, 0, nil},
		{"FacilitatorResults", facilitator, false, 0, nil},
		{"ViewerResults", viewer, false, PublicRoundTo, nil},
		{"LimitedViewerResults", limited, false, PublicRoundTo, []string{"E06000001", "E06000002"}},
		{"FacilitatorBriefing", facilitator, true, PublicRoundTo, nil},
		{"LimitedViewerBriefing", limited, true, PublicRoundTo, []string{"E06000001", "E06000002"}},
		{"ShareLinkBriefing", nil, true, PublicRoundTo, nil},
		{"YoungPeoplesPage", nil, true, PublicRoundTo, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := RequestFor(Request{Area: "E06000001"}, tt.reader, tt.public)
			if got.RoundTo != tt.roundTo || !slices.Equal(got.Limit, tt.limit) || (tt.limit == nil) != (got.Limit == nil) || got.Area != "E06000001" {
				t.Errorf("RequestFor = round %d, limit %v; want round %d, limit %v", got.RoundTo, got.Limit, tt.roundTo, tt.limit)
			}
		})
	}
	// The limit is the request's own: changing it leaves the user alone.
	got := RequestFor(Request{}, limited, false)
	got.Limit[0] = "X"
	if limited.Areas[0] != "E06000001" {
		t.Error("RequestFor shares the user's area list")
	}
}
