#!/usr/bin/env bash
# Start or stop a TPM 2.0 simulator (swtpm) on loopback TCP for the demo and
# the tests.
#   scripts/swtpm.sh start STATE_DIR   prints the TCTI string, e.g.
#                                      swtpm:host=127.0.0.1,port=2321
#   scripts/swtpm.sh stop STATE_DIR    stops the swtpm started for STATE_DIR
#   scripts/swtpm.sh tcti STATE_DIR    prints the TCTI string of a running one
# The TPM state (and so its seeds: the same primary AK each time) lives in
# STATE_DIR/tpm; swtpm.pid and swtpm.port sit beside it. Ports are picked
# from a random starting point until a pair (server, server+1 for control)
# binds, so parallel tests do not collide. Exit 77 if swtpm is not installed
# (tests turn that into a skip), 1 if it would not start.
set -euo pipefail

usage() {
	echo "usage: $0 start|stop|tcti STATE_DIR" >&2
	exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2

tcti_of() {
	echo "swtpm:host=127.0.0.1,port=$(cat "$dir/swtpm.port")"
}

alive() {
	[ -f "$dir/swtpm.pid" ] && kill -0 "$(cat "$dir/swtpm.pid")" 2>/dev/null
}

start() {
	if ! command -v swtpm >/dev/null 2>&1; then
		echo "swtpm.sh: swtpm is not installed (apt-get install swtpm)" >&2
		exit 77
	fi
	mkdir -p "$dir/tpm"
	if alive; then
		tcti_of
		return 0
	fi
	rm -f "$dir/swtpm.pid" "$dir/swtpm.port"
	local base=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
	local port
	for i in $(seq 0 40); do
		port=$((base + 2 * i))
		# swtpm binds both sockets before daemonising, so a taken port
		# makes this command fail and we move on.
		if swtpm socket --tpm2 --tpmstate "dir=$dir/tpm" \
			--server "type=tcp,port=$port,bindaddr=127.0.0.1" \
			--ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
			--flags not-need-init,startup-clear \
			--pid "file=$dir/swtpm.pid" --log "file=$dir/swtpm.log" \
			--daemon 2>>"$dir/swtpm.log"; then
			# The pid file appears once the daemon is up.
			for _ in $(seq 1 50); do
				[ -s "$dir/swtpm.pid" ] && break
				sleep 0.1
			done
			if alive; then
				echo "$port" >"$dir/swtpm.port"
				tcti_of
				return 0
			fi
		fi
	done
	echo "swtpm.sh: could not start swtpm (see $dir/swtpm.log)" >&2
	exit 1
}

stop() {
	if alive; then
		local pid
		pid=$(cat "$dir/swtpm.pid")
		kill "$pid"
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	rm -f "$dir/swtpm.pid" "$dir/swtpm.port"
}

case $cmd in
start) start ;;
stop) stop ;;
tcti)
	alive || { echo "swtpm.sh: no swtpm running for $dir" >&2; exit 1; }
	tcti_of
	;;
*) usage ;;
esac
