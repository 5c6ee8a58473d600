package theme

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var shippedCodebook = filepath.Join("..", "..", "surveys", "your-life-your-voice.codebook.yaml")

// terms builds plain terms.
func terms(texts ...string) []Term {
	out := make([]Term, len(texts))
	for i, t := range texts {
		out[i] = Term{Text: t}
	}
	return out
}

// testCodebook is a small codebook for the matcher's rules.
var testCodebook = &Codebook{Survey: "t", Themes: []Theme{
	{ID: "listening", Terms: terms("listen", "listened", "don't listen", "have a say")},
	{ID: "family", Terms: append(terms("mum", "brother", "see my"),
		Term{Text: "family", Except: []string{"part of the family", "foster family"}}), Exclude: terms("foster mum")},
	{ID: "leaving", Terms: append(terms("self-esteem", "house"), Term{Text: "independent", Except: []string{"independent school"}})},
	{ID: "moving", Terms: terms("move*", "new placements")},
	{ID: "bullying", Terms: []Term{{Text: "bully*", Negatable: true}, {Text: "picked on", Negatable: true}}},
	{ID: "social", Terms: terms("social worker")},
	{ID: "welsh", Terms: []Term{{Text: "teulu", Welsh: true}, {Text: "gweithiwr cymdeithasol", Welsh: true}}},
}}

