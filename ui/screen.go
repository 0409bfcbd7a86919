package ui

import (
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"
)

// deltaScreen is the screen tview draws on: it hands the terminal's screen
// only the cells a frame changes. tview clears the screen and draws every
// cell again for each frame, and tcell's Put segments each cell's text
// into graphemes to measure it, even when the cell is unchanged: the step
// benchmark found that most of a step's time. A step moves a cursor and
// rewrites a few lines, so deltaScreen keeps a copy of the cells it put
// and skips a Put that would leave a cell as it is. Clear only starts a
// new frame; Show blanks the cells the frame did not draw, as a real
// Clear would have, before it shows the frame.
//
// Between Clear and Show, Get and GetContent answer for the frame being
// drawn: what it has put, and blank elsewhere.
type deltaScreen struct {
	tcell.Screen
	w, h  int
	cells []shadowCell
	frame uint32 // the frame being drawn; a cell put in it has this frame
	err   error  // Init's error: tview's SetScreen drops it

	// The styles the cells hold, each kept once: a tcell.Style takes 72
	// bytes, and a frame draws a dozen or so. Style 0 is the default, a
	// blank cell's. last is the number of the style put last, which the
	// next Put most often puts again.
	styles    []tcell.Style
	styleOf   map[tcell.Style]uint32
	last      uint32
	maxStyles int // past this many styles, compactStyles
}

// maxStyles is how many styles a deltaScreen numbers before it drops
// those no cell holds.
const maxStyles = 1 << 12

// shadowCell is what deltaScreen last put in a cell of the screen, and
// what the screen's Put answered: the grapheme it put is str[:glen], in
// the style numbered style. It takes 32 bytes, where one holding the
// style and the rest of str took 120: 1 MB less at 200x60.
type shadowCell struct {
	str   string
	glen  uint32
	width int32
	style uint32
	frame uint32
}

// grapheme returns what the cell shows.
func (c *shadowCell) grapheme() string {
	return c.str[:c.glen]
}

// blank is a cleared cell.
var blank = shadowCell{str: " ", glen: 1, width: 1}

func newDeltaScreen(s tcell.Screen) *deltaScreen {
	d := &deltaScreen{Screen: s}
	d.compactStyles()
	return d
}

// styleNumber returns the number of style, numbering it if it is new.
func (d *deltaScreen) styleNumber(style tcell.Style) uint32 {
	if d.styles[d.last] == style {
		return d.last
	}
	n, ok := d.styleOf[style]
	if !ok {
		if len(d.styles) >= d.maxStyles {
			d.compactStyles()
		}
		n = d.addStyle(style)
	}
	d.last = n
	return n
}

// addStyle numbers a style the table does not hold.
func (d *deltaScreen) addStyle(style tcell.Style) uint32 {
	n := uint32(len(d.styles))
	d.styles = append(d.styles, style)
	d.styleOf[style] = n
	return n
}

// compactStyles numbers again the styles the cells hold, dropping the
// others: a table grown past maxStyles begins again from those in use.
func (d *deltaScreen) compactStyles() {
	old := d.styles
	d.styles = []tcell.Style{tcell.StyleDefault}
	d.styleOf = map[tcell.Style]uint32{tcell.StyleDefault: 0}
	d.last = 0
	for i := range d.cells {
		c := &d.cells[i]
		n, ok := d.styleOf[old[c.style]]
		if !ok {
			n = d.addStyle(old[c.style])
		}
		c.style = n
	}
	// A screen whose cells alone hold more than half the bound gets room
	// to number new styles for a while before it compacts again.
	d.maxStyles = max(maxStyles, 2*len(d.styles))
}

// Init initialises the screen and remembers its error.
func (d *deltaScreen) Init() error {
	d.err = d.Screen.Init()
	return d.err
}

// Clear begins a frame. When the screen's size changed, the screen is
// cleared for real and every cell is known to be blank.
func (d *deltaScreen) Clear() {
	d.frame++
	if w, h := d.Screen.Size(); w != d.w || h != d.h || d.cells == nil {
		d.Screen.Clear()
		d.w, d.h = w, h
		d.cells = make([]shadowCell, w*h)
		for i := range d.cells {
			d.cells[i] = blank
		}
	}
}

