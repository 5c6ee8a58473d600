package chorus

import (
	"math"
	"testing"
)

func TestThemeAgreementFigures(t *testing.T) {
	tests := []struct {
		name            string
		a               ThemeAgreement
		p, r, f1, kappa float64
		pok, rok, kok   bool
	}{
		{"Perfect", ThemeAgreement{Both: 3, Neither: 7}, 1, 1, 1, 1, true, true, true},
		{"Chance", ThemeAgreement{Both: 1, MachineOnly: 1, ReviewOnly: 1, Neither: 1}, 0.5, 0.5, 0.5, 0, true, true, true},
		{"Half", ThemeAgreement{Both: 1, MachineOnly: 1, Neither: 2}, 0.5, 1, 2.0 / 3, 0.5, true, true, true},
		{"NeverTagged", ThemeAgreement{ReviewOnly: 2, Neither: 2}, 0, 0, 0, 0, false, true, true},
		{"NoneEither", ThemeAgreement{Neither: 5}, 0, 0, 0, 0, false, false, false},
		{"Empty", ThemeAgreement{}, 0, 0, 0, 0, false, false, false},
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if p, ok := tt.a.Precision(); ok != tt.pok || ok && !near(p, tt.p) {
				t.Errorf("Precision = %v, %v; want %v, %v", p, ok, tt.p, tt.pok)
			}
			if r, ok := tt.a.Recall(); ok != tt.rok || ok && !near(r, tt.r) {
				t.Errorf("Recall = %v, %v; want %v, %v", r, ok, tt.r, tt.rok)
			}
			if f, ok := tt.a.F1(); ok && !near(f, tt.f1) {
				t.Errorf("F1 = %v, want %v", f, tt.f1)
			}
			if k, ok := tt.a.Kappa(); ok != tt.kok || ok && !near(k, tt.kappa) {
				t.Errorf("Kappa = %v, %v; want %v, %v", k, ok, tt.kappa, tt.kok)
			}
		})
	}
}

// TestAgreementCountsReviewedOnly: answers nobody reviewed never count, and every
// theme's figures rest on all reviewed answers.
func TestAgreementCountsReviewedOnly(t *testing.T) {
	answers := []*Answer{
		{Machine: []string{"a"}, Reviewed: []string{"a"}, IsReviewed: true},
		{Machine: []string{"a"}, Reviewed: []string{"b"}, IsReviewed: true},
		{Machine: nil, Reviewed: nil, IsReviewed: true},
		{Machine: []string{"a", "b"}}, // not reviewed
	}
	got, n := Agreement([]string{"a", "b"}, answers)
	if n != 3 {
		t.Fatalf("reviewed = %d, want 3", n)
	}
	want := []ThemeAgreement{{Theme: "a", Both: 1, MachineOnly: 1, Neither: 1}, {Theme: "b", ReviewOnly: 1, Neither: 2}}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("Agreement[%d] = %+v, want %+v", i, got[i], w)
		}
		if got[i].Reviewed() != 3 {
			t.Errorf("Agreement[%d] rests on %d reviewed answers, want 3", i, got[i].Reviewed())
		}
	}
}
