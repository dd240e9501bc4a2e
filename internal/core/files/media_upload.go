package files

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/jobs"
	"herd/internal/media"
	"herd/internal/model"
	"herd/internal/store"
)

// QueueMedia is the job queue of video, gifv and audio uploads processed
// in the background: one job per upload, payload a mediaJob.
const QueueMedia = "media"

// MediaJobAttempts bounds the tries of one media job (a failure of the
// file itself is not retried: it fails the upload at once).
const MediaJobAttempts = 3

// mediaJob is the payload of a QueueMedia job: the upload and the key of
// its raw file, stored until processed so a restart loses nothing.
type mediaJob struct {
	MediaID int64  `json:"media_id"`
	RawKey  string `json:"raw_key"`
}

// rawUploadName is the raw file's name in its attachment's key folder; no
// extension the media server serves, so it is never handed out.
const rawUploadName = "/upload.raw"

// SupportedMimeTypes lists the types uploads accept, for the instance
// configuration apps read to decide what to offer: the images always, and
// AVIF, video and audio only when ffmpeg is there to process them. Each
// is a type one of the formats media.Sniff recognises is sent as (the
// names are Mastodon's; what is accepted is still decided by the bytes).
func (s *Service) SupportedMimeTypes() []string {
	types := []string{"image/jpeg", "image/png", "image/gif", "image/webp"}
	if s.av.Available() {
		types = append(types, "image/avif",
			"video/mp4", "video/quicktime", "video/webm", "video/ogg",
			"audio/mpeg", "audio/mp3", "audio/mp4", "audio/x-m4a", "audio/aac",
			"audio/ogg", "audio/vorbis", "audio/webm", "audio/flac",
			"audio/wav", "audio/wave", "audio/x-wav", "audio/vnd.wave")
	}
	return types
}

// UploadMedia processes an upload before answering (POST /api/v1/media,
// which waits in Mastodon): images (JPEG, PNG, WebP, static GIF, AVIF)
// are checked, re-encoded and previewed (media.ProcessImage); video,
// animated GIF and audio are transcoded (media.ProcessAV). The type is
// sniffed from the bytes, and every limit is checked before anything is
// decoded. A file that is not acceptable is a 422 and leaves nothing
// behind.
func (s *Service) UploadMedia(ctx context.Context, v *model.Viewer, file io.Reader, description, focus string) (*model.MediaAttachment, error) {
	return s.upload(ctx, v, file, description, focus, true)
}

// UploadMediaInBackground is UploadMedia for POST /api/v2/media: images
// are processed at once, but a video, gifv or audio upload, once checked,
// is stored raw and recorded pending (Processing MediaPending, no URL
// yet), and a durable job processes it.
func (s *Service) UploadMediaInBackground(ctx context.Context, v *model.Viewer, file io.Reader, description, focus string) (*model.MediaAttachment, error) {
	return s.upload(ctx, v, file, description, focus, false)
}

func (s *Service) upload(ctx context.Context, v *model.Viewer, file io.Reader, description, focus string, wait bool) (*model.MediaAttachment, error) {
	if s.media == nil {
		return nil, fault.Unprocessable("Media uploads are not enabled")
	}
	focus, err := CheckMediaFields(description, focus)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "herd-upload-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "upload")
	head, err := saveUpload(file, path)
	if err != nil {
		return nil, uploadError(err)
	}
	var img *media.Image
	switch format := media.Sniff(head); format {
	case "":
		return nil, uploadError(media.ErrUnsupported)
	case "jpeg", "png", "webp", "gif":
		data, err := readImage(path)
		if err != nil {
			return nil, uploadError(err)
		}
		if format == "gif" && media.GIFFrames(data, 2) > 1 {
			return s.uploadAV(ctx, v, path, format, dir, description, focus, wait)
		}
		img, err = s.processImage(ctx, data)
		if err != nil {
			return nil, uploadError(err)
		}
	case "avif", "heic":
		if img, err = s.av.DecodeStill(ctx, path, format, dir); err != nil {
			return nil, uploadError(err)
		}
	default:
		return s.uploadAV(ctx, v, path, format, dir, description, focus, wait)
	}
	return s.recordImage(ctx, v, img, description, focus)
}

