// Package briefingpdf writes a Day of Action briefing as a one-page A4 PDF with
// selectable, searchable text. It lays out figures that package report has already put
// through disclosure control; it never sees a raw count.
//
// Text is set in the Go fonts (golang.org/x/image/font/gofont, BSD licence), embedded
// as subsets with a Unicode map, so "£", Welsh letters such as "ŵ" and curly quotes
// print and copy correctly.
package briefingpdf

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/chorus-voice/chorus/server/report"
)

// Page geometry, in millimetres.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 13.0
	gutter       = 7.0
	colW         = (pageW - 2*margin - gutter) / 2
	footerH      = 74.0 // kept free at the bottom for the methods note
)

// Colours.
var (
	ink    = [3]int{29, 29, 31}
	accent = [3]int{26, 94, 138}
	muted  = [3]int{70, 78, 86}
	soft   = [3]int{238, 245, 249}
)

// doc wraps fpdf with the briefing's type styles.
type doc struct {
	*fpdf.Fpdf
}

func (d *doc) style(weight string, size float64, colour [3]int) {
	d.SetFont("go", weight, size)
	d.SetTextColor(colour[0], colour[1], colour[2])
}

// para writes wrapped text at the current position within width w, and returns the
// height used. It stops (and reports false) rather than run past maxY.
func (d *doc) para(x, w, lineH float64, text string, maxY float64) bool {
	lines := d.SplitText(text, w)
	if d.GetY()+float64(len(lines))*lineH > maxY {
		return false
	}
	for _, l := range lines {
		d.SetX(x)
		d.CellFormat(w, lineH, l, "", 1, "L", false, 0, "")
	}
	return true
}

// heading writes a section heading with a rule under it.
func (d *doc) heading(x, w float64, text string) {
	d.style("B", 10.5, accent)
	d.SetX(x)
	d.CellFormat(w, 5.5, text, "", 1, "L", false, 0, "")
	d.SetDrawColor(accent[0], accent[1], accent[2])
	d.SetLineWidth(0.3)
	d.Line(x, d.GetY(), x+w, d.GetY())
	d.SetY(d.GetY() + 1.5)
}

// row writes a label and a figure on one line (the label wrapped if long).
func (d *doc) row(x, w float64, label, figure string, maxY float64) bool {
	const figW = 22.0
	d.style("", 8.5, ink)
	lines := d.SplitText(label, w-figW-2)
	h := float64(len(lines)) * 4.0
	if d.GetY()+h > maxY {
		return false
	}
	y := d.GetY()
	for i, l := range lines {
		d.SetXY(x, y+float64(i)*4)
		d.CellFormat(w-figW, 4, l, "", 0, "L", false, 0, "")
	}
	d.style("B", 8.5, ink)
	d.SetXY(x+w-figW, y)
	d.CellFormat(figW, 4, figure, "", 0, "R", false, 0, "")
	d.SetXY(x, y+h+0.6)
	return true
}

// Write writes the briefing as a one-page PDF.
func Write(w io.Writer, b *report.Briefing) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(b.Title, true)
	pdf.SetSubject(b.SurveyTitle, true)
	pdf.SetCreator("Chorus", true)
	pdf.SetAuthor("Chorus", true)
	pdf.SetLang("en-GB")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes("go", "I", goitalic.TTF)
	pdf.AddPage()
	d := &doc{pdf}

	// Title and the area shown.
	d.style("B", 17, ink)
	d.SetXY(margin, margin)
	d.para(margin, pageW-2*margin, 7.5, b.Title, pageH)
	d.style("", 9.5, muted)
	d.para(margin, pageW-2*margin, 4.5, fmt.Sprintf("%s · figures as at %s", b.SurveyTitle, b.AsOf.UTC().Format("2 January 2006")), pageH)
	d.SetY(d.GetY() + 2)

	if b.RolledUp || b.Empty {
		y := d.GetY()
		d.style("", 8.5, ink)
		text := b.Reason
		if b.RolledUp {
			text = "Results shown are for " + b.ShownName + ". " + b.Reason
		}
		lines := d.SplitText(text, pageW-2*margin-6)
		h := float64(len(lines))*4 + 4
		d.SetFillColor(soft[0], soft[1], soft[2])
		d.Rect(margin, y, pageW-2*margin, h, "F")
		d.SetDrawColor(accent[0], accent[1], accent[2])
		d.SetLineWidth(1)
		d.Line(margin+0.5, y, margin+0.5, y+h)
		d.SetY(y + 2)
		d.para(margin+4, pageW-2*margin-6, 4, text, pageH)
		d.SetY(y + h + 3)
	}

	if !b.Empty {
		d.style("B", 22, accent)
		d.SetX(margin)
		d.CellFormat(0, 10, b.Base.String(), "", 1, "L", false, 0, "")
		d.style("", 9.5, ink)
		d.SetX(margin)
		d.CellFormat(0, 5, "young people answered in "+b.ShownName, "", 1, "L", false, 0, "")
		d.SetY(d.GetY() + 3)
		top := d.GetY()
		maxY := pageH - margin - footerH
		leftColumn(d, b, margin, top, maxY)
		rightColumn(d, b, margin+colW+gutter, top, maxY)
	}

	footer(d, b)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("briefing pdf: %w", err)
	}
	return pdf.Output(w)
}

