package fold

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Plain", "I want to see my brother", "I want to see my brother"},
		{"FullWidthLetters", "i want to ｋｉｌｌ myself", "i want to kill myself"},
		{"FullWidthDigitsAndAt", "０７７００ ９００１２３ jay＠gmail．com", "07700 900123 jay@gmail.com"},
		{"ArabicIndicDigits", "٠٧٧٠٠٩٠٠١٢٣", "07700900123"},
		{"PersianDigits", "۰۷۷۰۰۹۰۰۱۲۳", "07700900123"},
		{"DevanagariDigits", "०७७००९००१२३", "07700900123"},
		{"BengaliThaiDigits", "০৭ ๐๗", "07 07"},
		{"MathDigits", "𝟎𝟕𝟳𝟬𝟬", "07700"},
		{"CircledAndSuperscript", "① ²", "1 2"},
		{"ZeroWidth", "k\u200bi\u200cl\u200dl my\u2060self\ufeff", "kill myself"},
		{"SoftHyphen", "sui\u00adcide", "suicide"},
		{"Bidi", "\u202ehe hits me\u202c \u200f\u2066x\u2069", "he hits me x"},
		{"CyrillicInLatinWord", "kіll mуsеlf", "kill myself"},
		{"CyrillicName", "Јасk", "Jack"},
		{"AllLookAlikeWord", "Расе", "Pace"},
		{"RussianWordKept", "привет мама", "привет мама"},
		{"GreekInLatinWord", "Κevin", "Kevin"},
		{"Accents", "kíll mÿself Zoë", "kill myself Zoe"},
		{"CombiningStrike", "k\u0336i\u0336l\u0336l\u0336", "kill"},
		{"Ligature", "ﬁne", "fine"},
		{"NoBreakSpace", "he\u00a0hits\u3000me", "he hits me"},
		{"ArabicMarksDropped", "أنا خائف", "انا خايف"},
		{"Emoji", "i'm sad 😢", "i'm sad 😢"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSpan(t *testing.T) {
	in := "call ０７７００\u200b９００１２３ now"
	f := Fold(in)
	i := strings.Index(f.Folded, "07700900123")
	if i < 0 {
		t.Fatalf("Folded = %q", f.Folded)
	}
	s, e := f.Span(i, i+len("07700900123"))
	if got := in[s:e]; got != "０７７００\u200b９００１２３" {
		t.Errorf("Span = %q, want the full-width number with its zero-width space", got)
	}
	if s, e := f.Span(0, 4); in[s:e] != "call" {
		t.Errorf("Span(0,4) = %q", in[s:e])
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"", "kіll", "０７７００", "٠٧٧", "a\u200bb", "\xff\xfe", "ﬁ", "Зз", "k\u0336", "𝟎"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tx := Fold(in)
		if !utf8.ValidString(tx.Folded) {
			t.Fatalf("Fold(%q) is not valid UTF-8: %q", in, tx.Folded)
		}
		if utf8.ValidString(in) && tx.Original != in {
			t.Fatalf("Original changed")
		}
		// Every byte range of the folded text maps to a range of the original
		// that starts and ends on character boundaries, in order.
		prevEnd := 0
		for i := 0; i < len(tx.Folded); i++ {
			s, e := tx.Span(i, i+1)
			if s < 0 || e > len(tx.Original) || s > e || !utf8.ValidString(tx.Original[s:e]) {
				t.Fatalf("Span(%d) = %d,%d out of %d", i, s, e, len(tx.Original))
			}
			if s < prevEnd && e != prevEnd {
				t.Fatalf("Span(%d) = %d,%d goes back before %d", i, s, e, prevEnd)
			}
			prevEnd = e
		}
		// Folding is stable: folding again changes nothing but look-alikes
		// that a mapped neighbour now lets through.
		if again := String(tx.Folded); String(again) != again {
			t.Fatalf("Fold is not stable on %q: %q then %q", in, tx.Folded, again)
		}
	})
}
