package files

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"herd/internal/ids"
	"herd/internal/jobs"
	"herd/internal/model"
	"herd/internal/store"
)

// QueueRemoteMedia is the job queue of remote attachment fetches: one job
// per remote status with media, payload a remoteMediaJob.
const QueueRemoteMedia = "remote_media"

const (
	// maxRemoteAttachments is how many attachments of a remote status are
	// kept (Mastodon's MEDIA_ATTACHMENTS_LIMIT).
	maxRemoteAttachments = 4
	// defaultRemoteMediaSpread: a remote status's files are fetched after
	// a random delay up to this, so the origin is not hit by every
	// follower's server in the same second.
	defaultRemoteMediaSpread = 5 * time.Second
	maxRemoteBlurhash        = 100
)

// ErrMediaRefused: the remote file may not be fetched (its domain is
// suspended or rejects media, or it is not remote).
var ErrMediaRefused = errors.New("files: remote media refused")

// RemoteMedia is an attachment of a remote Note as the federation layer
// read it (a Document, Image, Video or Audio object).
type RemoteMedia struct {
	URL         string
	MediaType   string // as the origin declared it; the bytes decide
	Description string // the object's name (alt text)
	Blurhash    string
	FocusX      float64 // focalPoint, -1..1
	FocusY      float64
	HasFocus    bool
	Width       int
	Height      int
}

// remoteMediaJob is the payload of a QueueRemoteMedia job: a remote
// status's attachments, remote custom emoji (remote_emojis.go), or a
// remote account's avatar and header (remote_account_images.go).
type remoteMediaJob struct {
	StatusID  int64   `json:"status_id,omitempty"`
	EmojiIDs  []int64 `json:"emoji_ids,omitempty"`
	AccountID int64   `json:"account_id,omitempty"`
}

// RemoteAttachments turns a note's attachments into rows of st, checked
// and capped: web URLs only, alt text and blurhash bounded. From a domain
// that rejects media they are "unknown", shown by their remote URL and
// never fetched, as Mastodon does.
func (s *Service) RemoteAttachments(ctx context.Context, actor *model.Account, list []RemoteMedia) []*model.MediaAttachment {
	rejected := s.mediaRejected(ctx, actor.Domain)
	var out []*model.MediaAttachment
	for _, r := range list {
		if len(out) == maxRemoteAttachments {
			break
		}
		u, err := url.Parse(r.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(r.URL) > maxRemoteURI {
			continue
		}
		m := &model.MediaAttachment{ID: ids.New(), AccountID: actor.ID, Type: mediaTypeOf(r.MediaType),
			RemoteURL: r.URL, Description: truncateChars(strings.TrimSpace(r.Description), MaxMediaDescription),
			CreatedAt: time.Now()}
		if validBlurhash(r.Blurhash) {
			m.Blurhash = r.Blurhash
		}
		if r.HasFocus && r.FocusX >= -1 && r.FocusX <= 1 && r.FocusY >= -1 && r.FocusY <= 1 {
			m.Focus = strconv.FormatFloat(r.FocusX, 'f', 2, 64) + "," + strconv.FormatFloat(r.FocusY, 'f', 2, 64)
		}
		if r.Width > 0 && r.Height > 0 && r.Width <= 1<<16 && r.Height <= 1<<16 {
			m.Meta.Original = model.MediaSize{Width: r.Width, Height: r.Height}
		}
		if rejected {
			m.Type = "unknown"
		}
		out = append(out, m)
	}
	// Attachments list in id order (all at position 0): ids drawn in one
	// millisecond are not ordered, so they are handed out sorted.
	idList := make([]int64, len(out))
	for i, m := range out {
		idList[i] = m.ID
	}
	slices.Sort(idList)
	for i, m := range out {
		m.ID = idList[i]
	}
	return out
}

// mediaTypeOf is the attachment type a declared media type suggests.
func mediaTypeOf(mediaType string) string {
	switch major, _, _ := strings.Cut(strings.ToLower(mediaType), "/"); major {
	case "image", "":
		return "image"
	case "video":
		return "video"
	case "audio":
		return "audio"
	}
	return "unknown"
}

// validBlurhash accepts what could be a blurhash: short, base 83.
func validBlurhash(s string) bool {
	if len(s) < 6 || len(s) > maxRemoteBlurhash {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || strings.ContainsRune("#$%*+,-.:;=?@[]^_{|}~", r)) {
			return false
		}
	}
	return true
}

