package mongodb

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/chorus-voice/chorus/server/chorus"
)

func init() {
	registerIndexes("reviews",
		mongo.IndexModel{Keys: bson.D{{Key: "survey", Value: 1}}, Options: options.Index().SetName("survey")})
}

// reviewDoc is the reviewed themes of one free-text answer: a question of a response.
type reviewDoc struct {
	ID           string    `bson:"_id"` // submission id + "/" + question id
	Survey       string    `bson:"survey"`
	SubmissionID string    `bson:"submission_id"`
	Question     string    `bson:"question"`
	Themes       []string  `bson:"themes"`
	By           string    `bson:"by"`
	At           time.Time `bson:"at"`
}

func answerKey(submissionID, question string) string { return submissionID + "/" + question }

// Reviews implements chorus.ReviewService. It keeps every reviewed answer's themes in
// memory (people review hundreds or thousands of answers, not millions), so that
// ThemesOf can make reviewed tags win in every count; and, per survey, the survey's
// free-text answers as last read from the store, so that pages list, count and page
// through them without a query (the embedded store scans the whole collection for
// every query that is not by _id). The answers are read again in the background when
// they are older than MaxAge, and after a re-tag job (Forget).
type Reviews struct {
	reviews   *mongo.Collection
	responses *mongo.Collection
	db        *DB
	log       *slog.Logger

	Surveys   chorus.SurveyService
	Codebooks chorus.CodebookService
	// Retag, if set, is told about every review that changes the themes that count
	// for a response: before and after carry those themes in Themes, reviews applied
	// (results.Counter.Retag fits: it counts them as they are).
	Retag func(ctx context.Context, before, after *chorus.Response) error
	// Emerging works out candidate themes from the uncoded answers and all answers
	// (theme.EmergingTerms fits); nil shows none.
	Emerging func(uncoded, all []string, n int) []chorus.Term
	// MaxAge is how old a survey's answers may get before they are read again (2
	// minutes if zero); PollEvery is how often reviews made on other instances are
	// read (30 seconds if zero).
	MaxAge, PollEvery time.Duration

	ready    chan struct{} // closed once the reviews are loaded
	readyOne sync.Once
	salt     []byte // keys the opaque response ids (see token)

	mu    sync.RWMutex
	byKey map[string]*reviewDoc            // answerKey → review
	bySub map[string]map[string]*reviewDoc // submission id → question → review

	writeMu sync.Mutex

	imu     sync.Mutex
	indexes map[string]*answerIndex

	stop    context.CancelFunc
	stopped chan struct{}
}

// NewReviews returns the review service on db. Call Load or Start before use.
func (d *DB) NewReviews(surveys chorus.SurveyService, codebooks chorus.CodebookService) *Reviews {
	return &Reviews{
		reviews: d.db.Collection("reviews"), responses: d.db.Collection("responses"), db: d, log: d.log,
		Surveys: surveys, Codebooks: codebooks, ready: make(chan struct{}),
		byKey: map[string]*reviewDoc{}, bySub: map[string]map[string]*reviewDoc{}, indexes: map[string]*answerIndex{},
	}
}

var _ chorus.ReviewService = (*Reviews)(nil)

// Load reads every review from the store.
func (rv *Reviews) Load(ctx context.Context) error {
	if rv.salt == nil {
		salt, err := loadSalt(ctx, rv.db, "answer_id_salt")
		if err != nil {
			return err
		}
		rv.mu.Lock()
		rv.salt = salt
		rv.mu.Unlock()
	}
	docs, err := findAll(ctx, rv.reviews, "reviews", bson.D{}, func(d *reviewDoc) *reviewDoc { return d })
	if err != nil {
		return err
	}
	byKey := make(map[string]*reviewDoc, len(docs))
	bySub := make(map[string]map[string]*reviewDoc, len(docs))
	for _, d := range docs {
		byKey[d.ID] = d
		if bySub[d.SubmissionID] == nil {
			bySub[d.SubmissionID] = map[string]*reviewDoc{}
		}
		bySub[d.SubmissionID][d.Question] = d
	}
	rv.mu.Lock()
	rv.byKey, rv.bySub = byKey, bySub
	rv.mu.Unlock()
	rv.readyOne.Do(func() { close(rv.ready) })
	return nil
}

