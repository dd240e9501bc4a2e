package api

import (
	"math/big"
	"sort"
	"strings"

	"herd/internal/model"
)

// profileFieldsParam reads fields_attributes in every shape clients send
// it, or nil when it was not sent:
//   - fields_attributes[0][name]=…&fields_attributes[0][value]=… (forms;
//     also what a JSON object keyed "0".."3" or a JSON array of objects
//     flattens to);
//   - fields_attributes[][name]=…&fields_attributes[][value]=… (Rails'
//     array-of-hashes form style);
//   - an empty JSON array, which clears the fields.
//
// The keys' numbers only order the fields (docs.joinmastodon.org: "the
// exact integer does not matter").
func profileFieldsParam(p params) *[]model.Field {
	const prefix = "fields_attributes["
	byIndex := map[string]*model.Field{}
	sent := false
	for key := range p {
		if !strings.HasPrefix(key, prefix) && key != "fields_attributes" {
			continue
		}
		sent = true
		index, attr, ok := splitFieldKey(strings.TrimPrefix(key, prefix))
		if !ok || index == "" {
			continue
		}
		f := byIndex[index]
		if f == nil {
			f = &model.Field{}
			byIndex[index] = f
		}
		switch attr {
		case "name":
			f.Name = p.str(key)
		case "value":
			f.Value = p.str(key)
		}
	}
	if !sent {
		return nil
	}
	indexes := make([]string, 0, len(byIndex))
	for k := range byIndex {
		indexes = append(indexes, k)
	}
	sort.Slice(indexes, func(i, j int) bool { return indexLess(indexes[i], indexes[j]) })
	out := make([]model.Field, 0, len(indexes)+4)
	for _, k := range indexes {
		out = append(out, *byIndex[k])
	}
	// The array form: values of fields_attributes[][name] pair up by position.
	names, values := p["fields_attributes[][name]"], p["fields_attributes[][value]"]
	for i := 0; i < max(len(names), len(values)); i++ {
		var f model.Field
		if i < len(names) {
			f.Name = names[i]
		}
		if i < len(values) {
			f.Value = values[i]
		}
		out = append(out, f)
	}
	return &out
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
