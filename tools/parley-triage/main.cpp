// parley-triage: train, run and evaluate triage models from the command line.
// The triage core has no I/O; this tool owns files, stdin/stdout, clocks and JSON.
//
//   parley-triage train   --data FILE --out MODEL [options]
//   parley-triage predict --model MODEL [--top K]      (stdin: one text per line)
//   parley-triage eval    --model MODEL --data FILE [--valid FILE]
//   parley-triage signals                               (stdin: one text per line)
//   parley-triage split   --data FILE --train-out FILE --held-out FILE [--fraction X]
//
// Data files: CSV with a header naming `text` and `label` columns (RFC 4180 quoting),
// or JSON Lines {"text": …, "label": …}; chosen by extension (.jsonl/.json) or, failing
// that, by a first character '{'. See docs/triage.md.
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "parley/triage/dataset.hpp"
#include "parley/triage/metrics.hpp"
#include "parley/triage/model.hpp"
#include "parley/triage/pii.hpp"
#include "parley/triage/signals.hpp"
#include "parley/triage/trainer.hpp"

namespace tri = parley::triage;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "parley-triage: %s\n", msg.c_str());
    std::exit(2);
}

void usage() {
    std::fputs(
        "usage:\n"
        "  parley-triage train --data FILE --out MODEL [--valid FILE] [--epochs N] [--lr X]\n"
        "        [--l2 X] [--seed N] [--optimizer adagrad|sgd] [--bits N]\n"
        "        [--word-ngrams N] [--char-min N] [--char-max N] [--char-weight X] [--char-across-words]\n"
        "        [--average N] [--dropout X] [--valid-fraction X]\n"
        "        [--no-refit] [--max-bytes N] [--oos-label L] [--threshold-objective accuracy|balanced]\n"
        "        [--hidden-dim N] [--hidden-share X] [--hidden-epochs N] [--hidden-lr X]\n"
        "        [--hidden-dropout X] [--hidden-min-count N]\n"
        "  parley-triage predict --model MODEL [--top K] [--digits N]  < texts (one per line)\n"
        "  parley-triage eval --model MODEL --data FILE [--valid FILE [--threshold-objective O]]\n"
        "        [--confusions N]\n"
        "  parley-triage signals                           < texts (one per line)\n"
        "  parley-triage split --data FILE --train-out FILE --held-out FILE [--fraction X] [--seed N]\n",
        stderr);
}

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

bool ends_with(const std::string& s, const char* suffix) {
    const size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

std::vector<tri::Example> load_examples(const std::string& path) {
    std::string body;
    if (!read_file(path, body)) die("cannot read " + path);
    if (body.size() >= 3 && body.compare(0, 3, "\xEF\xBB\xBF") == 0) body.erase(0, 3);  // BOM (JSONL)
    std::vector<tri::Example> out;
    const size_t first = body.find_first_not_of(" \t\r\n");
    const bool jsonl = ends_with(path, ".jsonl") || ends_with(path, ".json") ||
                       (!ends_with(path, ".csv") && first != std::string::npos && body[first] == '{');
    if (jsonl) {
        std::istringstream in(body);
        std::string line;
        size_t n = 0;
        while (std::getline(in, line)) {
            ++n;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j.contains("label") ||
                !j["text"].is_string() || !j["label"].is_string())
                die(path + ":" + std::to_string(n) + ": expected {\"text\": string, \"label\": string}");
            out.push_back({j["text"].get<std::string>(), j["label"].get<std::string>()});
        }
        return out;
    }
    auto parsed = tri::parse_csv_examples(body);
    if (!parsed) die(path + ": " + parsed.error().detail);
    return std::move(parsed).value();
}

