package apischema

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// printer renders the validator's messages.
var printer = message.NewPrinter(language.English)

// Violation is one way a document fails its schema.
type Violation struct {
	// Pointer is the JSON pointer (RFC 6901) of the offending value; for a
	// missing required property it points at the property itself, e.g.
	// "/account/id". The empty pointer is the document itself.
	Pointer string
	// Message says what is wrong, e.g. "got string, want integer".
	Message string
}

// String renders the violation as "<pointer>: <message>".
func (v Violation) String() string {
	p := v.Pointer
	if p == "" {
		p = "(document)"
	}
	return p + ": " + v.Message
}

// MismatchError is returned by Check and CheckArray when a document does not
// match its schema. Its message lists every violation, one a line.
type MismatchError struct {
	// Schema names the components/schemas entry, with "[]" appended for
	// CheckArray.
	Schema string
	// Violations are sorted by pointer.
	Violations []Violation
}

// Error lists every violation with its JSON pointer.
func (e *MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "response does not match Mastodon schema %s (%d violation(s)):", e.Schema, len(e.Violations))
	for _, v := range e.Violations {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return b.String()
}

// Check validates body (raw JSON) against components/schemas/<name>. It
// returns a *MismatchError listing every violation, or another error when the
// body is not JSON or the schema does not exist. For arrays use CheckArray.
func (c *Checker) Check(name string, body []byte) error {
	s, err := c.schema(name)
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("apischema: %s: body is not valid JSON: %w", name, err)
	}
	vs := validate(s, doc, "")
	if len(vs) == 0 {
		return nil
	}
	return &MismatchError{Schema: name, Violations: sortViolations(vs)}
}

// CheckArray validates body (raw JSON) as an array whose every element matches
// components/schemas/<name>; violations are reported under "/<index>/...".
func (c *Checker) CheckArray(name string, body []byte) error {
	s, err := c.schema(name)
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("apischema: %s[]: body is not valid JSON: %w", name, err)
	}
	arr, ok := doc.([]any)
	if !ok {
		return &MismatchError{Schema: name + "[]", Violations: []Violation{
			{Pointer: "", Message: fmt.Sprintf("got %s, want array", jsonType(doc))},
		}}
	}
	var vs []Violation
	for i, el := range arr {
		vs = append(vs, validate(s, el, "/"+strconv.Itoa(i))...)
	}
	if len(vs) == 0 {
		return nil
	}
	return &MismatchError{Schema: name + "[]", Violations: sortViolations(vs)}
}

// validate runs s on doc and flattens the error tree into violations whose
// pointers start with prefix.
func validate(s *jsonschema.Schema, doc any, prefix string) []Violation {
	err := s.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Pointer: prefix, Message: err.Error()}}
	}
	var out []Violation
	flatten(ve, prefix, &out)
	return out
}

// flatten appends the leaves of the error tree e to out. In a failed union
// ("X or null") the branch saying "want null" is dropped when other branches
// explain the failure, since it only restates that the value is not null.
func flatten(e *jsonschema.ValidationError, prefix string, out *[]Violation) {
	causes := e.Causes
	switch e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		kept := slices.DeleteFunc(slices.Clone(causes), wantsOnlyNull)
		if len(kept) > 0 {
			causes = kept
		}
	}
	if len(causes) > 0 {
		for _, cause := range causes {
			flatten(cause, prefix, out)
		}
		return
	}
	ptr := prefix + pointer(e.InstanceLocation)
	if req, ok := e.ErrorKind.(*kind.Required); ok {
		for _, m := range req.Missing {
			*out = append(*out, Violation{Pointer: ptr + "/" + escapeToken(m), Message: "required property is missing"})
		}
		return
	}
	*out = append(*out, Violation{Pointer: ptr, Message: e.ErrorKind.LocalizedString(printer)})
}

// wantsOnlyNull reports whether e is a leaf type error expecting null.
func wantsOnlyNull(e *jsonschema.ValidationError) bool {
	t, ok := e.ErrorKind.(*kind.Type)
	return ok && len(e.Causes) == 0 && len(t.Want) == 1 && t.Want[0] == "null"
}

// sortViolations orders violations by pointer and drops exact duplicates
// (a union's branches often report the same problem).
func sortViolations(vs []Violation) []Violation {
	slices.SortStableFunc(vs, func(a, b Violation) int {
		if c := strings.Compare(a.Pointer, b.Pointer); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	return slices.Compact(vs)
}

// pointer renders instance-location tokens as a JSON pointer.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

// escapeToken escapes one JSON pointer token (RFC 6901 section 3).
func escapeToken(t string) string {
	return strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	default:
		return "number"
	}
}
