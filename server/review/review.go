// Package review is the service behind the review pages: the themes people give
// free-text answers, which win over the machine's in every count; the answers listed,
// counted and paged for review; agreement between people and the machine; candidate
// themes; and approved quotes. It stores through chorus.ReviewStore and
// chorus.QuoteStore and decides everything else.
package review

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
)

// Service implements chorus.ReviewService. It keeps every reviewed answer's themes in
// memory (people review hundreds or thousands of answers, not millions), so that
// ThemesOf can make reviewed tags win in every count; and, per survey, the survey's
// free-text answers as last read from the store, so that pages list, count and page
// through them without a query (the embedded store scans the whole collection for
// every query that is not by _id). The answers are read again in the background when
// they are older than MaxAge, and after a re-tag job (Forget).
type Service struct {
	Store     chorus.ReviewStore
	Surveys   chorus.SurveyService
	Codebooks chorus.CodebookService
	Log       *slog.Logger
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// Retag, if set, is told about every review that changes the themes that count
	// for a response: before and after carry those themes in Themes, reviews applied
	// (results.Counter.Retag fits: it counts them as they are).
	Retag func(ctx context.Context, before, after *chorus.Response) error
	// Emerging works out candidate themes from the uncoded answers and all answers
	// (theme.EmergingTerms fits); nil shows none.
	Emerging func(uncoded, all []string, n int) []chorus.Term
	// MaxAge is how old a survey's answers may get before they are read again (2
	// minutes if zero).
	MaxAge time.Duration

	ready    chan struct{} // closed once the reviews are loaded
	readyOne sync.Once
	salt     []byte // keys the opaque response ids (see ResponseID)

	mu    sync.RWMutex
	bySub map[string]map[string]*chorus.Review // submission id → question → review

	writeMu sync.Mutex

	imu     sync.Mutex
	indexes map[string]*answerIndex
}

// New returns the review service on store. Call Load before use, and again now and
// then to see reviews made on other instances (the composition root does, every 30 s).
func New(store chorus.ReviewStore, surveys chorus.SurveyService, codebooks chorus.CodebookService, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{Store: store, Surveys: surveys, Codebooks: codebooks, Log: log, ready: make(chan struct{}),
		bySub: map[string]map[string]*chorus.Review{}, indexes: map[string]*answerIndex{}}
}

var _ chorus.ReviewService = (*Service)(nil)

func (rv *Service) now() time.Time {
	if rv.Now != nil {
		return rv.Now()
	}
	return time.Now()
}

// Load reads every review from the store.
func (rv *Service) Load(ctx context.Context) error {
	if rv.salt == nil {
		salt, err := rv.Store.Secret(ctx, "answer_id_salt")
		if err != nil {
			return err
		}
		rv.mu.Lock()
		rv.salt = salt
		rv.mu.Unlock()
	}
	all, err := rv.Store.FindReviews(ctx)
	if err != nil {
		return err
	}
	bySub := make(map[string]map[string]*chorus.Review, len(all))
	for _, r := range all {
		if bySub[r.SubmissionID] == nil {
			bySub[r.SubmissionID] = map[string]*chorus.Review{}
		}
		bySub[r.SubmissionID][r.Question] = r
	}
	rv.mu.Lock()
	rv.bySub = bySub
	rv.mu.Unlock()
	rv.readyOne.Do(func() { close(rv.ready) })
	return nil
}

// waitReady waits until the reviews are first loaded, or ctx ends (EUNAVAILABLE).
func (rv *Service) waitReady(ctx context.Context) error {
	select {
	case <-rv.ready:
		return nil
	case <-ctx.Done():
		return chorus.Errorf(chorus.EUNAVAILABLE, "The reviews are still being read. Please try again in a moment.")
	}
}