tri::Model load_model(const std::string& path) {
    std::string bytes;
    if (!read_file(path, bytes)) die("cannot read " + path);
    auto m = tri::Model::load(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    if (!m) die(path + ": " + tri::errc_name(m.error().code) + ": " + m.error().detail);
    return std::move(m).value();
}

// Minimal --flag value parser.
struct Args {
    std::map<std::string, std::string> values;
    std::map<std::string, bool> flags;
    Args(int argc, char** argv, int from, const std::vector<std::string>& boolean_flags) {
        for (int i = from; i < argc; ++i) {
            std::string a = argv[i];
            if (a.rfind("--", 0) != 0) die("unexpected argument " + a);
            bool is_flag = false;
            for (const auto& f : boolean_flags) is_flag |= (a == f);
            if (is_flag) { flags[a] = true; continue; }
            if (i + 1 >= argc) die(a + " needs a value");
            values[a] = argv[++i];
        }
    }
    std::string get(const std::string& k, const std::string& dflt = "") const {
        auto it = values.find(k);
        return it == values.end() ? dflt : it->second;
    }
    std::string need(const std::string& k) const {
        auto it = values.find(k);
        if (it == values.end()) die("missing " + k);
        return it->second;
    }
    double num(const std::string& k, double dflt) const {
        auto it = values.find(k);
        if (it == values.end()) return dflt;
        char* end = nullptr;
        const double v = std::strtod(it->second.c_str(), &end);
        if (!end || *end) die(k + " expects a number");
        return v;
    }
    bool flag(const std::string& k) const { return flags.count(k) > 0; }
};

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

int cmd_train(const Args& a) {
    tri::TrainOptions o;
    o.epochs = static_cast<int>(a.num("--epochs", o.epochs));
    o.learning_rate = static_cast<float>(a.num("--lr", o.learning_rate));
    o.l2 = static_cast<float>(a.num("--l2", o.l2));
    o.seed = static_cast<uint64_t>(a.num("--seed", static_cast<double>(o.seed)));
    o.features.hash_bits = static_cast<uint8_t>(a.num("--bits", o.features.hash_bits));
    o.features.word_ngrams = static_cast<uint8_t>(a.num("--word-ngrams", o.features.word_ngrams));
    o.features.char_min = static_cast<uint8_t>(a.num("--char-min", o.features.char_min));
    o.features.char_max = static_cast<uint8_t>(a.num("--char-max", o.features.char_max));
    o.features.char_weight = static_cast<float>(a.num("--char-weight", o.features.char_weight));
    o.features.char_across_words = a.flag("--char-across-words");
    o.average_epochs = static_cast<int>(a.num("--average", o.average_epochs));
    o.dropout = static_cast<float>(a.num("--dropout", o.dropout));
    o.valid_fraction = static_cast<float>(a.num("--valid-fraction", o.valid_fraction));
    o.refit = !a.flag("--no-refit");
    o.max_model_bytes = static_cast<size_t>(a.num("--max-bytes", static_cast<double>(o.max_model_bytes)));
    o.oos_label = a.get("--oos-label", o.oos_label);
    o.hidden_dim = static_cast<uint16_t>(a.num("--hidden-dim", o.hidden_dim));
    o.hidden_share = static_cast<float>(a.num("--hidden-share", o.hidden_share));
    o.hidden_epochs = static_cast<int>(a.num("--hidden-epochs", o.hidden_epochs));
    o.hidden_lr = static_cast<float>(a.num("--hidden-lr", o.hidden_lr));
    o.hidden_dropout = static_cast<float>(a.num("--hidden-dropout", o.hidden_dropout));
    o.hidden_min_count = static_cast<uint32_t>(a.num("--hidden-min-count", o.hidden_min_count));
    const std::string objective = a.get("--threshold-objective", "accuracy");
    if (objective == "balanced") o.threshold_objective = tri::ThresholdObjective::balanced;
    else if (objective != "accuracy") die("--threshold-objective must be accuracy or balanced");
    const std::string opt = a.get("--optimizer", "adagrad");
    if (opt == "sgd") o.optimizer = tri::Optimizer::sgd;
    else if (opt != "adagrad") die("--optimizer must be adagrad or sgd");

    const std::vector<tri::Example> data = load_examples(a.need("--data"));
    std::vector<tri::Example> valid;
    if (!a.get("--valid").empty()) valid = load_examples(a.get("--valid"));
    const std::string out_path = a.need("--out");

    const auto t0 = Clock::now();
    auto trained = tri::train(data, valid, o);
    const double secs = seconds_since(t0);
    if (!trained) die(std::string("training failed: ") + tri::errc_name(trained.error().code) + ": " +
                      trained.error().detail);
    const std::vector<uint8_t> bytes = trained.value().model.save();
    std::ofstream out(out_path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) die("cannot write " + out_path);
    const tri::TrainReport& r = trained.value().report;
    std::fprintf(stderr,
                 "trained: examples=%zu classes=%zu features=%zu kept_features=%zu kept_weights=%zu "
                 "hidden_rows=%zu\n"
                 "model_bytes: %zu\ntemperature: %.4f\nthreshold: %.4f\n"
                 "calibration_examples: %zu\ncalibration_accuracy: %.4f\ntrain_seconds: %.3f\n",
                 r.examples, r.classes, r.distinct_features, r.kept_features, r.kept_weights, r.hidden_rows,
                 bytes.size(),
                 r.temperature, r.threshold, r.valid_examples, r.valid_accuracy, secs);
    return 0;
}

int cmd_predict(const Args& a) {
    const tri::Model m = load_model(a.need("--model"));
    const size_t top = static_cast<size_t>(a.num("--top", 1));
    const int digits = static_cast<int>(a.num("--digits", 4));
    std::string line;
    std::string out;
    char buf[32];
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const tri::Prediction p = m.predict(line, top);
        out.assign(m.labels()[p.label]);
        std::snprintf(buf, sizeof buf, "\t%.*f", digits, static_cast<double>(p.confidence));
        out += buf;
        for (size_t k = 1; k < p.top.size(); ++k) {
            out += '\t';
            out += m.labels()[p.top[k].index];
            std::snprintf(buf, sizeof buf, "\t%.*f", digits, static_cast<double>(p.top[k].confidence));
            out += buf;
        }
        out += '\n';
        std::fwrite(out.data(), 1, out.size(), stdout);
    }
    return 0;
}