// Start loads the reviews once the store is ready and reads them again every
// PollEvery, until Close.
func (rv *Reviews) Start(ctx context.Context) {
	ctx, rv.stop = context.WithCancel(ctx)
	rv.stopped = make(chan struct{})
	every := rv.PollEvery
	if every <= 0 {
		every = 30 * time.Second
	}
	go func() {
		defer close(rv.stopped)
		if err := rv.db.WaitReady(ctx); err != nil {
			return
		}
		wait := 2 * time.Second
		for {
			err := rv.Load(ctx)
			if err != nil && ctx.Err() == nil {
				rv.log.Error("load reviews", "err", err)
			} else {
				wait = every
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
	}()
}

// Close stops the background reading.
func (rv *Reviews) Close() {
	if rv.stop != nil {
		rv.stop()
		<-rv.stopped
	}
}

// waitReady waits until the reviews are first loaded, or ctx ends (EUNAVAILABLE).
func (rv *Reviews) waitReady(ctx context.Context) error {
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
func (rv *Reviews) ThemesOf(r *chorus.Response) map[string][]string {
	if !isClosed(rv.ready) {
		select {
		case <-rv.ready:
		case <-time.After(30 * time.Second):
			rv.log.Warn("reviews not loaded yet: counting machine tags", "survey", r.Survey)
			return r.Themes
		}
	}
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	return overlay(r.Themes, rv.bySub[r.SubmissionID])
}

// overlay puts reviewed themes over machine tags.
func overlay(machine map[string][]string, reviewed map[string]*reviewDoc) map[string][]string {
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

// loadSalt returns the random value kept in the settings collection under name,
// making it the first time.
func loadSalt(ctx context.Context, db *DB, name string) ([]byte, error) {
	coll := db.db.Collection("settings")
	var doc struct {
		Value []byte `bson:"value"`
	}
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		v := make([]byte, 32)
		_, _ = rand.Read(v)
		_, err = coll.InsertOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "value", Value: v}})
		if err != nil && !mongo.IsDuplicateKeyError(err) {
			return nil, translate("store "+name, err)
		}
		err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&doc)
	}
	if err != nil {
		return nil, translate("find "+name, err)
	}
	if len(doc.Value) < 16 {
		return nil, fmt.Errorf("settings: %s is too short", name)
	}
	return doc.Value, nil
}

// ResponseID returns the opaque id staff pages use for the response with the
// submission id: a keyed hash of it, so that nobody can work out a child's receipt
// code (made from the submission id) from a page.
func (rv *Reviews) ResponseID(submissionID string) string { return rv.token(submissionID) }

func (rv *Reviews) token(submissionID string) string {
	rv.mu.RLock()
	salt := rv.salt
	rv.mu.RUnlock()
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(submissionID))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// storedAnswer is a stored response with one of its free-text answers.
type storedAnswer struct {
	doc  responseDoc
	text string
}

func (s *storedAnswer) flagged() bool { return len(s.doc.Flags) > 0 }

// findResponse reads a response by submission id: by _id, or for responses stored
// before _id was the submission id, by the submission_id field.
func findResponse(ctx context.Context, coll *mongo.Collection, submissionID string) (*responseDoc, error) {
	var doc responseDoc
	err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: submissionID}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		err = coll.FindOne(ctx, bson.D{{Key: "submission_id", Value: submissionID}}).Decode(&doc)
	}
	if err != nil {
		return nil, translate("find response", err)
	}
	return &doc, nil
}

// findStoredAnswer finds the survey's response with the opaque id and checks that it
// has a free-text answer to question.
func (rv *Reviews) findStoredAnswer(ctx context.Context, survey, responseID, question string) (*storedAnswer, error) {
	notFound := chorus.Errorf(chorus.ENOTFOUND, "That answer does not exist.")
	ix, err := rv.index(ctx, survey)
	if err != nil {
		return nil, err
	}
	sub, ok := ix.byToken[responseID]
	if !ok {
		return nil, notFound
	}
	doc, err := findResponse(ctx, rv.responses, sub)
	if chorus.ErrorCode(err) == chorus.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	sv, err := rv.Surveys.FindSurvey(ctx, doc.Survey)
	if err != nil || doc.Survey != survey {
		return nil, notFound
	}
	q := sv.Question(question)
	text, _ := doc.Answers[question].(string)
	if q == nil || !chorus.IsTextQuestion(q) || text == "" || text == chorus.PreferNot {
		return nil, notFound
	}
	return &storedAnswer{doc: *doc, text: text}, nil
}

