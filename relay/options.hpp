// The relay's command line (see docs/operations.md). Parsing is pure so it is tested
// without starting anything.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace parley::relay {

struct Options {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string data_dir = "./data";
    std::string web_root;
    std::vector<std::string> allow_origins;
    bool demo_agent = false;
    std::optional<std::string> demo_password;
    bool add_agent = false;  // --add-agent EMAIL NAME: create, then exit
    std::string agent_email;
    std::string agent_name;
    bool help = false;
};

struct ParsedOptions {
    Options options;
    std::string error;  // non-empty: the command line is wrong (exit code 2)
};

ParsedOptions parse_options(const std::vector<std::string>& args);  // args without argv[0]

const char* usage();

}  // namespace parley::relay
