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

# A 95% confidence interval for the median that assumes nothing about the distribution, only that the values are
# independent draws: the k-th smallest and the k-th largest value, with k the largest rank for which fewer than k
# of n values fall below the median with probability at most 2.5% (the binomial distribution with p = 1/2). Sets
# bounds[1] and bounds[2] and returns 1; returns 0 when n is too small for any such interval (n < 6).
# The binomial terms are kept as logarithms: 0.5 ^ n is below the smallest double from n = 1075 windows on.
function median_interval(list, n, bounds,    sorted, log_p, below, k) {
  log_p = n * log(0.5); below = exp(log_p); k = 0
  while (k < n && below <= 0.025) {
    k++
    log_p += log(n - k + 1) - log(k)
    below += exp(log_p)
  }
  if (k == 0) return 0
  sorted_copy(list, n, sorted)
  bounds[1] = sorted[k]; bounds[2] = sorted[n - k + 1]
  return 1
}
