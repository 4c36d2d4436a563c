// Package store keeps Upward's data in one DynamoDB table.
//
// # Keys and access patterns
//
// Every item has a partition key "pk" and a sort key "sk". Two overloaded,
// sparse global secondary indexes serve the patterns that cross partitions.
// Each pattern below is served by one GetItem or one (paginated) Query; no
// request path scans the table.
//
//	entity        pk                    sk                  gsi1pk / gsi1sk                      gsi2pk / gsi2sk
//	programme     PROG#<id>             META                PROGRAMMES / <created>#<id>          -
//	participant   PROG#<id>             PART#<id>           -                                    -
//	email claim   PROG#<id>             EMAIL#<address>     -                                    -
//	pair          PROG#<id>             PAIR#<pair id>      -                                    -
//	due item      DUE#<id>#<pair>       <role>              -                                    DUE#<shard> / <due UTC>#<pair>#<role>
//	(before v2)   PROG#<id>             DUE#<pair>#<role>   (kept by items scheduled before; moved in place until their schedule ends)
//	login link    LOGIN#<sha256>        META                -                                    -
//	session       SESSION#<sha256>      META                -                                    -
//	send ledger   SENT#<key>            META                -                                    -
//	suppression   SUPPRESS#<address>    META                -                                    -
//	proposal      PROG#<id>             PROPOSAL#<prop id>  -                                    -
//	proposal part PROG#<id>             RESULT#<prop id>#<n> -                                   -
//	round counter PROG#<id>             ROUNDS              -                                    -
//	round slot    PROG#<id>             ROUNDSLOT           -                                    -
//	never-pair    PROG#<id>             NEVER#<senior>#<junior> -                                -
//	pair history  HIST#<address>        META                -                                    -
//	org chart     ORG                   META                -                                    -
//	org chart part ORG                  CHART#<version>#<n> -                                    -
//	org upload    ORGUPLOAD#<id>        META                (an org chart sent to S3 and its parse's progress, TTL)
//	answer        PROG#<id>             ANS#<pair>#<cycle>#<role>  -                             -
//	reply         PROG#<id>             REPLY#<participant>#<message key>   (private text, TTL)
//	story         PROG#<id>             STORY#<participant>#<message key>
//	quarantined   QUARANTINE            <received>#<message key>
//	note          PROG#<id>             NOTE#<participant>#<note id>  (a coordinator's personal note)
//	mail budget   PROG#<id>             BUDGET#<participant>#<kind>#<day>  (reply keys answered that day, TTL)
//	goal          PROG#<id>             GOAL#<participant>#<pair>   (private words; figures read no text)
//	applied       PROG#<id>             APPLIED#<pair>      -                                    RECOGNITION / <due UTC>#<prog>#<pair> while a manager's note waits
//	account       ACCOUNT#<address>     META                ACCOUNTS / <address>                 -
//	audit entry   AUDIT                 <at>#<id>           AUDIT#<programme> / <at>#<id>        -
//	attempt count LIMIT#<key>#<window>#<start>  META  (sign-in requests per address and source, TTL)
//	day plan      PLAN#<UTC day>        META                (scheduled emails planned, sent, moved that day, by priority)
//	not-with      PROG#<id>             NOTWITH#<participant>#<id>  (a private preference, never on a coordinator's page)
//	assistant     PROG#<id>             ASSISTANT#<senior>  (who manages a senior's diary)
//	guard state   PROG#<id>             GUARD               (what the reorganisation guard last checked)
//	publication   PROG#<id>             PUB#<publication id> -                                   PUBLISHED / <published UTC>#<prog>#<id> while published
//	pair summary  TSUM#<id>#<pair>      PAIR                ATTN#<id> / <kind>#<urgent>#<since>#<pair>  (gsi1 only while it needs attention)
//	person summary TSUM#<id>#<participant> PERSON           ATTN#<id> / <kind>#<urgent>#<since>#<participant>
//	counter shard TOTALS#<id>#<nn>      META                (running totals, nn < 32; see tally.go)
//	(quarantined  QUARANTINE            ...                 ATTN#<id> / 6#0#<received>#Q<sk>  while unreleased)
//
// Access patterns:
//
//  1. Get a programme by id: GetItem PROG#id / META.
//  2. List programmes, newest first: Query gsi1 where gsi1pk = PROGRAMMES.
//  3. List a programme's participants: Query pk = PROG#id, sk begins_with PART#.
//  4. Find a participant by email within a programme (enrolment is
//     idempotent): GetItem PROG#id / EMAIL#address, or Query sk begins_with
//     EMAIL# to load every claim at once for a CSV import.
//  5. Get a participant by id (reply tokens carry programme and participant
//     ids): GetItem PROG#id / PART#id.
//  6. Redeem a login link once: UpdateItem on LOGIN#hash conditioned on it
//     being unused and unexpired.
//  7. Resolve a session: GetItem SESSION#hash.
//  8. Send an email at most once: conditional PutItem on SENT#key.
//     8b. Check an address against the suppression list: GetItem SUPPRESS#address.
//     8c. Record a check-in answer: PutItem ANS#pair#cycle#role (the latest
//     reply to a check-in wins); list a programme's answers for its figures:
//     Query pk = PROG#id, sk begins_with ANS#.
//     8d. Record a reply once: GetItem REPLY#participant#key first, and write it
//     last with a conditional put, so a replayed message records nothing
//     twice and a crash in between is finished by the replay.
//     8e. List quarantined messages: Query pk = QUARANTINE (newest last).
//  9. List a programme's pairs: Query pk = PROG#id, sk begins_with PAIR#.
//     9b. A coordinator's action on a pair (pause, resume, end, rematch):
//     UpdateItem on PAIR#id conditioned on the state it changes from, so
//     it is safe to repeat and two coordinators cannot both apply it.
//     9c. Programme figures (dashboard, attention list, report, CSV
//     exports): patterns 3, 8c and 9 run together, each page by page;
//     the attention list adds BatchGetItem on SUPPRESS#address (100 a
//     request) for the people still being mailed, and pattern 8e.
//     9d. Send a personal note once: conditional PutItem on
//     NOTE#participant#id (the id derives from the form, so a double
//     submit sends one email), then GetItem when the send job runs.
//  10. Find the scheduled emails that are due: Query gsi2 where gsi2pk =
//     DUE#<shard> and gsi2sk <= now, for each of the DueShards shards, page
//     by page. Each person in each live pair has one due item holding their
//     next cycle; the tick moves it on with a write conditioned on the value
//     it read, so two ticks never both move it. A tick writes once per due
//     item, so the items live under their pair's own partition key
//     (DUE#<programme>#<pair>), never all under the programme's: a
//     programme of 50,000 pairs would otherwise take 100,000 writes on one
//     key in one run. The tick keeps each shard's gsi2 partition, and each
//     programme's partition (pair changes), under 500 writes a second.
//     10b. A person's schedule in one pair (is the partner's closing
//     queued?): GetItem DUE#<programme>#<pair> / <role>, then the
//     pre-v2 key.
//     10c. Plan a day's scheduled email against the SES daily quota:
//     GetItem PLAN#<day> once per tick; each tick adds what it planned for
//     later days and what it sent and moved today with one UpdateItem ADD
//     per day (never one write per email, so the item is never hot).
//  11. Propose, review and approve matches (shared/review): GetItem PROG#id /
//     PROPOSAL#prop for a proposal's header (status, progress, locks,
//     counts); Query sk begins_with PROPOSAL# for a programme's proposals;
//     Query sk begins_with RESULT#prop# for its result (pairs, unmatched,
//     warnings), gzipped JSON cut into parts of at most 350 KB because a
//     large programme's result does not fit one 400 KB item. The result is
//     written once, before the header says "ready"; a re-solve is a new
//     proposal. Status moves by conditional updates (running → ready or
//     failed; ready → approving → approved), so a redelivered run or a
//     second approval changes nothing. UpdateItem ADD on PROG#id / ROUNDS
//     numbers the approved rounds.
//  12. Honour a programme's never-pair list: Query sk begins_with NEVER#;
//     a coordinator's "forbid" is a PutItem, "allow again" a DeleteItem.
//  13. Never repeat an earlier pair, from any programme: one HIST#address
//     item per person holds the set of everyone they were paired with
//     (UpdateItem ADD, so recording twice is harmless); matching reads the
//     people it matches with BatchGetItem, 100 per request, never a Scan.
//  14. The organisation's org chart (reporting lines that cover people who
//     are not enrolled): GetItem ORG / META names the current version;
//     Query sk begins_with CHART#version# reads its rows (parts as in 11).
//     An upload writes a new version's parts, then moves META with a write
//     conditioned on the version it replaces, then deletes the old parts.
//  15. Scheduled rounds (rolling and rotation programmes): the tick lists
//     programmes (pattern 2) and, for each one whose latest round slot is
//     past, GetItem PROG#id / ROUNDSLOT says whether that slot is done; it
//     is moved forward only (a conditional update) once the round's
//     proposal — named after the slot, so a second tick finds the same one —
//     is made and, with auto-approval, approved.
//  16. Coordinator accounts: GetItem ACCOUNT#address on every signed-in
//     request (role, assigned programmes, generation: a session of an older
//     generation is over); list them for the accounts page with Query gsi1
//     where gsi1pk = ACCOUNTS. Edits are conditioned on the version read.
//  17. The audit trail: PutItem conditioned on a new key (entries are never
//     changed or deleted); list every entry newest first with Query pk =
//     AUDIT, or one programme's with Query gsi1 where gsi1pk =
//     AUDIT#programme, the time range as a sort-key range and the actor or
//     action as a filter.
//  18. Sign-in request limits: UpdateItem ADD on LIMIT#key#window#start
//     returns the count so far in the window.
//  16. Private preferences and assistants: Query sk begins_with
//     NOTWITH#<participant># for one person's (their acknowledgement, their
//     export), NOTWITH# for a programme's (matching); GetItem
//     ASSISTANT#<senior> when an introduction goes out, Query ASSISTANT#
//     once per approval.
//  17. The reorganisation guard (shared/guard): an enrolment or an approval
//     adds to GUARD's changes (UpdateItem ADD); a check reads GUARD, the
//     org chart (14) and the programme's participants and pairs (3, 9)
//     once, flags pairs through shared/lifecycle, then records what it
//     saw. The tick reads GUARD for each programme (2) and checks
//     those whose last check is older than the chart or the changes.
//  19. Stories published beyond the coordinators (shared/inbound, the
//     welcome email, the printable page): a story's publication is
//     GetItem PROG#id / PUB#<id>, the id derived from the story (so a form
//     sent twice finds the same one); a programme's are Query sk
//     begins_with PUB#. Versions and answers move by updates conditioned
//     on the version read and on no withdrawal. While a publication is
//     published it sits in gsi2 under PUBLISHED, so the stories published
//     across every programme are one Query of gsi2, newest first (the
//     welcome email reads the first); as the index is eventually
//     consistent, each one it names is read again with GetItem (with its
//     story) before anyone is shown it.
//  20. Running totals (tally.go): the dashboard reads a programme's 32
//     counter shards with one BatchGetItem; each event writes its pair's
//     or person's summary and one shard, single-item conditional writes.
//  21. The attention list, a page at a time: Query gsi1 where gsi1pk =
//     ATTN#id, gsi1sk after (or, backwards, before) the page's cursor,
//     Limit page size + 1; the sort key orders by kind, urgency and age.
//     Only the records of a page's entries are read after it.
//  22. An org chart upload straight to S3 (orgupload.go): the upload form
//     creates ORGUPLOAD#id / META; the orgchart function, invoked by S3,
//     moves it forward with writes conditioned on it being unfinished, and
//     the upload's page reads it with GetItem.
//
// Items that should disappear (login links, sessions) carry "expires_at"
// (epoch seconds), the table's TTL attribute. TTL deletion is lazy, so the
// code also checks expiry itself.
package store

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attribute names of the keys and indexes.
const (
	AttrPK     = "pk"
	AttrSK     = "sk"
	AttrGSI1PK = "gsi1pk"
	AttrGSI1SK = "gsi1sk"
	AttrGSI2PK = "gsi2pk"
	AttrGSI2SK = "gsi2sk"
	AttrTTL    = "expires_at"
	IndexGSI1  = "gsi1"
	IndexGSI2  = "gsi2"
)

// TableDefinition is the one definition of the table's keys and indexes.
// Tests and `upward dev` create the table from it; a test checks that
// template.yaml declares the same schema.
func TableDefinition(name string) *dynamodb.CreateTableInput {
	str := func(n string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	key := func(pk, sk string) []types.KeySchemaElement {
		return []types.KeySchemaElement{
			{AttributeName: aws.String(pk), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(sk), KeyType: types.KeyTypeRange},
		}
	}
	all := &types.Projection{ProjectionType: types.ProjectionTypeAll}
	return &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			str(AttrPK), str(AttrSK), str(AttrGSI1PK), str(AttrGSI1SK), str(AttrGSI2PK), str(AttrGSI2SK),
		},
		KeySchema:   key(AttrPK, AttrSK),
		BillingMode: types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{IndexName: aws.String(IndexGSI1), KeySchema: key(AttrGSI1PK, AttrGSI1SK), Projection: all},
			{IndexName: aws.String(IndexGSI2), KeySchema: key(AttrGSI2PK, AttrGSI2SK), Projection: all},
		},
	}
}
