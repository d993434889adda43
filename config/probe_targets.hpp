// SPDX-License-Identifier: Apache-2.0
#pragma once
// The kind-specific keys of a [[probe]]: what it calls and how it checks the answer.

#include "config/config.hpp"
#include "config/section.hpp"
#include "config/sections.hpp"

namespace slawatch::config::detail {

void read_http_target(Section& s, Context& ctx, HttpOptions& out);
// `download` adds url_field and range to the tencentcloud keys.
void read_tencentcloud_target(Section& s, Context& ctx, bool download, TencentCloudOptions& out);

// The API host when a probe names no endpoint: "<service>.tencentcloudapi.com" for
// mainland China regions, "<service>.intl.tencentcloudapi.com" for every other region.
std::string default_api_host(std::string_view service, std::string_view region);
// The API version of a known service (tcmpp 2024-08-01, tcsas 2025-01-06), or "".
std::string_view default_api_version(std::string_view service);

// Every kind-specific key, so an unknown kind does not also flag them all.
void accept_all_target_keys(Section& s);

}  // namespace slawatch::config::detail
