// Package synth makes synthetic responses to a survey for the demo command, tests and
// benchmarks. The answers follow plausible patterns (older young people more often live in
// their own place; one latent "how things are going" drives the faces) but they describe
// nobody. Every submission id starts with results.DemoPrefix unless the caller changes it,
// so that synthetic data can always be told apart from real responses.
package synth

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/results"
)

// Generator makes synthetic answers for one survey. Set the fields, then call Submission
// or Response. It is not safe for concurrent use.
type Generator struct {
	Survey *chorus.Survey
	// Councils are the areas answers are spread over, weighted by Sizes (the number of
	// children each council looks after) where given, or else by a made-up size.
	Councils []chorus.Area
	Sizes    map[string]int
	// From and To bound the days of responses; more arrive in the first weeks.
	From, To time.Time
	// Rand is the source of randomness; nil means a fixed seed.
	Rand *rand.Rand
	// Versions weights the versions by id; nil uses typical weights.
	Versions map[string]float64
	// TextRate is the share of young people who write something (0 means 0.6; <0 none).
	TextRate float64

	weights []float64
	n       int
}

// Phrase is a made-up free-text answer and the themes it is about.
type Phrase struct {
	Text   string
	Themes []string
}

// Phrases are the free-text answers the generator draws from, written for Chorus's demo:
// short, plain, and about the themes children in care most often raise.
var Phrases = []Phrase{
	{"I want to see my brother and sister more, we only get an hour a month", []string{"family_contact"}},
	{"More time with my mum", []string{"family_contact"}},
	{"Phone calls with my nan every week", []string{"family_contact"}},
	{"My social worker keeps changing and I have to tell my story again every time", []string{"social_workers"}},
	{"Social workers who listen and come back when they say they will", []string{"social_workers", "having_a_say"}},
	{"Not moving again. I have had five placements and had to change school", []string{"placement_moves", "school_education"}},
	{"Knowing I can stay where I am until I'm ready", []string{"placement_moves"}},
	{"Help with maths and more support in school", []string{"school_education"}},
	{"Teachers who understand what care is like", []string{"school_education"}},
	{"Someone to talk to when I feel anxious", []string{"mental_health"}},
	{"Shorter waits for CAMHS", []string{"mental_health"}},
	{"Feeling safe where I live at night", []string{"feeling_safe"}},
	{"Being asked what I think before decisions are made about me", []string{"having_a_say"}},
	{"Being at my own reviews and being listened to", []string{"having_a_say"}},
	{"Help finding a flat and learning to cook and budget before I leave care", []string{"leaving_care", "money_things"}},
	{"Support that doesn't stop at 18", []string{"leaving_care"}},
	{"More pocket money and help to save", []string{"money_things"}},
	{"A phone that works so I can keep in touch", []string{"money_things", "friends"}},
	{"Being able to have sleepovers at friends without lots of checks", []string{"friends"}},
	{"Keeping my friends when I move", []string{"friends", "placement_moves"}},
	{"More clubs and football at the weekend", []string{"activities_fun"}},
	{"Going on holiday with my carers", []string{"activities_fun", "carers_home"}},
	{"My carers are kind and I want to stay with them", []string{"carers_home"}},
	{"Staff at the home who stay longer", []string{"carers_home"}},
	{"People respecting my culture and religion", []string{"identity"}},
	{"Knowing more about my life story", []string{"identity"}},
	{"Stopping the bullying at school about being in care", []string{"bullying", "school_education"}},
	{"Nothing really, things are good", nil},
	{"Not sure", nil},
	{"More help", nil},
}

// Submission returns a synthetic submission with the given id (a chorus submission id:
// 8 to 64 letters, digits, - or _).
func (g *Generator) Submission(id string) *chorus.Submission {
	v, answers, _ := g.answers()
	return &chorus.Submission{Survey: g.Survey.ID, Version: v.ID, Lang: g.Survey.Languages[0], SubmissionID: id, Answers: answers}
}

