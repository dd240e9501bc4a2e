package model

// Viewer is who is making a request: a token, and for user tokens the
// account and user behind it. A nil *Viewer is an anonymous visitor.
type Viewer struct {
	Token   *Token
	Account *Account // nil for app-only tokens
	User    *User
}

// AccountID is the viewer's account id, 0 when anonymous or app-only.
func (v *Viewer) AccountID() int64 {
	if v == nil || v.Account == nil {
		return 0
	}
	return v.Account.ID
}
