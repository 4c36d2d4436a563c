// The local SQS API: fauxqs (pinned in infra/package.json) listening on the
// loopback interface only. Its own command line listens on every interface;
// a queue of other people's email addresses has no business there.
//
//   node infra/scripts/sqs.mjs --port 9324
import { buildApp } from "fauxqs";

const i = process.argv.indexOf("--port");
const port = i > 0 ? Number(process.argv[i + 1]) : 9324;
const app = buildApp({ logger: false });
await app.listen({ port, host: "127.0.0.1" });
console.log(`fauxqs listening on http://127.0.0.1:${port}`);
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => app.close().then(() => process.exit(0)));
}
