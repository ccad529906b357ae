#include "config/referenced_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace parley::relay::config {

std::vector<std::string> referenced_file_problems(const Options& o) {
    std::vector<std::string> out;
    auto readable = [&](const char* key, const std::string& path, bool directory) {
        if (path.empty()) return;
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0 || ::access(path.c_str(), directory ? R_OK | X_OK : R_OK) != 0)
            out.push_back(std::string(key) + " " + path + ": cannot read (" + std::strerror(errno) + ")");
        else if (directory != S_ISDIR(st.st_mode))
            out.push_back(std::string(key) + " " + path + (directory ? ": not a directory" : ": is a directory"));
    };
    readable("web_root", o.web_root, true);
    readable("tls_cert", o.tls_cert, false);
    readable("tls_key", o.tls_key, false);
    readable("data_key_file", o.data_key_file, false);
    for (const std::string& f : o.old_data_key_files) readable("old_data_key_file", f, false);
    readable("route_config", o.route_config, false);
    readable("triage_model", o.triage_model, false);
    readable("demo_password_file", o.demo_password_file, false);
    return out;
}

}  // namespace parley::relay::config
