# centrifugo_config PORT FILE writes the configuration both peer scripts run
# Centrifugo with: its unidirectional SSE transport, the in-memory broker,
# an open HTTP API for the load tool, and history and recovery forced on for
# every channel (the fair comparison for a server that replays). Sourced.
centrifugo_config() {
	cat >"$2" <<JSON
{
  "http_server": {"port": $1},
  "log": {"level": "error"},
  "client": {"insecure": true, "allowed_origins": ["*"]},
  "http_api": {"insecure": true},
  "uni_sse": {"enabled": true},
  "health": {"enabled": true},
  "channel": {"without_namespace": {"history_size": 100, "history_ttl": "300s", "force_recovery": true}}
}
JSON
}
