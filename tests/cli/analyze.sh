#!/usr/bin/env bash
# CLI tests of lyra analyze: a run's output directory, single files in
# each format lyra reads, the CSV/JSON outputs, and bad input with the
# documented exit codes (2 bad command line, 4 input missing, unreadable
# or malformed).
set -u
LYRA=${1:?usage: analyze.sh PATH_TO_LYRA}
. "$(dirname "$0")/lib.sh"

expect 0 "analyze --help" -- "$LYRA" analyze --help
contains out "Usage: lyra analyze" "analyze --help shows usage"
expect 2 "analyze without path" -- "$LYRA" analyze
expect 2 "analyze bad option" -- "$LYRA" analyze "$tmp" --bogus
expect 2 "analyze bad bin" -- "$LYRA" analyze "$tmp" --fano-bin abc
expect 4 "analyze missing path" -- "$LYRA" analyze "$tmp/nothing"
contains err "$tmp/nothing" "missing path is named"
expect 4 "analyze directory without spikes" -- "$LYRA" analyze "$tmp"
contains err "no spike files" "empty directory is explained"

out="$tmp/run"
expect 0 "run brunel 200 ms" -- "$LYRA" run examples/brunel.yaml \
  --duration 200 --out "$out" --quiet
expect 0 "analyze output directory" -- "$LYRA" analyze "$out" \
  --csv "$tmp/a.csv" --json "$tmp/a.json" --per-neuron "$tmp/n.csv" \
  --spectrum "$tmp/s.csv"
contains out "window (0, 200] ms" "window from run.json"
contains out "population" "table header"
contains a.csv "population,size,size_inferred" "CSV header"
contains a.csv "E,10000,0,0,200," "CSV row of E"
if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); \
  assert [p['population'] for p in d['populations']] == ['E','I']" \
  "$tmp/a.json"; then echo "ok   JSON parses"; else
  echo "FAIL JSON parses"; fails=$((fails + 1)); fi
rows=$(wc -l <"$tmp/n.csv")
[ "$rows" = 12501 ] && echo "ok   per-neuron CSV has every neuron" ||
  { echo "FAIL per-neuron rows $rows"; fails=$((fails + 1)); }
contains s.csv "E,500," "spectrum reaches 500 Hz"
ls "$tmp"/*.partial >/dev/null 2>&1 &&
  { echo "FAIL partial files left"; fails=$((fails + 1)); }

# One file of each text kind, and the binary file, give the same E row.
expect 0 "analyze binary file" -- "$LYRA" analyze "$out/E.spikes.lyspk" \
  --csv "$tmp/bin.csv" --quiet
expect 0 "analyze lyra text file" -- "$LYRA" analyze "$out/E.spikes.dat" \
  --csv "$tmp/txt.csv" --quiet
if cmp -s "$tmp/bin.csv" "$tmp/txt.csv"; then echo "ok   text = binary"
else echo "FAIL text and binary analyses differ"; fails=$((fails + 1)); fi
printf '# NEST version: 3.6\n# RecordingBackendASCII version: 2\nsender\ttime_ms\n1\t1.0\n2\t3.5\n1\t9.0\n1\t12.0\n' \
  >"$tmp/spike_recorder-5-0.dat"
expect 0 "analyze NEST 3 file" -- "$LYRA" analyze "$tmp/spike_recorder-5-0.dat"
contains out "spike_recorder-5" "NEST file's population named after it"
contains out "* size not in the file" "inferred size is flagged"

printf 'sender\ttime_ms\n1\tsoon\n' >"$tmp/bad.dat"
expect 4 "malformed text" -- "$LYRA" analyze "$tmp/bad.dat"
contains err "bad.dat:2: expected a spike time in ms, found 'soon'" \
  "text error names line and value"
head -c 30 "$out/E.spikes.lyspk" >"$tmp/cut.lyspk"
expect 4 "truncated binary" -- "$LYRA" analyze "$tmp/cut.lyspk"
contains err "cut.lyspk" "truncated file is named"
expect 4 "unwritable CSV" -- "$LYRA" analyze "$out" --csv /nonexistent/a.csv --quiet

# lyra report: one HTML file, everything embedded, nothing fetched.
expect 0 "report --help" -- "$LYRA" report --help
contains out "Usage: lyra report" "report --help shows usage"
expect 2 "report without path" -- "$LYRA" report
expect 4 "report of a missing path" -- "$LYRA" report "$tmp/nothing"
expect 0 "report of the output directory" -- "$LYRA" report "$out"
contains out "$out/report.html" "report says where it wrote"
contains run/report.html "<td>E</td><td>10000</td>" "report has the table"
contains run/report.html "simulated time (ms)</th><td>200" "report has the run summary"
n_img=$(grep -o "src='data:image/png;base64," "$out/report.html" | wc -l)
[ "$n_img" = 2 ] && echo "ok   report embeds raster and histograms" ||
  { echo "FAIL report embeds $n_img images"; fails=$((fails + 1)); }
if grep -qE "(src|href)=['\"](https?:|/|\.)" "$out/report.html"; then
  echo "FAIL report refers to other files"; fails=$((fails + 1))
else echo "ok   report is self-contained"; fi
expect 0 "report to a chosen file with a title" -- "$LYRA" report \
  "$out/E.spikes.lyspk" --out "$tmp/r.html" --title "E <only>" --t-start 50
contains r.html "<h1>E &lt;only&gt;</h1>" "title is escaped"
contains r.html "Window (50, 200] ms" "report window"
expect 4 "report not writable" -- "$LYRA" report "$out" --out /nonexistent/r.html

[ $fails -eq 0 ] && echo "all analyze tests passed" || echo "$fails failed"
exit $((fails > 0))
