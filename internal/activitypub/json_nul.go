package activitypub

import "bytes"

// nulEscape is how JSON spells a NUL character; a raw NUL byte is not
// valid JSON.
var nulEscape = []byte(`\u0000`)

// withoutNUL returns a remote JSON document with every \u0000 escape
// removed from its strings. Decoded, each would be a NUL character, which
// PostgreSQL refuses in text (SQLSTATE 22021) where SQLite keeps it: the
// same activity was stored on one database and retried for days on the
// other. encoding/json already turns invalid UTF-8 into U+FFFD, so after
// this every string of the document is text.Storable, whichever field it
// ends up in. Every remote document passes here once: a delivered
// activity when it is processed (Receiver.Process), a fetched one when it
// is read (Fetcher.get).
func withoutNUL(doc []byte) []byte {
	if !bytes.Contains(doc, nulEscape) {
		return doc
	}
	out := make([]byte, 0, len(doc))
	for i := 0; i < len(doc); i++ {
		switch {
		case doc[i] != '\\':
			out = append(out, doc[i])
		case bytes.HasPrefix(doc[i:], nulEscape):
			i += len(nulEscape) - 1
		default:
			// Another escape is copied whole, so that in `\\u0000` (a
			// backslash, then the text u0000) the second backslash is not
			// taken for the start of an escape.
			out = append(out, doc[i:min(i+2, len(doc))]...)
			i++
		}
	}
	return out
}
