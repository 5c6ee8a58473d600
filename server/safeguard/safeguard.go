// Package safeguard spots answers that may disclose harm or risk to a child
// ("he hits me", "i wanna die", "nobody feeds me") so that a person reviews
// them, the answer is kept out of quotes and briefings, and the child is shown
// where to get help.
//
// Detection is by phrase rules over normalized text: the text is folded
// (package fold: full-width, look-alike and zero-width tricks undone), then
// misspellings, text-speak and leetspeak are rewritten (see Normalize),
// negated phrases ("he never hits me") do not count, idioms that only look
// risky ("hit me up", "dying to see my sister", "I ran away from a spider")
// and things about a film, lesson or game are excluded. Each flag has a
// level: Urgent for current harm, intent or a plan, Concern for harm told as
// past (by a reading of tense and aspect, tense.go) and for the less
// immediate kinds. It errs towards flagging: a person
// reviews every flag. testdata/ holds the evaluation set (TestEvaluation).
package safeguard

import (
	"slices"
	"strings"
)

// Categories of risk that Detect reports.
const (
	Abuse          = "abuse"
	Neglect        = "neglect"
	SelfHarm       = "self_harm"
	Suicide        = "suicide"
	UnsafeHome     = "unsafe_home"
	Exploitation   = "exploitation"
	RunningAway    = "running_away"
	BullyingSevere = "bullying_severe"
)

// Categories lists every category Detect can report, in a fixed order.
var Categories = []string{Abuse, Neglect, SelfHarm, Suicide, UnsafeHome, Exploitation, RunningAway, BullyingSevere}

// Result is what Detect found in one answer.
type Result struct {
	// Flagged is true when the answer needs a person to look at it.
	Flagged bool
	// Categories are the kinds of risk found, sorted and without repeats.
	Categories []string
	// Level is Urgent or Concern when Flagged, "" otherwise.
	Level string
}

// Levels of a flag. Urgent is current harm, suicidal intent or a plan, or
// fear of the people where the child lives now, and running away that is
// happening now or planned: someone should act today. Concern is everything
// else a person should read: harm told as past ("when I lived with my mum
// she hit me"), neglect, running away told as over, bullying. Harm told in
// the past with no time named ("she hit me") is Urgent: it may have been
// yesterday (see answerTime.readTime).
const (
	Urgent  = "urgent"
	Concern = "concern"
)

// Detect reports whether text looks like a disclosure of harm or risk, of
// which kinds, and how urgently a person should read it.
func Detect(text string) Result {
	words := Normalize(text)
	if len(words) == 0 {
		return Result{}
	}
	var cats []string
	level := ""
	at := newAnswerTime(words)
	for i := range words {
		for _, r := range defaultRules.byFirst[words[i]] {
			end, stopped, ok := r.matchAt(words, i)
			if !ok || aboutSomethingElse(words, i) {
				continue
			}
			if !slices.Contains(cats, r.category) {
				cats = append(cats, r.category)
			}
			if matchLevel(r, at, i, end, stopped) == Urgent {
				level = Urgent
			} else if level == "" {
				level = Concern
			}
		}
	}
	if len(cats) == 0 {
		return Result{}
	}
	slices.Sort(cats)
	return Result{Flagged: true, Categories: cats, Level: level}
}

// matchLevel is the level of one match of r at words[i:end]: the rule's
// own level, lowered to Concern when the harm has stopped or is told as
// past (see answerTime.readTime); running away becomes Urgent when it is
// happening now or planned.
func matchLevel(r *rule, at *answerTime, i, end int, stopped bool) string {
	if stopped || r.level != Urgent && r.category != RunningAway {
		return Concern
	}
	switch t := at.readTime(i, end); {
	case r.level == Urgent && t != timePast:
		return Urgent
	case r.category == RunningAway && t == timeNow && !at.aboutOthers(i, end):
		// A child away from home now, or planning to go: "I've run away",
		// "I'm going to run away tonight", "I'm sleeping rough"; not "I
		// ran away last week".
		if present, perfect, _, own := at.clauseTense(i, end); own && (present || perfect) {
			return Urgent
		}
	}
	return Concern
}

