// SPDX-License-Identifier: Apache-2.0
#pragma once
// What a healthy answer of each probed TCMPP/TCSAS action looks like, after the
// models of TencentCloud's public SDKs (tcmpp 2024-08-01, tcsas 2025-01-06);
// docs/tencentcloud-api.md has the same judgement in prose. Pure, no I/O.

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace slawatch::probes {

// Why the success answer `response` (the object under "Response", without
// Error) is not a healthy answer of `action`, or nullopt when it is.
//   every action: RequestId a non-empty string
//   DescribeMNPReleasedVersionHistory, DescribeMNPList: Data an object with an
//     integer TotalCount and DataList an array or null (absent only with TotalCount 0)
//   DescribeMNPAllStageVersions: Data an array of objects, or null
//   DescribeMNPOfflinePackageURL: Data an object with Data a non-empty string
// Other actions: only RequestId.
std::optional<std::string> shape_problem(std::string_view action,
                                         const boost::json::object& response);

// True for the four actions above.
bool known_action(std::string_view action);

}  // namespace slawatch::probes