func TestTag(t *testing.T) {
	m := testCodebook.Compile()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"Word", "I want them to listen", []string{"listening"}},
		{"ExactFormOnly", "they are listening now", nil},
		{"ExactFormListed", "nobody ever listened", []string{"listening"}},
		{"NoStemFeelingsForFeel", "I feel fine in my house", []string{"leaving"}},
		{"NoStemHousing", "housing is hard", nil},
		{"StarStem", "I moved three times", []string{"moving"}},
		{"StarStemMoving", "moving again", []string{"moving"}},
		{"StarStemMoves", "so many moves", []string{"moving"}},
		{"PhraseExact", "so many new placements", []string{"moving"}},
		{"PhraseNotStemmed", "a new placement", nil},
		{"PhraseAcrossClauseBreak", "have a. say", nil},
		{"CaseInsensitive", "MY MUM", []string{"family"}},
		{"Possessive", "my brother's room", []string{"family"}},
		{"ApostropheOptional", "they dont listen", []string{"listening"}},
		{"CurlyApostrophe", "they don’t listen", []string{"listening"}},
		{"Sorted", "my mum should listen", []string{"family", "listening"}},
		{"Uncoded", "pizza on fridays", nil},
		{"Empty", "", nil},
		{"TopicNegatedStillTopic", "I don't have a social worker", []string{"social"}},
		{"TopicNeverStillTopic", "I never see my mum", []string{"family"}},
		{"NegatableNot", "I am not bullied", nil},
		{"NegatableNever", "I have never been bullied here", nil},
		{"NegatableHypothetical", "if I got bullied I would tell", nil},
		{"NegatableAffirmed", "I got bullied at school", []string{"bullying"}},
		{"NegatableFarAway", "not sure why but they bully me", []string{"bullying"}},
		{"NegatableClauseBreak", "not really. picked on every day", []string{"bullying"}},
		{"NegatableFourWordsBack", "not that it matters but being bullied hurts", []string{"bullying"}},
		{"ExceptPhrase", "I'm part of the family here", nil},
		{"ExceptFosterFamily", "my foster family is kind", nil},
		{"ExceptOnlyOverlapping", "part of the family, but I miss my family", []string{"family"}},
		{"Exclude", "my foster mum is kind", nil},
		{"ExcludeOnlyOverlapping", "my foster mum and my mum", []string{"family"}},
		{"ExceptIndependentSchool", "I go to an independent school", nil},
		{"ExceptNotThere", "I want to be independent", []string{"leaving"}},
		{"HyphenatedWord", "my self-esteem is low", []string{"leaving"}},
		{"HyphenWrittenAsSpace", "my self esteem is low", []string{"leaving"}},
		{"RedactionTag", "[name] said [school] was fine", nil},
		{"WelshRadical", "dw i eisiau gweld teulu", []string{"welsh"}},
		{"WelshNasal", "dw i eisiau gweld fy nheulu", []string{"welsh"}},
		{"WelshSoft", "mae ei deulu yn bell", []string{"welsh"}},
		{"WelshPhraseMutated", "fy ngweithiwr cymdeithasol", []string{"welsh"}},
		{"WelshNoFalseMutation", "theatr", nil},
		// How children type (tolerance).
		{"TypoLetterMissed", "my brothr", []string{"family"}},
		{"TypoLetterAdded", "my brotjher", []string{"family"}},
		{"TypoLetterChanged", "my brotjer", []string{"family"}},
		{"TypoLettersSwapped", "my borther", []string{"family"}},
		{"TypoInPhrase", "my socail worker", []string{"social"}},
		{"TypoKeepsException", "part of the famly", nil},
		{"TypoNotShortWords", "my mun", nil},
		{"TypoNotEnglishWords", "the other one", nil},
		{"TypoNotEnglishWordLetterDoubled", "brooth", nil},
		{"SplitWordNotBreakingPhrase", "my self esteem", []string{"leaving"}},
		{"TypoNotTwoSlips", "my brtohr", nil},
		{"TypoNotWelsh", "brawdd", nil},
		{"RepeatedLetters", "my brotherrrr", []string{"family"}},
		{"RepeatedLettersShortWord", "mummm", []string{"family"}},
		{"JoinedPhrase", "my socialworker", []string{"social"}},
		{"JoinedEnglishWordNotSplit", "socially", nil},
		{"SplitWord", "my bro ther", []string{"family"}},
		{"SplitWordNotAcrossClause", "my bro. ther", nil},
		{"NegationNoApostrophe", "i dnt get bullied", nil},
		{"NegationApostropheAsSpace", "i don t get bullied", nil},
		{"NegationFourWordsBack", "never once was i bullied", nil},
		{"NegationFiveWordsBack", "not once in the year bullied", []string{"bullying"}},
		{"NoInflection", "they are listening now", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.Tag(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Tag(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestShippedCodebookTags runs the shipped codebook over answers written the
// way children and young people write.
func TestShippedCodebookTags(t *testing.T) {
	cb, err := LoadFile(shippedCodebook)
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	m := cb.Compile()
	tests := []struct {
		name string
		in   string
		want []string // every one of these themes must be tagged
		not  []string // none of these may be tagged
	}{
		{"SeeBrother", "I want to see my little brother more", []string{"family_contact"}, nil},
		{"MissMum", "i miss my mum so much", []string{"family_contact"}, nil},
		{"CantSeeSisters", "i cant see my sisters because they live far away", []string{"family_contact"}, nil},
		{"ContactNan", "more contact with my nan", []string{"family_contact"}, nil},
		{"SocialWorkerChanges", "I have had 6 social workers in 2 years", []string{"social_workers"}, nil},
		{"SocialWorkerListen", "my social worker doesnt listen to me", []string{"social_workers", "having_a_say"}, nil},
		{"SwNeverRings", "my sw never rings me back", []string{"social_workers"}, nil},
		{"MovedPlacements", "I've moved placement 5 times and it's hard", []string{"placement_moves"}, nil},
		{"KeepMoving", "stop moving me around", []string{"placement_moves"}, nil},
		{"DontWantToMove", "i dont want to move again", []string{"placement_moves"}, nil},
		{"SchoolHelp", "more help with my homework and exams", []string{"school_education"}, nil},
		{"Excluded", "i got excluded from school and nobody helped", []string{"school_education"}, nil},
		{"Teachers", "the teachers at school should understand care", []string{"school_education"}, nil},
		{"TalkToSomeone", "someone to talk to when im sad", []string{"mental_health"}, nil},
		{"NoOneToTalkTo", "I have no one to talk to", []string{"mental_health"}, nil},
		{"Camhs", "waiting for CAMHS for a year", []string{"mental_health"}, nil},
		{"Anxious", "i get really anxious", []string{"mental_health"}, nil},
		{"FeelSafe", "I feel safe where I live now", []string{"feeling_safe"}, nil},
		{"NotSafe", "I don't feel safe in my area", []string{"feeling_safe"}, nil},
		{"HaveASay", "I want to have a say in where I live", []string{"having_a_say"}, nil},
		{"NobodyListens", "nobody listens to kids in care", []string{"having_a_say"}, nil},
		{"Turning18", "scared about turning 18 and leaving care", []string{"leaving_care"}, nil},
		{"OwnFlat", "help getting my own flat and paying bills", []string{"leaving_care"}, nil},
		{"PersonalAdviser", "my personal adviser is great", []string{"leaving_care"}, nil},
		{"PocketMoney", "more pocket money", []string{"money_things"}, nil},
		{"Phone", "I want my own phone like everyone else", []string{"money_things", "identity"}, nil},
		{"PhoneMum", "I want to phone my mum every night", []string{"family_contact"}, []string{"money_things"}},
		{"Friends", "being allowed to have sleepovers with my friends", []string{"friends"}, nil},
		{"NoFriends", "i have no friends at my new school", []string{"friends", "school_education"}, nil},
		{"Football", "i love playing football at the weekend", []string{"activities_fun"}, nil},
		{"NothingToDo", "there is nothing to do round here", []string{"activities_fun"}, nil},
		{"Carers", "my carers are really kind and make me feel at home", []string{"carers_home"}, nil},
		{"FosterMum", "my foster mum is the best", []string{"carers_home"}, []string{"family_contact"}},
		{"ChildrensHome", "the staff at my children's home change a lot", []string{"carers_home"}, nil},
		{"Different", "I feel different to everyone at school because I'm in care", []string{"identity", "school_education"}, nil},
		{"Culture", "I want to learn about my culture and religion", []string{"identity"}, nil},
		{"Bullied", "I get bullied because I am in care", []string{"bullying"}, nil},
		{"CalledNames", "they call me names on snapchat", []string{"bullying"}, nil},
		{"IndependentSchool", "I go to an independent school", []string{"school_education"}, []string{"leaving_care"}},
		{"Uncoded", "pizza every friday", nil, []string{"family_contact", "school_education", "friends"}},
		{"NotWorried", "I'm not worried about anything", nil, []string{"mental_health"}},
		// The collisions and misses issue 14 found in the old matcher.
		{"FeelIsNotFeelings", "I feel fine about it", nil, []string{"mental_health"}},
		{"HouseIsNotHousing", "my house is nice and big", nil, []string{"leaving_care"}},
		{"FriendlyIsNotFriends", "the staff are friendly", nil, []string{"friends"}},
		{"BoxIsNotBoxing", "a box of my things", nil, []string{"activities_fun"}},
		{"PhoningIsNotMoney", "phoning my mum every night", []string{"family_contact"}, []string{"money_things"}},
		{"PartOfTheFamily", "I'm part of the family here", []string{"carers_home"}, []string{"family_contact"}},
		{"NoSocialWorker", "I don't have a social worker", []string{"social_workers"}, nil},
		{"NotBullied", "I am not bullied at this school", []string{"school_education"}, []string{"bullying"}},
		{"BulliedAffirmed", "I was bullied for being in care", []string{"bullying"}, nil},
		{"WhyInCare", "nobody told me why I am in care", []string{"having_a_say"}, nil},
		{"Review", "my review meetings are boring and long", []string{"having_a_say"}, nil},
		{"Heating", "I can't afford the heating and the rent", []string{"money_things"}, nil},
		{"CostOfLiving", "the cost of living is too much", []string{"money_things"}, nil},
		{"Asylum", "my asylum interview at the Home Office", []string{"asylum_immigration"}, []string{"carers_home"}},
		{"AgeDispute", "they said I was older and my age was disputed", []string{"asylum_immigration"}, nil},
		{"Labelled", "teachers treat me differently because I'm in care", []string{"identity", "school_education"}, nil},
		{"WelshFamily", "dw i eisiau gweld fy nheulu yn amlach", []string{"family_contact"}, nil},
		{"WelshSocialWorker", "mae fy ngweithiwr cymdeithasol yn newid o hyd", []string{"social_workers"}, nil},
		// Typed on a phone.
		{"TypoSocialWorker", "my socail wroker never comes", []string{"social_workers"}, nil},
		{"TypoBrother", "i miss my bruther", []string{"family_contact"}, nil},
		{"TypoAnxious", "i get so anxoius", []string{"mental_health"}, nil},
		{"RepeatedScared", "im sooo scareddd at night", []string{"feeling_safe"}, nil},
		{"JoinedSocialWorker", "my socialworker is nice", []string{"social_workers"}, nil},
		{"SplitSomeone", "i need some one to talk to", []string{"mental_health"}, nil},
		{"NotNeeded", "there is no need to be worried", nil, []string{"mental_health"}},
		{"CareersNotCarers", "careers advice at school", []string{"school_education"}, []string{"carers_home"}},
		{"CareeIsCare", "when i was in caree", nil, []string{"leaving_care"}},
		{"SafelyNotSafety", "i got there safely", nil, []string{"feeling_safe"}},
		{"TableNotStable", "we eat at the table", nil, []string{"placement_moves"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.Tag(tt.in)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Tag(%q) = %q, want it to include %q", tt.in, got, w)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(got, n) {
					t.Errorf("Tag(%q) = %q, want it not to include %q", tt.in, got, n)
				}
			}
			if tt.want == nil && tt.not == nil && len(got) > 0 {
				t.Errorf("Tag(%q) = %q, want no themes", tt.in, got)
			}
		})
	}
}

func TestTagSortedUnique(t *testing.T) {
	cb, err := LoadFile(shippedCodebook)
	if err != nil {
		t.Fatal(err)
	}
	got := cb.Compile().Tag("my mum my mum school school friends my mum")
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Errorf("Tag = %q, want sorted and unique", got)
	}
}

