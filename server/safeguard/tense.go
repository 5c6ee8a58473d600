package safeguard

import "strings"

// Telling harm happening now from harm told as over.
//
// A rule that is urgent by its kind (abuse, self-harm, suicide, fear at
// home, exploitation) gives Concern only when the words place the harm in
// a time that is over; anything in doubt stays Urgent. The reading is of
// tense and aspect around the match, in this order:
//
//   - a word of now wins outright: "still" (not "was still"), "tonight",
//     "today", "last night", "last week", "at the moment", "a few days ago";
//     so does an answer that says the harm goes on ("he still does", "it
//     hasn't stopped", "it keeps happening");
//   - "every time", "every day", "all the time", "again" are now, unless the
//     sentence names a time that is over and has no verb in the present
//     ("he used to hit me every day", not "... and he does it every week");
//   - a clause in the present, the present progressive or the habitual is
//     now ("he hits me", "I get hit", "he keeps hitting me", "I am scared to
//     go home"), and so is intent or a plan ("I want to", "I'm going to", "I
//     will", "I'm thinking about");
//   - harm that began then and is not said to have ended stays urgent ("he
//     started hitting me when I was 12");
//   - a present perfect ("I've started cutting again", "he has abused me")
//     is now unless its sentence names a time that is over;
//   - a sentence that names a period that is over ("when I was 8", "at my
//     last placement", "as a child", "before I was taken into care", "years
//     ago", "used to", "when we moved") places the harm there, and so does
//     such a sentence earlier in the answer while the story stays in the
//     past;
//   - a clause in the simple past ("she punched me", "I was abused", "he'd
//     hit me") is past when the answer is told looking back ("I'm 19 now",
//     "as a care leaver", "in the end", "looking back");
//   - otherwise — a bare "she hit me", "I cut my wrist", "one night he came
//     into my room" — it is urgent: it may have been yesterday.
type timeReading int

const (
	timeUnclear timeReading = iota
	timeNow
	timePast
)

// nowPhrases place what their sentence tells in the present or the last day
// or so, or say it goes on.
var nowPhrases = compilePhrases(
	"right now", "at the moment|minute", "currently", "tonight", "today", "this morning|afternoon|evening|week|weekend",
	"last night|weekend|week", "yesterday", "these days", "days|hours|minutes ago", "a|one|last week ago",
	"few|couple_of|couple|2|3|4|5|6 days|weeks ago", "any minute|second|day", "from now on",
)

// habitual phrases say something happens again and again: now, unless the
// sentence itself names a time that is over ("he used to hit me every
// day").
var habitual = compilePhrases("every time|day|night|week|weekend|morning", "all the time", "again", "keeps|keep happening")

// goesOn, anywhere in an answer, says harm told in the past is still
// happening: "he hit me when I was little. He still does."
var goesOn = compilePhrases(
	"still does|do|is|are|happening|happens|going_on|goes_on|carries_on|continues|hits|hurts|abuses|touches|beats",
	"is|are|am still", "not|never|hasnt|hasn't|havent|haven't stopped", "does|do it|that", "it|this|that is|keeps happening", "keeps|kept happening", "happening again|now", "started again",
	"it is happening|going_on",
)

// pastTimes name a time that is over. Ages are 1 to 17: "when I was 8",
// "I was only 13", "aged 12".
var pastTimes = compilePhrases(
	"used to", "when i was little|younger|small|a_kid|a_child|a_baby|a_teenager|smaller|in|living",
	"when i|we lived|was_living|were_living", "before i|we came|went|was|were|got|moved into|in care|foster",
	"before i|we was|were|got taken|put|placed|moved|removed", "before care|foster|adoption|i_was_adopted",
	"years|months ago", "a year ago", "last year", "in|at my old|last|previous|first|old_foster|last_foster",
	"my old|last|previous|first placement|home|house|foster|carers|school|family", "back then", "at the time", "in the past",
	"as a kid|child|teenager|baby|little_girl|little_boy|youngster|young_child", "grew up|growing up", "over the years",
	"when i|we was|were "+ages, "i was only|just "+ages, "aged|age "+ages, "at the age of "+ages,
	"not anymore|any_more", "no longer", "is|was over|gone", "at primary|junior school?", "in primary|junior school",
	"at that time|age|point", "into|in care|foster because|after|for|due_to",
	"just then",
	"weeks|months|years since", "since i last",
)

