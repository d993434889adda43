// SPDX-License-Identifier: Apache-2.0
// TC3 verification and the read-only TCMPP actions (docs/tencentcloud-api.md).

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

constexpr std::int64_t max_clock_skew_s = 300;  // more than 5 minutes off fails (API 3.0)
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
    if (!h.starts_with(algorithm)) return std::nullopt;
    h.remove_prefix(algorithm.size());
    Authorization a;
    std::string_view credential;
    while (!h.empty()) {
        const auto comma = h.find(',');
        const std::string_view part = trim(h.substr(0, comma));
        h = comma == std::string_view::npos ? std::string_view{} : h.substr(comma + 1);
        const auto eq = part.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
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
    if (!credential.ends_with(terminator)) return std::nullopt;
    credential.remove_suffix(terminator.size());
    const auto s = credential.rfind('/');
    if (s == std::string_view::npos) return std::nullopt;
    a.service = credential.substr(s + 1);
    credential = credential.substr(0, s);
    const auto d = credential.rfind('/');
    if (d == std::string_view::npos) return std::nullopt;
    a.date = credential.substr(d + 1);
    a.secret_id = credential.substr(0, d);
    if (a.secret_id.empty() || a.signature.empty() || a.signed_headers.empty()) return std::nullopt;
    return a;
}

// "127.0.0.1:8080" -> "127.0.0.1", "[::1]:80" -> "[::1]", "host" -> "host".
std::string_view without_port(std::string_view host) {
    const auto colon = host.rfind(':');
    if (colon == std::string_view::npos || host.find(']', colon) != std::string_view::npos)
        return host;
    if (host.front() != '[' && host.find(':') != colon) return host;  // a bare IPv6 address
    return host.substr(0, colon);
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
    if (r.action.empty()) return Failure{"MissingParameter", "The request is missing X-TC-Action."};
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
    // The signing service follows the host: its first label, or --service for a
    // host that is an address (127.0.0.1 has no service label).
    const std::string_view host = trim(r.host);
    const std::string_view bare_host = without_port(host);
    if (auth->service != cfg.service && auth->service != bare_host.substr(0, bare_host.find('.')))
        return Failure{"AuthFailure.SignatureFailure",
                       fmt::format("The credential scope service must be '{}'.", cfg.service)};
    // TencentCloud's official SDKs sign `host` without the port they send in
    // Host (production hosts carry none): accept either.
    bool valid = false;
    for (const std::string_view signed_host : {host, bare_host}) {
        const tc3::Request signed_part{signed_host, auth->service, trim(r.content_type), r.body,
                                       ts};
        const std::string expected = tc3::signature(cfg.secret_key, signed_part);
        valid =
            valid || (auth->signature.size() == expected.size() &&
                      CRYPTO_memcmp(auth->signature.data(), expected.data(), expected.size()) == 0);
    }
    if (!valid)
        return Failure{"AuthFailure.SignatureFailure",
                       "The provided credentials could not be validated. Please check your "
                       "signature is correct."};
    if (std::find(versions.begin(), versions.end(), r.version) == versions.end())
        return Failure{"NoSuchVersion",
                       fmt::format("The API version '{}' does not exist.", r.version)};
    return std::nullopt;
}

// Parameter checks: required keys and their types, with the codes of the
// tcmpp/tcsas error lists.
std::optional<Failure> need_string(const json::object& o, std::string_view key,
                                   std::string_view invalid_code) {
    const json::value* v = o.if_contains(key);
    if (!v) return Failure{"MissingParameter", fmt::format("The parameter `{}` is missing.", key)};
    if (!v->is_string() || v->get_string().empty())
        return Failure{invalid_code,
                       fmt::format("The parameter `{}` must be a non-empty string.", key)};
    return std::nullopt;
}

std::optional<Failure> need_int(const json::object& o, std::string_view key, std::int64_t lo,
                                std::int64_t hi, std::int64_t& out) {
    const json::value* v = o.if_contains(key);
    if (!v) return Failure{"MissingParameter", fmt::format("The parameter `{}` is missing.", key)};
    std::error_code ec;
    const auto n = v->is_number() ? v->to_number<std::int64_t>(ec) : 0;
    if (!v->is_number() || ec || n < lo || n > hi)
        return Failure{
            "InvalidParameterValue",
            fmt::format("The parameter `{}` must be an integer in {}..{}.", key, lo, hi)};
    out = n;
    return std::nullopt;
}

