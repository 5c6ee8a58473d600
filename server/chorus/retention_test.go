package chorus

import (
	"strings"
	"testing"
	"time"
)

func TestRetentionSentence(t *testing.T) {
	for _, tt := range []struct {
		days   int
		en, cy string
	}{
		{730, "We keep the answers for two years, then delete them.", "Rydyn ni'n cadw'r atebion am ddwy flynedd, ac wedyn yn eu dileu."},
		{365, "We keep the answers for one year, then delete them.", "Rydyn ni'n cadw'r atebion am flwyddyn, ac wedyn yn eu dileu."},
		{180, "We keep the answers for six months, then delete them.", "Rydyn ni'n cadw'r atebion am chwe mis, ac wedyn yn eu dileu."},
		{14, "We keep the answers for two weeks, then delete them.", "Rydyn ni'n cadw'r atebion am ddwy wythnos, ac wedyn yn eu dileu."},
		{400, "We keep the answers for 400 days, then delete them.", "Rydyn ni'n cadw'r atebion am 400 diwrnod, ac wedyn yn eu dileu."},
	} {
		if got := RetentionSentence(tt.days, "en"); got != tt.en {
			t.Errorf("%d days: %q, want %q", tt.days, got, tt.en)
		}
		if got := RetentionSentence(tt.days, "cy"); got != tt.cy {
			t.Errorf("%d days in Welsh: %q, want %q", tt.days, got, tt.cy)
		}
	}
	s := &Survey{Languages: []string{"en", "cy"}, RetentionDays: 90, Privacy: Text{"en": "We don't ask your name.", "cy": "Dydyn ni ddim yn gofyn dy enw."}}
	if got := s.PrivacyNotice(); !strings.HasSuffix(got["en"], "name. We keep the answers for three months, then delete them.") ||
		!strings.HasSuffix(got["cy"], "enw. Rydyn ni'n cadw'r atebion am dri mis, ac wedyn yn eu dileu.") {
		t.Errorf("privacy notice %q", got)
	}
	if got := RetentionCutoff(time.Date(2027, 6, 30, 23, 59, 0, 0, time.UTC), 90); got != "2027-04-01" {
		t.Errorf("cutoff %s", got)
	}
}
