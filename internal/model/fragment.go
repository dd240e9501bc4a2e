package model

import "sync/atomic"

// Fragment holds a pre-serialized piece of an entity (its JSON for the
// client API, DESIGN.md principle 6), made once by the renderer and reused
// by every page that shows the entity. The entity caches give each cached
// row its own Fragment; copies of the row (with fresh counters) share it,
// and a changed row is a new cache entry with a new, empty Fragment. A nil
// *Fragment means "not cached": render afresh each time.
type Fragment struct {
	b atomic.Pointer[[]byte]
}

// Get returns the stored bytes, or nil before Set.
func (f *Fragment) Get() []byte {
	if f == nil {
		return nil
	}
	if p := f.b.Load(); p != nil {
		return *p
	}
	return nil
}

// Set stores b, which must not be modified afterwards.
func (f *Fragment) Set(b []byte) {
	if f != nil {
		f.b.Store(&b)
	}
}
