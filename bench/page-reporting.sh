# Free page reporting, for the macro benchmarks (sourced by load.sh, profile.sh and soak.sh).
#
# A virtual machine with free page reporting (virtio-balloon's F_REPORTING, Linux's page_reporting) hands the memory
# it frees back to its host, and the first write to such a page afterwards faults in the host. A logging mode that
# writes its stdout to a file fills new page-cache pages at 100 MB/s or more, so on such a VM it pays the host for
# every page, and how much depends on what the previous run freed: on the machine of docs/performance.md the same
# mode cost 21.0 or 26.3 µs of CPU per request depending on the order of the runs. That is the hypervisor's cost,
# not the pipeline's.
#
# PAGE_REPORTING=off (as root) stops the reporting for the run and touches all but 1 GB of the available memory
# once (PRETOUCH_MB sets how much), so that the runs get pages the host already backs; the previous setting is
# restored on exit. Left unset, the machine is measured as it is, and the state is printed either way.

PAGE_REPORTING_ORDER=/sys/module/page_reporting/parameters/page_reporting_order
PAGE_REPORTING_SAVED=""

page_reporting_state() {
  if [ ! -r "$PAGE_REPORTING_ORDER" ]; then
    echo "free page reporting: not present"
  elif [ "$(cat "$PAGE_REPORTING_ORDER")" -gt 10 ]; then
    echo "free page reporting: off"
  else
    echo "free page reporting: on (blocks of order $(cat "$PAGE_REPORTING_ORDER") and up)"
  fi
}

page_reporting_prepare() {
  case ${PAGE_REPORTING:-} in
    off) ;;
    "") return 0 ;;
    *) echo "PAGE_REPORTING is '$PAGE_REPORTING'; it can only be 'off' (or unset, to measure the machine as it is)" >&2; return 1 ;;
  esac
  [ -w "$PAGE_REPORTING_ORDER" ] || { echo "PAGE_REPORTING=off needs root and $PAGE_REPORTING_ORDER" >&2; return 1; }
  PAGE_REPORTING_SAVED=$(cat "$PAGE_REPORTING_ORDER")
  # Above the largest page order nothing is reported; kernels that refuse that value take the largest order.
  echo 11 >"$PAGE_REPORTING_ORDER" 2>/dev/null || echo 10 >"$PAGE_REPORTING_ORDER"
  # The kernel does not prefer pages the host already backs, so nearly all free memory is touched: read from
  # /dev/zero into one buffer of that size (anonymous memory, freed again when dd exits).
  local touch_mb
  touch_mb=${PRETOUCH_MB:-$(awk '/MemAvailable/ {print int($2 / 1024) - 1024}' /proc/meminfo)}
  [ "$touch_mb" -gt 0 ] && dd if=/dev/zero of=/dev/null bs="${touch_mb}M" count=1 iflag=fullblock status=none
  echo "free page reporting turned off for the run; $touch_mb MB touched once" >&2
}

page_reporting_restore() {
  [ -n "$PAGE_REPORTING_SAVED" ] && echo "$PAGE_REPORTING_SAVED" >"$PAGE_REPORTING_ORDER" 2>/dev/null
  PAGE_REPORTING_SAVED=""
  return 0
}
