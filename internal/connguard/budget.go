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
	reserve := max(conns/4, minReserve)
	return Budget{Conns: conns, Streams: max(conns-reserve, conns/4)}
}

// minReserve is the fewest connections kept for ordinary requests.
const minReserve = 64

// WithStreams sets the streams of the budget to n (CAMPFIRE_MAX_STREAMS;
// 0 keeps it): lower, or higher up to the connections less minReserve, so
// pages and /up still answer with every stream open. An operator whose
// tabs need more streams than the quarter kept for requests allows, under
// an open-file limit they cannot raise, trades that reserve for them.
func (b Budget) WithStreams(n int) Budget {
	switch {
	case n <= 0:
	case b.Conns == 0:
		b.Streams = n
	default:
		b.Streams = min(n, max(b.Conns-minReserve, b.Streams))
	}
	return b
}