// Which answer a mini program gets: its MNPId (or PlatformId for the list)
// selects the empty and null variants the real API may send.
// "mperror-<Code>" ("Terror-<Code>") answers with that error code, and
// "mpnorequestid" ("Tnorequestid") a full answer without RequestId, as a proxy would.
enum class Variant { full, empty, null, error, no_request_id };
Variant variant_of(std::string_view id) {
    if (id.starts_with("mpempty") || id.starts_with("Tempty")) return Variant::empty;
    if (id.starts_with("mpnull") || id.starts_with("Tnull")) return Variant::null;
    if (id.starts_with("mperror-") || id.starts_with("Terror-")) return Variant::error;
    if (id.starts_with("mpnorequestid") || id.starts_with("Tnorequestid"))
        return Variant::no_request_id;
    return Variant::full;
}

// The code after "mperror-" / "Terror-".
std::string_view selected_code(std::string_view id) {
    return id.substr(id.find('-') + 1);
}

// Times are Unix seconds as strings, as the SDK models say.
constexpr std::string_view t_release_1 = "1772328600";  // 2026-03-01
constexpr std::string_view t_release_0 = "1770717600";  // 2026-02-10
constexpr std::string_view t_develop = "1773975600";    // 2026-03-20
constexpr std::string_view t_created = "1767578400";    // 2026-01-05

// QueryOnlineVersionResp
json::object released_record(std::string_view id, std::string_view version, std::int64_t version_id,
                             std::string_view when, json::storage_ptr sp) {
    json::object v(sp);
    v["MNPId"] = id;
    v["MNPVersion"] = version;
    v["MNPVersionId"] = version_id;
    v["MNPVersionNote"] = "tcmpp-sim build";
    v["UpdateTime"] = when;
    return v;
}

// DescribeMPAllStageVersionsResp
json::object stage_record(std::string_view id, std::string_view phase, std::string_view version,
                          std::int64_t version_id, std::int64_t approval_status,
                          std::string_view when, json::storage_ptr sp) {
    json::object v(sp);
    v["MNPId"] = id;
    v["MNPVersionId"] = version_id;
    v["MNPName"] = "Sim Shop";
    v["MNPIcon"] = "https://example.invalid/icon.png";
    v["MNPType"] = "Shopping";
    v["MNPIntro"] = "A mini program served by tcmpp-sim";
    v["MNPDesc"] = "tcmpp-sim";
    v["CreateUser"] = "tcmpp-sim";
    v["CreateTime"] = when;
    v["MNPVersion"] = version;
    v["MNPVersionIntro"] = "tcmpp-sim build";
    v["Phase"] = phase;
    v["ApprovalStatus"] = approval_status;
    v["ApprovalNo"] = nullptr;
    v["ShowCase"] = 0;
    v["RollbackVersion"] = 0;
    v["Status"] = 1;
    v["VersionCurrentStatus"] = 1;
    return v;
}

struct Catalog {
    std::string_view id, name, type;
};
constexpr std::array<Catalog, 3> catalog = {{
    {"mpsim0000000001", "Sim Shop", "Shopping"},
    {"mpsim0000000002", "Sim Wallet", "Finance"},
    {"mpsim0000000003", "Sim News", "News"},
}};

// DescribeMNPListData
json::object list_record(const Catalog& c, json::storage_ptr sp) {
    json::object e(sp);
    e["MNPId"] = c.id;
    e["MNPIcon"] = "https://example.invalid/icon.png";
    e["MNPName"] = c.name;
    e["TeamName"] = "tcmpp-sim";
    e["MNPType"] = c.type;
    e["Status"] = 1;
    e["MNPIntro"] = "A mini program served by tcmpp-sim";
    e["CreateUser"] = "tcmpp-sim";
    e["CreateTime"] = t_created;
    e["UpdateUser"] = "tcmpp-sim";
    e["UpdateTime"] = t_release_1;
    e["ApplicationName"] = "Sim Superapp";
    e["EffectStatus"] = 1;
    e["EffectMNPVersionId"] = 1003;
    e["EffectMNPVersion"] = "1.3.0";
    return e;
}

// A page of records as the List and VersionHistory actions answer it:
// TotalCount, and DataList as an array, or null where the variant says so.
json::object page_of(json::array list, std::int64_t total, Variant variant, json::storage_ptr sp) {
    json::object page(sp);
    page["TotalCount"] = total;
    if (variant == Variant::null)
        page["DataList"] = nullptr;
    else
        page["DataList"] = std::move(list);
    return page;
}

