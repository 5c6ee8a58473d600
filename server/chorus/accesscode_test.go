package chorus

import (
	"strings"
	"testing"
	"time"
)

func TestNormalizeAccessCode(t *testing.T) {
	for typed, want := range map[string]string{
		"K7QM-2PXW": "K7QM2PXW", "k7qm2pxw": "K7QM2PXW", " K7QM 2PXW ": "K7QM2PXW", "k7-qm-2p-xw": "K7QM2PXW",
		"K7QM-2PX": "", "K7QM-2PXWA": "", "K7QM-2PX0": "", "K7QM-2PXI": "", "K7QM_2PXW": "", "K7QM-2PXŴ": "", "": "",
	} {
		got, ok := NormalizeAccessCode(typed)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeAccessCode(%q) = %q, %v; want %q", typed, got, ok, want)
		}
	}
	seen := map[string]bool{}
	for range 200 {
		c := RandomAccessCode()
		if n, ok := NormalizeAccessCode(c); !ok || n != c {
			t.Fatalf("RandomAccessCode() = %q is not a normal code", c)
		}
		seen[c] = true
	}
	if len(seen) < 200 {
		t.Errorf("200 random codes have %d distinct", len(seen))
	}
}

func TestNewAccessCode(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name, label string
		days        int
		field       string // "" for OK
		expires     time.Time
	}{
		{"OK", "Oakfield CiCC, 12 December", 0, "", now.AddDate(0, 0, DefaultAccessCodeDays)},
		{"OKMaxDays", "Class 5", MaxAccessCodeDays, "", now.AddDate(0, 0, MaxAccessCodeDays)},
		{"OKWelsh80", strings.Repeat("ŵ", MaxAccessCodeLabel), 1, "", now.AddDate(0, 0, 1)},
		{"ErrNoLabel", " \t", 14, "label", time.Time{}},
		{"ErrLongLabel", strings.Repeat("a", MaxAccessCodeLabel+1), 14, "label", time.Time{}},
		{"ErrControl", "a\u0007b", 14, "label", time.Time{}},
		{"ErrDays", "Group", MaxAccessCodeDays + 1, "days", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewAccessCode("s", tt.label, tt.days, now)
			if tt.field != "" {
				if ErrorCode(err) != EINVALID || ErrorFields(err)[tt.field] == "" {
					t.Errorf("err = %v, want EINVALID on %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !c.ExpiresAt.Equal(tt.expires) || c.Survey != "s" || !c.Active(now) || c.Active(tt.expires) {
				t.Errorf("got %+v, want expiry %v", c, tt.expires)
			}
			if d := c.Display(); len(d) != AccessCodeLength+1 || d[4] != '-' {
				t.Errorf("Display() = %q", d)
			}
		})
	}
}
