// The `contacts.details` column (issue 17): a visitor's claimed e-mail, name and
// attributes as one JSON object, sealed at rest like a visitor's name (personal data).
// The user id and the verified flag are columns of their own: the relay looks a verified
// user up by id (store.hpp verified_visitor), so the id cannot be sealed.
#pragma once

#include <string>
#include <string_view>

#include "parley/protocol/frames.hpp"

namespace parley::relay {

// {"email":"…","name":"…","attributes":{…}} (members only when set).
std::string contact_details_to_column(const protocol::Contact& contact);
// Fills email, name and attributes; anything unreadable leaves them empty (a damaged
// column loses the details, never the contact or its verified flag).
void contact_details_from_column(std::string_view text, protocol::Contact& contact);

}  // namespace parley::relay
