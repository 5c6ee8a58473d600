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
	"slices"
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
	leftW        = 100.0                             // the measures
	rightW       = pageW - 2*margin - gutter - leftW // themes, quotes, what to change
	maxFooterH   = 85.0                              // the most the methods note may take at the bottom of the page
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

// para writes wrapped text at the current position within width w in the current
// style. It writes nothing (and reports false) rather than run past maxY.
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

// block is a paragraph in one style: its text wrapped to a width, lineH apart.
type block struct {
	weight       string
	size, lineH  float64
	colour       [3]int
	text         string
	indent, skip float64 // indent from the left; space after
}

// height returns the height b takes in width w.
func (d *doc) height(b block, w float64) float64 {
	d.style(b.weight, b.size, b.colour)
	return float64(len(d.SplitText(b.text, w-b.indent)))*b.lineH + b.skip
}

// heights returns the height bs take, one after another, in width w.
func (d *doc) heights(bs []block, w float64) float64 {
	h := 0.0
	for _, b := range bs {
		h += d.height(b, w)
	}
	return h
}

// write writes b at x in width w; like para, it writes nothing past maxY.
func (d *doc) write(x, w float64, b block, maxY float64) bool {
	d.style(b.weight, b.size, b.colour)
	if !d.para(x+b.indent, w-b.indent, b.lineH, b.text, maxY) {
		return false
	}
	d.SetY(d.GetY() + b.skip)
	return true
}

const headingH = 7.0 // a heading with its rule and the space under it

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

const (
	figW = 22.0 // the width of a row's figure
	rowH = 3.7  // a row's line height
)

// rowHeight returns the height of a row whose label is label.
func (d *doc) rowHeight(w float64, label string) float64 {
	d.style("", 8.5, ink)
	return float64(len(d.SplitText(label, w-figW-2)))*rowH + 0.6
}

// row writes a label and a figure on one line (the label wrapped if long).
func (d *doc) row(x, w float64, label, figure string, maxY float64) bool {
	h := d.rowHeight(w, label)
	if d.GetY()+h > maxY {
		return false
	}
	d.style("", 8.5, ink)
	y := d.GetY()
	for i, l := range d.SplitText(label, w-figW-2) {
		d.SetXY(x, y+float64(i)*rowH)
		d.CellFormat(w-figW, rowH, l, "", 0, "L", false, 0, "")
	}
	d.style("B", 8.5, ink)
	d.SetXY(x+w-figW, y)
	d.CellFormat(figW, rowH, figure, "", 0, "R", false, 0, "")
	d.SetXY(x, y+h)
	return true
}

