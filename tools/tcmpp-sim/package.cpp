// SPDX-License-Identifier: Apache-2.0
// Package blob, Range parsing and presigned package URLs.

#include "tools/tcmpp-sim/package.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <stdexcept>

namespace tcmpp_sim {
namespace {

constexpr std::string_view package_prefix = "/packages/";

std::string make_blob() {
    std::string b(package_size, '\0');
    for (std::size_t i = 0; i < package_size; ++i)
        b[i] = static_cast<char>((i * 7 + (i >> 8)) & 0xFF);
    return b;
}

bool parse_size(std::string_view s, std::size_t& out) {
    if (s.empty()) return false;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string_view package_blob() {
    static const std::string blob = make_blob();
    return blob;
}

RangeRequest parse_range(std::string_view header, std::size_t size) {
    RangeRequest r;
    header = trim(header);
    if (!header.starts_with("bytes=")) return r;  // unknown unit: ignore (RFC 9110 14.2)
    const std::string_view spec = trim(header.substr(6));
    if (spec.find(',') != std::string_view::npos) return r;  // multi-range: whole body
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) return r;
    const std::string_view a = trim(spec.substr(0, dash));
    const std::string_view b = trim(spec.substr(dash + 1));
    std::size_t first = 0, last = 0;
    if (a.empty()) {  // suffix: the last n bytes
        if (!parse_size(b, last)) return r;
        if (last == 0 || size == 0) return {RangeRequest::unsatisfiable};
        return {RangeRequest::partial, size - std::min(last, size), size - 1};
    }
    if (!parse_size(a, first)) return r;
    if (b.empty()) {
        last = size == 0 ? 0 : size - 1;
    } else if (!parse_size(b, last) || last < first) {
        return r;  // syntactically invalid: ignored
    }
    if (first >= size) return {RangeRequest::unsatisfiable};
    return {RangeRequest::partial, first, std::min(last, size - 1)};
}

UrlSigner::UrlSigner() : key_(32, '\0') {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key_.data()), static_cast<int>(key_.size())) !=
        1)
        throw std::runtime_error("RAND_bytes failed");
}

std::string UrlSigner::sign(std::string_view path, std::int64_t expires) const {
    std::string msg(path);
    msg += '\n';
    msg += std::to_string(expires);
    std::array<unsigned char, 32> mac{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
         reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac.data(), &len);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < 16; ++i) {  // 128 bits is plenty for a test double
        out += digits[mac[i] >> 4];
        out += digits[mac[i] & 0x0f];
    }
    return out;
}

std::string UrlSigner::make_target(std::string_view mnp_id, std::int64_t expires) const {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string path(package_prefix);
    for (const char ch : mnp_id) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.') {
            path += ch;
        } else {
            path += '%';
            path += digits[c >> 4];
            path += digits[c & 0x0f];
        }
    }
    if (mnp_id.empty()) path += "package";
    path += ".zip";
    return path + "?expires=" + std::to_string(expires) + "&sign=" + sign(path, expires);
}

UrlSigner::Check UrlSigner::check_target(std::string_view target, std::int64_t now) const {
    const auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return Check::not_found;
    const boost::urls::url_view& u = *parsed;
    const std::string_view path = u.encoded_path();
    if (!path.starts_with(package_prefix) || !path.ends_with(".zip") ||
        path.size() <= package_prefix.size() + 4)
        return Check::not_found;
    const auto params = u.params();
    const auto e = params.find("expires");
    const auto s = params.find("sign");
    if (e == params.end() || s == params.end() || !(*e).has_value || !(*s).has_value)
        return Check::bad_sign;
    std::int64_t expires = 0;
    const std::string ev = (*e).value;
    const auto [p, ec] = std::from_chars(ev.data(), ev.data() + ev.size(), expires);
    if (ec != std::errc{} || p != ev.data() + ev.size()) return Check::bad_sign;
    const std::string expected = sign(path, expires);
    const std::string given = (*s).value;
    if (given.size() != expected.size() ||
        CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0)
        return Check::bad_sign;
    if (now > expires) return Check::expired;
    return Check::ok;
}

}  // namespace tcmpp_sim
