package web

import (
	"context"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/chorus-voice/chorus/server/chorus"
)

// The safeguarding queue: answers that suggest a child may be at risk, newest first,
// for facilitators to act on and mark reviewed with a note. Reading it is audited.
func (s *Server) registerSafeguardingRoutes() {
	s.app.Get("/safeguarding", s.handleSafeguardingPage)
	s.app.Post("/safeguarding/:id/review", s.handleConcernReview)
}

// concernCategories names the safeguarding categories for facilitators.
var concernCategories = map[string]string{
	"abuse":           "Abuse",
	"neglect":         "Neglect",
	"self_harm":       "Self-harm",
	"suicide":         "Suicide or wanting to die",
	"unsafe_home":     "Unsafe where they live",
	"exploitation":    "Exploitation",
	"running_away":    "Running away or going missing",
	"bullying_severe": "Serious bullying",
}

func concernCategory(c string) string {
	if l := concernCategories[c]; l != "" {
		return l
	}
	return strings.ReplaceAll(c, "_", " ")
}

const concernPageSize = 20

type concernTextView struct {
	Question, Text string
	Flags          []string
}

// concernLevels says what each safeguarding level means and what to do, in words a
// facilitator can act on.
var concernLevels = map[string]levelView{
	chorus.LevelUrgent: {Name: "Urgent", Class: "urgent",
		Meaning: "The words suggest harm happening now, wanting to die, or a plan.",
		Action:  "Act today: tell your designated safeguarding lead now. If a child may be in danger right now, call 999."},
	chorus.LevelConcern: {Name: "Concern", Class: "concern",
		Meaning: "The words suggest harm in the past, neglect, running away, serious bullying or another worry.",
		Action:  "Pass it to your designated safeguarding lead within one working day, so they can decide what to do."},
	chorus.LevelClosed: {Name: "Closed answers only", Class: "closed",
		Meaning: "Nothing written was flagged: a closed answer (for example the lowest answer to feeling safe) suggests the child may be unhappy or unsafe.",
		Action:  "Chorus cannot say who answered. Look at these together for a pattern in a service and raise it with that service's manager or safeguarding lead."},
}

// levelView names a safeguarding level and explains it.
type levelView struct {
	Name, Class, Meaning, Action string
}

type concernView struct {
	ID, Anchor, Survey, Version, Day string
	Level                            levelView
	Categories                       []string
	Texts                            []concernTextView
	Signals                          []string
	Reviewed                         bool
	ReviewedBy, ReviewedAt, Note     string
	NoteError, NoteValue             string
}

type safeguardingPage struct {
	staffPage
	Reviewed, Closed               bool
	Concerns                       []concernView
	Counts                         concernCounts
	Total, Start                   int
	Prev, Next                     string
	OpenHref, ClosedHref, DoneHref string
	Done                           string
	Levels                         []levelView
	// Signals groups the open closed-answer concerns by the answer that raised them,
	// most common first (the closed-answers view only).
	Signals []signalCount
	Errors  *staffErrors
}

// signalCount is how many open closed-answer concerns one answer raised.
type signalCount struct {
	Survey, Signal string
	Count          int
}

