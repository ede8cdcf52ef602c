// Package formula is planwatch's expression language for derived indicators
// and validation rules: arithmetic over indicator codes, constants, period
// shifts and sums over child units, parsed once, checked against the
// catalogue (unknown codes, cycles among derived indicators) and evaluated
// over any source of figures (calc's, in practice).
//
// The language, by example:
//
//	econ.grdp / pop.average_population * 1000     operators + - * / and × ÷ (− as minus)
//	(a + b) ÷ 2                                   parentheses, constants
//	econ.grdp[-1y]                                the same period one year earlier (cùng kỳ)
//	x[-1p]                                        the previous period of the same length (kỳ trước)
//	ytd(x)                                        x from January to the end of the period (lũy kế)
//	ytd(x)[-1p]                                   … to the end of the previous period of the same year
//	sum_children(x)                               the sum of x over the unit's child units
//	trade.export~fdi                              an option of a breakdown (sub-indicator code)
//
// Numbers are written with a decimal point (1.5), as in a spreadsheet
// formula, never with the Vietnamese decimal comma or dot groups: in
// "1.000" the dot would be ambiguous, so a formula is code, not prose, and a
// comma is refused with a message that says so. Codes are lower- or
// upper-case letters, digits, '_', '.' and '~', starting with a letter.
package formula

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Expr is a parsed expression.
type Expr struct {
	src  string
	root node
}

// String is the expression as it was written.
func (e *Expr) String() string { return e.src }

// Canonical is the expression written back in a normal form (ASCII
// operators, single spaces): two formulas that mean the same tree print the same.
func (e *Expr) Canonical() string { return e.root.format(0) }

// Error is a formula that cannot be parsed or checked; Pos is the byte
// offset (0-based) of the problem in the source, -1 when it concerns the
// whole formula.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string {
	if e.Pos < 0 {
		return e.Msg
	}
	return fmt.Sprintf("column %d: %s", e.Pos+1, e.Msg)
}

// MaxLen bounds the length of a formula, MaxDepth its nesting.
const (
	MaxLen   = 4000
	MaxDepth = 64
)

type node interface {
	format(prec int) string
}

type num struct{ v float64 }

type ref struct{ code string }

type neg struct{ x node }

type bin struct {
	op   byte // + - * /
	l, r node
}

// shift moves the period of x back by years or periods.
type shift struct {
	x       node
	n       int  // how many back (positive)
	periods bool // p: periods of the same length; else years
}

type call struct {
	fn string // sum_children, ytd
	x  node
}

// Functions of the language, each of one argument.
var functions = map[string]bool{"sum_children": true, "ytd": true}

func (n num) format(int) string { return strconv.FormatFloat(n.v, 'f', -1, 64) }
func (n ref) format(int) string { return n.code }
func (n neg) format(int) string { return "-" + n.x.format(3) }
func (n bin) format(prec int) string {
	p := 1
	if n.op == '*' || n.op == '/' {
		p = 2
	}
	s := n.l.format(p) + " " + string(n.op) + " " + n.r.format(p+1)
	if p < prec {
		return "(" + s + ")"
	}
	return s
}
func (n shift) format(int) string {
	u := "y"
	if n.periods {
		u = "p"
	}
	return n.x.format(4) + "[-" + strconv.Itoa(n.n) + u + "]"
}
func (n call) format(int) string { return n.fn + "(" + n.x.format(0) + ")" }

// Parse reads an expression.
func Parse(src string) (*Expr, error) {
	if len(src) > MaxLen {
		return nil, &Error{-1, fmt.Sprintf("formula longer than %d characters", MaxLen)}
	}
	if !utf8.ValidString(src) {
		return nil, &Error{-1, "formula is not valid UTF-8"}
	}
	p := &parser{src: src}
	p.next()
	root, err := p.expr(0)
	if p.err != nil {
		return nil, p.err
	}
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.errf("unexpected %s", p.tok.describe())
	}
	return &Expr{src: src, root: root}, nil
}

// MustParse is Parse for formulas known to be valid (tests, embedded rules).
func MustParse(src string) *Expr {
	e, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return e
}

type tokKind int

const (
	tEOF tokKind = iota
	tNum
	tIdent
	tOp // + - * / ( ) [ ]
)

type token struct {
	kind tokKind
	pos  int
	text string
	op   byte
	v    float64
}

func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of formula"
	case tNum:
		return "number " + t.text
	case tIdent:
		return "code " + t.text
	}
	return "'" + string(t.op) + "'"
}

type parser struct {
	src   string
	i     int
	tok   token
	err   *Error
	depth int
}

func (p *parser) errf(format string, args ...any) *Error {
	if p.err != nil {
		return p.err
	}
	return &Error{p.tok.pos, fmt.Sprintf(format, args...)}
}

func isCodeStart(r rune) bool {
	return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
}
func isCodeRune(r rune) bool {
	return isCodeStart(r) || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '~'
}

