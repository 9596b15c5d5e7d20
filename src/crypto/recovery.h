// Recovery codes: 160 random bits as 32 base32 characters, shown in groups of 4.
#pragma once

#include "folio/secret.h"

namespace folio {

// A new code in its printable form: "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567".
Secret make_recovery_code();

// The KDF input for a code as typed: upper case, separators (space, '-')
// dropped, 0/1/8 read as O/I/B. Error(invalid_argument) unless exactly 32
// base32 characters remain.
Secret canonical_recovery_code(const Secret& typed);

}  // namespace folio
