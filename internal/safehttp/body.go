package safehttp

import (
	"fmt"
	"io"
	"net/http"
)

// BodyTooLargeError reports a response body longer than the caller's limit.
type BodyTooLargeError struct {
	Limit int64
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("safehttp: response body exceeds %d bytes", e.Limit)
}

// ReadLimited reads and closes resp's body, refusing one longer than max
// bytes (DefaultMaxBody when max ≤ 0) with a *BodyTooLargeError. A declared
// Content-Length over max is refused before reading. The limit counts the
// bytes after transparent gzip decoding, so a small compressed bomb is
// stopped too.
func ReadLimited(resp *http.Response, max int64) ([]byte, error) {
	defer resp.Body.Close()
	if max <= 0 {
		max = DefaultMaxBody
	}
	if resp.ContentLength > max {
		return nil, &BodyTooLargeError{Limit: max}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > max {
		return nil, &BodyTooLargeError{Limit: max}
	}
	return body, nil
}