func FuzzTag(f *testing.F) {
	f.Add("I want to see my brother more")
	f.Add("don't listen [name] ’ ' can't")
	f.Add("\xff\xfe [ ] [x] [name")
	cb, err := LoadFile(shippedCodebook)
	if err != nil {
		f.Fatal(err)
	}
	m := cb.Compile()
	ids := map[string]bool{}
	for _, t := range cb.Themes {
		ids[t.ID] = true
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := m.Tag(in)
		if !slices.IsSorted(got) {
			t.Fatalf("Tag(%q) = %q, not sorted", in, got)
		}
		for i, id := range got {
			if !ids[id] {
				t.Fatalf("Tag(%q) returned unknown theme %q", in, id)
			}
			if i > 0 && got[i-1] == id {
				t.Fatalf("Tag(%q) = %q has repeats", in, got)
			}
		}
		if again := m.Tag(in); !slices.Equal(again, got) {
			t.Fatalf("Tag(%q) is not deterministic: %q then %q", in, got, again)
		}
	})
}

// BenchmarkTag tags short answers written the way children write, with the
// shipped codebook and with the matcher and codebook it replaced, in the same
// run: ns/op is the time per answer.
func BenchmarkTag(b *testing.B) {
	benchTaggers(b, []string{
		"I want to see my brother more and my social worker never listens to me",
		"more pocket money and a new phone",
		"I've moved placement 5 times and school is hard",
		"pizza every friday",
		strings.Repeat("I feel safe with my carers and I love football. ", 4),
	})
}

// TestStemOnlyWhereAsked checks that a starred term matches every word of its
// stem, including words whose stem changes a letter ("cry", "cries", "cried").
func TestStemOnlyWhereAsked(t *testing.T) {
	m := (&Codebook{Themes: []Theme{{ID: "upset", Terms: terms("cry*")}, {ID: "home", Terms: terms("house")}}}).Compile()
	for _, in := range []string{"I cry", "she cries", "we cried", "crying again"} {
		if got := m.Tag(in); !slices.Equal(got, []string{"upset"}) {
			t.Errorf("Tag(%q) = %q, want upset", in, got)
		}
	}
	for _, in := range []string{"housing", "houses", "crystal"} {
		if got := m.Tag(in); len(got) != 0 {
			t.Errorf("Tag(%q) = %q, want none", in, got)
		}
	}
}