// AddRemoteMedia stores a new remote status's attachments inside its
// transaction and queues one job to fetch those that may be fetched.
func (s *Service) AddRemoteMedia(ctx context.Context, tx *store.Store, st *model.Status, list []*model.MediaAttachment) error {
	fetch := false
	for _, m := range list {
		m.StatusID = st.ID
		if err := tx.InsertMedia(ctx, m); err != nil {
			return err
		}
		fetch = fetch || fetchable(m)
	}
	if !fetch {
		return nil
	}
	return s.queueStatusMedia(ctx, tx, st.ID)
}

// queueStatusMedia queues the job fetching the uncached attachments of
// status id, after a random delay up to the spread.
func (s *Service) queueStatusMedia(ctx context.Context, tx *store.Store, statusID int64) error {
	payload, err := json.Marshal(remoteMediaJob{StatusID: statusID})
	if err != nil {
		return err
	}
	runAt := time.Now()
	if spread := s.remoteMediaSpread(); spread > 0 {
		runAt = runAt.Add(rand.N(spread))
	}
	_, err = tx.EnqueueJob(ctx, QueueRemoteMedia, string(payload), runAt)
	return err
}

func (s *Service) remoteMediaSpread() time.Duration {
	switch d := s.mediaSpread; {
	case d < 0:
		return 0
	case d == 0:
		return defaultRemoteMediaSpread
	default:
		return d
	}
}

// RemoteMediaJobs works a batch of remote media jobs: each status's
// attachments not yet cached are fetched and stored. A file that cannot
// be fetched or is not an acceptable image stays uncached, shown by its
// remote URL or fetched again when viewed; only database and storage
// errors are retried.
func (s *Service) RemoteMediaJobs(ctx context.Context, batch []jobs.Job) map[int64]error {
	failed := map[int64]error{}
	for _, j := range batch {
		var job remoteMediaJob
		if err := json.Unmarshal([]byte(j.Payload), &job); err != nil || (job.StatusID == 0 && len(job.EmojiIDs) == 0 && job.AccountID == 0) {
			s.log.Error("remote media: bad payload, dropped", "job", j.ID, "payload", j.Payload)
			continue
		}
		if job.AccountID != 0 {
			if err := s.cacheRemoteAccountImages(ctx, job.AccountID); err != nil {
				failed[j.ID] = err
			}
			continue
		}
		if len(job.EmojiIDs) > 0 {
			if err := s.cacheRemoteEmojis(ctx, job.EmojiIDs); err != nil {
				failed[j.ID] = err
			}
			continue
		}
		byStatus, err := s.store.MediaByStatusIDs(ctx, []int64{job.StatusID})
		if err != nil {
			failed[j.ID] = err
			continue
		}
		for _, m := range byStatus[job.StatusID] {
			if m.Cached() || !fetchable(m) {
				continue
			}
			if _, err := s.cacheRemoteMedia(ctx, m); err != nil && !isFetchFailure(err) {
				failed[j.ID] = err
				break
			}
		}
	}
	return failed
}

// fetchFailure wraps what went wrong on the remote side of a fetch (the
// origin, the file, or the policy), as opposed to a local failure.
type fetchFailure struct{ err error }

func (f *fetchFailure) Error() string { return "remote media not cached: " + f.err.Error() }
func (f *fetchFailure) Unwrap() error { return f.err }

func isFetchFailure(err error) bool {
	var f *fetchFailure
	return errors.As(err, &f)
}

// fetchable: a remote attachment this instance caches (an image, video,
// gifv or audio file; "unknown" ones stay at their remote URL).
func fetchable(m *model.MediaAttachment) bool {
	switch m.Type {
	case "image", "video", "gifv", "audio":
		return m.RemoteURL != ""
	}
	return false
}