// Response returns a synthetic stored response with the given submission id, its answers
// cleaned and its free text tagged with the phrases' themes, on a day between From and To.
func (g *Generator) Response(id string) *chorus.Response {
	v, answers, themes := g.answers()
	clean, _ := v.Validate(g.Survey, answers, func(string) bool { return true })
	r := &chorus.Response{SubmissionID: id, Survey: g.Survey.ID, Version: v.ID, Lang: g.Survey.Languages[0],
		Revision: g.Survey.Revision, Day: g.Day(), Answers: clean, Risky: g.Survey.Risky(clean)}
	for q, t := range themes {
		if _, ok := clean[q]; ok && len(t) > 0 {
			if r.Themes == nil {
				r.Themes = map[string][]string{}
			}
			r.Themes[q] = t
		}
	}
	return r
}

// NextID returns a fresh demo submission id.
func (g *Generator) NextID() string {
	g.n++
	return fmt.Sprintf("%s%08x%08x", results.DemoPrefix, g.rand().Uint32(), g.n)
}

func (g *Generator) rand() *rand.Rand {
	if g.Rand == nil {
		g.Rand = rand.New(rand.NewPCG(1, 2))
	}
	return g.Rand
}

// Day returns a day between From and To (today if unset), more of them early on, as
// when a survey is launched with a push.
func (g *Generator) Day() string {
	from, to := g.From, g.To
	if to.IsZero() {
		to = time.Now().UTC()
	}
	if from.IsZero() || !from.Before(to) {
		return to.Format(time.DateOnly)
	}
	days := int(to.Sub(from).Hours()/24) + 1
	// A mix of an early peak and a steady trickle.
	var d int
	if g.rand().Float64() < 0.6 {
		d = int(math.Abs(g.rand().NormFloat64()) * float64(days) / 4)
	} else {
		d = g.rand().IntN(days)
	}
	return from.AddDate(0, 0, min(d, days-1)).Format(time.DateOnly)
}

// SurveyShaped weights the versions as a survey of children in care and care leavers
// would be answered: children aged 4 to 7 are about 14% of the children looked after
// in England (DfE, 2025, by age), most answers come from 8 to 17 year olds, and care
// leavers add about a fifth. The demo command and the tests of briefings use it.
var SurveyShaped = map[string]float64{
	"4-7-assisted": 11, "8-12": 23, "8-12-easy": 7, "13-17": 32, "13-17-easy": 7, "18-25": 17, "18-25-easy": 3,
}

var versionWeights = map[string]float64{
	"4-7-assisted": 5, "8-12": 25, "8-12-easy": 8, "13-17": 35, "13-17-easy": 7, "18-25": 17, "18-25-easy": 3,
}

