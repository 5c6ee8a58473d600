package redact

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chorus-voice/chorus/server/fold"
)

var redactTests = []struct {
	name string
	in   string
	want string
}{
	// Phones.
	{"MobileSpaced", "text me on 07700 900123 please", "text me on [phone] please"},
	{"MobileNoSpace", "my number is 07700900123", "my number is [phone]"},
	{"MobileDashes", "ring 07700-900-123", "ring [phone]"},
	{"MobileThreeGroups", "its 07700 900 123 ok", "its [phone] ok"},
	{"MobilePlus44", "call +447700900123", "call [phone]"},
	{"MobilePlus44Spaced", "call +44 7700 900123 now", "call [phone] now"},
	{"MobilePlus44Trunk", "+44 (0)7700 900123 is mine", "[phone] is mine"},
	{"Mobile0044", "0044 7700 900123", "[phone]"},
	{"MobileBrackets", "(07700) 900123", "[phone]"},
	{"MobileDots", "07700.900.123", "[phone]"},
	{"LandlineManchester", "home phone 0161 496 0000", "home phone [phone]"},
	{"LandlineLondon", "020 7946 0000 is the house", "[phone] is the house"},
	{"LandlineBrackets", "(0161) 496 0000", "[phone]"},
	{"LandlineDashes", "0113-496-0000", "[phone]"},
	{"LandlineTenDigits", "016977 4000", "[phone]"},
	{"InternationalPlus", "my dad is on +48 123 456 789", "my dad is on [phone]"},
	{"PhoneEndOfSentence", "call 07700900123.", "call [phone]."},
	{"TwoPhones", "07700900123 or 07700900124", "[phone] or [phone]"},
	{"NotChildline", "I rang childline on 0800 1111", "I rang childline on 0800 1111"},
	{"NotShortNumber", "ring 999 if you need to", "ring 999 if you need to"},
	{"NotSamaritans", "116 123 helped me", "116 123 helped me"},

	// Character tricks: the details are found through folding and the tag
	// takes the place of exactly what the child wrote.
	{"TrickFullWidthPhone", "text me ０７７００ ９００１２３ ok", "text me [phone] ok"},
	{"TrickArabicIndicPhone", "رقمي ٠٧٧٠٠٩٠٠١٢٣ شكرا", "رقمي [phone] شكرا"},
	{"TrickPersianPhone", "call ۰۷۷۰۰ ۹۰۰۱۲۳", "call [phone]"},
	{"TrickDevanagariPhone", "call ०७७०० ९००१२३ now", "call [phone] now"},
	{"TrickZeroWidthPhone", "ring 0770\u200b0 900\u200c123", "ring [phone]"},
	{"TrickMixedDigitsPhone", "07７00 ٩00123", "[phone]"},
	{"TrickFullWidthEmail", "email jay＠gmail．com x", "email [email] x"},
	{"TrickCyrillicEmail", "mail me jаy22@gmаil.com", "mail me [email]"},
	{"TrickZeroWidthEmail", "jay\u200d22@gmail.com", "[email]"},
	{"TrickFullWidthPostcode", "I live at ＳＷ１Ａ １ＡＡ now", "I live at [postcode] now"},
	{"TrickArabicIndicPostcode", "postcode M١ ١AE", "postcode [postcode]"},
	{"TrickCyrillicPostcode", "I live at МЕ1 1АА", "I live at [postcode]"},
	{"TrickZeroWidthPostcode", "B3\u200b3 8TH", "[postcode]"},
	{"TrickCyrillicName", "my social worker Ѕаrаh is nice", "my social worker [name] is nice"},
	{"TrickZeroWidthName", "my friend Jay\u200bden said", "my friend [name] said"},
	{"TrickFullWidthName", "I miss Ｊａｙｄｅｎ", "I miss [name]"},
	{"TrickFullWidthHandle", "add me ＠jay_22 on insta", "add me [handle] on insta"},
	{"TrickCyrillicHandle", "snap: jаy_22", "snap: [handle]"},
	{"TrickZeroWidthHandle", "my insta is lil\u200bmo22", "my insta is [handle]"},
	{"TrickKeepsOtherText", "كيف حالك 😢 Jay", "كيف حالك 😢 [name]"},
	{"TrickNothingFoundKept", "ｈｅｌｌｏ\u200b ٣ cats", "ｈｅｌｌｏ\u200b ٣ cats"},

	// Emails.
	{"Email", "email me jay.22@gmail.com", "email me [email]"},
	{"EmailUpper", "JAY@HOTMAIL.CO.UK", "[email]"},
	{"EmailPlus", "sam+care@example.org thanks", "[email] thanks"},
	{"EmailAtDot", "its jay22 at gmail dot com", "its [email]"},
	{"EmailBracketAt", "jay(at)gmail.com", "[email]"},
	{"NotAtHome", "I feel safe at home dot", "I feel safe at home dot"},

	// Handles and social links.
	{"AtHandle", "follow me @jay_22", "follow me [handle]"},
	{"AtHandleStart", "@coolkid is me", "[handle] is me"},
	{"InstaIs", "my insta is jay_22", "my insta is [handle]"},
	{"SnapColon", "snap: xyz", "snap: [handle]"},
	{"SnapchatIs", "my snapchat is lilmo", "my snapchat is [handle]"},
	{"TiktokHandle", "add me on tiktok jay.dances", "add me on tiktok [handle]"},
	{"TiktokAt", "tiktok @jaydances", "tiktok [handle]"},
	{"IGColon", "ig: kayla.x", "ig: [handle]"},
	{"RobloxUsername", "my roblox username is cool_kid12", "my roblox username is [handle]"},
	{"InstagramURL", "see instagram.com/jay_22", "see [handle]"},
	{"TiktokURL", "https://www.tiktok.com/@jay", "[handle]"},
	{"NotSnapFun", "my snap is fun", "my snap is fun"},
	{"NotSnapchatLot", "I use snapchat a lot", "I use snapchat a lot"},
	{"NotTiktokApp", "tiktok is my favourite app", "tiktok is my favourite app"},
	{"NotAtTime", "meet @ 5", "meet @ 5"},
	{"NotHelplineURL", "go to www.childline.org.uk", "go to www.childline.org.uk"},
	{"NotXboxBroken", "my xbox is broken", "my xbox is broken"},

	// Postcodes.
	{"PostcodeFull", "I live at SW1A 1AA", "I live at [postcode]"},
	{"PostcodeLower", "m1 1ae is my postcode", "[postcode] is my postcode"},
	{"PostcodeNoSpace", "B338TH", "[postcode]"},
	{"PostcodeLeeds", "LS6 2AB", "[postcode]"},
	{"PostcodeGIR", "GIR 0AA", "[postcode]"},
	{"OutwardAfterLive", "I live in M1", "I live in [postcode]"},
	{"OutwardAfterLiveLower", "i live in m1 now", "i live in [postcode] now"},
	{"OutwardPostcodeIs", "my postcode is SW1A", "my postcode is [postcode]"},
	{"OutwardArea", "the LS6 area is nice", "the [postcode] area is nice"},
	{"NotPS5", "I want a PS5", "I want a PS5"},
	{"NotB4", "b4 2nd lesson", "b4 2nd lesson"},
	{"NotM8Today", "m8 2day was good", "m8 2day was good"},
	{"NotGTA5", "GTA5 is fun", "GTA5 is fun"},
	{"NotA4", "an A4 page", "an A4 page"},
	{"NotY7", "I live in Y7 class", "I live in Y7 class"},

	// Addresses.
	{"HouseStreet", "I live at 12 Acacia Avenue", "I live at [address]"},
	{"HouseStreetLower", "i live at 12 acacia avenue", "i live at [address]"},
	{"FlatAndHouse", "flat 3, 5 Park Road", "[address]"},
	{"FlatOnRoad", "flat 3 on park road", "[address]"},
	{"FlatCommaRoad", "Flat 3, Park Road", "[address]"},
	{"HouseLetter", "23b High Street is where I live", "[address] is where I live"},
	{"HouseRd", "its 4 Elm Rd.", "its [address]."},
	{"HouseClose", "we moved to 7 Willow Close", "we moved to [address]"},
	{"HouseTwoWords", "45 Old Mill Lane", "[address]"},
	{"StreetAfterLive", "I live on Acacia Avenue", "I live on [address]"},
	{"StreetAfterLiveLower", "i live on acacia avenue", "i live on [address]"},
	{"StreetNoCue", "the shop on Kingsway Road", "the shop on [address]"},
	{"NotTwoBrothers", "I have 2 brothers", "I have 2 brothers"},
	{"NotTwoCloseFriends", "I have 2 really close friends", "I have 2 really close friends"},
	{"NotThreeTimes", "it happened 3 times", "it happened 3 times"},
	{"NotFiveStars", "5 stars", "5 stars"},
	{"NotYear9", "I am in year 9", "I am in year 9"},
	{"NotRoadAlone", "we went down the road", "we went down the road"},
	{"NotBusyRoad", "I live on a busy road", "I live on a busy road"},

	// Schools.
	{"SchoolSaint", "I go to St Mary's Primary", "I go to [school]"},
	{"SchoolAcademy", "Oakwood Academy is ok", "[school] is ok"},
	{"SchoolHighSchool", "I started at Hill View High School", "I started at [school]"},
	{"SchoolGrammar", "my brother is at Manchester Grammar", "my brother is at [school]"},
	{"SchoolLowerCue", "i go to oakwood academy", "i go to [school]"},
	{"SchoolLowerSaint", "went to st marys primary", "went to [school]"},
	{"SchoolCollege", "I'm at Riverside College now", "I'm at [school] now"},
	{"SchoolLeadingWords", "I Love Oakwood Academy", "I Love [school]"},
	{"NotMySchool", "I like my school", "I like my school"},
	{"NotPrimarySchool", "at primary school it was hard", "at primary school it was hard"},
	{"NotSecondary", "I go to secondary school", "I go to secondary school"},
	{"NotNewSchool", "I go to a new school", "I go to a new school"},
	{"NotDanceSchool", "I go to dance school", "I go to dance school"},
	{"NotHighSchool", "High school is hard", "High school is hard"},
	{"NotSixthForm", "I go to sixth form college", "I go to sixth form college"},
	{"NotTheAcademy", "The Academy is big", "The Academy is big"},
	{"NotSpecialSchool", "I went to a Special School", "I went to a Special School"},

	// Dates.
	{"DateNumeric", "born 12/03/2012", "born [date]"},
	{"DateNumericShortYear", "dob 12-03-12", "dob [date]"},
	{"DateNumericDots", "12.03.2012", "[date]"},
	{"DateWords", "12th March 2012", "[date]"},
	{"DateWordsOf", "the 3rd of May, 2010", "[date]"},
	{"DateMonthFirst", "March 12th 2012", "[date]"},
	{"DateBornOn", "I was born on 3 May 2010", "I was born on [date]"},
	{"DateBornOnNoYear", "I was born on the 3rd of May", "I was born on the [date]"},
	{"DateBirthdayIs", "my birthday is 12/03", "my birthday is [date]"},
	{"DateBornIn", "I was born in 2010", "I was born in [date]"},
	{"DateISO", "2012-03-12", "[date]"},
	{"NotTenOutOfTen", "10/10 would recommend", "10/10 would recommend"},
	{"NotTime", "school starts at 8.45", "school starts at 8.45"},
	{"NotTimeColon", "I go to bed at 9:30pm", "I go to bed at 9:30pm"},
	{"NotBornInPlace", "I was born in Poland", "I was born in Poland"},
	{"NotMayBe", "it may be hard", "it may be hard"},
	{"NotMonthAlone", "in March we moved", "in March we moved"},

	// Numbers.
	{"NHSNumber", "my nhs number is 943 476 5919", "my nhs number is [number]"},
	{"NHSNumberJoined", "9434765919", "[number]"},
	{"NINumber", "NI number AB123456C", "NI number [number]"},
	{"NINumberSpaced", "ab 12 34 56 c", "[number]"},
	{"NotAge", "I am 14", "I am 14"},
	{"NotMoney", "I get £20 a week", "I get £20 a week"},
	{"NotBigMoney", "I want £1000000000", "I want £1000000000"},
	{"NotPercent", "100 percent", "100 percent"},
	{"NotCounting", "1 2 3 4 5 6 7 8 9 10", "1 2 3 4 5 6 7 8 9 10"},
	{"NotScore", "we won 3-2", "we won 3-2"},

	// Names from the list.
	{"NamePlain", "Sarah is nice", "[name] is nice"},
	{"NameLower", "me and jayden went out", "me and [name] went out"},
	{"NameUpper", "KELLY is my carer", "[name] is my carer"},
	{"NamePossessive", "I stay at Jayden's house", "I stay at [name]'s house"},
	{"NamePossessiveNoApostrophe", "I stay at Jaydens house", "I stay at [name] house"},
	{"NotMaths", "I like Art but not Maths", "I like Art but not Maths"},
	{"NotJeans", "Jeans are comfy", "Jeans are comfy"},
	{"NotLess", "Less homework please", "Less homework please"},
	{"NameWithSurname", "Sarah Jones is my sw", "[name] is my sw"},
	{"NameWelsh", "Ffion and Dafydd", "[name] and [name]"},
	{"NameSouthAsian", "my friend Priya helps me", "my friend [name] helps me"},
	{"NameWestAfrican", "Chidinma is kind", "[name] is kind"},
	{"NamePolish", "Zuzanna sits with me", "[name] sits with me"},
	{"NameHyphenated", "Lily-Mae is my sister", "[name] is my sister"},
	{"NameAccented", "Zoë came too", "[name] came too"},
	{"NameTwoInList", "Jayden, Tyler and Kai", "[name], [name] and [name]"},
	{"NameTitle", "Mr Patel is my teacher", "Mr [name] is my teacher"},
	{"NameTitleDot", "Mrs. Okafor helps", "Mrs. [name] helps"},
	{"NameMissSurname", "Miss Jones said no", "Miss [name] said no"},

	// Names after cues.
	{"CueSocialWorker", "my social worker Sarah never listens", "my social worker [name] never listens"},
	{"CueBrotherLower", "my brother jayden is 12", "my brother [name] is 12"},
	{"CueCalled", "my foster carer is called Mo", "my foster carer is called [name]"},
	{"CueCalledLower", "my carer is called mo", "my carer is called [name]"},
	{"CueMum", "my mum Kelly", "my mum [name]"},
	{"CueNameIs", "her name is Bex", "her name is [name]"},
	{"CueUnknownCapital", "my key worker Zorblax is ok", "my key worker [name] is ok"},
	{"CueSisterWordName", "my sister grace", "my sister [name]"},
	{"CueSisterCueOnly", "my sister India is 5", "my sister [name] is 5"},
	{"CueIsName", "my best friend is Will", "my best friend is [name]"},
	{"CueAuntyWordName", "I want to live with my Aunty Grace", "I want to live with my Aunty [name]"},
	{"CueKeyWorkerShort", "my key worker Dave is sound", "my key worker [name] is sound"},
	{"CueFriendsList", "my friends Kai and Rose", "my friends [name] and [name]"},
	{"CueNameApostropheS", "her name's Bee", "her name's [name]"},
	{"CueCalledPolice", "we called the police", "we called the police"},
	{"CueCalledChildline", "I called Childline", "I called Childline"},
	{"CueBrotherWill", "my brother will help me", "my brother will help me"},
	{"CueMumSaid", "my mum said no", "my mum said no"},

	// Names that are also words.
	{"WordNameMidSentence", "I went to the park with Grace", "I went to the park with [name]"},
	{"WordNameAnd", "me and Will went out", "me and [name] went out"},
	{"WordNameSurname", "I told Will Smith", "I told [name]"},
	{"WordNameIsMy", "Grace is my best friend", "[name] is my best friend"},
	{"NotIHope", "I hope things get better", "I hope things get better"},
	{"NotIHopeCapital", "I Hope things get better", "I Hope things get better"},
	{"NotIWill", "I will try", "I will try"},
	{"NotIWillCapital", "and I Will try", "and I Will try"},
	{"NotWillBe", "it Will be ok", "it Will be ok"},
	{"NotGraceSentenceStart", "Grace is important", "Grace is important"},
	{"NotMayMonth", "we moved in May", "we moved in May"},
	{"NotMayHalfTerm", "see you at May half term", "see you at May half term"},
	{"NotJackUp", "they jack up the prices", "they jack up the prices"},
	{"NotJackUpCapital", "they Jack up the prices", "they Jack up the prices"},
	{"NotTheBill", "we paid the Bill", "we paid the Bill"},
	{"NotMyFaith", "my Faith is important to me", "my Faith is important to me"},
	{"NotRoseLower", "the sun rose", "the sun rose"},
	{"NotSummerHolidays", "in the Summer holidays", "in the Summer holidays"},
	{"NotTitleCase", "I Want More Hope And Joy", "I Want More Hope And Joy"},
	{"NotMark", "I got a good mark", "I got a good mark"},
	{"NotPEKit", "I forgot my PE kit", "I forgot my PE kit"},
	{"NotGraceLower", "by the grace of god", "by the grace of god"},
	{"NotDrew", "I drew a picture", "I drew a picture"},
	{"NotParis", "I went to Paris", "I went to Paris"},
	{"NotChelsea", "I support Chelsea", "I support Chelsea"},
	{"NotMiss", "I miss Home", "I miss Home"},

	// Ordinary text.
	{"Empty", "", ""},
	{"Plain", "I like my foster home", "I like my foster home"},
	{"NotSaid", "she said it was fine", "she said it was fine"},
	{"NotMaybe", "maybe it may be ok", "maybe it may be ok"},
	{"NotThreeOClock", "at 3 o'clock", "at 3 o'clock"},
	{"NotYear9Capital", "Year 9 is hard", "Year 9 is hard"},
	{"NotEmoji", "I'm happy 😀", "I'm happy 😀"},
	{"NotWelshWords", "dw i'n hoffi ysgol", "dw i'n hoffi ysgol"},
	{"NotLol", "lol that was funny", "lol that was funny"},
	{"NotAyoLower", "ayo that's mad", "ayo that's mad"},
	{"NotMinecraft", "I play Minecraft and Fortnite", "I play Minecraft and Fortnite"},
	{"NotTags", "[name] and [phone]", "[name] and [phone]"},
	{"NotMonthDay", "we went on 25 December", "we went on 25 December"},
	{"NotGame", "I play FIFA 24 and GTA 5", "I play FIFA 24 and GTA 5"},
	{"NotHelpline", "Childline helped me a lot", "Childline helped me a lot"},
	{"NotCountry", "I was born in Poland and speak Polish", "I was born in Poland and speak Polish"},
	{"NotCelebrateEid", "we celebrate Eid and Diwali", "we celebrate Eid and Diwali"},
	{"NotYearGroup", "I'm in Y9 and my sister is in Y7", "I'm in Y9 and my sister is in Y7"},

	// Several details together.
	{"Mixed", "Im Jayden, 07700 900123, I live at 12 Acacia Avenue M1 1AE and go to Oakwood Academy",
		"Im [name], [phone], I live at [address] [postcode] and go to [school]"},
	{"MixedHandleAndName", "my sister Kayla's snap is kay_x", "my sister [name]'s snap is [handle]"},
}

