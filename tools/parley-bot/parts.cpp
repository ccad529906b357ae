#include "parts.hpp"

namespace parley::bot {

const char* kind_name(Part::Kind kind) {
    switch (kind) {
        case Part::Kind::quick_replies: return "quick_replies";
        case Part::Kind::buttons: return "buttons";
        case Part::Kind::card: return "card";
        case Part::Kind::form: return "form";
    }
    return "?";
}

namespace {

nlohmann::json option_json(const Option& o) { return {{"id", o.id}, {"label", o.label}}; }

nlohmann::json buttons_json(const std::vector<Button>& buttons) {
    nlohmann::json out = nlohmann::json::array();
    for (const Button& b : buttons) {
        nlohmann::json j = {{"label", b.label}};
        if (!b.url.empty()) j["url"] = b.url;
        else j["id"] = b.id;
        out.push_back(std::move(j));
    }
    return out;
}

}  // namespace

nlohmann::json to_json(const Part& p) {
    nlohmann::json j = {{"kind", kind_name(p.kind)}};
    switch (p.kind) {
        case Part::Kind::quick_replies: {
            nlohmann::json opts = nlohmann::json::array();
            for (const Option& o : p.options) opts.push_back(option_json(o));
            j["options"] = std::move(opts);
            break;
        }
        case Part::Kind::buttons: j["buttons"] = buttons_json(p.buttons); break;
        case Part::Kind::card:
            j["title"] = p.title;
            if (!p.text.empty()) j["text"] = p.text;
            if (!p.image.empty()) j["image"] = p.image;
            if (!p.buttons.empty()) j["buttons"] = buttons_json(p.buttons);
            break;
        case Part::Kind::form: {
            j["id"] = p.id;
            j["submit"] = p.submit;
            nlohmann::json fields = nlohmann::json::array();
            for (const FormField& f : p.fields) {
                nlohmann::json fj = {{"name", f.name}, {"label", f.label}, {"type", f.type}};
                if (f.required) fj["required"] = true;
                if (f.type == "choice") {
                    nlohmann::json opts = nlohmann::json::array();
                    for (const Option& o : f.options) opts.push_back(option_json(o));
                    fj["options"] = std::move(opts);
                }
                fields.push_back(std::move(fj));
            }
            j["fields"] = std::move(fields);
            break;
        }
    }
    return j;
}

nlohmann::json to_json(const std::vector<Part>& parts) {
    nlohmann::json out = nlohmann::json::array();
    for (const Part& p : parts) out.push_back(to_json(p));
    return out;
}

Part quick_replies(std::vector<Option> options) {
    Part p;
    p.kind = Part::Kind::quick_replies;
    p.options = std::move(options);
    return p;
}

Part form_part(std::string id, std::string submit, std::vector<FormField> fields) {
    Part p;
    p.kind = Part::Kind::form;
    p.id = std::move(id);
    p.submit = std::move(submit);
    p.fields = std::move(fields);
    return p;
}

}  // namespace parley::bot
