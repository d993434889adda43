// SPDX-License-Identifier: Apache-2.0
// Server-supplied text is printable UTF-8 and bounded before it is stored or logged.

#include "net/server_text.hpp"

#include <catch2/catch.hpp>

#include <string>

using slawatch::net::bound_sample;
using slawatch::net::server_text;
namespace limits = slawatch::net::server_text_limits;

TEST_CASE("server text keeps printable ASCII and valid UTF-8 as is", "[server_text]") {
    CHECK(server_text("FailedOperation.Timeout", 128) == "FailedOperation.Timeout");
    CHECK(server_text("a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d", 128) ==
          "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d");
    CHECK(server_text("\xe8\xb6\x85\xe6\x97\xb6 ok", 128) == "\xe8\xb6\x85\xe6\x97\xb6 ok");
    CHECK(server_text("", 128).empty());
}

TEST_CASE("server text replaces control characters and invalid UTF-8", "[server_text]") {
    CHECK(server_text("a\nb\rc\td\x1b[31m", 128) == "a?b?c?d?[31m");
    CHECK(server_text(std::string("a\0b", 3), 128) == "a?b");
    CHECK(server_text("x\x7fy", 128) == "x?y");
    CHECK(server_text("\xc2\x85", 128) == "?");      // C1 NEL
    CHECK(server_text("\xe2\x80\xa8", 128) == "?");  // line separator
    CHECK(server_text("\xe2\x80\xae"
                      "abc",
                      128) == "?abc");  // right-to-left override
    CHECK(server_text("\xff\xfe", 128) == "??");
    CHECK(server_text("\xc0\xaf", 128) == "??");       // overlong '/'
    CHECK(server_text("\xed\xa0\x80", 128) == "???");  // a surrogate
    CHECK(server_text("\xe8\xb6", 128) == "??");       // cut sequence
}

TEST_CASE("server text is cut at a character boundary with an ellipsis", "[server_text]") {
    const std::string long_code(900 * 1024, 'E');
    const std::string cut = server_text(long_code, limits::error_code);
    CHECK(cut.size() == limits::error_code);
    CHECK(cut.ends_with("..."));
    CHECK(cut.starts_with("EEEE"));
    // Three-byte characters: never split.
    std::string han;
    for (int i = 0; i < 100; ++i) han += "\xe8\xb6\x85";
    const std::string h = server_text(han, 20);
    CHECK(h == "\xe8\xb6\x85\xe8\xb6\x85\xe8\xb6\x85\xe8\xb6\x85\xe8\xb6\x85...");
    CHECK(server_text("abcdef", 6) == "abcdef");
    CHECK(server_text("abcdefg", 6) == "abc...");
}

TEST_CASE("server text is idempotent", "[server_text]") {
    for (std::string s :
         {std::string(1000, 'x'), std::string("a\x01\xff\xe8\xb6\x85z"), std::string("plain")}) {
        const std::string once = server_text(s, 16);
        CHECK(server_text(once, 16) == once);
    }
}

TEST_CASE("bound_sample bounds every server-supplied field of a sample", "[server_text]") {
    slawatch::sla::Sample s;
    s.error_code = std::string(5000, 'C') + "\n";
    s.request_id = "id\x1b";
    s.detail = "API error " + std::string(5000, 'C');
    bound_sample(s);
    CHECK(s.error_code.size() == limits::error_code);
    CHECK(s.request_id == "id?");
    CHECK(s.detail.size() == limits::detail);
}
