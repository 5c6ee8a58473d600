// Package loadgen is shared by the load generator (scripts/load) and the fault runner
// (scripts/fault): realistic submissions for a survey, an HTTP client that only talks
// to loopback addresses, latency and status statistics, closed-loop and constant-rate
// drivers that remember every acknowledged submission id, and checks against the store.
package loadgen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/chorus-voice/chorus/server/chorus"
	"github.com/chorus-voice/chorus/server/geo"
	"github.com/chorus-voice/chorus/server/surveyfile"
)

// Submission is the body of POST /api/v1/responses.
type Submission struct {
	Survey       string         `json:"survey"`
	Version      string         `json:"version"`
	Lang         string         `json:"lang,omitempty"`
	SubmissionID string         `json:"submission_id"`
	Answers      map[string]any `json:"answers"`
}

// Generator makes realistic answers to one survey: answers chosen the way children
// answer (most questions answered, happier points more common, age bands matching
// the version), free text in children's words, and now and then a phone number,
// a name, an email address or a postcode for the redactor to find.
type Generator struct {
	Survey *chorus.Survey
	// PII is the share of free-text answers that carry a personal detail.
	PII float64

	pool     []pooled
	poolOnce sync.Once
}

// pooled is one pre-encoded set of answers; Body splices a submission id into it.
type pooled struct {
	head    []byte // {"survey":…,"version":…,"lang":…,"submission_id":"
	tail    []byte // ","answers":{…}}
	version string
	answers map[string]any
}

// NewGenerator loads survey id from dir (surveys/<id>.yaml) with the shipped councils.
func NewGenerator(dir, id string) (*Generator, error) {
	g, err := geo.Load()
	if err != nil {
		return nil, fmt.Errorf("load geography: %w", err)
	}
	var s *chorus.Survey
	for _, ext := range []string{".yaml", ".yml"} {
		if s, err = surveyfile.LoadFile(filepath.Join(dir, id+ext), g.Areas()); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("load survey %s from %s: %w", id, dir, err)
	}
	return &Generator{Survey: s, PII: 0.15}, nil
}

// Answers returns a random submission (without an id) for a random version.
func (g *Generator) Answers(r *rand.Rand) Submission {
	v := g.version(r)
	lang := g.Survey.Languages[0]
	if len(g.Survey.Languages) > 1 && r.IntN(10) == 0 {
		lang = g.Survey.Languages[1]
	}
	answers := map[string]any{}
	clean := chorus.Answers{}
	for _, id := range v.Questions {
		q := g.Survey.Question(id)
		if q == nil || q.ShowIf != nil && !q.ShowIf.Met(clean) {
			continue
		}
		a := g.answer(r, v, q)
		if a == nil {
			continue
		}
		answers[id] = a
		clean[id] = a
	}
	return Submission{Survey: g.Survey.ID, Version: v.ID, Lang: lang, Answers: answers}
}

// version picks a version, weighted the way a county's children in care split.
func (g *Generator) version(r *rand.Rand) *chorus.Version {
	weight := func(v *chorus.Version) int {
		w := map[string]int{"4-7": 4, "8-12": 25, "13-17": 40, "18-25": 20}[v.AgeBand]
		if w == 0 {
			w = 10
		}
		if v.EasyRead {
			w /= 3
		}
		return max(w, 1)
	}
	total := 0
	for _, v := range g.Survey.Versions {
		total += weight(v)
	}
	n := r.IntN(total)
	for _, v := range g.Survey.Versions {
		if n -= weight(v); n < 0 {
			return v
		}
	}
	return g.Survey.Versions[0]
}

// happyPoint returns a point from "1" to scale, leaning towards the happy end.
func happyPoint(r *rand.Rand, scale int) string {
	if scale <= 1 {
		return "1"
	}
	// Weights rise towards the top of the scale, with a real unhappy tail.
	x := r.Float64()
	p := int(float64(scale)*(1-x*x)) + 1
	return strconv.Itoa(min(max(p, 1), scale))
}