int cmd_eval(const Args& a) {
    tri::Model m = load_model(a.need("--model"));
    const std::vector<tri::Example> data = load_examples(a.need("--data"));
    const std::string oos_label = a.get("--oos-label", "oos");
    if (!a.get("--valid").empty() && m.has_oos()) {
        // Re-choose the out-of-scope threshold on the given validation split.
        const std::vector<tri::Example> valid = load_examples(a.get("--valid"));
        std::vector<std::vector<float>> scores;
        std::vector<int> gold;
        for (const auto& e : valid) {
            const int y = m.label_index(e.label);
            if (y < 0) continue;
            scores.emplace_back();
            m.scores(e.text, scores.back());
            gold.push_back(y);
        }
        const std::string objective = a.get("--threshold-objective", "accuracy");
        if (objective != "accuracy" && objective != "balanced")
            die("--threshold-objective must be accuracy or balanced");
        m.set_threshold(tri::choose_threshold(m, scores, gold,
                                              objective == "balanced" ? tri::ThresholdObjective::balanced
                                                                      : tri::ThresholdObjective::accuracy));
    }
    std::vector<std::string> gold, pred;
    std::vector<tri::Prediction> preds;
    preds.reserve(data.size());
    // Both wall time and this process's CPU time: on a shared machine the CPU time is
    // the better estimate of what one message costs.
    const auto t0 = Clock::now();
    const std::clock_t c0 = std::clock();
    for (const auto& e : data) preds.push_back(m.predict(e.text, 1));
    const double cpu_secs = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    const double secs = seconds_since(t0);
    for (size_t i = 0; i < data.size(); ++i) {
        gold.push_back(data[i].label);
        pred.push_back(m.labels()[preds[i].label]);
    }
    std::vector<float> top_conf;
    std::vector<bool> top_right;
    for (size_t i = 0; i < data.size(); ++i) {
        top_conf.push_back(preds[i].top[0].confidence);
        top_right.push_back(m.labels()[preds[i].top[0].index] == data[i].label);
    }
    const auto max_conf = static_cast<size_t>(a.num("--confusions", 10));
    const tri::EvalReport r = tri::evaluate(gold, pred, m.labels(), oos_label, max_conf);
    std::printf("examples: %zu\naccuracy: %.4f\nmacro_f1: %.4f\n", r.examples, r.accuracy, r.macro_f1);
    if (r.has_oos && m.has_oos()) {
        std::printf("oos_threshold: %.4f\noos_recall: %.4f\nin_scope_accuracy: %.4f\n",
                    m.parts().threshold, r.oos_recall, r.in_scope_accuracy);
    }
    std::printf("calibration_error: %.4f\n", tri::expected_calibration_error(top_conf, top_right));
    std::printf("predict_us_per_message: %.2f\npredict_cpu_us_per_message: %.2f\n",
                data.empty() ? 0.0 : secs * 1e6 / data.size(),
                data.empty() ? 0.0 : cpu_secs * 1e6 / data.size());
    std::printf("\n%-28s %7s %7s %7s %7s\n", "intent", "support", "prec", "recall", "f1");
    for (const auto& c : r.classes)
        std::printf("%-28s %7zu %7.3f %7.3f %7.3f\n", c.label.c_str(), c.support, c.precision, c.recall, c.f1);
    if (!r.confusions.empty()) {
        std::printf("\nconfusions (gold -> predicted: count)\n");
        for (const auto& c : r.confusions)
            std::printf("  %s -> %s: %zu\n", c.gold.c_str(), c.predicted.c_str(), c.count);
    }
    return 0;
}