// ThemesOf returns the themes that count for each free-text answer of r: the
// reviewed themes of reviewed answers, the machine tags of the others. It fits the
// aggregates' ThemesOf. Until the reviews are first loaded it waits for them, for up
// to 30 seconds (then it counts the machine tags, and says so in the log).
func (rv *Service) ThemesOf(r *chorus.Response) map[string][]string {
	if !isClosed(rv.ready) {
		select {
		case <-rv.ready:
		case <-time.After(30 * time.Second):
			rv.Log.Warn("reviews not loaded yet: counting machine tags", "survey", r.Survey)
			return r.Themes
		}
	}
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	return overlay(r.Themes, rv.bySub[r.SubmissionID])
}

// overlay puts reviewed themes over machine tags.
func overlay(machine map[string][]string, reviewed map[string]*chorus.Review) map[string][]string {
	if len(reviewed) == 0 {
		return machine
	}
	out := maps.Clone(machine)
	if out == nil {
		out = map[string][]string{}
	}
	for q, d := range reviewed {
		if len(d.Themes) == 0 {
			delete(out, q)
		} else {
			out[q] = d.Themes
		}
	}
	return out
}

// ResponseID returns the opaque id staff pages use for the response with the
// submission id: a keyed hash of it, so that nobody can work out a child's receipt
// code (made from the submission id) from a page.
func (rv *Service) ResponseID(submissionID string) string {
	rv.mu.RLock()
	salt := rv.salt
	rv.mu.RUnlock()
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(submissionID))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// storedAnswer is a stored response with one of its free-text answers.
type storedAnswer struct {
	r    *chorus.Response
	text string
}

func (s *storedAnswer) flagged() bool { return len(s.r.Flags) > 0 }

// findStoredAnswer finds the survey's response with the opaque id and checks that it
// has a free-text answer to question.
func (rv *Service) findStoredAnswer(ctx context.Context, survey, responseID, question string) (*storedAnswer, error) {
	notFound := chorus.Errorf(chorus.ENOTFOUND, "That answer does not exist.")
	ix, err := rv.index(ctx, survey)
	if err != nil {
		return nil, err
	}
	sub, ok := ix.byToken[responseID]
	if !ok {
		return nil, notFound
	}
	r, err := rv.Store.FindResponse(ctx, sub)
	if chorus.ErrorCode(err) == chorus.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	sv, err := rv.Surveys.FindSurvey(ctx, r.Survey)
	if err != nil || r.Survey != survey {
		return nil, notFound
	}
	q := sv.Question(question)
	text, _ := r.Answers[question].(string)
	if q == nil || !chorus.IsTextQuestion(q) || text == "" || text == chorus.PreferNot {
		return nil, notFound
	}
	return &storedAnswer{r: r, text: text}, nil
}

// findUnflagged is findStoredAnswer for an answer that is not in the safeguarding
// queue: a flagged answer does not exist on the review pages.
func (rv *Service) findUnflagged(ctx context.Context, survey, responseID, question string) (*storedAnswer, error) {
	s, err := rv.findStoredAnswer(ctx, survey, responseID, question)
	if err == nil && s.flagged() {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "That answer does not exist.")
	}
	return s, err
}

func (rv *Service) answerOf(s *storedAnswer, question string) *chorus.Answer {
	a := &chorus.Answer{ResponseID: rv.ResponseID(s.r.SubmissionID), Survey: s.r.Survey, Version: s.r.Version, Question: question,
		Day: s.r.Day, Text: s.text, Machine: s.r.Themes[question], Risky: s.r.Risky || s.flagged()}
	rv.mu.RLock()
	rv.fillReview(a, s.r.SubmissionID)
	rv.mu.RUnlock()
	return a
}

// reviewOf returns the review of an answer, or nil. The caller holds mu.
func (rv *Service) reviewOf(submissionID, question string) *chorus.Review {
	return rv.bySub[submissionID][question]
}

// fillReview copies the answer's review into a. The caller holds mu.
func (rv *Service) fillReview(a *chorus.Answer, submissionID string) {
	if d := rv.reviewOf(submissionID, a.Question); d != nil {
		a.IsReviewed, a.Reviewed, a.ReviewedBy, a.ReviewedAt = true, slices.Clone(d.Themes), d.By, d.At
	}
}

