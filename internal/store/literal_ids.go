package store

import "strconv"

// literalIDs renders ids as an SQL list of integer literals, "(1,2,3)", for
// statements over a large batch (fan-out, finished jobs): modernc's SQLite
// binds $N parameters by searching a list of names, quadratic in their
// number, and a literal list parses in one pass. Safe only for integers,
// which is all it takes. An empty list is "(NULL)", which matches nothing.
func literalIDs(ids []int64) string {
	if len(ids) == 0 {
		return "(NULL)"
	}
	b := make([]byte, 0, len(ids)*19+2)
	b = append(b, '(')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ')'))
}
