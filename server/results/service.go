package results

import (
	"context"
	"sync"
	"time"

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
	// Releases, when set, is where every published figure comes from: the current
	// release, never the live counts (see the package documentation, "Releases").
	Releases *Releaser

	mu       sync.Mutex
	cache    map[cacheKey]*publication
	released map[cacheKey]*released
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

// Results implements chorus.ResultService: the live counts, raw, for checks and
// commands. Nothing shows them: every output publishes a release (Publish). Areas are
// council codes.
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
	if err := s.Store.Rebuild(ctx, survey); err != nil {
		return err
	}
	if s.Releases == nil || survey == "" {
		return nil
	}
	// A recount makes a new release (if the step rule allows), never changes an old one.
	_, err := s.Releases.Release(ctx, survey, true)
	return err
}

// Publish implements Publisher. The threshold is the survey's; RoundTo comes from the
// request.
func (s *Service) Publish(ctx context.Context, survey string, req Request) (*Report, error) {
	sv, err := s.Surveys.FindSurvey(ctx, survey)
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
	if s.Releases != nil {
		rd, err := s.releasedFor(ctx, sv, key, p, places)
		if err != nil {
			return nil, err
		}
		return rd.publish(req)
	}
	c, err := s.Store.Snapshot(ctx, survey)
	if err != nil {
		return nil, err
	}
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

// releasedFor returns what the survey's current release publishes under policy p, kept
// in memory until the next release (or a change of survey file).
func (s *Service) releasedFor(ctx context.Context, sv *chorus.Survey, key cacheKey, p disclosure.Policy, places *Places) (*released, error) {
	rel, err := s.Releases.Current(ctx, sv.ID)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	rd := s.released[key]
	s.mu.Unlock()
	if rd != nil && rd.rel == rel && rd.s == sv {
		return rd, nil
	}
	rels, err := s.Releases.older(ctx, rel)
	if err != nil {
		return nil, err
	}
	old := rd
	rd = newReleased(sv, s.mapping(sv.ID), rel, rels, p, places)
	if old != nil && old.s == sv {
		old.carry(rd) // the older releases' tables are the same in the new one
	}
	s.mu.Lock()
	if s.released == nil {
		s.released = map[cacheKey]*released{}
	}
	s.released[key] = rd
	s.mu.Unlock()
	return rd, nil
}

// CodeCounts returns the responses given through each access code (ids, in order),
// those given without one, and all responses, as one line through disclosure control
// (zeros shown), with the release they come from. Each code's count (and the count
// without one) comes from the release its group is as of, so that it changes only by k
// or more at a time.
func (s *Service) CodeCounts(ctx context.Context, survey string, ids []string) (perCode []disclosure.Value, without, total disclosure.Value, ref *ReleaseRef, err error) {
	sv, err := s.Surveys.FindSurvey(ctx, survey)
	if err != nil {
		return nil, without, total, nil, err
	}
	p := disclosure.Policy{Threshold: sv.Threshold, ShowZero: true}
	line := func(c *Cube) (disclosure.List, error) {
		counts := make([]int, len(ids)+1)
		through := int64(0)
		for i, id := range ids {
			n := c.count(&c.total, slotSession+id)
			counts[i], through = int(n), through+n
		}
		counts[len(ids)] = int(max(0, c.total.n-through))
		return p.Single(counts)
	}
	if s.Releases == nil {
		c, err := s.Store.Snapshot(ctx, survey)
		if err != nil {
			return nil, without, total, nil, err
		}
		l, err := line(c)
		if err != nil {
			return nil, without, total, nil, chorus.Wrap(chorus.EINTERNAL, err, "")
		}
		for i := range ids {
			perCode = append(perCode, l.Options[i].Count)
		}
		return perCode, l.Options[len(ids)].Count, l.Base, nil, nil
	}
	rel, rels, err := s.Releases.currentWithOlder(ctx, survey)
	if err != nil {
		return nil, without, total, nil, err
	}
	lines := map[string]disclosure.List{}
	at := func(g GroupKey) (disclosure.List, error) {
		r := rel
		if id, ok := rel.AsOf[g]; ok && rels[id] != nil {
			r = rels[id]
		}
		if l, ok := lines[r.ID]; ok {
			return l, nil
		}
		l, err := line(r.Cube)
		if err != nil {
			return l, chorus.Wrap(chorus.EINTERNAL, err, "")
		}
		lines[r.ID] = l
		return l, nil
	}
	for i, id := range ids {
		l, err := at(CodeGroup(id))
		if err != nil {
			return nil, without, total, nil, err
		}
		perCode = append(perCode, l.Options[i].Count)
	}
	l, err := at(CodeGroup(""))
	if err != nil {
		return nil, without, total, nil, err
	}
	without = l.Options[len(ids)].Count
	if l, err = at(AllGroup); err != nil {
		return nil, without, total, nil, err
	}
	return perCode, without, l.Base, rel.Ref(disclosure.Policy{Threshold: sv.Threshold}), nil
}

// Pinned publishes every request from one release (or, without releases, one snapshot)
// of a survey's counts, so that a set of outputs made one after another (every
// constituency's briefing) agree with each other even while responses arrive.
type Pinned struct {
	sv   *chorus.Survey
	mu   sync.Mutex
	pubs map[int]func(req Request) (*Report, error)
	make func(roundTo int) func(req Request) (*Report, error)
	// Release identifies what is pinned: the release's id (or, without releases, a
	// digest of the counts: the same counts give the same ID on any instance and after
	// a restart) and when it was made (the day of the snapshot without releases).
	Release PinnedRelease
}

// PinnedRelease identifies what a Pinned publishes from.
type PinnedRelease struct {
	ID        string
	At        time.Time
	Responses int64
}

// Pin returns a Pinned publisher for the survey's current release (or counts).
func (s *Service) Pin(ctx context.Context, survey string) (*Pinned, error) {
	sv, err := s.Surveys.FindSurvey(ctx, survey)
	if err != nil {
		return nil, err
	}
	places := s.Places
	if places == nil {
		places = &Places{}
	}
	pin := &Pinned{sv: sv}
	if s.Releases != nil {
		rel, rels, err := s.Releases.currentWithOlder(ctx, survey)
		if err != nil {
			return nil, err
		}
		pin.Release = PinnedRelease{ID: rel.ID, At: rel.At, Responses: rel.Responses}
		pin.make = func(roundTo int) func(Request) (*Report, error) {
			return newReleased(sv, s.mapping(survey), rel, rels, disclosure.Policy{Threshold: sv.Threshold, RoundTo: roundTo}, places).publish
		}
		return pin, nil
	}
	c, err := s.Store.Snapshot(ctx, survey)
	if err != nil {
		return nil, err
	}
	pin.Release = PinnedRelease{ID: c.Digest(), Responses: c.Responses()}
	pin.make = func(roundTo int) func(Request) (*Report, error) {
		pb := newPublication(sv, s.mapping(survey), c, disclosure.Policy{Threshold: sv.Threshold, RoundTo: roundTo}, places)
		return pb.publish
	}
	return pin, nil
}

// Publish implements Publisher from the pinned release. Its publications are kept
// apart from the live ones, so that the two do not push each other out of the cache.
func (p *Pinned) Publish(_ context.Context, survey string, req Request) (*Report, error) {
	if survey != p.sv.ID {
		return nil, chorus.Errorf(chorus.ENOTFOUND, "No such survey.")
	}
	if err := (disclosure.Policy{Threshold: p.sv.Threshold, RoundTo: req.RoundTo}).Validate(); err != nil {
		return nil, chorus.Wrap(chorus.EINTERNAL, err, "")
	}
	p.mu.Lock()
	pub := p.pubs[req.RoundTo]
	if pub == nil {
		pub = p.make(req.RoundTo)
		if p.pubs == nil {
			p.pubs = map[int]func(Request) (*Report, error){}
		}
		p.pubs[req.RoundTo] = pub
	}
	p.mu.Unlock()
	return pub(req)
}
