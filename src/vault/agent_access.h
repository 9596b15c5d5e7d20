// What the session agent (src/agent) needs from a vault, and nobody else.
#pragma once

#include <filesystem>
#include <vector>

#include "folio/secret.h"

namespace folio {

// The data keys that `vault_key` opens in the header at `dir` now (one, or
// two in the middle of a rekey). Read fresh on each call, so an agent follows
// a rekey and stops serving once the header is destroyed: Error(not_found) or
// Error(corrupt) then.
std::vector<Secret> current_data_keys(const std::filesystem::path& dir, const Secret& vault_key);

}  // namespace folio
