#include "proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "clock.hpp"

namespace parley::load {

ProcSample sample_process(pid_t pid) {
    ProcSample s;
    s.at_ns = now_ns();
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    if (FILE* f = std::fopen(path, "r")) {
        char buf[1024];
        const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
        std::fclose(f);
        buf[n] = '\0';
        // Fields after the command name, which is in parentheses and may hold spaces.
        if (const char* p = std::strrchr(buf, ')')) {
            unsigned long long utime = 0, stime = 0;
            // state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
            if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) == 2) {
                const long hz = ::sysconf(_SC_CLK_TCK);
                s.cpu_ns = std::int64_t((utime + stime) * (1000000000ull / std::uint64_t(hz)));
                s.ok = true;
            }
        }
    }
    std::snprintf(path, sizeof path, "/proc/%d/status", int(pid));
    if (FILE* f = std::fopen(path, "r")) {
        char line[256];
        while (std::fgets(line, sizeof line, f))
            if (std::strncmp(line, "VmRSS:", 6) == 0) s.rss_bytes = std::atoll(line + 6) * 1024;
        std::fclose(f);
    }
    return s;
}

ProcSample sample_self() {
    ProcSample s;
    s.at_ns = now_ns();
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    s.cpu_ns = (std::int64_t(ru.ru_utime.tv_sec) + ru.ru_stime.tv_sec) * 1000000000 +
               (std::int64_t(ru.ru_utime.tv_usec) + ru.ru_stime.tv_usec) * 1000;
    s.rss_bytes = ru.ru_maxrss * 1024;
    s.ok = true;
    return s;
}

double cpu_percent(const ProcSample& a, const ProcSample& b) {
    const std::int64_t wall = b.at_ns - a.at_ns;
    return wall > 0 ? 100.0 * double(b.cpu_ns - a.cpu_ns) / double(wall) : 0;
}

}  // namespace parley::load