func (g *Generator) pick(weights []float64) int {
	t := 0.0
	for _, w := range weights {
		t += w
	}
	x := g.rand().Float64() * t
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (g *Generator) version() *chorus.Version {
	ws := g.Versions
	if ws == nil {
		ws = versionWeights
	}
	weights := make([]float64, len(g.Survey.Versions))
	for i, v := range g.Survey.Versions {
		w, ok := ws[v.ID]
		if !ok && g.Versions == nil {
			w = 5
		}
		weights[i] = w
	}
	return g.Survey.Versions[g.pick(weights)]
}

// council picks an area, weighting councils by their size in Sizes, or by a made-up
// size fixed by their code. A council missing from Sizes (when it is given) gets none.
func (g *Generator) council() string {
	if len(g.Councils) == 0 {
		return ""
	}
	if g.weights == nil {
		g.weights = make([]float64, len(g.Councils))
		for i, a := range g.Councils {
			if g.Sizes != nil {
				g.weights[i] = float64(g.Sizes[a.Code])
				continue
			}
			h := fnv.New32a()
			h.Write([]byte(a.Code))
			g.weights[i] = 0.3 + float64(h.Sum32()%1000)/1000*math.Exp(float64(h.Sum32()%7)/3)
		}
	}
	return g.Councils[g.pick(g.weights)].Code
}

// answers makes raw answers for a version, and the themes of its free text by question.
func (g *Generator) answers() (*chorus.Version, chorus.Answers, map[string][]string) {
	r := g.rand()
	v := g.version()
	answers := chorus.Answers{}
	themes := map[string][]string{}
	// How things are going for this young person, from -1 (badly) to 1 (well).
	mood := math.Tanh(r.NormFloat64()*0.8 + 0.5)
	lo, _, _ := strings.Cut(v.AgeBand, "-")
	older := lo == "18"
	textRate := g.TextRate
	if textRate == 0 {
		textRate = 0.6
	}
	for _, id := range v.Questions {
		q := g.Survey.Question(id)
		if q == nil || r.Float64() < 0.04 { // some skip any question
			continue
		}
		if q.DontWantToSay && q.Kind != chorus.KindGrid && r.Float64() < 0.02 {
			answers[id] = chorus.PreferNot
			if q.Kind == chorus.KindMulti {
				answers[id] = []any{chorus.PreferNot}
			}
			continue
		}
		switch q.Kind {
		case chorus.KindGrid:
			m := map[string]any{}
			for _, it := range q.ItemsFor(v) {
				switch x := r.Float64(); {
				case x < 0.05:
					continue
				case x < 0.06 && q.DontWantToSay:
					m[it.ID] = chorus.PreferNot
					continue
				}
				m[it.ID] = face(r, mood, q.Scale)
			}
			answers[id] = m
		case chorus.KindScale:
			answers[id] = face(r, mood, q.Scale)
		case chorus.KindMulti:
			opts := q.OptionsFor(v)
			n := 1 + r.IntN(max(1, min(q.MaxChoices, len(opts))))
			if q.MaxChoices == 0 {
				n = 1 + r.IntN(len(opts))
			}
			weights := make([]float64, len(opts))
			for i := range opts {
				weights[i] = 1 / float64(1+i/3) // earlier options are chosen more
			}
			var picked []any
			for len(picked) < n {
				o := opts[g.pick(weights)].ID
				if !slices.Contains(picked, any(o)) {
					picked = append(picked, o)
				}
			}
			answers[id] = picked
		case chorus.KindSingle:
			answers[id] = g.single(q, v, older)
		case chorus.KindArea:
			if a := g.council(); a != "" {
				answers[id] = a
			}
		case chorus.KindNumber:
			if q.Min < q.Max {
				answers[id] = q.Min + r.IntN(q.Max-q.Min+1)
			}
		case chorus.KindShortText, chorus.KindLongText:
			if q.ShowIf != nil || textRate < 0 || r.Float64() >= textRate/(1+float64(len(answers))/20) {
				continue
			}
			p := Phrases[r.IntN(len(Phrases))]
			if q.MaxLength > 0 && len([]rune(p.Text)) > q.MaxLength {
				continue
			}
			answers[id] = p.Text
			themes[id] = p.Themes
		}
	}
	return v, answers, themes
}

// face picks a point of a scale, higher when mood is good.
func face(r *rand.Rand, mood float64, scale int) string {
	x := (mood+1)/2*float64(scale) + r.NormFloat64()*0.9 + 0.5
	p := int(math.Round(x))
	return fmt.Sprint(min(max(p, 1), scale))
}

// single answers a one-answer question; for an age band question it picks a band inside
// the version's, and for who a young person lives with it follows age.
func (g *Generator) single(q *chorus.Question, v *chorus.Version, older bool) string {
	r := g.rand()
	opts := q.OptionsFor(v)
	if len(opts) == 0 {
		return ""
	}
	var fits []string
	vlo, vhi := bounds(v.AgeBand)
	for _, o := range opts {
		if lo, hi := bounds(o.ID); lo > 0 && hi > 0 && vlo > 0 && lo >= vlo && hi <= vhi {
			fits = append(fits, o.ID)
		}
	}
	if len(fits) > 0 {
		return fits[r.IntN(len(fits))]
	}
	weights := make([]float64, len(opts))
	for i, o := range opts {
		w := 1.0
		switch o.ID {
		case "foster_carers":
			w = 55
			if older {
				w = 12
			}
		case "kinship_carers":
			w = 12
		case "childrens_home":
			w = 12
			if older {
				w = 2
			}
		case "own_place":
			w = 1
			if older {
				w = 45
			}
		case "supported_accommodation":
			w = 3
			if older {
				w = 25
			}
		case "parents":
			w = 4
		case "other":
			w = 2
		}
		weights[i] = w
	}
	return opts[g.pick(weights)].ID
}

func bounds(band string) (int, int) {
	a, b, ok := strings.Cut(band, "-")
	if !ok {
		return 0, 0
	}
	var lo, hi int
	if _, err := fmt.Sscan(a, &lo); err != nil {
		return 0, 0
	}
	if _, err := fmt.Sscan(b, &hi); err != nil {
		return 0, 0
	}
	return lo, hi
}