func (rv *Reviews) answerOf(s *storedAnswer, question string) *chorus.Answer {
	a := &chorus.Answer{ResponseID: rv.token(s.doc.SubmissionID), Survey: s.doc.Survey, Version: s.doc.Version, Question: question,
		Day: s.doc.Day, Text: s.text, Machine: s.doc.Themes[question], Risky: s.doc.Risky || s.flagged()}
	rv.mu.RLock()
	rv.fillReview(a, s.doc.SubmissionID)
	rv.mu.RUnlock()
	return a
}

// fillReview copies the answer's review into a. The caller holds mu.
func (rv *Reviews) fillReview(a *chorus.Answer, submissionID string) {
	if d := rv.byKey[answerKey(submissionID, a.Question)]; d != nil {
		a.IsReviewed, a.Reviewed, a.ReviewedBy, a.ReviewedAt = true, slices.Clone(d.Themes), d.By, d.At
	}
}

// FindAnswer implements chorus.ReviewService.
func (rv *Reviews) FindAnswer(ctx context.Context, survey, responseID, question string) (*chorus.Answer, error) {
	s, err := rv.findStoredAnswer(ctx, survey, responseID, question)
	if err != nil {
		return nil, err
	}
	if s.flagged() {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "That answer does not exist.")
	}
	return rv.answerOf(s, question), nil
}

