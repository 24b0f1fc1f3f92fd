#!/usr/bin/env bash
# make demo: a real gordon on this machine. It starts a local IRC server
# (Debian's ngircd), a real Consul dev agent holding a demo fleet of 24
# nodes, the Jenkins simulator, then gordon joined to #fleet, and tells you
# how to talk to it. Ctrl-C stops them all. Everything lives in ./demo.
set -euo pipefail
cd "$(dirname "$0")/.."

IRC_PORT=${DEMO_IRC_PORT:-6667}
HTTP_PORT=${DEMO_HTTP_PORT:-9090}
CONSUL_PORT=${DEMO_CONSUL_PORT:-18500}   # and the three after it
JENKINS_PORT=${DEMO_JENKINS_PORT:-18080}
GITHUB_PORT=${DEMO_GITHUB_PORT:-18081}
export JENKINS_TOKEN=demo-token
export GITHUB_TOKEN=demo-github-token
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
timezone = "UTC"

[irc]
server = "127.0.0.1:$IRC_PORT"
nick = "gordon"
channels = ["#fleet"]
flood_interval = "500ms"

[consul]
address = "127.0.0.1:$CONSUL_PORT"

# The demo nodes are catalog entries with no agent of their own: maint and
# upgrades keep maintenance in gordon's record, refused at once here.
[consul.maint]
agent_url = "http://127.0.0.1:1"

[alerts]
debounce = "5s"

# Upgrades "install" a version by writing it into the node's metadata.
[upgrade]
settle = "2s"
poll = "500ms"

[upgrade.command]
argv = ["$PWD/scripts/demo-upgrade-docker", "127.0.0.1:$CONSUL_PORT", "{{.Node}}", "{{.Version}}"]

[upgrade.rc]
repo = "docker/docker"

[upgrade.master]
repo = "docker/docker"
url = "http://127.0.0.1:$GITHUB_PORT/builds/docker-{{.SHA}}.tgz"

[github]
api_url = "http://127.0.0.1:$GITHUB_PORT/"
token = "\${GITHUB_TOKEN}"

[[schedules]]
name = "hourly-rc-plan"
cron = "0 * * * *"
command = "upgrade rc storage=overlay2 --dry-run"
channel = "#fleet"
as = "you"

[jenkins]
url = "http://127.0.0.1:$JENKINS_PORT"
user = "gordon"
token = "\${JENKINS_TOKEN}"
pr_jobs = ["docker-pr", "docker-pr-experimental"]

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

# A real Consul agent in dev mode: all state in memory, loopback only.
./bin/consul agent -dev -node demo-consul -bind 127.0.0.1 -client 127.0.0.1 \
	-http-port "$CONSUL_PORT" -server-port $((CONSUL_PORT + 1)) \
	-serf-lan-port $((CONSUL_PORT + 2)) -serf-wan-port $((CONSUL_PORT + 3)) \
	-dns-port -1 -grpc-port -1 -grpc-tls-port -1 -log-level warn >"$DIR/consul.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	leader=$(curl -fs "http://127.0.0.1:$CONSUL_PORT/v1/status/leader" 2>/dev/null || true)
	[ -n "$leader" ] && [ "$leader" != '""' ] && break
	sleep 0.1
done
./bin/demo-fleet -consul "127.0.0.1:$CONSUL_PORT" >"$DIR/demo-fleet.log"

# The Jenkins simulator, with an agent for every demo node.
./bin/jenkins-sim -addr "127.0.0.1:$JENKINS_PORT" -nodes "$(./bin/demo-fleet -list)" \
	>"$DIR/jenkins-sim.log" 2>&1 &
pids+=($!)

# A GitHub stand-in: a release and a newer release candidate for upgrade rc.
./bin/github-sim -addr "127.0.0.1:$GITHUB_PORT" -repo docker/docker -release v18.09.2 -rc v19.03.0-rc3 \
	>"$DIR/github-sim.log" 2>&1 &
pids+=($!)

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
The demo fleet: !nodes, !nodes unhealthy storage=devmapper by kernel,
                !node dm-14, !nodes by storage, !nodes tag=gpu
The simulated Jenkins: !rebuild 1234 on dm-3 (gordon reports the start
                and, 90 s later, the end), !builds, !cancel docker-pr <number>
Maintenance:    !maint dm-3 on "disk swap", !nodes maint, !maint dm-3 off
Alerts:         ./bin/demo-fleet -consul 127.0.0.1:$CONSUL_PORT -fail dm-2,dm-6,dm-10
                gives one grouped line 5 s later (-pass dm-2,dm-6,dm-10 to recover);
                !silence dm-2 1h "known", !silences
Upgrades:       !upgrade rc storage=overlay2 --dry-run, !upgrade rc storage=overlay2, then !confirm <token>;
                !upgrade status, !upgrade pause | resume | abort; !schedules

No IRC client? Plain bash can say one line and show what comes back:
    bash -c 'exec 3<>/dev/tcp/127.0.0.1/$IRC_PORT; printf "NICK you\\r\\nUSER you 0 * :you\\r\\nJOIN #fleet\\r\\n" >&3; sleep 1; printf "PRIVMSG #fleet :!whoami\\r\\n" >&3; timeout 8 cat <&3 | grep PRIVMSG'

Health: curl http://127.0.0.1:$HTTP_PORT/readyz    metrics: /metrics
Consul UI/API: http://127.0.0.1:$CONSUL_PORT   Jenkins simulator: http://127.0.0.1:$JENKINS_PORT
Logs:   demo/*.log
Stop:   Ctrl-C
TEXT

wait -n "${pids[@]}"
