package safehttp

import (
	"net/url"
	"strconv"
)

// BlockedURLError reports a request refused because of its URL, before any
// connection was made.
type BlockedURLError struct {
	URL    string // the refused URL, with any userinfo removed
	Reason string
}

func (e *BlockedURLError) Error() string {
	return "safehttp: refused URL " + e.URL + ": " + e.Reason
}

// Is makes errors.Is(err, ErrBlocked) true.
func (e *BlockedURLError) Is(target error) bool { return target == ErrBlocked }

// CheckURL reports whether Herd may request u: nil when it may, a
// *BlockedURLError when it may not. It is applied to the first URL and to
// every redirect target. The rules:
//
//   - the scheme is http or https: file, ftp, gopher, data… would reach
//     other protocols or the local disk;
//   - the host is not empty;
//   - no userinfo (user:password@): a remote document has no business
//     making Herd send credentials, and browsers strip them for the same
//     reason;
//   - the port, when given, is a number from 1 to 65535. Any such port is
//     allowed: fediverse handles may carry one (NAME@DOMAIN:PORT), and the
//     address check, not the port, is what keeps requests off the internal
//     network.
//
// The address the host resolves to is judged later, at dial time.
func CheckURL(u *url.URL) error {
	refuse := func(reason string) error {
		shown := *u
		shown.User = nil
		return &BlockedURLError{URL: shown.String(), Reason: reason}
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return refuse("scheme is not http or https")
	case u.User != nil:
		return refuse("URL carries userinfo")
	case u.Hostname() == "":
		return refuse("empty host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return refuse("port out of range")
		}
	}
	return nil
}