// Write writes the briefing as a one-page PDF. The methods note takes the bottom of the
// page, as much as it needs up to maxFooterH; the headline figures fill the left column
// above it, the top themes with their quotes and what young people want changed the
// right column, and the base sizes go where there is room. Whatever does not fit is left
// out whole, never cut in the middle: the base sizes first, then quotes, then themes.
func Write(w io.Writer, b *report.Briefing) error {
	if b.Words.Lang == "" {
		c := *b
		c.Words = report.WordsFor(b.Lang)
		b = &c
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(b.Title, true)
	pdf.SetSubject(b.SurveyTitle, true)
	pdf.SetCreator("Chorus", true)
	pdf.SetAuthor("Chorus", true)
	pdf.SetLang(map[bool]string{true: "cy-GB", false: "en-GB"}[b.Lang == "cy"])
	// The same figures make the same file, byte for byte: no clock, catalogs in order.
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(b.AsOf)
	pdf.SetModificationDate(b.AsOf)
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
	d.para(margin, pageW-2*margin, 4.5, b.SurveyTitle, pageH)
	if b.MadeBy != "" {
		d.style("B", 8.5, ink)
		d.para(margin, pageW-2*margin, 4, b.MadeBy, pageH)
	}
	if b.WhyCouncil != "" {
		d.style("I", 8.5, ink)
		d.para(margin, pageW-2*margin, 4, b.WhyCouncil, pageH)
	}
	d.SetY(d.GetY() + 2)

	if b.RolledUp || b.Empty {
		y := d.GetY()
		d.style("", 8.5, ink)
		text := b.Reason
		if b.RolledUp {
			text = b.Words.RolledTo + " " + b.ShownName + ". " + b.Reason
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

	y := d.GetY()
	footerTop := footer(d, b)
	d.SetY(y)
	if len(b.Sentences) > 0 {
		d.heading(margin, pageW-2*margin, b.Words.Headline)
		for _, sent := range b.Sentences {
			y := d.GetY()
			d.style("B", 8.5, accent)
			d.SetXY(margin, y)
			d.CellFormat(3, 3.9, "•", "", 0, "L", false, 0, "")
			d.style("", 8.5, ink)
			d.para(margin+3.5, pageW-2*margin-3.5, 3.9, sent, footerTop)
		}
		d.SetY(d.GetY() + 2)
	}
	if !b.Empty {
		top := d.GetY()
		maxY := footerTop - 3
		left := leftColumn(d, b, margin, top, maxY)
		right := rightColumn(d, b, margin+leftW+gutter, top, maxY)
		whoAnswered(d, b, left, right, maxY)
	}

	if err := pdf.Error(); err != nil {
		return fmt.Errorf("briefing pdf: %w", err)
	}
	return pdf.Output(w)
}

// leftColumn writes the headline measures, with the region's and England's beside
// them, and returns where it stopped.
func leftColumn(d *doc, b *report.Briefing, x, y, maxY float64) float64 {
	d.SetXY(x, y)
	d.heading(x, leftW, b.Words.Measures)
	if len(b.Measures) == 0 {
		return d.GetY()
	}
	cols := []string{b.ShownName}
	if b.RegionName != "" {
		cols = append(cols, b.RegionName)
	}
	cols = append(cols, b.Words.England, b.Words.ComparedWithEngland)
	const figW = 11.5
	labelW := leftW - figW*float64(len(cols))
	// Column heads, wrapped to their width, bottom-aligned; a name with a word too long
	// for its column is written "Here" (the title names the area).
	d.style("B", 6.5, muted)
	for i, c := range cols {
		for _, word := range strings.Fields(c) {
			if d.GetStringWidth(word) > figW-1.5 {
				cols[i] = b.Words.Area
				if i > 0 {
					cols[i] = b.Words.Region
				}
			}
		}
	}
	lines := 1
	for _, c := range cols {
		lines = max(lines, len(d.SplitText(c, figW)))
	}
	d.SetXY(x, y+headingH)
	d.CellFormat(labelW, 3.2*float64(lines), "% of those who answered", "", 0, "LB", false, 0, "")
	for i, c := range cols {
		ls := d.SplitText(c, figW)
		for j, l := range ls {
			d.SetXY(x+labelW+figW*float64(i), y+headingH+3.2*float64(lines-len(ls)+j))
			d.CellFormat(figW, 3.2, l, "", 0, "R", false, 0, "")
		}
	}
	d.SetY(y + headingH + 3.2*float64(lines) + 0.8)
	for _, m := range b.Measures {
		label := m.Label
		here := m.Here
		if m.Of != "" {
			here += "*"
		}
		d.style("", 7, ink)
		ls := d.SplitText(label, labelW-1.5)
		h := float64(len(ls))*2.95 + 0.45
		if d.GetY()+h > maxY {
			break
		}
		top := d.GetY()
		for i, l := range ls {
			d.SetXY(x, top+float64(i)*2.95)
			d.CellFormat(labelW-1.5, 2.95, l, "", 0, "L", false, 0, "")
		}
		figs := []string{here}
		if b.RegionName != "" {
			figs = append(figs, m.Region)
		}
		figs = append(figs, m.England, m.VersusShort)
		for i, f := range figs {
			d.style(map[bool]string{true: "B", false: ""}[i == 0], 7, ink)
			d.SetXY(x+labelW+figW*float64(i), top)
			d.CellFormat(figW, 2.95, f, "", 0, "R", false, 0, "")
		}
		d.SetY(top + h)
	}
	for _, m := range b.Measures {
		if m.Of != "" {
			d.style("", 6.5, muted)
			d.para(x, leftW, 3, "* "+m.Of+"'s figure: too few answered here to show this on its own.", maxY)
			break
		}
	}
	return d.GetY()
}

// rightColumn writes the top themes with their quotes, then what young people want
// changed, whose room is kept first, and returns where it stopped.
func rightColumn(d *doc, b *report.Briefing, x, y, maxY float64) float64 {
	changes := changeBlocks(b)
	themesMaxY := maxY
	if len(changes) > 0 {
		themesMaxY -= headingH + 1.2 + d.heights(changes, rightW)
	}
	d.SetXY(x, y)
	d.heading(x, rightW, b.Words.Themes)
	if len(b.Themes) == 0 {
		d.write(x, rightW, block{size: 8, lineH: 3.6, colour: ink, text: b.Words.NoThemes, skip: 2}, themesMaxY)
	}
	for _, t := range b.Themes {
		if !d.row(x, rightW, t.Label, t.Count.String()+" "+b.Words.YoungPeople, themesMaxY) {
			break
		}
		for _, q := range t.Quotes {
			d.write(x, rightW, quote(q), themesMaxY)
		}
		d.SetY(d.GetY() + 0.8)
	}
	if len(changes) > 0 {
		d.SetY(d.GetY() + 1.2)
		d.heading(x, rightW, b.Words.Changes)
		for _, bl := range changes {
			d.write(x, rightW, bl, maxY)
		}
	}
	return d.GetY()
}

func quote(q string) block {
	return block{weight: "I", size: 8, lineH: 3.6, colour: muted, text: "“" + q + "”", indent: 3, skip: 0.6}
}

// changeBlocks returns what young people want changed: the question asked and the
// approved quotes answering it (nil if the survey does not ask).
func changeBlocks(b *report.Briefing) []block {
	if b.ChangeTitle == "" {
		return nil
	}
	out := []block{{size: 8, lineH: 3.6, colour: muted, text: b.Words.Asked + ": “" + b.ChangeTitle + "”", skip: 0.6}}
	if len(b.ChangeQuotes) == 0 {
		out = append(out, block{size: 8, lineH: 3.6, colour: ink, text: b.Words.NoChanges})
	}
	for _, q := range b.ChangeQuotes {
		out = append(out, quote(q))
	}
	return out
}

// whoAnswered writes the base sizes (everyone and by age; by who they live with) under the right column if they fit there, else under the left, else
// across the page under both, else not at all: the headline already gives the base.
func whoAnswered(d *doc, b *report.Briefing, left, right, maxY float64) {
	all := b.Words.AllIn + " " + b.ShownName + ": " + b.Base.String() + b.ResponseRate + "."
	var blocks []block
	for _, part := range []struct {
		title string
		s     report.Series
	}{{b.Words.ByAge, b.AgeBands}, {b.Words.ByLive, b.LiveWith}} {
		if len(part.s.Bars) == 0 {
			continue
		}
		var xs []string
		for _, bar := range part.s.Bars {
			xs = append(xs, bar.Label+": "+bar.Count.String())
		}
		blocks = append(blocks, block{size: 7.5, lineH: 3.3, colour: ink, text: part.title + ": " + strings.Join(xs, "; ") + ".", skip: 0.5})
	}
	if len(blocks) == 0 {
		blocks = append(blocks, block{size: 7.5, lineH: 3.3, colour: ink, skip: 0.5})
	}
	blocks[0].text = strings.TrimSpace(all + " " + blocks[0].text)
	const gap = 2.5
	places := []struct{ x, y, w float64 }{
		{margin + leftW + gutter, right + gap, rightW},
		{margin, left + gap, leftW},
		{margin, max(left, right) + gap, pageW - 2*margin},
	}
	i := slices.IndexFunc(places, func(p struct{ x, y, w float64 }) bool {
		return p.y+headingH+d.heights(blocks, p.w) <= maxY
	})
	if i < 0 {
		return
	}
	x, y, w := places[i].x, places[i].y, places[i].w
	d.SetXY(x, y)
	d.heading(x, w, b.Words.Who)
	for _, bl := range blocks {
		d.write(x, w, bl, maxY)
	}
}

// footer writes the methods note, the wordings of pooled versions, and the data
// attribution at the bottom of the page, and returns the top of what it wrote. The note
// takes what it needs up to maxFooterH; past that, the methods sentences that fit are
// kept, in order, then the wordings if they still fit.
func footer(d *doc, b *report.Briefing) float64 {
	w := pageW - 2*margin
	head := block{weight: "B", size: 8.5, lineH: 4.5, colour: ink, text: b.Words.About}
	attribution := block{size: 6.5, lineH: 3, colour: muted, text: b.Attribution + " Made with Chorus."}
	var wordings []block
	if len(b.Wordings) > 0 {
		var parts []string
		for _, wd := range b.Wordings {
			parts = append(parts, strings.Join(wd.Texts, " / "))
		}
		text := "Wordings pooled: " + strings.Join(parts, ". ") + "."
		if len(b.Wordings) > 3 {
			// Many wordings would take the room of who answered: the web page lists them.
			text = fmt.Sprintf("Wordings pooled: %d questions are worded differently in some versions (easy read, younger children, care leavers); the web page of this briefing lists every wording.", len(b.Wordings))
		}
		wordings = append(wordings, block{size: 6.5, lineH: 3, colour: muted, text: text, skip: 1})
	}
	methods := func(text string) block { return block{size: 7, lineH: 3.2, colour: ink, text: text, skip: 1} }
	fits := func(bs ...block) bool { return d.heights(bs, w)+d.height(attribution, w) <= maxFooterH-1.5 }

	blocks := append([]block{head, methods(strings.Join(b.Methods, " "))}, wordings...)
	if !fits(blocks...) {
		blocks = []block{head}
		for _, m := range b.Methods {
			if !fits(append(blocks, methods(m))...) {
				break
			}
			blocks = append(blocks, methods(m))
		}
		if fits(append(blocks, wordings...)...) {
			blocks = append(blocks, wordings...)
		}
	}
	blocks = append(blocks, attribution)

	top := pageH - margin - 1.5 - d.heights(blocks, w)
	d.SetDrawColor(muted[0], muted[1], muted[2])
	d.SetLineWidth(0.2)
	d.Line(margin, top, pageW-margin, top)
	d.SetXY(margin, top+1.5)
	for _, bl := range blocks {
		d.write(margin, w, bl, pageH)
	}
	return top
}