// uploadAV checks a video, animated GIF or audio upload saved at path and
// processes it now (wait) or records it pending with its job.
func (s *Service) uploadAV(ctx context.Context, v *model.Viewer, path, format, dir, description, focus string, wait bool) (*model.MediaAttachment, error) {
	plan, err := s.av.CheckAV(ctx, path, format)
	if err != nil {
		return nil, uploadError(err)
	}
	m := &model.MediaAttachment{ID: ids.New(), AccountID: v.AccountID(), Type: plan.Type,
		Description: description, Focus: focus, CreatedAt: time.Now()}
	folder := media.NewKey("media_attachments")
	if wait {
		av, err := s.av.ProcessAV(ctx, path, plan, dir)
		if err != nil {
			return nil, uploadError(err)
		}
		if err := s.storeAV(ctx, m, folder, av); err != nil {
			return nil, err
		}
		if err := s.store.InTx(ctx, func(tx *store.Store) error { return tx.InsertMedia(ctx, m) }); err != nil {
			s.DeleteFiles(ctx, m.FileKey, m.PreviewKey)
			return nil, err
		}
		return m, nil
	}
	m.FileKey, m.Processing = folder+rawUploadName, model.MediaPending
	if err := s.putFile(ctx, m.FileKey, path); err != nil {
		s.DeleteFiles(ctx, m.FileKey)
		return nil, err
	}
	payload, err := json.Marshal(mediaJob{MediaID: m.ID, RawKey: m.FileKey})
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.InsertMedia(ctx, m); err != nil {
			return err
		}
		_, err := tx.EnqueueJob(ctx, QueueMedia, string(payload), time.Now())
		return err
	})
	if err != nil {
		s.DeleteFiles(ctx, m.FileKey)
		return nil, err
	}
	s.wake()
	return m, nil
}

// storeAV stores a processed file and its preview under folder and fills
// in m's keys, type and meta; on failure nothing is left behind.
func (s *Service) storeAV(ctx context.Context, m *model.MediaAttachment, folder string, av *media.AV) error {
	m.Type, m.FileKey, m.ContentType = av.Type, folder+"/original"+av.Ext, av.ContentType
	m.Meta = model.MediaMeta{Original: model.MediaSize{Width: av.Width, Height: av.Height,
		FrameRate: av.FrameRate, Duration: av.Duration, Bitrate: av.Bitrate}}
	if err := s.putFile(ctx, m.FileKey, av.Path); err != nil {
		s.DeleteFiles(ctx, m.FileKey)
		return err
	}
	if p := av.Preview; p != nil {
		m.PreviewKey, m.Blurhash = folder+"/small"+p.SmallExt, p.Blurhash
		m.Meta.Small = model.MediaSize{Width: p.SmallWidth, Height: p.SmallHeight}
		if err := s.media.Put(ctx, m.PreviewKey, bytes.NewReader(p.Small)); err != nil {
			s.DeleteFiles(ctx, m.FileKey, m.PreviewKey)
			return err
		}
	}
	return nil
}

func (s *Service) putFile(ctx context.Context, key, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return s.media.Put(ctx, key, f)
}

