# SPDX-License-Identifier: GPL-2.0
# FreeRADIUS for the RADIUS tests: Debian's freeradius with a copy of its
# own configuration, changed only where a test needs it (paths under $TMP,
# root, one client, the users below, a site that authenticates MS-CHAPv2 and
# writes accounting to detail files), and the radiusclient.conf kpptpd's
# pppd reads; the sessions of the tests (client, up, ...).  Source after
# lib.sh and kpptpd-lib.sh.

RADDB=$TMP/raddb
# pppd 2.4 (Debian 12): its radius.so writes Acct-Session-Id without the
# pid ("%lX", the time, "%hX": its slprintf() knows no l or h), and counts
# an administrator's SIGTERM as User-Request; 2.5 fixed both
PPPD24=$(pppd --version 2>&1 | grep -q 'version 2\.4' && echo 1 || true)
RADIUS_SECRET=kpptp-Radius-S3cret
RADACCT=$TMP/radacct
DETAIL=$KPPTP_SRC/tests/tools/radius-detail.py

# radius_users: the users file (FreeRADIUS's "files" module) on stdin
radius_users() { cat >"$RADDB/mods-config/files/authorize"; }

# radius_setup: the server's configuration in $RADDB (users: radius_users)
radius_setup() {
	rm -rf "$RADDB"
	cp -a /etc/freeradius/3.0 "$RADDB"
	# our paths; root's files (the test runs as root, freerad may not
	# read $TMP); eap needs certificates nobody made and no test uses
	sed -i -e "s|^logdir = .*|logdir = $TMP/radlog|" \
		-e "s|^radacctdir = .*|radacctdir = $RADACCT|" \
		-e "s|^run_dir = .*|run_dir = $TMP/radrun|" \
		-e '/^\s*user = freerad/d' -e '/^\s*group = freerad/d' \
		"$RADDB/radiusd.conf"
	mkdir -p "$TMP/radlog" "$TMP/radrun" "$RADACCT"
	rm -f "$RADDB/mods-enabled/eap" "$RADDB/sites-enabled/"*
	cat >"$RADDB/clients.conf" <<EOF
client kpptpd {
	ipaddr = 127.0.0.1
	secret = $RADIUS_SECRET
}
EOF
	cat >"$RADDB/sites-enabled/kpptp" <<'EOF'
server kpptp {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = 1812
	}
	listen {
		type = acct
		ipaddr = 127.0.0.1
		port = 1813
	}
	authorize {
		preprocess
		mschap
		files
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type MS-CHAP {
			mschap
		}
		mschap
	}
	preacct {
		preprocess
		acct_unique
	}
	accounting {
		detail
	}
	post-auth {
		Post-Auth-Type REJECT {
			attr_filter.access_reject
		}
	}
}
EOF
}

# radius_start WRAPPER: FreeRADIUS in the foreground (-X: every request in
# its log, $TMP/radiusd.log), listening on 127.0.0.1 in that namespace
radius_start() {
	"$1" freeradius -X -d "$RADDB" >"$TMP/radiusd.log" 2>&1 &
	wait_for "grep -q 'Ready to process requests' '$TMP/radiusd.log'" 60 || {
		tail -n 30 "$TMP/radiusd.log"
		fail "FreeRADIUS did not start"
	}
}

# radius_client_conf: radiusclient.conf for radius.so, to stdout: the
# example kpptpd installs, its paths moved to $TMP and the tree
radius_client_conf() {
	install -m 600 /dev/null "$TMP/radius-servers"
	echo "127.0.0.1 $RADIUS_SECRET" >"$TMP/radius-servers"
	sed -e "s|/etc/kpptpd/radius-servers|$TMP/radius-servers|" \
		-e "s|/usr/share/kpptpd/radius/dictionary|$KPPTP_SRC/packaging/radius/dictionary|" \
		-e "s|/run/kpptpd/radius.seq|$TMP/radius.seq|" \
		"$KPPTP_SRC/packaging/radius/radiusclient.conf"
}

# radius_verdicts: "USER Access-Accept|Access-Reject" per authentication
# request FreeRADIUS answered, from its -X log ("(N) " starts each line)
radius_verdicts() {
	awk '$1 ~ /^\([0-9]+\)$/ && $2 == "User-Name" && $3 == "=" { u[$1] = $4 }
	     $1 ~ /^\([0-9]+\)$/ && $2 == "Sent" && $3 ~ /^Access-/ { gsub(/"/, "", u[$1]); print u[$1], $3 }' \
		"$TMP/radiusd.log"
}

# acct FILTER... : the accounting records matching ATTR=VALUE filters (JSON)
acct() { python3 "$DETAIL" "$RADACCT" "$@"; }

# acct_count FILTER...: how many
acct_count() { acct "$@" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# acct_get ATTR FILTER...: ATTR of the last matching record
acct_get() {
	local a=$1
	shift
	acct "$@" | python3 -c 'import json,sys; r = json.load(sys.stdin); print(r[-1].get(sys.argv[1], "") if r else "")' "$a"
}

# ---- the sessions: pptp-linux clients in n1 of kpptpd in n2 (10.0.0.2),
# MS-CHAPv2 + MPPE-128, users from RADIUS

kctl() { n2 "$CTL" -S "$TMP/kpptpd.sock" "$@"; }

# client TAG USER PASSWORD [pppd options]: started, and PPP under way
client() {
	local tag=$1 user=$2 pass=$3
	shift 3
	start_mppe_client n1 10.0.0.2 "$tag" name "$user" password "$pass" \
		remotename kpptpd require-mppe-128 refuse-eap refuse-pap \
		refuse-chap refuse-mschap noipv6 "$@"
	# pptp-linux's clients of one server share a call manager, which
	# two starting at once both try to be
	wait_for "grep -q 'rcvd \\[LCP ConfReq' '$TMP/client-$tag.log'" 60 ||
		kpptpd_fail "client $tag: no PPP from the server"
}
# client_if TAG: the client's interface (pppd logs its name)
client_if() { sed -nE 's/.*Using interface (ppp[0-9]+).*/\1/p' "$TMP/client-$1.log" | tail -n 1; }
# server_if REMOTE: the server's interface whose peer is REMOTE
server_if() {
	n2 ip -4 -o addr show | awk -v p="peer $1/32" '$0 ~ p { print $2; exit }'
}
client_pid() { pgrep -f "pppd pty pptp 10.0.0.2 .*ipparam $1 " || true; }
# up TAG ADDR: TAG's link came up with ADDR, from RADIUS; the server's
# interface, ppp<call ID>, in $sif and the call in $sid
up() {
	local cif
	wait_for "[ -n \"\$(client_if $1)\" ] && n1 ip -4 -o addr show dev \$(client_if $1) 2>/dev/null | grep -q 'inet $2 '" 90 ||
		kpptpd_fail "$1 did not come up with $2"
	cif=$(client_if "$1")
	wait_link n1 "$cif" 192.168.200.1 30 || kpptpd_fail "$1: $cif not usable"
	sif=$(server_if "$2")
	[[ $sif == ppp[0-9]* ]] || kpptpd_fail "$1: no server interface for $2"
	sid=${sif#ppp}
	n2 "$CTL" call show id "$sid" >/dev/null || kpptpd_fail "$1: $sif is not named after a call (no call $sid)"
}
