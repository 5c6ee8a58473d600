package safeguard

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// detectTests is a labelled set of answers in children's style. want lists
// the categories an answer must be flagged with (nil: must not be flagged).
// Cases marked stretch are harder spellings and phrasings: they count
// towards the measured recall and false-positive rate in TestDetectRates but
// are not asserted one by one.
var detectTests = []struct {
	name    string
	in      string
	want    []string
	stretch bool
}{
	// Suicide.
	{"WannaDie", "i wanna die", []string{Suicide}, false},
	{"WantToDie", "I want to die", []string{Suicide}, false},
	{"Want2Die", "sometimes i want 2 die", []string{Suicide}, false},
	{"KMS", "i am going to kms", []string{Suicide}, false},
	{"KillMyself", "I want to kill myself", []string{Suicide}, false},
	{"KillMyselfRepeated", "i wanna killlll myselfff", []string{Suicide}, false},
	{"KillMyselfLeet", "i w4nt to k1ll mys3lf", []string{Suicide}, false},
	{"KillMySelfSplit", "feel like killing my self", []string{Suicide}, false},
	{"Suicidal", "I feel suicidal", []string{Suicide}, false},
	{"SuicideMisspelt", "i think about sucide a lot", []string{Suicide}, false},
	{"EndMyLife", "i want to end my life", []string{Suicide}, false},
	{"WishIWasDead", "I wish I was dead", []string{Suicide}, false},
	{"NeverBorn", "i wish i was never born", []string{Suicide}, false},
	{"BetterOffWithoutMe", "everyone would be better off without me", []string{Suicide}, false},
	{"NotWantToLive", "I don't want to live anymore", []string{Suicide}, false},
	{"NoReasonToLive", "there's no reason to live", []string{Suicide}, false},
	{"Unalive", "i want to unalive myself", []string{Suicide}, false},
	{"Overdose", "i took an overdose last year", []string{Suicide}, false},
	{"NeverWakeUp", "i go to sleep and hope i never wake up", []string{Suicide}, false},

	// Self-harm.
	{"HurtMyself", "i hurt myself when im sad", []string{SelfHarm}, false},
	{"CutMyself", "I cut myself", []string{SelfHarm}, false},
	{"CuttingMyself", "been cutting myself again", []string{SelfHarm}, false},
	{"SelfHarm", "i self harm", []string{SelfHarm}, false},
	{"SelfHarmHyphen", "I used to self-harm", []string{SelfHarm}, false},
	{"CutWrists", "i cut my wrists", []string{SelfHarm}, false},
	{"BurnMyself", "i burn myself with a lighter", []string{SelfHarm}, false},
	{"MakeMyselfSick", "i make myself sick after tea", []string{SelfHarm}, false},

	// Abuse.
	{"HeHitsMe", "he hits me", []string{Abuse}, false},
	{"SheHitMe", "she hit me", []string{Abuse}, false},
	{"BeatsMe", "my step dad beats me", []string{Abuse}, false},
	{"TouchesMe", "my uncle touches me", []string{Abuse}, false},
	{"TouchedMe", "he touched me and told me not to tell", []string{Abuse}, false},
	{"HitsMeMisspelt", "my mum hitts me", []string{Abuse}, false},
	{"KicksMe", "my carer kicks me", []string{Abuse}, false},
	{"PunchedMe", "dad punched me in the face", []string{Abuse}, false},
	{"GetHit", "i get hit at home", []string{Abuse}, false},
	{"WasAbused", "I was abused", []string{Abuse}, false},
	{"Raped", "i was raped", []string{Abuse}, false},
	{"ThreatenedToHurt", "he threatened to hurt me", []string{Abuse}, false},
	{"LocksMeIn", "they lock me in my room", []string{Abuse}, false},
	{"MakesMeTouch", "he makes me touch him", []string{Abuse}, false},
	{"HurtsMe", "my mums boyfriend hurts me", []string{Abuse}, false},

	// Neglect.
	{"NoFood", "there is no food in the house", []string{Neglect}, false},
	{"NobodyFeedsMe", "nobody feeds me", []string{Neglect}, false},
	{"NoOneFeedsMe", "no one feeds me", []string{Neglect}, false},
	{"NotFed", "we dont get fed", []string{Neglect}, false},
	{"AlwaysHungry", "im always hungry", []string{Neglect}, false},
	{"BedHungry", "i go to bed hungry", []string{Neglect}, false},
	{"NothingToEat", "nothing to eat at home", []string{Neglect}, false},
	{"NoHeating", "we have no heating and no hot water", []string{Neglect}, false},
	{"LeftAlone", "mum leaves me alone all weekend", []string{Neglect}, false},

	// Unsafe at home.
	{"NotSafeAtHome", "i am not safe at home", []string{UnsafeHome}, false},
	{"DontFeelSafe", "I don't feel safe", []string{UnsafeHome}, false},
	{"ScaredToGoHome", "scared to go home", []string{UnsafeHome}, false},
	{"ScaredOfDad", "I'm scared of my dad", []string{UnsafeHome}, false},
	{"HomeNotSafe", "my home is not safe", []string{UnsafeHome}, false},
	{"KickedOut", "my mum kicked me out", []string{UnsafeHome}, false},
	{"DontWantToGoHome", "i dont want to go home", []string{UnsafeHome}, false},
	{"DrunkAllTheTime", "my mum is drunk all the time", []string{UnsafeHome}, false},

	// Exploitation.
	{"OlderBoysSell", "older boys make me sell", []string{Exploitation}, false},
	{"SellDrugs", "they make me sell drugs", []string{Exploitation}, false},
	{"CountyLines", "i got into county lines", []string{Exploitation}, false},
	{"Nudes", "a man keeps asking for nudes", []string{Exploitation}, false},
	{"MetOnline", "i met a man online who wants to meet me", []string{Exploitation}, false},
	{"GivesMeMoney", "an older man gives me money if i go to his flat", []string{Exploitation}, false},
	{"CarryKnife", "i carry a knife", []string{Exploitation}, false},

	// Running away.
	{"RunAway", "i want to run away", []string{RunningAway}, false},
	{"RanAway", "I ran away from my foster home", []string{RunningAway}, false},
	{"WentMissing", "i went missing for 3 days", []string{RunningAway}, false},
	{"SleptRough", "i slept rough", []string{RunningAway}, false},

	// Severe bullying.
	{"BoysBeatMeUp", "boys at school beat me up", []string{BullyingSevere}, false},
	{"TellMeToKys", "people at school tell me to kys", []string{BullyingSevere}, false},
	{"ThreatenStab", "they threatened to stab me", []string{BullyingSevere}, false},
	{"GotJumped", "i got jumped after school", []string{BullyingSevere}, false},
	{"BulliedEveryDay", "im bullied every day", []string{BullyingSevere}, false},

	// Several at once.
	{"HitAndDie", "he hits me and i want to die", []string{Abuse, Suicide}, false},

	// False alarms that must not be flagged.
	{"KillItFootball", "I kill it at football", nil, false},
	{"HitTheGym", "I want to hit the gym", nil, false},
	{"DyingToSee", "I'm dying to see my sister", nil, false},
	{"DieForPuppy", "I'd die for a puppy", nil, false},
	{"HitMeUp", "hit me up on snap", nil, false},
	{"KillingTime", "just killing time", nil, false},
	{"PhoneDied", "my phone died", nil, false},
	{"RanFromSpider", "I ran away from a spider", nil, false},
	{"DogRanAway", "our dog ran away", nil, false},
	{"HeNeverHitsMe", "my foster dad never hits me", nil, false},
	{"NobodyHurtsMe", "nobody hurts me here", nil, false},
	{"FeelSafe", "I feel safe at home", nil, false},
	{"NotScared", "I'm not scared to go home", nil, false},
	{"BeatsMeAtFifa", "my brother beats me at fifa", nil, false},
	{"ItHitMe", "it hit me how much i miss her", nil, false},
	{"BallHitMe", "the ball hit me in the face at football", nil, false},
	{"TouchedMeKindness", "it really touched me", nil, false},
	{"StarvingLunch", "im starving can we have lunch", nil, false},
	{"NoFoodInClass", "no food allowed in class", nil, false},
	{"FedUp", "im fed up of school", nil, false},
	{"DieMyHair", "i want to die my hair pink", nil, false},
	{"DieLaughing", "i nearly died laughing", nil, false},
	{"KickedOutOfClass", "I got kicked out of class", nil, false},
	{"PushesMe", "my carer pushes me to do my best", nil, false},
	{"CutHair", "i cut my hair short", nil, false},
	{"HurtFootball", "i hurt myself playing football", nil, false},
	{"SafeHappy", "I'm happy and safe and I love my carers", nil, false},
	{"MoreMoney", "more pocket money and a new phone", nil, false},
	{"SocialWorker", "my social worker keeps changing and never listens", nil, false},
	{"SeeBrother", "I want to see my brother more", nil, false},
	{"HomeworkKills", "homework is killing me lol", nil, false},
	{"MumWillKillMe", "my mum will kill me if i am late", nil, false},
	{"KeysMissing", "my keys went missing", nil, false},
	{"Empty", "", nil, false},

	// Stretch: harder spellings and phrasings (measured, not asserted).
	{"StretchWntDie", "i wnt to die", []string{Suicide}, true},
	{"StretchDnt", "i dnt wanna be alive", []string{Suicide}, true},
	{"StretchSuicidle", "feeling suicidle tonight", []string{Suicide}, true},
	{"StretchKysMyself", "sometimes i wanna kys myself", []string{Suicide}, true},
	{"StretchEndIt", "i just want to end it", []string{Suicide}, true},
	{"StretchCtb", "i am thinking of ending everything", []string{Suicide}, true},
	{"StretchDissapear", "i want to disappear forever and never come back", []string{Suicide}, true},
	{"StretchSlice", "i slice my arms", []string{SelfHarm}, true},
	{"StretchHurtMyselfMisspelt", "i hurt mysef", []string{SelfHarm}, true},
	{"StretchHitz", "my dad hitz me", []string{Abuse}, true},
	{"StretchBeatMeLeet", "he b3ats me", []string{Abuse}, true},
	{"StretchBelt", "i get the belt when im bad", []string{Abuse}, true},
	{"StretchTuchesMe", "my stepdad tuches me at nite", []string{Abuse}, true},
	{"StretchShoutsAndHits", "she shouts and hits me and my sister", []string{Abuse}, true},
	{"StretchNoDinner", "we never have dinner at home", []string{Neglect}, true},
	{"StretchNotSafe", "i dont feel safe at my placement", []string{UnsafeHome}, true},
	{"StretchScaredOfHim", "im scared of my mums new boyfriend", []string{UnsafeHome}, true},
	{"StretchHideDrugs", "i hide stuff for older lads", []string{Exploitation}, true},
	{"StretchRunAwayAgain", "gonna run away again", []string{RunningAway}, true},
	{"StretchBattered", "got battered by some boys", []string{BullyingSevere}, true},
	{"StretchNotFalseHit", "i hit my head on the door", nil, true},
	{"StretchNotFalseCut", "i cut myself on paper", nil, true},
	{"StretchNotFalseKillBoss", "i killed the boss in my game", nil, true},
	{"StretchNotFalseDead", "that joke was dead funny", nil, true},
	{"StretchNotFalseStarving", "starving after school every day", nil, true},
	{"StretchNotFalseRun", "I love to run away from my brother when we play tag", nil, true},
	{"StretchNotFalseBeatGame", "i beat my brother at chess", nil, true},
	{"StretchNotFalseDied", "my nan died last year and i miss her", nil, true},
	{"StretchNotFalseSafe", "never unsafe here", nil, true},
	{"StretchNotFalseTouch", "keep in touch with my sister", nil, true},
	{"StretchNotFalseSafePlace", "my placement is the first place ive felt safe", nil, true},
	{"StretchNotFalseHitSong", "that song is a hit", nil, true},
	{"StretchNotFalseBeatenTeam", "we got beaten 5-0 on saturday", nil, true},
	{"StretchNotFalseHungry", "i get hungry in maths before lunch", nil, true},
	{"StretchNotFalseNoFoodTech", "there is no food tech at my school", nil, true},
	{"StretchNotFalseKillMe", "this heat is killing me", nil, true},
	{"StretchNotFalseDeadline", "my deadline is friday and im dead tired", nil, true},
	{"StretchNotFalseRunAwayFilm", "we watched a film about a girl who runs away to the circus", nil, true},
	{"StretchNotFalseMissing", "i feel like something is missing in my life", nil, true},
	{"StretchNotFalseGoHome", "i want to go home to my mum", nil, true},
	{"StretchNotFalseSafeFriends", "i feel safe with my friends", nil, true},
	{"StretchNotFalseCutOff", "my phone got cut off", nil, true},
	{"StretchNotFalseShot", "i shot a goal in football", nil, true},
	{"StretchNotFalseKnifeFork", "i am learning to use a knife and fork", nil, true},
	{"StretchNotFalseDrugsTalk", "we learned about drugs in pshe", nil, true},
	{"StretchNotFalseHurtFeelings", "it hurts my feelings when they forget my birthday", nil, true},
	{"StretchNotFalseScaredExams", "i am scared of my exams", nil, true},
	{"StretchNotFalseBully", "there was some bullying but the teachers sorted it", nil, true},
	{"StretchNotFalseAbuseTopic", "adults should listen to children", nil, true},
	{"StretchNotFalseLeaveAlone", "i wish people would leave me alone sometimes", nil, true},
	{"StretchNotFalseMovePlacement", "i have moved placement 6 times", nil, true},
	{"StretchNotFalseWantPhone", "i want a phone so i can talk to my mum", nil, true},
	{"StretchNotFalseKillYourself", "dont work so hard you will kill yourself", nil, true},
	{"StretchNotFalseHitRoad", "we hit the road early for holiday", nil, true},
	{"StretchNotFalsePinch", "pinch me im dreaming", nil, true},
	{"StretchPosHeKicks", "he keeps kicking me", []string{Abuse}, true},
	{"StretchPosPunchWall", "i punch walls til my hands bleed", []string{SelfHarm}, true},
	{"StretchPosWantDieCaps", "I WANT TO DIE", []string{Suicide}, true},
	{"StretchPosNoOneLoves", "no one would care if i died", []string{Suicide}, true},
	{"StretchPosNotEating", "theres never any food in the fridge", []string{Neglect}, true},
	{"StretchPosAfraidHome", "im afraid to go back to that house", []string{UnsafeHome}, true},
	{"StretchPosOnlineMan", "a guy on snapchat keeps asking me for pics", []string{Exploitation}, true},
	{"StretchPosDrugsDeliver", "they pay me to drop packages", []string{Exploitation}, true},
	{"StretchPosRunningAway", "i keep running away from my placement", []string{RunningAway}, true},
	{"StretchPosStab", "a boy said he would stab me", []string{BullyingSevere}, true},
	{"StretchPosSuicideThoughts", "i have suicidal thoughts", []string{Suicide}, true},
	{"StretchPosHitWithBelt", "dad hit me with a belt", []string{Abuse}, true},
	{"StretchPosSmacks", "my nan smacks us", []string{Abuse}, true},
	// Disclosures told without the usual words (from the fresh and extra
	// development data, testdata/fresh.tsv and extra.tsv).
	{"InjuriesNoOneNamed", "people at school guessed because i turn up with injuries on my face", []string{Abuse}, false},
	{"HitsMum", "i want my stepdad to stop hitting mummy", []string{UnsafeHome}, false},
	{"Eggshells", "we all have to walk on eggshells at home", []string{UnsafeHome}, false},
	{"KeptInRoom", "i was kept in my room except for meals", []string{Neglect}, false},
	{"ThreatOfCare", "mum said not to let anyone in or we would be taken into care", []string{Abuse}, false},
	{"CutsDeeper", "the cuts keep getting deeper", []string{SelfHarm}, false},
	{"MyFuneral", "i imagine everyone crying at my funeral", []string{Suicide}, false},
	{"EasyMoney", "they asked me to take a package and said it was easy money", []string{Exploitation}, false},
	{"NotEnoughFoodAtSchool", "there's not enough food at lunch, not enough choices", nil, false},
	{"EveryoneCarriesKnives", "it feels like everyone's carrying knives round here", nil, false},
	{"StretchPosDrunkDad", "my dad comes home drunk and shouts and throws stuff at us", []string{Abuse}, true},
	{"StretchPosScaredCarer", "im scared of my foster carer", []string{UnsafeHome}, true},
}