// pastContext, anywhere in an answer, tells it as a story that is over; it
// places a clause in the simple past there (never a present one, nor one
// with no tense): the named times above, a story's start and end ("at
// first", "in the end"), looking back, a child who is now
// protected, a teller now grown up. Not "one night", "that day" or "from
// then on": a story may be of last week, and "since then" may go on now.
var pastContext = compilePhrases(
	"in the end", "after that", "i remember", "looking back", "months|years later",
	"earliest|first|early memory|memories", "not allowed to live|stay with|near",
	"police|social_services|social_workers|socialworkers ~3 involved", "on lots_of|many|several|a_few|few occasions",
	"i was so|too|only|just naive|young|little|innocent|small", "care leaver|leavers", "left care",
	"i am now? 18|19|20|21|22|23|24|25|26|27|28|29|30|in_my_twenties|an_adult|grown_up",
)

// ages are children's ages told as numbers or words.
const ages = "1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" +
	"thirteen|fourteen|fifteen|sixteen|seventeen"

// presentForms are finite verbs in the present (and the words of intent and
// plans) that put a clause now: "he hits me", "I am scared", "I get hit",
// "I want to", "I'm going to", "I will".
var presentForms = wordSet("am is are do does keep keeps get gets can will shall want wants need needs feel feels " +
	"plan plans planning thinking think urge tempted gonna wanna he'll she'll they'll i'll we'll it'll " +
	"hits beats kicks punches slaps smacks batters strangles chokes whips belts hurts abuses grabs pushes shoves " +
	"drags pinches burns spits attacks slams pins restrains shakes bites scratches pulls touches threatens " +
	"locks throws makes forces scares frightens terrifies bullies leaves sends starts starting says tells lives")

// perfectForms make a present perfect: "I have started", "he has abused".
var perfectForms = wordSet("has have")

// habitualForms tell what used to happen ("he'd hit me", "it would end in
// violence") or a condition ("he would kill me if"): read as past only when
// the answer tells of a time that is over.
var habitualForms = wordSet("would he'd she'd they'd we'd you'd it'd")

// notVerbs follow "going to" when it is a journey, not a plan.
var notVerbs = wordSet("the a an my his her their our your school bed work church town sleep")

// modals before "have" make a past: "he could have killed her".
var modals = wordSet("could would should might must may")

// timeClauses open a clause of time: "when my stepdad moved in", "after I
// told my mum".
var timeClauses = wordSet("when whenever after before until till")

// pastForms are irregular past tenses and past auxiliaries; regular ones end
// in -ed (see isPastForm).
var pastForms = wordSet("was were had did used got took made gave told said went came ran left kept threw thrown " +
	"shook bit stole felt thought saw tried began brought caught fought held hid knew lost meant met paid " +
	"sent slept spent stood stuck taught woke wore won wrote drove broke chose fell forgot froze " +
	"grew hung rang rose sang sank sat spoke swore tore undid became overdosed")

// notPast are words ending in -ed that are not past tenses, or are mostly
// adjectives after "am" or "was" (which then decide the tense).
var notPast = wordSet("need feed bed red shed sled seed weed speed bleed breed greed indeed hundred naked wicked sacred " +
	"scared tired bored worried frightened terrified petrified interested excited annoyed stressed depressed " +
	"ashamed embarrassed confused supposed upset isolated exhausted traumatised traumatized bullied " +
	"concerned involved shared sacred ragged rugged beloved")

// clauseBreaks end the clause a match's tense is read in, looking back.
var clauseBreaks = wordSet("and but because so then when if while after before until till since or that who which " +
	"though although where")

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		if n := Normalize(w); len(n) == 1 {
			m[n[0]] = true
		}
	}
	return m
}

func isPastForm(w string) bool {
	if pastForms[w] {
		return true
	}
	return len(w) >= 5 && strings.HasSuffix(w, "ed") && !notPast[w] && !strings.HasSuffix(w, "eed")
}

