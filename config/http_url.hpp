// SPDX-License-Identifier: Apache-2.0
#pragma once
// The one check of a URL slawatch sends requests to (a probe's url or
// endpoint, an alert hook's url, a download's package URL): http or https, a
// host that is a name or an IP address, no credentials, a port from 1 to 65535.
// The config checks it when it loads (config/section.hpp read_http_url), the
// HTTP client again before it connects (net/http_client.hpp parse_url); each
// words the problem for its own reader.

#include <boost/url/url_view.hpp>

#include <string_view>

namespace slawatch::config {

enum class UrlProblem { none, scheme, no_host, credentials, bad_port, bad_host };

UrlProblem check_http_url(const boost::urls::url_view& url);

// The problem as the config's messages word it ("no host").
std::string_view describe(UrlProblem problem);

}  // namespace slawatch::config