// Review implements chorus.ReviewService.
func (rv *Reviews) Review(ctx context.Context, ch chorus.ReviewChange) (*chorus.Answer, error) {
	s, err := rv.findStoredAnswer(ctx, ch.Survey, ch.ResponseID, ch.Question)
	if err != nil {
		return nil, err
	}
	if s.flagged() {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "That answer does not exist.")
	}
	if ch.Action == chorus.ReviewAdd {
		cb, err := rv.Codebooks.FindCodebook(ctx, s.doc.Survey)
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

	sub := s.doc.SubmissionID
	rv.mu.RLock()
	beforeReviews := maps.Clone(rv.bySub[sub])
	rv.mu.RUnlock()
	current := s.doc.Themes[ch.Question]
	if d := beforeReviews[ch.Question]; d != nil {
		current = d.Themes
	}
	next, err := chorus.ApplyReview(current, ch.Action, ch.Theme)
	if err != nil {
		return nil, err
	}
	d := &reviewDoc{ID: answerKey(sub, ch.Question), Survey: s.doc.Survey, SubmissionID: sub, Question: ch.Question,
		Themes: next, By: ch.By, At: day(time.Now())}
	if _, err := rv.reviews.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true)); err != nil {
		return nil, translate("store review", err)
	}
	rv.mu.Lock()
	rv.byKey[d.ID] = d
	if rv.bySub[sub] == nil {
		rv.bySub[sub] = map[string]*reviewDoc{}
	}
	rv.bySub[sub][ch.Question] = d
	afterReviews := maps.Clone(rv.bySub[sub])
	rv.mu.Unlock()

	if rv.Retag != nil {
		before, after := fromResponseDoc(&s.doc), fromResponseDoc(&s.doc)
		before.Themes = overlay(s.doc.Themes, beforeReviews)
		after.Themes = overlay(s.doc.Themes, afterReviews)
		if !sameThemes(before.Themes, after.Themes) {
			if err := rv.Retag(ctx, before, after); err != nil {
				rv.log.Error("recount a reviewed response", "survey", s.doc.Survey, "err", err)
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
func (rv *Reviews) Forget(survey string) {
	rv.imu.Lock()
	delete(rv.indexes, survey)
	rv.imu.Unlock()
}

func (rv *Reviews) maxAge() time.Duration {
	if rv.MaxAge <= 0 {
		return 2 * time.Minute
	}
	return rv.MaxAge
}

// index returns the survey's answers, reading them if needed. A stale index is
// returned at once and read again in the background; a missing one is read in the
// background and waited for until ctx ends (then EUNAVAILABLE).
func (rv *Reviews) index(ctx context.Context, survey string) (*answerIndex, error) {
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
	case !ix.refreshing && isClosed(ix.ready) && (ix.err != nil || time.Since(ix.asOf) > rv.maxAge()):
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
func (rv *Reviews) build(survey string, ix, old *answerIndex) {
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
		rv.log.Info("free-text answers read", "survey", survey, "answers", len(ix.answers), "seconds", time.Since(start).Seconds())
	} else {
		rv.log.Error("read free-text answers", "survey", survey, "err", ix.err)
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

func (rv *Reviews) read(ctx context.Context, survey string, ix *answerIndex) error {
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
	asOf := time.Now()
	cur, err := rv.responses.Find(ctx, bson.D{{Key: "survey", Value: survey}}, options.Find().SetBatchSize(1000).SetProjection(
		bson.D{{Key: "_id", Value: 1}, {Key: "submission_id", Value: 1}, {Key: "version", Value: 1}, {Key: "day", Value: 1},
			{Key: "answers", Value: 1}, {Key: "themes", Value: 1}, {Key: "flags", Value: 1}, {Key: "risky", Value: 1}}))
	if err != nil {
		return translate("find responses", err)
	}
	defer cur.Close(ctx)
	ix.byToken = map[string]string{}
	for cur.Next(ctx) {
		var doc responseDoc
		if err := cur.Decode(&doc); err != nil {
			return fmt.Errorf("decode response: %w", err)
		}
		if len(doc.Flags) > 0 {
			continue // in the safeguarding queue, not on review pages
		}
		token := rv.token(doc.SubmissionID)
		for _, q := range questions {
			text, _ := doc.Answers[q].(string)
			if text == "" || text == chorus.PreferNot {
				continue
			}
			ix.byToken[token] = doc.SubmissionID
			ix.answers = append(ix.answers, &indexedAnswer{sub: doc.SubmissionID, machine: doc.Themes[q],
				a: chorus.Answer{ResponseID: token, Survey: survey, Version: doc.Version, Question: q, Day: doc.Day,
					Text: text, Machine: doc.Themes[q], Risky: doc.Risky}})
		}
	}
	if err := cur.Err(); err != nil {
		return translate("read responses", err)
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
func (rv *Reviews) emerging(ix *answerIndex) {
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
func (rv *Reviews) themesNow(x *indexedAnswer) []string {
	if d := rv.byKey[answerKey(x.sub, x.a.Question)]; d != nil {
		return d.Themes
	}
	return x.machine
}

// FindAnswers implements chorus.ReviewService.
func (rv *Reviews) FindAnswers(ctx context.Context, f chorus.AnswerFilter) (*chorus.AnswerPage, error) {
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
			a := x.a
			a.Machine = slices.Clone(x.machine)
			rv.fillReview(&a, x.sub)
			p.Answers = append(p.Answers, &a)
		}
		p.Total++
	}
	return p, nil
}

// Agreement implements chorus.ReviewService.
func (rv *Reviews) Agreement(ctx context.Context, survey string) ([]chorus.ThemeAgreement, int, error) {
	ix, err := rv.index(ctx, survey)
	if err != nil {
		return nil, 0, err
	}
	var themes []string
	if cb, err := rv.Codebooks.FindCodebook(ctx, survey); err == nil {
		for _, t := range cb.Themes {
			themes = append(themes, t.ID)
		}
	}
	if err := rv.waitReady(ctx); err != nil {
		return nil, 0, err
	}
	rv.mu.RLock()
	var reviewed []*chorus.Answer
	for _, x := range ix.answers {
		if d := rv.byKey[answerKey(x.sub, x.a.Question)]; d != nil {
			reviewed = append(reviewed, &chorus.Answer{Machine: x.machine, Reviewed: d.Themes, IsReviewed: true})
		}
	}
	rv.mu.RUnlock()
	agr, n := chorus.Agreement(themes, reviewed)
	return agr, n, nil
}

// ReviewedAnswers implements chorus.ReviewService.
func (rv *Reviews) ReviewedAnswers(ctx context.Context, survey string) ([]*chorus.Answer, error) {
	ix, err := rv.index(ctx, survey)
	if err != nil {
		return nil, err
	}
	if err := rv.waitReady(ctx); err != nil {
		return nil, err
	}
	rv.mu.RLock()
	defer rv.mu.RUnlock()
	var out []*chorus.Answer
	for _, x := range ix.answers {
		if rv.byKey[answerKey(x.sub, x.a.Question)] == nil {
			continue
		}
		a := x.a
		a.Machine = slices.Clone(x.machine)
		rv.fillReview(&a, x.sub)
		out = append(out, &a)
	}
	return out, nil
}

// EmergingTerms implements chorus.ReviewService.
func (rv *Reviews) EmergingTerms(ctx context.Context, survey string, n int) ([]chorus.Term, time.Time, error) {
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
