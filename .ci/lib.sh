# shellcheck shell=bash
# Helpers for .ci/run (sourced, not run): lanes and their timing, packages, Xvfb, the keyring
# session, cleanup, the summary.
# Each lane runs in its own subshell with `set -e`; what a helper starts is stopped by
# `cleanup` when that subshell exits.

# The run's shared files: lane and install times, and every test binary's output (the summary
# counts its "test result:" lines). Set by .ci/run before the lanes.
: "${ci_state:?ci_state is set by .ci/run}"
# `lane` is the running lane's name (run_lane).
times_file=$ci_state/times
test_log=$ci_state/tests.log
: >"$test_log"
run_start=$SECONDS

# step NAME: a heading; the previous step of the lane gets its wall time printed first.
step_name="" step_start=0
step() {
  end_step
  step_name=$1 step_start=$SECONDS
  printf '\n== %s: %s (%s)\n' "${lane:?}" "$1" "$(date -u +%H:%M:%S)"
}
end_step() {
  [ -z "$step_name" ] || printf -- '-- %s: %d s\n' "$step_name" "$((SECONDS - step_start))"
  step_name=""
}

# run_lane NAME: the lane in its own subshell with `set -e` (a failed command is named) and its
# own cleanup; its wall time, CPU time and result go to the times file.
run_lane() {
  local lane=$1 start=$SECONDS cpu_start status=0
  cpu_start=$(children_cpu)
  printf '\n=== lane %s (%s)\n' "$lane" "$(date -u +%H:%M:%S)"
  set +e
  (
    set -eE
    trap 'echo "lane $lane failed at ${BASH_SOURCE[0]}:$LINENO: $BASH_COMMAND"' ERR
    trap 'end_step; cleanup' EXIT
    "lane_$lane"
  )
  status=$?
  set -e
  local result=ok
  [ "$status" -eq 0 ] || result="FAILED (exit $status)"
  local cpu=$(($(children_cpu) - cpu_start))
  printf '=== lane %s: %s, %d s (CPU %d s)\n' "$lane" "$result" "$((SECONDS - start))" "$cpu"
  printf 'lane %s %d %s %d\n' "$lane" "$((SECONDS - start))" "$status" "$cpu" >>"$times_file"
}
# children_cpu: seconds of CPU (user + system) used by this shell's finished children; with
# the wall time it shows how much a lane waited for a machine shared with other builds.
children_cpu() {
  local stat
  read -r -a stat <"/proc/$$/stat"
  echo $(((stat[15] + stat[16]) / $(getconf CLK_TCK)))
}

# minutes SECONDS: "4m 07s"
minutes() { printf '%dm %02ds' "$(($1 / 60))" "$(($1 % 60))"; }

# summary: the table of lane times, the one-time installs, then one plain closing line over
# every test binary's output; returns 1 if any lane failed.
summary() {
  local failed=0 kind name seconds status cpu result
  printf '\n=== summary\n'
  printf '%-10s %9s %9s  %s\n' lane wall CPU result
  while read -r kind name seconds status cpu; do
    [ "$kind" = lane ] || continue
    result=ok
    [ "$status" -eq 0 ] || { result=FAILED; failed=1; }
    printf '%-10s %9s %9s  %s\n' "$name" "$(minutes "$seconds")" "$(minutes "$cpu")" "$result"
  done <"$times_file"
  printf '%-10s %9s\n' total "$(minutes $((SECONDS - run_start)))"
  if grep -q '^install ' "$times_file"; then
    echo "one-time installs, inside the lane times above:"
    awk '$1 == "install" { printf "  %-24s %4d s\n", $2, $3 }' "$times_file"
  fi
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
       END { printf "tests: %d passed, %d failed\n", p, f }' "$test_log"
  return "$failed"
}

# record_install WHAT SECONDS: a one-time install, listed apart in the summary (a second run on
# the same machine skips it).
record_install() { printf 'install %s %s\n' "$1" "$2" >>"$times_file"; }

# need_packages PACKAGE...: installs with apt-get the Debian packages not installed yet.
need_packages() {
  local missing=() package start=$SECONDS
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  echo "apt-get install ${missing[*]}"
  # One `apt-get update` per run, whichever lane needs it first.
  if [ ! -e "$ci_state/apt-updated" ]; then
    apt-get update -qq
    touch "$ci_state/apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  record_install "apt-get(${lane})" "$((SECONDS - start))"
}

# Processes and folders to remove when the lane's subshell exits, however it exits.
cleanup_pids=() cleanup_dirs=() wineprefix=""
cleanup() {
  local pid dir
  if [ -n "$wineprefix" ]; then
    WINEPREFIX="$wineprefix" /usr/lib/wine/wineserver -k 2>/dev/null || true
  fi
  for pid in "${cleanup_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for dir in "${cleanup_dirs[@]}"; do rm -rf "$dir"; done
}
# scratch_dir VAR: a new temporary folder, its path stored in VAR; cleanup removes it.
scratch_dir() {
  local -n ref=$1
  ref=$(mktemp -d)
  cleanup_dirs+=("$ref")
}

# start_xvfb: an X server on a free display (Xvfb picks it and writes its number to fd 3); sets
# `display` (":N") and `xvfb_pid`. cleanup stops it; `stop_xvfb` stops the latest one earlier.
start_xvfb() {
  local number_file
  number_file=$(mktemp)
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$number_file" >/dev/null 2>&1 &
  xvfb_pid=$!
  cleanup_pids+=("$xvfb_pid")
  for _ in $(seq 100); do
    [ -s "$number_file" ] && break
    sleep 0.1
  done
  display=":$(cat "$number_file")"
  rm -f "$number_file"
  [ "$display" != ":" ] || { echo "Xvfb did not start"; return 1; }
}
stop_xvfb() { kill "$xvfb_pid" 2>/dev/null || true; }

# keyring_session [VAR=VALUE...] -- COMMAND...: COMMAND in a fresh D-Bus session with
# gnome-keyring's Secret Service unlocked (password ci-pw) and its own kernel session keyring
# (keyutils' default session keyring refuses access), in a fresh XDG_DATA_HOME: a keyring file
# left from before under another password makes Secret Service hang with a DISPLAY set. No
# DISPLAY unless given as a VAR.
keyring_session() {
  local vars=() home status=0
  while [ "$1" != "--" ]; do vars+=("$1"); shift; done
  shift
  home=$(mktemp -d)
  mkdir -m700 "$home/run"
  env -u DISPLAY XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run" "${vars[@]}" \
    keyctl session - dbus-run-session -- sh -c \
    'echo -n ci-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' \
    keyring-session "$@" || status=$?
  rm -rf "$home"
  return "$status"
}

# fail MESSAGE [LOG]: prints the message (and the log), then ends the lane.
fail() {
  echo "$1"
  [ -z "${2:-}" ] || cat "$2"
  exit 1
}