func TestDetect(t *testing.T) {
	for _, tt := range detectTests {
		if tt.stretch {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			got := Detect(tt.in)
			if got.Flagged != (len(tt.want) > 0) {
				t.Fatalf("Detect(%q).Flagged = %v, want %v (categories %v)", tt.in, got.Flagged, len(tt.want) > 0, got.Categories)
			}
			for _, c := range tt.want {
				if !slices.Contains(got.Categories, c) {
					t.Errorf("Detect(%q).Categories = %v, want it to include %q", tt.in, got.Categories, c)
				}
			}
		})
	}
}

// TestDetectRates measures recall and the false-positive rate over every
// labelled answer, stretch cases included.
func TestDetectRates(t *testing.T) {
	var tp, fn, fp, tn int
	for _, tt := range detectTests {
		got := Detect(tt.in).Flagged
		switch want := len(tt.want) > 0; {
		case want && got:
			tp++
		case want && !got:
			fn++
			t.Logf("missed: %s %q", tt.name, tt.in)
		case !want && got:
			fp++
			t.Logf("false alarm: %s %q", tt.name, tt.in)
		default:
			tn++
		}
	}
	recall := float64(tp) / float64(tp+fn)
	fpr := float64(fp) / float64(fp+tn)
	t.Logf("recall %.3f (%d/%d), false-positive rate %.3f (%d/%d)", recall, tp, tp+fn, fpr, fp, fp+tn)
	if recall < 0.95 {
		t.Errorf("recall = %.3f, want at least 0.95", recall)
	}
	if fpr > 0.05 {
		t.Errorf("false-positive rate = %.3f, want at most 0.05", fpr)
	}
}

