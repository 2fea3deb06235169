#!/usr/bin/env bash
# Runs Alknet's whole test suite: unit, protocol, in-memory and interop tests against real peers.
# Installs the peers the interop tests start (Debian packages) when they are missing, then runs dotnet test.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter Category=Allocation]
set -euo pipefail
cd "$(dirname "$0")/.."

# command → Debian package that provides it
declare -A peers=(
  [/usr/sbin/sshd]=openssh-server
  [ssh]=openssh-client
  [ssh-keygen]=openssh-client
  [curl]=curl
  [danted]=dante-server
  [microsocks]=microsocks
  [tinyproxy]=tinyproxy
  [nginx]=nginx-light
  [iperf3]=iperf3
  [proxychains4]=proxychains4
)
missing=()
for cmd in "${!peers[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "$cmd" ]; then
    missing+=("${peers[$cmd]}")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "test.sh: installing test peers: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: need root to install ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Package services must not start on install: the tests start their own instances on free loopback ports.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# sshd's privilege-separation directory.
mkdir -p /run/sshd 2>/dev/null || true

dotnet build Alknet.sln -c Release -nologo -clp:ErrorsOnly
dotnet test Alknet.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