// pastTimeClause reports whether words[s:e] hold a clause of time in the
// past: "when my sister argued back", "after I told".
func pastTimeClause(words []string, s, e int) bool {
	for j := s; j+1 < e; j++ {
		if !timeClauses[words[j]] {
			continue
		}
		// A period of the child's own life that began or ended: "when I
		// first saw", "after we moved", "when my stepdad moved in"; not a
		// single event that may have been yesterday ("when he came home").
		for k := j + 1; k < e && k <= j+4 && words[k] != stop; k++ {
			if periodVerbs[words[k]] {
				return true
			}
		}
	}
	return false
}

// periodVerbs in a clause of time mark a period of the child's life.
var periodVerbs = wordSet("first lived moved left started")

// onsets in a clause tell when harm began, not that it ended: "he started
// hitting me when I was 12".
var onsets = wordSet("start starts started starting began begun")

// Words compared one by one, in the form Normalize gives them ("still" is
// "stil").
var (
	wStill  = Normalize("still")[0]
	wUnless = Normalize("unless")[0]
)

// stillNow reports whether words[s:e] say "still" of the present: "he
// still hits me", "I'm still scared"; not "he was still left to babysit
// me".
func stillNow(words []string, s, e int) bool {
	for j := s; j < e; j++ {
		if words[j] == wStill && (j == 0 || (words[j-1] != "was" && words[j-1] != "were" && words[j-1] != "had")) {
			return true
		}
	}
	return false
}

// answerTime reads the time of the matches in one answer. What it learns
// of a sentence or of the whole answer is kept, so that reading many
// matches stays linear in the answer's length.
type answerTime struct {
	words []string
	// start and end of the sentence holding each word.
	start, end []int
	sents      map[int]*sentenceTime // by start
	// whole-answer readings, once computed.
	read            bool
	goesOn, context bool
}

// sentenceTime is what one sentence says of time.
type sentenceTime struct {
	now, here, habit, cond bool
	// tense of the sentence's finite verbs.
	present, perfect, past bool
	// frame: the sentences before set a time that is over (see pastFrame).
	frame bool
}

func newAnswerTime(words []string) *answerTime {
	a := &answerTime{words: words, start: make([]int, len(words)), end: make([]int, len(words)),
		sents: map[int]*sentenceTime{}}
	for i := 0; i < len(words); {
		j := i
		for j < len(words) && words[j] != stop {
			j++
		}
		for k := i; k < j || k == i && k < len(words); k++ {
			a.start[k], a.end[k] = i, j
		}
		i = j + 1
	}
	return a
}

// sentence returns the bounds of the sentence holding words[i].
func (a *answerTime) sentence(i int) (int, int) {
	if i >= len(a.words) {
		return len(a.words), len(a.words)
	}
	return a.start[i], a.end[i]
}

// at returns what the sentence starting at s says of time.
func (a *answerTime) at(s int) *sentenceTime {
	if st := a.sents[s]; st != nil {
		return st
	}
	words := a.words
	_, e := a.sentence(s)
	st := &sentenceTime{
		now:   nowPhrases.anyIn(words, s, e) || stillNow(words, s, e),
		here:  pastTimes.anyIn(words, s, e) || pastTimeClause(words, s, e),
		habit: habitual.anyIn(words, s, e),
	}
	for k := s; k < e; k++ {
		if words[k] == "if" || words[k] == wUnless {
			st.cond = true
		}
	}
	a.sents[s] = st
	st.present, st.perfect, st.past = a.verbForms(s, e)
	return st
}

// whole reads the whole answer once: whether it says the harm goes on,
// whether it is told by someone looking back, and the past frame of each
// sentence: a sentence that names a time that is over sets it for the
// sentences after ("When I was 8 we lived with my dad. He hit me."), and a
// sentence with a present verb or a word of now ends it ("... Now I live
// with my dad and he hits me").
func (a *answerTime) whole() {
	if a.read {
		return
	}
	a.read = true
	a.goesOn = goesOn.anyIn(a.words, 0, len(a.words))
	a.context = pastContext.anyIn(a.words, 0, len(a.words))
	frame := false
	for s := 0; s < len(a.words); {
		st := a.at(s)
		st.frame = frame
		switch {
		case st.here:
			frame = true
		case st.present || st.perfect || st.now:
			frame = false
		}
		_, e := a.sentence(s)
		s = e + 1
	}
}

