package apischema

import (
	"errors"
	"net/mail"
	"net/url"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Leniencies. The description is applied as written except where it would
// reject what Mastodon itself sends; each exception is listed here.
//
// Nullability, required lists, enums and additionalProperties (the description
// has one, on ValidationError) are kept exactly as written; objects without
// additionalProperties accept extra members, so Herd may add fields. The description marks nullable fields as "type": ["T", "null"]
// and nullable references as "oneOf": [{"$ref": ...}, {"type": "null"}]; both
// work under plain JSON Schema 2020-12, so nothing is rewritten for them.
//
// Unions: every "oneOf" under components/schemas is validated as "anyOf".
// All but one of them are "X or null" with X an object schema, where the two
// are identical. The exception is Status.quote and StatusEdit.quote, written
// oneOf [Quote, ShallowQuote, null]: ShallowQuote requires only "state" and
// does not forbid other properties, so every valid Quote also matches
// ShallowQuote and oneOf ("exactly one") would reject every quote Mastodon
// sends.
//
// Formats: JSON Schema 2020-12 treats "format" as an annotation; this package
// asserts the formats the description uses, as follows.
//   - "date-time" (RFC 3339) and "date" (YYYY-MM-DD): asserted strictly.
//     Mastodon renders timestamps as "2019-12-08T03:48:33.901Z" and
//     Account.last_status_at as "2019-12-08".
//   - "uri": the empty string is accepted; anything else must parse as an
//     absolute URI (with a scheme). Mastodon sends "" for PreviewCard
//     author_url, provider_url and embed_url when they are unknown (and can
//     for PreviewCardAuthor.url and an Application's website), though the
//     description marks them "uri". Relative URLs are still rejected:
//     clients cannot resolve them.
//   - "email": the empty string is accepted; anything else must be a bare
//     address. Mastodon sends "" for Instance.contact.email and
//     V1Instance.email when the admin has not configured one.
//   - "iso-639-1" (language codes) is not asserted: the validator does not
//     know it, and Mastodon also sends ISO 639-3 codes for languages that
//     have no two-letter code.

// lenientFormats replace the validator's built-in "uri" and "email" formats.
var lenientFormats = []*jsonschema.Format{
	{Name: "uri", Validate: validateURIOrEmpty},
	{Name: "email", Validate: validateEmailOrEmpty},
}

// validateURIOrEmpty accepts "" or an absolute URI.
func validateURIOrEmpty(v any) error {
	s, ok := v.(string)
	if !ok || s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if !u.IsAbs() {
		return errors.New("relative URI, want absolute")
	}
	return nil
}

// validateEmailOrEmpty accepts "" or a bare e-mail address (no display name).
func validateEmailOrEmpty(v any) error {
	s, ok := v.(string)
	if !ok || s == "" {
		return nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return err
	}
	if a.Address != s {
		return errors.New("want a bare address")
	}
	return nil
}

// unionsAsAnyOf renames every "oneOf" keyword under the given schemas to
// "anyOf" (see the note on unions above). It leaves "example" values alone.
func unionsAsAnyOf(schemas map[string]any) {
	for _, s := range schemas {
		rewriteOneOf(s)
	}
}

// rewriteOneOf walks one schema value and renames its oneOf keywords.
func rewriteOneOf(v any) {
	switch v := v.(type) {
	case map[string]any:
		if branches, ok := v["oneOf"]; ok {
			if _, clash := v["anyOf"]; !clash {
				delete(v, "oneOf")
				v["anyOf"] = branches
			}
		}
		for k, child := range v {
			if k == "example" || k == "examples" || k == "enum" || k == "const" {
				continue
			}
			if k == "properties" {
				if props, ok := child.(map[string]any); ok {
					for _, p := range props {
						rewriteOneOf(p)
					}
				}
				continue
			}
			rewriteOneOf(child)
		}
	case []any:
		for _, child := range v {
			rewriteOneOf(child)
		}
	}
}
