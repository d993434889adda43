// SPDX-License-Identifier: Apache-2.0
// TC3 verification and the read-only TCMPP actions (TENCENTCLOUD.md).

#include "tools/tcmpp-sim/api.hpp"

#include "probes/tc3_signer.hpp"

#include <boost/json.hpp>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <array>
#include <charconv>
#include <chrono>
#include <optional>
#include <random>

namespace tcmpp_sim {
namespace {

namespace json = boost::json;
namespace tc3 = slawatch::probes::tc3;

constexpr std::int64_t max_clock_skew_s = 300;  // TENCENTCLOUD.md: more than 5 minutes off fails
constexpr std::array<std::string_view, 2> versions = {"2024-08-01", "2025-01-06"};

struct Failure {
    std::string_view code;
    std::string message;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

struct Authorization {
    std::string_view secret_id, date, service, signed_headers, signature;
};

// "TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=..., Signature=..."
std::optional<Authorization> parse_authorization(std::string_view h) {
    constexpr std::string_view algorithm = "TC3-HMAC-SHA256 ";
    h = trim(h);
    if (!h.starts_with(algorithm))
        return std::nullopt;
    h.remove_prefix(algorithm.size());
    Authorization a;
    std::string_view credential;
    while (!h.empty()) {
        const auto comma = h.find(',');
        const std::string_view part = trim(h.substr(0, comma));
        h = comma == std::string_view::npos ? std::string_view{} : h.substr(comma + 1);
        const auto eq = part.find('=');
        if (eq == std::string_view::npos)
            return std::nullopt;
        const std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
        if (key == "Credential")
            credential = value;
        else if (key == "SignedHeaders")
            a.signed_headers = value;
        else if (key == "Signature")
            a.signature = value;
        else
            return std::nullopt;
    }
    // The SecretId holds no '/', so split the scope from the end.
    constexpr std::string_view terminator = "/tc3_request";
    if (!credential.ends_with(terminator))
        return std::nullopt;
    credential.remove_suffix(terminator.size());
    const auto s = credential.rfind('/');
    if (s == std::string_view::npos)
        return std::nullopt;
    a.service = credential.substr(s + 1);
    credential = credential.substr(0, s);
    const auto d = credential.rfind('/');
    if (d == std::string_view::npos)
        return std::nullopt;
    a.date = credential.substr(d + 1);
    a.secret_id = credential.substr(0, d);
    if (a.secret_id.empty() || a.signature.empty() || a.signed_headers.empty())
        return std::nullopt;
    return a;
}

std::string utc_date(std::int64_t ts) {
    const std::chrono::sys_seconds t{std::chrono::seconds{ts}};
    const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::optional<Failure> verify(const ApiConfig& cfg, const ApiRequest& r, std::int64_t now) {
    const auto auth = parse_authorization(r.authorization);
    if (!auth)
        return Failure{"AuthFailure.InvalidAuthorization",
                       "Authorization header is missing or not TC3-HMAC-SHA256 "
                       "Credential=..., SignedHeaders=..., Signature=..."};
    if (auth->signed_headers != "content-type;host")
        return Failure{"AuthFailure.InvalidAuthorization",
                       "tcmpp-sim supports only SignedHeaders=content-type;host"};
    if (r.action.empty())
        return Failure{"MissingParameter", "The request is missing X-TC-Action."};
    if (r.version.empty())
        return Failure{"MissingParameter", "The request is missing X-TC-Version."};
    if (r.timestamp.empty())
        return Failure{"MissingParameter", "The request is missing X-TC-Timestamp."};
    std::int64_t ts = 0;
    const auto [p, ec] =
        std::from_chars(r.timestamp.data(), r.timestamp.data() + r.timestamp.size(), ts);
    if (ec != std::errc{} || p != r.timestamp.data() + r.timestamp.size())
        return Failure{"InvalidParameter", "X-TC-Timestamp must be Unix seconds."};
    if (auth->secret_id != cfg.secret_id)
        return Failure{"AuthFailure.SecretIdNotFound",
                       "The SecretId is not found, please ensure that your SecretId is correct."};
    if (ts < now - max_clock_skew_s || ts > now + max_clock_skew_s)
        return Failure{"AuthFailure.SignatureExpire",
                       fmt::format("Signature expired. Timestamp: {}, server time: {}.", ts, now)};
    if (auth->date != utc_date(ts))
        return Failure{"AuthFailure.SignatureFailure",
                       "The credential scope date is not the UTC date of X-TC-Timestamp."};
    if (auth->service != cfg.service)
        return Failure{"AuthFailure.SignatureFailure",
                       fmt::format("The credential scope service must be '{}'.", cfg.service)};
    const tc3::Request signed_part{trim(r.host), cfg.service, trim(r.content_type), r.body, ts};
    const std::string expected = tc3::signature(cfg.secret_key, signed_part);
    if (auth->signature.size() != expected.size() ||
        CRYPTO_memcmp(auth->signature.data(), expected.data(), expected.size()) != 0)
        return Failure{"AuthFailure.SignatureFailure",
                       "The provided credentials could not be validated. Please check your "
                       "signature is correct."};
    if (std::find(versions.begin(), versions.end(), r.version) == versions.end())
        return Failure{"NoSuchVersion",
                       fmt::format("The API version '{}' does not exist.", r.version)};
    return std::nullopt;
}

// Parameter checks: required keys and their types.
std::optional<Failure> need_string(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (!v)
        return Failure{"MissingParameter", fmt::format("The parameter `{}` is missing.", key)};
    if (!v->is_string() || v->get_string().empty())
        return Failure{"InvalidParameter",
                       fmt::format("The parameter `{}` must be a non-empty string.", key)};
    return std::nullopt;
}

std::optional<Failure> need_int(const json::object& o, std::string_view key, std::int64_t lo,
                                std::int64_t hi, std::int64_t& out) {
    const json::value* v = o.if_contains(key);
    if (!v)
        return Failure{"MissingParameter", fmt::format("The parameter `{}` is missing.", key)};
    std::error_code ec;
    const auto n = v->is_number() ? v->to_number<std::int64_t>(ec) : 0;
    if (!v->is_number() || ec || n < lo || n > hi)
        return Failure{
            "InvalidParameter",
            fmt::format("The parameter `{}` must be an integer in {}..{}.", key, lo, hi)};
    out = n;
    return std::nullopt;
}

json::object version_record(std::string_view mnp_id, std::string_view version,
                            std::string_view when, json::storage_ptr sp) {
    json::object v(sp);
    v["MNPId"] = mnp_id;
    v["MNPVersion"] = version;
    v["MNPVersionIntro"] = "tcmpp-sim build";
    v["CreateUser"] = "tcmpp-sim";
    v["CreateTime"] = when;
    v["ReleaseTime"] = when;
    return v;
}

struct Catalog {
    std::string_view id, name, type;
};
constexpr std::array<Catalog, 3> catalog = {{
    {"mpsim0000000001", "Sim Shop", "MiniProgram"},
    {"mpsim0000000002", "Sim Wallet", "MiniProgram"},
    {"mpsim0000000003", "Sim News", "MiniGame"},
}};

}  // namespace

std::string new_request_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const std::uint64_t hi = (rng() & ~0xf000ULL) | 0x4000ULL;                         // version 4
    const std::uint64_t lo = (rng() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff,
                       hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

std::string error_body(std::string_view code, std::string_view message) {
    json::object err{{"Code", code}, {"Message", message}};
    json::object response{{"Error", std::move(err)}, {"RequestId", new_request_id()}};
    return json::serialize(json::object{{"Response", std::move(response)}});
}

Api::Api(ApiConfig config, const UrlSigner& signer) : config_(std::move(config)), signer_(signer) {}

ApiReply Api::handle(const ApiRequest& r, std::int64_t now) const {
    auto fail = [](const Failure& f) {
        return ApiReply{error_body(f.code, f.message), std::string(f.code)};
    };
    if (auto f = verify(config_, r, now))
        return fail(*f);

    const Action action = action_from_name(r.action);
    if (action == Action::other)
        return fail({"InvalidAction", fmt::format("The action `{}` is not found.", r.action)});

    // Small per-request arena: no heap traffic for the usual request and reply.
    unsigned char arena[8192];
    json::monotonic_resource mr(arena, sizeof arena);
    std::error_code ec;
    json::value body = json::parse(r.body, ec, &mr);
    if (ec || !body.is_object())
        return fail({"InvalidParameter", "The request body must be a JSON object."});
    const json::object& p = body.get_object();

    json::object data(&mr);
    if (action == Action::mnp_list) {
        std::int64_t offset = 0, limit = 0;
        if (auto f = need_int(p, "Offset", 0, INT32_MAX, offset))
            return fail(*f);
        if (auto f = need_int(p, "Limit", 1, 100, limit))
            return fail(*f);
        if (auto f = need_string(p, "PlatformId"))
            return fail(*f);
        json::array list(&mr);
        for (auto i = offset; i < offset + limit && i < std::int64_t{catalog.size()}; ++i) {
            const Catalog& c = catalog[static_cast<std::size_t>(i)];
            json::object e(&mr);
            e["MNPId"] = c.id;
            e["MNPName"] = c.name;
            e["MNPType"] = c.type;
            e["MNPIntroduction"] = "A mini program served by tcmpp-sim";
            e["PlatformId"] = p.at("PlatformId");
            e["CreateTime"] = "2026-01-05 10:00:00";
            e["UpdateTime"] = "2026-03-01 09:30:00";
            list.push_back(std::move(e));
        }
        data["TotalCount"] = catalog.size();
        data["DataList"] = std::move(list);
    } else {
        if (auto f = need_string(p, "MNPId"))
            return fail(*f);
        if (auto f = need_string(p, "PlatformId"))
            return fail(*f);
        const std::string_view id = p.at("MNPId").get_string();
        if (action == Action::released_version_history) {
            json::array list(&mr);
            list.push_back(version_record(id, "1.3.0", "2026-03-01 09:30:00", &mr));
            list.push_back(version_record(id, "1.2.1", "2026-02-10 18:00:00", &mr));
            data["TotalCount"] = list.size();
            data["DataList"] = std::move(list);
        } else if (action == Action::all_stage_versions) {
            data["DevelopVersion"] = version_record(id, "1.4.0-dev", "2026-03-20 11:00:00", &mr);
            data["TrialVersion"] = version_record(id, "1.4.0-rc1", "2026-03-18 15:00:00", &mr);
            data["ApprovalVersion"] = nullptr;
            data["ReleasedVersion"] = version_record(id, "1.3.0", "2026-03-01 09:30:00", &mr);
        } else {  // offline package URL, presigned and short-lived like the real one
            std::string url(r.base_url);
            url += signer_.make_target(id, now + package_url_lifetime_s);
            data["Data"] = url;
        }
    }
    json::object response(&mr);
    response["Data"] = std::move(data);
    response["RequestId"] = new_request_id();
    json::object root(&mr);
    root["Response"] = std::move(response);
    return ApiReply{json::serialize(root), {}};
}

}  // namespace tcmpp_sim
