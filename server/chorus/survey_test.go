package chorus

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func testSurvey() *Survey {
	t := func(s string) Text { return Text{"en": s, "cy": s + " (cy)", "": s} }
	opts := func(ids ...string) []Option {
		var out []Option
		for _, id := range ids {
			out = append(out, Option{ID: id, Text: t(id)})
		}
		return out
	}
	unsafe := opts("safe", "unsafe")
	unsafe[1].Risk = true
	items := opts("friends", "feeling_safe", "life_overall")
	items[1].Risk = true
	return &Survey{
		ID: "s", Title: t("Survey"), Status: StatusOpen, Languages: []string{"en", "cy"},
		Versions: []*Version{
			{ID: "8-12", Questions: []string{"live", "live_other", "matters", "happy", "feel", "safe", "better", "name", "age", "area", "must"}},
			{ID: "4-7-assisted", AdultAssisted: true, Questions: []string{"feel", "better"}},
		},
		Questions: []*Question{
			{ID: "live", Kind: KindSingle, Options: opts("foster", "home", "other"), DontWantToSay: true},
			{ID: "live_other", Kind: KindShortText, MaxLength: 20, ShowIf: &Condition{Question: "live", Equals: []string{"other"}}},
			{ID: "matters", Kind: KindMulti, Options: opts("family", "friends", "home", "money"), MaxChoices: 2, DontWantToSay: true},
			{ID: "happy", Kind: KindGrid, Scale: 5, Items: items, DontWantToSay: true},
			{ID: "feel", Kind: KindScale, Scale: 3, RiskLowest: true, Wording: map[string]Text{"4-7-assisted": {"en": "How do you feel?"}}, Text: t("How do you feel about your life?")},
			{ID: "safe", Kind: KindSingle, Options: unsafe},
			{ID: "better", Kind: KindLongText, MaxLength: 10},
			{ID: "name", Kind: KindShortText},
			{ID: "age", Kind: KindNumber, Min: 4, Max: 25, DontWantToSay: true},
			{ID: "area", Kind: KindArea, DontWantToSay: true, Options: opts("E10000002")},
			{ID: "must", Kind: KindSingle, Required: true, Options: opts("yes", "no")},
			{ID: "unused", Kind: KindShortText},
		},
	}
}