// FindAnswer implements chorus.ReviewService.
func (rv *Service) FindAnswer(ctx context.Context, survey, responseID, question string) (*chorus.Answer, error) {
	s, err := rv.findUnflagged(ctx, survey, responseID, question)
	if err != nil {
		return nil, err
	}
	return rv.answerOf(s, question), nil
}

// Review implements chorus.ReviewService.
func (rv *Service) Review(ctx context.Context, ch chorus.ReviewChange) (*chorus.Answer, error) {
	s, err := rv.findUnflagged(ctx, ch.Survey, ch.ResponseID, ch.Question)
	if err != nil {
		return nil, err
	}
	if ch.Action == chorus.ReviewAdd {
		cb, err := rv.Codebooks.FindCodebook(ctx, s.r.Survey)
		if err != nil {
			return nil, err
		}
		if _, ok := cb.Theme(ch.Theme); !ok {
			return nil, chorus.Invalid("Choose a theme from the codebook.", map[string]string{"theme": "Choose a theme from the codebook."})
		}
	}
	if err := rv.waitReady(ctx); err != nil {
		return nil, err
	}
	rv.writeMu.Lock()
	defer rv.writeMu.Unlock()

	sub := s.r.SubmissionID
	rv.mu.RLock()
	beforeReviews := maps.Clone(rv.bySub[sub])
	rv.mu.RUnlock()
	current := s.r.Themes[ch.Question]
	if d := beforeReviews[ch.Question]; d != nil {
		current = d.Themes
	}
	next, err := chorus.ApplyReview(current, ch.Action, ch.Theme)
	if err != nil {
		return nil, err
	}
	d := &chorus.Review{Survey: s.r.Survey, SubmissionID: sub, Question: ch.Question, Themes: next, By: ch.By, At: rv.now()}
	if err := rv.Store.StoreReview(ctx, d); err != nil {
		return nil, err
	}
	rv.mu.Lock()
	if rv.bySub[sub] == nil {
		rv.bySub[sub] = map[string]*chorus.Review{}
	}
	rv.bySub[sub][ch.Question] = d
	afterReviews := maps.Clone(rv.bySub[sub])
	rv.mu.Unlock()

	if rv.Retag != nil {
		before, after := *s.r, *s.r
		before.Themes = overlay(s.r.Themes, beforeReviews)
		after.Themes = overlay(s.r.Themes, afterReviews)
		if !sameThemes(before.Themes, after.Themes) {
			if err := rv.Retag(ctx, &before, &after); err != nil {
				rv.Log.Error("recount a reviewed response", "survey", s.r.Survey, "err", err)
			}
		}
	}
	return rv.answerOf(s, ch.Question), nil
}

