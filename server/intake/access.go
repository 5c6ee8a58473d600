package intake

import (
	"context"

	"github.com/chorus-voice/chorus/server/chorus"
)

// groupSession returns the group session a submission's token grants: "" for a survey
// open to anyone (whatever the token), else GroupSession's answer. A survey that needs
// a code is refused with EINVALID on "token" when there is no way to check tokens.
func (s *Service) groupSession(ctx context.Context, survey *chorus.Survey, token string) (string, error) {
	if !survey.NeedsCode() {
		return "", nil
	}
	if s.GroupSession == nil {
		return "", chorus.Invalid(chorus.MsgTokenMissing, map[string]string{"token": chorus.MsgTokenMissing})
	}
	return s.GroupSession(ctx, survey.ID, token)
}
