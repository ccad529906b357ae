#include "config/live_config.hpp"

#include "config/option_table.hpp"

namespace parley::relay::config {

ReloadPlan plan_reload(const ResolvedConfig& running, const ResolvedConfig& fresh) {
    ReloadPlan plan;
    plan.next = running.options;
    plan.origin = running.origin;
    for (const OptionSpec& s : option_table()) {
        if (s.kind != Kind::setting || s.hidden || !s.copy) continue;
        // show() is the value as TOML: equal text, equal value (lists in order).
        if (s.show(running.options) == s.show(fresh.options)) continue;
        if (!s.reloadable) {
            plan.restart.push_back(file_key(s));
            continue;
        }
        s.copy(plan.next, fresh.options);
        if (auto o = fresh.origin.find(s.name); o != fresh.origin.end()) plan.origin[s.name] = o->second;
        else plan.origin.erase(s.name);
        plan.applied.push_back(file_key(s));
    }
    return plan;
}

std::string ReloadResult::summary(const std::string& file) const {
    auto join = [](const std::vector<std::string>& names) {
        std::string out;
        for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
        return out;
    };
    if (!ok) {
        std::string out = "config reload refused, the settings in force are kept: ";
        for (std::size_t i = 0; i < problems.size(); ++i) out += (i ? "; " : "") + problems[i].text;
        return out;
    }
    std::string out = "config reloaded" + (file.empty() ? std::string() : " from " + file) + ": ";
    out += applied.empty() ? "nothing changed live" : "applied " + join(applied);
    if (!restart.empty()) out += "; changed in the file, takes effect at restart: " + join(restart);
    if (!shadowed.empty()) out += "; set by the environment or a flag, the file's value unused: " + join(shadowed);
    return out;
}

LiveConfig::LiveConfig(std::vector<std::string> args, Environment environment, ConfigFiles files,
                       ResolvedConfig started)
    : args_(std::move(args)), environment_(std::move(environment)), files_(std::move(files)),
      in_force_(std::move(started)) {}

ResolvedConfig LiveConfig::resolve_with(const ReadFile& read) const {
    return resolve_config(args_, environment_ ? environment_() : std::vector<std::string>{}, read);
}

ResolvedConfig LiveConfig::check(const std::string& text) const {
    const std::string path = file().empty() ? "relay.toml" : file();
    std::vector<std::string> args = args_;
    // Without a file at start, the text is checked as if given with --config.
    if (file().empty()) args.insert(args.begin(), {"--config", path});
    const ReadFile as_text = [&](const std::string& p, std::string& error) -> std::optional<std::string> {
        if (p == path) return text;
        return files_.read(p, error);
    };
    return resolve_config(args, environment_ ? environment_() : std::vector<std::string>{}, as_text);
}

ReloadResult LiveConfig::refused(std::vector<ConfigProblem> problems) {
    for (ConfigProblem& p : problems)
        if (p.reason.empty()) p.reason = p.text;
    ReloadResult r;
    r.problems = std::move(problems);
    return r;
}

std::vector<std::string> LiveConfig::shadowed_of(const ResolvedConfig& fresh) {
    std::vector<std::string> out;
    for (const std::string& name : fresh.in_file) {
        auto o = fresh.origin.find(name);
        const OptionSpec* spec = find_option(name);
        if (spec && o != fresh.origin.end() && o->second != "file") out.push_back(file_key(*spec));
    }
    return out;
}

ReloadResult LiveConfig::reload() {
    ResolvedConfig fresh = resolve_with(files_.read);
    if (!fresh.problems.empty()) {
        ReloadResult r = refused(fresh.problem_details);
        if (report_) report_(r);
        return r;
    }
    ReloadPlan plan = plan_reload(in_force_, fresh);
    ReloadResult r;
    r.ok = true;
    r.applied = plan.applied;
    r.restart = plan.restart;
    r.shadowed = shadowed_of(fresh);
    in_force_.options = plan.next;
    in_force_.origin = plan.origin;
    in_force_.in_file = fresh.in_file;
    if (!plan.applied.empty() && apply_) apply_(in_force_.options, plan);
    if (report_) report_(r);
    return r;
}

ReloadResult LiveConfig::apply_text(const std::string& text) {
    if (file().empty()) return refused({{"the relay was started without a config file", "", 0, 0, ""}});
    ResolvedConfig checked = check(text);
    if (!checked.problems.empty()) return refused(checked.problem_details);
    if (std::string why = files_.write(file(), text); !why.empty())
        return refused({{"cannot write " + file() + ": " + why, "", 0, 0, why}});
    return reload();
}

bool LiveConfig::has_previous() const { return !file().empty() && files_.previous && files_.previous(file()); }

ReloadResult LiveConfig::rollback() {
    if (file().empty()) return refused({{"the relay was started without a config file", "", 0, 0, ""}});
    const std::optional<std::string> previous = files_.previous ? files_.previous(file()) : std::nullopt;
    if (!previous) return refused({{"no previous version of " + file() + " is kept", "", 0, 0, ""}});
    // The previous text is checked like any other: the environment may have changed
    // since it was written.
    return apply_text(*previous);
}

}  // namespace parley::relay::config
