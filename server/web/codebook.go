package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Codebook changes: from the answers facilitators have reviewed, Chorus suggests
// terms to add or remove, each with how many reviewed answers it would put right and
// make wrong. Chorus never changes a codebook file itself: a facilitator who accepts
// a change downloads the changed file, saves it in the surveys folder and reloads.

// handleCodebookChanges lists the suggested changes to a survey's codebook.
func (s *Server) handleCodebookChanges(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sv, err := s.svc.Surveys.FindSurvey(ctx, c.Params("survey"))
	if err != nil {
		return err
	}
	cb, changes, reviewed, err := s.codebookChanges(c, sv.ID)
	if err != nil {
		return err
	}
	title := sv.Title.In("en")
	p := &codebookChangesPage{staffPage: s.staffPage(c, "Suggested codebook changes: "+title), SurveyID: sv.ID,
		SurveyTitle: title, Reviewed: reviewed}
	for _, ch := range changes {
		v := changeView{Theme: themeLabel(cb, ch.Theme), Term: ch.Term, Fixes: ch.Fixes, Breaks: ch.Breaks, Diff: ch.Diff,
			FileName: ch.FileName}
		if ch.Change == chorus.ChangeAddTerm {
			v.Summary = fmt.Sprintf("Add the term “%s” to %s", ch.Term, v.Theme)
		} else {
			v.Summary = fmt.Sprintf("Remove the term “%s” from %s", ch.Term, v.Theme)
		}
		if ch.File != nil {
			v.Href = "/review/" + sv.ID + "/codebook/changed?" + changeQuery(ch)
		}
		p.Changes = append(p.Changes, v)
	}
	return s.render(c, "codebook-changes", p)
}

// handleCodebookChanged sends the codebook file with one suggested change made, to
// save in place of the current file.
func (s *Server) handleCodebookChanged(c *fiber.Ctx) error {
	sv, err := s.svc.Surveys.FindSurvey(c.UserContext(), c.Params("survey"))
	if err != nil {
		return err
	}
	_, changes, _, err := s.codebookChanges(c, sv.ID)
	if err != nil {
		return err
	}
	for _, ch := range changes {
		if ch.File != nil && ch.Theme == c.Query("theme") && ch.Change == c.Query("change") && ch.Term == c.Query("term") {
			c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
			c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+ch.FileName+`"`)
			c.Set(fiber.HeaderCacheControl, "no-store")
			return c.Send(ch.File)
		}
	}
	return chorus.Errorf(chorus.ENOTFOUND, "That change is no longer suggested: the reviews or the codebook have changed since. Go back to the suggested changes to see the current ones.")
}

// codebookChanges works out the suggested changes to a survey's codebook from its
// reviewed answers, after auditing the read (the terms come from children's words).
func (s *Server) codebookChanges(c *fiber.Ctx, survey string) (*chorus.Codebook, []chorus.CodebookChange, int, error) {
	ctx := c.UserContext()
	cb, err := s.svc.Codebooks.FindCodebook(ctx, survey)
	if err != nil {
		return nil, nil, 0, err
	}
	reviewed, err := s.svc.Reviews.ReviewedAnswers(ctx, survey)
	if err != nil {
		return nil, nil, 0, err
	}
	if len(reviewed) > 0 {
		if err := s.audit(c, chorus.ActionFreeTextRead, "survey:"+survey, "suggested codebook changes from reviewed answers"); err != nil {
			return nil, nil, 0, err
		}
	}
	changes, err := s.svc.Codebooks.ProposeChanges(ctx, survey, reviewed)
	if err != nil {
		return nil, nil, 0, err
	}
	return cb, changes, len(reviewed), nil
}

func changeQuery(ch chorus.CodebookChange) string {
	return reviewHrefQuery(map[string]string{"theme": ch.Theme, "change": ch.Change, "term": ch.Term})
}

type changeView struct {
	Summary, Theme, Term string
	Fixes, Breaks        int
	Diff, Href, FileName string
}

type codebookChangesPage struct {
	staffPage
	SurveyID, SurveyTitle string
	Reviewed              int
	Changes               []changeView
}