// cacheRemoteMedia fetches a remote attachment, stores its files and
// records them; it returns the attachment as stored (cached by another
// fetch meanwhile, perhaps). Images are processed as uploads are; video,
// gifv and audio are transcoded as uploads (cacheRemoteAV). Refusals and
// remote failures are *fetchFailure errors (ErrMediaRefused inside for
// the policy).
func (s *Service) cacheRemoteMedia(ctx context.Context, m *model.MediaAttachment) (*model.MediaAttachment, error) {
	if m.Cached() {
		return m, nil
	}
	if m.StatusID == 0 || !fetchable(m) {
		return nil, &fetchFailure{ErrMediaRefused}
	}
	author, err := s.store.AccountByID(ctx, m.AccountID)
	if err != nil {
		return nil, err
	}
	if author.Local() || author.Suspended() || s.mediaRejected(ctx, author.Domain) {
		return nil, &fetchFailure{ErrMediaRefused}
	}
	// The file may live on another host (a CDN): its blocks count too,
	// though in limited-federation mode it need not be an allowed domain.
	u, err := url.Parse(m.RemoteURL)
	if err != nil {
		return nil, &fetchFailure{ErrMediaRefused}
	}
	if b := s.domainBlockFor(ctx, u.Host); b != nil && (b.RejectMedia || b.Severity == model.SeveritySuspend) {
		return nil, &fetchFailure{ErrMediaRefused}
	}
	next, err := s.fetchRemoteAttachment(ctx, m)
	if err != nil {
		if !isFetchFailure(err) {
			return nil, err
		}
		s.log.Debug("remote media: not cached", "media", m.ID, "url", m.RemoteURL, "err", err)
		return nil, err
	}
	next.CachedAt = time.Now()
	var stored bool
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if stored, err = tx.CacheRemoteMedia(ctx, next); err != nil || !stored {
			return err
		}
		return tx.AppendEvent(ctx, store.EventStatusMedia, m.StatusID, m.AccountID, "")
	})
	if err != nil || !stored {
		s.DeleteFiles(ctx, next.FileKey, next.PreviewKey)
		if err != nil {
			return nil, err
		}
		return s.store.MediaByID(ctx, m.ID) // cached by another fetch
	}
	s.statusChanged(m.StatusID)
	return next, nil
}

// mediaRejected reports whether files from host (or a parent domain) are
// not fetched: the domain rejects media or is suspended, or federation
// with it is not allowed at all.
func (s *Service) mediaRejected(ctx context.Context, host string) bool {
	if !s.federationAllowed(ctx, host) {
		return true
	}
	b := s.domainBlockFor(ctx, host)
	return b != nil && b.RejectMedia
}

// PruneRemoteMedia removes the files of remote attachments cached before
// cutoff; the rows stay, uncached, and are fetched again when viewed.
// Remote custom emoji images are pruned the same way, and fetched again
// when an object names them next. Uploads and local emoji are never
// touched. progress, when set, is told how many attachments of how many
// are done after each one. It says how many files it pruned.
func (s *Service) PruneRemoteMedia(ctx context.Context, cutoff time.Time, progress func(done, total int)) (int, error) {
	emojis, err := s.pruneRemoteEmojis(ctx, cutoff)
	if err != nil {
		return emojis, err
	}
	n, err := s.pruneRemoteAttachments(ctx, cutoff, progress)
	return emojis + n, err
}

func (s *Service) pruneRemoteAttachments(ctx context.Context, cutoff time.Time, progress func(done, total int)) (int, error) {
	total, err := s.store.CountCachedRemoteMediaBefore(ctx, cutoff)
	if err != nil || total == 0 {
		return 0, err
	}
	done, pruned := 0, 0
	for {
		batch, err := s.store.CachedRemoteMediaBefore(ctx, cutoff, 100)
		if err != nil || len(batch) == 0 {
			return pruned, err
		}
		for _, m := range batch {
			var ok bool
			err := s.store.InTx(ctx, func(tx *store.Store) error {
				var err error
				if ok, err = tx.UncacheRemoteMedia(ctx, m.ID, m.FileKey); err != nil || !ok {
					return err
				}
				return tx.AppendEvent(ctx, store.EventStatusMedia, m.StatusID, m.AccountID, "")
			})
			if err != nil {
				return pruned, err
			}
			if ok {
				s.DeleteFiles(ctx, m.FileKey, m.PreviewKey)
				s.statusChanged(m.StatusID)
				pruned++
			}
			done++
			if progress != nil {
				progress(done, max(total, done))
			}
		}
		if len(batch) < 100 {
			return pruned, nil
		}
	}
}
