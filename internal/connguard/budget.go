package connguard

// Budget splits the descriptor limit between connections and event streams.
type Budget struct {
	// Conns is every connection together; the rest of the limit is kept for
	// the database, outgoing calls (push, webhooks) and logs.
	Conns int
	// Streams is event streams together: the connections left over are the
	// reserve for ordinary requests, so pages and /up answer however many
	// streams are open.
	Streams int
}

// otherFiles is what the process needs besides connections: the database
// and its journal files, outgoing connections to push services and bots.
const otherFiles = 64

// BudgetFor splits limit (0: unknown, no limits): a quarter of the
// connections, at least 64, stay for ordinary requests.
func BudgetFor(limit int) Budget {
	if limit <= 0 {
		return Budget{}
	}
	conns := max(limit-otherFiles, limit/2)
	reserve := max(conns/4, 64)
	return Budget{Conns: conns, Streams: max(conns-reserve, conns/4)}
}
