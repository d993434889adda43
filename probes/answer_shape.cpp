// SPDX-License-Identifier: Apache-2.0
// The healthy answer of each probed action (probes/answer_shape.hpp).

#include "probes/answer_shape.hpp"

#include <boost/json/value.hpp>

namespace slawatch::probes {
namespace {

namespace json = boost::json;

using Problem = std::optional<std::string>;

// Data{TotalCount, DataList[...]}: a page of a list. An empty list may come as
// [] or null (a mini program with no released version yet is healthy).
Problem page_problem(const json::object& response) {
    const json::value* data = response.if_contains("Data");
    if (!data || !data->is_object()) return "Response.Data is not an object";
    const json::object& page = data->get_object();
    const json::value* total = page.if_contains("TotalCount");
    if (!total || !total->is_number()) return "Response.Data.TotalCount is not a number";
    const bool zero = (total->is_int64() && total->get_int64() == 0) ||
                      (total->is_uint64() && total->get_uint64() == 0);
    const json::value* list = page.if_contains("DataList");
    if (!list) return zero ? Problem{} : Problem{"Response.Data.DataList is missing"};
    if (!list->is_array() && !list->is_null())
        return "Response.Data.DataList is neither an array nor null";
    return std::nullopt;
}

// Data: [{MNPId, MNPVersion, Phase, ...}] or null.
Problem stage_versions_problem(const json::object& response) {
    const json::value* data = response.if_contains("Data");
    if (!data) return "Response.Data is missing";
    if (data->is_null()) return std::nullopt;
    if (!data->is_array()) return "Response.Data is neither an array nor null";
    for (const json::value& v : data->get_array()) {
        if (!v.is_object()) return "Response.Data holds an element that is not an object";
    }
    return std::nullopt;
}

// Data{Data: "<url>"}.
Problem package_url_problem(const json::object& response) {
    const json::value* data = response.if_contains("Data");
    const json::object* inner = data ? data->if_object() : nullptr;
    if (!inner) return "Response.Data is not an object";
    const json::value* url = inner->if_contains("Data");
    if (!url || !url->is_string() || url->get_string().empty())
        return "Response.Data.Data is not a URL";
    return std::nullopt;
}

}  // namespace

bool known_action(std::string_view action) {
    return action == "DescribeMNPReleasedVersionHistory" ||
           action == "DescribeMNPAllStageVersions" || action == "DescribeMNPOfflinePackageURL" ||
           action == "DescribeMNPList";
}

std::optional<std::string> shape_problem(std::string_view action, const json::object& response) {
    // A valid answer always carries RequestId: JSON from a proxy or a captive
    // portal is not the service.
    const json::value* id = response.if_contains("RequestId");
    if (!id || !id->is_string() || id->get_string().empty())
        return "answer has no Response.RequestId";
    if (action == "DescribeMNPReleasedVersionHistory" || action == "DescribeMNPList")
        return page_problem(response);
    if (action == "DescribeMNPAllStageVersions") return stage_versions_problem(response);
    if (action == "DescribeMNPOfflinePackageURL") return package_url_problem(response);
    return std::nullopt;
}

}  // namespace slawatch::probes