func (g *Generator) answer(r *rand.Rand, v *chorus.Version, q *chorus.Question) any {
	preferNot := q.DontWantToSay && r.IntN(40) == 0
	switch q.Kind {
	case chorus.KindSingle:
		if r.IntN(12) == 0 {
			return nil
		}
		if preferNot {
			return chorus.PreferNot
		}
		opts := q.OptionsFor(v)
		if q.ID == "age_band" {
			opts = optionsInBand(opts, v.AgeBand)
		}
		if len(opts) == 0 {
			return nil
		}
		return opts[r.IntN(len(opts))].ID
	case chorus.KindScale:
		if r.IntN(12) == 0 {
			return nil
		}
		if preferNot {
			return chorus.PreferNot
		}
		return happyPoint(r, q.Scale)
	case chorus.KindGrid:
		out := map[string]string{}
		for _, it := range q.ItemsFor(v) {
			switch n := r.IntN(50); {
			case n < 6:
			case n == 6 && q.DontWantToSay:
				out[it.ID] = chorus.PreferNot
			default:
				out[it.ID] = happyPoint(r, q.Scale)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case chorus.KindMulti:
		if r.IntN(15) == 0 {
			return nil
		}
		if preferNot {
			return []string{chorus.PreferNot}
		}
		opts := q.OptionsFor(v)
		if len(opts) == 0 {
			return nil
		}
		k := q.MaxChoices
		if k <= 0 || k > len(opts) {
			k = len(opts)
		}
		k = 1 + r.IntN(k)
		perm := r.Perm(len(opts))[:k]
		out := make([]string, k)
		for i, j := range perm {
			out[i] = opts[j].ID
		}
		return out
	case chorus.KindLongText, chorus.KindShortText:
		share := 70
		switch {
		case q.Kind == chorus.KindShortText:
			share = 80
		case q.ID != "better":
			share = 35
		}
		if r.IntN(100) >= share {
			return nil
		}
		var s string
		if q.Kind == chorus.KindShortText {
			s = shortTexts[r.IntN(len(shortTexts))]
		} else {
			s = g.longText(r)
		}
		if q.MaxLength > 0 && utf8.RuneCountInString(s) > q.MaxLength {
			s = string([]rune(s)[:q.MaxLength])
		}
		return s
	case chorus.KindArea:
		if r.IntN(10) == 0 {
			return nil
		}
		if preferNot {
			return chorus.PreferNot
		}
		if len(q.Options) == 0 {
			return nil
		}
		return q.Options[r.IntN(len(q.Options))].ID
	case chorus.KindNumber:
		if q.Min < q.Max {
			return q.Min + r.IntN(q.Max-q.Min+1)
		}
		return r.IntN(20)
	}
	return nil
}

// optionsInBand keeps the age options ("13-15") that fall inside a version's band ("13-17").
func optionsInBand(opts []chorus.Option, band string) []chorus.Option {
	lo, hi, ok := parseBand(band)
	if !ok {
		return opts
	}
	var out []chorus.Option
	for _, o := range opts {
		if a, b, ok := parseBand(o.ID); ok && a >= lo && b <= hi {
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		return opts
	}
	return out
}

func parseBand(s string) (lo, hi int, ok bool) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		return 0, 0, false
	}
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	return lo, hi, err1 == nil && err2 == nil
}

// longText makes one to five sentences in a child's words, sometimes with a detail
// that identifies someone.
func (g *Generator) longText(r *rand.Rand) string {
	n := 1 + r.IntN(5)
	parts := make([]string, 0, n+1)
	for range n {
		parts = append(parts, sentences[r.IntN(len(sentences))])
	}
	if r.Float64() < g.PII {
		at := r.IntN(len(parts) + 1)
		parts = slices.Insert(parts, at, personalDetail(r))
	}
	return strings.Join(parts, " ")
}

// personalDetail returns a sentence with a made-up phone number, name, email,
// postcode or handle (numbers from Ofcom's drama ranges, so nobody real).
func personalDetail(r *rand.Rand) string {
	first := firstNames[r.IntN(len(firstNames))]
	last := surnames[r.IntN(len(surnames))]
	switch r.IntN(7) {
	case 0:
		return fmt.Sprintf("My social worker is %s %s and she never calls back.", first, last)
	case 1:
		return fmt.Sprintf("Please call me on 07700 900%03d.", r.IntN(1000))
	case 2:
		return fmt.Sprintf("my number is +44 7700 900 %03d text me", r.IntN(1000))
	case 3:
		return fmt.Sprintf("You can email me at %s.%s%d@example.com", strings.ToLower(first), strings.ToLower(last), r.IntN(100))
	case 4:
		return fmt.Sprintf("I live near %s, it's too far from school.", postcodes[r.IntN(len(postcodes))])
	case 5:
		return fmt.Sprintf("I miss my brother %s so much.", first)
	default:
		return fmt.Sprintf("add me on snap @%s%d", strings.ToLower(first), r.IntN(1000))
	}
}

// Pool pre-encodes n random answer sets so that Body costs little on the client. Call
// it before any goroutine calls Body; without it Body makes a pool of 2,000 itself.
func (g *Generator) Pool(r *rand.Rand, n int) {
	g.poolOnce.Do(func() {})
	g.fill(r, n)
}

func (g *Generator) fill(r *rand.Rand, n int) {
	g.pool = make([]pooled, n)
	for i := range g.pool {
		s := g.Answers(r)
		head, _ := json.Marshal(struct {
			Survey  string `json:"survey"`
			Version string `json:"version"`
			Lang    string `json:"lang"`
		}{s.Survey, s.Version, s.Lang})
		answers, _ := json.Marshal(s.Answers)
		g.pool[i] = pooled{
			head:    append(head[:len(head)-1], `,"submission_id":"`...),
			tail:    slices.Concat([]byte(`","answers":`), answers, []byte("}")),
			version: s.Version,
			answers: s.Answers,
		}
	}
}

// Body returns the JSON body of a pooled submission with the given id (which must
// need no JSON escaping), and the pool index it used.
func (g *Generator) Body(r *rand.Rand, id string) ([]byte, int) {
	g.poolOnce.Do(func() { g.fill(rand.New(rand.NewPCG(1, 1)), 2000) })
	i := r.IntN(len(g.pool))
	p := &g.pool[i]
	b := make([]byte, 0, len(p.head)+len(id)+len(p.tail))
	b = append(b, p.head...)
	b = append(b, id...)
	b = append(b, p.tail...)
	return b, i
}

// Pooled returns the version and answers of pool entry i.
func (g *Generator) Pooled(i int) (version string, answers map[string]any) {
	return g.pool[i].version, g.pool[i].answers
}

var sentences = []string{
	"I would like to see my mum more often.",
	"More time with my little sister, we only get one hour a month.",
	"I want my social worker to actually listen to me.",
	"If I could stay in the same school and not move again.",
	"Having my own room would make my life better.",
	"My foster carers are really kind and I feel safe here.",
	"I don't like it when they change my social worker every few months.",
	"More money for clothes and going out with my friends.",
	"Being allowed to have sleepovers without a police check on my friends' parents.",
	"I want to go to college and do mechanics.",
	"Nothing, my life is good right now.",
	"To have someone to talk to when I feel sad at night.",
	"I wish I knew why I had to come into care.",
	"Less meetings about me and more things to do.",
	"I want a job and my own flat when I'm 18 but I'm scared about bills.",
	"Help with my anxiety, the waiting list for CAMHS is so long.",
	"My personal adviser is brilliant, she helped me get my flat.",
	"Being able to keep my dog when I move.",
	"I get bullied at school because people know I'm in care.",
	"If my brothers could live with me.",
	"Better wifi in the children's home so I can do my homework.",
	"I want to play football for a proper team.",
	"Being asked what I think before decisions get made.",
	"idk really just want things to stay the same for once",
	"more pocket money lol",
	"I feel lonely since I moved to my own place.",
	"People should stop treating us differently just because we are in care.",
	"I love my carers dog, he sleeps on my bed.",
	"Getting my life story book finished so I know about when I was little.",
	"Learning to drive and having help to pay for lessons.",
	"Mae angen mwy o bethau i'w gwneud yn y pentref.",
	"Hoffwn i weld fy nain yn amlach.",
	"Being told about changes before they happen, not on the day.",
	"Fewer professionals in my life, I have to tell my story again every time.",
	"My school is great and my teachers understand me.",
	"Sometimes I don't feel safe walking home from the bus stop.",
	"Contact with my dad, even if it's just phone calls.",
	"I would like to go on holiday with my foster family abroad but I need a passport.",
	"Help with cooking and money before I leave care.",
	"A trusted adult who stays the same for years.",
}

var shortTexts = []string{
	"with my nan", "in hospital", "with a friend's family", "in a hostel", "with my girlfriend",
	"secure unit", "with my aunty and uncle", "at my brother's flat", "in a caravan", "not sure",
}

var firstNames = []string{"Jamie", "Olivia", "Mohammed", "Chloe", "Tyler", "Amelia", "Kai", "Freya", "Leo", "Aisha", "Callum", "Megan", "Reece", "Sophie", "Dylan", "Ffion", "Rhys", "Zara"}

var surnames = []string{"Smith", "Jones", "Taylor", "Williams", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Roberts", "Khan", "Patel", "Walker", "Hughes"}

var postcodes = []string{"SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "LS1 4AP", "cf10 1aa", "NE1 7RU", "EH1 1YZ"}