func sameThemes(a, b map[string][]string) bool {
	return maps.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

// indexedAnswer is a free-text answer held in memory for the review pages.
type indexedAnswer struct {
	sub     string
	a       chorus.Answer // without review fields
	machine []string
}

// answerIndex is a survey's unflagged free-text answers as last read, newest day
// first.
type answerIndex struct {
	answers    []*indexedAnswer
	byToken    map[string]string // opaque response id → submission id
	asOf       time.Time
	emerging   []chorus.Term
	err        error
	ready      chan struct{} // closed when loaded (or failed)
	refreshing bool
}

// maxEmerging is how many candidate themes are worked out when answers are read.
const maxEmerging = 40

// Forget drops a survey's answers held in memory; the next page reads them again.
func (rv *Service) Forget(survey string) {
	rv.imu.Lock()
	delete(rv.indexes, survey)
	rv.imu.Unlock()
}

func (rv *Service) maxAge() time.Duration {
	if rv.MaxAge <= 0 {
		return 2 * time.Minute
	}
	return rv.MaxAge
}

// index returns the survey's answers, reading them if needed. A stale index is
// returned at once and read again in the background; a missing one is read in the
// background and waited for until ctx ends (then EUNAVAILABLE).
func (rv *Service) index(ctx context.Context, survey string) (*answerIndex, error) {
	if _, err := rv.Surveys.FindSurvey(ctx, survey); err != nil {
		return nil, err
	}
	rv.imu.Lock()
	ix := rv.indexes[survey]
	switch {
	case ix == nil:
		ix = &answerIndex{ready: make(chan struct{})}
		rv.indexes[survey] = ix
		go rv.build(survey, ix, nil)
	case !ix.refreshing && isClosed(ix.ready) && (ix.err != nil || rv.now().Sub(ix.asOf) > rv.maxAge()):
		ix.refreshing = true
		next := &answerIndex{ready: make(chan struct{})}
		go rv.build(survey, next, ix)
	}
	rv.imu.Unlock()
	select {
	case <-ix.ready:
	case <-ctx.Done():
		return nil, chorus.Errorf(chorus.EUNAVAILABLE, "The answers are still being read. Please try again in a moment.")
	}
	if ix.err != nil {
		return nil, ix.err
	}
	return ix, nil
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// build reads a survey's answers into ix and, once done, puts ix in place of old.
func (rv *Service) build(survey string, ix, old *answerIndex) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	start := time.Now()
	select {
	case <-rv.ready: // the salt of the opaque ids is loaded
		ix.err = rv.read(ctx, survey, ix)
	case <-ctx.Done():
		ix.err = chorus.Errorf(chorus.EUNAVAILABLE, "The reviews could not be read.")
	}
	if ix.err == nil {
		rv.emerging(ix)
		rv.Log.Info("free-text answers read", "survey", survey, "answers", len(ix.answers), "seconds", time.Since(start).Seconds())
	} else {
		rv.Log.Error("read free-text answers", "survey", survey, "err", ix.err)
	}
	close(ix.ready)
	rv.imu.Lock()
	defer rv.imu.Unlock()
	if ix.err != nil && old != nil {
		old.refreshing = false // keep serving the old answers; try again later
		return
	}
	if cur := rv.indexes[survey]; cur == ix || old != nil && cur == old {
		rv.indexes[survey] = ix
	}
}

func (rv *Service) read(ctx context.Context, survey string, ix *answerIndex) error {
	sv, err := rv.Surveys.FindSurvey(ctx, survey)
	if err != nil {
		return err
	}
	var questions []string
	for _, q := range sv.Questions {
		if chorus.IsTextQuestion(q) {
			questions = append(questions, q.ID)
		}
	}
	asOf := rv.now()
	ix.byToken = map[string]string{}
	err = rv.Store.EachTextResponse(ctx, survey, func(r *chorus.Response) error {
		if len(r.Flags) > 0 {
			return nil // in the safeguarding queue, not on review pages
		}
		token := rv.ResponseID(r.SubmissionID)
		for _, q := range questions {
			text, _ := r.Answers[q].(string)
			if text == "" || text == chorus.PreferNot {
				continue
			}
			ix.byToken[token] = r.SubmissionID
			ix.answers = append(ix.answers, &indexedAnswer{sub: r.SubmissionID, machine: r.Themes[q],
				a: chorus.Answer{ResponseID: token, Survey: survey, Version: r.Version, Question: q, Day: r.Day,
					Text: text, Machine: r.Themes[q], Risky: r.Risky}})
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Newest day first (responses keep no finer time); then in a fixed order that says
	// nothing about when within the day; questions in survey order.
	order := map[string]int{}
	for i, q := range questions {
		order[q] = i
	}
	sort.SliceStable(ix.answers, func(i, j int) bool {
		a, b := ix.answers[i], ix.answers[j]
		switch {
		case a.a.Day != b.a.Day:
			return a.a.Day > b.a.Day
		case a.a.ResponseID != b.a.ResponseID:
			return a.a.ResponseID < b.a.ResponseID
		}
		return order[a.a.Question] < order[b.a.Question]
	})
	ix.asOf = asOf
	return nil
}

// emerging works out the candidate themes of a freshly read index.
func (rv *Service) emerging(ix *answerIndex) {
	if rv.Emerging == nil || len(ix.answers) == 0 {
		return
	}
	all := make([]string, len(ix.answers))
	var uncoded []string
	rv.mu.RLock()
	for i, x := range ix.answers {
		all[i] = x.a.Text
		if len(rv.themesNow(x)) == 0 {
			uncoded = append(uncoded, x.a.Text)
		}
	}
	rv.mu.RUnlock()
	if len(uncoded) > 0 {
		ix.emerging = rv.Emerging(uncoded, all, maxEmerging)
	}
}

// themesNow returns the themes that count for an indexed answer. The caller holds mu.
func (rv *Service) themesNow(x *indexedAnswer) []string {
	if d := rv.reviewOf(x.sub, x.a.Question); d != nil {
		return d.Themes
	}
	return x.machine
}

// FindAnswers implements chorus.ReviewService.
func (rv *Service) FindAnswers(ctx context.Context, f chorus.AnswerFilter) (*chorus.AnswerPage, error) {
	ix, err := rv.index(ctx, f.Survey)
	if err != nil {
		return nil, err
	}
	if err := rv.waitReady(ctx); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	p := &chorus.AnswerPage{Counts: map[string]int{}, AsOf: ix.asOf}
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	for _, x := range ix.answers {
		themes := rv.themesNow(x)
		p.Counts[""]++
		if len(themes) == 0 {
			p.Counts[chorus.ThemeUncoded]++
		}
		for _, t := range themes {
			p.Counts[t]++
		}
		match := f.Theme == "" || f.Theme == chorus.ThemeUncoded && len(themes) == 0 || slices.Contains(themes, f.Theme)
		if !match {
			continue
		}
		if p.Total >= f.Offset && len(p.Answers) < limit {
			p.Answers = append(p.Answers, rv.withReview(x))
		}
		p.Total++
	}
	return p, nil
}

// withReview returns a copy of an indexed answer with its review. The caller holds mu.
func (rv *Service) withReview(x *indexedAnswer) *chorus.Answer {
	a := x.a
	a.Machine = slices.Clone(x.machine)
	rv.fillReview(&a, x.sub)
	return &a
}

// reviewed calls fn with each reviewed answer of a survey and its review, holding mu
// for reading.
func (rv *Service) reviewed(ctx context.Context, survey string, fn func(*indexedAnswer, *chorus.Review)) error {
	ix, err := rv.index(ctx, survey)
	if err != nil {
		return err
	}
	if err := rv.waitReady(ctx); err != nil {
		return err
	}
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	for _, x := range ix.answers {
		if d := rv.reviewOf(x.sub, x.a.Question); d != nil {
			fn(x, d)
		}
	}
	return nil
}

// Agreement implements chorus.ReviewService.
func (rv *Service) Agreement(ctx context.Context, survey string) ([]chorus.ThemeAgreement, int, error) {
	var themes []string
	if cb, err := rv.Codebooks.FindCodebook(ctx, survey); err == nil {
		for _, t := range cb.Themes {
			themes = append(themes, t.ID)
		}
	}
	var reviewed []*chorus.Answer
	err := rv.reviewed(ctx, survey, func(x *indexedAnswer, d *chorus.Review) {
		reviewed = append(reviewed, &chorus.Answer{Machine: x.machine, Reviewed: d.Themes, IsReviewed: true})
	})
	if err != nil {
		return nil, 0, err
	}
	agr, n := chorus.Agreement(themes, reviewed)
	return agr, n, nil
}

// ReviewedAnswers implements chorus.ReviewService.
func (rv *Service) ReviewedAnswers(ctx context.Context, survey string) ([]*chorus.Answer, error) {
	var out []*chorus.Answer
	err := rv.reviewed(ctx, survey, func(x *indexedAnswer, _ *chorus.Review) {
		out = append(out, rv.withReview(x))
	})
	return out, err
}

// EmergingTerms implements chorus.ReviewService.
func (rv *Service) EmergingTerms(ctx context.Context, survey string, n int) ([]chorus.Term, time.Time, error) {
	ix, err := rv.index(ctx, survey)
	if err != nil {
		return nil, time.Time{}, err
	}
	terms := ix.emerging
	if n > 0 && len(terms) > n {
		terms = terms[:n]
	}
	return slices.Clone(terms), ix.asOf, nil
}
