package results

import (
	"context"
	"sync"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/disclosure"
)

// Store keeps the cubes; Counter implements it.
type Store interface {
	// Snapshot returns a survey's current counts. The cube must not be changed; it is
	// empty for a survey with no responses.
	Snapshot(ctx context.Context, survey string) (*Cube, error)
	// Rebuild recounts a survey's counts from its stored responses ("" for all).
	Rebuild(ctx context.Context, survey string) error
}

// Publisher publishes results through disclosure control. Every output — API, CSV,
// pages, briefings — takes its figures from Publish.
type Publisher interface {
	// Publish returns a survey's results for a request. It returns ENOTFOUND for an
	// unknown survey, EINVALID (with a message for the reader and the filter's field)
	// for a filter that would describe too few young people or combines two
	// conditions, and EFORBIDDEN when a limited viewer asks for an area outside theirs.
	Publish(ctx context.Context, survey string, req Request) (*Report, error)
}

// Service implements chorus.ResultService and Publisher.
type Service struct {
	Store   Store
	Surveys chorus.SurveyService
	Places  *Places
	// Mapping returns the dimension questions of a survey; nil means DefaultMapping.
	Mapping func(survey string) Mapping

	mu    sync.Mutex
	cache map[cacheKey]*publication
}

type cacheKey struct {
	survey  string
	roundTo int
}

func (s *Service) mapping(survey string) Mapping {
	if s.Mapping == nil {
		return DefaultMapping
	}
	return s.Mapping(survey).orDefault()
}

// Results implements chorus.ResultService. Areas are council codes.
func (s *Service) Results(ctx context.Context, survey string, f chorus.Filter) (*chorus.Results, error) {
	sv, err := s.Surveys.FindSurvey(ctx, survey)
	if err != nil {
		return nil, err
	}
	c, err := s.Store.Snapshot(ctx, survey)
	if err != nil {
		return nil, err
	}
	return c.Query(sv, s.mapping(survey), f)
}

// Rebuild implements chorus.ResultService.
func (s *Service) Rebuild(ctx context.Context, survey string) error {
	if survey != "" {
		if _, err := s.Surveys.FindSurvey(ctx, survey); err != nil {
			return err
		}
	}
	return s.Store.Rebuild(ctx, survey)
}

// Publish implements Publisher. The threshold is the survey's; RoundTo comes from the
// request.
func (s *Service) Publish(ctx context.Context, survey string, req Request) (*Report, error) {
	sv, err := s.Surveys.FindSurvey(ctx, survey)
	if err != nil {
		return nil, err
	}
	c, err := s.Store.Snapshot(ctx, survey)
	if err != nil {
		return nil, err
	}
	p := disclosure.Policy{Threshold: sv.Threshold, RoundTo: req.RoundTo}
	if err := p.Validate(); err != nil {
		return nil, chorus.Wrap(chorus.EINTERNAL, err, "")
	}
	places := s.Places
	if places == nil {
		places = &Places{}
	}
	key := cacheKey{survey, req.RoundTo}
	s.mu.Lock()
	pb := s.cache[key]
	if pb == nil || pb.c != c || pb.s != sv {
		// A new snapshot (or survey file): publish afresh. Building it outside the lock
		// would let two requests build it twice; that costs time, not correctness.
		pb = newPublication(sv, s.mapping(survey), c, p, places)
		if s.cache == nil {
			s.cache = map[cacheKey]*publication{}
		}
		s.cache[key] = pb
	}
	s.mu.Unlock()
	return pb.publish(req)
}
