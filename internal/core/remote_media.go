package core

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

	"herd/internal/core/fault"
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
var ErrMediaRefused = errors.New("core: remote media refused")

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

// remoteAttachments turns a note's attachments into rows of st, checked
// and capped: web URLs only, alt text and blurhash bounded. From a domain
// that rejects media they are "unknown", shown by their remote URL and
// never fetched, as Mastodon does.
func (c *Core) remoteAttachments(ctx context.Context, actor *model.Account, list []RemoteMedia) []*model.MediaAttachment {
	rejected := c.mediaRejected(ctx, actor.Domain)
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

// addRemoteMedia stores a new remote status's attachments inside its
// transaction and queues one job to fetch those that may be fetched.
func (c *Core) addRemoteMedia(ctx context.Context, tx *store.Store, st *model.Status, list []*model.MediaAttachment) error {
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
	return c.queueStatusMedia(ctx, tx, st.ID)
}

// queueStatusMedia queues the job fetching the uncached attachments of
// status id, after a random delay up to the spread.
func (c *Core) queueStatusMedia(ctx context.Context, tx *store.Store, statusID int64) error {
	payload, err := json.Marshal(remoteMediaJob{StatusID: statusID})
	if err != nil {
		return err
	}
	runAt := time.Now()
	if spread := c.remoteMediaSpread(); spread > 0 {
		runAt = runAt.Add(rand.N(spread))
	}
	_, err = tx.EnqueueJob(ctx, QueueRemoteMedia, string(payload), runAt)
	return err
}

func (c *Core) remoteMediaSpread() time.Duration {
	switch s := c.Config.RemoteMediaSpread; {
	case s < 0:
		return 0
	case s == 0:
		return defaultRemoteMediaSpread
	default:
		return s
	}
}

// RemoteMediaJobs works a batch of remote media jobs: each status's
// attachments not yet cached are fetched and stored. A file that cannot
// be fetched or is not an acceptable image stays uncached, shown by its
// remote URL or fetched again when viewed; only database and storage
// errors are retried.
func (c *Core) RemoteMediaJobs(ctx context.Context, batch []jobs.Job) map[int64]error {
	failed := map[int64]error{}
	for _, j := range batch {
		var job remoteMediaJob
		if err := json.Unmarshal([]byte(j.Payload), &job); err != nil || (job.StatusID == 0 && len(job.EmojiIDs) == 0 && job.AccountID == 0) {
			c.Log.Error("remote media: bad payload, dropped", "job", j.ID, "payload", j.Payload)
			continue
		}
		if job.AccountID != 0 {
			if err := c.cacheRemoteAccountImages(ctx, job.AccountID); err != nil {
				failed[j.ID] = err
			}
			continue
		}
		if len(job.EmojiIDs) > 0 {
			if err := c.cacheRemoteEmojis(ctx, job.EmojiIDs); err != nil {
				failed[j.ID] = err
			}
			continue
		}
		byStatus, err := c.Store.MediaByStatusIDs(ctx, []int64{job.StatusID})
		if err != nil {
			failed[j.ID] = err
			continue
		}
		for _, m := range byStatus[job.StatusID] {
			if m.Cached() || !fetchable(m) {
				continue
			}
			if _, err := c.cacheRemoteMedia(ctx, m); err != nil && !isFetchFailure(err) {
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
func (c *Core) cacheRemoteMedia(ctx context.Context, m *model.MediaAttachment) (*model.MediaAttachment, error) {
	if m.Cached() {
		return m, nil
	}
	if m.StatusID == 0 || !fetchable(m) {
		return nil, &fetchFailure{ErrMediaRefused}
	}
	author, err := c.Store.AccountByID(ctx, m.AccountID)
	if err != nil {
		return nil, err
	}
	if author.Local() || author.Suspended() || c.mediaRejected(ctx, author.Domain) {
		return nil, &fetchFailure{ErrMediaRefused}
	}
	// The file may live on another host (a CDN): its blocks count too,
	// though in limited-federation mode it need not be an allowed domain.
	u, err := url.Parse(m.RemoteURL)
	if err != nil {
		return nil, &fetchFailure{ErrMediaRefused}
	}
	if b := c.DomainBlockFor(ctx, u.Host); b != nil && (b.RejectMedia || b.Severity == model.SeveritySuspend) {
		return nil, &fetchFailure{ErrMediaRefused}
	}
	next, err := c.fetchRemoteAttachment(ctx, m)
	if err != nil {
		if !isFetchFailure(err) {
			return nil, err
		}
		c.Log.Debug("remote media: not cached", "media", m.ID, "url", m.RemoteURL, "err", err)
		return nil, err
	}
	next.CachedAt = time.Now()
	var stored bool
	err = c.Store.InTx(ctx, func(tx *store.Store) error {
		if stored, err = tx.CacheRemoteMedia(ctx, next); err != nil || !stored {
			return err
		}
		return tx.AppendEvent(ctx, store.EventStatusMedia, m.StatusID, m.AccountID, "")
	})
	if err != nil || !stored {
		c.deleteFiles(ctx, next.FileKey, next.PreviewKey)
		if err != nil {
			return nil, err
		}
		return c.Store.MediaByID(ctx, m.ID) // cached by another fetch
	}
	c.forgetStatus(m.StatusID)
	return next, nil
}

// mediaRejected reports whether files from host (or a parent domain) are
// not fetched: the domain rejects media or is suspended, or federation
// with it is not allowed at all.
func (c *Core) mediaRejected(ctx context.Context, host string) bool {
	if !c.FederationAllowed(ctx, host) {
		return true
	}
	b := c.DomainBlockFor(ctx, host)
	return b != nil && b.RejectMedia
}

// RemoteMediaFile answers the stored file of remote attachment id (its
// preview when small), fetching an image again when it is not cached (never
// fetched, or pruned): Mastodon's /media_proxy/:id/:variant. Local
// uploads, attachments of statuses not public or unlisted, and files
// refused by the domain policy or failing to fetch are not found. It
// returns the file's public URL.
func (c *Core) RemoteMediaFile(ctx context.Context, id int64, small bool) (string, error) {
	m, err := c.Store.MediaByID(ctx, id)
	if err != nil {
		return "", notFoundOr(err)
	}
	if m.RemoteURL == "" || m.StatusID == 0 {
		return "", fault.ErrRecordNotFound
	}
	st, err := c.Store.StatusByID(ctx, m.StatusID)
	if err != nil {
		return "", notFoundOr(err)
	}
	if !proxiedVisibility(st.Visibility) {
		return "", fault.ErrRecordNotFound
	}
	// Files cached before the domain was blocked are not served either.
	author, err := c.Store.AccountByID(ctx, m.AccountID)
	if err != nil {
		return "", notFoundOr(err)
	}
	if author.Suspended() || c.mediaRejected(ctx, author.Domain) {
		return "", fault.ErrRecordNotFound
	}
	// Video and audio (up to 99 MB, transcoded) are cached by the job
	// only, never while a request waits.
	if !m.Cached() && m.Type != "image" {
		return "", fault.ErrRecordNotFound
	}
	m, err = c.cacheRemoteMedia(ctx, m)
	if isFetchFailure(err) {
		return "", fault.ErrRecordNotFound
	}
	if err != nil {
		return "", err
	}
	if small {
		return c.MediaURL(m.PreviewKey), nil
	}
	return c.MediaURL(m.FileKey), nil
}

// proxiedVisibility: the media proxy serves anyone who asks, so only
// attachments of statuses anyone may see are fetched through it; others
// are shown by their remote URL until cached.
func proxiedVisibility(v model.Visibility) bool { return v == model.Public || v == model.Unlisted }

// MediaProxyURL is the address through which an uncached remote
// attachment of a status of visibility v is shown (fetched and cached
// when asked), or "" when it is shown by its remote URL: not an image,
// from a domain that rejects media ("unknown"), or of a status not
// everyone may see.
func (c *Core) MediaProxyURL(m *model.MediaAttachment, v model.Visibility, small bool) string {
	if m.Cached() || m.RemoteURL == "" || m.Type != "image" || !proxiedVisibility(v) {
		return ""
	}
	variant := "original"
	if small {
		variant = "small"
	}
	return c.BaseURL() + "/media_proxy/" + ids.Format(m.ID) + "/" + variant
}

// AttachmentURLs are the addresses an attachment of a status of
// visibility v is shown at, the file and its preview ("" while a video
// or audio upload is processed). A remote attachment not cached (never
// fetched, refused by the domain policy, or pruned) is shown, as Mastodon
// shows it, through the media proxy, which fetches it again when asked,
// or by its remote URL where the proxy does not serve it.
func (c *Core) AttachmentURLs(m *model.MediaAttachment, v model.Visibility) (file, preview string) {
	if m.Processing == model.MediaProcessed {
		file, preview = c.MediaURL(m.FileKey), c.MediaURL(m.PreviewKey)
	}
	if m.Cached() || m.RemoteURL == "" {
		return file, preview
	}
	if proxy := c.MediaProxyURL(m, v, false); proxy != "" {
		return proxy, c.MediaProxyURL(m, v, true)
	}
	if m.Type == "image" {
		return m.RemoteURL, m.RemoteURL
	}
	return m.RemoteURL, preview
}

// PruneRemoteMedia removes the files of remote attachments cached before
// cutoff; the rows stay, uncached, and are fetched again when viewed.
// Remote custom emoji images are pruned the same way, and fetched again
// when an object names them next. Uploads and local emoji are never
// touched. progress, when set, is told how many attachments of how many
// are done after each one. It says how many files it pruned.
func (c *Core) PruneRemoteMedia(ctx context.Context, cutoff time.Time, progress func(done, total int)) (int, error) {
	emojis, err := c.pruneRemoteEmojis(ctx, cutoff)
	if err != nil {
		return emojis, err
	}
	n, err := c.pruneRemoteAttachments(ctx, cutoff, progress)
	return emojis + n, err
}

func (c *Core) pruneRemoteAttachments(ctx context.Context, cutoff time.Time, progress func(done, total int)) (int, error) {
	total, err := c.Store.CountCachedRemoteMediaBefore(ctx, cutoff)
	if err != nil || total == 0 {
		return 0, err
	}
	done, pruned := 0, 0
	for {
		batch, err := c.Store.CachedRemoteMediaBefore(ctx, cutoff, 100)
		if err != nil || len(batch) == 0 {
			return pruned, err
		}
		for _, m := range batch {
			var ok bool
			err := c.Store.InTx(ctx, func(tx *store.Store) error {
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
				c.deleteFiles(ctx, m.FileKey, m.PreviewKey)
				c.forgetStatus(m.StatusID)
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