func TestDetectCategoriesSortedUnique(t *testing.T) {
	got := Detect("he hits me and she hits me and i want to die and i wanna die").Categories
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Errorf("Categories = %v, want sorted and unique", got)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"TextSpeak", "i wanna die", "i want to die"},
		{"Digits", "want 2 die 4 real", "want to die for real"},
		{"Leet", "k1ll mys3lf", "kil myself"},
		{"Repeats", "diiiie", "die"},
		{"KMS", "KMS", "kil myself"},
		{"Contraction", "I don't", "i do not"},
		{"CurlyApostrophe", "I don’t", "i do not"},
		{"NoOne", "no one cares", "nobody cares"},
		{"Sentences", "I'm fine. He hits me!", "i am fine . he hits me ."},
		{"Misspelling", "sucidal", "suicidal"},
		{"Fuzzy", "mysefl", "myself"},
		{"KeepsNumbers", "i am 14", "i am 14"},
		{"FullWidth", "i want to ｋｉｌｌ myself", "i want to kil myself"},
		{"Cyrillic", "hе hіts mе", "he hits me"},
		{"ZeroWidth", "sui\u200bcide", "suicide"},
		{"Greek", "i want to diΕ", "i want to die"},
		{"MySelfHarm", "my self-harming got worse", "my self harming got worse"},
		{"MySelfStill", "i hurt my self", "i hurt myself"},
		{"DroppedG", "he keeps hittin me and im cuttin", "he keps hiting me and i am cuting"},
		{"DroppedGNotCousin", "my cousin", "my cousin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(Normalize(tt.in), " "); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWithinOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"suicide", "suicide", true},
		{"sucide", "suicide", true},
		{"suicdie", "suicide", true},
		{"suicidx", "suicide", true},
		{"scide", "suicide", false},
		{"myself", "himself", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"_"+tt.b, func(t *testing.T) {
			if got := withinOneEdit(tt.a, tt.b); got != tt.want {
				t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func FuzzDetect(f *testing.F) {
	for _, tt := range detectTests {
		f.Add(tt.in)
	}
	f.Add("\xff\xfe kms")
	f.Add("i' ' '' ’’ don’ no one. . !! & &")
	f.Fuzz(func(t *testing.T, in string) {
		r := Detect(in)
		if r.Flagged != (len(r.Categories) > 0) {
			t.Fatalf("Detect(%q) = %+v: Flagged disagrees with Categories", in, r)
		}
		for _, c := range r.Categories {
			if !slices.Contains(Categories, c) {
				t.Fatalf("Detect(%q) reported unknown category %q", in, c)
			}
		}
		for _, w := range Normalize(in) {
			if utf8.ValidString(in) && !utf8.ValidString(w) {
				t.Fatalf("Normalize(%q) gave invalid UTF-8 word %q", in, w)
			}
		}
	})
}

func BenchmarkDetect(b *testing.B) {
	answers := []string{
		"I want to see my brother more and my social worker never listens to me",
		"i wanna die",
		"my foster dad never hits me and I feel safe at home",
		"more money for phones and to go out with friends",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Detect(answers[i%len(answers)])
	}
}

func TestDetectLevel(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"he hits me", Urgent},
		{"I want to end it tonight", Urgent},
		{"I cut myself last night", Urgent},
		{"he used to hit me and he still does", Urgent},
		{"I used to self harm", Concern},
		{"when I was 8 my dad hit me with a belt", Concern},
		{"in my old placement the carers locked me in my room", Concern},
		{"he doesn't hit me any more", Concern},
		{"i ran away last week", Concern},
		{"there is never any food in the house", Concern},
		{"my boyfriend is much older than me", Concern},
		{"he used to hit me. now he hits me every day", Urgent},
		{"nobody hurts me here", ""},
		{"I feel fine", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r := Detect(tt.in)
			if r.Level != tt.want || r.Flagged != (tt.want != "") {
				t.Errorf("Detect(%q) = %+v, want level %q", tt.in, r, tt.want)
			}
		})
	}
}

// TestDetectThroughTricks: the safeguarding check reads the folded text, so
// full-width letters, look-alike letters and zero-width characters hide nothing.
func TestDetectThroughTricks(t *testing.T) {
	for _, in := range []string{
		"i want to ｋｉｌｌ myself",
		"i want to kіll mysеlf", // Cyrillic і and е
		"my stepdad h\u200bits me",
		"i want to d\u00adie",
		"ΗΕ ΗΙΤS ΜΕ", // Greek capitals
		"i want to k\u0336i\u0336l\u0336l\u0336 myself",
	} {
		if r := Detect(in); !r.Flagged {
			t.Errorf("Detect(%q) not flagged", in)
		}
	}
}