// closedSignals groups the open closed-answer concerns by survey and answer, so that a
// facilitator sees the pattern (for example, how many chose the lowest "feeling safe").
func (s *Server) closedSignals(ctx context.Context) ([]signalCount, error) {
	all, _, err := s.svc.Safeguarding.FindConcerns(ctx, chorus.ConcernFilter{Closed: true, Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	counts := map[[2]string]int{}
	for _, cn := range all {
		title := cn.Survey
		sv, _ := s.svc.Surveys.FindSurvey(ctx, cn.Survey)
		if sv != nil {
			title = sv.Title.In("en")
		}
		for _, sig := range cn.Signals {
			text := sig.Question + ": " + sig.Option
			if sv != nil {
				text = signalText(sv, sig)
			}
			counts[[2]string{title, text}]++
		}
	}
	out := make([]signalCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, signalCount{Survey: k[0], Signal: k[1], Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Survey+out[i].Signal < out[j].Survey+out[j].Signal
	})
	return out, nil
}

// concernCounts counts the concerns waiting for review by level; Known is false when
// they could not be counted.
type concernCounts struct {
	Urgent, Concern, Closed int
	Known                   bool
}

// Written is how many open concerns have a free-text flag.
func (c concernCounts) Written() int { return c.Urgent + c.Concern }

// openConcerns counts the concerns waiting for review, for the staff home page.
func (s *Server) openConcerns(ctx context.Context) concernCounts {
	n, err := s.svc.Safeguarding.CountOpenConcerns(ctx)
	if err != nil {
		s.log.Warn("count safeguarding concerns", "err", err)
		return concernCounts{}
	}
	return concernCounts{Urgent: n[chorus.LevelUrgent], Concern: n[chorus.LevelConcern], Closed: n[chorus.LevelClosed], Known: true}
}

// The queue's views: written answers to review (urgent first), closed answers only,
// and reviewed.
const (
	showClosed   = "closed"
	showReviewed = "reviewed"
)

func (s *Server) handleSafeguardingPage(c *fiber.Ctx) error {
	page, _ := strconv.Atoi(c.Query("page"))
	return s.renderSafeguarding(c, fiber.StatusOK, c.Query("show"), page, nil, "")
}

func safeguardingHref(show string, page int, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	if show == showClosed || show == showReviewed {
		q.Set("show", show)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/safeguarding"
	}
	return "/safeguarding?" + q.Encode()
}

func (s *Server) renderSafeguarding(c *fiber.Ctx, status int, show string, page int, formErr error, errID string) error {
	ctx := c.UserContext()
	page = max(page, 1)
	reviewed, closed := show == showReviewed, show == showClosed
	if !reviewed && !closed {
		show = ""
	}
	list, total, err := s.svc.Safeguarding.FindConcerns(ctx, chorus.ConcernFilter{Reviewed: reviewed, Closed: closed,
		Offset: (page - 1) * concernPageSize, Limit: concernPageSize})
	if err != nil {
		return err
	}
	if len(list) > 0 {
		detail := "safeguarding queue, open"
		switch {
		case reviewed:
			detail = "safeguarding queue, reviewed"
		case closed:
			detail = "safeguarding queue, closed answers only"
		}
		if err := s.audit(c, chorus.ActionFreeTextRead, "safeguarding", detail+", page "+strconv.Itoa(page)); err != nil {
			return err
		}
	}
	p := &safeguardingPage{staffPage: s.staffPage(c, "Safeguarding queue"), Reviewed: reviewed, Closed: closed, Total: total,
		Start: (page-1)*concernPageSize + 1, OpenHref: safeguardingHref("", 1, nil), ClosedHref: safeguardingHref(showClosed, 1, nil),
		DoneHref: safeguardingHref(showReviewed, 1, nil), Done: reviewMessages[c.Query("done")], Counts: s.openConcerns(ctx)}
	for _, l := range chorus.Levels {
		p.Levels = append(p.Levels, concernLevels[l])
	}
	switch {
	case reviewed:
		p.Title = "Reviewed concerns: " + p.Title
	case closed:
		p.Title = "Closed answers only: " + p.Title
		if p.Signals, err = s.closedSignals(ctx); err != nil {
			return err
		}
	}
	if page > 1 {
		p.Prev = safeguardingHref(show, page-1, nil)
		p.Title += " (page " + strconv.Itoa(page) + ")"
	}
	if p.Start+len(list)-1 < total {
		p.Next = safeguardingHref(show, page+1, nil)
	}
	if formErr != nil {
		p.Title = "Error: " + p.Title
		p.Errors = &staffErrors{Summary: chorus.ErrorMessage(formErr), Fields: map[string]string{}}
	}
	emails := s.userEmails(c)
	for _, cn := range list {
		v := concernView{ID: cn.ID, Anchor: "c-" + cn.ID, Day: cn.Day, Survey: cn.Survey, Version: cn.Version, Reviewed: cn.Reviewed(),
			Note: cn.Note, Level: concernLevels[cn.LevelOf()]}
		for _, cat := range cn.Categories() {
			v.Categories = append(v.Categories, concernCategory(cat))
		}
		sv, _ := s.svc.Surveys.FindSurvey(ctx, cn.Survey)
		if sv != nil {
			v.Survey = sv.Title.In("en")
			if vv := sv.Version(cn.Version); vv != nil {
				v.Version = vv.Label.In("en")
			}
			for _, q := range sv.Questions {
				if text, ok := cn.Texts[q.ID]; ok {
					tv := concernTextView{Question: q.TextFor(cn.Version, "en"), Text: text}
					for _, f := range cn.Flags[q.ID] {
						tv.Flags = append(tv.Flags, concernCategory(f))
					}
					v.Texts = append(v.Texts, tv)
				}
			}
			for _, sig := range cn.Signals {
				v.Signals = append(v.Signals, signalText(sv, sig))
			}
		} else {
			for q, text := range cn.Texts {
				v.Texts = append(v.Texts, concernTextView{Question: q, Text: text})
			}
		}
		if v.Reviewed {
			v.ReviewedBy, v.ReviewedAt = emails(cn.ReviewedBy), timeOf(cn.ReviewedAt)
		}
		if formErr != nil && cn.ID == errID {
			v.NoteError = chorus.ErrorFields(formErr)["note"]
			v.NoteValue = c.FormValue("note")
			if v.NoteError != "" {
				p.Errors.List = append(p.Errors.List, staffFieldError{Field: "note-" + cn.ID, Message: v.NoteError})
			}
		}
		p.Concerns = append(p.Concerns, v)
	}
	return s.render(c.Status(status), "safeguarding", p)
}

// signalText describes a closed answer that is a risk signal.
func signalText(sv *chorus.Survey, sig chorus.RiskSignal) string {
	q := sv.Question(sig.Question)
	if q == nil {
		return sig.Question + ": " + sig.Option
	}
	text := q.Text.In("en")
	switch q.Kind {
	case chorus.KindGrid:
		if it := q.Item(sig.Option); it != nil {
			return text + " " + it.Text.In("en") + ": the lowest answer"
		}
	case chorus.KindScale:
		return text + ": the lowest answer"
	default:
		if o := q.Option(sig.Option); o != nil {
			return text + ": " + o.Text.In("en")
		}
	}
	return text + ": " + sig.Option
}

// handleConcernReview marks a concern reviewed with a note of the action taken.
func (s *Server) handleConcernReview(c *fiber.Ctx) error {
	id := c.Params("id")
	cn, err := s.svc.Safeguarding.ReviewConcern(c.UserContext(), id, currentUser(c).ID, c.FormValue("note"))
	switch chorus.ErrorCode(err) {
	case "":
	case chorus.EINVALID, chorus.ECONFLICT:
		page, _ := strconv.Atoi(c.FormValue("f_page"))
		return s.renderSafeguarding(c, fiber.StatusUnprocessableEntity, c.FormValue("f_show"), page, err, id)
	default:
		return err
	}
	if err := s.audit(c, chorus.ActionConcernReview, "concern:"+cn.ID, "marked reviewed with a note"); err != nil {
		s.log.Error("audit safeguarding review", "id", requestIDOf(c), "err", err)
	}
	return c.Redirect(safeguardingHref(c.FormValue("f_show"), 1, url.Values{"done": {"reviewed"}}), fiber.StatusSeeOther)
}
