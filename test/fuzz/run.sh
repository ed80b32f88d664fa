#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Run one libFuzzer target for a while, called by "make fuzz":
#
#   test/fuzz/run.sh NAME BIN WORKDIR SECONDS JOBS DICT SEED...
#
# The seeds (files or directories) are copied into WORKDIR/corpus/NAME,
# which is the working corpus: it grows from run to run and the repository
# is never written.  A crash, leak, timeout or sanitizer report leaves its
# input in WORKDIR/crashes/NAME-* and makes this exit 1 with the report and
# the command that reproduces it; the full libFuzzer log is WORKDIR/NAME.log.
# JOBS > 1 runs that many workers on the shared corpus (libFuzzer -fork).
set -u

[ $# -ge 6 ] || { echo "usage: $0 NAME BIN WORKDIR SECONDS JOBS DICT SEED..." >&2; exit 2; }
name=$1 bin=$2 work=$3 secs=$4 jobs=$5 dict=$6
shift 6

die() { echo "test/fuzz/run.sh: $*" >&2; exit 1; }
[ -x "$bin" ] || die "$bin is not built"
mkdir -p "$work" || exit 1
bin=$(realpath "$bin") work=$(realpath "$work")
[ -z "$dict" ] || dict=$(realpath "$dict")
case $secs in ''|*[!0-9]*) die "FUZZ_TIME must be a number of seconds, not '$secs'" ;; esac
case $jobs in ''|*[!0-9]*) die "FUZZ_JOBS must be a number, not '$jobs'" ;; esac

corpus=$work/corpus/$name crashes=$work/crashes log=$work/$name.log
mkdir -p "$corpus" "$crashes" || exit 1
for s in "$@"; do
	if [ -d "$s" ]; then
		cp -n "$s"/* "$corpus"/ 2>/dev/null
	elif [ -f "$s" ]; then
		cp -n "$s" "$corpus"/
	fi
done
before=$(find "$corpus" -type f | wc -l)
# libFuzzer keeps every input that was ever new; past a few thousand, keep
# only those that still add coverage, so a run does not start by replaying
# all history.
if [ "$before" -gt "${FUZZ_CORPUS_MAX:-2000}" ]; then
	rm -rf "$corpus.merge" && mkdir -p "$corpus.merge" &&
		(cd "$work" && "$bin" -merge=1 -max_len=16384 "$corpus.merge" "$corpus" \
			>"$work/$name.merge.log" 2>&1) &&
		rm -rf "$corpus" && mv "$corpus.merge" "$corpus" ||
		die "$name: merging the corpus failed (see $work/$name.merge.log)"
	echo "  FUZZ    $name: corpus minimized, $before -> $(find "$corpus" -type f | wc -l) inputs"
	before=$(find "$corpus" -type f | wc -l)
fi

args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384
	-print_final_stats=1 -artifact_prefix="$crashes/$name-")
[ -n "$dict" ] && args+=(-dict="$dict")
[ "$jobs" -gt 1 ] && args+=(-fork="$jobs")

stamp=$work/.start-$name
: >"$stamp"
printf '  %-7s %s\n' FUZZ "$name: ${secs}s, corpus $before inputs${dict:+, dict $(basename "$dict")}"
# UBSan's checks are built not to recover; print where they fire.  libFuzzer
# turns every sanitizer report into a crash with a saved input.
(cd "$work" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
	"$bin" "${args[@]}" "$corpus" >"$log" 2>&1)
rc=$?

found=$(find "$crashes" -type f -name "$name-*" -newer "$stamp" | sort)
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
after=$(find "$corpus" -type f | wc -l)
# -fork prints no final stats; take its last progress line instead.
runs=$(stat number_of_executed_units)
[ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9][0-9]*\):* .*/\1/p' "$log" | tail -n 1)
rate=$(stat average_exec_per_sec)
[ -n "$rate" ] || rate=$(grep -oE 'exec/s:? [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+$')
cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
rss=$(stat peak_rss_mb)
printf '  %-7s %s\n' FUZZ "$name: ${runs:-?} runs (${rate:-?}/s), ${cov:-cov ?}, corpus $before -> $after, peak RSS ${rss:-?} MB"

if [ "$rc" = 0 ] && [ -z "$found" ]; then
	exit 0
fi
echo "--- $name: libFuzzer exited with status $rc; the report (full log: $log):" >&2
# libFuzzer stops at the first bug, so the report is the end of the log,
# from its first line on (not the coverage chatter before it).
awk '!on && /==ERROR|runtime error:|deadly signal|ALARM|out-of-memory|ERROR: libFuzzer/ { on = 1 }
	/^Shadow bytes around/ { skip = 1 }
	/==ABORTING/ { skip = 0 }
	on && !skip' "$log" | head -n 80 >&2
if [ -n "$found" ]; then
	echo "test/fuzz/run.sh: $name found a bug; the input that triggers it:" >&2
	for f in $found; do
		echo "  $f" >&2
	done
	set -- $found
	echo "reproduce:  $bin $1" >&2
	echo "keep it:    cp $1 test/fuzz/crashes-found/  (and report it)" >&2
else
	echo "test/fuzz/run.sh: $name: libFuzzer failed without saving an input (see $log)" >&2
fi
exit 1
