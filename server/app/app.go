// Package app is the composition root: Build makes every service of Chorus from the
// configuration, the store, a clock and a logger, in one place. The server, every
// command and every test fixture use it, so they all run the same wiring.
//
// What is guaranteed: the services Build returns are connected (stored batches are
// counted and checked for safeguarding; reviewed themes win in every count, whoever
// rebuilds; a codebook reload starts a re-tag job that recounts afterwards). What is
// not: Build does not wait for the store, and starts nothing in the background; Start
// does that, and Close stops it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/chorus-voice/chorus/server/auth"
	"github.com/chorus-voice/chorus/server/briefing"
	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/concerns"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/intake"
	"github.com/chorus-voice/chorus/server/mongodb"
	"github.com/chorus-voice/chorus/server/redact"
	"github.com/chorus-voice/chorus/server/report"
	"github.com/chorus-voice/chorus/server/results"
	"github.com/chorus-voice/chorus/server/retention"
	"github.com/chorus-voice/chorus/server/review"
	"github.com/chorus-voice/chorus/server/safeguard"
	"github.com/chorus-voice/chorus/server/theme"
)

// Config is what the services need from the program's configuration.
type Config struct {
	// SurveysDir holds the survey and codebook files.
	SurveysDir string
	// Secret signs staff sessions and group submit tokens (at least auth.MinSecretLen
	// bytes). Commands that sign nothing may pass any long enough value.
	Secret []byte
	// Hasher hashes staff passwords; nil is auth.DefaultHasher (tests pass a cheap one).
	Hasher *auth.Hasher
	// MaxStale lets results readers have counts up to this old while responses stream
	// in (see results.Counter); 0 is always the latest.
	MaxStale time.Duration
	// ReleaseInterval is the least time between two releases of a survey's results
	// (see results.Releaser); 0 releases as soon as the step rule allows.
	ReleaseInterval time.Duration
	// Org is who makes the briefings: printed on every one.
	Org report.Org
}

// Handlers are the services the HTTP server calls. web.Services has exactly these
// fields, so web.Services(svc.Handlers) converts them (and fails to compile if the two
// drift apart); this package does not import web, so web's tests can use it.
type Handlers struct {
	Store interface {
		Ready(ctx context.Context) error
	}
	Surveys   *intake.Catalog
	Responses chorus.ResponseService

	Auth        *auth.Service
	Tokens      *auth.Tokens
	Users       chorus.UserService
	Audit       chorus.AuditService
	ShareLinks  chorus.ShareLinkService
	AccessCodes *auth.AccessCodes

	Results      *results.Service
	Briefings    chorus.BriefingService
	Publications chorus.PublicationService
	Geo          *geo.Geography
	Briefs       *briefing.Service
	Releases     *results.Releaser

	Codebooks    chorus.CodebookService
	Reviews      chorus.ReviewService
	Jobs         chorus.JobService
	Quotes       chorus.QuoteService
	Safeguarding chorus.SafeguardingService
	Retention    chorus.RetentionService
}

// Services are the running program's services, typed.
type Services struct {
	Handlers

	DB  *mongodb.DB
	Log *slog.Logger
	// Now is the clock every service reads dates from.
	Now func() time.Time
	// Intake takes responses (Handlers.Responses is the same service).
	Intake *intake.Service
	// Writer stores responses in batches (group commit).
	Writer *mongodb.ResponseStore
	// Counts keeps the results aggregates of every survey.
	Counts   *results.Counter
	Review   *review.Service
	Retagger *mongodb.Retagger
	Concerns *concerns.Queue
	// Retainer deletes answers older than their survey keeps them, taking them out of
	// the counts first.
	Retainer *retention.Job

	retag   chan struct{} // kicks the re-tag loop after a reload
	mu      sync.Mutex
	started bool
	stop    context.CancelFunc
	loops   sync.WaitGroup
}

