package httpsig

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// This file parses and serializes the part of RFC 8941 (Structured Field
// Values) that RFC 9421 and RFC 9530 need: dictionaries whose members are
// items or inner lists, with parameters. It is stricter than RFC 8941 in one
// way: a repeated dictionary key or parameter key is an error instead of
// "last one wins", because a signature whose parameters say two things is
// an attack or a bug, and either way it must not verify.

type sfKind int

const (
	sfInteger sfKind = iota
	sfDecimal
	sfString
	sfToken
	sfBytes
	sfBoolean
)

// sfItem is a bare item with its parameters. Decimals keep their text.
type sfItem struct {
	kind   sfKind
	num    int64
	str    string // string, token, or decimal text
	bytes  []byte
	bool   bool
	params []sfParam
}

type sfParam struct {
	key   string
	value sfItem // never has params of its own
}

// sfMember is one dictionary member: an item, or an inner list of items
// with the list's parameters in item.params.
type sfMember struct {
	key     string
	item    sfItem
	isList  bool
	members []sfItem
}

// Bounds on what the parser accepts; header size is bounded by the caller.
const (
	sfMaxMembers    = 64
	sfMaxListItems  = 64
	sfMaxParams     = 32
	sfMaxIntDigits  = 15
	sfMaxDecIntPart = 12
)

type sfParser struct {
	s   string
	pos int
}

