# Order statistics shared by bench/summarize.sh and bench/paired.sh (awk -f bench/stats.awk -f <program>).

function sorted_copy(list, n, sorted,    i, j, t) {
  for (i = 1; i <= n; i++) sorted[i] = list[i]
  for (i = 2; i <= n; i++) for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) { t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t }
}

function median(list, n,    sorted) {
  sorted_copy(list, n, sorted)
  return n % 2 ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
}

# The value at rank round((n - 1) * q) + 1 of the sorted list: q = 0.25 and 0.75 give the quartiles.
function quartile(list, n, q,    sorted) {
  sorted_copy(list, n, sorted)
  return sorted[int((n - 1) * q + 1.5)]
}
