// LiveConfig: the settings in force in a running relay, and their reload (issue 18;
// docs/operations.md "Reloading the configuration").
//
// Theory of operation: a reload reads the sources again (the command line as the relay
// was started with it, the PARLEY_* environment, the config file), with the same
// precedence and checks as at start (config_sources.hpp). Any problem refuses the whole
// reload: nothing changes, and the problems (with the file's line) are in the result
// for the log. Else plan_reload() compares the fresh settings with those in force, one
// option at a time:
//   - a reloadable option (OptionSpec::reloadable) that changed is "applied": its new
//     value goes into the settings in force, and the Apply callback hands the settings
//     to the components that hold them (main.cpp, on the loop thread);
//   - any other option that changed is "restart": logged, not applied; the relay keeps
//     the value it started with, so a later reload reports it again until a restart.
// SIGHUP and PUT /api/v1/config (api/api_config.cpp) both end in reload(), so they do
// exactly the same.
//
// Writing the file (PUT, rollback) goes through ConfigFiles::write, which replaces the
// file atomically and keeps the text it replaced as the previous version; rollback puts
// that previous version back (so a second rollback undoes the first).
//
// Pure but for the injected functions (environment, file reads and writes, Apply): the
// tests run it with files in memory. Not thread-safe: the loop thread only.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config_sources.hpp"

namespace parley::relay::config {

struct ReloadPlan {
    Options next;                              // the settings in force after the reload
    std::map<std::string, std::string> origin;  // and where each came from (absent: default)
    std::vector<std::string> applied;  // file keys of reloadable settings whose value changed
    std::vector<std::string> restart;  // file keys of other settings whose value changed
};

// Compares the settings in force (`running`) with freshly resolved ones (`fresh`, no
// problems). Commands are never compared (they are not settings).
ReloadPlan plan_reload(const ResolvedConfig& running, const ResolvedConfig& fresh);

struct ReloadResult {
    bool ok = false;
    std::vector<ConfigProblem> problems;  // !ok: why nothing changed
    std::vector<std::string> applied, restart;
    // Keys the file sets whose value in force comes from the environment or a flag
    // (the file's value has no effect while they are set).
    std::vector<std::string> shadowed;
    // One line for the log: what changed (names, never values), what waits for a
    // restart; or why the sources were refused.
    std::string summary(const std::string& file) const;
};

// The config file's I/O. read: ReadFile (config_sources.hpp). write: replaces the
// file's text atomically and keeps the replaced text as the previous version; returns
// "" or why it could not. previous: the previous version's text, or nullopt (none).
struct ConfigFiles {
    ReadFile read;
    std::function<std::string(const std::string& path, const std::string& text)> write;
    std::function<std::optional<std::string>(const std::string& path)> previous;
};

class LiveConfig {
public:
    using Environment = std::function<std::vector<std::string>()>;  // "NAME=value", as environ
    // Called by reload() with the settings in force after it, when any reloadable
    // setting changed; it hands them to the running components.
    using Apply = std::function<void(const Options& next, const ReloadPlan& plan)>;

    // `args`: the command line without argv[0]; `started`: what it resolved to at start.
    LiveConfig(std::vector<std::string> args, Environment environment, ConfigFiles files, ResolvedConfig started);

    void on_apply(Apply apply) { apply_ = std::move(apply); }
    // Called at the end of every reload(), good or refused (main.cpp logs it).
    using Report = std::function<void(const ReloadResult&)>;
    void on_report(Report report) { report_ = std::move(report); }

    // The settings in force and where each came from.
    const ResolvedConfig& in_force() const { return in_force_; }
    // The config file the relay was started with ("": none, so nothing to write or reload from).
    const std::string& file() const { return in_force_.config_file; }

    // The sources as they would resolve with `text` as the config file's content (the
    // file itself untouched): for validation.
    ResolvedConfig check(const std::string& text) const;

    // Reads the sources again and applies what can change live (see above).
    ReloadResult reload();
    // check(text); if good, writes it as the config file (keeping the previous version),
    // then reload(). Errors: problems of the text (nothing written), or the write's.
    ReloadResult apply_text(const std::string& text);
    // Puts the previous version back as the config file, then reload(). Error: none kept.
    ReloadResult rollback();
    bool has_previous() const;

private:
    ResolvedConfig resolve_with(const ReadFile& read) const;
    static ReloadResult refused(std::vector<ConfigProblem> problems);
    static std::vector<std::string> shadowed_of(const ResolvedConfig& fresh);

    std::vector<std::string> args_;
    Environment environment_;
    ConfigFiles files_;
    ResolvedConfig in_force_;
    Apply apply_;
    Report report_;
};

}  // namespace parley::relay::config
