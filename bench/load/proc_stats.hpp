// What /proc says about a process: CPU time (utime + stime of /proc/PID/stat) and
// resident memory (VmRSS of /proc/PID/status). CPU time has the kernel's tick
// resolution (10 ms at USER_HZ 100), so measure over seconds, not milliseconds.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace parley::load {

struct ProcSample {
    bool ok = false;
    std::int64_t cpu_ns = 0;     // user + system
    std::int64_t rss_bytes = 0;
    std::int64_t at_ns = 0;      // monotonic time of the sample
};

ProcSample sample_process(pid_t pid);
// This process (getrusage, microsecond resolution), for the generator's own cost.
ProcSample sample_self();

// CPU use between two samples, in % of one core.
double cpu_percent(const ProcSample& a, const ProcSample& b);

}  // namespace parley::load