// forget makes every cell's next Put go to the screen, as though every
// cell changed: for benchmarks of the worst frame.
func (d *deltaScreen) forget() {
	for i := range d.cells {
		d.cells[i].str, d.cells[i].glen = "", 0
	}
}

// Fill puts r in every cell, in style.
func (d *deltaScreen) Fill(r rune, style tcell.Style) {
	d.Clear()
	s := string(r)
	for y := range d.h {
		for x := range d.w {
			d.Put(x, y, s, style)
		}
	}
}

// cell returns the shadow of cell (x, y), or nil when it is off the screen.
func (d *deltaScreen) cell(x, y int) *shadowCell {
	if x < 0 || y < 0 || x >= d.w || y >= d.h {
		return nil
	}
	return &d.cells[y*d.w+x]
}

// Put puts the first grapheme of str in cell (x, y), as the screen's Put
// does, unless the cell already holds it in that style.
func (d *deltaScreen) Put(x, y int, str string, style tcell.Style) (string, int) {
	c := d.cell(x, y)
	if c == nil {
		return d.Screen.Put(x, y, str, style)
	}
	c.frame = d.frame
	if c.str != str || d.styles[c.style] != style {
		n := d.styleNumber(style)
		remain, width := d.Screen.Put(x, y, str, style)
		*c = shadowCell{str: str, glen: uint32(len(str) - len(remain)), width: int32(width), style: n, frame: d.frame}
	}
	return c.str[c.glen:], int(c.width)
}

// SetContent puts a rune and its combining runes, as Put does. A lone rune
// already in the cell is compared without making a string of it.
func (d *deltaScreen) SetContent(x, y int, mainc rune, combc []rune, style tcell.Style) {
	if c := d.cell(x, y); c != nil && len(combc) == 0 && d.styles[c.style] == style {
		g := c.grapheme()
		if r, n := utf8.DecodeRuneInString(g); n > 0 && n == len(g) && r == mainc {
			c.frame = d.frame
			return
		}
	}
	d.Put(x, y, string(append([]rune{mainc}, combc...)), style)
}

// SetCell puts ch in style, as SetContent does.
func (d *deltaScreen) SetCell(x, y int, style tcell.Style, ch ...rune) {
	if len(ch) == 0 {
		d.Put(x, y, " ", style)
		return
	}
	d.SetContent(x, y, ch[0], ch[1:], style)
}

// PutStrStyled puts str from (x, y) on, a grapheme a cell.
func (d *deltaScreen) PutStrStyled(x, y int, str string, style tcell.Style) {
	for str != "" && x < d.w {
		var width int
		str, width = d.Put(x, y, str, style)
		if width == 0 {
			break
		}
		x += width
	}
}

// PutStr puts str in the default style.
func (d *deltaScreen) PutStr(x, y int, str string) {
	d.PutStrStyled(x, y, str, tcell.StyleDefault)
}

// Get returns what the frame being drawn holds in cell (x, y).
func (d *deltaScreen) Get(x, y int) (string, tcell.Style, int) {
	c := d.cell(x, y)
	switch {
	case c == nil:
		return "", tcell.StyleDefault, 0
	case c.frame != d.frame:
		return blank.str, tcell.StyleDefault, int(blank.width)
	}
	return c.grapheme(), d.styles[c.style], int(c.width)
}

// GetContent returns what Get does, as runes.
func (d *deltaScreen) GetContent(x, y int) (rune, []rune, tcell.Style, int) {
	str, style, width := d.Get(x, y)
	if str == "" {
		return ' ', nil, style, width
	}
	rs := []rune(str)
	if len(rs) == 1 {
		return rs[0], nil, style, width
	}
	return rs[0], rs[1:], style, width
}

// Show blanks the cells the frame left undrawn and shows the frame.
func (d *deltaScreen) Show() {
	d.finish()
	d.Screen.Show()
}

// finish blanks the cells the frame left undrawn.
func (d *deltaScreen) finish() {
	for i := range d.cells {
		c := &d.cells[i]
		if c.frame != d.frame && (c.str != blank.str || c.style != blank.style) {
			d.Screen.Put(i%d.w, i/d.w, blank.str, tcell.StyleDefault)
			*c = blank
		}
	}
}
