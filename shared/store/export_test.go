package store

// ShardOfSummary is the counter shard of a programme's summary of id (a
// pair's or a person's), for tests that make ops meet on one shard.
func ShardOfSummary(programmeID, id string) int { return shardOf(summaryPK(programmeID, id)) }
