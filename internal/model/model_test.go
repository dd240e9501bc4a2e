package model

import "testing"

func TestVisibilityRankOrdersWidestFirst(t *testing.T) {
	order := []Visibility{Public, Unlisted, Private, Direct}
	for i, v := range order {
		if !v.Valid() || v.Rank() != i {
			t.Errorf("%s: valid %v rank %d, want valid rank %d", v, v.Valid(), v.Rank(), i)
		}
	}
	if Visibility("everyone").Valid() {
		t.Error("an unknown visibility is valid")
	}
}

func TestAcct(t *testing.T) {
	local := &Account{Username: "alice"}
	remote := &Account{Username: "bob", Domain: "example.org"}
	if local.Acct() != "alice" || !local.Local() {
		t.Errorf("local acct %q local %v", local.Acct(), local.Local())
	}
	if remote.Acct() != "bob@example.org" || remote.Local() {
		t.Errorf("remote acct %q local %v", remote.Acct(), remote.Local())
	}
}