// sentence returns the bounds of the sentence around words[i:end].
func sentence(words []string, i, end int) (int, int) {
	s := i
	for s > 0 && words[s-1] != stop {
		s--
	}
	e := end
	for e < len(words) && words[e] != stop {
		e++
	}
	return s, e
}

// stoppedMarkers after a negated match say the harm happened and has
// stopped: "she doesn't hit me any more".
var stoppedMarkers = compilePhrases("anymore|any_more", "these days", "since i moved|left|came|went")

// fictionWords introduce something that is not the child's own life: "a film
// where a man gets beaten up", "a talk about county lines".
var fictionWords = compilePhrases("film|films|movie|movies|book|books|story|stories|series|episode|programme|show|cartoon|"+
	"documentary|assembly|lesson|lessons|talk|pshe|game|games|song|video|news where|about|in_which|on|called|when",
	"learned|learnt|learning|taught|teaching about", "in the|a|my film|movie|book|game|story|programme|show")

// aboutSomethingElse reports whether the match at words[i] follows, in its
// sentence, words that say it is about a film, a lesson or a game.
func aboutSomethingElse(words []string, i int) bool {
	s, _ := sentence(words, i, i)
	return fictionWords.anyIn(words, s, i)
}

// phrases is a set of short patterns matched anywhere in a span of words.
type phrases [][]element

func compilePhrases(ps ...string) phrases {
	out := make(phrases, len(ps))
	for i, p := range ps {
		out[i] = parsePattern(p)
	}
	return out
}

// anyIn reports whether a phrase starts in words[s:e] (it may end after e).
func (ps phrases) anyIn(words []string, s, e int) bool {
	for j := s; j < e; j++ {
		for _, p := range ps {
			if _, _, ok := matchElems(p, words, j); ok {
				return true
			}
		}
	}
	return false
}

// negators cancel a rule when they come just before its match or inside one
// of its gaps: "he never hits me", "nobody hurts me".
var negators = map[string]bool{"not": true, "never": true, "nobody": true, "none": true,
	"no": true, "nothing": true, "nowhere": true, "neither": true, "nor": true}

// adverbs are skipped when looking for a word before a match.
var adverbs = map[string]bool{"really": true, "realy": true, "just": true, "always": true,
	"sometimes": true, "actually": true, "totaly": true, "so": true, "literaly": true,
	"kinda": true, "properly": true, "properl": true, "deeply": true, "deply": true, "stil": true}

// element is one position of a rule: a set of alternatives, each a word or
// a short run of words, possibly optional; or a gap of up to n words.
type element struct {
	alts     [][]string
	optional bool
	gap      int
}

// rule is a phrase pattern for one category, with the idioms that cancel it.
type rule struct {
	category string
	// level is Urgent or Concern (Urgent becomes Concern when told as past).
	level string
	elems []element
	// negatable rules are cancelled by a negator just before or inside them.
	negatable bool
	// unless are patterns that cancel a match they overlap.
	unless [][]element
	// notAfter are words that cancel the match when directly before it.
	notAfter []string
}

// matchAt reports whether r matches words starting at i, and returns the
// end of the match. A negated match still counts when the sentence says the
// harm has stopped ("he doesn't hit me any more"): stopped is then true.
func (r *rule) matchAt(words []string, i int) (end int, stopped, ok bool) {
	end, gapWords, ok := matchElems(r.elems, words, i)
	if !ok {
		return 0, false, false
	}
	if len(r.notAfter) > 0 {
		// "it hits me", "it really touched me"
		j := i - 1
		for j >= 0 && adverbs[words[j]] {
			j--
		}
		if j >= 0 && slices.Contains(r.notAfter, words[j]) {
			return 0, false, false
		}
	}
	if r.negatable {
		negated := false
		for j := i - 1; j >= 0 && j >= i-2 && words[j] != stop; j-- {
			negated = negated || negators[words[j]]
		}
		for _, j := range gapWords {
			negated = negated || negators[words[j]]
		}
		if negated {
			if _, e := sentence(words, i, end); !stoppedMarkers.anyIn(words, end, e) {
				return 0, false, false
			}
			stopped = true
		}
	}
	for _, u := range r.unless {
		// An exclusion cancels the match if it overlaps it.
		for s := max(0, i-12); s < end; s++ {
			if uEnd, _, ok := matchElems(u, words, s); ok && uEnd > i {
				return 0, false, false
			}
		}
	}
	return end, stopped, true
}