void write_jsonl(const std::string& path, const std::vector<tri::Example>& ex) {
    std::ofstream out(path, std::ios::binary);
    for (const auto& e : ex) out << nlohmann::json{{"text", e.text}, {"label", e.label}}.dump() << '\n';
    if (!out) die("cannot write " + path);
}

// Deterministic stratified split (the trainer's own), for held-out evaluation sets.
int cmd_split(const Args& a) {
    const std::vector<tri::Example> data = load_examples(a.need("--data"));
    std::vector<tri::Example> kept, held;
    tri::stratified_split(data, static_cast<float>(a.num("--fraction", 0.1)),
                          static_cast<uint64_t>(a.num("--seed", 1)), kept, held);
    write_jsonl(a.need("--train-out"), kept);
    write_jsonl(a.need("--held-out"), held);
    std::fprintf(stderr, "split: %zu train, %zu held out\n", kept.size(), held.size());
    return 0;
}

int cmd_signals() {
    std::string line;
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const tri::Sentiment s = tri::sentiment(line);
        const tri::Reply r = tri::reply_kind(line);
        nlohmann::json j;
        j["human"] = tri::asks_for_human(line);
        j["frustration"] = std::round(s.frustration * 100) / 100;
        j["negative"] = s.negative;
        j["reply"] = r == tri::Reply::closing ? "closing" : r == tri::Reply::acknowledgement ? "acknowledgement" : "none";
        j["urgent"] = tri::urgency(line) == tri::Urgency::high;
        j["masked"] = tri::mask_pii(line);
        std::cout << j.dump() << '\n';
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) { usage(); return 2; }
    const std::string cmd = argv[1];
    if (cmd == "-h" || cmd == "--help") { usage(); return 0; }
    if (cmd == "train") return cmd_train(Args(argc, argv, 2, {"--no-refit", "--char-across-words"}));
    if (cmd == "predict") return cmd_predict(Args(argc, argv, 2, {}));
    if (cmd == "eval") return cmd_eval(Args(argc, argv, 2, {}));
    if (cmd == "signals") return cmd_signals();
    if (cmd == "split") return cmd_split(Args(argc, argv, 2, {}));
    usage();
    return 2;
}