// verbForms reads the tense of the finite verbs in words[s:e]. Present
// forms after "did" ("I didn't want to") are past; "have" after a modal
// ("could have killed") is past; "would" is past ("he'd hit me") unless
// its sentence makes it a condition ("he'd kill me if I told").
func (a *answerTime) verbForms(s, e int) (present, perfect, past bool) {
	words := a.words
	for j := s; j < e && j < len(words); j++ {
		w := words[j]
		prev, next := "", ""
		if j > 0 {
			prev = words[j-1]
		}
		if j+1 < len(words) {
			next = words[j+1]
		}
		didBefore := prev == "did" || (prev == "not" && j > 1 && words[j-2] == "did")
		switch {
		case w == "going" && next == "to" && prev != "was" && prev != "were":
			// "I'm going to", "going to end it"; not "I was going to",
			// "going to the park".
			if j+2 < len(words) && !notVerbs[words[j+2]] {
				present = true
			}
		case (presentForms[w] || perfectForms[w]) && (didBefore || habitualForms[prev] || modals[prev]):
			// "I didn't want to", "he would get angry": the tense is the
			// auxiliary's.
			past = true
		case (w == "have" || w == "has") && (modals[prev] || prev == "not" && j > 1 && modals[words[j-2]]):
			past = true
		case presentForms[w]:
			present = true
		case perfectForms[w] && next != "to":
			perfect = true
		case w == "have" || w == "has":
			present = true // "I have to", "he has to"
		case isPastForm(w):
			past = true
		case habitualForms[w] && !a.conditional(j):
			past = true
		}
	}
	return present, perfect, past
}

// conditional reports whether the "would" at words[j] is a condition in
// its sentence ("he'd kill me if I told"), a threat that may hold now,
// rather than what used to happen ("he'd hit me").
func (a *answerTime) conditional(j int) bool {
	s, _ := a.sentence(j)
	if st := a.sents[s]; st != nil {
		return st.cond
	}
	return a.at(s).cond
}

// clauseStart returns where the clause holding words[i] begins, looking
// back at most five words.
func (a *answerTime) clauseStart(i int) int {
	start := i
	for k := i - 1; k >= 0 && i-k <= 5 && a.words[k] != stop && !clauseBreaks[a.words[k]]; k-- {
		start = k
	}
	return start
}

// clauseTense reads the tense of the clause holding words[i:end]: the match
// and up to five words before it, back to a clause break; a clause with no
// finite verb takes its sentence's (own is then false). Present forms win
// over past ones.
func (a *answerTime) clauseTense(i, end int) (present, perfect, past, own bool) {
	present, perfect, past = a.verbForms(a.clauseStart(i), end)
	if present || perfect || past {
		return present, perfect, past, true
	}
	s, _ := a.sentence(i)
	st := a.at(s)
	return st.present, st.perfect, st.past, false
}

// readTime says whether the sentence holding words[i:end] tells of harm now,
// in the past, or does not say.
func (a *answerTime) readTime(i, end int) timeReading {
	a.whole()
	s, _ := a.sentence(i)
	st := a.at(s)
	if st.now || a.goesOn {
		return timeNow
	}
	present, perfect, past, own := a.clauseTense(i, end)
	if st.habit && (!st.here || st.present || st.perfect) {
		// "every week", "again": now, unless the sentence names a time
		// that is over and says nothing in the present ("he used to hit
		// me every day", not "... and he does it every week").
		return timeNow
	}
	if present && !own && st.here {
		// A clause with no verb of its own in a sentence that names a
		// time that is over: "it's been two years since I last cut".
		return timePast
	}
	if present {
		return timeNow
	}
	for j := a.clauseStart(i); j < end; j++ {
		if onsets[a.words[j]] {
			return timeUnclear // begun, and not said to have ended
		}
	}
	if perfect {
		if st.here {
			return timePast
		}
		return timeNow
	}
	if st.here || st.frame || past && a.context {
		return timePast
	}
	return timeUnclear
}

// aboutOthers reports whether the clause holding words[i:end] is about
// other people rather than the child: "some young people feel they need to
// run away".
func (a *answerTime) aboutOthers(i, end int) bool {
	others := false
	for j := a.clauseStart(i); j < end; j++ {
		switch a.words[j] {
		case "i", "me", "my", "myself", "we", "us", "our":
			return false
		case "they", "he", "she", "people", "kids", "children", "someone", "somebody", "everyone", "friends":
			others = true
		}
	}
	return others
}
