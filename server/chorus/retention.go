package chorus

import (
	"context"
	"fmt"
	"time"
)

// ActionRetentionDelete is the audit action of the retention job deleting responses.
const ActionRetentionDelete = "responses.retention_delete"

// RetentionSentence tells a child, in lang ("en" or "cy"), how long their answers are
// kept: "We keep the answers for two years, then delete them." It is made from the
// survey's RetentionDays, the same number the retention job deletes by, so the words
// and the deletion cannot disagree.
func RetentionSentence(days int, lang string) string {
	if lang == "cy" {
		return "Rydyn ni'n cadw'r atebion am " + retentionPeriod(days, "cy") + ", ac wedyn yn eu dileu."
	}
	return "We keep the answers for " + retentionPeriod(days, "en") + ", then delete them."
}

// Period words, 1 to 12. The Welsh forms are those that follow "am" (soft mutation).
var (
	periodYearsEN  = []string{"", "one year", "two years", "three years", "four years", "five years", "six years", "seven years", "eight years", "nine years", "ten years"}
	periodYearsCY  = []string{"", "flwyddyn", "ddwy flynedd", "dair blynedd", "bedair blynedd", "bum mlynedd", "chwe blynedd", "saith mlynedd", "wyth mlynedd", "naw mlynedd", "ddeng mlynedd"}
	periodMonthsEN = []string{"", "one month", "two months", "three months", "four months", "five months", "six months", "seven months", "eight months", "nine months", "ten months", "eleven months", "twelve months"}
	periodMonthsCY = []string{"", "fis", "ddau fis", "dri mis", "bedwar mis", "bum mis", "chwe mis", "saith mis", "wyth mis", "naw mis", "ddeg mis", "un mis ar ddeg", "ddeuddeg mis"}
	periodWeeksEN  = []string{"", "one week", "two weeks", "three weeks", "four weeks", "five weeks", "six weeks", "seven weeks", "eight weeks", "nine weeks", "ten weeks"}
	periodWeeksCY  = []string{"", "wythnos", "ddwy wythnos", "dair wythnos", "bedair wythnos", "bum wythnos", "chwe wythnos", "saith wythnos", "wyth wythnos", "naw wythnos", "ddeg wythnos"}
)

// retentionPeriod words days exactly: in years of 365 days, months of 30 or weeks
// when it is a whole number of them, else in days. (Answers are deleted after that
// many days, so "two years" is never longer than promised.)
func retentionPeriod(days int, lang string) string {
	pick := func(en, cy []string, n int) string {
		if lang == "cy" {
			return cy[n]
		}
		return en[n]
	}
	switch {
	case days >= 365 && days%365 == 0 && days/365 <= 10:
		return pick(periodYearsEN, periodYearsCY, days/365)
	case days >= 30 && days < 365 && days%30 == 0:
		return pick(periodMonthsEN, periodMonthsCY, days/30)
	case days >= 7 && days%7 == 0 && days/7 <= 10:
		return pick(periodWeeksEN, periodWeeksCY, days/7)
	case days == 1:
		return pick([]string{"", "one day"}, []string{"", "diwrnod"}, 1)
	case lang == "cy":
		return fmt.Sprintf("%d diwrnod", days)
	default:
		return fmt.Sprintf("%d days", days)
	}
}

// PrivacyNotice is what a child is told before the first question: the survey's
// Privacy text followed by the retention sentence, in each of its languages.
func (s *Survey) PrivacyNotice() Text {
	out := Text{}
	for _, lang := range s.Languages {
		p := s.Privacy[lang]
		if p != "" {
			p += " "
		}
		out[lang] = p + RetentionSentence(s.RetentionDays, lang)
	}
	return out
}

// RetentionCutoff is the first day whose responses are kept on day today: responses
// from before it are older than days and are deleted.
func RetentionCutoff(today time.Time, days int) string {
	return today.UTC().AddDate(0, 0, -days).Format(time.DateOnly)
}

// RetentionStatus is what facilitators see of a survey's retention.
type RetentionStatus struct {
	Survey string
	Days   int
	// LastRun is the day the job last looked at the survey ("" before it has);
	// Deleted how many responses it deleted then.
	LastRun string
	Deleted int
	// Oldest is the day of the oldest response kept; NextDeletion the day it will be
	// deleted ("" when no response is kept).
	Oldest, NextDeletion string
}

// RetentionService deletes responses older than their survey's retention and reports
// on it.
type RetentionService interface {
	// RetentionStatus returns a survey's retention as the job last saw it.
	RetentionStatus(ctx context.Context, survey string) (*RetentionStatus, error)
}

// RetentionStore deletes what a retention job decides to. The mongodb package
// implements it.
type RetentionStore interface {
	// ResponseSurveys returns the surveys that have stored responses.
	ResponseSurveys(ctx context.Context) ([]string, error)
	// ExpiredResponses returns up to limit of a survey's responses from before the day
	// before (YYYY-MM-DD), with their answers.
	ExpiredResponses(ctx context.Context, survey, before string, limit int) ([]*Response, error)
	// DeleteResponses deletes the responses and everything made from them that points
	// to them (safeguarding cases, reviews, quotes), those first: a crash leaves
	// responses to find again, never a case or quote without its response.
	DeleteResponses(ctx context.Context, submissionIDs []string) error
	// OldestResponseDay returns the day of a survey's oldest response, "" if it has none.
	OldestResponseDay(ctx context.Context, survey string) (string, error)
	// StoreRetentionStatus keeps what the job last saw of a survey.
	StoreRetentionStatus(ctx context.Context, st *RetentionStatus) error
	// FindRetentionStatus returns it, or ENOTFOUND before the job has looked at the survey.
	FindRetentionStatus(ctx context.Context, survey string) (*RetentionStatus, error)
}
