package disclosure_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chorus-voice/chorus/server/disclosure"
)

// render writes a table as lines "a b c | total" and a last line of column totals.
func render(t disclosure.Table) []string {
	var out []string
	for i, row := range t.Cells {
		out = append(out, cellsString(row)+" | "+t.RowTotals[i].Count.String())
	}
	return append(out, cellsString(t.ColumnTotals)+" | "+t.Total.Count.String())
}

func cellsString(cells []disclosure.Cell) string {
	s := make([]string, len(cells))
	for i, c := range cells {
		s[i] = c.Count.String()
	}
	return strings.Join(s, " ")
}

func percents(cells []disclosure.Cell) string {
	s := make([]string, len(cells))
	for i, c := range cells {
		s[i] = "-"
		if c.Percent != nil {
			s[i] = fmt.Sprint(*c.Percent)
		}
	}
	return strings.Join(s, " ")
}

func TestTable(t *testing.T) {
	tests := []struct {
		name   string
		policy disclosure.Policy
		rows   [][]int
		want   []string
	}{
		{
			name: "NothingSmall",
			rows: [][]int{{20, 30}, {40, 50}},
			want: []string{"20 30 | 50", "40 50 | 90", "60 80 | 140"},
		},
		{
			// 3 is hidden; row 0 then has one hidden cell, so its next smallest (20) goes;
			// column 0 then has one, so 25 goes; column 1 likewise 15. Row 1 now has two
			// hidden (25+15=40): the fixed point.
			name: "SecondaryRowsAndColumns",
			rows: [][]int{{20, 3, 30}, {25, 15, 40}},
			want: []string{"c c 30 | 53", "c c 40 | 80", "45 18 70 | 133"},
		},
		{
			// Two hidden cells in row 0 add up to 5: row total minus the rest would give it.
			// A third (the 40) is hidden too, and the columns follow.
			name: "SecondarySumBelowK",
			rows: [][]int{{3, 2, 40}, {30, 30, 30}},
			want: []string{"c c c | 45", "c c c | 90", "33 32 70 | 135"},
		},
		{
			// A one-column table: row totals equal the cells. The 5 is hidden with its row
			// total; the column needs a second hidden cell (30), whose row total must go too,
			// and the row totals' line (5+30 hidden, 35 ≥ k) is then safe.
			name: "GrandTotal",
			rows: [][]int{{5}, {30}, {40}},
			want: []string{"c | c", "c | c", "40 | 40", "75 | 75"},
		},
		{
			// A whole row below k: its total is hidden, so the row totals' line needs a
			// second hidden total (the smallest other, 30), and that row then needs a hidden
			// cell, and so on until every line is safe.
			name: "SmallRowTotal",
			rows: [][]int{{4, 4}, {15, 15}, {20, 25}},
			want: []string{"c c | c", "c c | c", "20 25 | 45", "39 44 | 83"},
		},
		{
			name:   "ZeroHidden",
			rows:   [][]int{{0, 30}, {20, 30}},
			want:   []string{"c c | 30", "c c | 50", "20 60 | 80"},
			policy: disclosure.Policy{},
		},
		{
			name:   "ZeroShown",
			rows:   [][]int{{0, 30}, {20, 30}},
			want:   []string{"0 30 | 30", "20 30 | 50", "20 60 | 80"},
			policy: disclosure.Policy{ShowZero: true},
		},
		{
			// ShowZero, but the 0 sits in a row of 6 children: it would say what all six
			// answered, so it is hidden like the 6.
			name:   "ZeroInSmallRow",
			rows:   [][]int{{0, 6}, {30, 30}, {30, 30}},
			want:   []string{"c c | c", "c c | c", "30 30 | 60", "60 66 | 126"},
			policy: disclosure.Policy{ShowZero: true},
		},
		{
			name:   "Rounded",
			rows:   [][]int{{12, 13}, {22, 28}},
			want:   []string{"10 15 | 25", "20 30 | 50", "35 40 | 75"},
			policy: disclosure.Policy{RoundTo: 5},
		},
		{
			name:   "ThresholdFive",
			rows:   [][]int{{5, 6}, {7, 8}},
			want:   []string{"5 6 | 11", "7 8 | 15", "12 14 | 26"},
			policy: disclosure.Policy{Threshold: 5},
		},
		{
			name: "AllSmall",
			rows: [][]int{{1, 2}, {3, 1}},
			want: []string{"c c | c", "c c | c", "c c | c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := tt.policy.Table(tt.rows)
			if err != nil {
				t.Fatalf("Table: %v", err)
			}
			if got := render(tab); !slices.Equal(got, tt.want) {
				t.Errorf("Table(%v):\n got %q\nwant %q", tt.rows, got, tt.want)
			}
			if errs := checkTable(tt.policy, tt.rows, tab); len(errs) > 0 {
				t.Errorf("invariants: %v", errs)
			}
		})
	}
}

