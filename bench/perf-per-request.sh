# perf samples as µs of CPU per request, shared by bench/profile.sh and bench/peers/run.sh (sourced).
# perf_per_request DATA SORT FREQUENCY RPS SECONDS: the samples of perf.data DATA summed by SORT (perf report's
# --sort keys, e.g. comm,dso or dso,sym), as samples / FREQUENCY / (RPS × SECONDS sampled) × 10^6, largest first,
# with a "(total)" line. Thread ids and addresses are folded away, so that the same code on two threads is one row.
perf_per_request() {
  perf report -i "$1" --no-children -g none --sort "$2" --stdio -n 2>/dev/null |
    awk -v f="$3" -v r="$4" -v s="$5" '
      /^#/ || NF < 3 { next }
      { n = $2; $1 = ""; $2 = ""; key = $0
        gsub(/tid [0-9]+/, "", key); gsub(/0x[0-9a-f]+/, "0x?", key); gsub(/^ +| +$/, "", key); gsub(/  +/, " ", key)
        us[key] += n / f / (r * s) * 1e6; total += n / f / (r * s) * 1e6 }
      END { for (k in us) printf "%8.3f  %s\n", us[k], k; printf "%8.3f  (total)\n", total }' |
    sort -rn
}
