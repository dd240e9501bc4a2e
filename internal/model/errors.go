package model

import "errors"

// ErrNotFound is what a lookup of a record that does not exist returns,
// from the store up through core, so no layer names another's errors.
var ErrNotFound = errors.New("not found")