// Build makes every service on db. now is the clock (nil: time.Now). It reads the
// shipped geography and the survey files; it does not touch the store.
func Build(ctx context.Context, cfg Config, db *mongodb.DB, now func() time.Time, log *slog.Logger) (*Services, error) {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	g, err := geo.Load()
	if err != nil {
		return nil, fmt.Errorf("load shipped geography: %w", err)
	}
	tokens, err := auth.NewTokens(cfg.Secret)
	if err != nil {
		return nil, err
	}
	tokens.Now = now
	hasher := cfg.Hasher
	if hasher == nil {
		hasher = auth.DefaultHasher()
	}
	s := &Services{DB: db, Log: log, Now: now}

	// Surveys and the intake of responses: checks, redaction, risk, tagging.
	catalog := intake.NewCatalogAt(cfg.SurveysDir, g.Areas(), log, now)
	users, audit := mongodb.NewUserService(db), mongodb.NewAuditService(db)
	accounts := auth.NewService(users, audit, hasher)
	accounts.Now = now
	codes := auth.NewAccessCodes(mongodb.NewAccessCodeService(db), tokens, log)
	codes.Now = now
	s.Writer = db.NewResponseStore(0, 0)
	s.Intake = &intake.Service{
		Surveys: catalog, Store: s.Writer, Now: now,
		Areas:  func(code string) bool { _, ok := g.Area(code); return ok },
		Redact: redact.Redact,
		Detect: intake.Detect(func(text string) (bool, []string, string) {
			r := safeguard.Detect(text)
			return r.Flagged, r.Categories, r.Level
		}),
		Tag:          catalog.Tag,
		GroupSession: codes.Verify,
	}

	// Free text and results: reviewed themes win in every count, whoever counts.
	s.Review = review.New(mongodb.NewReviewStore(db), catalog, catalog, log)
	s.Review.Now, s.Review.Emerging = now, emergingTerms
	s.Counts = results.NewCounter(mongodb.NewAggregateStore(db), catalog, log)
	s.Counts.MaxStale = cfg.MaxStale
	s.Counts.ThemesOf = s.Review.ThemesOf
	s.Review.Retag = s.Counts.Retag
	// Every figure shown comes from a stored release of the counts (see results.Releaser).
	places := PlacesOf(g)
	releases := &results.Releaser{Store: mongodb.NewReleases(db), Live: s.Counts, Surveys: catalog, Places: places,
		Interval: cfg.ReleaseInterval, Lease: db.Lease, Now: now, Log: log}
	resultsService := &results.Service{Store: s.Counts, Surveys: catalog, Places: places, Releases: releases}
	s.Concerns = &concerns.Queue{Store: mongodb.NewConcernStore(db), Surveys: catalog, Now: now, Log: log}
	s.Writer.OnBatch = func(ctx context.Context, stored []*chorus.Response) error {
		return errors.Join(s.Counts.OnBatch(ctx, stored), s.Concerns.OnBatch(ctx, stored))
	}
	s.Retagger = db.NewRetagger()
	s.Retagger.Surveys, s.Retagger.Codebooks, s.Retagger.Tagger = catalog, catalog.Codebooks, catalog.Tagger
	s.Retagger.Rebuild = resultsService.Rebuild
	s.Retagger.OnDone = s.Review.Forget
	s.retag = make(chan struct{}, 1)
	catalog.OnReload = func() { kick(s.retag) }
	s.Retainer = &retention.Job{Store: mongodb.NewRetentionStore(db), Surveys: catalog, Audit: audit, Lease: db.Lease,
		Forget: s.Counts.Forget, Now: now, Log: log}
	quotes := &review.Quotes{Store: mongodb.NewQuoteStore(db), Reviews: s.Review, Codebooks: catalog,
		Queued: s.Concerns.Queued, Redact: redact.Redact, Now: now}

	// Briefings, and batches of them for every constituency, from pinned releases.
	briefs := &briefing.Service{Surveys: catalog, Results: resultsService, Pin: resultsService.Pin, Geo: g,
		Batches: mongodb.NewBriefingBatches(db), Org: cfg.Org, Now: now, Log: log, Ready: db.WaitReady,
		Quotes: func(ctx context.Context, survey string) ([]report.Quote, error) {
			return briefing.ApprovedQuotes(ctx, quotes, survey)
		},
		Labels: func(ctx context.Context, survey, lang string) map[string]report.ThemeLabel {
			return briefing.ThemeLabels(ctx, catalog, survey, lang)
		}}
	if cla, err := geo.ChildrenLookedAfter(); err == nil {
		briefs.Children = cla
	} else {
		log.Error("children looked after: briefings will not give response rates", "err", err)
	}

	s.Handlers = Handlers{
		Store: db, Surveys: catalog, Responses: s.Intake,
		Auth: accounts, Tokens: tokens, Users: users, Audit: audit,
		ShareLinks: mongodb.NewShareLinkService(db), AccessCodes: codes,
		Results: resultsService, Briefings: mongodb.NewBriefingService(db),
		Publications: mongodb.NewPublicationService(db), Geo: g, Briefs: briefs, Releases: releases,
		Codebooks: catalog, Reviews: s.Review, Jobs: s.Retagger, Quotes: quotes, Safeguarding: s.Concerns,
		Retention: s.Retainer,
	}
	return s, nil
}

