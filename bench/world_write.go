package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"herd/internal/text"
)

// benchPassword is every seeded user's password (email: name@bench.test).
const benchPassword = "bench-password"

// writeAccounts writes accounts and their users. All accounts share one RSA
// key pair: generating 10,000 keys would take minutes and measure nothing.
func (w *world) writeAccounts(ctx context.Context, l *loader) error {
	priv, pub, err := sharedKeyPair()
	if err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(benchPassword), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	l.table("accounts", "id", "username", "username_lower", "domain", "display_name", "note", "note_source",
		"uri", "url", "inbox_url", "shared_inbox_url", "public_key", "private_key", "statuses_count",
		"followers_count", "following_count", "last_status_at", "created_at", "updated_at")
	l.table("users", "account_id", "email", "email_lower", "password_hash", "last_active_at", "created_at")
	base := w.core.BaseURL()
	for i, a := range w.accounts {
		var last any
		if a.statuses > 0 {
			last = a.lastStatus
		}
		note := "Hello, I am " + a.name + ". I like " + words[i%len(words)] + " and " + words[(i*7)%len(words)] + "."
		err := l.add(ctx, "accounts", a.id, a.name, a.name, "", strings.ToUpper(a.name[:1])+a.name[1:],
			"<p>"+note+"</p>", note, w.core.AccountURI(a.name), w.core.AccountURL(a.name),
			w.core.AccountURI(a.name)+"/inbox", base+"/inbox", pub, priv, int64(a.statuses),
			int64(a.followers), int64(len(w.following[i])), last, a.created, a.created)
		if err != nil {
			return err
		}
		lastActive := w.now - 90*86400000
		if a.active {
			lastActive = w.now
		}
		email := a.name + "@bench.test"
		if err := l.add(ctx, "users", a.id, email, email, string(hash), lastActive, a.created); err != nil {
			return err
		}
	}
	return l.commit(ctx)
}

func sharedKeyPair() (priv, pub string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	pkix, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})), nil
}

// writeFollows writes the follow graph, each follow dated after both
// accounts existed.
func (w *world) writeFollows(ctx context.Context, l *loader) error {
	l.table("follows", "id", "account_id", "target_account_id", "created_at")
	ids := uniqueIDs{}
	for i, list := range w.following {
		for _, t := range list {
			at := max(w.accounts[i].created, w.accounts[t].created) + 1000
			if err := l.add(ctx, "follows", ids.at(at, w.rng), w.accounts[i].id, w.accounts[t].id, at); err != nil {
				return err
			}
		}
	}
	return l.commit(ctx)
}

// writeStatuses writes statuses with rendered HTML, their mentions, tags
// and favourites, with every counter already right.
func (w *world) writeStatuses(ctx context.Context, l *loader) error {
	l.table("tags", "id", "name", "name_lower", "created_at")
	l.table("statuses", "id", "account_id", "uri", "url", "text", "content", "visibility", "language",
		"in_reply_to_id", "in_reply_to_account_id", "reblog_of_id", "conversation_id", "replies_count",
		"reblogs_count", "favourites_count", "created_at")
	l.table("mentions", "status_id", "account_id")
	l.table("status_tags", "status_id", "tag_id")
	l.table("favourites", "id", "account_id", "status_id")
	tagIDs := make([]int64, len(w.tagNames))
	first := w.now - int64(w.cfg.Days+1)*86400000
	for i, name := range w.tagNames {
		tagIDs[i] = idAt(first, i)
		if err := l.add(ctx, "tags", tagIDs[i], name, text.NormalizeTag(name), first); err != nil {
			return err
		}
	}
	names := make(map[string]bool, len(w.accounts))
	for _, a := range w.accounts {
		names[a.name] = true
	}
	resolve := func(m text.Mention) (string, bool) {
		if m.Domain == "" && names[strings.ToLower(m.Username)] {
			return w.core.AccountURL(strings.ToLower(m.Username)), true
		}
		return "", false
	}
	nfav := 0
	favIDs := uniqueIDs{}
	for i := range w.statuses {
		st := &w.statuses[i]
		a := &w.accounts[st.author]
		var src, html string
		var replyTo, replyAcct, reblog any
		if st.reblogOf >= 0 {
			reblog = w.statuses[st.reblogOf].id
		} else {
			src = w.statusText(i)
			html = text.Render(src, resolve, w.core.TagURL)
		}
		if st.replyTo >= 0 {
			p := &w.statuses[st.replyTo]
			replyTo, replyAcct = p.id, w.accounts[p.author].id
		}
		uri, url := w.core.StatusURI(a.name, st.id), w.core.StatusURL(a.name, st.id)
		if st.reblogOf >= 0 {
			uri, url = uri+"/activity", ""
		}
		err := l.add(ctx, "statuses", st.id, a.id, uri, url, src, html, visNames[st.vis], "en", replyTo, replyAcct,
			reblog, w.statuses[st.conv].id, int64(st.replies), int64(st.reblogs), int64(st.favs), st.created)
		if err != nil {
			return err
		}
		for _, m := range w.mentioned(i) {
			if err := l.add(ctx, "mentions", st.id, w.accounts[m].id); err != nil {
				return err
			}
		}
		for k, t := range st.tags {
			if t >= 0 && (k == 0 || t != st.tags[0]) {
				if err := l.add(ctx, "status_tags", st.id, tagIDs[t]); err != nil {
					return err
				}
			}
		}
		if err := w.writeFavourites(ctx, l, st, favIDs, &nfav); err != nil {
			return err
		}
	}
	w.favourites = int64(nfav)
	return l.commit(ctx)
}

// writeFavourites adds st.favs favourites from distinct random accounts.
func (w *world) writeFavourites(ctx context.Context, l *loader, st *status, ids uniqueIDs, n *int) error {
	if st.favs == 0 {
		return nil
	}
	seen := map[int]bool{int(st.author): true}
	for len(seen) <= int(st.favs) {
		f := w.rng.IntN(len(w.accounts))
		if seen[f] {
			continue
		}
		seen[f] = true
		*n++
		if err := l.add(ctx, "favourites", ids.at(st.created+1000, w.rng), w.accounts[f].id, st.id); err != nil {
			return err
		}
	}
	return nil
}