// leftColumn: the headline figures.
func leftColumn(d *doc, b *report.Briefing, x, y, maxY float64) {
	d.SetXY(x, y)
	d.heading(x, colW, "Headline figures")
	for _, g := range b.Groups {
		if d.GetY()+12 > maxY {
			return
		}
		d.style("B", 8.5, ink)
		title := g.Title
		items := g.Items
		if g.Kind == "multi" {
			if len(items) > report.TopAnswers {
				items = items[:report.TopAnswers]
			}
			title += " (most chosen)"
		} else if len(items) > 0 {
			title += " — % " + items[0].Answer
		}
		if !d.para(x, colW, 4, title, maxY) {
			return
		}
		for _, h := range items {
			fig := report.Percent(h.Percent)
			if fig == "" {
				fig = "c"
			}
			if !d.row(x+2, colW-2, h.Label, fig, maxY) {
				return
			}
		}
		d.SetY(d.GetY() + 1.5)
	}
}

// rightColumn: themes with quotes, what young people want changed, who answered.
func rightColumn(d *doc, b *report.Briefing, x, y, maxY float64) {
	d.SetXY(x, y)
	d.heading(x, colW, "What young people talked about most")
	if len(b.Themes) == 0 {
		d.style("", 8, ink)
		d.para(x, colW, 3.8, "No themes can be shown yet.", maxY)
		d.SetY(d.GetY() + 2)
	} else {
		for _, t := range b.Themes {
			if !d.row(x, colW, t.Label, t.Count.String()+" young people", maxY) {
				return
			}
			for _, q := range t.Quotes {
				d.style("I", 8, muted)
				if !d.para(x+3, colW-3, 3.8, "“"+q+"”", maxY) {
					return
				}
			}
		}
		d.SetY(d.GetY() + 2)
	}
	if b.ChangeTitle != "" {
		d.heading(x, colW, "What young people want changed")
		d.style("", 8, muted)
		d.para(x, colW, 3.8, "Asked: “"+b.ChangeTitle+"”", maxY)
		if len(b.ChangeQuotes) == 0 {
			d.style("", 8, ink)
			d.para(x, colW, 3.8, "No answers to this question have been approved for quoting yet. The themes above include what young people wrote here.", maxY)
		}
		for _, q := range b.ChangeQuotes {
			d.style("I", 8, muted)
			if !d.para(x+3, colW-3, 3.8, "“"+q+"”", maxY) {
				return
			}
		}
		d.SetY(d.GetY() + 2)
	}
	if d.GetY()+14 > maxY {
		return
	}
	d.heading(x, colW, "Who answered (base sizes)")
	d.row(x, colW, "All young people in "+b.ShownName, b.Base.String(), maxY)
	for _, part := range []struct {
		title string
		s     report.Series
	}{{"By age", b.AgeBands}, {"By who they live with", b.LiveWith}} {
		if len(part.s.Bars) == 0 {
			continue
		}
		d.style("B", 8.5, ink)
		if !d.para(x, colW, 4, part.title, maxY) {
			return
		}
		for _, bar := range part.s.Bars {
			if !d.row(x+2, colW-2, bar.Label, bar.Count.String(), maxY) {
				return
			}
		}
	}
}

// footer: the suppression and methods note, the wordings of pooled versions, and the
// data attribution, in the space kept at the bottom of the page.
func footer(d *doc, b *report.Briefing) {
	top := pageH - margin - footerH
	d.SetDrawColor(muted[0], muted[1], muted[2])
	d.SetLineWidth(0.2)
	d.Line(margin, top, pageW-margin, top)
	d.SetXY(margin, top+1.5)
	d.style("B", 8.5, ink)
	d.CellFormat(0, 4.5, "About these figures", "", 1, "L", false, 0, "")
	maxY := pageH - margin
	text := strings.Join(b.Methods, " ")
	d.style("", 7, ink)
	if !d.para(margin, pageW-2*margin, 3.2, text, maxY-10) {
		// Too long for the page: keep the sentences that fit, in order.
		for _, m := range b.Methods {
			if !d.para(margin, pageW-2*margin, 3.2, m, maxY-10) {
				break
			}
		}
	}
	if len(b.Wordings) > 0 {
		var parts []string
		for _, wd := range b.Wordings {
			parts = append(parts, strings.Join(wd.Texts, " / "))
		}
		d.style("", 6.5, muted)
		d.para(margin, pageW-2*margin, 3, "Wordings pooled: "+strings.Join(parts, ". ")+".", maxY-7)
	}
	d.style("", 6.5, muted)
	d.SetY(maxY - 6.5)
	d.para(margin, pageW-2*margin, 3, b.Attribution+" Made with Chorus.", maxY)
}