// saveUpload copies an upload to path, at most media.MaxVideoBytes (one
// byte more is ErrTooLarge), and answers its first bytes for Sniff.
func saveUpload(r io.Reader, path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(f, io.LimitReader(r, media.MaxVideoBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if n > media.MaxVideoBytes {
		return nil, media.ErrTooLarge
	}
	f, err = os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 512)
	k, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return head[:k], nil
}

// readImage reads a saved image upload, refusing one over the image
// limit without reading it.
func readImage(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > media.MaxImageBytes {
		return nil, media.ErrTooLarge
	}
	return os.ReadFile(path)
}

// uploadError answers an upload the media package refused with
// Mastodon's 422 validation errors; other errors pass as they are.
func uploadError(err error) error {
	switch {
	case errors.Is(err, media.ErrTooLarge):
		return fault.Unprocessable(fmt.Sprintf("Validation failed: File must be less than %d MB (images %d MB and %d megapixels; "+
			"videos %dx%d pixels, %d frames per second and %d frames)", media.MaxVideoBytes>>20, media.MaxImageBytes>>20,
			media.MaxImagePixels/1_000_000, 3840, 2160, media.MaxVideoFrameRate, media.MaxVideoFrames))
	case errors.Is(err, media.ErrUnsupported), errors.Is(err, media.ErrCorrupt):
		return fault.Unprocessable("Validation failed: File content type is invalid")
	case errors.Is(err, media.ErrNoFFmpeg):
		return fault.Unprocessable("Validation failed: Video and audio files are not supported on this server")
	}
	return err
}

// MediaJobs works a batch of media jobs (one at a time: each transcode
// already uses the CPUs it is given).
func (s *Service) MediaJobs(ctx context.Context, batch []jobs.Job) map[int64]error {
	failed := map[int64]error{}
	for _, j := range batch {
		var job mediaJob
		if err := json.Unmarshal([]byte(j.Payload), &job); err != nil || job.MediaID == 0 ||
			!strings.HasSuffix(job.RawKey, rawUploadName) {
			s.log.Error("media: bad payload, dropped", "job", j.ID, "payload", j.Payload)
			continue
		}
		if err := s.processUpload(ctx, job, j.Attempts >= MediaJobAttempts); err != nil {
			failed[j.ID] = err
		}
	}
	return failed
}

// processUpload processes a pending upload from its raw file: done, the
// attachment gets its files and is ready; refused (a broken or hostile
// file, found only now) or failing on its last attempt, it is marked
// failed. Either way the raw file goes. A run cut short by shutdown is
// put back without counting as an attempt.
func (s *Service) processUpload(ctx context.Context, job mediaJob, last bool) error {
	m, err := s.store.MediaByID(ctx, job.MediaID)
	if errors.Is(err, model.ErrNotFound) {
		return nil // deleted meanwhile, raw file with it
	}
	if err != nil {
		return err
	}
	if m.Processing != model.MediaPending || m.FileKey != job.RawKey {
		return nil // done by an earlier run
	}
	dir, err := os.MkdirTemp("", "herd-media-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	av, err := s.transcodeRaw(ctx, job.RawKey, dir)
	if ctx.Err() != nil {
		return jobs.Defer(time.Second)
	}
	refused := errors.Is(err, media.ErrCorrupt) || errors.Is(err, media.ErrUnsupported) ||
		errors.Is(err, media.ErrTooLarge) || errors.Is(err, fault.ErrRecordNotFound)
	if err != nil && !refused && !last {
		return err
	}
	if err != nil {
		s.log.Info("media: processing failed", "media", m.ID, "err", err)
		var ok bool
		if err := s.store.InTx(ctx, func(tx *store.Store) error {
			ok, err = tx.FailMediaProcessing(ctx, m.ID, job.RawKey)
			return err
		}); err != nil {
			return err
		}
		if ok {
			s.DeleteFiles(ctx, job.RawKey)
		}
		return nil
	}
	folder := strings.TrimSuffix(job.RawKey, rawUploadName)
	if err := s.storeAV(ctx, m, folder, av); err != nil {
		return err
	}
	var ok bool
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		ok, err = tx.FinishMediaProcessing(ctx, m, job.RawKey)
		return err
	})
	if err != nil || !ok {
		s.DeleteFiles(ctx, m.FileKey, m.PreviewKey) // deleted while processing
		return err
	}
	s.DeleteFiles(ctx, job.RawKey)
	return nil
}

// transcodeRaw copies a stored raw upload into dir and processes it.
func (s *Service) transcodeRaw(ctx context.Context, rawKey, dir string) (*media.AV, error) {
	f, err := s.OpenMediaFile(ctx, rawKey)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "upload")
	head, err := saveUpload(f, path)
	f.Close()
	if err != nil {
		return nil, err
	}
	format := media.Sniff(head)
	plan, err := s.av.CheckAV(ctx, path, format)
	if err != nil {
		return nil, err
	}
	return s.av.ProcessAV(ctx, path, plan, dir)
}
