// SPDX-License-Identifier: Apache-2.0
#pragma once
// The downloadable mini program package: a deterministic blob behind presigned URLs,
// with single byte ranges (README.md "Package download").

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tcmpp_sim {

inline constexpr std::size_t package_size = 65536;
inline constexpr std::int64_t package_url_lifetime_s =
    600;  // "a presigned link lives about 10 minutes"

// byte[i] = (i * 7 + (i >> 8)) & 0xFF, built once.
std::string_view package_blob();

// A `Range` header against a body of `size` bytes.
struct RangeRequest {
    enum Kind { whole, partial, unsatisfiable } kind = whole;
    std::size_t first = 0;  // inclusive
    std::size_t last = 0;   // inclusive
};
RangeRequest parse_range(std::string_view header, std::size_t size);

// Signs and checks the `sign` query parameter of package URLs with a per-process key.
class UrlSigner {
public:
    UrlSigner();
    // "/packages/<id>.zip?expires=E&sign=S" for `mnp_id` (percent-encoded as needed).
    std::string make_target(std::string_view mnp_id, std::int64_t expires) const;

    enum class Check { ok, not_found, bad_sign, expired };
    Check check_target(std::string_view target, std::int64_t now) const;

private:
    std::string sign(std::string_view path, std::int64_t expires) const;
    std::string key_;
};

}  // namespace tcmpp_sim
