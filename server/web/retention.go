package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// retentionLine tells the dashboard's readers (facilitators and admins) how long sv's
// answers are kept, in the words children are told, and when the next are deleted.
func (s *Server) retentionLine(c *fiber.Ctx, sv *chorus.Survey) (string, error) {
	st, err := s.svc.Retention.RetentionStatus(c.UserContext(), sv.ID)
	if err != nil {
		return "", err
	}
	line := "Children are told: “" + chorus.RetentionSentence(st.Days, "en") + "” Answers older than " +
		plural(st.Days, "day") + " are deleted automatically."
	switch {
	case st.LastRun == "":
		line += " The first check runs within an hour of the server starting."
	case st.NextDeletion == "":
		line += " No answers are stored (checked " + longDay(st.LastRun) + ")."
	default:
		line += " Next deletion: " + longDay(st.NextDeletion) + ", of the answers from " + longDay(st.Oldest) +
			" (checked " + longDay(st.LastRun) + "; " + plural(st.Deleted, "answer") + " deleted then)."
	}
	return line, nil
}

func longDay(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 January 2006")
}

// plural is "1 day", "2 days".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
