// SPDX-License-Identifier: Apache-2.0
#pragma once
// Throwaway certificates, generated in memory at startup (OpenSSL 3 API): a CA, a leaf it
// signs, and an untrusted self-signed leaf for `bad_tls` faults.

#include <string>

namespace tcmpp_sim {

struct CertBundle {
    std::string ca_pem;    // what --write-ca writes; probes trust it via ca_file
    std::string leaf_pem;  // signed by the CA; SAN 127.0.0.1, ::1, localhost, tcmpp...
    std::string leaf_key_pem;
    std::string bad_pem;  // self-signed, same names: fails verification
    std::string bad_key_pem;
};

// Throws std::runtime_error with OpenSSL's reason on failure.
CertBundle generate_certs();

}  // namespace tcmpp_sim
