#include "core/outbound.hpp"

#include <utility>

#include "parley/triage/analysis.hpp"

namespace parley::relay {

protocol::Message for_outbound(protocol::Message message, const triage::MaskOptions& policy) {
    if (triage::masks_anything(policy)) message.text = triage::mask_pii(message.text, policy);
    return message;
}

}  // namespace parley::relay