bool has_records(Variant v) {
    return v == Variant::full || v == Variant::no_request_id;
}

// The Data of an answer, and the variant its id selected.
struct Answer {
    json::value data;
    Variant variant = Variant::full;
};

// DescribeMNPList: a page of the catalog, Offset and Limit checked as the real API does.
std::optional<Failure> mnp_list(const json::object& p, json::storage_ptr sp, Answer& a) {
    std::int64_t offset = 0, limit = 0;
    if (auto f = need_int(p, "Offset", 0, INT32_MAX, offset)) return f;
    if (auto f = need_int(p, "Limit", 1, 100, limit)) return f;
    if (auto f = need_string(p, "PlatformId", "InvalidParameterValue.InvalidPlatformId")) return f;
    const std::string_view platform = p.at("PlatformId").get_string();
    a.variant = variant_of(platform);
    if (a.variant == Variant::error)
        return Failure{selected_code(platform), "tcmpp-sim: the error this PlatformId selects"};
    json::array list(sp);
    if (has_records(a.variant)) {
        for (auto i = offset; i < offset + limit && i < std::int64_t{catalog.size()}; ++i)
            list.push_back(list_record(catalog[static_cast<std::size_t>(i)], sp));
    }
    const auto total = static_cast<std::int64_t>(list.empty() ? 0 : catalog.size());
    a.data = page_of(std::move(list), total, a.variant, sp);
    return std::nullopt;
}

// DescribeMNPReleasedVersionHistory. A mini program with no released version
// yet answers TotalCount 0 and [] or null.
json::value released_versions(std::string_view id, Variant variant, json::storage_ptr sp) {
    json::array list(sp);
    if (has_records(variant)) {
        list.push_back(released_record(id, "1.3.0", 1003, t_release_1, sp));
        list.push_back(released_record(id, "1.2.1", 1002, t_release_0, sp));
    }
    const auto total = static_cast<std::int64_t>(list.size());
    return page_of(std::move(list), total, variant, sp);
}

// DescribeMNPAllStageVersions: an array of version records, one per phase;
// null when there are none.
json::value stage_versions(std::string_view id, Variant variant, json::storage_ptr sp) {
    if (variant == Variant::null) return nullptr;
    json::array stages(sp);
    if (has_records(variant)) {
        stages.push_back(stage_record(id, "Develop", "1.4.0", 1004, 0, t_develop, sp));
        stages.push_back(stage_record(id, "Platform", "1.4.0", 1004, 1, t_develop, sp));
        stages.push_back(stage_record(id, "Online", "1.3.0", 1003, 3, t_release_1, sp));
    }
    return stages;
}

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
    if (auto f = verify(config_, r, now)) return fail(*f);

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

    Answer a{json::value(&mr)};
    if (action == Action::mnp_list) {
        if (auto f = mnp_list(p, &mr, a)) return fail(*f);
    } else {
        if (auto f = need_string(p, "MNPId", "InvalidParameterValue.InvalidMNPId")) return fail(*f);
        if (auto f = need_string(p, "PlatformId", "InvalidParameterValue.InvalidPlatformId"))
            return fail(*f);
        const std::string_view id = p.at("MNPId").get_string();
        a.variant = variant_of(id);
        if (a.variant == Variant::error)
            return fail({selected_code(id), "tcmpp-sim: the error this MNPId selects"});
        if (action == Action::released_version_history) {
            a.data = released_versions(id, a.variant, &mr);
        } else if (action == Action::all_stage_versions) {
            a.data = stage_versions(id, a.variant, &mr);
        } else {  // offline package URL, presigned and short-lived like the real one
            if (a.variant == Variant::empty || a.variant == Variant::null)
                return fail({"FailedOperation.MNPOnlineVersionNotExist",
                             "The mini program does not have an online version."});
            json::object inner(&mr);
            inner["Data"] =
                std::string(r.base_url) + signer_.make_target(id, now + package_url_lifetime_s);
            a.data = std::move(inner);
        }
    }
    json::object response(&mr);
    response["Data"] = std::move(a.data);
    if (a.variant != Variant::no_request_id) response["RequestId"] = new_request_id();
    json::object root(&mr);
    root["Response"] = std::move(response);
    return ApiReply{json::serialize(root), {}};
}

}  // namespace tcmpp_sim
