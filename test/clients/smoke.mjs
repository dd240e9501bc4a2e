// Drives a Herd instance with the Mastodon client libraries real apps use:
// masto.js (Elk) and megalodon (Whalebird). Usage:
//   node smoke.mjs URL ALICE_TOKEN BOB_TOKEN ALICE_ID
// Exits non-zero on the first failed expectation.
import { createRestAPIClient, createStreamingAPIClient } from "masto";
import * as megalodon from "megalodon";

const [url, aliceToken, bobToken, aliceID] = process.argv.slice(2);
const expect = (ok, what) => {
  if (!ok) {
    console.error("FAIL:", what);
    process.exit(1);
  }
  console.log("ok:", what);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const alice = createRestAPIClient({ url, accessToken: aliceToken });
const bob = createRestAPIClient({ url, accessToken: bobToken });

const me = await alice.v1.accounts.verifyCredentials();
expect(me.id === aliceID && me.acct === "alice", "masto verifyCredentials names alice");
const instance = await alice.v2.instance.fetch();
expect(instance.version.startsWith("4."), "masto reads a Mastodon 4 version: " + instance.version);
const rel = await bob.v1.accounts.$select(me.id).follow();
expect(rel.following === true, "masto follow answers following");

const st = await alice.v1.statuses.create({ status: "Hello @bob from masto.js #herd https://example.com/a/long/path" });
expect(st.mentions.length === 1 && st.tags[0]?.name === "herd", "masto post carries a mention and a tag");
let inHome = false;
for (let i = 0; i < 40 && !inHome; i++) {
  inHome = (await bob.v1.timelines.home.list({ limit: 20 })).some((s) => s.id === st.id);
  if (!inHome) await sleep(100);
}
expect(inHome, "alice's post reaches bob's home timeline");

await bob.v1.statuses.$select(st.id).favourite();
await bob.v1.statuses.$select(st.id).reblog();
const reply = await bob.v1.statuses.create({ status: "@alice nice!", inReplyToId: st.id });
const ctx = await alice.v1.statuses.$select(st.id).context.fetch();
expect(ctx.descendants.some((s) => s.id === reply.id), "masto context lists the reply");
const edited = await alice.v1.statuses.$select(st.id).update({ status: "Hello again @bob #herd" });
expect(!!edited.editedAt, "masto edit sets editedAt");
const groups = await alice.v2.notifications.list();
const types = groups.notificationGroups.map((g) => g.type);
for (const t of ["follow", "favourite", "reblog", "mention"]) {
  expect(types.includes(t), "masto grouped notifications include " + t);
}
const search = await alice.v2.search.list({ q: "bob", type: "accounts" });
expect(search.accounts.some((a) => a.acct === "bob"), "masto search finds bob");

const detect = megalodon.detector ?? megalodon.default.detector;
const generator = megalodon.default?.default ?? megalodon.default;
const sns = await detect(url);
expect(sns === "mastodon", "megalodon detects a Mastodon server");
const m = generator(sns, url, bobToken);
const home = await m.getHomeTimeline({ limit: 5 });
expect(home.status === 200 && home.data.length > 0, "megalodon reads the home timeline");
const posted = await m.postStatus("posted by megalodon", { visibility: "unlisted" });
expect(posted.status === 200, "megalodon posts a status");
const notes = await m.getNotifications({ limit: 10 });
expect(notes.status === 200, "megalodon reads notifications");

// masto.js's streaming client (Elk's): the WebSocket at the advertised
// streaming URL, the token sent as the WebSocket protocol. Subscriptions
// are not acknowledged, so bob posts until both streams have heard him
// (a generous deadline is only the safety net).
const streaming = createStreamingAPIClient({
  streamingApiUrl: instance.configuration.urls.streaming, accessToken: aliceToken, retry: false,
});
const heard = { notification: false, update: false };
const listen = async (sub, want) => {
  for await (const e of sub) {
    if (e.event === want) heard[want] = true;
    if (heard[want]) break;
  }
};
const userDone = listen(streaming.user.subscribe(), "notification");
const tagDone = listen(streaming.hashtag.subscribe({ tag: "herdlive" }), "update");
for (let i = 0; i < 60 && !(heard.notification && heard.update); i++) {
  await bob.v1.statuses.create({ status: "@alice live " + i + " #herdlive" });
  await sleep(500);
}
expect(heard.notification, "masto streaming: alice's user stream hears bob's mention");
expect(heard.update, "masto streaming: the #herdlive stream hears bob's post");
streaming.close();
await Promise.race([Promise.all([userDone, tagDone]), sleep(1000)]);
process.exit(0);
