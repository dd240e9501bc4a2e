package core

import (
	"errors"

	"herd/internal/model"
)

// ignoreNotFound treats model.ErrNotFound as nothing to do.
func ignoreNotFound(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	return err
}
