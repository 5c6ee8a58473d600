package redact

// relationWords are the people a child names: "my social worker Sarah",
// "my brother jayden", "my mum Kelly".
var relationWords = wordSet(`mum mam mom mummy mommy mother mothers dad daddy father fathers
	stepmum stepdad step-mum step-dad stepmother stepfather parent parents brother brothers bro
	sister sisters sis stepbrother stepsister step-brother step-sister sibling siblings
	nan nana nanny nannie nain gran granny grandma grandmother nanna grandad granddad grandpa
	grampa grandfather taid grandparent grandparents auntie aunty aunt aunties uncle uncles
	cousin cousins friend friends mate mates bestie bff boyfriend girlfriend bf gf partner
	teacher teachers tutor ta headteacher counsellor counselor therapist mentor advocate
	carer carers worker workers sw iro pa advisor adviser keyworker guardian son daughter
	baby niece nephew twin neighbour neighbor housemate roommate coach manager doctor nurse
	psychologist psychiatrist officer foster fosterer supervisor boss classmate`)

// relationAdjectives come between "my" and a relation: "my best friend".
var relationAdjectives = wordSet(`best big little older younger old new step half foster twin social key support youth`)

// cueStop are words that follow a cue without being a name: "called the
// police", "called Childline", "my brother Nan…".
var cueStop = wordSet(`childline police nspcc samaritans kooth 999 111 ambulance security staff
	social services council everyone everybody someone somebody nobody people them him her me us`)

// titles precede a surname: "Mr Patel", "Miss Jones".
var titles = wordSet(`mr mrs ms mx miss dr sir mister prof`)

// ordinaryPrev are words after which a name-word is an ordinary word:
// "I Will", "the Bill", "my Faith".
var ordinaryPrev = wordSet(`a an the my your his her its our their this that these those some any no
	every much more less of in i you we they he she it who which u ya will would can could should
	might must shall not dont don't won't wont cant can't cannot never always also be im i'm
	i'll i'd we'll you'll they'll`)

// ordinaryNext are words before which a name-word is an ordinary word:
// "Will be", "Jack up", "May have".
var ordinaryNext = wordSet(`be been have has had not never ever always also just still really
	probably definitely soon up down out off get go do make take come see know think look want
	give use find tell ask work seem feel try leave call keep let begin help talk turn start
	show hear play run move like live believe hold bring happen write sit stand lose pay meet
	set learn change lead understand watch follow stop speak read allow add spend grow open
	walk win offer remember love consider appear buy wait serve die send expect build stay
	fall cut reach kill remain suggest raise pass sell decide pull listen care miss need hate
	you i we they he she it there this that to the a an your my our their me us them`)

// monthWords are name-words that are also months or seasons.
var monthWords = wordSet(`may april june august jan summer winter autumn`)

var monthPrev = wordSet(`in on of since until till by from last next this early late mid end
	before after during through over all every that the each`)

var monthNext = wordSet(`half term holidays holiday hols bank time break camp fair festival`)

type cueKind uint8

const (
	noCue       cueKind = iota
	strongCue           // "is called", "her name is"
	relationCue         // "my brother", "social worker", "called"
	listCue             // "Sarah and …"
	titleCue            // "Mr", "Miss"
)

// prevWords returns the indexes of up to four earlier word tokens in the
// same sentence, nearest first, stopping at anything but light punctuation.
func prevWords(toks []token, i int) (idx [4]int, n int) {
	for j := i - 1; j >= 0 && n < len(idx); j-- {
		if !toks[j+1].soft || toks[j+1].initial {
			break
		}
		idx[n] = j
		n++
	}
	return idx, n
}

// cueEnds are the words that can directly precede a cued name.
var cueEnds = wordSet(`called named nicknamed is was are were 's ’s be being gets got name's name’s
	names name nickname as by and & or`)

func cueBefore(toks []token, i int, redacted []bool) cueKind {
	if i == 0 || !toks[i].soft || toks[i].initial {
		return noCue
	}
	p := toks[i-1]
	if !p.tag && !redacted[i-1] && !cueEnds[p.lower] && !relationWords[p.lower] {
		return noCue
	}
	idx, n := prevWords(toks, i)
	at := func(k int) string {
		if k < n {
			return toks[idx[k]].lower
		}
		return ""
	}
	be := func(s string) bool {
		switch s {
		case "is", "was", "are", "were", "'s", "’s", "be", "being", "gets", "got":
			return true
		}
		return false
	}
	w0 := at(0)
	switch {
	case (w0 == "called" || w0 == "named" || w0 == "nicknamed") && be(at(1)):
		return strongCue
	case be(w0) && (at(1) == "name" || at(1) == "names" || at(1) == "nickname"):
		return strongCue
	case (w0 == "name" || w0 == "nickname") && toks[idx[0]].poss, w0 == "names":
		return strongCue
	case w0 == "called" || w0 == "named" || w0 == "nicknamed":
		return relationCue
	case w0 == "as" && at(1) == "known", w0 == "by" && at(1) == "goes":
		return relationCue
	}
	k := 0
	if be(w0) {
		k = 1
	}
	if relationWords[at(k)] {
		return relationCue
	}
	if (w0 == "and" || w0 == "&" || w0 == "or") && n > 1 && (toks[idx[1]].tag || redacted[idx[1]]) {
		return listCue
	}
	if i > 0 && toks[i].soft && !toks[i].tight && (toks[i-1].tag || redacted[i-1]) {
		return listCue
	}
	return noCue
}
