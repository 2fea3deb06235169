# Shared by bench/compare and bench/window: start SSH tunnels on loopback and take them down again.
# Sourced, not run. Expects: ROOT, WORK, PIDS (array), ALKNET (array), log(), free_port(), wait_port(), kill_tree().
#
# A tunnel is a local SOCKS5 port backed by an SSH client talking to an SSH server. Clients: `alknet connect` or
# OpenSSH `ssh -N -D`. Servers: `alknet serve` or OpenSSH `sshd`. Every combination works; each start_* prints the
# port it listens on and leaves its pid in a global (SERVER_PID, CLIENT_PID).

# Keys and config shared by every tunnel of one run: one ed25519 host key, one ed25519 user key.
tunnel_keys() {
  TUNNEL_DIR="$WORK/tunnel"
  [ -f "$TUNNEL_DIR/hk" ] && return 0
  mkdir -p "$TUNNEL_DIR"
  mkdir -p /run/sshd 2>/dev/null || true
  ssh-keygen -q -t ed25519 -N '' -C bench-host -f "$TUNNEL_DIR/hk"
  ssh-keygen -q -t ed25519 -N '' -C bench-user -f "$TUNNEL_DIR/id"
  cp "$TUNNEL_DIR/id.pub" "$TUNNEL_DIR/authorized_keys"
  : >"$TUNNEL_DIR/known_hosts"
}

# known_host PORT: trust the run's host key at [127.0.0.1]:PORT (for both ssh and alknet connect).
known_host() {
  echo "[127.0.0.1]:$1 $(cut -d' ' -f1,2 "$TUNNEL_DIR/hk.pub")" >>"$TUNNEL_DIR/known_hosts"
}

# start_alknet_serve PORT CIPHER [extra env…]: `alknet serve` on 127.0.0.1:PORT restricted to CIPHER.
start_alknet_serve() {
  local port=$1 cipher=$2; shift 2
  env "$@" "${ALKNET[@]}" serve --listen "127.0.0.1:$port" --host-key "$TUNNEL_DIR/hk" \
      --authorized-keys "$TUNNEL_DIR/authorized_keys" --ciphers "$cipher" --kex curve25519-sha256 \
      --max-channels-per-session 0 --max-connections-per-ip 0 --keepalive-interval 0 --log-level Information \
      >"$WORK/serve-$port.log" 2>&1 &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_port "$port" "$SERVER_PID" "alknet serve" "$WORK/serve-$port.log"
}

# start_sshd PORT CIPHER: OpenSSH sshd on 127.0.0.1:PORT (ssh-interop.md §6: absolute path, /run/sshd, UsePAM no as root).
start_sshd() {
  local port=$1 cipher=$2 conf="$WORK/sshd-$1.conf"
  cat >"$conf" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $TUNNEL_DIR/hk
PidFile none
AuthorizedKeysFile $TUNNEL_DIR/authorized_keys
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM $([ "$(id -u)" = 0 ] && echo no || echo yes)
AllowTcpForwarding yes
MaxSessions 100000
MaxStartups 1000
Ciphers $cipher
KexAlgorithms curve25519-sha256
ClientAliveInterval 0
LogLevel ERROR
EOF
  /usr/sbin/sshd -f "$conf" -D -e >"$WORK/sshd-$port.log" 2>&1 &
  SERVER_PID=$!; PIDS+=("$SERVER_PID")
  wait_port "$port" "$SERVER_PID" sshd "$WORK/sshd-$port.log"
}

# start_alknet_connect SOCKS_PORT SERVER_PORT CIPHER [extra env…]: waits until the session is up, not only the port.
start_alknet_connect() {
  local socks=$1 server=$2 cipher=$3 logfile="$WORK/connect-$1.log" i; shift 3
  known_host "$server"
  env "$@" "${ALKNET[@]}" connect --server "127.0.0.1:$server" --user "$(id -un)" -i "$TUNNEL_DIR/id" \
      --known-hosts "$TUNNEL_DIR/known_hosts" --socks5 "127.0.0.1:$socks" --ciphers "$cipher" --kex curve25519-sha256 \
      --keepalive-interval 0 --log-level Information >"$logfile" 2>&1 &
  CLIENT_PID=$!; PIDS+=("$CLIENT_PID")
  for i in $(seq 200); do
    grep -q 'session up' "$logfile" 2>/dev/null && return 0
    kill -0 "$CLIENT_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "alknet connect did not bring its session up"; tail -n 20 "$logfile" >&2 || true
  return 1
}

# start_ssh_d SOCKS_PORT SERVER_PORT CIPHER: OpenSSH ssh -N -D; waits for the SOCKS port.
start_ssh_d() {
  local socks=$1 server=$2 cipher=$3
  known_host "$server"
  ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$TUNNEL_DIR/known_hosts" \
      -o IdentitiesOnly=yes -o IdentityAgent=none -o UpdateHostKeys=no -o ControlPath=none -o ServerAliveInterval=0 \
      -o KexAlgorithms=curve25519-sha256 -i "$TUNNEL_DIR/id" -c "$cipher" -E "$WORK/ssh-$socks.log" \
      -N -D "127.0.0.1:$socks" -p "$server" -l "$(id -un)" 127.0.0.1 &
  CLIENT_PID=$!; PIDS+=("$CLIENT_PID")
  wait_port "$socks" "$CLIENT_PID" "ssh -D" "$WORK/ssh-$socks.log"
}

# start_tunnel CLIENT SERVER CIPHER SOCKS_PORT [extra env for alknet…]: CLIENT is alknet|openssh, SERVER alknet|openssh.
# The client connects to TUNNEL_VIA (a delay link's port) instead of the server's when that is set.
start_tunnel() {
  local client=$1 server=$2 cipher=$3 socks=$4 sport; shift 4
  tunnel_keys
  sport=$(free_port)
  if [ "$server" = alknet ]; then start_alknet_serve "$sport" "$cipher" "$@" || return 1
  else start_sshd "$sport" "$cipher" || return 1; fi
  TUNNEL_SERVER_PID=$SERVER_PID
  local target=$sport
  if [ -n "${TUNNEL_DELAY_MS:-}" ] && [ "$TUNNEL_DELAY_MS" != 0 ]; then
    target=$(free_port)
    "${LOADGEN[@]}" delay --listen "127.0.0.1:$target" --target "127.0.0.1:$sport" --delay-ms "$TUNNEL_DELAY_MS" >"$WORK/delay-$target.log" 2>&1 &
    TUNNEL_DELAY_PID=$!; PIDS+=("$TUNNEL_DELAY_PID")
    wait_port "$target" "$TUNNEL_DELAY_PID" "delay link" "$WORK/delay-$target.log" || return 1
  else
    TUNNEL_DELAY_PID=""
  fi
  if [ "$client" = alknet ]; then start_alknet_connect "$socks" "$target" "$cipher" "$@" || return 1
  else start_ssh_d "$socks" "$target" "$cipher" || return 1; fi
  TUNNEL_CLIENT_PID=$CLIENT_PID
}

stop_tunnel() {
  [ -n "${TUNNEL_CLIENT_PID:-}" ] && kill_tree "$TUNNEL_CLIENT_PID"
  [ -n "${TUNNEL_DELAY_PID:-}" ] && kill_tree "$TUNNEL_DELAY_PID"
  [ -n "${TUNNEL_SERVER_PID:-}" ] && kill_tree "$TUNNEL_SERVER_PID"
  TUNNEL_CLIENT_PID=""; TUNNEL_DELAY_PID=""; TUNNEL_SERVER_PID=""
  sleep 0.3
}