// next reads the next token; a lexical error is kept in p.err and shows as
// the end of input with that error.
func (p *parser) next() {
	for p.i < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[p.i:])
		if !unicode.IsSpace(r) {
			break
		}
		p.i += n
	}
	start := p.i
	if p.i >= len(p.src) {
		p.tok = token{kind: tEOF, pos: start}
		return
	}
	r, n := utf8.DecodeRuneInString(p.src[p.i:])
	switch {
	case r >= '0' && r <= '9' || r == '.' && p.i+1 < len(p.src) && p.src[p.i+1] >= '0' && p.src[p.i+1] <= '9':
		j := p.i
		for j < len(p.src) && (p.src[j] >= '0' && p.src[j] <= '9' || p.src[j] == '.') {
			j++
		}
		text := p.src[p.i:j]
		if j < len(p.src) && p.src[j] == ',' {
			p.fail(start, "decimal comma in %q: formulas use a decimal point (1.5), without thousands separators", p.src[p.i:min(len(p.src), j+4)])
			return
		}
		if strings.Count(text, ".") > 1 {
			p.fail(start, "number %q: formulas use one decimal point and no thousands separators", text)
			return
		}
		v, err := strconv.ParseFloat(text, 64)
		if err != nil || text[len(text)-1] == '.' {
			p.fail(start, "bad number %q", text)
			return
		}
		p.i = j
		p.tok = token{kind: tNum, pos: start, text: text, v: v}
	case isCodeStart(r):
		j := p.i
		for j < len(p.src) {
			c, m := utf8.DecodeRuneInString(p.src[j:])
			if !isCodeRune(c) {
				break
			}
			j += m
		}
		text := strings.TrimRight(p.src[p.i:j], ".")
		p.i += len(text)
		p.tok = token{kind: tIdent, pos: start, text: text}
	default:
		op := byte(0)
		switch r {
		case '+', '-', '*', '/', '(', ')', '[', ']':
			op = byte(r)
		case '×', '·':
			op = '*'
		case '÷', ':':
			op = '/'
		case '−', '–':
			op = '-'
		case ',':
			p.fail(start, "unexpected ',': formulas use a decimal point (1.5), and functions take one argument")
			return
		default:
			p.fail(start, "unexpected character %q", r)
			return
		}
		p.i += n
		p.tok = token{kind: tOp, pos: start, op: op}
	}
}

func (p *parser) fail(pos int, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{pos, fmt.Sprintf(format, args...)}
	}
	p.tok = token{kind: tEOF, pos: pos}
	p.i = len(p.src)
}

func (p *parser) isOp(op byte) bool { return p.tok.kind == tOp && p.tok.op == op }

// expr parses a sum (prec 0) or a product (prec 1).
func (p *parser) expr(prec int) (node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxDepth {
		return nil, p.errf("formula nested deeper than %d", MaxDepth)
	}
	var left node
	var err error
	if prec == 0 {
		left, err = p.expr(1)
	} else {
		left, err = p.unary()
	}
	if err != nil {
		return nil, err
	}
	for {
		var ops string
		if prec == 0 {
			ops = "+-"
		} else {
			ops = "*/"
		}
		if p.tok.kind != tOp || !strings.ContainsRune(ops, rune(p.tok.op)) {
			return left, nil
		}
		op := p.tok.op
		p.next()
		var right node
		if prec == 0 {
			right, err = p.expr(1)
		} else {
			right, err = p.unary()
		}
		if err != nil {
			return nil, err
		}
		left = bin{op, left, right}
	}
}

func (p *parser) unary() (node, error) {
	if p.isOp('-') || p.isOp('+') {
		minus := p.isOp('-')
		p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > MaxDepth {
			return nil, p.errf("formula nested deeper than %d", MaxDepth)
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		if minus {
			return neg{x}, nil
		}
		return x, nil
	}
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.isOp('[') {
		if x, err = p.shift(x); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// shift reads "[-Ny]" or "[-Np]" after x.
func (p *parser) shift(x node) (node, error) {
	p.next()
	if !p.isOp('-') {
		return nil, p.errf("a period shift is written [-1y] (years back) or [-1p] (periods back), not %s", p.tok.describe())
	}
	p.next()
	// The lexer reads "1y" as a number then a code: take the number, then
	// the unit letter as the code's text.
	var n int
	var unit string
	switch p.tok.kind {
	case tNum:
		v := p.tok.v
		if v != float64(int(v)) || v < 1 || v > 100 {
			return nil, p.errf("a period shift counts whole periods from 1 to 100, not %s", p.tok.text)
		}
		n = int(v)
		if p.i < len(p.src) && isCodeStart(rune(p.src[p.i])) {
			p.next()
			unit = p.tok.text
		}
	default:
		return nil, p.errf("a period shift is written [-1y] or [-1p], not %s", p.tok.describe())
	}
	if unit != "y" && unit != "p" {
		return nil, p.errf("a period shift ends in y (years) or p (periods of the same length), not %q", unit)
	}
	p.next()
	if !p.isOp(']') {
		return nil, p.errf("']' expected to close the period shift, found %s", p.tok.describe())
	}
	p.next()
	return shift{x: x, n: n, periods: unit == "p"}, nil
}

func (p *parser) primary() (node, error) {
	switch p.tok.kind {
	case tNum:
		v := p.tok.v
		p.next()
		return num{v}, nil
	case tIdent:
		name := p.tok.text
		p.next()
		if p.isOp('(') {
			if !functions[name] {
				return nil, &Error{p.tok.pos - len(name), fmt.Sprintf("unknown function %q (known: sum_children, ytd)", name)}
			}
			p.next()
			x, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			if !p.isOp(')') {
				return nil, p.errf("')' expected to close %s(, found %s", name, p.tok.describe())
			}
			p.next()
			return call{name, x}, nil
		}
		if functions[name] {
			return nil, p.errf("%s is a function: write %s(code)", name, name)
		}
		return ref{name}, nil
	case tOp:
		if p.tok.op == '(' {
			p.next()
			x, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			if !p.isOp(')') {
				return nil, p.errf("')' expected, found %s", p.tok.describe())
			}
			p.next()
			return x, nil
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	return nil, p.errf("a number, a code or '(' expected, found %s", p.tok.describe())
}
