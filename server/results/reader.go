package results

import (
	"context"
	"slices"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

// PublicRoundTo is what the counts viewers, and everyone outside the organisation, see
// are rounded to.
const PublicRoundTo = 5

// RequestFor returns req with the rules of who reads its figures applied. It is the one
// place they are decided, for the results API, dashboards, briefings and the young
// people's page:
//   - reader is the signed-in staff member, or nil for someone outside the organisation
//     (a share link, the young people's page);
//   - public is true for figures that leave the organisation whoever asks for them
//     (briefings, the young people's page).
//
// Viewers, readers outside the organisation and public figures get counts rounded to
// PublicRoundTo; a viewer limited to some councils gets results for those only (Limit,
// which Publish enforces).
func RequestFor(req Request, reader *chorus.User, public bool) Request {
	if public || reader == nil || reader.Role == chorus.RoleViewer {
		req.RoundTo = PublicRoundTo
	}
	if reader != nil {
		if limited, codes := reader.LimitedToAreas(); limited {
			req.Limit = slices.Clone(codes)
		}
	}
	return req
}

// GroupCounts are how many of a survey's responses came through each group code, how
// many without one, and all of them, after disclosure control.
type GroupCounts struct {
	// PerCode is in the order of the sessions asked for.
	PerCode          []disclosure.Value
	WithoutCode, All disclosure.Value
}

// PublishGroupSessions publishes the responses given through each group session (an
// access code's id), without one, and all of them, as one line through disclosure
// control that adds up to the survey's total: small counts are hidden, and another
// with them where a total would give a hidden one away. It returns ENOTFOUND for an
// unknown survey.
func (s *Service) PublishGroupSessions(ctx context.Context, survey string, sessions []string) (*GroupCounts, error) {
	sv, err := s.Surveys.FindSurvey(ctx, survey)
	if err != nil {
		return nil, err
	}
	r, err := s.Results(ctx, survey, chorus.Filter{})
	if err != nil {
		return nil, err
	}
	counts := make([]int, len(sessions)+1)
	through := 0
	for i, id := range sessions {
		counts[i] = r.GroupSessions[id]
		through += counts[i]
	}
	counts[len(sessions)] = max(0, r.Base-through)
	line, err := disclosure.Policy{Threshold: sv.Threshold, ShowZero: true}.Single(counts)
	if err != nil {
		return nil, err
	}
	g := &GroupCounts{PerCode: make([]disclosure.Value, len(sessions)), WithoutCode: line.Options[len(sessions)].Count, All: line.Base}
	for i := range sessions {
		g.PerCode[i] = line.Options[i].Count
	}
	return g, nil
}