// Load reads what the counts depend on — the reviews, then the aggregates — and
// returns once both are in memory. Commands call it instead of Start.
func (s *Services) Load(ctx context.Context) error {
	if err := s.Review.Load(ctx); err != nil {
		return fmt.Errorf("load reviews: %w", err)
	}
	if err := s.Counts.Load(ctx); err != nil {
		return fmt.Errorf("load results: %w", err)
	}
	return nil
}

// Start starts every background loop — the aggregates, the reviews, the re-tag jobs,
// the safeguarding queue's check, briefing batches, retention, the revoked access
// codes and releases — which run until Close. Each waits for the store by itself.
func (s *Services) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	s.started = true
	ctx, s.stop = context.WithCancel(ctx)
	s.Counts.Start(ctx)
	// Reviews made on other instances are read every 30 s (after a failure, 2 s).
	s.every(ctx, "load reviews", 30*time.Second, 2*time.Second, false, nil, s.Review.Load)
	s.every(ctx, "re-tag jobs", 5*time.Second, 0, false, s.retag, func(ctx context.Context) error {
		_, err := s.Retagger.RunOnce(ctx)
		return err
	})
	// Risky responses a crash left out of the safeguarding queue go in once at start.
	s.every(ctx, "check the safeguarding queue", 0, 10*time.Second, true, nil, func(ctx context.Context) error {
		_, err := s.Concerns.Sync(ctx)
		return err
	})
	s.Briefs.Start(ctx)
	s.every(ctx, "retention", time.Hour, 0, false, nil, func(ctx context.Context) error {
		_, err := s.Retainer.RunOnce(ctx)
		return err
	})
	s.loops.Add(2)
	go func() {
		defer s.loops.Done()
		if s.DB.WaitReady(ctx) == nil {
			s.AccessCodes.Run(ctx)
		}
	}()
	go func() {
		defer s.loops.Done()
		if s.DB.WaitReady(ctx) == nil {
			s.Releases.Run(ctx)
		}
	}()
}

// Close stores the responses still queued, then stops the background loops (a re-tag
// job stops after the batch it is writing and resumes at the next start). It is safe
// to call whether or not Start was called, and more than once.
func (s *Services) Close(ctx context.Context) error {
	err := s.Writer.Close(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		s.stop()
	}
	s.Briefs.Close()
	s.Counts.Close()
	s.loops.Wait()
	return err
}

// PlacesOf gives the results package the shipped geography.
func PlacesOf(g *geo.Geography) *results.Places {
	return &results.Places{
		Councils: g.Areas(), CountryCode: geo.EnglandCode, CountryName: geo.EnglandName,
		Nations: map[string]string{geo.WalesCode: geo.WalesName},
		Constituency: func(code string) (string, []string, bool) {
			c, ok := g.Constituency(code)
			return c.Name, c.Councils, ok
		},
	}
}

// emergingTerms adapts theme.EmergingTerms to the review service.
func emergingTerms(uncoded, all []string, n int) []chorus.Term {
	terms := theme.EmergingTerms(uncoded, all, n)
	out := make([]chorus.Term, len(terms))
	for i, t := range terms {
		out[i] = chorus.Term{Text: t.Text, Count: t.Count, Score: t.Score}
	}
	return out
}
