package api

import (
	"math/big"
	"sort"
	"strings"

	"herd/internal/model"
)

// profileFieldsParam reads fields_attributes (see attributesParam), or nil
// when it was not sent; an empty JSON array clears the fields.
func profileFieldsParam(p params) *[]model.Field {
	list, sent := attributesParam(p, "fields_attributes")
	if !sent {
		return nil
	}
	out := make([]model.Field, 0, len(list)+4)
	for _, attrs := range list {
		out = append(out, model.Field{Name: attrs["name"], Value: attrs["value"]})
	}
	return &out
}

// attributesParam reads a Rails-style array of objects (fields_attributes,
// media_attributes) in every shape clients send it, and whether it was
// sent at all:
//   - name[0][key]=…&name[0][other]=… (forms; also what a JSON object
//     keyed "0".."3" or a JSON array of objects flattens to);
//   - name[][key]=…&name[][other]=… (Rails' array-of-hashes form style);
//   - an empty JSON array (sent, and empty).
//
// The keys' numbers only order the objects (docs.joinmastodon.org: "the
// exact integer does not matter").
func attributesParam(p params, name string) ([]map[string]string, bool) {
	prefix := name + "["
	byIndex := map[string]map[string]string{}
	sent := false
	for key := range p {
		if !strings.HasPrefix(key, prefix) && key != name {
			continue
		}
		sent = true
		index, attr, ok := splitFieldKey(strings.TrimPrefix(key, prefix))
		if !ok || index == "" {
			continue
		}
		if byIndex[index] == nil {
			byIndex[index] = map[string]string{}
		}
		byIndex[index][attr] = p.str(key)
	}
	if !sent {
		return nil, false
	}
	indexes := make([]string, 0, len(byIndex))
	for k := range byIndex {
		indexes = append(indexes, k)
	}
	sort.Slice(indexes, func(i, j int) bool { return indexLess(indexes[i], indexes[j]) })
	out := make([]map[string]string, 0, len(indexes))
	for _, k := range indexes {
		out = append(out, byIndex[k])
	}
	// The array form: the values of name[][key] pair up by position.
	arrayPrefix := name + "[]["
	for key, values := range p {
		attr, ok := strings.CutPrefix(key, arrayPrefix)
		if !ok || !strings.HasSuffix(attr, "]") {
			continue
		}
		attr = strings.TrimSuffix(attr, "]")
		for i, v := range values {
			for len(out) <= len(indexes)+i {
				out = append(out, map[string]string{})
			}
			out[len(indexes)+i][attr] = v
		}
	}
	return out, true
}

// splitFieldKey splits "3][name]" into ("3", "name").
func splitFieldKey(rest string) (index, attr string, ok bool) {
	index, rest, ok = strings.Cut(rest, "]")
	if !ok || !strings.HasPrefix(rest, "[") || !strings.HasSuffix(rest, "]") {
		return "", "", false
	}
	return index, rest[1 : len(rest)-1], true
}

// indexLess orders field keys numerically (keys of any size, negative
// ones too), falling back to text for keys that are not numbers.
func indexLess(a, b string) bool {
	x, okA := new(big.Int).SetString(a, 10)
	y, okB := new(big.Int).SetString(b, 10)
	if okA && okB {
		return x.Cmp(y) < 0
	}
	if okA != okB {
		return okA
	}
	return a < b
}