func TestTableErrors(t *testing.T) {
	tests := []struct {
		name string
		rows [][]int
	}{
		{"ErrEmpty", nil},
		{"ErrNoColumns", [][]int{{}}},
		{"ErrRagged", [][]int{{1, 2}, {3}}},
		{"ErrNegative", [][]int{{1, -2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := (disclosure.Policy{}).Table(tt.rows); err == nil {
				t.Error("Table: no error")
			}
		})
	}
}

func TestTablePercent(t *testing.T) {
	tab, err := disclosure.Policy{}.Table([][]int{{20, 3, 30}, {25, 15, 40}})
	if err != nil {
		t.Fatal(err)
	}
	// Percent of the row total, only on shown cells.
	if got, want := percents(tab.Cells[0]), "- - 56.6"; got != want {
		t.Errorf("row 0 percents: got %s, want %s", got, want)
	}
	if got, want := percents(tab.RowTotals), "39.8 60.2"; got != want {
		t.Errorf("row total percents: got %s, want %s", got, want)
	}
	if tab.Total.Percent != nil {
		t.Error("grand total has a percent")
	}

	// A row whose total is hidden gets no percentages at all.
	tab, err = disclosure.Policy{}.Table([][]int{{4, 4}, {15, 15}, {20, 25}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := percents(tab.Cells[2]), "44.4 55.6"; got != want {
		t.Errorf("row 2 percents: got %s, want %s", got, want)
	}
	for i := range 2 {
		if got := percents(tab.Cells[i]); got != "- -" {
			t.Errorf("row %d percents: got %s, want none", i, got)
		}
	}
}

func TestSingle(t *testing.T) {
	tests := []struct {
		name     string
		policy   disclosure.Policy
		counts   []int
		want     string // options then base
		percents string
	}{
		{"NothingSmall", disclosure.Policy{}, []int{30, 20, 50}, "30 20 50 | 100", "30 20 50"},
		{"Secondary", disclosure.Policy{}, []int{30, 3, 25}, "30 c c | 58", "51.7 - -"},
		{"SecondaryUntilK", disclosure.Policy{}, []int{40, 3, 2}, "c c c | 45", "- - -"},
		{"TwoSmallEnough", disclosure.Policy{}, []int{40, 6, 5}, "40 c c | 51", "78.4 - -"},
		{"ZeroHidden", disclosure.Policy{}, []int{30, 0, 25}, "30 c c | 55", "54.5 - -"},
		{"ZeroShown", disclosure.Policy{ShowZero: true}, []int{30, 0, 25}, "30 0 25 | 55", "54.5 0 45.5"},
		{"SmallBase", disclosure.Policy{ShowZero: true}, []int{3, 0, 2}, "c c c | c", "- - -"},
		{"NoAnswers", disclosure.Policy{ShowZero: true}, []int{0, 0}, "0 0 | 0", "- -"},
		{"NoAnswersHidden", disclosure.Policy{}, []int{0, 0}, "c c | c", "- -"},
		{"Rounded", disclosure.Policy{RoundTo: 5}, []int{33, 22, 15}, "35 20 15 | 70", "50 28.6 21.4"},
		// The base of 10 is exactly k, so percentages are shown.
		{"BaseAtK", disclosure.Policy{ShowZero: true}, []int{10, 0}, "10 0 | 10", "100 0"},
		// A hidden zero beside one other option: showing the 10 would give the zero away.
		{"LoneHiddenZero", disclosure.Policy{}, []int{10, 0}, "c c | 10", "- -"},
		{"OneOption", disclosure.Policy{}, []int{7}, "c | c", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := tt.policy.Single(tt.counts)
			if err != nil {
				t.Fatal(err)
			}
			if got := cellsString(l.Options) + " | " + l.Base.String(); got != tt.want {
				t.Errorf("Single(%v): got %q, want %q", tt.counts, got, tt.want)
			}
			if got := percents(l.Options); got != tt.percents {
				t.Errorf("Single(%v) percents: got %q, want %q", tt.counts, got, tt.percents)
			}
		})
	}
	if _, err := (disclosure.Policy{}).Single([]int{3, -1}); err == nil {
		t.Error("Single with a negative count: no error")
	}
}

func TestMulti(t *testing.T) {
	tests := []struct {
		name   string
		policy disclosure.Policy
		counts []int
		base   int
		want   string
	}{
		// 27 of 30 ticked: the 3 who did not tick could be worked out, so 27 is hidden.
		{"Complement", disclosure.Policy{}, []int{27, 12, 3, 0}, 30, "c 12 c c | 30"},
		// Showing zeros: "0 ticked" is shown; "30 of 30 ticked" is shown (its complement is 0).
		{"ZeroShown", disclosure.Policy{ShowZero: true}, []int{30, 12, 3, 0}, 30, "30 12 c 0 | 30"},
		// With zeros hidden, "30 of 30" would show the hidden zero who did not tick.
		{"AllTickedHidden", disclosure.Policy{}, []int{30, 12}, 30, "c 12 | 30"},
		{"SmallBase", disclosure.Policy{ShowZero: true}, []int{5, 0}, 8, "c c | c"},
		{"Rounded", disclosure.Policy{RoundTo: 5}, []int{12, 13, 20}, 40, "10 15 20 | 40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := tt.policy.Multi(tt.counts, tt.base)
			if err != nil {
				t.Fatal(err)
			}
			if got := cellsString(l.Options) + " | " + l.Base.String(); got != tt.want {
				t.Errorf("Multi(%v, %d): got %q, want %q", tt.counts, tt.base, got, tt.want)
			}
		})
	}
	l, _ := disclosure.Policy{}.Multi([]int{12, 20}, 40)
	if got, want := percents(l.Options), "30 50"; got != want {
		t.Errorf("Multi percents: got %s, want %s", got, want)
	}
	for _, bad := range []struct {
		counts []int
		base   int
	}{{[]int{5}, 4}, {[]int{-1}, 4}, {nil, -1}} {
		if _, err := (disclosure.Policy{}).Multi(bad.counts, bad.base); err == nil {
			t.Errorf("Multi(%v, %d): no error", bad.counts, bad.base)
		}
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		policy disclosure.Policy
		n      int
		want   string
	}{
		{disclosure.Policy{}, 9, "c"},
		{disclosure.Policy{}, 10, "10"},
		{disclosure.Policy{}, 0, "c"},
		{disclosure.Policy{}, -1, "c"},
		{disclosure.Policy{ShowZero: true}, 0, "0"},
		{disclosure.Policy{RoundTo: 5}, 12, "10"},
		{disclosure.Policy{RoundTo: 5}, 13, "15"},
		{disclosure.Policy{RoundTo: 5}, 1234, "1235"},
		{disclosure.Policy{RoundTo: 10}, 15, "20"},
		{disclosure.Policy{Threshold: 20}, 15, "c"},
	}
	for _, tt := range tests {
		if got := tt.policy.Count(tt.n).String(); got != tt.want {
			t.Errorf("%+v.Count(%d): got %s, want %s", tt.policy, tt.n, got, tt.want)
		}
	}
}

func TestValueJSON(t *testing.T) {
	p := disclosure.Policy{}
	tab, err := p.Table([][]int{{20, 3, 30}, {25, 15, 40}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(tab.Cells[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"count":{"suppressed":true}},{"count":{"suppressed":true}},{"count":30,"percent":56.6}]`
	if string(data) != want {
		t.Errorf("JSON:\n got %s\nwant %s", data, want)
	}

	var back []disclosure.Cell
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back[0].Count.Shown() || !back[2].Count.Shown() || back[2].Count.N() != 30 {
		t.Errorf("round trip: got %v", back)
	}
	for _, bad := range []string{`-1`, `{"suppressed":false}`, `"c"`, `1.5`} {
		var v disclosure.Value
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("Unmarshal(%s): no error", bad)
		}
	}
	var zero disclosure.Value
	if !zero.Suppressed() || zero.String() != "c" {
		t.Error("the zero Value is not suppressed")
	}
}

func TestPolicy(t *testing.T) {
	if got := (disclosure.Policy{}).K(); got != 10 {
		t.Errorf("default K: got %d, want 10", got)
	}
	for _, tt := range []struct {
		p  disclosure.Policy
		ok bool
	}{
		{disclosure.Policy{}, true},
		{disclosure.Policy{Threshold: 10, RoundTo: 5}, true},
		{disclosure.Policy{Threshold: 1}, false},
		{disclosure.Policy{Threshold: -1}, false},
		{disclosure.Policy{RoundTo: -5}, false},
		{disclosure.Policy{Threshold: 2, RoundTo: 10}, false},
	} {
		if err := tt.p.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v.Validate(): got %v, want ok %v", tt.p, err, tt.ok)
		}
	}
	want := "Numbers from 0 to 9 are not shown (marked c), and some larger numbers are hidden as well so that the small ones cannot be worked out from totals. Percentages are given only where at least 10 young people answered. Numbers are rounded to the nearest 5, and percentages are worked out from the rounded numbers."
	if got := (disclosure.Policy{RoundTo: 5}).Note(); got != want {
		t.Errorf("Note:\n got %q\nwant %q", got, want)
	}
	if got := (disclosure.Policy{ShowZero: true, Threshold: 6}).Note(); !strings.HasPrefix(got, "Numbers from 1 to 5 are not shown") || strings.Contains(got, "rounded") {
		t.Errorf("Note: got %q", got)
	}
}