func sfErr(format string, args ...any) error {
	return fmt.Errorf("%w: structured field: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// parseDictionary parses an RFC 8941 dictionary (Section 4.2.2).
func parseDictionary(s string) ([]sfMember, error) {
	p := &sfParser{s: s}
	p.skipSP()
	var out []sfMember
	seen := map[string]bool{}
	for p.pos < len(p.s) {
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		if seen[key] {
			return nil, fmt.Errorf("%w: dictionary key %q repeated", ErrDuplicateParam, key)
		}
		seen[key] = true
		m := sfMember{key: key}
		if p.peek() == '=' {
			p.pos++
			if p.peek() == '(' {
				m.isList = true
				m.members, m.item.params, err = p.innerList()
			} else {
				m.item, err = p.item()
			}
			if err != nil {
				return nil, err
			}
		} else {
			m.item = sfItem{kind: sfBoolean, bool: true}
			if m.item.params, err = p.params(); err != nil {
				return nil, err
			}
		}
		if len(out) == sfMaxMembers {
			return nil, sfErr("more than %d members", sfMaxMembers)
		}
		out = append(out, m)
		p.skipOWS()
		if p.pos == len(p.s) {
			break
		}
		if p.s[p.pos] != ',' {
			return nil, sfErr("expected ',' at offset %d", p.pos)
		}
		p.pos++
		p.skipOWS()
		if p.pos == len(p.s) {
			return nil, sfErr("trailing comma")
		}
	}
	if len(out) == 0 {
		return nil, sfErr("empty dictionary")
	}
	return out, nil
}

func (p *sfParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

func (p *sfParser) skipSP() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

func (p *sfParser) skipOWS() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
}

func isLCAlpha(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool   { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool   { return isLCAlpha(c) || (c >= 'A' && c <= 'Z') }

// isTChar reports whether c is an RFC 9110 token character.
func isTChar(c byte) bool {
	return isAlpha(c) || isDigit(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func (p *sfParser) key() (string, error) {
	start := p.pos
	if c := p.peek(); !isLCAlpha(c) && c != '*' {
		return "", sfErr("bad key at offset %d", p.pos)
	}
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if !isLCAlpha(c) && !isDigit(c) && c != '_' && c != '-' && c != '.' && c != '*' {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos], nil
}

func (p *sfParser) innerList() ([]sfItem, []sfParam, error) {
	p.pos++ // '('
	var items []sfItem
	for {
		p.skipSP()
		if p.peek() == ')' {
			p.pos++
			params, err := p.params()
			return items, params, err
		}
		if len(items) == sfMaxListItems {
			return nil, nil, sfErr("more than %d inner-list items", sfMaxListItems)
		}
		it, err := p.item()
		if err != nil {
			return nil, nil, err
		}
		items = append(items, it)
		if c := p.peek(); c != ' ' && c != ')' {
			return nil, nil, sfErr("expected ' ' or ')' at offset %d", p.pos)
		}
	}
}

func (p *sfParser) item() (sfItem, error) {
	it, err := p.bareItem()
	if err != nil {
		return it, err
	}
	it.params, err = p.params()
	return it, err
}

func (p *sfParser) params() ([]sfParam, error) {
	var out []sfParam
	for p.peek() == ';' {
		p.pos++
		p.skipSP()
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		for _, q := range out {
			if q.key == key {
				return nil, fmt.Errorf("%w: parameter %q repeated", ErrDuplicateParam, key)
			}
		}
		v := sfItem{kind: sfBoolean, bool: true}
		if p.peek() == '=' {
			p.pos++
			if v, err = p.bareItem(); err != nil {
				return nil, err
			}
		}
		if len(out) == sfMaxParams {
			return nil, sfErr("more than %d parameters", sfMaxParams)
		}
		out = append(out, sfParam{key: key, value: v})
	}
	return out, nil
}

func (p *sfParser) bareItem() (sfItem, error) {
	c := p.peek()
	switch {
	case c == '-' || isDigit(c):
		return p.number()
	case c == '"':
		return p.str()
	case c == ':':
		return p.byteSeq()
	case c == '?':
		if p.pos+1 < len(p.s) && (p.s[p.pos+1] == '0' || p.s[p.pos+1] == '1') {
			v := p.s[p.pos+1] == '1'
			p.pos += 2
			return sfItem{kind: sfBoolean, bool: v}, nil
		}
		return sfItem{}, sfErr("bad boolean at offset %d", p.pos)
	case isAlpha(c) || c == '*':
		start := p.pos
		for p.pos < len(p.s) && (isTChar(p.s[p.pos]) || p.s[p.pos] == ':' || p.s[p.pos] == '/') {
			p.pos++
		}
		return sfItem{kind: sfToken, str: p.s[start:p.pos]}, nil
	}
	return sfItem{}, sfErr("unexpected %q at offset %d", c, p.pos)
}

func (p *sfParser) number() (sfItem, error) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	digits, dot := 0, -1
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '.' && dot < 0 && digits > 0 {
			if digits > sfMaxDecIntPart {
				return sfItem{}, sfErr("decimal integer part too long")
			}
			dot = p.pos
		} else if isDigit(c) {
			digits++
		} else {
			break
		}
		p.pos++
		if digits > sfMaxIntDigits {
			return sfItem{}, sfErr("number too long")
		}
	}
	text := p.s[start:p.pos]
	if digits == 0 {
		return sfItem{}, sfErr("number without digits at offset %d", start)
	}
	if dot < 0 {
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return sfItem{}, sfErr("bad integer %q", text)
		}
		return sfItem{kind: sfInteger, num: n}, nil
	}
	frac := p.pos - dot - 1
	if frac < 1 || frac > 3 {
		return sfItem{}, sfErr("decimal %q needs 1 to 3 fraction digits", text)
	}
	return sfItem{kind: sfDecimal, str: text}, nil
}

func (p *sfParser) str() (sfItem, error) {
	p.pos++ // '"'
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		switch {
		case c == '\\':
			if p.pos == len(p.s) {
				return sfItem{}, sfErr("unterminated escape")
			}
			e := p.s[p.pos]
			p.pos++
			if e != '"' && e != '\\' {
				return sfItem{}, sfErr("bad escape \\%c", e)
			}
			b.WriteByte(e)
		case c == '"':
			return sfItem{kind: sfString, str: b.String()}, nil
		case c < 0x20 || c > 0x7e:
			return sfItem{}, sfErr("non-printable byte in string")
		default:
			b.WriteByte(c)
		}
	}
	return sfItem{}, sfErr("unterminated string")
}

func (p *sfParser) byteSeq() (sfItem, error) {
	p.pos++ // ':'
	end := strings.IndexByte(p.s[p.pos:], ':')
	if end < 0 {
		return sfItem{}, sfErr("unterminated byte sequence")
	}
	text := p.s[p.pos : p.pos+end]
	p.pos += end + 1
	b, err := base64.StdEncoding.Strict().DecodeString(text)
	if err != nil {
		return sfItem{}, fmt.Errorf("%w: byte sequence is not base64", ErrBadBase64)
	}
	return sfItem{kind: sfBytes, bytes: b}, nil
}

// serializeBare writes a bare item in RFC 8941's canonical form.
func serializeBare(b *strings.Builder, it sfItem) {
	switch it.kind {
	case sfInteger:
		b.WriteString(strconv.FormatInt(it.num, 10))
	case sfDecimal:
		// Canonical decimals drop leading integer zeros and trailing
		// fraction zeros, keeping one digit on each side.
		intPart, frac, _ := strings.Cut(it.str, ".")
		sign := ""
		if strings.HasPrefix(intPart, "-") {
			sign, intPart = "-", intPart[1:]
		}
		if intPart = strings.TrimLeft(intPart, "0"); intPart == "" {
			intPart = "0"
		}
		if frac = strings.TrimRight(frac, "0"); frac == "" {
			frac = "0"
		}
		b.WriteString(sign + intPart + "." + frac)
	case sfString:
		b.WriteByte('"')
		for i := 0; i < len(it.str); i++ {
			if it.str[i] == '"' || it.str[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(it.str[i])
		}
		b.WriteByte('"')
	case sfToken:
		b.WriteString(it.str)
	case sfBytes:
		b.WriteString(":" + base64.StdEncoding.EncodeToString(it.bytes) + ":")
	case sfBoolean:
		if it.bool {
			b.WriteString("?1")
		} else {
			b.WriteString("?0")
		}
	}
}

func serializeParams(b *strings.Builder, params []sfParam) {
	for _, p := range params {
		b.WriteString(";" + p.key)
		if p.value.kind == sfBoolean && p.value.bool {
			continue
		}
		b.WriteByte('=')
		serializeBare(b, p.value)
	}
}

// serializeInnerList writes an inner list with its parameters, the form
// the "@signature-params" line of a signature base takes.
func serializeInnerList(items []sfItem, params []sfParam) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(' ')
		}
		serializeBare(&b, it)
		serializeParams(&b, it.params)
	}
	b.WriteByte(')')
	serializeParams(&b, params)
	return b.String()
}
