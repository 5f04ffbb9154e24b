# perf-classify.awk -- buckets `perf script -F comm,tid,ip,sym,dso` samples of one process by where the CPU went:
# kernel time by syscall (sendmsg, recvmsg, fsync, pwrite64, ...) and user time by owner (sqlite, crypto, gc, ...),
# main thread vs other threads. Usage: perf script ... | awk -v pid=<main tid> -f perf-classify.awk
function flush() {
  if (!n) return
  total++
  cat = ""
  sys = ""
  for (i = 1; i <= n; i++) { if (match(f[i], /(__x64_sys_|__sys_|ksys_|__do_sys_)[a-z0-9_]+/)) { sys = substr(f[i], RSTART, RLENGTH); sub(/^(__x64_sys_|__sys_|ksys_|__do_sys_)/, "", sys); break } }
  owner = "js/v8/node other"
  for (i = 1; i <= n; i++) {
    if (f[i] ~ /better_sqlite3\.node/) { owner = "sqlite (better-sqlite3)"; break }
    if (f[i] ~ /(ossl_|EVP_|OPENSSL_|node::crypto|HMAC|MD5|md5)/) { owner = "crypto (openssl+node wrappers)"; break }
    if (f[i] ~ /(Scavenger|Heap::|MarkCompact|Sweeper|GCTracer|ConcurrentMarking|v8::internal::MinorM)/) { owner = "gc"; break }
    if (f[i] ~ /(UDPWrap::DoSend|uv_udp_send|uv__udp_sendmsg|uv_udp_try_send|SendWrap)/) { owner = "udp send path"; break }
    if (f[i] ~ /(UDPWrap::OnRecv|uv__udp_recv|uv__udp_io)/ && i <= 3) { owner = "udp recv path"; break }
  }
  if (tid != pid) owner = "other threads: " owner
  if (sys != "") cat = "kernel " sys " / " owner
  else if (f[1] ~ /kernel\.kallsyms/) cat = "kernel (irq/softirq/sched) / " owner
  else cat = "user / " owner
  c[cat]++
  n = 0
}
/^[^ \t]/ { flush(); tid = $NF; next }
/^\s*$/ { next }
{ n++; f[n] = $0 }
END { flush(); for (k in c) printf "%6.1f%%  %s\n", 100*c[k]/total, k | "sort -rn"; }
