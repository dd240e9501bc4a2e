package core

import (
	"errors"

	"herd/internal/core/fault"
	"herd/internal/model"
)

// notFoundOr maps model.ErrNotFound to Mastodon's 404 and passes other
// errors through.
func notFoundOr(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return fault.ErrRecordNotFound
	}
	return err
}

// ignoreNotFound treats model.ErrNotFound as nothing to do.
func ignoreNotFound(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	return err
}