func TestRedact(t *testing.T) {
	for _, tt := range redactTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactIdempotent(t *testing.T) {
	for _, tt := range redactTests {
		t.Run(tt.name, func(t *testing.T) {
			once := Redact(tt.in)
			if twice := Redact(once); twice != once {
				t.Errorf("Redact(Redact(%q)) = %q, want %q", tt.in, twice, once)
			}
		})
	}
}

func TestCountTags(t *testing.T) {
	got := CountTags("[name] rang [phone] and [name]")
	if got[TagName] != 2 || got[TagPhone] != 1 || len(got) != 2 {
		t.Errorf("CountTags = %v, want [name]:2 [phone]:1", got)
	}
}

func TestNameListsLoaded(t *testing.T) {
	tests := []struct {
		word string
		want nameKind
	}{
		{"jayden", plainName},
		{"grace", wordName},
		{"will", wordName},
		{"india", cueName},
		{"jo", wordName},
		{"table", notName},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := names[tt.word]; got != tt.want {
				t.Errorf("names[%q] = %v, want %v", tt.word, got, tt.want)
			}
		})
	}
	if n := len(names); n < 3000 {
		t.Errorf("len(names) = %d, want at least 3000", n)
	}
}

func TestRedactLongInput(t *testing.T) {
	in := strings.Repeat("my social worker Sarah rang 07700 900123 from 12 Acacia Avenue. ", 16000)
	got := Redact(in)
	if strings.Contains(got, "Sarah") || strings.Contains(got, "07700") {
		t.Errorf("Redact of a 1 MB input let a detail through")
	}
}

