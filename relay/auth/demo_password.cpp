#include "auth/demo_password.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace parley::relay {

Result<std::optional<std::string>> demo_password_from(const std::string& file, const char* env_value) {
    auto error = [&](std::string why) {
        return Error{protocol::ErrorCode::bad_field, "--demo-password-file " + file + ": " + why, {}};
    };
    if (!file.empty()) {
        std::ifstream in(file);
        if (!in) return error(std::strerror(errno));
        std::string line;
        std::getline(in, line);
        if (!line.empty() && line.back() == '\r') line.pop_back();  // a file written on Windows
        if (line.empty()) return error("the first line is empty");
        return std::optional<std::string>(line);
    }
    if (env_value != nullptr && *env_value != '\0') return std::optional<std::string>(env_value);
    return std::optional<std::string>();
}

}  // namespace parley::relay
