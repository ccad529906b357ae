// Hub: a visitor's pre-chat answers and the e-mail left when nobody is available (issue
// 17; docs/protocol.md `prechat`; the rules: core/prechat_form.hpp).
//
// Theory of operation
// -------------------
//   event                                        outcome
//   -------------------------------------------  --------------------------------------
//   prechat from an agent or a bot               2004, nothing stored
//   prechat naming another conversation          2004, nothing stored
//   answers with a bad field                     1011 invalid_form, `fields` has a reason
//                                                per bad field; nothing stored
//   answers acceptable                           contact updated (a name also renames the
//                                                visitor, masked); agents get the `conv`;
//                                                `prechat_saved`
//   offline, an acceptable e-mail                the same, plus the mark reply_by_email and
//                                                an internal line for the agents; the
//                                                conversation stays where it is (queued)
// The relay does not make the form a gate for `send`: a visitor who skips the widget
// just talks unannounced, as without a form. Each frame writes one small row, and the
// frame passes the adapter's rate limit like every other.
#include "core/hub.hpp"

namespace parley::relay {

using protocol::ErrorCode;
namespace p = protocol;

void Hub::handle(ConnId id, Conn& c, const p::Prechat& f, std::int64_t now) {
    if (c.party.role != "visitor" || f.conv != c.conv)
        return send_error(id, ErrorCode::forbidden, "only a visitor answers the pre-chat form of their conversation");
    auto current = store_.find_contact(c.party.id);
    if (!current) return send_error(id, current.error());
    // What the welcome did not ask (the site told us, or answered before) is not required.
    p::Contact known = current.value().value_or(p::Contact{});
    if (known.name.empty()) known.name = c.party.name;
    if (PrechatValues bad = prechat_problems(config_.prechat, f.values, f.offline, &known); !bad.empty()) {
        p::ErrorFrame e{ErrorCode::invalid_form, "the form has bad fields", {}};
        e.frame = "prechat";
        e.conv = f.conv;
        e.fields = std::move(bad);
        return send(id, e);
    }
    PrechatValues values = f.values;
    for (auto& [k, v] : values)  // names are masked like every visitor name (issue 15)
        if (k == "name") v = mask_name(v);
    const p::Contact next = with_answers(current.value().value_or(p::Contact{}), values, f.offline, f.conv);
    if (Status s = store_.put_contact(c.party.id, next, now); !s) return send_error(id, s.error());
    if (!next.name.empty() && next.name != c.party.name) {
        if (Status s = store_.rename_visitor(c.party.id, next.name); !s) return send_error(id, s.error());
        c.party.name = next.name;
    }
    if (f.offline) {
        // The address itself stays on the contact: the transcript does not repeat it.
        if (auto posted = post_system(f.conv, "The visitor asked to be answered by e-mail", true, now); !posted)
            return send_error(id, posted.error());
    }
    publish_conv(f.conv);
    send(id, p::PrechatSaved{f.conv, f.offline});
}

}  // namespace parley::relay