// matchElems matches elems against words from i and returns the end of the
// match and the indexes of words that fell in gaps.
func matchElems(elems []element, words []string, i int) (int, []int, bool) {
	if len(elems) == 0 {
		return i, nil, true
	}
	e := elems[0]
	if e.gap > 0 {
		for n := 0; n <= e.gap && i+n <= len(words); n++ {
			if n > 0 && words[i+n-1] == stop {
				break
			}
			if end, gaps, ok := matchElems(elems[1:], words, i+n); ok {
				for k := i; k < i+n; k++ {
					gaps = append(gaps, k)
				}
				return end, gaps, true
			}
		}
		return 0, nil, false
	}
	for _, alt := range e.alts {
		if i+len(alt) > len(words) || !slices.Equal(words[i:i+len(alt)], alt) {
			continue
		}
		if end, gaps, ok := matchElems(elems[1:], words, i+len(alt)); ok {
			return end, gaps, true
		}
	}
	if e.optional {
		return matchElems(elems[1:], words, i)
	}
	return 0, nil, false
}

// ruleSet holds compiled rules indexed by the words that can start them.
type ruleSet struct {
	byFirst map[string][]*rule
}

// parsePattern compiles a pattern written as space-separated elements:
// "a|b" is any of the alternatives, "every_day" is a run of words within
// one alternative, a trailing "?" makes an element optional, and "~2" skips
// up to two words (never past the end of a sentence). Words go through
// Normalize, so patterns are written in plain English.
func parsePattern(p string) []element {
	var elems []element
	for _, f := range strings.Fields(p) {
		if strings.HasPrefix(f, "~") {
			n := 0
			for _, c := range f[1:] {
				n = n*10 + int(c-'0')
			}
			elems = append(elems, element{gap: n})
			continue
		}
		var e element
		if strings.HasSuffix(f, "?") {
			e.optional = true
			f = strings.TrimSuffix(f, "?")
		}
		for _, alt := range strings.Split(f, "|") {
			norm := Normalize(strings.ReplaceAll(alt, "_", " "))
			if len(norm) == 0 || slices.Contains(norm, stop) {
				panic("safeguard: bad pattern word " + alt)
			}
			e.alts = append(e.alts, norm)
		}
		elems = append(elems, e)
	}
	return elems
}

// firstWords returns the words a match of elems can start with, expanding
// leading optional elements. Rules must start with a plain word element.
func firstWords(elems []element) []string {
	var out []string
	for _, e := range elems {
		if e.gap > 0 {
			panic("safeguard: a rule must not start with a gap")
		}
		for _, alt := range e.alts {
			if !slices.Contains(out, alt[0]) {
				out = append(out, alt[0])
			}
		}
		if !e.optional {
			break
		}
	}
	return out
}

func compileRules(specs []ruleSpec) ruleSet {
	rs := ruleSet{byFirst: map[string][]*rule{}}
	for _, s := range specs {
		for _, p := range s.patterns {
			r := &rule{category: s.category, level: s.levelOf(), elems: parsePattern(p), negatable: !s.keepNegated}
			for _, u := range s.unless {
				r.unless = append(r.unless, parsePattern(u))
			}
			for _, w := range s.notAfter {
				r.notAfter = append(r.notAfter, Normalize(w)...)
			}
			for _, w := range firstWords(r.elems) {
				rs.byFirst[w] = append(rs.byFirst[w], r)
			}
		}
	}
	return rs
}
