// SPDX-License-Identifier: Apache-2.0
// TC3-HMAC-SHA256 against the documentation's worked example (docs/tencentcloud-api.md).

#include "probes/tc3_signer.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace slawatch::probes;

namespace {

// 86 bytes; the \u escapes are literal backslash sequences.
const std::string doc_body =
    R"({"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]})";

tc3::Request doc_request() {
    tc3::Request r;
    r.host = "cvm.tencentcloudapi.com";
    r.service = "cvm";
    r.content_type = "application/json; charset=utf-8";
    r.payload = doc_body;
    r.timestamp = 1551113065;
    return r;
}

const tc3::Credentials doc_credentials{"AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                                       "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", ""};

}  // namespace

TEST_CASE("TC3: the documentation's body hashes to its hashed payload", "[tc3]") {
    REQUIRE(doc_body.size() == 86);
    CHECK(tc3::sha256_hex(doc_body) ==
          "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
}

TEST_CASE("TC3: canonical request of the documentation's example", "[tc3]") {
    const auto cr = tc3::canonical_request(doc_request());
    CHECK(cr ==
          "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n"
          "\ncontent-type;host\n"
          "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    CHECK(tc3::sha256_hex(cr) ==
          "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
}

TEST_CASE("TC3: string to sign uses the UTC date of the timestamp", "[tc3]") {
    CHECK(tc3::string_to_sign(doc_request()) ==
          "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
          "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
}

TEST_CASE("TC3: signature and Authorization of the documentation's example", "[tc3]") {
    CHECK(tc3::signature(doc_credentials.secret_key, doc_request()) ==
          "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
    CHECK(tc3::authorization(doc_credentials, doc_request()) ==
          "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
          "tc3_request, SignedHeaders=content-type;host, "
          "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
}

TEST_CASE("TC3: any change to key, body or time changes the signature", "[tc3]") {
    const auto base = tc3::signature(doc_credentials.secret_key, doc_request());
    CHECK(tc3::signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLf", doc_request()) != base);
    auto r = doc_request();
    r.timestamp += 1;
    CHECK(tc3::signature(doc_credentials.secret_key, r) != base);
    const std::string other = doc_body + " ";
    r = doc_request();
    r.payload = other;
    CHECK(tc3::signature(doc_credentials.secret_key, r) != base);
}

TEST_CASE("TC3: the credential scope date rolls over at UTC midnight", "[tc3]") {
    auto r = doc_request();
    r.timestamp = 1767225599;  // 2025-12-31T23:59:59Z
    CHECK(tc3::string_to_sign(r).find("\n2025-12-31/cvm/") != std::string::npos);
    r.timestamp = 1767225600;  // 2026-01-01T00:00:00Z
    CHECK(tc3::string_to_sign(r).find("\n2026-01-01/cvm/") != std::string::npos);
    r.timestamp = 951782400;  // 2000-02-29T00:00:00Z
    CHECK(tc3::string_to_sign(r).find("\n2000-02-29/cvm/") != std::string::npos);
}
