package httpsig

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func manyMembers(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("k%d=1", i)
	}
	return strings.Join(parts, ",")
}

func TestParseDictionary(t *testing.T) {
	cases := []struct {
		in   string
		want error
		// canonical serialization of the first member when it is an inner list
		canon string
	}{
		{in: `sig1=("@method" "@target-uri");created=1618884473;keyid="k"`, canon: `("@method" "@target-uri");created=1618884473;keyid="k"`},
		{in: `  sig1=(  "@method"   "x" );alg="ed25519"  `, canon: `("@method" "x");alg="ed25519"`},
		{in: `a=();b=?1;c=?0;d=1.50;e=tok/en:x;f=:AAEC:;g="q\"\\"`, canon: `();b;c=?0;d=1.5;e=tok/en:x;f=:AAEC:;g="q\"\\"`},
		{in: `a=1, b=:AAAA:,c="x";p=1`},
		{in: `a=();d=001.50;e=-00.0;n=-0`, canon: `();d=1.5;e=-0.0;n=0`},
		{in: `a`},
		{in: `a=-12.005`},
		{in: `a=1.0005`, want: ErrMalformed},
		{in: `a=1234567890123456`, want: ErrMalformed},
		{in: `a=1234567890123.1`, want: ErrMalformed},
		{in: `a=1.`, want: ErrMalformed},
		{in: ``, want: ErrMalformed},
		{in: `a=1,`, want: ErrMalformed},
		{in: `A=1`, want: ErrMalformed},
		{in: `a=1,a=2`, want: ErrDuplicateParam},
		{in: `a=();p=1;p=2`, want: ErrDuplicateParam},
		{in: `a=("x");created=1;created=1`, want: ErrDuplicateParam},
		{in: `a=("x"`, want: ErrMalformed},
		{in: `a=("x""y")`, want: ErrMalformed},
		{in: `a="unterminated`, want: ErrMalformed},
		{in: `a="bad\escape"`, want: ErrMalformed},
		{in: "a=\"tab\there\"", want: ErrMalformed},
		{in: `a=:not base64!:`, want: ErrBadBase64},
		{in: `a=:AAAA`, want: ErrMalformed},
		{in: `a=?2`, want: ErrMalformed},
		{in: `a=(("x"))`, want: ErrMalformed},
		{in: `a=1 b=2`, want: ErrMalformed},
		{in: "a=" + strings.Repeat("(", 3), want: ErrMalformed},
		{in: manyMembers(65), want: ErrMalformed},
		{in: manyMembers(64)},
	}
	for _, c := range cases {
		d, err := parseDictionary(c.in)
		if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("%q: err = %v, want %v", c.in, err, c.want)
			continue
		}
		if c.canon != "" {
			if got := serializeInnerList(d[0].members, d[0].item.params); got != c.canon {
				t.Errorf("%q: serialized %q, want %q", c.in, got, c.canon)
			}
		}
	}
}
