#!/usr/bin/env bash
# make demo: a real gordon on this machine. It starts a local IRC server
# (Debian's ngircd) on 127.0.0.1, then gordon joined to #fleet, and tells
# you how to talk to it. Ctrl-C stops both. Everything lives in ./demo.
set -euo pipefail
cd "$(dirname "$0")/.."

IRC_PORT=${DEMO_IRC_PORT:-6667}
HTTP_PORT=${DEMO_HTTP_PORT:-9090}
DIR=$PWD/demo
mkdir -p "$DIR"

ngircd=$(command -v ngircd || echo /usr/sbin/ngircd)
if [ ! -x "$ngircd" ]; then
	echo "ngircd is missing: apt-get install -y ngircd" >&2
	exit 1
fi

cat >"$DIR/ngircd.conf" <<CONF
[Global]
	Name = irc.demo
	Info = gordon demo
	Listen = 127.0.0.1
	Ports = $IRC_PORT
	MotdPhrase = "gordon demo: join #fleet and say !help"
$( [ "$(id -u)" = 0 ] && printf '\tServerUID = nobody\n\tServerGID = nogroup\n' )
[Limits]
	MaxConnectionsIP = 0
	MaxNickLength = 30
[Options]
	PAM = no
	Ident = no
	DNS = no
CONF

# ngircd tracks no accounts, so hostmasks decide who is a maintainer: here
# everyone on this machine is one.
cat >"$DIR/gordon.toml" <<CONF
[irc]
server = "127.0.0.1:$IRC_PORT"
nick = "gordon"
channels = ["#fleet"]
flood_interval = "500ms"

[[maintainers]]
name = "you"
hostmasks = ["*!*@127.0.0.1", "*!*@localhost"]

[store]
path = "$DIR/gordon.db"

[http]
listen = "127.0.0.1:$HTTP_PORT"
CONF

pids=()
stop() {
	trap - INT TERM EXIT
	# gordon first, so it can say goodbye on IRC; then the IRC server.
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill "${pids[i]}" 2>/dev/null || true
		wait "${pids[i]}" 2>/dev/null || true
	done
	echo "demo stopped"
}
trap stop INT TERM EXIT

"$ngircd" --nodaemon --config "$DIR/ngircd.conf" >"$DIR/ngircd.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	(exec 3<>/dev/tcp/127.0.0.1/"$IRC_PORT") 2>/dev/null && break
	sleep 0.1
done

./bin/gordon run -config "$DIR/gordon.toml" 2>"$DIR/gordon.log" &
pids+=($!)
for _ in $(seq 50); do
	curl -fs "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1 && break
	sleep 0.1
done

cat <<TEXT

gordon is on IRC at 127.0.0.1:$IRC_PORT in #fleet.

Talk to it from any IRC client, for example:
    irssi -c 127.0.0.1 -p $IRC_PORT -n ${USER:-you}      then   /join #fleet   and   !help
    weechat, hexchat: server 127.0.0.1/$IRC_PORT, no TLS
In the channel: !help, !whoami, !version, or "gordon: help".
In private:     /msg gordon help

No IRC client? Plain bash can say one line and show what comes back:
    bash -c 'exec 3<>/dev/tcp/127.0.0.1/$IRC_PORT; printf "NICK you\\r\\nUSER you 0 * :you\\r\\nJOIN #fleet\\r\\n" >&3; sleep 1; printf "PRIVMSG #fleet :!whoami\\r\\n" >&3; timeout 8 cat <&3 | grep PRIVMSG'

Health: curl http://127.0.0.1:$HTTP_PORT/readyz    metrics: /metrics
Logs:   demo/gordon.log, demo/ngircd.log
Stop:   Ctrl-C
TEXT

wait -n "${pids[@]}"
