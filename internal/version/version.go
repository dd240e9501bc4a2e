// Package version names this build of Herd and the Mastodon version it
// presents to clients.
//
// Apps decide which features to offer from three values, so the three must
// agree and must name the Mastodon release whose features Herd really has:
//
//   - `version` of /api/v1/instance and /api/v2/instance. Phanpy runs
//     compare-versions' satisfies() on it and, when the string is not plain
//     semver, retries on its leading "x.y.z" (written for "4.2.1
//     (compatible; Iceshrimp …)"). Ice Cubes reads Float(version.prefix(3)):
//     ≥ 4.3 turns on grouped notifications, the notification filter policy
//     and link timelines. So the string starts with the Mastodon version.
//   - `api_versions.mastodon` of /api/v2/instance (Mastodon ≥ 4.3): the
//     Mastodon API revision. The documentation's version histories give
//     4.3.0 → 2 (grouped notifications), 4.4.0 → 3 to 5 (attribution_domains,
//     delete_media, filter "blur"), 4.5.0 → 7 (quotes, quote policies), 4.6
//     → 8 to 10 (collections, annual reports, supported_types). Ice Cubes
//     offers quote posts only at ≥ 7 and collections at ≥ 10.
//   - NodeInfo software.name. megalodon's detector (used by Whalebird and
//     others) picks its driver from it: "mastodon", "pleroma", "misskey",
//     "friendica", or any other name whose metadata.upstream.name is
//     "mastodon"; anything else throws "Unknown SNS". Phanpy gates every
//     version-ranged "@mastodon/…" feature (grouped notifications, filtered
//     notifications, multiple-status fetch…) on software.name being exactly
//     "mastodon" (it special-cases only Hometown). So software.name is
//     "mastodon": with "herd" Phanpy would switch off the Mastodon 4.3
//     features Herd has. Herd still says what it is, where nothing gates on
//     it: the version strings below carry "Herd", and NodeInfo 2.1's
//     software.repository and homepage point at Herd.
//
// Herd's first milestone has statuses, edits, grouped notifications
// (/api/v2/notifications, Mastodon 4.3, API version 2) and markers, and has
// no polls, media, lists, filters or quotes. Mastodon 4.3.0 is therefore the
// release to claim: 4.4 makes Phanpy offer endorsements and annual reports,
// and 4.5 (API version 7) makes apps offer quote posts, none of which Herd
// has. Raise these together when Herd gains a later release's features.
package version

// Herd is Herd's own version.
const Herd = "0.1.0"

// Mastodon is the Mastodon release whose client API Herd implements (see
// the package comment for why 4.3.0).
const Mastodon = "4.3.0"

// MastodonAPIVersion is api_versions.mastodon in /api/v2/instance: what
// Mastodon 4.3.0 reports.
const MastodonAPIVersion = 2

// InstanceVersion is `version` in /api/v1/instance and /api/v2/instance, in
// the "x.y.z (compatible; Name v)" form Pleroma, GoToSocial and Friendica
// use, so apps read the Mastodon version first and people see Herd's.
const InstanceVersion = Mastodon + " (compatible; Herd " + Herd + ")"

// NodeInfoVersion is software.version in NodeInfo: valid semver (crawlers
// parse it as such) whose build metadata names Herd, the way Mastodon forks
// publish "4.3.0+glitch".
const NodeInfoVersion = Mastodon + "+herd." + Herd

// SourceURL is where Herd's source code is published: source_url in
// /api/v2/instance (the AGPL offer) and software.repository and homepage in
// NodeInfo 2.1.
const SourceURL = "https://github.com/herd-social/herd"