func TestVersionValidate(t *testing.T) {
	s := testSurvey()
	base := Answers{"must": "yes"}
	with := func(a Answers) Answers {
		out := Answers{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range a {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name    string
		version string
		in      Answers
		areas   func(string) bool
		want    Answers
		fields  map[string]string
	}{
		{name: "OK", in: with(Answers{
			"live": " other ", "live_other": "  my nan's  ", "matters": []any{"money", "family"},
			"happy": map[string]any{"friends": "5", "feeling_safe": "prefer_not", "life_overall": ""},
			"feel":  "2", "better": "more 🐶", "age": 12.0, "area": "E10000002",
		}), want: with(Answers{
			"live": "other", "live_other": "my nan's", "matters": []string{"family", "money"},
			"happy": map[string]string{"friends": "5", "feeling_safe": "prefer_not"},
			"feel":  "2", "better": "more 🐶", "age": 12, "area": "E10000002",
		})},
		{name: "EmptyAnswersDropped", in: with(Answers{"live": "  ", "matters": []string{"", " "}, "happy": map[string]string{"friends": ""}, "name": "", "age": nil}), want: base},
		{name: "ErrRequired", in: Answers{"live": "home"}, want: Answers{"live": "home"}, fields: map[string]string{"must": msgRequired}},
		{name: "ErrUnknownQuestion", in: with(Answers{"nope": "x", "unused": "x"}), want: base, fields: map[string]string{"nope": msgUnknownQuestion, "unused": msgUnknownQuestion}},
		{name: "ErrUnknownQuestionOtherVersion", version: "4-7-assisted", in: Answers{"feel": "1", "live": "home"}, want: Answers{"feel": "1"}, fields: map[string]string{"live": msgUnknownQuestion}},
		{name: "ErrDollarOrDotKey", in: with(Answers{"$where": "x", "live.x": "home"}), want: base, fields: map[string]string{"$where": msgUnknownQuestion, "live.x": msgUnknownQuestion}},
		{name: "ErrWrongKindSingle", in: with(Answers{"live": []string{"home"}}), want: base, fields: map[string]string{"live": msgWrongKind}},
		{name: "ErrWrongKindMulti", in: with(Answers{"matters": "family"}), want: base, fields: map[string]string{"matters": msgWrongKind}},
		{name: "ErrWrongKindGrid", in: with(Answers{"happy": "5"}), want: base, fields: map[string]string{"happy": msgWrongKind}},
		{name: "ErrWrongKindNumberAsString", in: with(Answers{"age": "12"}), want: base, fields: map[string]string{"age": msgWrongKind}},
		{name: "ErrWrongKindNumberFraction", in: with(Answers{"age": 12.5}), want: base, fields: map[string]string{"age": msgWrongKind}},
		{name: "ErrWrongKindInvalidUTF8", in: with(Answers{"name": "a\xffb"}), want: base, fields: map[string]string{"name": msgWrongKind}},
		{name: "ErrUnknownOption", in: with(Answers{"live": "castle"}), want: base, fields: map[string]string{"live": msgUnknownOption}},
		{name: "ErrUnknownOptionMulti", in: with(Answers{"matters": []string{"family", "castle"}}), want: base, fields: map[string]string{"matters": msgUnknownOption}},
		{name: "ErrUnknownGridItem", in: with(Answers{"happy": map[string]string{"pets": "3"}}), want: base, fields: map[string]string{"happy": msgUnknownOption}},
		{name: "ErrGridPointOutOfScale", in: with(Answers{"happy": map[string]string{"friends": "6"}}), want: base, fields: map[string]string{"happy": msgUnknownOption}},
		{name: "ErrScalePointOutOfScale", in: with(Answers{"feel": "4"}), want: base, fields: map[string]string{"feel": msgUnknownOption}},
		{name: "ErrTooManyChoices", in: with(Answers{"matters": []string{"family", "friends", "money"}}), want: base, fields: map[string]string{"matters": fmt.Sprintf(msgTooManyChoices, 2)}},
		{name: "ErrDuplicate", in: with(Answers{"matters": []string{"family", " family"}}), want: base, fields: map[string]string{"matters": msgDuplicate}},
		{name: "ErrTextTooLong", in: with(Answers{"better": "ééééééééééé"}), want: base, fields: map[string]string{"better": fmt.Sprintf(msgTextTooLong, 10, 11)}},
		{name: "TextAtLimitCountsRunes", in: with(Answers{"better": " éééééééééé\n"}), want: with(Answers{"better": "éééééééééé"})},
		{name: "ErrNumberOutOfRange", in: with(Answers{"age": 26}), want: base, fields: map[string]string{"age": fmt.Sprintf(msgNumberRange, 4, 25)}},
		{name: "NumberJSON", in: with(Answers{"age": json.Number("4")}), want: with(Answers{"age": 4})},
		{name: "ErrUnknownArea", in: with(Answers{"area": "E99999999"}), want: base, fields: map[string]string{"area": msgUnknownArea}},
		{name: "AreaFromFunc", areas: func(c string) bool { return c == "W06000001" }, in: with(Answers{"area": "W06000001"}), want: with(Answers{"area": "W06000001"})},
		{name: "ErrUnknownAreaFromFunc", areas: func(string) bool { return false }, in: with(Answers{"area": "E10000002"}), want: base, fields: map[string]string{"area": msgUnknownArea}},
		{name: "ShowIfHiddenDropped", in: with(Answers{"live": "home", "live_other": "somewhere"}), want: with(Answers{"live": "home"})},
		{name: "ShowIfControllerMissingDropped", in: with(Answers{"live_other": "somewhere"}), want: base},
		{name: "ShowIfHiddenNotChecked", in: with(Answers{"live": "home", "live_other": "far too long for twenty runes"}), want: with(Answers{"live": "home"})},
		{name: "ShowIfShownChecked", in: with(Answers{"live": "other", "live_other": "far too long for twenty runes"}), want: with(Answers{"live": "other"}), fields: map[string]string{"live_other": fmt.Sprintf(msgTextTooLong, 20, 29)}},
		{name: "PreferNotAccepted", in: with(Answers{"live": "prefer_not", "matters": []string{"prefer_not"}, "age": "prefer_not", "area": "prefer_not"}),
			want: with(Answers{"live": "prefer_not", "matters": []string{"prefer_not"}, "age": "prefer_not", "area": "prefer_not"})},
		{name: "ErrPreferNotNotOffered", in: with(Answers{"safe": "prefer_not", "feel": "prefer_not"}), want: base, fields: map[string]string{"safe": msgUnknownOption, "feel": msgUnknownOption}},
		{name: "ErrPreferNotWithOthers", in: with(Answers{"matters": []string{"family", "prefer_not"}}), want: base, fields: map[string]string{"matters": msgPreferNotAlone}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			version := tt.version
			if version == "" {
				version = "8-12"
			}
			got, fields := s.Version(version).Validate(s, tt.in, tt.areas)
			if !reflect.DeepEqual(fields, tt.fields) {
				t.Errorf("fields:\n got %#v\nwant %#v", fields, tt.fields)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("clean:\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestSurveyRisky(t *testing.T) {
	s := testSurvey()
	tests := []struct {
		name string
		in   Answers
		want bool
	}{
		{"None", Answers{"live": "home", "feel": "2"}, false},
		{"RiskOption", Answers{"safe": "unsafe"}, true},
		{"SafeOption", Answers{"safe": "safe"}, false},
		{"ScaleLowest", Answers{"feel": "1"}, true},
		{"GridRiskItemLowest", Answers{"happy": map[string]string{"feeling_safe": "1"}}, true},
		{"GridOtherItemLowest", Answers{"happy": map[string]string{"friends": "1"}}, false},
		{"GridRiskItemPreferNot", Answers{"happy": map[string]string{"feeling_safe": "prefer_not"}}, false},
		{"WrongTypeIgnored", Answers{"feel": 1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Risky(tt.in); got != tt.want {
				t.Errorf("Risky(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSurveyIsOpen(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name          string
		status        string
		opens, closes time.Time
		now           time.Time
		want          bool
	}{
		{"OpenUnbounded", StatusOpen, time.Time{}, time.Time{}, day(5), true},
		{"Draft", StatusDraft, time.Time{}, time.Time{}, day(5), false},
		{"Closed", StatusClosed, time.Time{}, time.Time{}, day(5), false},
		{"BeforeOpens", StatusOpen, day(6), time.Time{}, day(5), false},
		{"AtOpens", StatusOpen, day(5), time.Time{}, day(5), true},
		{"BeforeCloses", StatusOpen, day(1), day(6), day(5), true},
		{"AtCloses", StatusOpen, day(1), day(5), day(5), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Survey{Status: tt.status, Opens: tt.opens, Closes: tt.closes}
			if got := s.IsOpen(tt.now); got != tt.want {
				t.Errorf("IsOpen(%v) = %v, want %v", tt.now, got, tt.want)
			}
		})
	}
}

func TestTextIn(t *testing.T) {
	tests := []struct {
		name string
		text Text
		lang string
		want string
	}{
		{"Exact", Text{"en": "Hello", "cy": "Helo", "": "Hello"}, "cy", "Helo"},
		{"DefaultLanguage", Text{"cy": "Helo", "en": "Hello", "": "Helo"}, "fr", "Helo"},
		{"NoDefaultFallsBackToEnglish", Text{"cy": "Helo", "en": "Hello"}, "fr", "Hello"},
		{"NoDefaultNoEnglish", Text{"fr": "Bonjour", "de": "Hallo"}, "cy", "Hallo"},
		{"Empty", nil, "en", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.text.In(tt.lang); got != tt.want {
				t.Errorf("In(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
	b, err := json.Marshal(Text{"en": "Hi", "": "Hi"})
	if err != nil || string(b) != `{"en":"Hi"}` {
		t.Errorf("MarshalJSON = %s, %v; want {\"en\":\"Hi\"}", b, err)
	}
}

func TestQuestionTextFor(t *testing.T) {
	q := testSurvey().Question("feel")
	tests := []struct{ version, lang, want string }{
		{"4-7-assisted", "en", "How do you feel?"},
		{"4-7-assisted", "cy", "How do you feel about your life? (cy)"}, // the override has no Welsh
		{"8-12", "en", "How do you feel about your life?"},
		{"8-12", "cy", "How do you feel about your life? (cy)"},
	}
	for _, tt := range tests {
		if got := q.TextFor(tt.version, tt.lang); got != tt.want {
			t.Errorf("TextFor(%q, %q) = %q, want %q", tt.version, tt.lang, got, tt.want)
		}
	}
}

func TestConditionMet(t *testing.T) {
	c := &Condition{Question: "q", Equals: []string{"a", "7"}}
	tests := []struct {
		name string
		in   Answers
		want bool
	}{
		{"String", Answers{"q": "a"}, true},
		{"OtherString", Answers{"q": "b"}, false},
		{"ListContains", Answers{"q": []string{"b", "a"}}, true},
		{"ListWithout", Answers{"q": []string{"b"}}, false},
		{"Number", Answers{"q": 7}, true},
		{"Missing", Answers{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Met(tt.in); got != tt.want {
				t.Errorf("Met(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
