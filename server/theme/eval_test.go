package theme

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chorus-voice/chorus/server/chorus"
)

// The evaluation set: real quotes from care-experienced children and young
// people, each with its published source, labelled by hand with the shipped
// codebook's themes following testdata/LABELLING.md. Split "dev" was read while
// the codebook's terms were written; splits "test" and "fresh" were collected
// and labelled after the terms were settled and are not used to change them
// ("fresh" is the held-out half of a collection from sources not used before).
var quotesFile = filepath.Join("testdata", "quotes.tsv")

type quote struct {
	id, split, text             string
	themes                      []string
	title, publisher, year, url string
}

func readQuotes(t testing.TB) []quote {
	t.Helper()
	f, err := os.Open(quotesFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []quote
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if n == 1 {
			continue // header
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 8 {
			t.Fatalf("%s:%d: %d columns, want 8", quotesFile, n, len(c))
		}
		q := quote{id: c[0], split: c[1], text: c[3], title: c[4], publisher: c[5], year: c[6], url: c[7]}
		if c[2] != "-" {
			q.themes = strings.Fields(c[2])
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestQuotesWellFormed checks every quote has a source and known themes.
func TestQuotesWellFormed(t *testing.T) {
	cb, err := LoadFile(shippedCodebook)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, th := range cb.Themes {
		known[th.ID] = true
	}
	ids, texts := map[string]bool{}, map[string]bool{}
	year := regexp.MustCompile(`^(19|20)\d\d$`)
	splits := map[string]int{}
	for _, q := range readQuotes(t) {
		splits[q.split]++
		switch {
		case ids[q.id]:
			t.Errorf("%s: repeated id", q.id)
		case texts[q.text]:
			t.Errorf("%s: repeated quote", q.id)
		case q.split != "dev" && q.split != "test" && q.split != "fresh":
			t.Errorf("%s: split %q, want dev, test or fresh", q.id, q.split)
		case q.title == "" || q.publisher == "" || !year.MatchString(q.year) || !strings.HasPrefix(q.url, "http"):
			t.Errorf("%s: incomplete source %q %q %q %q", q.id, q.title, q.publisher, q.year, q.url)
		case !slices.IsSorted(q.themes):
			t.Errorf("%s: themes %q not sorted", q.id, q.themes)
		}
		ids[q.id], texts[q.text] = true, true
		for _, th := range q.themes {
			if !known[th] {
				t.Errorf("%s: unknown theme %q", q.id, th)
			}
		}
	}
	if n := splits["dev"] + splits["test"] + splits["fresh"]; n < 250 {
		t.Errorf("%d quotes, want at least 250", n)
	}
	if fresh := freshIDs(readQuotes(t)); fresh < 120 {
		t.Errorf("%d quotes of the fresh collection (ids f…), want at least 120", fresh)
	}
}

// freshIDs counts the quotes of the fresh collection (ids "f…"), wherever
// their split now is.
func freshIDs(qs []quote) int {
	n := 0
	for _, q := range qs {
		if strings.HasPrefix(q.id, "f") {
			n++
		}
	}
	return n
}

// baselineKeywords is a plain keyword list written from the theme names, the
// kind of list anyone would write in ten minutes: the baseline the codebook has
// to beat.
var baselineKeywords = map[string][]string{
	"family_contact":     {"family", "mum", "dad", "brother", "sister", "parents"},
	"social_workers":     {"social worker", "social workers"},
	"placement_moves":    {"move", "moved", "moving", "placement", "placements"},
	"school_education":   {"school", "college", "teacher", "teachers", "education"},
	"mental_health":      {"mental health", "sad", "worried", "anxiety", "lonely", "depressed"},
	"feeling_safe":       {"safe", "unsafe", "scared"},
	"having_a_say":       {"listen", "listened", "say", "views", "opinion"},
	"leaving_care":       {"leaving care", "care leaver", "18", "independent", "flat"},
	"money_things":       {"money", "bills", "afford", "phone"},
	"friends":            {"friend", "friends"},
	"activities_fun":     {"fun", "hobbies", "activities", "sport", "football"},
	"carers_home":        {"carer", "carers", "foster", "home"},
	"identity":           {"different", "identity", "culture", "religion"},
	"bullying":           {"bullied", "bullying", "bully"},
	"asylum_immigration": {"asylum", "refugee", "home office", "immigration"},
}

var nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// baselineTag tags text with every theme one of whose keywords it contains as
// whole words.
func baselineTag(text string) []string {
	padded := " " + strings.TrimSpace(nonWord.ReplaceAllString(strings.ToLower(strings.ReplaceAll(text, "'", "")), " ")) + " "
	var out []string
	for id, kws := range baselineKeywords {
		for _, kw := range kws {
			if strings.Contains(padded, " "+kw+" ") {
				out = append(out, id)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// scores are a tagger's agreement with people over a set of quotes.
type scores struct {
	themes     []chorus.ThemeAgreement
	microF1    float64
	lo, hi     float64 // 95% bootstrap interval of microF1
	macroF1    float64
	meanKappa  float64
	uncoded, n int
}

// microF1 is micro-averaged F1 over the themes of pairs of machine and human tags.
func microF1(machine, human [][]string) float64 {
	var both, fp, fn int
	for i := range machine {
		for _, t := range machine[i] {
			if slices.Contains(human[i], t) {
				both++
			} else {
				fp++
			}
		}
		for _, t := range human[i] {
			if !slices.Contains(machine[i], t) {
				fn++
			}
		}
	}
	return 2 * float64(both) / float64(max(2*both+fp+fn, 1))
}

// bootstrap returns the 95% percentile interval of micro-F1 over 2,000
// resamples of the quotes, with a fixed seed so the figures repeat.
func bootstrap(machine, human [][]string) (lo, hi float64) {
	r := rand.New(rand.NewPCG(14, 2026))
	n := len(machine)
	fs := make([]float64, 2000)
	m, h := make([][]string, n), make([][]string, n)
	for b := range fs {
		for i := range n {
			j := r.IntN(n)
			m[i], h[i] = machine[j], human[j]
		}
		fs[b] = microF1(m, h)
	}
	slices.Sort(fs)
	return fs[len(fs)*25/1000], fs[len(fs)*975/1000-1]
}

func score(ids []string, qs []quote, tag func(string) []string) scores {
	answers := make([]*chorus.Answer, len(qs))
	machine, human := make([][]string, len(qs)), make([][]string, len(qs))
	s := scores{n: len(qs)}
	for i, q := range qs {
		got := tag(q.text)
		if len(got) == 0 {
			s.uncoded++
		}
		answers[i] = &chorus.Answer{Machine: got, Reviewed: q.themes, IsReviewed: true}
		machine[i], human[i] = got, q.themes
	}
	s.lo, s.hi = bootstrap(machine, human)
	s.themes, _ = chorus.Agreement(ids, answers)
	var both, fp, fn, nf, nk int
	for _, a := range s.themes {
		both, fp, fn = both+a.Both, fp+a.MachineOnly, fn+a.ReviewOnly
		if f, ok := a.F1(); ok {
			s.macroF1 += f
			nf++
		}
		if k, ok := a.Kappa(); ok {
			s.meanKappa += k
			nk++
		}
	}
	s.microF1 = 2 * float64(both) / float64(2*both+fp+fn)
	s.macroF1 /= float64(max(nf, 1))
	s.meanKappa /= float64(max(nk, 1))
	return s
}

func pct(v float64, ok bool) string {
	if !ok {
		return "   –"
	}
	if math.Abs(v) < 0.005 {
		v = 0 // no "-0.00"
	}
	return fmt.Sprintf("%4.2f", v)
}

// report writes per-theme precision, recall, F1 and kappa for each tagger.
func report(t *testing.T, split string, byTagger map[string]scores, order []string) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s: %d quotes\n%-20s %4s", split, byTagger[order[0]].n, "theme", "n")
	for _, name := range order {
		fmt.Fprintf(&b, " | %-23s", name+" P/R/F1/κ")
	}
	b.WriteString("\n")
	for i, a := range byTagger[order[0]].themes {
		fmt.Fprintf(&b, "%-20s %4d", a.Theme, a.Both+a.ReviewOnly)
		for _, name := range order {
			x := byTagger[name].themes[i]
			p, pok := x.Precision()
			r, rok := x.Recall()
			f, fok := x.F1()
			k, kok := x.Kappa()
			fmt.Fprintf(&b, " | %s %s %s %s", pct(p, pok), pct(r, rok), pct(f, fok), pct(k, kok))
		}
		b.WriteString("\n")
	}
	for _, name := range order {
		s := byTagger[name]
		fmt.Fprintf(&b, "%-8s micro-F1 %.3f (95%% %.2f–%.2f)  macro-F1 %.2f  mean κ %.2f  uncoded %d of %d\n",
			name, s.microF1, s.lo, s.hi, s.macroF1, s.meanKappa, s.uncoded, s.n)
	}
	t.Log(b.String())
}

// evalFloors are the micro-F1 below which the evaluation fails, per split:
// about the lower end of each split's 95% bootstrap interval with the codebook
// as shipped (dev 0.902, 0.88–0.92; test 0.798, 0.76–0.83; fresh held out
// 0.757, 0.70–0.81; all 0.847, 0.83–0.87; as typed on a phone: dev 0.876,
// 0.85–0.90; test 0.770, 0.73–0.81; fresh 0.730, 0.67–0.78). Falling below it
// is a loss bigger than the sampling noise of these quotes; the floor for all
// quotes keeps the 0.80 the codebook is held to. The test also fails if the
// codebook stops beating the old matcher or the keyword baseline on any split.
var evalFloors = map[string]float64{"dev": 0.88, "test": 0.76, "fresh": 0.70, "all": 0.83,
	"dev typed": 0.85, "test typed": 0.73, "fresh typed": 0.67}

// loadTaggers returns the shipped codebook with its tagging function, and the
// old matcher's with the codebook it used.
func loadTaggers(tb testing.TB) (cb *Codebook, tag, old func(string) []string) {
	tb.Helper()
	cb, err := LoadFile(shippedCodebook)
	if err != nil {
		tb.Fatal(err)
	}
	legacyCB, err := LoadFile(filepath.Join("testdata", "legacy.codebook.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return cb, cb.Compile().Tag, compileLegacy(legacyCB).Tag
}

// benchTaggers times both taggers on texts in the same run; ns/op is the time
// per answer.
func benchTaggers(b *testing.B, texts []string) {
	cb, tag, old := loadTaggers(b)
	for _, tc := range []struct {
		name string
		tag  func(string) []string
	}{{"codebook", tag}, {"exact", cb.compileWith(exactTolerance).Tag}, {"old", old}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				tc.tag(texts[i%len(texts)])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
		})
	}
}

// TestAgreementWithPeople measures the shipped codebook against the labelled
// quotes, beside the same codebook matched only as written (before the
// matcher tolerated how children type), the matcher it replaced and a
// keyword baseline; and again on each split as typeLikeAPhone types it.
func TestAgreementWithPeople(t *testing.T) {
	cb, tag, old := loadTaggers(t)
	before := cb.compileWith(exactTolerance).Tag
	var ids []string
	for _, th := range cb.Themes {
		ids = append(ids, th.ID)
	}
	all := readQuotes(t)
	for _, split := range []string{"dev", "test", "fresh", "all", "dev typed", "test typed", "fresh typed"} {
		name, typed := strings.CutSuffix(split, " typed")
		qs := slices.DeleteFunc(slices.Clone(all), func(q quote) bool { return name != "all" && q.split != name })
		if len(qs) == 0 {
			t.Errorf("no quotes in split %q", split)
			continue
		}
		if typed {
			qs = phoneTyped(qs)
		}
		byTagger := map[string]scores{
			"codebook": score(ids, qs, tag),
			"before":   score(ids, qs, before),
			"old":      score(ids, qs, old),
			"keywords": score(ids, qs, baselineTag),
		}
		report(t, split, byTagger, []string{"codebook", "before", "old", "keywords"})
		got := byTagger["codebook"].microF1
		if floor, ok := evalFloors[split]; ok && got < floor {
			t.Errorf("%s: micro-F1 %.3f, below the floor %.2f", split, got, floor)
		}
		for _, other := range []string{"old", "keywords"} {
			if o := byTagger[other].microF1; got <= o {
				t.Errorf("%s: micro-F1 %.3f does not beat %s (%.3f)", split, got, other, o)
			}
		}
	}
}

// TestToleranceOnDev shows what each of the matcher's allowances for how
// children type does on its own, on the dev quotes as printed and as
// typeLikeAPhone types them: the figures they were chosen by. An allowance is
// on by default only if it costs no precision on dev as printed; the test
// fails if the default tolerance loses precision or micro-F1 on dev, or stops
// doing better than exact matching on dev as typed.
func TestToleranceOnDev(t *testing.T) {
	cb, _, _ := loadTaggers(t)
	var ids []string
	for _, th := range cb.Themes {
		ids = append(ids, th.ID)
	}
	dev := slices.DeleteFunc(readQuotes(t), func(q quote) bool { return q.split != "dev" })
	typed := phoneTyped(dev)
	only := func(f func(*tolerance)) tolerance {
		tol := exactTolerance
		f(&tol)
		return tol
	}
	variants := []struct {
		name string
		tol  tolerance
	}{
		{"exact (before)", exactTolerance},
		{"+ repeats", only(func(t *tolerance) { t.repeats = true })},
		{"+ inflect (off)", only(func(t *tolerance) { t.inflect = true })},
		{"+ joins", only(func(t *tolerance) { t.joins = true })},
		{"+ typos", only(func(t *tolerance) { t.typos = true })},
		{"+ cue spellings", only(func(t *tolerance) { t.cueSpellings = true })},
		{"+ cue window 4", only(func(t *tolerance) { t.cueWindow = 4 })},
		{"default (after)", defaultTolerance},
		{"default + inflect", func() tolerance { tol := defaultTolerance; tol.inflect = true; return tol }()},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-18s | %-27s %5s %5s | %-27s %5s %5s\n", "tolerance", "dev micro-F1 (95%)", "P", "R", "typed micro-F1 (95%)", "P", "R")
	got := map[string][2]scores{}
	for _, v := range variants {
		tag := cb.compileWith(v.tol).Tag
		s, ty := score(ids, dev, tag), score(ids, typed, tag)
		got[v.name] = [2]scores{s, ty}
		fmt.Fprintf(&b, "%-18s | %.3f (%.2f–%.2f)   %5.3f %5.3f | %.3f (%.2f–%.2f)   %5.3f %5.3f\n", v.name,
			s.microF1, s.lo, s.hi, precision(s), recall(s), ty.microF1, ty.lo, ty.hi, precision(ty), recall(ty))
	}
	t.Log(b.String())
	ex, def := got["exact (before)"], got["default (after)"]
	if precision(def[0]) < precision(ex[0]) || def[0].microF1 < ex[0].microF1 {
		t.Errorf("dev: default tolerance P %.3f micro-F1 %.3f, below exact matching's P %.3f micro-F1 %.3f",
			precision(def[0]), def[0].microF1, precision(ex[0]), ex[0].microF1)
	}
	if def[1].microF1 < ex[1].microF1+0.015 {
		t.Errorf("dev typed: default tolerance micro-F1 %.3f, want at least 0.015 above exact matching's %.3f", def[1].microF1, ex[1].microF1)
	}
}

// precision and recall are micro-averaged over the themes.
func precision(s scores) float64 {
	both, fp, _ := counts(s)
	return float64(both) / float64(max(both+fp, 1))
}

func recall(s scores) float64 {
	both, _, fn := counts(s)
	return float64(both) / float64(max(both+fn, 1))
}

func counts(s scores) (both, fp, fn int) {
	for _, a := range s.themes {
		both, fp, fn = both+a.Both, fp+a.MachineOnly, fn+a.ReviewOnly
	}
	return both, fp, fn
}

// BenchmarkTagQuotes tags the evaluation quotes with the shipped codebook and
// with the matcher it replaced, in the same run; ns/op is the time per answer.
func BenchmarkTagQuotes(b *testing.B) {
	var texts []string
	for _, q := range readQuotes(b) {
		texts = append(texts, q.text)
	}
	benchTaggers(b, texts)
}

// typeLikeAPhone returns text as a child in a hurry might type it on a
// phone, the same way each time for the same seed: half the answers in lower
// case, half without apostrophes; a slip in one word in twelve of four or more
// letters (a letter missed, doubled, changed to its neighbour on the keyboard,
// or two swapped; never the first letter, which people seldom get wrong); one
// word in fifty with its last letter stretched ("sooo"); one space in thirty
// -three left out. It stresses the matcher's tolerance; its slips are the kinds
// the tolerance puts right, so what it shows is an upper bound.
func typeLikeAPhone(text string, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 7))
	if r.IntN(2) == 0 {
		text = strings.ToLower(text)
	}
	if r.IntN(2) == 0 {
		text = strings.NewReplacer("'", "", "’", "").Replace(text)
	}
	var b strings.Builder
	word := []byte{}
	flush := func() {
		w := word
		letters := len(w) > 0
		for _, c := range w {
			letters = letters && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
		}
		if letters && len(w) >= 4 && r.IntN(12) == 0 {
			i := 1 + r.IntN(len(w)-1)
			switch r.IntN(4) {
			case 0:
				w = slices.Delete(slices.Clone(w), i, i+1)
			case 1:
				w = slices.Insert(slices.Clone(w), i, w[i])
			case 2:
				if nb := qwertyNeighbours[w[i]|0x20]; nb != "" {
					w = slices.Clone(w)
					w[i] = nb[r.IntN(len(nb))]
				}
			case 3:
				if i+1 < len(w) {
					w = slices.Clone(w)
					w[i], w[i+1] = w[i+1], w[i]
				}
			}
		} else if letters && len(w) >= 3 && r.IntN(50) == 0 {
			w = append(slices.Clone(w), w[len(w)-1], w[len(w)-1])
		}
		b.Write(w)
		word = word[:0]
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 || c == '\'' {
			word = append(word, c)
			continue
		}
		flush()
		if c == ' ' && r.IntN(33) == 0 && i > 0 && i+1 < len(text) && isLetter(text[i-1]) && isLetter(text[i+1]) {
			continue
		}
		b.WriteByte(c)
	}
	flush()
	return b.String()
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// qwertyNeighbours are the letters beside each letter on a phone keyboard.
var qwertyNeighbours = map[byte]string{
	'q': "wa", 'w': "qes", 'e': "wrd", 'r': "etf", 't': "ryg", 'y': "tuh", 'u': "yij", 'i': "uok", 'o': "ipl", 'p': "ol",
	'a': "qsz", 's': "adwx", 'd': "sfex", 'f': "dgrc", 'g': "fhtv", 'h': "gjyb", 'j': "hkun", 'k': "jlim", 'l': "kop",
	'z': "ax", 'x': "zcs", 'c': "xvd", 'v': "cbf", 'b': "vng", 'n': "bmh", 'm': "nj",
}

// phoneTyped returns the quotes as typeLikeAPhone types them, with their
// labels.
func phoneTyped(qs []quote) []quote {
	out := slices.Clone(qs)
	for i := range out {
		var seed uint64
		for _, c := range []byte(out[i].id) {
			seed = seed*131 + uint64(c)
		}
		out[i].text = typeLikeAPhone(out[i].text, seed)
	}
	return out
}