// stripTags removes every tag from s.
func stripTags(s string) string {
	for _, tag := range Tags {
		s = strings.ReplaceAll(s, tag, "")
	}
	return s
}

func FuzzRedact(f *testing.F) {
	for _, tt := range redactTests {
		f.Add(tt.in)
	}
	f.Add("\xff\xfe broken utf8 07700 900123")
	f.Add("[name [phone]] @[handle] snap: [name]")
	f.Add("ｊａｙ＠ｇｍａｉｌ．ｃｏｍ ٠٧٧٠٠٩٠٠١٢٣ Ѕаrаh\u200b ＳＷ１Ａ１ＡＡ")
	f.Add("\u202e07700\u200d900123\u202c ﬁ Ｊａｙｄｅｎ")
	f.Fuzz(func(t *testing.T, in string) {
		out := Redact(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Redact(%q) = %q is not valid UTF-8", in, out)
		}
		if again := Redact(out); again != out {
			t.Fatalf("not idempotent:\n in:    %q\n once:  %q\n twice: %q", in, out, again)
		}
		if utf8.ValidString(in) && len(stripTags(out)) > len(in) {
			t.Fatalf("Redact(%q) = %q: output without tags is longer than input", in, out)
		}
		if emailRe.MatchString(fold.String(out)) {
			t.Fatalf("Redact(%q) = %q still contains an email", in, out)
		}
	})
}

func BenchmarkRedact(b *testing.B) {
	answers := []string{
		"I want to see my brother more and my social worker Sarah never listens to me",
		"I like my foster home but I miss my mum",
		"text me on 07700 900123 or snap: jay_22, I live at 12 Acacia Avenue M1 1AE",
		"school is ok, I go to Oakwood Academy and I am in year 9",
		"more money for phones and to go out with friends",
	}
	var n int64
	for _, a := range answers {
		n += int64(len(a))
	}
	b.SetBytes(n / int64(len(answers)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Redact(answers[i%len(answers)])
	}
}
